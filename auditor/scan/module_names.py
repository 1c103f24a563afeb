"""Which identifiers a module uses as variables, in any scope: what a rule asks before it
adds a module-level name (`Rule.module_uses`), so that no function sees its own variable
where the new name was meant. A file scan asks the whole tree, once; the language server
asks each top-level statement, keeping the answers of the statements that did not change,
and remembers every answer its findings rest on."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from auditor.scan.cst_walk import content_children


def variable_names(node: cst.CSTNode) -> frozenset[str]:
    """The identifiers used as variables in `node`: `x.logger` uses `x`, not a variable
    `logger`, and a keyword argument's name is no variable either; an import uses the
    names it binds (`from requests import get` binds `get`, not `requests`)."""
    names: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
        elif isinstance(current, cst.Attribute | cst.Arg):
            pending.append(current.value)
        elif isinstance(current, cst.Import | cst.ImportFrom):
            names.update(_bound_by(current))
        else:
            pending.extend(content_children(current))
    return frozenset(names)


def _bound_by(statement: cst.Import | cst.ImportFrom) -> Iterator[str]:
    if isinstance(statement.names, cst.ImportStar):
        return
    for alias in statement.names:
        if alias.asname is not None:
            if isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value
            continue
        bound: cst.BaseExpression = alias.name
        while isinstance(bound, cst.Attribute):  # `import a.b` binds `a`
            bound = bound.value
        if isinstance(bound, cst.Name):
            yield bound.value


class ModuleNames:
    """The names of the statements of one module, computed when first asked; `known`
    carries the names of statements from one version of a document to the next."""

    def __init__(
        self,
        statements: Sequence[cst.CSTNode],
        known: dict[int, tuple[cst.CSTNode, frozenset[str]]] | None = None,
    ) -> None:
        self._statements = statements
        self._known = {} if known is None else known
        self.asked: dict[str, bool] = {}  # every question, with its answer

    def uses(self, name: str) -> bool:
        answer = any(name in self._names(statement) for statement in self._statements)
        self.asked[name] = answer
        return answer

    def _names(self, statement: cst.CSTNode) -> frozenset[str]:
        known = self._known.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        names = variable_names(statement)
        self._known[id(statement)] = (statement, names)
        return names
