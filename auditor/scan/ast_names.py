"""Which identifiers a module uses as variables, in any scope, on `ast`: what a rule asks
before its fix adds a module-level name (`AstRule.module_uses`), so that no function sees
its own variable where the new name was meant. Counted as LibCST counts `cst.Name`s, which
the fixes write with: not an attribute's or a keyword argument's name; the names imports
bind; `True`, `False` and `None` too."""

from __future__ import annotations

import ast
from operator import attrgetter

from auditor.scan.ast_index import AstIndex


def variable_names(index: AstIndex) -> frozenset[str]:
    """The identifiers used as variables anywhere in the module, as LibCST's `cst.Name`s
    count them (`module_names.variable_names`): not an attribute's or a keyword
    argument's name; an import's bound names; `True`, `False` and `None` too. Read kind
    by kind from the index, names (most of the nodes) by a C loop."""
    nodes = index.nodes
    names = set(map(_ID, nodes(ast.Name)))
    # By identity: 1 and 0 equal True and False, but are numbers.
    names.update(
        str(c.value) for c in nodes(ast.Constant) if c.value is None or type(c.value) is bool
    )
    for defined in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        names.update(map(_NAME, nodes(defined)))
    names.update(map(_ARG, nodes(ast.arg)))
    for declared in (nodes(ast.Global), nodes(ast.Nonlocal)):
        for declaration in declared:
            names.update(declaration.names)
    for named in (ast.ExceptHandler, ast.MatchAs, ast.MatchStar):
        names.update(n.name for n in nodes(named) if n.name is not None)  # type: ignore[attr-defined]
    for imports in (nodes(ast.Import), nodes(ast.ImportFrom)):
        for statement in imports:
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in statement.names
                if alias.name != "*"
            )
    names.update(n.rest for n in nodes(ast.MatchMapping) if n.rest is not None)
    for pattern in nodes(ast.MatchClass):
        names.update(pattern.kwd_attrs)
    return frozenset(names)


_ID, _NAME, _ARG = attrgetter("id"), attrgetter("name"), attrgetter("arg")
