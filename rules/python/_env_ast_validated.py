"""Validated reads of environment variables in Python, on `ast`: values that pass a schema
or a typed parser, rather than `os.environ` read raw. Recognised:

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
module (what a statement-local rule sees of the other statements) keeps. Each read and
validator carries `order`: where LibCST's walk, which these were first found with, meets
it (the walk of `ast` visits a few things in another order: a def's decorators last).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.plugins import ReadKind
from rules.python._env_ast_libraries import (
    BASE_SETTINGS,
    DECOUPLE,
    DECOUPLE_CLASSES,
    DJANGO_CAST_FIRST,
    DJANGO_DEFAULT_VARS,
    DJANGO_TYPES,
    ENV_CLASSES,
    ENVIRONS_TYPES,
    METHODS,
)
from rules.python._env_ast_names import Names
from rules.python._env_ast_pydantic import SettingsConfig, alias_names, class_config
from rules.python._env_ast_source import Arg, Source, call_args, class_args, literal, own_block
from rules.python._env_ast_source import literal_string as text_of

# A file containing none of these validates no environment variable.
VALIDATED_TRIGGERS: tuple[str, ...] = ("BaseSettings", "environ", "decouple", "metadata")
_SPACE = re.compile(r"\s+")
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
Order = tuple[int, int, int]
# Every qualified name validated reads look for (`Names.lookup` needs no scope query for
# others).
RESOLVED = (
    BASE_SETTINGS
    | frozenset(ENV_CLASSES)
    | DECOUPLE
    | DECOUPLE_CLASSES
    | _ANNOTATED
    | _CLASSVAR
    | _FIELD
    | {"dataclasses.dataclass", "dataclasses.field"}
)


@dataclass(frozen=True, slots=True)
class ValidatedAccess:
    """One validated read. `node` is where it is placed: a settings field's name, or the
    parser call."""

    node: ast.expr
    name: str | None  # None: a computed name
    kind: ReadKind
    default: str | None  # the literal default's value (kind "default"); None if computed
    type: str | None
    via: str  # "pydantic-settings Settings.port", "environs env.int()"
    visible: bool  # kept by the module's outline (not inside a function body)
    order: Order


class ValidatedReads:
    """Calls `on_validated_read` for each validated read and `on_validator` for each
    validated object a module defines (a settings class, an `Env` instance, decouple's
    `config`), with whether the module's outline keeps it. `names` is set and
    `start_validated` called before the walk."""

    names: Names

    def on_validated_read(self, access: ValidatedAccess) -> None:
        raise NotImplementedError

    def on_validator(self, name: str, visible: bool, order: Order) -> None:
        """A validated object the module defines; ignored unless overridden."""

    def start_validated(self) -> None:
        self._settings: dict[str, SettingsConfig] = {}
        self._defs: list[bool] = []  # enclosing definitions: True for a function
        self._prefixes: list[tuple[str, str]] = []  # (env instance as code, prefix)
        self._schemes: dict[str, dict[str, tuple[str | None, ast.expr | None]]] = {}
        self._visits = 0

    def _order(self, node: ast.AST) -> Order:
        """Where LibCST's walk meets `node`: by its start (a def's at its first
        decorator), ancestors before descendants that start with them."""
        self._visits += 1
        line: int = node.lineno  # type: ignore[attr-defined]
        column: int = node.col_offset  # type: ignore[attr-defined]
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                line, column = min((line, column), (decorator.lineno, decorator.col_offset - 1))
        return line, column, self._visits

    @property
    def _visible(self) -> bool:
        return not self._defs or not self._defs[-1]

    @property
    def _source(self) -> Source:
        return self.names.source

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._defs.append(True)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._defs.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._defs.append(True)

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._defs.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._settings_class(node)
        self._defs.append(False)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self._defs.pop()

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "prefixed"
                and (call.args or call.keywords)
                and self._library(call.func.value) == "environs"
            ):
                prefix = text_of(call_args(call)[0].value)
                self._prefixes.append((self._source.code(call.func.value), prefix or "\0"))

    def leave_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "prefixed"
                and self._prefixes
                and self._prefixes[-1][0] == self._source.code(call.func.value)
            ):
                self._prefixes.pop()

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self.visit_With(node)

    def leave_AsyncWith(self, node: ast.AsyncWith) -> None:
        self.leave_With(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if not isinstance(value, ast.Call) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            return
        classes = self.names.lookup(value.func)
        library = next((ENV_CLASSES[c] for c in sorted(classes) if c in ENV_CLASSES), None)
        if library is not None or classes & DECOUPLE_CLASSES:
            self.on_validator(target.id, self._visible, self._order(node))
        if library == "django-environ":
            self._schemes[target.id] = self._scheme(call_args(value))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or node.module != "decouple":
            return
        for alias in node.names:
            if alias.name == "config":
                self.on_validator(alias.asname or "config", self._visible, self._order(node))

    def validated_call(self, node: ast.Call) -> None:
        func = node.func
        if type(func) is ast.Attribute:
            # Only parser methods and `decouple.config` are worth resolving.
            if func.attr in METHODS:
                library = self._library(func.value)
                if library is not None:
                    self._env_call(node, func.value, func.attr, library)
                    return
            if func.attr != "config":
                return
        elif type(func) is not ast.Name:
            return
        names = self.names
        if names.lookup(func) & DECOUPLE or names.instance_lookup(func) & DECOUPLE_CLASSES:
            self._decouple(node)
            return
        library = self._library(func)
        if library is not None:
            self._env_call(node, func, "__call__", library)

    # --- environs and django-environ -------------------------------------------------------

    def _library(self, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name | ast.Attribute):
            for name in sorted(self.names.lookup(expr)):
                if name == "environs.env":
                    return "environs"
        for name in sorted(self.names.instance_lookup(expr)):
            if name in ENV_CLASSES:
                return ENV_CLASSES[name]
        return None

    def _env_call(self, node: ast.Call, env: ast.expr, method: str, library: str) -> None:
        django = library == "django-environ"
        types = DJANGO_TYPES if django else ENVIRONS_TYPES
        if method != "__call__" and method not in types:
            return  # read_env(), prefixed(), seal(), ...
        kind_of = types.get(method, "str")
        positions = (
            ("var", "cast", "default")
            if django and method in DJANGO_CAST_FIRST
            else (("var", "default") if django else ("name", "default"))
        )
        bound = _bind(call_args(node), positions)
        key = bound.get(positions[0])
        if key is None:
            default_var = DJANGO_DEFAULT_VARS.get(kind_of) if django else None
            if default_var is None:
                return
            name: str | None = default_var
        else:
            name = text_of(key)
        env_code = self._source.code(env)
        type_name: str | None = kind_of
        default = bound.get("default")
        if django and method == "__call__":
            scheme = self._schemes.get(env_code, {}).get(name or "")
            if scheme is not None:
                type_name = scheme[0] or "str"
                default = default if default is not None else scheme[1]
        cast = bound.get("cast")
        if cast is not None and method == "__call__":
            type_name = self._cast_type(cast)
        if name is not None and not django:
            prefixes = [p for e, p in self._prefixes if e == env_code]
            name = None if "\0" in prefixes else "".join(prefixes) + name
        call = env_code if method == "__call__" else f"{env_code}.{method}"
        kind, value = self._kind(default)
        via = f"{library} {call}()"
        self.on_validated_read(
            ValidatedAccess(
                node, name, kind, value, type_name, via, self._visible, self._order(node)
            )
        )

    # --- python-decouple -------------------------------------------------------------------

    def _decouple(self, node: ast.Call) -> None:
        bound = _bind(call_args(node), ("option", "default", "cast"))
        key = bound.get("option")
        if key is None:
            return
        cast = bound.get("cast")
        kind, value = self._kind(bound.get("default"))
        via = f"python-decouple {self._source.code(node.func)}()"
        type_name = "str" if cast is None else self._cast_type(cast)
        order = self._order(node)
        self.on_validated_read(
            ValidatedAccess(node, text_of(key), kind, value, type_name, via, self._visible, order)
        )

    # --- pydantic-settings -----------------------------------------------------------------

    def _settings_class(self, node: ast.ClassDef) -> None:
        inherited: SettingsConfig | None = None
        for base in class_args(node):
            if base.keyword is not None or base.star:
                continue
            if self.names.lookup(base.value) & BASE_SETTINGS:
                inherited = inherited or SettingsConfig("", False)
            elif isinstance(base.value, ast.Name) and base.value.id in self._settings:
                inherited = self._settings[base.value.id]
        order = self._order(node)
        if inherited is None:
            self._dataclass_settings(node, order)
            return
        config = class_config(self._source, node, inherited)
        self._settings[node.name] = config
        self.on_validator(node.name, self._visible, order)
        for statement in own_block(self._source, node.body):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                self._field(node.name, statement, config, order)

    def _field(
        self, owner: str, field: ast.AnnAssign, config: SettingsConfig, order: Order
    ) -> None:
        assert isinstance(field.target, ast.Name)
        target = field.target.id
        annotation = field.annotation
        if target.startswith("_") or target == "model_config" or self._is_classvar(annotation):
            return
        field_call: ast.Call | None = None
        if (
            isinstance(annotation, ast.Subscript)
            and self.names.lookup(annotation.value) & _ANNOTATED
        ):
            index = annotation.slice
            parts: list[ast.expr] = [index]
            if isinstance(index, ast.Tuple) and not self._source.parenthesized(index):
                parts = [e.value if isinstance(e, ast.Starred) else e for e in index.elts]
            parts = [p for p in parts if not isinstance(p, ast.Slice)]
            annotation = parts[0] if parts else annotation
            calls = [p for p in parts[1:] if isinstance(p, ast.Call) and self._is_field_call(p)]
            field_call = calls[0] if calls else None
        value = field.value
        if isinstance(value, ast.Call) and self._is_field_call(value):
            field_call, value = value, None
        kind, literal_default = self._kind(value)
        names: list[str | None] = []
        if field_call is not None:
            bound = _bind(call_args(field_call), ("default",))
            if "default_factory" in bound:
                kind, literal_default = "default", None
            elif value is None:
                kind, literal_default = self._kind(bound.get("default"))
            names = alias_names(self._source, bound)
        if not names:
            names = [None if config.prefix is None else config.prefix + target]
        type_name = _SPACE.sub(" ", self._source.code(annotation)).strip()
        via = f"pydantic-settings {owner}.{target}"
        for name in names:
            shown = name if name is None or config.case_sensitive else name.upper()
            self.on_validated_read(
                ValidatedAccess(
                    field.target, shown, kind, literal_default, type_name, via, self._visible, order
                )
            )

    def _dataclass_settings(self, node: ast.ClassDef, order: Order) -> None:
        """A dataclass whose fields name their variables, `field(metadata={"env": "X"})`,
        as the unvalidated-env fix writes it for an app without pydantic-settings."""
        if not any(
            self.names.lookup(d.func if isinstance(d, ast.Call) else d) & {"dataclasses.dataclass"}
            for d in node.decorator_list
        ):
            return
        owner = node.name
        found = False
        for small in own_block(self._source, node.body):
            if not isinstance(small, ast.AnnAssign) or not isinstance(small.value, ast.Call):
                continue
            if not self.names.lookup(small.value.func) & {"dataclasses.field"}:
                continue
            bound = _bind(call_args(small.value), ())
            name = _env_metadata(bound.get("metadata"))
            if name is None:
                continue
            found = True
            kind, value = self._kind(bound.get("default"))
            if "default_factory" in bound:
                kind, value = "default", None
            type_name = _SPACE.sub(" ", self._source.code(small.annotation)).strip()
            target = self._source.code(small.target)
            self.on_validated_read(
                ValidatedAccess(
                    small.target, name, kind, value, type_name,
                    f"dataclass {owner}.{target}", self._visible, order,
                )
            )  # fmt: skip
        if found:
            self.on_validator(owner, self._visible, order)

    def _is_field_call(self, expr: ast.Call) -> bool:
        return bool(self.names.lookup(expr.func) & _FIELD)

    def _is_classvar(self, annotation: ast.expr) -> bool:
        base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        return bool(self.names.lookup(base) & _CLASSVAR)

    # --- values ----------------------------------------------------------------------------

    def _kind(self, default: ast.expr | None) -> tuple[ReadKind, str | None]:
        if default is None or (isinstance(default, ast.Constant) and default.value is ...):
            return "required", None
        if isinstance(default, ast.Constant) and default.value is None:
            return "optional", None
        found = literal(self._source, default)
        return "default", None if found is None else found[0]

    def _cast_type(self, cast: ast.expr) -> str:
        """The type a `cast=` gives: `int` -> "int", `Csv()` -> "list", else the code."""
        code = self._source.code
        if isinstance(cast, ast.Call):
            callee = code(cast.func).rsplit(".", 1)[-1]
            if callee == "Csv":
                post = next((a.value for a in call_args(cast) if a.keyword == "post_process"), None)
                return code(post) if post is not None else "list"
            if callee == "Choices":
                return "str"
        return _SPACE.sub(" ", code(cast)).strip()

    def _scheme(self, args: Sequence[Arg]) -> dict[str, tuple[str | None, ast.expr | None]]:
        """django-environ's `Env(NAME=(type, default), OTHER=type)`: each name's type and
        default."""
        scheme: dict[str, tuple[str | None, ast.expr | None]] = {}
        for arg in args:
            if arg.keyword is None:
                continue
            value = arg.value
            if isinstance(value, ast.Tuple) and value.elts:  # a keyword's tuple has parentheses
                elements = [e.value if isinstance(e, ast.Starred) else e for e in value.elts]
                default = elements[1] if len(elements) > 1 else None
                scheme[arg.keyword] = (self._cast_type(elements[0]), default)
            else:
                scheme[arg.keyword] = (self._cast_type(value), None)
        return scheme


def _bind(args: Sequence[Arg], positions: tuple[str, ...]) -> dict[str, ast.expr]:
    """Arguments by name: positional ones by `positions`, keywords by their own name
    (other keywords too: `validate=`, `subcast=`); `*args`/`**kwargs` end the binding."""
    bound: dict[str, ast.expr] = {}
    position = 0
    for arg in args:
        if arg.star:
            break
        if arg.keyword is None:
            if position < len(positions):
                bound[positions[position]] = arg.value
            position += 1
        else:
            bound[arg.keyword] = arg.value
    return bound


def _env_metadata(metadata: ast.expr | None) -> str | None:
    """The variable `{"env": "X"}` names."""
    if not isinstance(metadata, ast.Dict):
        return None
    for key, value in zip(metadata.keys, metadata.values, strict=True):
        if key is not None and text_of(key) == "env":
            return text_of(value)
    return None
