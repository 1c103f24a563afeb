"""The type the unvalidated-env fix would declare for a raw read, found on `ast` for
`audit env` (the fix itself finds its reads with LibCST, `_env_uses`, and shares `Want`).

A read is movable when it names its variable literally and only reads it:
`os.environ["X"]` (required), `os.environ.get("X"[, default])` and `os.getenv("X"[,
default])` with no default, `None` or a literal one. A read passed whole to `int()` or
`float()` is converted there: the field takes that type, when its default converts too."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from auditor.plugins import ReadKind
from rules.python._env_ast_names import Names
from rules.python._env_ast_reads import EnvAccess
from rules.python._env_ast_source import literal_string

Kind = Literal["str", "int", "float"]
MOVABLE = frozenset({"os.environ[...]", "os.environ.get()", "os.getenv()"})
CONVERSIONS: dict[str, Kind] = {"builtins.int": "int", "builtins.float": "float"}
FIX_DESCRIPTION = "declare the variables in a validated settings module and read them from it"


@dataclass(frozen=True, slots=True)
class Want:
    """What one read needs of its variable."""

    kind: ReadKind  # "required", "optional" or "default"
    type: Kind
    default: str | None  # kind "default": the default as Python code of `type`

    def annotation(self, unions: bool = True) -> str:
        """The type a field declared for this read has: `int`, `str | None`."""
        return annotated(self.type, self.kind, unions)


def annotated(base: str, kind: ReadKind, unions: bool) -> str:
    """`base`, or `base | None` (`Optional[base]` without `unions`) for an optional read."""
    if kind != "optional":
        return base
    return f"{base} | None" if unions else f"Optional[{base}]"


def python_string(value: str) -> str:
    """`value` as a double-quoted Python literal (ruff format's quotes)."""
    body = value.replace("\\", "\\\\").replace('"', '\\"')
    body = body.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{body}"'


def inferred_type(names: Names, access: EnvAccess) -> str | None:
    """The annotation of the field the fix would declare for this read; None when the
    read stays where it is."""
    if access.name is None or access.via not in MOVABLE or access.kind == "enumerate":
        return None
    node = access.node
    parent = names.parent(node)
    if isinstance(parent, ast.AugAssign):
        return None  # `os.environ["X"] += "y"` writes it back
    converted = _conversion(names, node, parent)
    if converted is not None:
        want = _want(access, converted)
        if want is not None:
            return want.annotation()
    text = _want(access, None)
    return None if text is None else text.annotation()


def _conversion(names: Names, node: ast.expr, parent: ast.AST | None) -> Kind | None:
    """The conversion of the `int(...)`/`float(...)` call the read is the only argument
    of."""
    if not isinstance(parent, ast.Call) or parent.keywords or len(parent.args) != 1:
        return None
    if parent.args[0] is not node:
        return None
    for target in sorted(names.resolve(parent.func)):
        if target in CONVERSIONS:
            return CONVERSIONS[target]
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
    if converted is None:
        return Want("default", "str", python_string(access.default)) if _text(access) else None
    try:
        number = int(access.default) if converted == "int" else float(access.default)
    except ValueError:
        return None
    return Want("default", converted, repr(number))


def _text(access: EnvAccess) -> bool:
    """Whether the read's literal default is a string."""
    assert access.default_code is not None
    try:
        expr = ast.parse(access.default_code.strip(), mode="eval").body
    except SyntaxError:
        return False
    return literal_string(expr) is not None
