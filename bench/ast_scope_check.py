"""Compare auditor.scan.ast_scope with LibCST's scope metadata, and time it.

    .venv/bin/python bench/ast_scope_check.py DIR...          # answers, file by file
    .venv/bin/python bench/ast_scope_check.py --speed DIR...  # ast.parse vs Scopes

For every Name and Attribute read of every .py file (paired by their start and end, ast's
UTF-8 byte columns turned into characters as LibCST counts them): the qualified names
(name and source) of LibCST's `scope.get_qualified_names_for(node)` against ours, and,
for names, whether every binding `scope[name]` gives is the builtin. Test-only: this is
the one place ast_scope meets LibCST.
"""

from __future__ import annotations

import ast
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.scan.ast_scope import Assignment

Key = tuple[str, int, int, int, int]
Binding = tuple[str, int | str]  # a name, and the line that binds it, or "builtin"
# qualified names; for a name, whether it is the builtin, and the bindings it sees
Answer = tuple[frozenset[tuple[str, str]], bool | None, frozenset[Binding] | None]


def _files(roots: list[str]) -> list[Path]:
    return sorted(p for root in roots for p in Path(root).rglob("*.py") if p.is_file())


def _ours(tree: ast.Module, text: str) -> dict[Key, Answer]:
    from auditor.scan.ast_scope import Scopes

    lines = text.splitlines(keepends=True)

    def column(line: int, byte: int) -> int:
        row = lines[line - 1] if line - 1 < len(lines) else ""
        return byte if row.isascii() else len(row.encode()[:byte].decode())

    scopes = Scopes(tree)
    found: dict[Key, Answer] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name | ast.Attribute) or not isinstance(node.ctx, ast.Load):
            continue
        assert node.end_lineno is not None and node.end_col_offset is not None
        key = (
            type(node).__name__,
            node.lineno,
            column(node.lineno, node.col_offset),
            node.end_lineno,
            column(node.end_lineno, node.end_col_offset),
        )
        scope = scopes.scope_of(node)
        names = frozenset((q.name, q.source) for q in scope.get_qualified_names_for(node))
        builtin = referents = None
        if isinstance(node, ast.Name):
            seen = scope[node.id]
            builtin = bool(seen) and all(a.kind == "builtin" for a in seen)
            referents = frozenset(_binding(a) for a in scopes.referents(node))
        found[key] = (names, builtin, referents)
    return found


def _binding(assignment: Assignment) -> Binding:
    if assignment.kind == "builtin":
        return assignment.name, "builtin"
    if assignment.kind == "import":
        assert assignment.statement is not None
        return assignment.name, assignment.statement.lineno
    return assignment.name, getattr(assignment.node, "lineno", 0)


def _libcst(text: str) -> dict[Key, tuple[Answer, bool]]:
    """LibCST's answers, and whether the attribute's base is a plain name chain."""
    import libcst as cst
    from libcst.metadata import (
        Assignment,
        BaseAssignment,
        BuiltinAssignment,
        ExpressionContext,
        ExpressionContextProvider,
        MetadataWrapper,
        PositionProvider,
        ScopeProvider,
    )

    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    contexts = wrapper.resolve(ExpressionContextProvider)
    found: dict[Key, tuple[Answer, bool]] = {}

    def binding(assignment: BaseAssignment) -> Binding:
        if isinstance(assignment, BuiltinAssignment):
            return assignment.name, "builtin"
        assert isinstance(assignment, Assignment)
        node = assignment.node
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Param):
            node = node.name
        where = positions.get(node)
        return assignment.name, where.start.line if where is not None else 0

    # A read's referents, by the name it starts with (`os` of an `os.path` read).
    referents: dict[cst.Name, frozenset[Binding]] = {}
    for each in {s for s in scopes.values() if s is not None}:
        for access in each.accesses:
            start: cst.BaseExpression = access.node
            while isinstance(start, cst.Attribute):
                start = start.value
            if isinstance(start, cst.Name):
                referents[start] = frozenset(binding(a) for a in access.referents)
    for node, context in contexts.items():
        if context != ExpressionContext.LOAD or not isinstance(node, cst.Name | cst.Attribute):
            continue
        if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
            continue  # constants, in ast
        scope = scopes.get(node)
        if scope is None:
            continue
        where = positions[node]
        key = (
            type(node).__name__,
            where.start.line,
            where.start.column,
            where.end.line,
            where.end.column,
        )
        names = frozenset(
            (q.name, q.source.name.lower()) for q in scope.get_qualified_names_for(node)
        )
        builtin = seen_by = None
        if isinstance(node, cst.Name):
            seen = scope[node.value]
            builtin = bool(seen) and all(isinstance(a, BuiltinAssignment) for a in seen)
            seen_by = referents.get(node, frozenset())
        base: cst.BaseExpression = node
        while isinstance(base, cst.Attribute):
            base = base.value
        found[key] = ((names, builtin, seen_by), isinstance(base, cst.Name))
    return found


def compare(roots: list[str], shown: int) -> None:
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for path in _files(roots):
        counts["files"] += 1
        try:
            text = path.read_bytes().decode("utf-8")
            tree = ast.parse(text)
            theirs = _libcst(text)
        except Exception as error:  # a file either parser refuses is left out, counted
            counts[f"skipped ({type(error).__name__})"] += 1
            continue
        ours = _ours(tree, text)
        counts["unpaired LibCST reads"] += len(theirs.keys() - ours.keys())
        counts["unpaired ast reads"] += len(ours.keys() - theirs.keys())
        for key in theirs.keys() & ours.keys():
            (names, builtin, seen), plain = theirs[key]
            our_names, our_builtin, our_seen = ours[key]
            kind = key[0] if plain else "Attribute of a call or subscript"
            counts[f"{kind} paired"] += 1
            problems = []
            if names != our_names:
                problems.append(f"{kind} qualified names")
            if builtin != our_builtin:
                problems.append("Name builtin")
            if seen != our_seen:
                problems.append("Name referents")
            for problem in problems:
                counts[problem + " differ"] += 1
                listed = examples.setdefault(problem, [])
                if len(listed) < shown:
                    listed.append(
                        f"{path}:{key[1]}:{key[2]} {sorted(names)} {builtin} {sorted(seen or ())}"
                        f" / ours {sorted(our_names)} {our_builtin} {sorted(our_seen or ())}"
                    )
    for name, count in sorted(counts.items()):
        print(f"{count:>9}  {name}")
    for problem, listed in examples.items():
        print(f"\n{problem}: LibCST / ours")
        for line in listed:
            print("  " + line)


def speed(roots: list[str]) -> None:
    from auditor.scan.ast_scope import Scopes

    parse = build = names = parents = 0.0
    big_parse = big_build = 0.0
    files = 0
    for path in _files(roots):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        start = time.perf_counter()
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        parsed = time.perf_counter()
        scopes = Scopes(tree)
        assert scopes.global_scope is not None  # builds the scopes
        built = time.perf_counter()
        reads = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
        listed = time.perf_counter()
        for name in reads:
            scopes.referents(name)
        resolved = time.perf_counter()
        scopes.parent(tree)
        ended = time.perf_counter()
        files += 1
        parse += parsed - start
        build += built - parsed
        names += resolved - listed
        parents += ended - resolved
        if text.count("\n") >= 2000:
            big_parse += parsed - start
            big_build += (built - parsed) + (resolved - listed) + (ended - resolved)
    everything = build + names + parents
    print(f"{files} files: ast.parse {parse:.3f}s; Scopes pass {build:.3f}s,")
    print(f"referents of every Name {names:.3f}s, parents {parents:.3f}s")
    print(f"everything {everything:.3f}s = {everything / parse:.2f}x ast.parse")
    if big_parse:
        print(f"files of 2,000+ lines: {big_build / big_parse:.2f}x ast.parse")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--speed":
        speed(argv[1:])
    else:
        compare(argv, shown=8)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
