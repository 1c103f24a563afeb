"""The settings fields the unvalidated-env fix declares: one per variable, its type and
default from how the code reads it, and the expression each read becomes."""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from auditor.plugins import ReadKind
from rules.python._env_uses import Use, Want, annotated, python_string

Style = Literal["pydantic", "stdlib"]
# Names that hold a secret: `*_KEY`, `*_SECRET`, `*TOKEN*`, `*PASSWORD*`.
_SECRET = re.compile(r"(_KEY|_SECRET)\Z|TOKEN|PASSWORD", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def is_secret(name: str) -> bool:
    return _SECRET.search(name) is not None


@dataclass(frozen=True, slots=True)
class Declared:
    """A field a settings class declares already, as its validated read reports it."""

    attr: str
    annotation: str
    kind: ReadKind
    default: str | None  # kind "default": the literal default's value; None if computed


@dataclass(frozen=True, slots=True)
class Field:
    """A field of the settings object: `env` is its variable, `attr` its attribute."""

    env: str
    attr: str
    want: Want  # the type and default it is declared with
    secret: bool  # pydantic: declared a SecretStr
    alias: bool = False  # pydantic: the variable is named by validation_alias
    existing: Declared | None = None  # the field the class declares already
    hidden: bool = False  # stdlib: a secret, kept out of the dataclass's repr

    def annotation(self, unions: bool) -> str:
        base = "SecretStr" if self.secret and self.existing is None else self.want.type
        return annotated(base, self.want.kind, unions)

    def default_code(self) -> str | None:
        if self.want.kind == "optional":
            return "None"
        return self.want.default


@dataclass(frozen=True, slots=True)
class Conflict:
    name: str
    wants: tuple[tuple[Want, str], ...]  # each different want, with where it is read
    declared: Want  # what the field is declared as

    def describe(self) -> str:
        ways = "; ".join(f"{_said(want)} at {where}" for want, where in self.wants)
        if self.declared.kind == "required":
            return f"{self.name} is read in ways that disagree ({ways}): declared a required str"
        return (
            f"{self.name} is read in ways that disagree ({ways}): declared an optional str, "
            "each read keeping its own default"
        )


def _said(want: Want) -> str:
    if want.kind == "default":
        return f"{want.type} with default {want.default}"
    return f"{want.kind} {want.type}"


def merged_want(name: str, uses: Sequence[tuple[str, Use]]) -> tuple[Want, Conflict | None]:
    """The one want of a variable's reads (`(path, use)`), or, with the conflict, when
    they disagree: a required str when one of them requires the variable (that read fails
    without it already), else an optional str, each read keeping its own default at the
    read (`settings.x if settings.x is not None else "d"`), so no read changes."""
    wants: dict[Want, str] = {}
    for path, use in uses:
        wants.setdefault(use.want, f"{path}:{use.line}")
    if len(wants) == 1:
        return next(iter(wants)), None
    required = any(want.kind == "required" for want in wants)
    declared = Want("required" if required else "optional", "str", None)
    return declared, Conflict(name, tuple(wants.items()), declared)


def attribute_name(env: str, taken: set[str], upper: bool) -> tuple[str, bool]:
    """The attribute for the variable `env` (lower-case, unless the class names its
    fields in upper case), and whether it needs an alias: when it is no identifier, a
    keyword, private, or the name is taken."""
    attr = env if upper else env.lower()
    alias = False
    if not _IDENTIFIER.match(attr) or attr.startswith("_"):
        attr = re.sub(r"[^A-Za-z0-9_]", "_", attr).strip("_") or "value"
        if attr[0].isdigit():
            attr = "v_" + attr
        alias = True
    if keyword.iskeyword(attr) or attr in taken:
        alias = True
        base, number = attr, 2
        attr = f"{base}_"
        while attr in taken or keyword.iskeyword(attr):
            attr, number = f"{base}_{number}", number + 1
    return attr, alias


def access_code(field: Field, want: Want, instance: str, absorbed: bool) -> str | None:
    """What a read with `want` becomes: the field through `instance`, unwrapped to the
    string the read gave (a secret's value, a number as text), or the converted value
    when the read's conversion call goes (`absorbed`). None: the field cannot stand in
    for it."""
    base = f"{instance}.{field.attr}"
    if field.existing is not None:
        return _existing_access(field.existing.annotation, want, base, absorbed)
    if absorbed:
        return base if field.want.type == want.type else None
    if field.want.type != "str":
        return f"str({base})"
    value = f"{base}.get_secret_value()" if field.secret else base
    if field.want.kind != "optional":
        return value
    if want.kind == "default":  # the read's own default, where the field has none
        return (
            None if want.default is None else f"{value} if {base} is not None else {want.default}"
        )
    return f"{value} if {base} is not None else None" if field.secret else base


_OPTIONAL_STR = frozenset({"str | None", "Optional[str]", "None | str", "typing.Optional[str]"})


def _existing_access(annotation: str, want: Want, base: str, absorbed: bool) -> str | None:
    """A field the class declares already: its value, when its type gives what the read
    needs; None when it would not (an URL type, a list, an optional where a string is
    needed)."""
    if absorbed:
        return base if annotation == want.type else None
    if annotation in _OPTIONAL_STR and want.kind == "default":
        return None if want.default is None else f"{base} if {base} is not None else {want.default}"
    if annotation == "str" or (annotation in _OPTIONAL_STR and want.kind == "optional"):
        return base
    if annotation == "SecretStr":
        return f"{base}.get_secret_value()"
    if annotation in ("int", "float"):
        return f"str({base})"
    return None


def default_clash(declared: Declared, use: Use) -> str | None:
    """What the field the class declares already would silently change in the read's
    value when its variable is unset: a different default, or a default where the read
    gives None (None: nothing). A field or a read that requires the variable changes no
    value silently (the app fails at start, or the read failed already), and an optional
    field keeps the read's default at the read (`access_code`)."""
    read = use.text or use.want
    if "required" in (read.kind, declared.kind) or declared.kind == "optional":
        return None
    if declared.default is None:
        shown = "a computed value"
    elif "str" in declared.annotation:
        shown = python_string(declared.default)
    else:
        shown = declared.default
    if read.kind == "optional":
        return f"it gives None when unset, the field {declared.attr} defaults to {shown}"
    if declared.default is not None and _same_default(declared.default, use):
        return None
    return f"it defaults to {read.default}, the field {declared.attr} to {shown}"


def _same_default(value: str, use: Use) -> bool:
    if use.text is not None and use.text.default == python_string(value):
        return True
    if use.want.type == "str" or use.want.default is None:
        return False
    try:
        return float(value) == float(use.want.default)
    except ValueError:
        return False
