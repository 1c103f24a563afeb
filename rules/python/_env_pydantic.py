"""pydantic-settings: how a `BaseSettings` class names its variables (`env_prefix`,
`case_sensitive`, aliases), read from the class statement."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from rules.python._code import code_of
from rules.python._env_reads import literal_string


@dataclass(frozen=True, slots=True)
class SettingsConfig:
    """What a settings class says of its variables' names."""

    prefix: str | None  # None: computed
    case_sensitive: bool


def alias_names(bound: dict[str, cst.BaseExpression]) -> list[str | None]:
    """The variables `Field(alias=..., validation_alias=..., env=...)` names; empty when
    it names none (the prefixed field name then)."""
    for key in ("validation_alias", "alias", "env"):
        value = bound.get(key)
        if value is None:
            continue
        text = literal_string(value)
        if text is not None:
            return [text]
        if isinstance(value, cst.Call):  # AliasChoices("A", "B"), AliasPath("A", 0)
            callee = code_of(value.func).rsplit(".", 1)[-1]
            firsts = value.args[:1] if callee == "AliasPath" else value.args
            return [literal_string(a.value) for a in firsts if a.keyword is None]
        if isinstance(value, cst.List | cst.Tuple | cst.Set):  # v1: env=["A", "B"]
            return [literal_string(e.value) for e in value.elements]
        return [None]
    return []


def class_config(node: cst.ClassDef, inherited: SettingsConfig) -> SettingsConfig:
    """The class's env_prefix and case_sensitive, from class keywords, `model_config` or
    a nested `class Config`, over what it inherits."""
    values: dict[str, cst.BaseExpression] = {
        arg.keyword.value: arg.value for arg in node.keywords if arg.keyword is not None
    }
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            inner = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
            for line in inner:
                for small in getattr(line, "body", ()):
                    target, value = _assignment(small)
                    if target is not None and value is not None:
                        values[target] = value
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                target, value = _assignment(small)
                if target == "model_config" and value is not None:
                    values.update(_config_items(value))
    prefix = inherited.prefix
    if "env_prefix" in values:
        prefix = literal_string(values["env_prefix"])
    case_sensitive = inherited.case_sensitive
    if "case_sensitive" in values:
        flag = values["case_sensitive"]
        case_sensitive = isinstance(flag, cst.Name) and flag.value == "True"
    return SettingsConfig(prefix, case_sensitive)


def _assignment(small: cst.CSTNode) -> tuple[str | None, cst.BaseExpression | None]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    return None, None


def _config_items(value: cst.BaseExpression) -> dict[str, cst.BaseExpression]:
    """`SettingsConfigDict(env_prefix="A_")` or `{"env_prefix": "A_"}`."""
    if isinstance(value, cst.Call):
        return {a.keyword.value: a.value for a in value.args if a.keyword is not None}
    items: dict[str, cst.BaseExpression] = {}
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                key = literal_string(element.key)
                if key is not None:
                    items[key] = element.value
    return items
