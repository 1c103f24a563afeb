"""Validated reads of environment variables in Python: values that pass a schema or a
typed parser, rather than `os.environ` read raw. Recognised:

- pydantic-settings: each field of a `BaseSettings` subclass (`pydantic_settings` or
  pydantic v1's `pydantic`; a subclass of one in the same module too) is a read. Its
  variable is `env_prefix` + the field name (`model_config = SettingsConfigDict(...)`, a
  `model_config` dict, class keywords, or v1's nested `class Config`), or each name of
  `alias` / `validation_alias` (`AliasChoices`, `AliasPath`) / v1's `env=`, which take no
  prefix; upper-cased unless `case_sensitive=True`. Its type is the annotation; `= None`
  makes it optional, another default a "default" read. `ClassVar`s, `_private` fields
  and `model_config` are not fields.
- environs: `env = Env()` (or environs' own `env`), then `env("X")` (str), `env.int("X")`,
  `env.bool(...)`, ... (the method names the type), inside `with env.prefixed("P_"):`.
- django-environ: `env = environ.Env(DEBUG=(bool, False))`, then `env("X")` (str, or the
  scheme's type; `cast=` overrides), `env.bool("X")`, ..., `env.db()` (DATABASE_URL),
  `env.cache()` (CACHE_URL), `env.email()` (EMAIL_URL), `env.search_url()`,
  `env.channels()`.
- python-decouple: `config("X")`, `config("X", default=..., cast=int)`, also through
  `AutoConfig(...)` / `Config(...)` instances. Every such read counts as validated: with
  `cast=` the value is converted (its type), without it it is a `str` that decouple
  itself requires, failing with `UndefinedValueError` naming the variable when it is
  unset and has no default: the same guarantee as a pydantic `str` field.

Reads inside function bodies are found too; `visible` says which ones the outline of a
module (what a statement-local rule sees of the other statements) keeps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from auditor.plugins import ReadKind
from rules.python._code import code_of
from rules.python._env_pydantic import SettingsConfig, alias_names, class_config
from rules.python._env_reads import is_none, literal, literal_string
from rules.python._env_resolve import NameResolver

# A file containing none of these validates no environment variable.
VALIDATED_TRIGGERS: tuple[str, ...] = ("BaseSettings", "environ", "decouple", "metadata")

_BASE_SETTINGS = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic.v1.BaseSettings",
    }
)
_ENV_CLASSES = {
    "environs.Env": "environs",
    "environs.env": "environs",  # environs' ready-made instance
    "environ.Env": "django-environ",
    "environ.environ.Env": "django-environ",
}
_DECOUPLE = frozenset({"decouple.config"})
_DECOUPLE_CLASSES = frozenset({"decouple.AutoConfig", "decouple.Config"})

# Parser methods and the type each gives; `db` and the other URL parsers of
# django-environ read a variable of their own when given none.
_ENVIRONS_TYPES = {
    "str": "str", "int": "int", "bool": "bool", "float": "float", "decimal": "decimal",
    "list": "list", "dict": "dict", "json": "json", "datetime": "datetime", "date": "date",
    "time": "time", "timedelta": "timedelta", "url": "url", "uuid": "uuid", "path": "path",
    "log_level": "log_level", "enum": "enum", "dj_db_url": "db_url",
    "dj_email_url": "email_url", "dj_cache_url": "cache_url",
}  # fmt: skip
_DJANGO_TYPES = {
    "str": "str", "bool": "bool", "int": "int", "float": "float", "json": "json",
    "list": "list", "tuple": "tuple", "dict": "dict", "url": "url", "path": "path",
    "bytes": "bytes", "db_url": "db_url", "db": "db_url", "cache_url": "cache_url",
    "cache": "cache_url", "email_url": "email_url", "email": "email_url",
    "search_url": "search_url", "channels_url": "channels_url", "channels": "channels_url",
}  # fmt: skip
_DJANGO_DEFAULT_VARS = {
    "db_url": "DATABASE_URL",
    "cache_url": "CACHE_URL",
    "email_url": "EMAIL_URL",
    "search_url": "SEARCH_URL",
    "channels_url": "CHANNELS_URL",
}
_METHODS = frozenset(_ENVIRONS_TYPES) | frozenset(_DJANGO_TYPES)
_DJANGO_CAST_FIRST = frozenset({"__call__", "list", "tuple", "dict"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ValidatedAccess:
    """One validated read. `node` is where it is placed: a settings field's name, or the
    parser call."""

    node: cst.CSTNode
    name: str | None  # None: a computed name
    kind: ReadKind
    default: str | None  # the literal default's value (kind "default"); None if computed
    type: str | None
    via: str  # "pydantic-settings Settings.port", "environs env.int()"
    visible: bool  # kept by the module's outline (not inside a function body)


class ValidatedReadVisitor(NameResolver):
    """Calls `on_validated_read` for each validated read and `on_validator` for each
    validated object a module defines (a settings class, an `Env` instance, decouple's
    `config`), with whether the module's outline keeps it. Its state is set up by
    `visit_Module`."""

    def on_validated_read(self, access: ValidatedAccess) -> None:
        raise NotImplementedError

    def on_validator(self, name: str, visible: bool) -> None:
        """A validated object the module defines; ignored unless overridden."""

    def visit_Module(self, node: cst.Module) -> None:
        self._settings: dict[str, SettingsConfig] = {}
        self._scopes: list[bool] = []  # enclosing definitions: True for a function
        self._prefixes: list[tuple[str, str]] = []  # (env instance as code, prefix)
        self._schemes: dict[str, dict[str, tuple[str | None, cst.BaseExpression | None]]] = {}

    @property
    def _visible(self) -> bool:
        return not self._scopes or not self._scopes[-1]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(True)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._settings_class(node)
        self._scopes.append(False)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "prefixed"
                and call.args
                and self._library(call.func.value) == "environs"
            ):
                prefix = literal_string(call.args[0].value)
                self._prefixes.append((code_of(call.func.value), prefix or "\0"))

    def leave_With(self, original_node: cst.With) -> None:
        for item in original_node.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "prefixed"
                and self._prefixes
                and self._prefixes[-1][0] == code_of(call.func.value)
            ):
                self._prefixes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not isinstance(value, cst.Call) or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not isinstance(target, cst.Name):
            return
        classes = self._resolve(value.func)
        library = next((_ENV_CLASSES[c] for c in sorted(classes) if c in _ENV_CLASSES), None)
        if library is not None or classes & _DECOUPLE_CLASSES:
            self.on_validator(target.value, self._visible)
        if library == "django-environ":
            self._schemes[target.value] = _scheme(value.args)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar) or node.relative:
            return
        module = node.module
        if isinstance(module, cst.Name) and module.value == "decouple":
            for alias in node.names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "config":
                    self.on_validator(alias.evaluated_alias or "config", self._visible)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            # Only parser methods and `decouple.config` are worth resolving.
            if func.attr.value in _METHODS:
                library = self._library(func.value)
                if library is not None:
                    self._env_call(node, func.value, func.attr.value, library)
                    return
            if func.attr.value != "config":
                return
        elif not isinstance(func, cst.Name):
            return
        if self._resolve(func) & _DECOUPLE or self._instance_of(func) & _DECOUPLE_CLASSES:
            self._decouple(node)
            return
        library = self._library(func)
        if library is not None:
            self._env_call(node, func, "__call__", library)

    # --- environs and django-environ -------------------------------------------------------

    def _library(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Name | cst.Attribute):
            for name in sorted(self._resolve(expr)):
                if name == "environs.env":
                    return "environs"
        for name in sorted(self._instance_of(expr)):
            if name in _ENV_CLASSES:
                return _ENV_CLASSES[name]
        return None

    def _env_call(self, node: cst.Call, env: cst.BaseExpression, method: str, library: str) -> None:
        django = library == "django-environ"
        types = _DJANGO_TYPES if django else _ENVIRONS_TYPES
        if method != "__call__" and method not in types:
            return  # read_env(), prefixed(), seal(), ...
        kind_of = types.get(method, "str")
        positions = (
            ("var", "cast", "default")
            if django and method in _DJANGO_CAST_FIRST
            else (("var", "default") if django else ("name", "default"))
        )
        bound = _bind(node.args, positions)
        key = bound.get(positions[0])
        if key is None:
            default_var = _DJANGO_DEFAULT_VARS.get(kind_of) if django else None
            if default_var is None:
                return
            name: str | None = default_var
        else:
            name = literal_string(key)
        env_code = code_of(env)
        type_name: str | None = kind_of
        default = bound.get("default")
        if django and method == "__call__":
            scheme = self._schemes.get(env_code, {}).get(name or "")
            if scheme is not None:
                type_name = scheme[0] or "str"
                default = default if default is not None else scheme[1]
        cast = bound.get("cast")
        if cast is not None and method == "__call__":
            type_name = _cast_type(cast)
        if name is not None and not django:
            prefixes = [p for e, p in self._prefixes if e == env_code]
            name = None if "\0" in prefixes else "".join(prefixes) + name
        call = env_code if method == "__call__" else f"{env_code}.{method}"
        kind, value = _kind(default)
        self.on_validated_read(
            ValidatedAccess(
                node, name, kind, value, type_name, f"{library} {call}()", self._visible
            )
        )

    # --- python-decouple -------------------------------------------------------------------

    def _decouple(self, node: cst.Call) -> None:
        bound = _bind(node.args, ("option", "default", "cast"))
        key = bound.get("option")
        if key is None:
            return
        cast = bound.get("cast")
        kind, value = _kind(bound.get("default"))
        via = f"python-decouple {code_of(node.func)}()"
        type_name = "str" if cast is None else _cast_type(cast)
        self.on_validated_read(
            ValidatedAccess(node, literal_string(key), kind, value, type_name, via, self._visible)
        )

    # --- pydantic-settings -----------------------------------------------------------------

    def _settings_class(self, node: cst.ClassDef) -> None:
        inherited: SettingsConfig | None = None
        for base in node.bases:
            if base.keyword is not None or base.star:
                continue
            if self._resolve(base.value) & _BASE_SETTINGS:
                inherited = inherited or SettingsConfig("", False)
            elif isinstance(base.value, cst.Name) and base.value.value in self._settings:
                inherited = self._settings[base.value.value]
        if inherited is None:
            self._dataclass_settings(node)
            return
        config = class_config(node, inherited)
        self._settings[node.name.value] = config
        self.on_validator(node.name.value, self._visible)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    self._field(node.name.value, small, config)

    def _field(self, owner: str, field: cst.AnnAssign, config: SettingsConfig) -> None:
        target = cst.ensure_type(field.target, cst.Name).value
        annotation = field.annotation.annotation
        if target.startswith("_") or target == "model_config" or self._is_classvar(annotation):
            return
        field_call: cst.Call | None = None
        if isinstance(annotation, cst.Subscript) and self._resolve(annotation.value) & {
            "typing.Annotated",
            "typing_extensions.Annotated",
        }:
            parts = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
            annotation = parts[0] if parts else annotation
            calls = [p for p in parts[1:] if isinstance(p, cst.Call) and self._is_field_call(p)]
            field_call = calls[0] if calls else None
        value = field.value
        if value is not None and self._is_field_call(value):
            field_call, value = cst.ensure_type(value, cst.Call), None
        kind, literal_default = _kind(value)
        names: list[str | None] = []
        if field_call is not None:
            bound = _bind(field_call.args, ("default",))
            if "default_factory" in bound:
                kind, literal_default = "default", None
            elif value is None:
                kind, literal_default = _kind(bound.get("default"))
            names = alias_names(bound)
        if not names:
            names = [None if config.prefix is None else config.prefix + target]
        type_name = _SPACE.sub(" ", code_of(annotation)).strip()
        for name in names:
            shown = name if name is None or config.case_sensitive else name.upper()
            self.on_validated_read(
                ValidatedAccess(
                    field.target,
                    shown,
                    kind,
                    literal_default,
                    type_name,
                    f"pydantic-settings {owner}.{target}",
                    self._visible,
                )
            )

    def _dataclass_settings(self, node: cst.ClassDef) -> None:
        """A dataclass whose fields name their variables, `field(metadata={"env": "X"})`,
        as the unvalidated-env fix writes it for an app without pydantic-settings."""
        if not any(
            self._resolve(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
            & {"dataclasses.dataclass"}
            for d in node.decorators
        ):
            return
        owner = node.name.value
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        found = False
        for statement in body:
            for small in (
                getattr(statement, "body", ())
                if isinstance(statement, cst.SimpleStatementLine)
                else ()
            ):
                if not isinstance(small, cst.AnnAssign) or not isinstance(small.value, cst.Call):
                    continue
                if not self._resolve(small.value.func) & {"dataclasses.field"}:
                    continue
                bound = _bind(small.value.args, ())
                name = _env_metadata(bound.get("metadata"))
                if name is None:
                    continue
                found = True
                kind, value = _kind(bound.get("default"))
                if "default_factory" in bound:
                    kind, value = "default", None
                type_name = _SPACE.sub(" ", code_of(small.annotation.annotation)).strip()
                target = code_of(small.target)
                self.on_validated_read(
                    ValidatedAccess(
                        small.target, name, kind, value, type_name,
                        f"dataclass {owner}.{target}", self._visible,
                    )
                )  # fmt: skip
        if found:
            self.on_validator(owner, self._visible)

    def _is_field_call(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and bool(
            self._resolve(expr.func) & {"pydantic.Field", "pydantic.fields.Field"}
        )

    def _is_classvar(self, annotation: cst.BaseExpression) -> bool:
        base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        return bool(self._resolve(base) & {"typing.ClassVar", "typing_extensions.ClassVar"})


# --- arguments ---------------------------------------------------------------------------


def _bind(args: Sequence[cst.Arg], positions: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    """Arguments by name: positional ones by `positions`, keywords by their own name
    (other keywords too: `validate=`, `subcast=`); `*args`/`**kwargs` end the binding."""
    bound: dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in args:
        if arg.star:
            break
        if arg.keyword is None:
            if position < len(positions):
                bound[positions[position]] = arg.value
            position += 1
        else:
            bound[arg.keyword.value] = arg.value
    return bound


def _env_metadata(metadata: cst.BaseExpression | None) -> str | None:
    """The variable `{"env": "X"}` names."""
    if not isinstance(metadata, cst.Dict):
        return None
    for element in metadata.elements:
        if isinstance(element, cst.DictElement) and literal_string(element.key) == "env":
            return literal_string(element.value)
    return None


def _kind(default: cst.BaseExpression | None) -> tuple[ReadKind, str | None]:
    if default is None or isinstance(default, cst.Ellipsis):
        return "required", None
    if is_none(default):
        return "optional", None
    found = literal(default)
    return "default", None if found is None else found[0]


def _cast_type(cast: cst.BaseExpression) -> str:
    """The type a `cast=` gives: `int` -> "int", `Csv()` -> "list", else the code."""
    if isinstance(cast, cst.Call):
        callee = code_of(cast.func).rsplit(".", 1)[-1]
        if callee == "Csv":
            post = next(
                (a.value for a in cast.args if a.keyword and a.keyword.value == "post_process"),
                None,
            )
            return code_of(post) if post is not None else "list"
        if callee == "Choices":
            return "str"
    return _SPACE.sub(" ", code_of(cast)).strip()


def _scheme(
    args: Sequence[cst.Arg],
) -> dict[str, tuple[str | None, cst.BaseExpression | None]]:
    """django-environ's `Env(NAME=(type, default), OTHER=type)`: each name's type and
    default."""
    scheme: dict[str, tuple[str | None, cst.BaseExpression | None]] = {}
    for arg in args:
        if arg.keyword is None:
            continue
        value = arg.value
        if isinstance(value, cst.Tuple) and value.elements:
            cast = value.elements[0].value
            default = value.elements[1].value if len(value.elements) > 1 else None
            scheme[arg.keyword.value] = (_cast_type(cast), default)
        else:
            scheme[arg.keyword.value] = (_cast_type(value), None)
    return scheme
