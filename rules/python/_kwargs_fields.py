"""unvalidated-kwargs: the fields a caller may set on a model, read from its class
statically: SQLAlchemy 2.0 (`Mapped[...]`, `mapped_column`, `relationship`), classic
SQLAlchemy (`Column(Type, ...)`), Django model fields, dataclasses, attrs, pydantic and
SQLModel models. Fields of the model's bases (its lineage, `_kwargs_lineage`) come first.
In a Django or SQLAlchemy model, an annotation alone declares a type, not a field, unless
it is `Mapped[...]`; an annotated Django field (`owner: models.ForeignKey[User] =
models.ForeignKey(...)`) is read from its call.

Server-managed fields are not writable: primary keys, `server_default`, `init=False`,
Django's `AutoField`s, `auto_now`/`auto_now_add`, `editable=False`, many-to-many fields
(Django refuses them in a constructor).

Each field has the type a schema gives it: the model's own annotation where its names can
be written in the fixed file (`datetime.date` for `from datetime import date`), else a
type of the column's (`String` -> `str`), else `typing.Any`; and whether the caller may
leave it out (nullable, or a default).
"""

from __future__ import annotations

import ast
import builtins
import copy
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rules.python._kwargs_accepted import accepted_names
from rules.python._kwargs_lineage import Declaring
from rules.python._kwargs_models import dotted_name

ANY = "typing.Any"


@dataclass(frozen=True, slots=True)
class ModelField:
    name: str
    annotation: str  # a type expression, its modules in `modules`
    optional: bool  # nullable or has a default: the caller may leave it out
    modules: tuple[str, ...] = ()  # standard-library modules the annotation names


# --- column types --------------------------------------------------------------------

_TYPES = {
    **dict.fromkeys(("Integer", "BigInteger", "SmallInteger", "INTEGER", "BIGINT"), "int"),
    **dict.fromkeys(("String", "Text", "Unicode", "UnicodeText", "VARCHAR", "TEXT"), "str"),
    **dict.fromkeys(("Boolean", "BOOLEAN"), "bool"),
    **dict.fromkeys(("Float", "Double", "REAL", "FLOAT"), "float"),
    **dict.fromkeys(("Numeric", "DECIMAL", "NUMERIC"), "decimal.Decimal"),
    **dict.fromkeys(("DateTime", "TIMESTAMP", "DATETIME"), "datetime.datetime"),
    **dict.fromkeys(("Date", "DATE"), "datetime.date"),
    **dict.fromkeys(("Time", "TIME"), "datetime.time"),
    **dict.fromkeys(("Interval",), "datetime.timedelta"),
    **dict.fromkeys(("Uuid", "UUID"), "uuid.UUID"),
    **dict.fromkeys(("LargeBinary", "BLOB"), "bytes"),
}
_DJANGO = {
    **dict.fromkeys(
        (
            "CharField",
            "TextField",
            "EmailField",
            "SlugField",
            "URLField",
            "GenericIPAddressField",
            "FilePathField",
        ),
        "str",
    ),
    **dict.fromkeys(
        (
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        "int",
    ),
    "BooleanField": "bool",
    "FloatField": "float",
    "DecimalField": "decimal.Decimal",
    "DateTimeField": "datetime.datetime",
    "DateField": "datetime.date",
    "TimeField": "datetime.time",
    "DurationField": "datetime.timedelta",
    "UUIDField": "uuid.UUID",
    "BinaryField": "bytes",
}
_DJANGO_STRINGS = frozenset(k for k, v in _DJANGO.items() if v == "str")
_DJANGO_ANY = frozenset(
    {"JSONField", "FileField", "ImageField", "ForeignKey", "OneToOneField", "ArrayField"}
)
_DJANGO_RELATED = frozenset({"ForeignKey", "OneToOneField"})
_DJANGO_SKIPPED = frozenset(
    {"AutoField", "BigAutoField", "SmallAutoField", "ManyToManyField", "GeneratedField"}
)
_FIELD_CALLS = frozenset({"Field", "field", "ib", "attrib", "attr", "mapped_column"})
_RELATIONSHIPS = frozenset({"relationship", "relation"})
_OPTIONAL = frozenset({"Optional", "typing.Optional"})
_SKIPPED_ANNOTATIONS = frozenset({"ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar"})
_NAMES_KEPT = frozenset(dir(builtins)) | {"None"}
_ASSIGNED_CALLS = frozenset({"Column", *_DJANGO, *_DJANGO_ANY, *_DJANGO_SKIPPED})
_ORM_CALLS = _ASSIGNED_CALLS | {"mapped_column", *_RELATIONSHIPS}


def writable_fields(declaring: Sequence[Declaring], *, local: bool) -> list[ModelField]:
    """The fields of the model a caller may set, from its lineage (bases first). `local`:
    the schema goes into the model's own module, which sees its names."""
    orm = _orm(declaring)
    found: dict[str, ModelField] = {}
    for item in declaring:
        names = _ImportedNames.of(item.module, local=local and item.own)
        for statement in item.node.body:
            for field in _fields(statement, names, orm=orm):
                found.pop(field.name, None)
                if field.annotation:  # "": not writable
                    found[field.name] = field
    for name in accepted_names(declaring):  # settable properties, backrefs
        found.setdefault(name, ModelField(name, ANY, True))
    return list(found.values())


def _orm(declaring: Sequence[Declaring]) -> bool:
    """A Django or SQLAlchemy model: there an annotated name is a field only when it is
    `Mapped[...]` or assigned a column or field; else the annotation is for the type
    checker (`translation_set: RelatedManager`, `owner_id: int`) or a class constant
    (`kind: str = "image"`)."""
    for item in declaring:
        if any(dotted_name(b) == "models.Model" for b in item.node.bases):
            return True
        for statement in item.node.body:
            value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Call) and _callee(value) in _ORM_CALLS:
                return True
            if isinstance(statement, ast.AnnAssign) and _mapped(statement.annotation):
                return True
    return False


def _callee(call: ast.Call) -> str:
    return (dotted_name(call.func) or "").rpartition(".")[2]


def _mapped(annotation: ast.expr) -> bool:
    outer = dotted_name(annotation.value) if isinstance(annotation, ast.Subscript) else None
    return outer is not None and outer.rpartition(".")[2] == "Mapped"


def _fields(statement: ast.stmt, names: _ImportedNames, *, orm: bool) -> Iterator[ModelField]:
    """The field a class-body statement declares; an empty annotation: a field that is
    declared but not writable (it hides a base class's)."""
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        name = statement.target.id
        value = statement.value
        if name.startswith("_") or name == "model_config":
            return
        if isinstance(value, ast.Call) and _callee(value) in _ASSIGNED_CALLS:
            # `resource: models.ForeignKey["Resource"] = models.ForeignKey(...)`: the
            # call says what the field is, the annotation is for the type checker.
            yield from _assigned(name, value)
        elif not orm or _mapped(statement.annotation):
            field = _annotated(name, statement.annotation, value, names)
            if field is not None:
                yield field
    elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
        for target in statement.targets:
            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                yield from _assigned(target.id, statement.value)


def _annotated(
    name: str, annotation: ast.expr, value: ast.expr | None, names: _ImportedNames
) -> ModelField | None:
    outer = dotted_name(annotation.value) if isinstance(annotation, ast.Subscript) else None
    if outer in _SKIPPED_ANNOTATIONS or dotted_name(annotation) in _SKIPPED_ANNOTATIONS:
        return None
    mapped = outer is not None and outer.rpartition(".")[2] == "Mapped"
    inner = annotation.slice if mapped and isinstance(annotation, ast.Subscript) else annotation
    kind, nullable = _unwrap_optional(inner)
    call = value if isinstance(value, ast.Call) else None
    callee = (dotted_name(call.func) or "").rpartition(".")[2] if call else ""
    if callee in _RELATIONSHIPS:
        return ModelField(name, ANY, True)
    if call is not None and callee in _FIELD_CALLS:
        options = _keywords(call)
        if _server_managed(options) or _false(options.get("init")):
            return ModelField(name, "", True)
        if "nullable" in options:
            nullable = _true(options["nullable"])
        has_default = bool({"default", "default_factory", "factory", "insert_default"} & {*options})
        if callee == "Field" and call.args:  # pydantic's Field(default)
            has_default = has_default or not _is_ellipsis(call.args[0])
        if callee in ("ib", "attrib", "attr") and call.args:
            has_default = True
    else:
        has_default = value is not None
    text, modules = names.render(kind)
    return ModelField(name, text, nullable or has_default, modules)


def _assigned(name: str, call: ast.Call) -> Iterator[ModelField]:
    callee = (dotted_name(call.func) or "").rpartition(".")[2]
    options = _keywords(call)
    if callee == "Column":
        if _server_managed(options) or _true(options.get("primary_key")):
            yield ModelField(name, "", True)
            return
        kind = next((k for a in call.args if (k := _column_type(a)) is not None), ANY)
        nullable = not _false(options.get("nullable"))  # Column's default: nullable
        yield _field(name, kind, nullable or "default" in options or "insert_default" in options)
    elif callee in _RELATIONSHIPS:
        yield ModelField(name, ANY, True)
    elif callee in _DJANGO or callee in _DJANGO_ANY or callee in _DJANGO_SKIPPED:
        if (
            callee in _DJANGO_SKIPPED
            or _true(options.get("primary_key"))
            or _true(options.get("auto_now"))
            or _true(options.get("auto_now_add"))
            or _false(options.get("editable"))
            or "db_default" in options
        ):
            yield ModelField(name, "", True)
            return
        # A string field without a default is "" (Django's empty value), never required.
        optional = (
            _true(options.get("null"))
            or "default" in options
            or callee in _DJANGO_STRINGS
            or callee in _DJANGO_RELATED
        )
        yield _field(name, _DJANGO.get(callee, ANY), optional)
        if callee in _DJANGO_RELATED:
            yield ModelField(f"{name}_id", ANY, True)


def _field(name: str, kind: str, optional: bool) -> ModelField:
    module = kind.rpartition(".")[0]
    return ModelField(name, kind, optional, (module,) if module and kind != ANY else ())


def _column_type(arg: ast.expr) -> str | None:
    if isinstance(arg, ast.Call):
        arg = arg.func
    name = dotted_name(arg)
    if name is None:
        return None
    return _TYPES.get(name.rpartition(".")[2])


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def _server_managed(options: dict[str, ast.expr]) -> bool:
    return (
        _true(options.get("primary_key"))
        or "server_default" in options
        or "sa_column" in options
        or "Computed" in {dotted_name(v) for v in options.values()}
    )


def _true(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True


def _false(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False


def _is_ellipsis(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is Ellipsis


def _unwrap_optional(annotation: ast.expr) -> tuple[ast.expr, bool]:
    """`X | None`, `Optional[X]`, `Union[X, None]` -> (X, True)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        parts = _union_parts(annotation)
        kept = [p for p in parts if not _is_none(p)]
        if len(kept) < len(parts) and len(kept) == 1:
            return kept[0], True
    if isinstance(annotation, ast.Subscript):
        outer = dotted_name(annotation.value)
        if outer in _OPTIONAL:
            return annotation.slice, True
        if outer in ("Union", "typing.Union") and isinstance(annotation.slice, ast.Tuple):
            kept = [p for p in annotation.slice.elts if not _is_none(p)]
            if len(kept) == 1 and len(annotation.slice.elts) == 2:
                return kept[0], True
    return annotation, False


def _union_parts(expr: ast.expr) -> list[ast.expr]:
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return [*_union_parts(expr.left), *_union_parts(expr.right)]
    return [expr]


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


@dataclass(frozen=True, slots=True)
class _ImportedNames:
    """How the model's module names things, to write its annotations elsewhere: a name
    from a standard-library `from m import n` becomes `m.n`; a module imported whole
    stays. Anything else (the project's own types, strings) cannot be written in
    another file: the field becomes `typing.Any`."""

    local: bool
    from_stdlib: dict[str, str]  # `date` -> `datetime.date`
    modules: frozenset[str]  # `datetime` for `import datetime`

    @classmethod
    def of(cls, tree: ast.Module, *, local: bool) -> _ImportedNames:
        from_stdlib: dict[str, str] = {}
        modules: set[str] = set()
        for statement in tree.body:
            if isinstance(statement, ast.ImportFrom) and not statement.level:
                module = statement.module or ""
                if module.split(".")[0] in sys.stdlib_module_names:
                    for alias in statement.names:
                        from_stdlib[alias.asname or alias.name] = f"{module}.{alias.name}"
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.asname is None and alias.name in sys.stdlib_module_names:
                        modules.add(alias.name)
        return cls(local, from_stdlib, frozenset(modules))

    def render(self, annotation: ast.expr) -> tuple[str, tuple[str, ...]]:
        """The annotation as the fixed file can write it, and the modules it needs."""
        if self.local:
            return ast.unparse(annotation), ()
        needed: set[str] = set()
        rewritten = _Qualify(self, needed).visit(copy.deepcopy(annotation))
        if rewritten is None:
            return ANY, ()
        return ast.unparse(rewritten), tuple(sorted(needed))


class _Qualify(ast.NodeTransformer):
    def __init__(self, names: _ImportedNames, needed: set[str]) -> None:
        self.names = names
        self.needed = needed
        self.failed = False

    def visit(self, node: ast.AST) -> ast.AST | None:
        result = super().visit(node)
        return None if self.failed else result

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if node.value is not None and node.value is not Ellipsis:
            self.failed = True  # a string: a forward reference
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        name = dotted_name(node)
        root = (name or "").split(".")[0]
        if name is None or root not in self.names.modules:
            self.failed = True
        else:
            self.needed.add(root)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _NAMES_KEPT:
            return node
        qualified = self.names.from_stdlib.get(node.id)
        if qualified is None:
            self.failed = True
            return node
        self.needed.add(qualified.rpartition(".")[0])
        return ast.parse(qualified, mode="eval").body
