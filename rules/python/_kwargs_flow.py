"""Where a function's `**kwargs` goes: the analysis shared by `unvalidated-kwargs` and
`ignored-kwargs`.

One ordered walk over a function body follows the caller's keyword mapping through local
copies (`data = dict(kwargs)`, `{**kwargs, ...}`, `d.update(kwargs)`) until it is rebound,
and records three things: where it reaches a mass-assignment sink before any validation,
which literal keys are read from the `**` parameter, and whether the parameter is used in
any other way (passed on, iterated, stored). The walk is syntactic and flow-insensitive
across branches (statements count in source order), which errs towards silence: a
validation anywhere before a sink clears it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import libcst as cst

from auditor.plugins import OptionValue, Rule, RuleContext, find_all

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
    return (name.value for name in _names_in(target))


def _names_in(target: cst.BaseExpression) -> Iterator[cst.Name]:
    """The names an assignment target binds: `a`, `a, (b, *c)`."""
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from _names_in(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names_in(target.value)


def is_docstring(statement: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return len(statement.body) == 1 and is_docstring(statement.body[0])
    return isinstance(statement, cst.Expr) and string_value(statement.value) is not None


# --- the classes a module defines ----------------------------------------------------------

# Bases that define no methods a subclass could be overriding.
TRIVIAL_BASES = frozenset({"object", "ABC", "abc.ABC", "Protocol", "typing.Protocol"})


@dataclass(frozen=True, slots=True)
class ClassTable:
    """The classes a module defines (by simple name): their bases and their methods."""

    bases: Mapping[str, frozenset[str]] = field(default_factory=dict)
    methods: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, module: cst.Module) -> ClassTable:
        bases: dict[str, set[str]] = {}
        methods: dict[str, set[str]] = {}
        for node in _class_defs(module.body):
            name = node.name.value
            bases.setdefault(name, set()).update(
                base
                for arg in node.bases
                if arg.keyword is None and (base := dotted(arg.value)) is not None
            )
            methods.setdefault(name, set()).update(
                s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef)
            )
        return cls(
            {name: frozenset(b) for name, b in bases.items()},
            {name: frozenset(m) for name, m in methods.items()},
        )

    def derived(
        self, known: Sequence[str], excluded: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        return derived_classes(self.bases, known, excluded)

    def overridden(self, name: str, method: str) -> bool:
        """Whether a subclass defined here overrides `name.method`."""
        return any(
            method in self.methods.get(other, ()) and name in self._ancestors(other)
            for other in self.bases
            if other != name
        )

    def _ancestors(self, name: str) -> set[str]:
        found: set[str] = set()
        todo = list(self.bases.get(name, ()))
        while todo:
            base = todo.pop()
            if base not in found:
                found.add(base)
                todo.extend(self.bases.get(base, ()))
        return found

    def may_override(self, name: str, method: str) -> bool:
        """Whether `name.method` may override a base class's method: a base defined here
        has it, or a base is defined elsewhere (we cannot see its methods)."""
        return any(
            base not in TRIVIAL_BASES
            if base not in self.bases
            else method in self.methods.get(base, ())
            for base in self._ancestors(name)
        )


def derived_classes(
    bases: Mapping[str, Iterable[str]],
    known: Sequence[str],
    excluded: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The classes (of `bases`: a module's class names and their bases' dotted names) with
    a base matching `known`; a base defined in the module is judged by its own bases
    instead, so a local `class BaseModel(models.Model)` is a model. To a fixed point."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name in found or name in excluded:
                continue
            if any(
                p in found if p in bases else names_class(p, known) for p in parents if p != name
            ):
                found.add(name)
                changed = True
    return frozenset(found)


def _class_defs(nodes: Iterable[cst.CSTNode]) -> Iterator[cst.ClassDef]:
    """Every class statement, however nested, following only what holds statements
    (a full visit of the module would cost as much as the rules themselves)."""
    for node in nodes:
        if isinstance(node, cst.ClassDef):
            yield node
        yield from _class_defs(_blocks(node))


def _blocks(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The statements directly inside a compound statement or one of its clauses."""
    body = getattr(node, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield from body.body
    for clause in ("orelse", "finalbody"):
        part = getattr(node, clause, None)
        if isinstance(part, cst.CSTNode):
            yield part
    for clauses in ("handlers", "cases"):
        yield from getattr(node, clauses, ())


class LazyNames:
    """A set of names computed on first use: most functions never need theirs."""

    def __init__(self, compute: Callable[[], frozenset[str]]) -> None:
        self._compute = compute
        self._names: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            self._names = self._compute()
        return name in self._names


# --- sinks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sinks:
    """What accepts arbitrary field names, and what validates. Empty for a rule that only
    needs to know how the parameter is used."""

    calls: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    validators: tuple[str, ...] = ()
    local_models: frozenset[str] = frozenset()  # model classes defined in the module
    local_validators: frozenset[str] = frozenset()  # pydantic models defined in the module

    def sink(self, callee: str, shadowed: LazyNames) -> str | None:
        """How to name `callee` in a message when it is a sink, else None."""
        if matches(callee, self.calls):
            return f"`{callee}()`"
        if self.is_model(callee, shadowed):
            return f"the model constructor `{callee}()`"
        return None

    def is_model(self, callee: str, shadowed: LazyNames) -> bool:
        if callee.endswith(")"):
            return False
        if callee not in self.local_models and not names_class(callee, self.models):
            return False
        # A parameter or local variable of that name is not the class.
        return callee.partition(".")[0] not in shadowed

    def is_validator(self, callee: str) -> bool:
        """A configured validator, a method of one (`BookingIn.model_validate`), or a
        pydantic model defined in the module."""
        receiver = callee.rpartition(".")[0]
        return (
            callee in self.local_validators
            or receiver in self.local_validators
            or names_class(callee, self.validators)
            or (bool(receiver) and names_class(receiver, self.validators))
        )


# --- the flow ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sink:
    node: cst.CSTNode
    what: str  # how the mapping reaches it, for the message: "passed to `f()`"
    end: cst.CSTNode | None = None


@dataclass(frozen=True, slots=True)
class Store:
    """The mapping kept whole on `self` (`self.x = kwargs`, `self.x.update(kwargs)`): a
    sink only if some method later writes `self.x` wholesale (see `stored_sinks`)."""

    node: cst.CSTNode
    attr: str
    what: str
    end: cst.CSTNode | None = None


@dataclass(slots=True)
class KwargsUse:
    """How one function uses its `**` parameter."""

    name: str
    sinks: list[Sink] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    literal_keys: list[str] = field(default_factory=list)  # in order of first read
    other_use: bool = False  # used other than by a literal key
    rebound: bool = False


def analyse(
    function: cst.FunctionDef, param: cst.Param, sinks: Sinks, shadowed: LazyNames
) -> KwargsUse:
    """`shadowed`: names bound in the function and its enclosing functions, which cannot
    refer to a module-level model class."""
    walker = _Flow(param.name.value, sinks, shadowed)
    function.body.visit(walker)
    return walker.use


def stored_sinks(
    method: cst.FunctionDef, attr: str, sinks: Sinks, shadowed: LazyNames
) -> list[Sink]:
    """Where `method` writes `self.<attr>` (or `cls.<attr>`) wholesale into a sink."""
    walker = _Flow(None, sinks, shadowed, attrs=frozenset({attr}))
    method.body.visit(walker)
    return walker.use.sinks


SELF_NAMES = frozenset({"self", "cls"})


def _self_attribute(expr: cst.BaseExpression) -> str | None:
    """`x` of `self.x` or `cls.x`."""
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Name)
        and expr.value.value in SELF_NAMES
    ):
        return expr.attr.value
    return None


class _Flow(cst.CSTVisitor):
    """Visits a function body in evaluation order where it matters (values before the
    targets they are bound to, loop iterables before loop bodies)."""

    def __init__(
        self,
        param: str | None,
        sinks: Sinks,
        shadowed: LazyNames,
        attrs: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.use = KwargsUse(param or "")
        self.param = param or ""  # no parameter: following stored attributes only
        self.param_visible = param is not None  # false in a nested scope rebinding the name
        # Local names, and attributes of self, holding the caller's mapping with every key.
        self.tainted = {param} if param else set()
        self.tainted_attrs = attrs
        self.validated = False
        self.key_loops: list[str] = []  # key variables of unvalidated loops over the mapping
        self.aliases: dict[str, str] = {}  # names bound to a sink: `save = M.objects.create`
        self.sinks = sinks
        self.shadowed = shadowed
        self.handled: set[cst.CSTNode] = set()

    # -- recording

    def _sink(self, node: cst.CSTNode, what: str, end: cst.CSTNode | None = None) -> None:
        if not self.validated:
            self.use.sinks.append(Sink(node, what, end))

    def _store(
        self, node: cst.CSTNode, target: cst.BaseExpression, what: str, end: cst.CSTNode | None
    ) -> None:
        """Kept on `self` for later; on any other object it cannot be followed, and a
        mapping kept as a mapping (an options bag) sets no fields by itself."""
        attr = _self_attribute(target)
        if attr is not None and not self.validated:
            self.use.stores.append(Store(node, attr, f"{what} `{_code(target)}`", end))

    def _read(self, name: cst.BaseExpression, key: str) -> None:
        assert isinstance(name, cst.Name)
        self.handled.add(name)
        if key not in self.use.literal_keys:
            self.use.literal_keys.append(key)

    def _is_param(self, expr: cst.BaseExpression) -> bool:
        return self.param_visible and isinstance(expr, cst.Name) and expr.value == self.param

    # -- what an expression holds

    def carries(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` is the caller's mapping or a copy of it with every key."""
        if isinstance(expr, cst.Name):
            return expr.value in self.tainted
        if isinstance(expr, cst.Attribute):
            return _self_attribute(expr) in self.tainted_attrs
        if isinstance(expr, cst.Dict):
            return any(
                isinstance(e, cst.StarredDictElement) and self.carries(e.value)
                for e in expr.elements
            )
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self.carries(expr.left) or self.carries(expr.right)
        if isinstance(expr, cst.DictComp):
            key = self._loop_key(expr.for_in.target, expr.for_in.iter)
            return key is not None and not self._filters(expr.for_in, key)
        if isinstance(expr, cst.Call):
            callee = dotted(expr.func)
            if callee in COPIES:
                return any(
                    self.carries(a.value) for a in expr.args if a.keyword is None and a.star != "*"
                )
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "copy":
                return not expr.args and self.carries(expr.func.value)
        return False

    def keys_of(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` iterates or holds the keys of the caller's mapping."""
        if self.carries(expr):
            return True
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value == "keys" and not expr.args:
                return self.carries(func.value)
            if dotted(func) in KEEP_KEYS and len(expr.args) == 1 and not expr.args[0].star:
                return self.keys_of(expr.args[0].value)
        return False

    def items_of(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value == "items" and not expr.args:
                return self.carries(func.value)
            if dotted(func) in KEEP_KEYS and len(expr.args) == 1 and not expr.args[0].star:
                return self.items_of(expr.args[0].value)
        return False

    def _loop_key(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> str | None:
        """The key variable of `for k in kwargs` / `for k, v in kwargs.items()`."""
        if self.items_of(iterable):
            if isinstance(target, cst.Tuple | cst.List) and len(target.elements) == 2:
                first = target.elements[0].value
                return first.value if isinstance(first, cst.Name) else None
            return None
        if self.keys_of(iterable) and isinstance(target, cst.Name):
            return target.value
        return None

    def _tests_key(self, node: cst.CSTNode, key: str) -> bool:
        """Whether `node` tests `key` for membership in a collection (an allow- or deny-list),
        not in the object's own attributes nor in the mapping itself."""
        finder = _MembershipTests(key)
        node.visit(finder)
        return any(not is_object_namespace(c) and not self.carries(c) for c in finder.collections)

    def _filters(self, comp: cst.CompFor, key: str) -> bool:
        return any(self._tests_key(condition, key) for condition in comp.ifs)

    # -- binding

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        carried = value is not None and self.carries(value)
        if isinstance(target, cst.Name):
            self.handled.add(target)
            name = target.value
            if name == self.param and self.param_visible:
                self.use.rebound = True
            if carried:
                self.tainted.add(name)
            else:
                self.tainted.discard(name)
            callee = dotted(value) if value is not None else None
            described = callee and self.sinks.sink(callee, self.shadowed)
            if described:
                self.aliases[name] = described
            else:
                self.aliases.pop(name, None)
        elif isinstance(target, cst.Attribute):
            target.value.visit(self)
            if carried:
                self._store(target, target, "stored whole in", value)
        elif isinstance(target, cst.Subscript):
            target.visit(self)
            self._key_store(target)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None)
        else:
            target.visit(self)

    def _key_store(self, target: cst.Subscript) -> None:
        """`obj.__dict__[k] = v` (or `self.data[k] = v`, a store) in a loop over the keys."""
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return
        key = target.slice[0].slice.value
        if not isinstance(key, cst.Name) or key.value not in self.key_loops:
            return
        if is_object_namespace(target.value):
            self._sink(target, f"written key by key into `{_code(target.value)}`")
        else:
            self._store(target, target.value, "written key by key into", None)

    def visit_Assign(self, node: cst.Assign) -> bool:
        node.value.visit(self)
        for target in node.targets:
            self._bind(target.target, node.value)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        node.annotation.visit(self)
        if node.value is not None:
            node.value.visit(self)
            self._bind(node.target, node.value)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        node.value.visit(self)
        merged = isinstance(node.operator, cst.BitOrAssign) and self.carries(node.value)
        target = node.target
        if isinstance(target, cst.Name):
            self.handled.add(target)
            if merged:
                self.tainted.add(target.value)
        else:
            target.visit(self)
            if merged:
                self._store(node, target, "merged into", None)
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        node.value.visit(self)
        self._bind(node.target, node.value)
        return False

    def visit_For(self, node: cst.For) -> bool:
        node.iter.visit(self)
        key = self._loop_key(node.target, node.iter)
        self._bind(node.target, None)
        checked = key is not None and (self._tests_key(node.body, key) or _rejects(node.body, key))
        if checked:
            self.validated = True
        if key is not None and not checked:
            self.key_loops.append(key)
        node.body.visit(self)
        if key is not None and not checked:
            self.key_loops.pop()
        if node.orelse is not None:
            node.orelse.visit(self)
        return False

    def visit_WithItem(self, node: cst.WithItem) -> bool:
        node.item.visit(self)
        if node.asname is not None:
            self._bind(node.asname.name, None)
        return False

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> bool:
        if node.type is not None:
            node.type.visit(self)
        if node.name is not None:
            self._bind(node.name.name, None)
        node.body.visit(self)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        self._rebind(bound_names(node))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self._rebind({name.value})
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    def visit_Del(self, node: cst.Del) -> bool:
        if isinstance(node.target, cst.Name):
            self._rebind({node.target.value})
            return False
        return True

    def _rebind(self, names: Iterable[str]) -> None:
        for name in names:
            self._bind(cst.Name(name), None)

    # -- nested scopes: their bodies see the mapping as a closure variable unless they
    # rebind its name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for decorator in node.decorators:
            decorator.visit(self)
        self._visit_parameters(node.params)
        if node.returns is not None:
            node.returns.visit(self)
        self._bind(node.name, None)
        self._in_scope(bound_names(node), [node.body])
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self._visit_parameters(node.params)
        self._in_scope(bound_names(node.params), [node.body])
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        for decorator in node.decorators:
            decorator.visit(self)
        for arg in (*node.bases, *node.keywords):
            arg.value.visit(self)
        self._bind(node.name, None)
        self._in_scope(frozenset(), [node.body])
        return False

    def _visit_parameters(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                param.default.visit(self)
            if param.annotation is not None:
                param.annotation.visit(self)

    def _in_scope(self, bound: Iterable[str], nodes: Sequence[cst.CSTNode]) -> None:
        saved = (set(self.tainted), self.param_visible, list(self.key_loops), dict(self.aliases))
        self._shadow(bound)
        for node in nodes:
            node.visit(self)
        self.tainted, self.param_visible, self.key_loops, self.aliases = saved

    def _shadow(self, names: Iterable[str]) -> None:
        """Enter a scope where `names` are its own variables (restored by the caller)."""
        for name in names:
            self.tainted.discard(name)
            self.aliases.pop(name, None)
            if name == self.param:
                self.param_visible = False
            if name in self.key_loops:
                self.key_loops = [k for k in self.key_loops if k != name]

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        self._comprehension(node.for_in, [node.key, node.value])
        return False

    def _comprehension(self, for_in: cst.CompFor, results: Sequence[cst.CSTNode]) -> None:
        """A filter testing each key's membership validates (`[k for k in kwargs if k not in
        ALLOWED]` computes the unexpected ones); results see unfiltered keys as a loop does."""
        saved = (set(self.tainted), self.param_visible, list(self.key_loops), dict(self.aliases))
        current: cst.CompFor | None = for_in
        while current is not None:
            current.iter.visit(self)
            key = self._loop_key(current.target, current.iter)
            self._shadow(target_names(current.target))
            self.handled.update(_names_in(current.target))
            if key is not None and self._filters(current, key):
                self.validated = True
            elif key is not None:
                self.key_loops.append(key)
            for condition in current.ifs:
                condition.visit(self)
            current = current.inner_for_in
        for result in results:
            result.visit(self)
        self.tainted, self.param_visible, self.key_loops, self.aliases = saved

    # -- expressions

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self.handled and self._is_param(node):
            self.use.other_use = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `node.attr` is not a variable
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # `node.keyword` is not a variable
        return False

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._is_param(node.value) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                self._read(node.value, key)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        targets = node.comparisons
        key = string_value(node.left)
        if (
            key is not None
            and len(targets) == 1
            and isinstance(targets[0].operator, cst.In | cst.NotIn)
            and self._is_param(targets[0].comparator)
        ):
            self._read(targets[0].comparator, key)
        subset = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
        if any(isinstance(t.operator, subset) for t in targets) and (
            self.keys_of(node.left) or any(self.keys_of(t.comparator) for t in targets)
        ):
            self.validated = True  # `set(kwargs) <= ALLOWED`

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Subtract | cst.BitAnd) and self.keys_of(node.left):
            self.validated = True  # `set(kwargs) - ALLOWED`, `kwargs.keys() & ALLOWED`

    def visit_If(self, node: cst.If) -> None:
        self._leftover_check(node.test, node.body)

    def visit_Assert(self, node: cst.Assert) -> None:
        test = node.test
        if (
            isinstance(test, cst.UnaryOperation)
            and isinstance(test.operator, cst.Not)
            and self.keys_of(test.expression)
        ):
            self.validated = True  # `assert not kwargs` after popping the known keys

    def _leftover_check(self, test: cst.BaseExpression, body: cst.BaseSuite) -> None:
        """`if kwargs: raise TypeError(...)` after popping the known keys."""
        if isinstance(test, cst.Call) and dotted(test.func) in ("len", "bool") and test.args:
            test = test.args[0].value
        if self.keys_of(test) and _raises(body):
            self.validated = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        callee = dotted(func)
        if callee in ("locals", "vars") and not node.args:
            self.use.other_use = True  # every local escapes, the mapping too
        if isinstance(func, cst.Attribute):
            self._method_call(node, func)
        key = _setattr_key(node, callee)
        if isinstance(key, cst.Name) and key.value in self.key_loops:
            self._sink(node, "written attribute by attribute with `setattr()`")
        self._arguments(node, callee)

    def _method_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        args = node.args
        if method in KEY_METHODS and self._is_param(func.value) and args and not args[0].keyword:
            key = string_value(args[0].value)
            if key is not None and not args[0].star:
                self._read(func.value, key)
        if method in SET_CHECKS and (
            self.keys_of(func.value) or any(self.keys_of(a.value) for a in args)
        ):
            self.validated = True
        if method == "update" and any(
            self.carries(a.value) for a in args if a.keyword is None and a.star != "*"
        ):
            receiver = func.value
            if is_object_namespace(receiver):
                self._sink(node, f"written onto an object through `{_code(receiver)}`")
            elif isinstance(receiver, cst.Attribute):
                self._store(node, receiver, "merged into", None)
            elif isinstance(receiver, cst.Name):
                self.tainted.add(receiver.value)  # a local mapping now holds every key

    def _arguments(self, node: cst.Call, callee: str | None) -> None:
        for arg in node.args:
            carried = arg.star != "*" and self.carries(arg.value)
            if carried and callee is not None and self.sinks.is_validator(callee):
                self.validated = True
            elif arg.star == "**" and carried:
                target = self._sink_callee(node.func, callee)
                if target is not None:
                    self._sink(node, f"passed to {target}")
            elif (
                arg.keyword is not None
                and arg.keyword.value in FIELD_KEYWORDS
                and self.carries(arg.value)
                and callee is not None
                and matches(callee, self.sinks.calls)
            ):
                self._sink(node, f"passed as `{arg.keyword.value}` to `{callee}()`")

    def _sink_callee(self, func: cst.BaseExpression, callee: str | None) -> str | None:
        if isinstance(func, cst.Name) and func.value in self.aliases:
            return self.aliases[func.value]
        if callee is None:
            return None
        if isinstance(func, cst.Name) and func.value in self.tainted:
            return None
        return self.sinks.sink(callee, self.shadowed)


class _MembershipTests(cst.CSTVisitor):
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


def _setattr_key(node: cst.Call, callee: str | None) -> cst.BaseExpression | None:
    """The attribute name argument of `setattr(o, name, v)`, `object.__setattr__(o, name,
    v)` or `o.__setattr__(name, v)`."""
    if callee in ("setattr", "object.__setattr__"):
        position = 1
    elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "__setattr__":
        position = 0
    else:
        return None
    return node.args[position].value if len(node.args) > position else None


def _rejects(body: cst.CSTNode, key: str) -> bool:
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
        if _mentions(node.test, self.key) and _raises(node.body):
            self.rejects = True

    def visit_Assert(self, node: cst.Assert) -> None:
        if _mentions(node.test, self.key):
            self.rejects = True


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return bool(find_all(node, cst.Name, lambda n: n.value == name))


def _raises(body: cst.CSTNode) -> bool:
    return bool(find_all(body, cst.Raise))


_EMPTY_MODULE = cst.Module(body=())


def _code(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


# --- the common rule base ------------------------------------------------------------------


_NO_PARENS = r"[^()]"
_PARAMS = rf"(?:{_NO_PARENS}|\((?:{_NO_PARENS}|\((?:{_NO_PARENS}|\({_NO_PARENS}*\))*\))*\))*?"


class KwargsRule(Rule):
    """Visits every public function with a `**` parameter that is not annotated
    `Unpack[TypedDict]`, knowing its qualified name, the names its scopes bind and the
    classes of the module."""

    # A `def` whose parameters include `**`: `**` alone occurs in most lines of most
    # files (calls, powers), a `**name` parameter in few. Parentheses nested three deep
    # in defaults (`x=f(g(h()))`) are followed; brackets need no following.
    triggers = (re.compile(rf"def\s+\w+\s*\({_PARAMS}\*\*"),)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.module: cst.Module = _EMPTY_MODULE
        self.classes = ClassTable()
        self.scopes: list[cst.FunctionDef | cst.ClassDef] = []
        self._bound: dict[cst.FunctionDef, frozenset[str]] = {}

    def strings(self, name: str) -> tuple[str, ...]:
        value: OptionValue | None = self.options.get(name)
        return value if isinstance(value, tuple) else ()

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node
        self.classes = ClassTable.of(node)
        self.prepare(node)

    def prepare(self, module: cst.Module) -> None:
        """Per-module setup for subclasses."""

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.finish_class(original_node)
        self.scopes.pop()

    def finish_class(self, node: cst.ClassDef) -> None:
        """Called once the class's methods have all been checked (it is still in scopes)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        param = node.params.star_kwarg
        self.scopes.append(node)
        if (
            isinstance(param, cst.Param)
            and is_public(node.name.value)
            and not is_unpack_annotated(param)
        ):
            self.check(node, param, self.qualname(), self.shadowed())
        # stays in scopes until leave_FunctionDef, so nested functions see it

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def shadowed(self, extra: cst.FunctionDef | None = None) -> LazyNames:
        """Names bound in the enclosing functions (and `extra`)."""
        functions = [s for s in self.scopes if isinstance(s, cst.FunctionDef)]
        if extra is not None:
            functions.append(extra)
        return LazyNames(lambda: frozenset().union(*map(self._bound_in, functions)))

    def _bound_in(self, function: cst.FunctionDef) -> frozenset[str]:
        if function not in self._bound:
            self._bound[function] = bound_names(function)
        return self._bound[function]

    def enclosing_class(self, *, directly: bool) -> cst.ClassDef | None:
        """The class the current function is a method of (`directly`), or is nested in."""
        if directly:
            outer = self.scopes[-2] if len(self.scopes) >= 2 else None
            return outer if isinstance(outer, cst.ClassDef) else None
        classes = [s for s in self.scopes if isinstance(s, cst.ClassDef)]
        return classes[-1] if classes else None

    def qualname(self, *extra: str) -> str:
        """As Python's `__qualname__`: `Cls.method`, `outer.<locals>.inner`."""
        parts = [s.name.value for s in self.scopes]
        for i, scope in enumerate(self.scopes[:-1]):
            if isinstance(scope, cst.FunctionDef):
                parts[i] += ".<locals>"
        if extra and self.scopes and isinstance(self.scopes[-1], cst.FunctionDef):
            parts[-1] += ".<locals>"
        return ".".join([*parts, *extra])

    def check(
        self,
        function: cst.FunctionDef,
        param: cst.Param,
        qualname: str,
        shadowed: LazyNames,
    ) -> None:
        raise NotImplementedError
