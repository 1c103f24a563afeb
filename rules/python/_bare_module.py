"""What bare-except's alternative needs to know of a module at detection, on `ast`: its
top-level statements as LibCST counts them (`a; b` on one line is one statement), which
of them are import lines, where a new `import m` could go (`Insertions.add_import`'s
answer, without writing it), and the names its scopes use as variables (`module_uses`)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence

Line = tuple[ast.stmt, ...]  # one of LibCST's module-level statements


def statement_lines(body: Sequence[ast.stmt]) -> list[Line]:
    """The module's statements grouped as LibCST's `module.body`: simple statements that
    share a line (`import os; import sys`) are one."""
    lines: list[list[ast.stmt]] = []
    for statement in body:
        if lines and statement.lineno == lines[-1][-1].end_lineno:
            lines[-1].append(statement)
        else:
            lines.append([statement])
    return [tuple(line) for line in lines]


def imported_modules(line: Line) -> list[str] | None:
    """The modules an import line imports from (`import a.b` and `from a.b import c`:
    `a.b`); None for any other statement, a relative import included."""
    found: list[str] = []
    for small in line:
        if isinstance(small, ast.Import):
            found.extend(alias.name for alias in small.names)
        elif isinstance(small, ast.ImportFrom) and small.module is not None and not small.level:
            found.append(small.module)
        else:
            return None
    return found


def _is_docstring(line: Line) -> bool:
    if len(line) != 1 or not isinstance(line[0], ast.Expr):
        return False
    value = line[0].value
    return isinstance(value, ast.Constant) and isinstance(value.value, str | bytes)


def _is_future_import(line: Line) -> bool:
    return all(isinstance(s, ast.ImportFrom) and s.module == "__future__" for s in line)


def header_end(lines: Sequence[Line]) -> int:
    """The index after the module docstring and `from __future__` imports."""
    index = 1 if lines and _is_docstring(lines[0]) else 0
    while index < len(lines) and _is_future_import(lines[index]):
        index += 1
    return index


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


class ImportPlaces:
    """Whether `Insertions.add_import` would place `import module` (a section to join),
    and the imports it has already placed: the same answers, from the same sections."""

    def __init__(self, lines: Sequence[Line], text_lines: Sequence[str], limit: int | None):
        self.lines = lines
        self.text_lines = text_lines
        self.limit = limit
        self._added: set[str] = set()
        self._sections: list[list[int]] | None = None

    def sections(self) -> list[list[int]]:
        if self._sections is not None:
            return self._sections
        sections: list[list[int]] = []
        previous = -2
        for index in range(header_end(self.lines), len(self.lines)):
            modules = imported_modules(self.lines[index])
            if not modules or "__future__" in modules:
                continue
            if previous == index - 1 and not self._blank_before(index):
                sections[-1].append(index)
            else:
                sections.append([index])
            previous = index
        self._sections = sections
        return sections

    def _blank_before(self, index: int) -> bool:
        """A blank line between the statement and the one before (LibCST's leading lines
        without a comment)."""
        first = self.lines[index - 1][-1].end_lineno or 0
        last = self.lines[index][0].lineno
        return any(not self.text_lines[n - 1].strip() for n in range(first + 1, last))

    def add_import(self, module: str) -> bool:
        if module in self._added:
            return True
        root = module.split(".")[0]
        sections = [s for s in self.sections() if self.limit is None or s[-1] < self.limit]
        same = [s for s in sections if any(m.split(".")[0] == root for m in self._modules(s))]
        stdlib = [s for s in sections if all(is_stdlib(m) for m in self._modules(s))]
        if not (same or (is_stdlib(module) and (stdlib or sections))):
            return False
        self._added.add(module)
        return True

    def _modules(self, section: list[int]) -> list[str]:
        return [m for i in section for m in imported_modules(self.lines[i]) or ()]
