"""Which identifiers a module uses as variables, in any scope, on `ast`: what a rule asks
before its fix adds a module-level name (`AstRule.module_uses`), so that no function sees
its own variable where the new name was meant. Counted as LibCST counts `cst.Name`s, which
the fixes write with: not an attribute's or a keyword argument's name; the names imports
bind; `True`, `False` and `None` too."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from auditor.scan.ast_index import AstIndex

# The node types that name a variable (what `_identifiers` reads).
_NAMING = (
    ast.Name,
    ast.Constant,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.arg,
    ast.Global,
    ast.Nonlocal,
    ast.ExceptHandler,
    ast.Import,
    ast.ImportFrom,
    ast.MatchAs,
    ast.MatchStar,
    ast.MatchMapping,
    ast.MatchClass,
)


def variable_names(index: AstIndex) -> frozenset[str]:
    """The identifiers used as variables anywhere in the module, as LibCST's `cst.Name`s
    count them (`module_names.variable_names`): not an attribute's or a keyword
    argument's name; an import's bound names; `True`, `False` and `None` too."""
    names: set[str] = set()
    for kind in _NAMING:
        for node in index.nodes(kind):
            names.update(_identifiers(node))
    return frozenset(names)


def _identifiers(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        yield str(node.value)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names
    elif isinstance(node, ast.ExceptHandler) and node.name is not None:
        yield node.name
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name is not None:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest is not None:
        yield node.rest
    elif isinstance(node, ast.MatchClass):
        yield from node.kwd_attrs
