"""The fast read-only walk calls visitors exactly as libcst.visit_batched does."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ParentNodeProvider

from auditor.scan.cst_walk import (
    TRIVIA,
    children,
    find_all,
    parents,
    provide_parents,
    read_only_visits,
    walk_batched,
)

SOURCES = sorted((Path(__file__).parent.parent / "auditor").glob("*.py"))
NODE_TYPES = [
    name
    for name in dir(cst)
    if isinstance(getattr(cst, name), type) and issubclass(getattr(cst, name), cst.CSTNode)
]


class Recorder(cst.BatchableCSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str, int]] = []


def recorder(types: list[str]) -> type[Recorder]:
    """A visitor class with visit_ and leave_ methods for `types`."""

    def method(kind: str, name: str) -> object:
        def record(self: Recorder, node: cst.CSTNode) -> None:
            self.log.append((kind, name, id(node)))

        record.__name__ = f"{kind}_{name}"  # how LibCST finds visitor methods
        return record

    methods = {f"visit_{n}": method("visit", n) for n in types}
    methods.update({f"leave_{n}": method("leave", n) for n in types})
    return type("R", (Recorder,), methods)


@pytest.mark.parametrize(
    "types",
    [
        NODE_TYPES,  # every node, trivia included: nothing is skipped
        [n for n in NODE_TYPES if not issubclass(getattr(cst, n), TRIVIA)],
        ["FunctionDef", "ClassDef", "Call", "Name", "ExceptHandler", "Subscript"],
    ],
    ids=["all", "no-trivia", "few"],
)
def test_same_calls_in_the_same_order_as_libcst(types: list[str]) -> None:
    cls = recorder(types)
    for path in SOURCES:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        expected, got = cls(), cls()
        cst.visit_batched(module, [expected])
        walk_batched(module, [got])
        assert got.log == expected.log, path.name
        assert got.log


def test_children_are_libcsts_children() -> None:
    module = cst.parse_module(SOURCES[0].read_text(encoding="utf-8"))
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        expected = list(node.children)
        assert [id(c) for c in children(node)] == [id(c) for c in expected]
        pending.extend(expected)


def test_attribute_visitors_are_left_to_libcst() -> None:
    class Args(cst.BatchableCSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def visit_Call_args(self, node: cst.Call) -> None:
            self.seen.append(cst.Module([]).code_for_node(node.func))

    visitor = Args()
    walk_batched(cst.parse_module("f(1)\ng.h(2)\n"), [visitor])
    assert visitor.seen == ["f", "g.h"]


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    module = cst.parse_module("x = " + "(" * 150 + "1" + ")" * 150 + "\n")
    cls = recorder(["Integer"])
    visitor = cls()
    walk_batched(module, [visitor])
    assert [entry[:2] for entry in visitor.log] == [("visit", "Integer"), ("leave", "Integer")]


def test_parents_are_libcsts_parents() -> None:
    for path in SOURCES[:5]:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        expected = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        got = parents(module)
        assert len(got) == len(expected)
        assert all(got[node] is parent for node, parent in expected.items())


def test_provided_parents_are_used_by_libcst() -> None:
    module = cst.parse_module("def f():\n    return g(1)\n")
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    provide_parents(wrapper, [ParentNodeProvider])
    provided = wrapper._metadata[ParentNodeProvider]
    assert wrapper.resolve(ParentNodeProvider) is provided  # not computed again
    (call,) = [node for node in provided if isinstance(node, cst.Call)]
    assert isinstance(provided[call], cst.Return)


def test_find_all_is_matchers_findall() -> None:
    import libcst.matchers as m

    module = cst.parse_module(SOURCES[1].read_text(encoding="utf-8"))
    for kind, matcher in ((cst.Name, m.Name()), (cst.Call, m.Call()), (cst.Raise, m.Raise())):
        assert [id(n) for n in find_all(module, kind)] == [
            id(n) for n in m.findall(module, matcher)
        ]
    assert find_all(module, cst.Module) == [module]


class Everything(cst.CSTVisitor):
    """Records every call LibCST makes on a visitor, attribute visits included."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.log.append(("visit", id(node), ""))
        return not isinstance(node, cst.Lambda)  # a visitor may prune subtrees

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.log.append(("leave", id(original_node), ""))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.log.append(("visit_attribute", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.log.append(("leave_attribute", id(original_node), attribute))


def test_read_only_visits_make_the_same_calls_and_metadata() -> None:
    from libcst.metadata import ExpressionContextProvider, ScopeProvider

    for path in SOURCES[:8]:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        expected, got = Everything(), Everything()
        module.visit(expected)
        wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
        contexts = dict(wrapper.resolve(ExpressionContextProvider))
        scopes = {node: type(scope) for node, scope in wrapper.resolve(ScopeProvider).items()}
        with read_only_visits():
            assert module.visit(got) is module
            fresh = cst.MetadataWrapper(module, unsafe_skip_copy=True)
            assert dict(fresh.resolve(ExpressionContextProvider)) == contexts
            resolved = fresh.resolve(ScopeProvider).items()
            assert {node: type(scope) for node, scope in resolved} == scopes
        assert got.log == expected.log, path.name
    assert cst.CSTNode.visit is not None and "read_only" not in cst.CSTNode.visit.__name__


def test_transformers_still_rebuild_under_read_only_visits() -> None:
    class Rename(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
            return updated_node.with_changes(value="y")

    with read_only_visits():
        assert cst.parse_module("x = x + 1\n").visit(Rename()).code == "y = y + 1\n"


def test_metadata_under_read_only_visits_is_libcsts() -> None:
    from libcst.metadata import PositionProvider, ScopeProvider

    module = cst.parse_module(SOURCES[2].read_text(encoding="utf-8"))
    providers = [ScopeProvider, PositionProvider]
    expected = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(providers)
    with read_only_visits():
        got = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(providers)
    assert dict(got[PositionProvider]) == dict(expected[PositionProvider])

    def described(scopes: object) -> list[tuple[str, str, int, int]]:
        assert isinstance(scopes, Mapping)
        return sorted(
            {
                (
                    type(node).__name__,
                    type(scope).__name__,
                    len(list(scope.assignments)),
                    len(list(scope.accesses)),
                )
                for node, scope in scopes.items()
                if scope is not None
            }
        )

    assert described(got[ScopeProvider]) == described(expected[ScopeProvider])


def test_without_libcsts_sources_everything_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    from auditor.scan import cst_walk

    def no_source(obj: object) -> str:
        raise OSError("bytecode only")

    for cached in (cst_walk.available, cst_walk._field_helpers, cst_walk.content_fields):
        cached.cache_clear()
    monkeypatch.setattr(inspect, "getsource", no_source)
    try:
        assert not cst_walk.available()
        module = cst.parse_module("def f(x):\n    return g(x)\n")
        cls = recorder(["Call", "Name"])
        expected, got = cls(), cls()
        cst.visit_batched(module, [expected])
        with read_only_visits():
            walk_batched(module, [got])
            assert cst.CSTNode.visit is cst_walk._LIBCST_VISIT
        assert got.log == expected.log
        assert [n.value for n in find_all(module, cst.Name)] == ["f", "x", "g", "x"]
        assert children(module) == list(module.children)
    finally:
        for cached in (cst_walk.available, cst_walk._field_helpers, cst_walk.content_fields):
            cached.cache_clear()


def test_visitor_names_are_the_ones_libcst_finds() -> None:
    """The per-class list of visitor methods matches LibCST's own get_visitors for every
    built-in Python rule."""
    from auditor.scan.cst_rule import Rule, _visitor_names
    from auditor.scan.loading import load_rules

    loaded = load_rules((), Path.cwd()).values()
    implementations = [i.cls for rule in loaded for i in rule.implementations]
    classes = {cls for cls in implementations if issubclass(cls, Rule)}
    assert len(classes) >= 5
    for cls in classes:
        instance = cls.__new__(cls)
        expected = set(cst.BatchableCSTVisitor.get_visitors(instance))
        assert set(_visitor_names(cls)) == expected, cls.__name__
