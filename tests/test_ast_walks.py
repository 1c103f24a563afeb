"""The public walks through part of an `ast` tree (`auditor.plugins.subtree`,
`child_nodes`): `ast.walk` and `ast.iter_child_nodes` in the same order, without the
context and operator singletons, on code with every kind of list field."""

from __future__ import annotations

import ast

from auditor.plugins import child_nodes, subtree

CODE = """\
@decorate(1)
def f(a, /, b=2, *args, c, d=3, **kwargs) -> int:
    x = {**kwargs, "k": [i + 1 for i in args if i]}
    match a:
        case {"k": [1, *rest], **more} if rest:
            pass
        case Point(x=0) | None:
            pass
    try:
        return -x["k"][0] < b <= c
    except* ValueError as error:
        raise
    finally:
        del x
"""

SINGLETONS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)


def test_subtree_is_ast_walk_without_the_singletons() -> None:
    tree = ast.parse(CODE)
    expected = [n for n in ast.walk(tree) if not isinstance(n, SINGLETONS)]
    assert subtree(tree) == expected
    assert len(expected) == 63
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert subtree(function)[:3] == [function, function.args, function.body[0]]


def test_child_nodes_is_iter_child_nodes_without_the_singletons() -> None:
    tree = ast.parse(CODE)
    for node in ast.walk(tree):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, SINGLETONS)]
        assert child_nodes(node) == expected
    dictionary = next(n for n in ast.walk(tree) if isinstance(n, ast.Dict))
    # `**kwargs` has no key (None): only the values and the one key.
    assert [type(c).__name__ for c in child_nodes(dictionary)] == ["Constant", "Name", "ListComp"]
