"""The walks over `ast` step through the fields `ast_fields` names: every node but the
singletons (contexts, operators), exactly once, on code that uses all of Python's syntax."""

from __future__ import annotations

import ast
import sys
import sysconfig
from pathlib import Path

import pytest

from auditor.scan.ast_fields import child_fields, is_singleton
from auditor.scan.ast_index import AstIndex

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Real code nobody here wrote, read (never imported) from the running interpreter's library:
# between them, every kind of node this Python has, match statements included.
SAMPLES = [
    "ast.py",
    "typing.py",
    "dataclasses.py",
    "asyncio/tasks.py",
    "inspect.py",
    "re/_parser.py",
]

EVERY_SYNTAX = """
import a.b as c
from . import d
@dec(x := 1)
async def f(p, /, q: int = 2, *r, s, t=3, **u) -> None:
    global g
    async with w as (y, *z):
        async for i in j:
            await k
    del y[1:2:3], z.q
    return [v for v in w if v] or {v: v for v in w} or {v for v in w} or (v for v in w)
class C(B, metaclass=M):
    x: int = -1 + 2 * 3 ** ~4
    def m(self): nonlocal_ = lambda a=1, *b, **c: (yield from b)
try:
    pass
except* E as e:
    raise X from e
else:
    assert a, b
finally:
    pass
match p:
    case {"k": [1, *rest], **others} if rest: pass
    case C(a, b=c) | None: pass
    case [x, _] as y: pass
s = f"{a!r:>{w}}" "x" if a is not b and c in d else not e
a[...] += 1; a @= b; print(*a, **b, sep="")
while 1: break
else: continue
"""


def _expected(tree: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(tree) if not is_singleton(type(n))]


def _pruned_walk(tree: ast.AST) -> list[ast.AST]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        for name in child_fields(type(node)):
            value = getattr(node, name)
            stack.extend(v for v in (value if type(value) is list else [value]) if v is not None)
    return found


@pytest.mark.parametrize("name", ["<every syntax>", *SAMPLES])
def test_the_pruned_fields_reach_every_node_but_the_singletons(name: str) -> None:
    text = EVERY_SYNTAX if name.startswith("<") else (STDLIB / name).read_text(encoding="utf-8")
    tree = ast.parse(text)
    expected = _expected(tree)
    walked = _pruned_walk(tree)
    assert len(walked) == len({id(n) for n in walked}) == len(expected)
    assert {id(n) for n in walked} == {id(n) for n in expected}
    assert any(is_singleton(type(n)) for n in ast.walk(tree))  # some were left out


def test_the_index_lists_singletons_on_request_and_every_other_kind_in_walk_order() -> None:
    tree = ast.parse(EVERY_SYNTAX)
    index = AstIndex(tree)
    assert index.nodes(ast.Name) == [n for n in ast.walk(tree) if type(n) is ast.Name]
    stores = index.nodes(ast.Store)
    assert stores and all(type(n) is ast.Store for n in stores)
    assert index.nodes(ast.Add) == [n for n in ast.walk(tree) if type(n) is ast.Add]


def test_leaves_and_singletons_are_named_from_the_class_signature() -> None:
    assert child_fields(ast.Name) == ()
    assert child_fields(ast.Name, with_singletons=True) == ("ctx",)
    assert child_fields(ast.Compare) == ("left", "comparators")
    assert child_fields(ast.Dict) == ("keys", "values")
    assert child_fields(ast.Constant) == ()
    assert child_fields(ast.alias) == ()
    expected = ("args", "body", "decorator_list", "returns")
    if sys.version_info >= (3, 12):
        expected = (*expected, "type_params")
    assert child_fields(ast.FunctionDef) == expected
