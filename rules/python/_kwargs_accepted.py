"""unvalidated-kwargs: names a model's constructor accepts besides its declared fields.

- A property with a setter (`@property` or SQLAlchemy's `@hybrid_property`, then
  `@x.setter`): Django's `Model.__init__` and SQLAlchemy's default constructor both set it.
- A SQLAlchemy backref: `relationship("Tags", backref="challenge")` on another model
  gives `Tags` a `challenge` attribute its constructor accepts. Found in the model's own
  module (where CTFd, Flask-SQLAlchemy tutorials and most apps declare them); a backref
  declared in another module is not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from auditor.plugins import subtree
from rules.python._kwargs_lineage import Declaring
from rules.python._kwargs_models import dotted_name

_RELATIONSHIPS = frozenset({"relationship", "relation"})


def accepted_names(declaring: Sequence[Declaring]) -> list[str]:
    """Settable properties of the lineage, and backrefs onto the model in its module."""
    found = [name for item in declaring for name in _setters(item.node)]
    model = declaring[-1]
    found += _backrefs(model.module, model.node.name)
    return list(dict.fromkeys(found))


def _setters(node: ast.ClassDef) -> Iterator[str]:
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in statement.decorator_list:
                name = dotted_name(decorator) or ""
                owner, _, attr = name.partition(".")
                if attr in ("setter", "inplace.setter") and not owner.startswith("_"):
                    yield owner


def _backrefs(module: ast.Module, model: str) -> Iterator[str]:
    for node in subtree(module):
        if not isinstance(node, ast.Call):
            continue
        callee = (dotted_name(node.func) or "").rpartition(".")[2]
        if callee not in _RELATIONSHIPS or not node.args:
            continue
        target = node.args[0]
        named = target.value if isinstance(target, ast.Constant) else dotted_name(target)
        if not isinstance(named, str) or named.rpartition(".")[2] != model:
            continue
        for keyword in node.keywords:
            if keyword.arg == "backref":
                name = _backref_name(keyword.value)
                if name is not None:
                    yield name


def _backref_name(value: ast.expr) -> str | None:
    """`backref="x"` or `backref=db.backref("x", lazy=...)`."""
    if isinstance(value, ast.Call) and value.args:
        value = value.args[0]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None
