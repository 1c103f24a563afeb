"""The rules' walk (`auditor.scan.ast_run.walk`): given the tree's index, it steps only
into the subtrees that hold a node some rule visits or leaves, and makes the same calls in
the same order as the walk through every node."""

from __future__ import annotations

import ast

from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstRule
from auditor.scan.ast_run import walk
from auditor.scan.rule_context import RuleContext

CODE = """\
import os, sys as system
from json import dumps

class Shop:
    def buy(self, item):
        print(dumps(item), os.getcwd())
        return [len(x) for x in item]

def main():
    try:
        Shop().buy({"a": 1})
    except Exception:
        pass
"""


class Recorder(AstRule):
    def __init__(self) -> None:
        super().__init__(RuleContext("shop.py", {}))
        self.calls: list[str] = []

    def _note(self, what: str, node: ast.AST) -> None:
        self.calls.append(f"{what} {type(node).__name__} {getattr(node, 'lineno', 0)}")


class Calls(Recorder):
    def visit_Call(self, node: ast.Call) -> None:
        self._note("visit", node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._note("visit", node)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self._note("leave", node)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._note("leave", node)


class Aliases(Recorder):
    """An import's names have no parent in the index: the whole tree is walked."""

    def visit_alias(self, node: ast.alias) -> None:
        self.calls.append(f"visit alias {node.name}")


class Stores(Recorder):
    """A singleton (not in the index): the whole tree is walked, singletons included."""

    def visit_Store(self, node: ast.Store) -> None:
        self.calls.append("visit Store")


def _calls(rule_class: type[Recorder], indexed: bool) -> list[str]:
    tree = ast.parse(CODE)
    rule = rule_class()
    walk(tree, [rule], AstIndex(tree) if indexed else None)
    return rule.calls


def test_the_walk_into_kept_subtrees_makes_the_same_calls() -> None:
    expected = [
        "visit ClassDef 4",
        "visit Call 6",
        "visit Call 6",
        "visit Call 6",
        "visit Call 7",
        "leave FunctionDef 5",
        "leave ClassDef 4",
        "visit Call 11",
        "visit Call 11",
        "leave FunctionDef 9",
    ]
    assert _calls(Calls, indexed=True) == expected
    assert _calls(Calls, indexed=False) == expected


def test_nodes_without_a_parent_in_the_index_are_still_visited() -> None:
    expected = ["visit alias os", "visit alias sys", "visit alias dumps"]
    assert _calls(Aliases, indexed=True) == expected
    assert _calls(Aliases, indexed=False) == expected


def test_singletons_are_visited() -> None:
    assert _calls(Stores, indexed=True) == ["visit Store"]  # `for x in item`
