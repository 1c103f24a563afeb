"""Which identifiers a module uses as variables, in any scope: what a LibCST rule asks
before it adds a module-level name (`Rule.module_uses`, kept for the rules written when
the language server re-analysed only the changed statements), so that no function sees
its own variable where the new name was meant."""

from __future__ import annotations

from collections.abc import Iterator

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
    """The names a module uses, computed when first asked."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._names: frozenset[str] | None = None

    def uses(self, name: str) -> bool:
        if self._names is None:
            self._names = variable_names(self._module)
        return name in self._names
