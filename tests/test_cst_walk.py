"""Reading LibCST trees for the fixes and the LibCST rules: through LibCST's public API,
with the answers LibCST's own helpers give."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from auditor.scan.cst_walk import TRIVIA, content_children, find_all

SOURCES = sorted((Path(__file__).parent.parent / "auditor").glob("*.py"))


def test_find_all_is_matchers_findall() -> None:
    import libcst.matchers as m

    module = cst.parse_module(SOURCES[1].read_text(encoding="utf-8"))
    for kind, matcher in ((cst.Name, m.Name()), (cst.Call, m.Call()), (cst.Raise, m.Raise())):
        assert [id(n) for n in find_all(module, kind)] == [
            id(n) for n in m.findall(module, matcher)
        ]
    assert find_all(module, cst.Module) == [module]
    calls = find_all(module, cst.Call, lambda c: isinstance(c.func, cst.Name))
    assert calls == [c for c in m.findall(module, m.Call(func=m.Name()))]


def test_content_children_are_libcsts_children_without_trivia() -> None:
    module = cst.parse_module("x = f(a, b)  # c\n")
    (line,) = module.body
    assert isinstance(line, cst.SimpleStatementLine)
    (assign,) = line.body
    assert isinstance(assign, cst.Assign)
    call = assign.value
    assert isinstance(call, cst.Call)
    assert content_children(call) == [call.func, *call.args]
    assert all(not isinstance(child, TRIVIA) for child in content_children(line))
    assert content_children(line) == [assign]


def test_visitor_names_are_the_ones_libcst_finds() -> None:
    """The per-class list of visitor methods matches LibCST's own get_visitors."""
    from auditor.scan.cst_rule import Rule, _visitor_names

    class Probe(Rule):
        id = "probe"

        def visit_Call(self, node: cst.Call) -> None:
            pass

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            pass

    instance = Probe.__new__(Probe)
    expected = set(cst.BatchableCSTVisitor.get_visitors(instance))
    assert set(_visitor_names(Probe)) == expected == {"visit_Call", "leave_FunctionDef"}
