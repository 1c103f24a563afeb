"""The unvalidated-env fix's edits of Python modules: reads replaced by settings fields,
with the import of the settings instance (where isort puts it: `Insertions`), the `os`
imports the reads leave unused dropped, fields added to a settings class; and the text
edits between a module before and after."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst

from auditor.plugins import Edit, Insertions, header_end, imported_modules, is_stdlib

Import = tuple[str, str, str | None]  # from module import name as asname


def rewritten(
    module: cst.Module, replacements: Mapping[cst.CSTNode, str], imports: Sequence[Import]
) -> str:
    """`module`'s code with each node of `replacements` replaced by its expression, and
    `imports` added; `import os` / `from os import ...` names that were used before and
    are not any more are dropped."""
    before = _names_used(module)
    nodes = {node: cst.parse_expression(code) for node, code in replacements.items()}
    module = module.visit(_Replace(nodes))
    module = _with_imports(module, imports)
    unused = before - _names_used(module)
    return _without_unused_os(module, unused).code if unused else module.code


class _Replace(cst.CSTTransformer):
    def __init__(self, nodes: Mapping[cst.CSTNode, cst.BaseExpression]) -> None:
        super().__init__()
        self.nodes = nodes

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        replacement = self.nodes.get(original_node)
        if replacement is None or not isinstance(updated_node, cst.BaseExpression):
            return updated_node
        if not updated_node.lpar:  # the replacement's own parentheses, where it needs them
            return replacement
        return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _with_imports(module: cst.Module, imports: Sequence[Import]) -> cst.Module:
    if not imports:
        return module
    insertions = Insertions(module.body)
    alone: list[cst.SimpleStatementLine] = []
    for name_module, name, asname in imports:
        if not insertions.add_from_import(name_module, name, asname):
            alias = cst.ImportAlias(
                cst.Name(name), cst.AsName(cst.Name(asname)) if asname else None
            )
            target = cst.parse_expression(name_module)
            assert isinstance(target, cst.Name | cst.Attribute)
            alone.append(cst.SimpleStatementLine([cst.ImportFrom(module=target, names=[alias])]))
    body: list[cst.BaseStatement] = list(module.body)
    placed = [
        (next(i for i, s in enumerate(module.body) if s is node), replacement)
        for node, replacement in insertions.replacements()
    ]
    for index, replacement in sorted(placed, key=lambda p: -p[0]):  # later ones first
        assert isinstance(replacement, cst.FlattenSentinel)
        body[index : index + 1] = list(replacement)  # type: ignore[arg-type]
    stdlib = [line for line in alone if _is_stdlib_line(line)]
    alone = [line for line in alone if not _is_stdlib_line(line)]
    first = next((i for i, s in enumerate(body) if imported_modules(s)), None)
    if stdlib and first is not None:
        # A standard-library section of its own, above the others (isort's order).
        top = body[first]
        assert isinstance(top, cst.SimpleStatementLine)
        stdlib[0] = stdlib[0].with_changes(leading_lines=top.leading_lines)
        body[first] = top.with_changes(leading_lines=[cst.EmptyLine()])
        body[first:first] = stdlib
    elif stdlib:
        alone = stdlib + alone
    if alone:
        last = max((i for i, s in enumerate(body) if imported_modules(s)), default=None)
        at = header_end(body) if last is None else last + 1
        alone[0] = alone[0].with_changes(leading_lines=[cst.EmptyLine()] if at else [])
        following = body[at] if at < len(body) else None
        if isinstance(
            following, cst.SimpleStatementLine | cst.BaseCompoundStatement
        ) and not _blank_before(following):
            lines = [cst.EmptyLine(), *following.leading_lines]
            body[at] = following.with_changes(leading_lines=lines)
        body[at:at] = alone
    return module.with_changes(body=body)


def _is_stdlib_line(line: cst.SimpleStatementLine) -> bool:
    modules = imported_modules(line)
    return bool(modules) and all(is_stdlib(m) for m in modules or ())


def _blank_before(statement: cst.SimpleStatementLine | cst.BaseCompoundStatement) -> bool:
    leading = statement.leading_lines
    return bool(leading) and leading[0].comment is None


def _names_used(module: cst.Module) -> set[str]:
    """The names of `os` the module uses outside its imports."""
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Names())
    return found


def _without_unused_os(module: cst.Module, unused: set[str]) -> cst.Module:
    body: list[cst.BaseStatement] = []
    heading: Sequence[cst.EmptyLine] | None = None  # what a dropped line had above it
    for statement in module.body:
        kept = _drop_os(statement, unused)
        if kept is None:
            heading = heading if heading is not None else getattr(statement, "leading_lines", ())
            continue
        if heading is not None and isinstance(
            kept, cst.SimpleStatementLine | cst.BaseCompoundStatement
        ):
            own = list(kept.leading_lines)
            # Its own blank line stays when an import comes before it: it ends that
            # import section (isort's); else the dropped line's place is its place.
            after_import = any(imported_modules(done) for done in body)
            if not after_import or any(line.comment is None for line in heading):
                own = [line for line in own if line.comment is not None]
            kept = kept.with_changes(leading_lines=[*heading, *own])
        heading = None
        body.append(kept)
    return module.with_changes(body=body)


def _drop_os(statement: cst.BaseStatement, unused: set[str]) -> cst.BaseStatement | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return statement
    small = statement.body[0]
    if isinstance(small, cst.Import):
        names = [a for a in small.names if not _unused_os(a, "os", unused)]
    elif isinstance(small, cst.ImportFrom) and _is_os(small.module) and not small.relative:
        if isinstance(small.names, cst.ImportStar):
            return statement
        names = [a for a in small.names if not _unused_os(a, None, unused)]
    else:
        return statement
    if not names:
        return None
    if not isinstance(small.names, cst.ImportStar) and len(names) == len(small.names):
        return statement
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return statement.with_changes(body=[small.with_changes(names=names)])


def _is_os(module: cst.Attribute | cst.Name | None) -> bool:
    return isinstance(module, cst.Name) and module.value == "os"


def _unused_os(alias: cst.ImportAlias, module: str | None, unused: set[str]) -> bool:
    name = alias.evaluated_name
    if module is not None and name != module:
        return False
    bound = alias.evaluated_alias or name.split(".")[0]
    return bound in unused


def text_edits(path: str, before: str, after: str) -> Iterable[Edit]:
    """The edits that make `before` into `after`, one per run of changed lines."""
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert" and i1 > 0:
            # Lines added at the end of a block (a class's new fields) take the line
            # above with them: the edit then belongs to the statement it extends.
            text = old[i1 - 1] + "".join(new[j1:j2])
            yield Edit(starts[i1 - 1], starts[i2], text, path=path)
        elif tag != "equal":
            yield Edit(starts[i1], starts[i2], "".join(new[j1:j2]), path=path)


def extended_class(
    module: cst.Module, owner: str, lines: Sequence[str], required_first: bool
) -> cst.Module:
    """`module` with field `lines` added to the class `owner`: after its last field (a
    dataclass's required fields after its last required one, before any with a
    default)."""

    class Extend(cst.CSTTransformer):
        def leave_ClassDef(
            self, original_node: cst.ClassDef, updated_node: cst.ClassDef
        ) -> cst.ClassDef:
            if original_node.name.value != owner or not isinstance(
                updated_node.body, cst.IndentedBlock
            ):
                return updated_node
            body = list(updated_node.body.body)
            fields = [i for i, s in enumerate(body) if _is_field(s, required_first)]
            at = fields[-1] + 1 if fields else _after_docstring(body)
            new = [cst.parse_statement(line + "\n") for line in lines]
            body[at:at] = new
            return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    return module.visit(Extend())


def _is_field(statement: cst.BaseStatement, required_only: bool) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    small = statement.body[0]
    if not isinstance(small, cst.AnnAssign):
        return False
    if not required_only:
        return True
    value = small.value
    return isinstance(value, cst.Call) and not any(
        a.keyword is not None and a.keyword.value in ("default", "default_factory")
        for a in value.args
    )


def _after_docstring(body: Sequence[cst.BaseStatement]) -> int:
    first = body[0] if body else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, cst.SimpleString)
    ):
        return 1
    return 0
