"""pydantic-settings on `ast`: how a `BaseSettings` class names its variables
(`env_prefix`, `case_sensitive`, aliases), read from the class statement."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from rules.python._env_ast_source import Source, call_args, literal_string, own_block


@dataclass(frozen=True, slots=True)
class SettingsConfig:
    """What a settings class says of its variables' names."""

    prefix: str | None  # None: computed
    case_sensitive: bool


def alias_names(source: Source, bound: dict[str, ast.expr]) -> list[str | None]:
    """The variables `Field(alias=..., validation_alias=..., env=...)` names; empty when
    it names none (the prefixed field name then)."""
    for key in ("validation_alias", "alias", "env"):
        value = bound.get(key)
        if value is None:
            continue
        text = literal_string(value)
        if text is not None:
            return [text]
        if isinstance(value, ast.Call):  # AliasChoices("A", "B"), AliasPath("A", 0)
            callee = source.code(value.func).rsplit(".", 1)[-1]
            args = call_args(value)
            firsts = args[:1] if callee == "AliasPath" else args
            return [literal_string(a.value) for a in firsts if a.keyword is None]
        if isinstance(value, ast.List | ast.Tuple | ast.Set):  # v1: env=["A", "B"]
            return [
                literal_string(e.value if isinstance(e, ast.Starred) else e) for e in value.elts
            ]
        return [None]
    return []


def class_config(source: Source, node: ast.ClassDef, inherited: SettingsConfig) -> SettingsConfig:
    """The class's env_prefix and case_sensitive, from class keywords, `model_config` or
    a nested `class Config`, over what it inherits."""
    values: dict[str, ast.expr] = {k.arg: k.value for k in node.keywords if k.arg is not None}
    for statement in own_block(source, node.body):
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            # Only its simple statements: the LibCST code this ports failed on a method of
            # `Config` (it iterated the method's block).
            for small in own_block(source, statement.body):
                target, value = _assignment(small)
                if target is not None and value is not None:
                    values[target] = value
        else:
            target, value = _assignment(statement)
            if target == "model_config" and value is not None:
                values.update(_config_items(value))
    prefix = inherited.prefix
    if "env_prefix" in values:
        prefix = literal_string(values["env_prefix"])
    case_sensitive = inherited.case_sensitive
    if "case_sensitive" in values:
        flag = values["case_sensitive"]
        case_sensitive = isinstance(flag, ast.Constant) and flag.value is True
    return SettingsConfig(prefix, case_sensitive)


def _assignment(small: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(small, ast.Assign) and len(small.targets) == 1:
        target = small.targets[0]
        if isinstance(target, ast.Name):
            return target.id, small.value
    if isinstance(small, ast.AnnAssign) and isinstance(small.target, ast.Name):
        return small.target.id, small.value
    return None, None


def _config_items(value: ast.expr) -> dict[str, ast.expr]:
    """`SettingsConfigDict(env_prefix="A_")` or `{"env_prefix": "A_"}`."""
    if isinstance(value, ast.Call):
        return {k.arg: k.value for k in value.keywords if k.arg is not None}
    items: dict[str, ast.expr] = {}
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if key is not None:
                text = literal_string(key)
                if text is not None:
                    items[text] = item
    return items
