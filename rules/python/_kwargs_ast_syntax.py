"""What the kwargs rules read in CPython's syntax tree: the calls that copy a mapping or
read a key, names bound by a node, literal strings, and membership tests and guards on a
key. LibCST-free: the detection of both kwargs rules runs on `ast` alone."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase, translate

from auditor.plugins import subtree

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
SELF_NAMES = frozenset({"self", "cls"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def is_public(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def quoted(value: str) -> str:
    """A double-quoted literal where that is plain, else Python's own repr."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return repr(value)


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Glob patterns over a whole dotted name (`*` crosses dots)."""
    if isinstance(patterns, tuple):  # the options' lists: one regex for them all
        combined = _combined(patterns)
        return combined is not None and combined.match(name) is not None
    return any(fnmatchcase(name, pattern) for pattern in patterns)


@functools.lru_cache(maxsize=64)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """`fnmatchcase` of any of `patterns`: the alternation of the regexes it matches each
    with (each anchored at the end); None for no pattern, which matches nothing."""
    if not patterns:
        return None
    return re.compile("|".join(translate(pattern) for pattern in patterns))


def names_class(name: str, patterns: Iterable[str]) -> bool:
    """A pattern with a dot matches the whole dotted name; one without matches its last
    part, so `Model` covers `models.Model` and `db.Model`."""
    last = name.rpartition(".")[2]
    return any(fnmatchcase(name if "." in p else last, p) for p in patterns)


def dotted(expr: ast.expr | None) -> str | None:
    """`a.b.c` for attribute chains; a call in the chain is written `f()`, so that
    `insert(t).values` reads `insert().values`. None for anything else."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    if isinstance(expr, ast.Call):
        base = dotted(expr.func)
        return None if base is None else f"{base}()"
    return None


def string_value(expr: ast.expr | None) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


@dataclass(frozen=True, slots=True)
class Arg:
    """A call's argument as it is written: `keyword=value`, `*value`, `**value`."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""  # "", "*" or "**"


def call_args(call: ast.Call) -> list[Arg]:
    """The arguments of `call` in the order they are written (`ast` keeps positional and
    keyword arguments apart)."""
    found = [Arg(a.value, None, "*") if isinstance(a, ast.Starred) else Arg(a) for a in call.args]
    keywords = [Arg(k.value, k.arg, "" if k.arg else "**") for k in call.keywords]
    if found and keywords and _position(call.keywords[0]) < _position(call.args[-1]):
        nodes: list[ast.AST] = [*call.args, *call.keywords]
        merged = sorted(zip(nodes, [*found, *keywords], strict=True), key=lambda p: _position(p[0]))
        return [arg for _, arg in merged]
    return found + keywords


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def is_unpack_annotated(param: ast.arg) -> bool:
    """`**kwargs: Unpack[SomeTypedDict]`: the type checker validates the keys."""
    annotation = param.annotation
    return isinstance(annotation, ast.Subscript) and dotted(annotation.value) in UNPACK


def is_object_namespace(expr: ast.expr) -> bool:
    """`obj.__dict__`, `vars(obj)`, `dir(obj)`: an object's own attributes, which hold the
    very fields mass assignment is about, so testing a key against them validates nothing."""
    if isinstance(expr, ast.Attribute):
        return expr.attr == "__dict__"
    if isinstance(expr, ast.Call):
        return dotted(expr.func) in ("vars", "dir") and len(expr.args) + len(expr.keywords) == 1
    return False


def namespace_owner(namespace: ast.expr) -> ast.expr | None:
    """`obj` of `obj.__dict__` or `vars(obj)`."""
    if isinstance(namespace, ast.Attribute):
        return namespace.value
    if isinstance(namespace, ast.Call):
        args = call_args(namespace)
        return args[0].value if args else None
    return None


def self_attribute(expr: ast.expr) -> str | None:
    """`x` of `self.x` or `cls.x`."""
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in SELF_NAMES
    ):
        return expr.attr
    return None


def setattr_key(node: ast.Call, callee: str | None) -> ast.expr | None:
    """The attribute name argument of `setattr(o, name, v)`, `object.__setattr__(o, name,
    v)` or `o.__setattr__(name, v)`."""
    if callee in ("setattr", "object.__setattr__"):
        position = 1
    elif isinstance(node.func, ast.Attribute) and node.func.attr == "__setattr__":
        position = 0
    else:
        return None
    args = call_args(node)
    return args[position].value if len(args) > position else None


def setattr_object(node: ast.Call, callee: str | None) -> ast.expr | None:
    """`obj` of `setattr(obj, k, v)` and `object.__setattr__(obj, k, v)`; `o.__setattr__`'s
    receiver."""
    args = call_args(node)
    if callee in ("setattr", "object.__setattr__") and args:
        return args[0].value
    func = node.func
    return func.value if isinstance(func, ast.Attribute) else None


# --- names ----------------------------------------------------------------------------------


def names_in(target: ast.expr) -> Iterator[ast.Name]:
    """The names an assignment target binds: `a`, `a, (b, *c)`."""
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from names_in(element)
    elif isinstance(target, ast.Starred):
        yield from names_in(target.value)


def target_names(target: ast.expr) -> Iterator[str]:
    return (name.id for name in names_in(target))


_TARGETED = (ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension)


def bound_names(node: ast.AST) -> frozenset[str]:
    """Names a scope binds: its parameters and every assignment, loop, `with`, import or
    definition target in it (nested scopes included: a slight over-approximation)."""
    names: set[str] = set()
    for child in subtree(node):
        if isinstance(child, ast.arg):
            names.add(child.arg)
        elif isinstance(child, ast.Assign):
            for target in child.targets:
                names.update(target_names(target))
        elif isinstance(child, _TARGETED):
            names.update(target_names(child.target))
        elif isinstance(child, ast.withitem):
            if child.optional_vars is not None:
                names.update(target_names(child.optional_vars))
        elif isinstance(child, ast.ExceptHandler):
            if child.name is not None:
                names.add(child.name)
        elif isinstance(child, ast.alias):
            if child.asname is not None:
                names.add(child.asname)
            elif child.name != "*":
                names.add(child.name.partition(".")[0])
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
    return frozenset(names)


def identifiers(node: ast.AST) -> Iterator[str]:
    """Every identifier written in `node` where a concrete syntax tree has a name: variables,
    attribute names, keywords, parameters, definitions, imports, captures."""
    for child in subtree(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.keyword):
            if child.arg is not None:
                yield child.arg
        elif isinstance(child, ast.arg):
            yield child.arg
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield child.name
        elif isinstance(child, ast.alias):
            if child.name != "*":
                yield from child.name.split(".")
            if child.asname is not None:
                yield child.asname
        elif isinstance(child, ast.ImportFrom):
            if child.module is not None:
                yield from child.module.split(".")
        elif isinstance(child, ast.Global | ast.Nonlocal):
            yield from child.names
        elif isinstance(child, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
            if child.name is not None:
                yield child.name
        elif isinstance(child, ast.MatchMapping):
            if child.rest is not None:
                yield child.rest
        elif isinstance(child, ast.MatchClass):
            yield from child.kwd_attrs


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and string_value(statement.value) is not None


# --- membership tests and guards on a key ---------------------------------------------------


def membership_collections(node: ast.AST, key: str) -> list[ast.expr]:
    """The collections a key variable is tested against: `key in C`, `key not in C`."""
    found = []
    for child in subtree(node):
        if isinstance(child, ast.Compare):
            left = child.left
            for op, comparator in zip(child.ops, child.comparators, strict=True):
                if (
                    isinstance(left, ast.Name)
                    and left.id == key
                    and isinstance(op, ast.In | ast.NotIn)
                ):
                    found.append(comparator)
                left = comparator
    return found


def rejects(body: Iterable[ast.stmt], key: str) -> bool:
    """Whether a loop body raises when a test on the key fails (`if not
    name.isupper(): raise TypeError(...)`): the names it accepts are a deliberate decision,
    as a signature's are. A test that only skips keys (`if hasattr(obj, k): setattr(...)`)
    is not: the fields worth attacking exist."""
    for statement in body:
        for node in subtree(statement):
            if isinstance(node, ast.If):
                if _mentions(node.test, key) and raises(node.body):
                    return True
            elif isinstance(node, ast.Assert) and _mentions(node.test, key):
                return True
    return False


def _mentions(node: ast.AST, name: str) -> bool:
    return any(found == name for found in identifiers(node))


def raises(body: Iterable[ast.stmt]) -> bool:
    return any(isinstance(node, ast.Raise) for s in body for node in subtree(s))
