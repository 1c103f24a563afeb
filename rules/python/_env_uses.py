"""How a Python file uses each environment variable it reads raw: what the unvalidated-env
fix needs to declare a settings field that keeps the read's behaviour, and which
expression to replace by that field.

A read is movable when it names its variable literally and only reads it:
`os.environ["X"]` (required), `os.environ.get("X"[, default])` and `os.getenv("X"[,
default])` with no default, `None` or a literal one. `setdefault`, `pop` and `+=` write
the environment too, `os.environb` gives bytes, and a computed default is code that runs
at the read: those stay. A read passed whole to `int()` or `float()` is converted there:
the field takes that type and the call goes (`int(os.getenv("PORT", "8000"))` ->
`port: int = 8000`), when its default converts too; a read with a non-string default
(`os.getenv("PORT", 8000)` gives an int or a str) moves only so converted."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider, ProviderT

from rules.python._env_ast_uses import (
    CONVERSIONS,
    MOVABLE,
    Kind,
    Want,
    annotated,
    python_string,
)
from rules.python._env_reads import EnvAccess, EnvReadVisitor, literal_string

__all__ = ["Kind", "Use", "UseCollector", "Want", "annotated", "collect_uses", "python_string"]

_MOVABLE = MOVABLE
_CONVERSIONS = CONVERSIONS
# Where an expression of any precedence stands without parentheses, as the node's `value`.
_ALONE = (cst.Arg, cst.Assign, cst.AnnAssign, cst.Return, cst.NamedExpr, cst.DictElement)


@dataclass(frozen=True, slots=True)
class Use:
    """One movable read: `node` is the expression the field replaces (the conversion
    call around the read when it is absorbed), `read` the read itself."""

    name: str
    line: int
    column: int  # 1-based, of the read, as its finding reports it
    want: Want
    node: cst.BaseExpression
    read: cst.BaseExpression
    # The read's want as the string it gives (a converted read's default as text); None
    # when its default is not a string literal.
    text: Want | None
    # Whether `node` sits where any expression goes without parentheses (an argument, the
    # value of an assignment or a return): a conditional replacing it needs none.
    alone: bool


class UseCollector(EnvReadVisitor):
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (
        *EnvReadVisitor.METADATA_DEPENDENCIES,
        PositionProvider,
    )

    def __init__(self) -> None:
        super().__init__()
        self.uses: list[Use] = []

    def on_env_read(self, access: EnvAccess) -> None:
        if access.name is None or access.via not in _MOVABLE or access.kind == "enumerate":
            return
        node = access.node
        assert isinstance(node, cst.BaseExpression)
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.AugAssign):
            return  # `os.environ["X"] += "y"` writes it back
        start = self.get_metadata(PositionProvider, node).start
        converted = self._conversion(node)
        text = _want(access, None)
        want = _want(access, None if converted is None else converted[1])
        if want is not None and converted is not None:
            self.uses.append(
                Use(access.name, start.line, start.column + 1, want, converted[0], node, text, True)
            )
            return
        if text is not None:
            alone = isinstance(parent, _ALONE) and getattr(parent, "value", None) is node
            self.uses.append(
                Use(access.name, start.line, start.column + 1, text, node, node, text, alone)
            )

    def _conversion(self, node: cst.BaseExpression) -> tuple[cst.Call, Kind] | None:
        """The `int(...)`/`float(...)` call the read is the only argument of."""
        arg = self.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(arg, cst.Arg) or arg.keyword is not None or arg.star:
            return None
        call = self.get_metadata(ParentNodeProvider, arg, None)
        if not isinstance(call, cst.Call) or len(call.args) != 1:
            return None
        for target in sorted(self._resolve(call.func)):
            if target in _CONVERSIONS:
                return call, _CONVERSIONS[target]
        return None


def _want(access: EnvAccess, converted: Kind | None) -> Want | None:
    """What the read needs when its value is converted to `converted` (None: used as
    the string it is); None when it cannot move so."""
    kind = access.kind
    if kind == "required":
        return Want("required", converted or "str", None)
    if kind == "optional":
        # int(None) raises where a field would give None: such a read moves as a str.
        return None if converted else Want("optional", "str", None)
    if access.default is None or access.default_code is None:
        return None  # a computed default runs at the read
    is_text = literal_string(cst.parse_expression(access.default_code)) is not None
    if converted is None:
        return Want("default", "str", python_string(access.default)) if is_text else None
    try:
        number = int(access.default) if converted == "int" else float(access.default)
    except ValueError:
        return None
    return Want("default", converted, repr(number))


def collect_uses(wrapper: cst.MetadataWrapper) -> list[Use]:
    """Every movable read of the module `wrapper` holds, in source order."""
    collector = UseCollector()
    wrapper.visit_batched([collector])
    return collector.uses
