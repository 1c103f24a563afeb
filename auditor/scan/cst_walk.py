"""A read-only batched traversal of a LibCST tree, several times faster than
`libcst.visit_batched`.

LibCST's `visit` rebuilds every node it passes, even for visitors that change nothing
(each `_visit_and_replace_children` constructs a new node): that doubles the cost of a
parse. Rules only read, so this walk reads the children's fields in place, in the order
LibCST's own `_visit_and_replace_children` visits them (read once per node class from
LibCST's source), and calls the same `visit_<Node>` and `leave_<Node>` methods with the
original nodes. Visitors with attribute methods (`visit_<Node>_<field>`) are left to
LibCST.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache

import libcst as cst
from libcst import MaybeSentinel
from libcst.metadata import ParentNodeProvider
from libcst.metadata import wrapper as metadata_wrapper

Method = Callable[[cst.CSTNode], object]
N = typing.TypeVar("N", bound=cst.CSTNode)
# `visit_required(self, "name", self.name, visitor)` and its siblings, in source order.
_FIELD = re.compile(r"(visit_\w+)\(\s*self\s*,\s*[\"'](\w+)[\"']")


@cache
def child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields holding the children of `kind`'s nodes, in LibCST's visiting order."""
    return tuple(_field_helpers(kind))


@cache
def _field_helpers(kind: type[cst.CSTNode]) -> dict[str, str]:
    """Each child field of `kind`, in visiting order, with the `visit_*` helper LibCST
    visits it with."""
    method = kind._visit_and_replace_children
    if method is cst.CSTNode._visit_and_replace_children:
        return {}
    try:
        source = inspect.getsource(method)
    except (OSError, TypeError):
        raise LookupError(f"no source for {kind.__name__}._visit_and_replace_children") from None
    helpers: dict[str, str] = {}
    for helper, name in _FIELD.findall(source):
        helpers.setdefault(name, helper)
    return helpers


# Whitespace, comments, brackets, separators and operators: most of a tree's nodes, and
# nodes rules rarely visit. Fields holding only these are skipped unless some visitor has
# a method for one of them.
TRIVIA: tuple[type[cst.CSTNode], ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Semicolon,
    cst.Colon,
    cst.Dot,
    cst.AssignEqual,
    cst.ImportStar,
    cst.Asynchronous,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)


@cache
def available() -> bool:
    """Whether LibCST's sources can be read (they can, unless installed as bytecode only):
    without them, everything here falls back to LibCST's own, slower, traversals."""
    try:
        _field_helpers(cst.Module)
    except LookupError:
        return False
    return True


def _node_classes(hint: object) -> Iterator[type]:
    if isinstance(hint, type):
        if issubclass(hint, cst.CSTNode):
            yield hint
        return
    for arg in typing.get_args(hint):
        yield from _node_classes(arg)


@cache
def content_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """`child_fields` without those that can only hold trivia."""
    hints = typing.get_type_hints(kind)
    return tuple(name for name in child_fields(kind) if not _only_trivia(hints.get(name)))


def _only_trivia(hint: object) -> bool:
    classes = list(_node_classes(hint))
    return bool(classes) and all(issubclass(c, TRIVIA) for c in classes)


def _is_trivia_name(name: str) -> bool:
    kind = getattr(cst, name, None)
    return isinstance(kind, type) and issubclass(kind, TRIVIA)


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node.children`, without rebuilding `node`."""
    if not available():
        return list(node.children)
    found: list[cst.CSTNode] = []
    _add_children(found, node, child_fields(type(node)))
    return found


def _add_children(found: list[cst.CSTNode], node: cst.CSTNode, fields: Iterable[str]) -> None:
    # A child field holds a node, a sequence of nodes, None or MaybeSentinel (what LibCST's
    # visit_required / _optional / _sentinel / _sequence take): no isinstance against
    # CSTNode, an ABC, whose checks cost a Python call each.
    for name in fields:
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            found.extend(value)
        elif value is not None and kind is not MaybeSentinel:
            found.append(value)


def content_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`children` without trivia (whitespace, brackets, separators, operators)."""
    if not available():
        return list(node.children)
    found: list[cst.CSTNode] = []
    _add_children(found, node, content_fields(type(node)))
    return found


def has_attribute_methods(methods: Iterable[str]) -> bool:
    return any("_" in name.partition("_")[2] for name in methods)


_DEFAULT_GET_VISITORS = cst.BatchableCSTVisitor.get_visitors
_METHOD_NAMES: dict[type, tuple[str, ...]] = {}


def _visitors(visitor: cst.BatchableCSTVisitor) -> Mapping[str, Method]:
    """`get_visitors()`, with the method names LibCST's default finds (`inspect.getmembers`
    on every call, a tenth of a small module's scope analysis) worked out once a class."""
    cls = type(visitor)
    if cls.get_visitors is not _DEFAULT_GET_VISITORS:
        return visitor.get_visitors()
    names = _METHOD_NAMES.get(cls)
    if names is None:
        names = _METHOD_NAMES[cls] = tuple(visitor.get_visitors())
    return {name: getattr(visitor, name) for name in names}


def walk_batched(module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Calls every visitor's `visit_<Node>` methods in pre-order and `leave_<Node>` methods
    in post-order, as `libcst.visit_batched` does (their return values are ignored)."""
    methods: dict[str, list[Method]] = {}
    for visitor in visitors:
        for name, method in _visitors(visitor).items():
            methods.setdefault(name, []).append(method)
    if has_attribute_methods(methods) or not available():
        cst.visit_batched(module, visitors)
        return
    if set(methods) <= {"visit_Module", "leave_Module"}:
        # Metadata providers that run their own visitor from visit_Module (scope, parents,
        # expression context): nothing else to call, no tree to walk.
        for method in (*methods.get("visit_Module", ()), *methods.get("leave_Module", ())):
            method(module)
        return
    fields_of = (
        child_fields
        if any(_is_trivia_name(name.partition("_")[2]) for name in methods)
        else content_fields
    )
    dispatch: dict[type[cst.CSTNode], tuple[tuple[Method, ...], tuple[Method, ...]]] = {}

    def handlers(kind: type[cst.CSTNode]) -> tuple[tuple[Method, ...], tuple[Method, ...]]:
        found = dispatch.get(kind)
        if found is None:
            name = kind.__name__
            found = (
                tuple(methods.get(f"visit_{name}", ())),
                tuple(methods.get(f"leave_{name}", ())),
            )
            dispatch[kind] = found
        return found

    # Iterative, with an explicit stack: deep trees must not exhaust Python's. A node is
    # pushed back under a None marker so that its leave methods run after its children.
    stack: list[cst.CSTNode | None] = [module]
    while stack:
        item = stack.pop()
        if item is None:
            node = typing.cast(cst.CSTNode, stack.pop())
            for after in handlers(type(node))[1]:
                after(node)
            continue
        kind = type(item)
        enter, leave = handlers(kind)
        for before in enter:
            before(item)
        if leave:
            stack.append(item)
            stack.append(None)
        start = len(stack)
        _add_children(stack, item, fields_of(kind))  # type: ignore[arg-type]
        stack[start:] = stack[start:][::-1]  # children popped in order


def parents(module: cst.Module) -> dict[cst.CSTNode, cst.CSTNode]:
    """Each node's parent: what `ParentNodeProvider` computes, with one walk that does not
    rebuild nodes (the provider rebuilds every node twice)."""
    found: dict[cst.CSTNode, cst.CSTNode] = {}
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        for child in children(node):
            found[child] = node
            pending.append(child)
    return found


def provide_parents(wrapper: cst.MetadataWrapper, dependencies: Iterable[object]) -> None:
    """Give `wrapper` its ParentNodeProvider metadata from `parents` when some rule needs
    it (directly or through another provider). LibCST computes only what is missing from
    the wrapper's metadata; should its internals change, it computes this itself."""
    needed = set()
    todo = list(dependencies)
    while todo:
        provider = todo.pop()
        if provider not in needed:
            needed.add(provider)
            todo.extend(getattr(provider, "METADATA_DEPENDENCIES", ()))
    metadata = getattr(wrapper, "_metadata", None)
    if ParentNodeProvider in needed and isinstance(metadata, dict):
        metadata[ParentNodeProvider] = parents(wrapper.module)


def find_all(node: cst.CSTNode, kind: type[N], where: Callable[[N], bool] | None = None) -> list[N]:
    """The nodes of type `kind` in `node`'s subtree (itself included) for which `where`
    holds, in pre-order: `libcst.matchers.findall` without importing the matchers (a fifth
    of a second) and without rebuilding the tree. Trivia (whitespace, brackets, operators)
    are not searched."""
    found: list[N] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, kind) and (where is None or where(current)):
            found.append(current)
        start = len(pending)
        pending.extend(content_children(current))
        pending[start:] = pending[start:][::-1]
    return found


_LIBCST_VISIT = cst.CSTNode.visit
_LIBCST_VISIT_BATCHED = metadata_wrapper.visit_batched  # type: ignore[attr-defined]


def _read_only_visit(self: cst.CSTNode, visitor: typing.Any) -> typing.Any:
    """`CSTNode.visit` for read-only visitors (`CSTVisitor`, which LibCST's metadata
    providers and the rules' helpers are): the same calls in the same order, but the node
    is not rebuilt, since a `CSTVisitor`'s visit returns the original node anyway.
    Transformers go through LibCST's own visit."""
    read_only = _READ_ONLY.get(type(visitor))
    if read_only is None:
        read_only = _READ_ONLY[type(visitor)] = isinstance(visitor, cst.CSTVisitor)
    if not read_only:
        return _LIBCST_VISIT(self, visitor)
    if visitor.on_visit(self):
        for name, helper in _field_helpers(type(self)).items():
            value = getattr(self, name)
            if value is None and helper != "visit_optional":
                continue  # a sequence LibCST visits only when present (`format_spec`)
            visitor.on_visit_attribute(self, name)
            kind = type(value)
            if kind is tuple or kind is list:
                for child in value:
                    child.visit(visitor)
            elif value is not None and kind is not MaybeSentinel:
                value.visit(visitor)
            visitor.on_leave_attribute(self, name)
    visitor.on_leave(self)
    return self


_READ_ONLY: dict[type, bool] = {}


def _provider_walk(
    module: cst.CSTNode,
    visitors: Iterable[cst.BatchableCSTVisitor],
    before_visit: object = None,
    after_leave: object = None,
) -> cst.CSTNode:
    """What MetadataWrapper runs batchable metadata providers with, as `walk_batched`."""
    if before_visit is not None or after_leave is not None or not isinstance(module, cst.Module):
        return _LIBCST_VISIT_BATCHED(module, visitors, before_visit, after_leave)  # type: ignore[arg-type]
    walk_batched(module, list(visitors))
    return module


@contextlib.contextmanager
def read_only_visits() -> Iterator[None]:
    """While active, `CSTVisitor`s visit without rebuilding nodes (see `_read_only_visit`),
    and metadata providers are run by `walk_batched`: LibCST's scope analysis no longer
    walks the tree twice (once to call the provider's visit_Module, once in it), and the
    rules' own sub-walks run faster."""
    if not available():
        yield
        return
    cst.CSTNode.visit = _read_only_visit  # type: ignore[method-assign]
    metadata_wrapper.visit_batched = _provider_walk  # type: ignore[attr-defined,assignment]
    try:
        yield
    finally:
        cst.CSTNode.visit = _LIBCST_VISIT  # type: ignore[method-assign]
        metadata_wrapper.visit_batched = _LIBCST_VISIT_BATCHED  # type: ignore[attr-defined]
