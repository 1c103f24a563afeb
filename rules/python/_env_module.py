"""The settings module the unvalidated-env fix writes: a pydantic-settings `BaseSettings`
class, or, for an app without pydantic-settings, a standard-library one (a frozen
dataclass whose fields name their variables, built by one function that reads, converts
and reports every missing or invalid variable at once); and the field lines it adds to
such a class that exists."""

from __future__ import annotations

from collections.abc import Sequence

from rules.python._env_fields import Field, Style
from rules.python._env_uses import python_string

INSTANCE = "settings"
CLASS = "Settings"
_DOC = (
    '"""The app\'s settings, read from the environment once, when the app starts.\n\n'
    "Written by auditor's unvalidated-env fix: declare each environment variable here and\n"
    'use `settings.<name>`, so that a missing or invalid one fails at startup."""\n'
)


def field_line(field: Field, style: Style, unions: bool) -> str:
    """One field's declaration, without indentation."""
    annotation = field.annotation(unions)
    default = field.default_code()
    if style == "stdlib":
        parts = [] if default is None else [f"default={default}"]
        if field.hidden:
            parts.append("repr=False")
        parts.append(f"metadata={{{python_string('env')}: {python_string(field.env)}}}")
        return f"{field.attr}: {annotation} = field({', '.join(parts)})"
    if field.alias:
        first = [] if default is None else [default]
        args = ", ".join([*first, f"validation_alias={python_string(field.env)}"])
        return f"{field.attr}: {annotation} = Field({args})"
    return f"{field.attr}: {annotation}" + ("" if default is None else f" = {default}")


def ordered(fields: Sequence[Field]) -> list[Field]:
    """Required fields first (a dataclass field without a default cannot follow one
    with), each group by variable."""
    return sorted(fields, key=lambda f: (f.default_code() is not None, f.env))


def needed_imports(fields: Sequence[Field], style: Style, unions: bool) -> list[tuple[str, str]]:
    """(module, name) pairs the field lines need beside the module's own."""
    found: list[tuple[str, str]] = []
    if style == "pydantic" and any(f.alias for f in fields):
        found.append(("pydantic", "Field"))
    if style == "pydantic" and any(f.secret and f.existing is None for f in fields):
        found.append(("pydantic", "SecretStr"))
    if not unions and any(f.want.kind == "optional" for f in fields):
        found.append(("typing", "Optional"))
    return found


def new_module(fields: Sequence[Field], style: Style, unions: bool) -> str:
    """The text of a new settings module declaring `fields`."""
    lines = [field_line(f, style, unions) for f in ordered(fields)]
    body = "".join(f"    {line}\n" for line in lines)
    imports = needed_imports(fields, style, unions)
    typing = "from typing import Optional\n" if ("typing", "Optional") in imports else ""
    if style == "pydantic":
        pydantic = sorted(name for module, name in imports if module == "pydantic")
        third = f"from pydantic import {', '.join(pydantic)}\n" if pydantic else ""
        head = f"{typing}\n" if typing else ""
        return (
            f"{_DOC}\n{head}{third}from pydantic_settings import BaseSettings\n\n\n"
            f"class {CLASS}(BaseSettings):\n{body}\n\n{INSTANCE} = {CLASS}()\n"
        )
    return (
        f"{_DOC}\nfrom __future__ import annotations\n\nimport os\n"
        "from collections.abc import Mapping\n"
        "from dataclasses import MISSING, dataclass, field, fields\n"
        f"from typing import Any{', Optional' if typing else ''}\n\n\n"
        "class SettingsError(RuntimeError):\n"
        '    """Environment variables missing or invalid, each named."""\n\n\n'
        "@dataclass(frozen=True)\n"
        f"class {CLASS}:\n{body}\n\n"
        "# The conversion of each field type named in Settings; any other type is a str.\n"
        '_CONVERSIONS: dict[str, Any] = {"int": int, "float": float}\n\n\n'
        f"def load_settings(environ: Mapping[str, str] = os.environ) -> {CLASS}:\n"
        '    """Reads the variable of every field (`metadata["env"]`), converts it to the\n'
        "    field's type, and raises one SettingsError naming every variable that is\n"
        '    missing or invalid."""\n'
        "    values: dict[str, Any] = {}\n"
        "    problems: list[str] = []\n"
        f"    for spec in fields({CLASS}):\n"
        '        name = spec.metadata["env"]\n'
        "        raw = environ.get(name)\n"
        "        if raw is None:\n"
        "            if spec.default is MISSING:\n"
        '                problems.append(f"{name} is not set")\n'
        "            continue\n"
        "        kind = str(spec.type)  # the annotation's text: annotations are postponed\n"
        "        try:\n"
        "            values[spec.name] = _CONVERSIONS.get(kind, str)(raw)\n"
        "        except ValueError:\n"
        '            problems.append(f"{name} is not a valid {kind}: {raw!r}")\n'
        "    if problems:\n"
        '        raise SettingsError("invalid environment: " + "; ".join(problems))\n'
        f"    return {CLASS}(**values)\n\n\n"
        f"{INSTANCE} = load_settings()\n"
    )
