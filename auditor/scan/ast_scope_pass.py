"""The one pass over an `ast` tree that `ast_scope.Scopes` answers from, and the scope of
any node from its parents.

The pass visits nodes in LibCST's order where the order can matter, which is within one
scope: a read sees the bindings its scope made before it, counted as LibCST counts them
(an index that grows when an assignment-like statement or expression ends). It is a loop
over an explicit stack, not a recursive visitor: deep expressions (a long `+` chain) must
not reach the recursion limit, and a call per node would cost more than the parse.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, Final

from auditor.scan.ast_fields import field_table
from auditor.scan.ast_scope_types import Assignment, Owner, Scope, ScopeKind, Source, Tables


class _Enter:
    """Marks where the pass moves into a scope (or back out of one)."""

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class _Statement:
    """Marks where an `except` handler or a `case` starts: its bindings belong to the
    `try` or `match` statement, which the pass has long left by then."""

    __slots__ = ("statement",)

    def __init__(self, statement: ast.stmt) -> None:
        self.statement = statement


class _Count:
    """Marks the end of an assignment-like node: the scope's index grows."""


_COUNT: Final = _Count()
_STATEMENT_TYPES = frozenset(
    c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.stmt)
)
# Per node type, the fields to visit, last first (the stack pops the first field first):
# the fields that hold nodes (auditor.scan.ast_fields), but for the module's type-ignore
# comments, an import's aliases (bound by the pass itself, and never given a parent) and
# a `type X = ...` alias's name (bound by the pass itself).
_FIELDS: dict[type, tuple[str, ...]] = {
    c: tuple(reversed([f for f in fields if f not in ("type_ignores", "names", "name")]))
    for c, fields in field_table().items()
}
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_COUNTED = (ast.Assign, ast.AugAssign, ast.AnnAssign)
# Type parameters (PEP 695) get no scope of their own: their names stay unbound.
_TYPE_ALIAS: type | None = getattr(ast, "TypeAlias", None)


def build(scopes: Owner) -> Tables:
    tree = scopes.tree
    top = Scope(scopes, "global", tree, None)
    tables = Tables(top)
    names = tables.names
    stars: list[str] = []
    # Any: the loop tells a node's type by `type(node) is`, faster than isinstance
    stack: list[Any] = list(reversed(tree.body))
    push, extend, pop = stack.append, stack.extend, stack.pop
    current = top
    statement: ast.stmt | None = None
    name_type, store_type, generic_of = ast.Name, ast.Store, _GENERIC.get  # locals: faster

    def bind(
        scope: Scope, name: str, node: ast.AST, stmt: ast.stmt | None, kind: Source = "local"
    ) -> None:
        overwrites = scope._overwrites
        while overwrites is not None and name in overwrites:
            target = top if overwrites[name] else scope.parent
            assert target is not None
            while target.kind == "class" and target.parent is not None:
                target = target.parent
            scope, overwrites = target, target._overwrites
        assignment = Assignment(name, node, scope, kind, stmt, scope._count)
        bound = scope.assignments
        assert isinstance(bound, dict)
        if name in bound:
            bound[name].append(assignment)
        else:
            bound[name] = [assignment]

    def new_scope(kind: ScopeKind, node: ast.AST, parent: Scope, name: str | None = None) -> Scope:
        scope = Scope(scopes, kind, node, parent, name)
        tables.scopes[node] = scope
        return scope

    def arguments(args: ast.arguments, scope: Scope, stmt: ast.stmt | None) -> list[ast.AST]:
        """Binds the parameters in `scope`; returns what is read in the scope around."""
        outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d)]
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None:
                bind(scope, arg.arg, arg, stmt)
                if arg.annotation is not None:
                    outer.append(arg.annotation)
        return outer

    while stack:
        node = pop()
        kind = type(node)
        if kind is name_type:
            names[node] = (current, current._count)
            if type(node.ctx) is store_type:
                bind(current, node.id, node, statement)
            continue
        generic = generic_of(kind)
        if generic is not None:
            role, fields = generic
            if role:
                statement = node
                if role == 2:
                    push(_COUNT)
            for field in fields:
                value = getattr(node, field)
                if type(value) is list:
                    extend(reversed(value))
                elif value is not None:
                    push(value)
            continue
        if kind is _Count:
            current._count += 1
        elif kind is _Enter:
            current = node.scope
        elif kind is _Statement:
            statement = node.statement
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            statement = node
            bind(current, node.name, node, node)
            inner = new_scope("function", node, current, node.name)
            extend((_COUNT, _Enter(current), *reversed(node.body), _COUNT, _Enter(inner)))
            extend(arguments(node.args, inner, node))
            extend(node.decorator_list)
            if node.returns is not None:
                push(node.returns)
        elif kind is ast.Lambda:
            inner = new_scope("function", node, current)
            extend((_Enter(current), node.body, _COUNT, _Enter(inner)))
            extend(arguments(node.args, inner, statement))
        elif kind is ast.ClassDef:
            statement = node
            bind(current, node.name, node, node)
            inner = new_scope("class", node, current, node.name)
            extend((_COUNT, _Enter(current), *reversed(node.body), _Enter(inner)))
            extend(reversed([k.value for k in node.keywords]))
            extend(reversed(node.bases))
            extend(reversed(node.decorator_list))
        elif kind in _COMPREHENSIONS:
            _comprehension(node, current, new_scope("comprehension", node, current), push)
        elif kind is ast.Import or kind is ast.ImportFrom:
            statement = node
            module = None
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    stars.append(module or "")
                elif alias.asname is not None:
                    bind(current, alias.asname, alias, node, "import")
                else:
                    # `import a.b.c` binds "a.b.c", "a.b" and "a", as in LibCST
                    dotted = alias.name
                    while dotted:
                        tables.dotted |= "." in dotted
                        bind(current, dotted, alias, node, "import")
                        dotted = dotted.rpartition(".")[0]
            current._count += 1
        elif kind is ast.Global or kind is ast.Nonlocal:
            statement = node
            if current.parent is not None:
                overwrites = current._overwrites
                if overwrites is None:
                    overwrites = current._overwrites = {}
                overwrites.update(dict.fromkeys(node.names, kind is ast.Global))
            current._count += 1
        elif kind is ast.For or kind is ast.AsyncFor:
            statement = node
            extend((*reversed(node.orelse), *reversed(node.body), node.iter, _COUNT, node.target))
        elif kind is ast.withitem:
            push(_COUNT)
            if node.optional_vars is not None:
                push(node.optional_vars)
            push(node.context_expr)
        elif kind is ast.Try or kind is ast.TryStar:
            statement = node
            extend(reversed(node.finalbody))
            extend(reversed(node.orelse))
            for handler in reversed(node.handlers):
                extend((handler, _Statement(node)))
            extend(reversed(node.body))
        elif kind is ast.ExceptHandler:
            if node.name is not None:
                bind(current, node.name, node, statement)
                extend(reversed(node.body))
                push(_COUNT)
            else:
                extend(reversed(node.body))
            if node.type is not None:
                push(node.type)
        elif kind is ast.NamedExpr:
            _walrus(node, current, statement, bind, push, names)
        elif kind is ast.Match:
            statement = node
            for case in reversed(node.cases):
                extend((*reversed(case.body), case.guard, _COUNT, case.pattern, _Statement(node)))
            push(node.subject)
        elif kind is ast.MatchAs or kind is ast.MatchStar or kind is ast.MatchMapping:
            bound = node.rest if isinstance(node, ast.MatchMapping) else node.name
            if bound is not None:
                bind(current, bound, node, statement)
            for field in _FIELDS[kind]:
                value = getattr(node, field)
                if type(value) is list:
                    extend(reversed(value))
                elif value is not None:
                    push(value)
        elif kind is _TYPE_ALIAS:  # Python 3.12's `type X = ...`
            statement = node
            names[node.name] = (current, current._count)
            bind(current, node.name.id, node.name, node)
            extend((_COUNT, node.value))
    tables.star_imports = tuple(stars)
    return tables


_SPECIAL = frozenset(
    {ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, *_COMPREHENSIONS}
    | {ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.For, ast.AsyncFor}
    | {ast.withitem, ast.Try, ast.TryStar, ast.ExceptHandler, ast.NamedExpr, ast.Match}
    | {ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.Name, _TYPE_ALIAS}
)
# The nodes the pass just descends into: (0, an expression or other part; 1, a statement;
# 2, a statement whose end counts, as an assignment's), and their fields.
_GENERIC: dict[type, tuple[int, tuple[str, ...]]] = {
    kind: (2 if kind in _COUNTED else 1 if kind in _STATEMENT_TYPES else 0, fields)
    for kind, fields in _FIELDS.items()
    if kind not in _SPECIAL
}


def _comprehension(
    node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
    outer: Scope,
    inner: Scope,
    push: Callable[[object], None],
) -> None:
    """LibCST's order: the first iterable in the scope around; then, inside, the first
    target, the index grows, its conditions, the other loops whole, the element."""
    first, *others = node.generators
    push(_Enter(outer))
    elements = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
    for element in reversed(elements):
        push(element)
    for _ in others:
        push(_COUNT)
    for loop in reversed(others):
        for condition in reversed(loop.ifs):
            push(condition)
        push(loop.iter)
        push(loop.target)
    for condition in reversed(first.ifs):
        push(condition)
    push(_COUNT)
    push(first.target)
    push(_Enter(inner))
    push(first.iter)


def _walrus(
    node: ast.NamedExpr,
    current: Scope,
    statement: ast.stmt | None,
    bind: Callable[[Scope, str, ast.AST, ast.stmt | None], None],
    push: Callable[[object], None],
    names: dict[ast.Name, tuple[Scope, int]],
) -> None:
    """`(x := v)` binds x where it is, except in a comprehension: there it binds in the
    first scope around that is not one (Python's rule; LibCST binds in the comprehension)."""
    target = node.target
    scope = current
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    names[target] = (current, current._count)
    bind(scope, target.id, target, statement)
    if scope is not current:
        scope._count += 1  # seen by what the scope reads after the comprehension
    push(_COUNT)
    push(node.value)


def enclosing_scope(scopes: Owner, tables: Tables, node: ast.AST) -> Scope:
    """The scope of any node, found by climbing its parents to a scope's node that it is
    inside of; a default, a parameter's annotation and a comprehension's first iterable
    are read where the def or the comprehension is."""
    child, parent = node, scopes.parent(node)
    while parent is not None:
        jump = None
        if isinstance(parent, ast.arguments) and _is_default(parent, child):
            jump = scopes.parent(parent)
        elif isinstance(parent, ast.arg) and child is parent.annotation:
            jump = scopes.parent(scopes.parent(parent) or parent)
        elif isinstance(parent, ast.comprehension) and child is parent.iter:
            around = scopes.parent(parent)
            if isinstance(around, _COMPREHENSIONS) and around.generators[0] is parent:
                jump = around
        if jump is not None:
            child = jump
        else:
            scope = tables.scopes.get(parent)
            if scope is not None and _inside(parent, child):
                return scope
            child = parent
        parent = scopes.parent(child)
    return tables.global_scope


def _is_default(args: ast.arguments, child: ast.AST) -> bool:
    return any(child is d for d in (*args.defaults, *args.kw_defaults))


def _inside(scope_node: ast.AST, child: ast.AST) -> bool:
    """Whether `child` of a scope's node is read in that scope (defaults, annotations and
    first iterables are jumped over before)."""
    if isinstance(scope_node, ast.FunctionDef | ast.AsyncFunctionDef):
        return child is not scope_node.returns and not any(
            child is d for d in scope_node.decorator_list
        )
    if isinstance(scope_node, ast.ClassDef):
        return any(child is s for s in scope_node.body)
    return True  # the module, a lambda, a comprehension
