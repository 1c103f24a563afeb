"""New module-level statements for a fix, public to rules through `auditor.plugins`:
`import x` and `from x import y` lines where isort (ruff's I001) puts them (`Insertions`),
past the module's header (`header_end`), and several insertions around one statement
merged into one replacement.

The module's top-level import lines form sections: runs of consecutive lines, split by a
blank line or any other statement. A new `import m` joins the section that imports from
m's top-level package already (the section of its kind: third-party, first-party), or
for a standard-library module the first section of standard-library imports, or a new
section before the first one. Inside a section isort's default order holds: `import`
lines sorted by module, case-insensitively, then `from` lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from auditor.scan.cst_rule import Replacement

Section = list[int]  # indices of top-level statements
_EMPTY_MODULE = cst.Module(body=())


def code_of(node: cst.CSTNode) -> str:
    """A node's source text outside its module (LibCST prints a node through a module)."""
    return _EMPTY_MODULE.code_for_node(node)


def header_end(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the module docstring and `from __future__` imports, which must
    stay first."""
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    while index < len(body) and _is_future_import(body[index]):
        index += 1
    return index


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _is_future_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.ImportFrom)
        and isinstance(s.module, cst.Name)
        and s.module.value == "__future__"
        for s in statement.body
    )


def import_line(module: str, asname: str | None = None) -> cst.SimpleStatementLine:
    name = cst.parse_expression(module)
    assert isinstance(name, cst.Name | cst.Attribute)
    alias = cst.ImportAlias(name, None if asname is None else cst.AsName(cst.Name(asname)))
    return cst.SimpleStatementLine([cst.Import([alias])])


def from_import_line(module: str, name: str, asname: str | None = None) -> cst.SimpleStatementLine:
    dotted = cst.parse_expression(module)
    assert isinstance(dotted, cst.Name | cst.Attribute)
    alias = cst.ImportAlias(
        cst.Name(name), None if asname is None else cst.AsName(cst.Name(asname))
    )
    return cst.SimpleStatementLine([cst.ImportFrom(module=dotted, names=[alias])])


def imported_modules(statement: cst.BaseStatement) -> list[str] | None:
    """The modules an import line imports from (`import a.b` and `from a.b import c`:
    `a.b`); None for any other statement, a relative import included."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    found: list[str] = []
    for small in statement.body:
        if isinstance(small, cst.Import):
            found.extend(code_of(alias.name) for alias in small.names)
        elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
            found.append(code_of(small.module))
        else:
            return None
    return found


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


@dataclass
class Insertions:
    """Statements to add around top-level statements (by index in `body`), as one
    replacement per statement: two replacements of one node would collide. New imports
    come right next to their neighbour, other new statements after them."""

    body: Sequence[cst.BaseStatement]
    # New imports go only into sections before this statement (None: anywhere): the
    # code that needs them may run at import time.
    limit: int | None = None
    before: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)
    after: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)
    _imports_before: dict[int, list[tuple[str, cst.SimpleStatementLine]]] = field(
        default_factory=dict
    )
    _imports_after: dict[int, list[tuple[str, cst.SimpleStatementLine]]] = field(
        default_factory=dict
    )
    _section_lines: dict[int, list[tuple[str, cst.SimpleStatementLine]]] = field(
        default_factory=dict
    )
    spaced: set[int] = field(default_factory=set)  # a definition there: two blank lines
    _added: set[tuple[str, str | None]] = field(default_factory=set)
    changed: dict[int, cst.BaseStatement] = field(default_factory=dict)  # a line rewritten

    def sections(self) -> list[Section]:
        sections: list[Section] = []
        previous = -2
        for index in range(header_end(self.body), len(self.body)):
            statement = self.body[index]
            modules = imported_modules(statement)
            if not modules or "__future__" in modules:
                continue
            leading = getattr(statement, "leading_lines", ())
            blank = any(line.comment is None for line in leading)
            if previous == index - 1 and not blank:
                sections[-1].append(index)
            else:
                sections.append([index])
            previous = index
        return sections

    def add_import(self, module: str, asname: str | None = None, limit: int | None = None) -> bool:
        """Places `import module [as asname]` where isort would, before the statement
        `limit` (and `self.limit`) when given; False when it has no section to join (a
        third-party module the module imports nothing from yet)."""
        if (module, asname) in self._added:
            return True
        root = module.split(".")[0]
        sections = [s for s in self.sections() if self._allowed(s[-1], limit)]
        same = [s for s in sections if any(m.split(".")[0] == root for m in self._modules(s))]
        stdlib = [s for s in sections if all(is_stdlib(m) for m in self._modules(s))]
        line = import_line(module, asname)
        if same or (is_stdlib(module) and stdlib):
            self._into((same or stdlib)[0], module.lower(), line)
        elif is_stdlib(module) and sections:
            # A standard-library section of its own, above the others.
            self._section_lines.setdefault(sections[0][0], []).append((module.lower(), line))
        else:
            return False
        self._added.add((module, asname))
        return True

    def add_from_import(
        self, module: str, name: str, asname: str | None = None, limit: int | None = None
    ) -> bool:
        """Places `from module import name [as asname]` where isort would: in the section
        that imports from its top-level package, among the `from` lines sorted by module
        (a module imported from already takes the name into that line); False when no
        section imports from that package."""
        root = module.split(".")[0]
        sections = [s for s in self.sections() if self._allowed(s[-1], limit)]
        same = [s for s in sections if any(m.split(".")[0] == root for m in self._modules(s))]
        if not same:
            return False
        for index in same[0]:
            merged = _merged(self.body[index], module, name, asname)
            if merged is not None:
                self.changed[index] = merged
                return True
        key = "\x7f" + module.lower()  # `from` lines sort after `import` lines
        line = from_import_line(module, name, asname)
        offset = next(
            (n for n, i in enumerate(same[0]) if _from_line_after(self.body[i], module)),
            len(same[0]),
        )
        if offset > 0:
            self._imports_after.setdefault(same[0][offset - 1], []).append((key, line))
        else:
            self._imports_before.setdefault(same[0][0], []).append((key, line))
        return True

    def add_third_party(self, module: str, first_party: Callable[[str], bool]) -> bool:
        """Places `import module` (a third-party module) where isort would: in the first
        section of third-party imports (one whose modules are neither all standard
        library nor all `first_party`), else in a section of its own after the
        standard-library ones, else above the first section (below a standard-library
        section added there); False when the module imports nothing yet."""
        if (module, None) in self._added or self.add_import(module):
            return True
        sections = [s for s in self.sections() if self._allowed(s[-1], None)]

        def stdlib(section: Section) -> bool:
            return all(is_stdlib(m) for m in self._modules(section))

        def third(section: Section) -> bool:
            modules = self._modules(section)
            return not stdlib(section) and not all(first_party(m.split(".")[0]) for m in modules)

        line = import_line(module)
        chosen = [s for s in sections if third(s)]
        if chosen:
            self._into(chosen[0], module.lower(), line)
        elif any(stdlib(s) for s in sections):
            last = [s for s in sections if stdlib(s)][-1][-1]
            spaced = line.with_changes(leading_lines=[cst.EmptyLine()])
            # Sorted after the standard-library imports added beside it.
            self._imports_after.setdefault(last, []).append(("\x7f" + module, spaced))
        elif sections:
            # A section of its own above the first one, after a new standard-library one.
            spaced = line.with_changes(leading_lines=[cst.EmptyLine()])
            self._section_lines.setdefault(sections[0][0], []).append(("\x7f" + module, spaced))
        else:
            return False
        self._added.add((module, None))
        return True

    def add_section_above_relative(
        self, module: str, name: str, asname: str | None = None, limit: int | None = None
    ) -> bool:
        """Places `from module import name` (an absolute import no section takes) as a
        section of its own above the module's relative imports, where isort puts first-
        party imports; False when there are none before `limit` (after the last import,
        where a caller puts a new section, is then isort's place too)."""
        if module.startswith("."):
            return False
        start = header_end(self.body)
        relative = next(
            (
                index
                for index in range(start, len(self.body))
                if self._allowed(index, limit) and _relative_only(self.body[index])
            ),
            None,
        )
        if relative is None:
            return False
        line = from_import_line(module, name, asname)
        self._section_lines.setdefault(relative, []).append(("\x7f" + module.lower(), line))
        return True

    def _allowed(self, index: int, limit: int | None) -> bool:
        return (limit is None or index <= limit) and (self.limit is None or index < self.limit)

    def _modules(self, section: Section) -> list[str]:
        return [m for i in section for m in imported_modules(self.body[i]) or ()]

    def _into(self, section: Section, key: str, line: cst.SimpleStatementLine) -> None:
        offset = next(
            (n for n, i in enumerate(section) if _sorts_after(self.body[i], key)), len(section)
        )
        if offset > 0:
            self._imports_after.setdefault(section[offset - 1], []).append((key, line))
        else:
            self._imports_before.setdefault(section[0], []).append((key, line))

    def replacements(self) -> list[tuple[cst.CSTNode, Replacement]]:
        pairs: list[tuple[cst.CSTNode, Replacement]] = []
        indices = {
            *self.before,
            *self.after,
            *self._imports_before,
            *self._imports_after,
            *self._section_lines,
        }
        for index in sorted({*indices, *self.changed}):
            statement = self.changed.get(index, self.body[index])
            fresh = [line for _, line in sorted(self._section_lines.get(index, ()))]
            joined = [line for _, line in sorted(self._imports_before.get(index, ()))]
            below = [line for _, line in sorted(self._imports_after.get(index, ()))]
            if (fresh or joined) and isinstance(statement, cst.SimpleStatementLine):
                rest = list(statement.leading_lines)
                if fresh:
                    # A section of its own takes the blank lines; comments stay with theirs.
                    blanks = _blank_lines(rest)
                    fresh[0] = fresh[0].with_changes(leading_lines=rest[:blanks])
                    rest = [cst.EmptyLine(), *rest[blanks:]]
                if joined:
                    # The first import of a section: its comments head the section still.
                    joined[0] = joined[0].with_changes(leading_lines=rest)
                    rest = []
                statement = statement.with_changes(leading_lines=rest)
            above = [*fresh, *joined]
            if index in self.spaced and isinstance(statement, _DEFINITIONS):
                blank = [cst.EmptyLine()] * (2 - min(_blank_lines(statement.leading_lines), 2))
                statement = statement.with_changes(leading_lines=[*blank, *statement.leading_lines])
            new = [
                *self.before.get(index, ()),
                *above,
                statement,
                *below,
                *self.after.get(index, ()),
            ]
            pairs.append((self.body[index], cst.FlattenSentinel(new)))
        return pairs


_DEFINITIONS = (cst.FunctionDef, cst.ClassDef)


def _relative_only(statement: cst.BaseStatement) -> bool:
    """`from . import x`, `from .models import User`: a line of relative imports only."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and bool(statement.body)
        and all(isinstance(s, cst.ImportFrom) and bool(s.relative) for s in statement.body)
    )


def _blank_lines(lines: Sequence[cst.EmptyLine]) -> int:
    """The number of blank lines before the first comment line."""
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _from_line_after(statement: cst.BaseStatement, module: str) -> bool:
    """Whether isort puts the import line after a new `from module import ...` line."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    return (
        isinstance(small, cst.ImportFrom)
        and small.module is not None
        and code_of(small.module).lower() > module.lower()
    )


def _merged(
    statement: cst.BaseStatement, module: str, name: str, asname: str | None
) -> cst.BaseStatement | None:
    """`from module import ...` with `name` added in isort's order (constants, classes,
    then the rest): on one line, or wrapped one name a line in parentheses, as isort does
    past the line length (and as the line was, when it was wrapped); None for another
    line."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if (
        not isinstance(small, cst.ImportFrom)
        or small.relative
        or small.module is None
        or code_of(small.module) != module
        or isinstance(small.names, cst.ImportStar)
    ):
        return None
    new = cst.ImportAlias(cst.Name(name), None if asname is None else cst.AsName(cst.Name(asname)))
    names = sorted([*small.names, new], key=lambda a: _name_order(code_of(a.name)))
    if small.lpar is not None:
        return _wrapped(statement, module, names)
    spaced = [
        a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for a in names[:-1]
    ]
    merged = statement.with_changes(
        body=[
            small.with_changes(
                names=[*spaced, names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            )
        ]
    )
    if len(cst.Module([merged]).code.rstrip()) > _LINE_LENGTH:
        return _wrapped(statement, module, names)
    return merged


def _wrapped(
    statement: cst.SimpleStatementLine, module: str, names: Sequence[cst.ImportAlias]
) -> cst.BaseStatement | None:
    """`from module import (` one name a line, each with its comma `)`: isort's wrap;
    None when the line holds a comment, which the rewrite would lose."""
    if "#" in code_of(statement.body[0]) or statement.trailing_whitespace.comment is not None:
        return None
    lines = "".join(
        f"    {code_of(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))},\n" for alias in names
    )
    wrapped = cst.parse_statement(f"from {module} import (\n{lines})\n")
    return wrapped.with_changes(leading_lines=statement.leading_lines)


_LINE_LENGTH = 88  # ruff's and black's default: a longer line isort would wrap


def _name_order(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _sorts_after(statement: cst.BaseStatement, key: str) -> bool:
    """Whether isort puts the import line after a new `import` of the module `key`: a
    `from` line, or an `import` of a module that sorts after it."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        return True
    return isinstance(small, cst.Import) and code_of(small.names[0].name).lower() > key
