"""Where a mapping may go: the classes a module defines (models, forms, their subclasses)
and the mass-assignment sinks that the options and those classes name, on `ast`."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rules.python._kwargs_ast_syntax import dotted, matches, names_class

# Bases that define no methods a subclass could be overriding.
TRIVIAL_BASES = frozenset({"object", "ABC", "abc.ABC", "Protocol", "typing.Protocol"})


@dataclass(frozen=True, slots=True)
class ClassTable:
    """The classes a module defines (by simple name): their bases and their methods."""

    bases: Mapping[str, frozenset[str]] = field(default_factory=dict)
    methods: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, classes: Iterable[ast.ClassDef]) -> ClassTable:
        """Of every class statement of a module, however nested."""
        bases: dict[str, set[str]] = {}
        methods: dict[str, set[str]] = {}
        for node in classes:
            name = node.name
            bases.setdefault(name, set()).update(
                base
                for arg in node.bases
                if (base := dotted(arg.value if isinstance(arg, ast.Starred) else arg)) is not None
            )
            methods.setdefault(name, set()).update(
                s.name for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
            )
        return cls(
            {name: frozenset(b) for name, b in bases.items()},
            {name: frozenset(m) for name, m in methods.items()},
        )

    def derived(
        self, known: Sequence[str], excluded: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        return derived_classes(self.bases, known, excluded)

    def overridden(self, name: str, method: str) -> bool:
        """Whether a subclass defined here overrides `name.method`."""
        return any(
            method in self.methods.get(other, ()) and name in self._ancestors(other)
            for other in self.bases
            if other != name
        )

    def _ancestors(self, name: str) -> set[str]:
        found: set[str] = set()
        todo = list(self.bases.get(name, ()))
        while todo:
            base = todo.pop()
            if base not in found:
                found.add(base)
                todo.extend(self.bases.get(base, ()))
        return found

    def may_override(self, name: str, method: str) -> bool:
        """Whether `name.method` may override a base class's method: a base defined here
        has it, or a base is defined elsewhere (we cannot see its methods)."""
        return any(
            base not in TRIVIAL_BASES
            if base not in self.bases
            else method in self.methods.get(base, ())
            for base in self._ancestors(name)
        )


def derived_classes(
    bases: Mapping[str, Iterable[str]],
    known: Sequence[str],
    excluded: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The classes (of `bases`: a module's class names and their bases' dotted names) with
    a base matching `known`; a base defined in the module is judged by its own bases
    instead, so a local `class BaseModel(models.Model)` is a model. To a fixed point."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name in found or name in excluded:
                continue
            if any(
                p in found if p in bases else names_class(p, known) for p in parents if p != name
            ):
                found.add(name)
                changed = True
    return frozenset(found)


class LazyNames:
    """A set of names computed on first use: most functions never need theirs."""

    def __init__(self, compute: Callable[[], frozenset[str]]) -> None:
        self._compute = compute
        self._names: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            self._names = self._compute()
        return name in self._names


@dataclass(frozen=True, slots=True)
class Sinks:
    """What accepts arbitrary field names, and what validates. Empty for a rule that only
    needs to know how the parameter is used."""

    calls: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    validators: tuple[str, ...] = ()
    local_models: frozenset[str] = frozenset()  # model classes defined in the module
    local_validators: frozenset[str] = frozenset()  # pydantic models defined in the module

    def sink(self, callee: str, shadowed: LazyNames) -> str | None:
        """How to name `callee` in a message when it is a sink, else None."""
        if matches(callee, self.calls):
            return f"`{callee}()`"
        if self.is_model(callee, shadowed):
            return f"the model constructor `{callee}()`"
        return None

    def is_model(self, callee: str, shadowed: LazyNames) -> bool:
        if callee.endswith(")"):
            return False
        if callee not in self.local_models and not names_class(callee, self.models):
            return False
        # A parameter or local variable of that name is not the class.
        return callee.partition(".")[0] not in shadowed

    def is_validator(self, callee: str) -> bool:
        """A configured validator, a method of one (`BookingIn.model_validate`), or a
        pydantic model defined in the module."""
        receiver = callee.rpartition(".")[0]
        return (
            callee in self.local_validators
            or receiver in self.local_validators
            or names_class(callee, self.validators)
            or (bool(receiver) and names_class(receiver, self.validators))
        )


@dataclass(frozen=True, slots=True)
class Sink:
    node: ast.AST
    what: str  # how the mapping reaches it, for the message: "passed to `f()`"
    end: ast.AST | None = None
    callee: str | None = None  # the call the mapping is splatted into: `Booking.objects.create`
    receiver: str | None = None  # the object written field by field: `booking`, `self`


@dataclass(frozen=True, slots=True)
class Store:
    """The mapping kept whole on `self` (`self.x = kwargs`, `self.x.update(kwargs)`): a
    sink only if some method later writes `self.x` wholesale (see `stored_sinks`)."""

    node: ast.AST
    attr: str
    what: str
    end: ast.AST | None = None
