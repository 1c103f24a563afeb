"""What the kwargs rules read in the syntax: the calls that copy a mapping or read a key,
names bound by a node, literal strings, and membership tests and guards on a key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase

import libcst as cst

from auditor.plugins import Valid, find_all

# Calls that return a shallow or deep copy of their (first) mapping argument.
COPIES = frozenset(
    {
        "dict",
        "copy",
        "copy.copy",
        "deepcopy",
        "copy.deepcopy",
        "OrderedDict",
        "collections.OrderedDict",
    }
)
# Calls that keep the keys of an iterable (used to spot `for k in list(kwargs)`).
KEEP_KEYS = frozenset({"set", "frozenset", "list", "tuple", "sorted", "iter"})
# Methods reading one key: their first argument is the key.
KEY_METHODS = frozenset({"get", "pop", "setdefault"})
# Set methods comparing or subtracting key sets: an allow-list check.
SET_CHECKS = frozenset({"difference", "issubset", "issuperset", "symmetric_difference"})
# Keyword arguments of ORM sinks that are written as fields (`get_or_create(defaults=...)`).
FIELD_KEYWORDS = frozenset({"defaults", "create_defaults"})
UNPACK = frozenset({"Unpack", "typing.Unpack", "typing_extensions.Unpack"})


# --- small pure helpers --------------------------------------------------------------------


def is_public(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` for attribute chains; a call in the chain is written `f()`, so that
    `insert(t).values` reads `insert().values`. None for anything else."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    if isinstance(expr, cst.Call):
        base = dotted(expr.func)
        return None if base is None else f"{base}()"
    return None


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Glob patterns over a whole dotted name (`*` crosses dots)."""
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def names_class(name: str, patterns: Iterable[str]) -> bool:
    """A pattern with a dot matches the whole dotted name; one without matches its last
    part, so `Model` covers `models.Model` and `db.Model`."""
    last = name.rpartition(".")[2]
    return any(fnmatchcase(name if "." in p else last, p) for p in patterns)


def string_value(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_unpack_annotated(param: cst.Param) -> bool:
    """`**kwargs: Unpack[SomeTypedDict]`: the type checker validates the keys."""
    annotation = param.annotation
    if annotation is None or not isinstance(annotation.annotation, cst.Subscript):
        return False
    return dotted(annotation.annotation.value) in UNPACK


def is_object_namespace(expr: cst.BaseExpression) -> bool:
    """`obj.__dict__`, `vars(obj)`, `dir(obj)`: an object's own attributes, which hold the
    very fields mass assignment is about, so testing a key against them validates nothing."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value == "__dict__"
    if isinstance(expr, cst.Call):
        return dotted(expr.func) in ("vars", "dir") and len(expr.args) == 1
    return False


def bound_names(node: cst.CSTNode) -> frozenset[str]:
    """Names a scope binds: its parameters and every assignment, loop, `with`, import or
    definition target in it (nested scopes included: a slight over-approximation)."""
    collector = _Bindings()
    node.visit(collector)
    return frozenset(collector.names)


class _Bindings(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Param(self, node: cst.Param) -> None:
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.update(target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.update(target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.update(target_names(node.target))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.update(target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.names.update(target_names(node.target))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.names.update(target_names(node.target))

    def visit_AsName(self, node: cst.AsName) -> None:
        self.names.update(target_names(node.name))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            name = dotted(node.name)
            if name is not None:
                self.names.add(name.partition(".")[0])

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.names.add(node.name.value)


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    return (name.value for name in names_in(target))


def names_in(target: cst.BaseExpression) -> Iterator[cst.Name]:
    """The names an assignment target binds: `a`, `a, (b, *c)`."""
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from names_in(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from names_in(target.value)


def is_docstring(statement: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return len(statement.body) == 1 and is_docstring(statement.body[0])
    return isinstance(statement, cst.Expr) and string_value(statement.value) is not None


SELF_NAMES = frozenset({"self", "cls"})


def self_attribute(expr: cst.BaseExpression) -> str | None:
    """`x` of `self.x` or `cls.x`."""
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Name)
        and expr.value.value in SELF_NAMES
    ):
        return expr.attr.value
    return None


class MembershipTests(cst.CSTVisitor):
    """The collections a key variable is tested against: `key in C`, `key not in C`."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.collections: list[cst.BaseExpression] = []

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            if (
                isinstance(left, cst.Name)
                and left.value == self.key
                and isinstance(target.operator, cst.In | cst.NotIn)
            ):
                self.collections.append(target.comparator)
            left = target.comparator


def setattr_key(node: cst.Call, callee: str | None) -> cst.BaseExpression | None:
    """The attribute name argument of `setattr(o, name, v)`, `object.__setattr__(o, name,
    v)` or `o.__setattr__(name, v)`."""
    if callee in ("setattr", "object.__setattr__"):
        position = 1
    elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "__setattr__":
        position = 0
    else:
        return None
    return node.args[position].value if len(node.args) > position else None


def rejects(body: cst.CSTNode, key: str) -> bool:
    """Whether a loop body raises when a test on the key fails (`if not
    name.isupper(): raise TypeError(...)`): the names it accepts are a deliberate decision,
    as a signature's are. A test that only skips keys (`if hasattr(obj, k): setattr(...)`)
    is not: the fields worth attacking exist."""
    finder = _KeyGuards(key)
    body.visit(finder)
    return finder.rejects


class _KeyGuards(cst.CSTVisitor):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.rejects = False

    def visit_If(self, node: cst.If) -> None:
        if _mentions(node.test, self.key) and raises(node.body):
            self.rejects = True

    def visit_Assert(self, node: cst.Assert) -> None:
        if _mentions(node.test, self.key):
            self.rejects = True


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return bool(find_all(node, cst.Name, lambda n: n.value == name))


def raises(body: cst.CSTNode) -> bool:
    return bool(find_all(body, cst.Raise))


# What counts as validating the keys, as unvalidated-kwargs' examples (the harness runs
# them with the rule's): the allow-list checks and guards recognised above.
VALIDATION_EXAMPLES = (
    # Allow-list checks, each form.
    Valid(
        """
            def create(**kwargs):
                unexpected = set(kwargs) - ALLOWED
                if unexpected:
                    raise TypeError(unexpected)
                return Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                if kwargs.keys() - {"date", "room"}:
                    raise TypeError("unexpected fields")
                return Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            class Booking:
                def update(self, **kwargs):
                    for key in kwargs:
                        if key not in self.EDITABLE:
                            raise TypeError(key)
                    for key, value in kwargs.items():
                        setattr(self, key, value)
            """
    ),
    Valid(
        """
            def update(booking, **kwargs):
                for key, value in kwargs.items():
                    if key in EDITABLE:
                        setattr(booking, key, value)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                assert kwargs.keys() <= ALLOWED
                Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                date = kwargs.pop("date")
                if kwargs:
                    raise TypeError(f"unexpected: {sorted(kwargs)}")
                return Booking.objects.create(date=date, **kwargs)
            """
    ),
    # Rejecting keys that fail a test, as a signature would, validates them.
    Valid(
        """
            def configure(holder, **options):
                for name, value in options.items():
                    if not name.isupper():
                        raise TypeError(f"setting {name!r} must be uppercase")
                    setattr(holder, name, value)
            """
    ),
    Valid(
        """
            class Options:
                def __init__(self, **kwargs):
                    for key, value in kwargs.items():
                        self.values[key] = value

                def get(self, key):
                    return self.values[key]
            """
    ),
)


def namespace_owner(namespace: cst.BaseExpression) -> cst.BaseExpression | None:
    """`obj` of `obj.__dict__` or `vars(obj)`."""
    if isinstance(namespace, cst.Attribute):
        return namespace.value
    if isinstance(namespace, cst.Call) and namespace.args:
        return namespace.args[0].value
    return None


def setattr_object(node: cst.Call, callee: str | None) -> cst.BaseExpression | None:
    """`obj` of `setattr(obj, k, v)` and `object.__setattr__(obj, k, v)`; `o.__setattr__`'s
    receiver."""
    if callee in ("setattr", "object.__setattr__") and node.args:
        return node.args[0].value
    func = node.func
    return func.value if isinstance(func, cst.Attribute) else None
