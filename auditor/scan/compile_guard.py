"""Whether CPython's compiler could refuse a tree its parser accepted: the test that spares
a scanned file the compiler's pass in all but a few cases.

CPython's verdict on a file is its parser's and then its compiler's, which refuses more:
`return` outside a function, `break` outside a loop, `await` outside `async def`, a
starred expression where none can go, a keyword argument given twice, `global` after a
use of the name, patterns that bind a name twice, `from __future__` anywhere but at the
top, `__debug__` assigned, nesting too deep. Compiling a tree to learn that costs half
its parse. `might_refuse` answers instead from the index the rules read anyway
(`auditor.scan.ast_index`): never "no" where the compiler says no, and "maybe" only where
a construct the compiler checks appears in a form it could refuse; the caller compiles
then, and the compiler decides. Constructs whose rules are many and rarely written
(`global`, `nonlocal`, `match`, `except*`, type parameters, async comprehensions, `:=`
inside a comprehension) always send the file to the compiler.

Where each construct belongs is read from positions: a `return` belongs to the innermost
function, class or lambda body whose span holds it (a default, decorator or annotation
lies before the body, in the enclosing scope, as the compiler has it), a `break` to the
innermost loop body or function. `tests/test_compile_guard.py` holds the guarantee against
every snippet of CPython's own tests that its parser accepts and its compiler refuses.
"""

from __future__ import annotations
import __future__

import ast
import re
from collections.abc import Iterable, Sequence

from auditor.scan.ast_index import AstIndex

# A tree deeper than this goes to the compiler, whose recursion limits (a few thousand
# levels, by version and by the stack it starts on) refuse `1 + 1 + ...` of 5,000 terms.
MAX_DEPTH = 100
# The compiler refuses a code object whose blocks (loops, `try`, `with`) nest 20 deep; a
# statement costs it at most three (`try` with handlers and `finally`).
MAX_BLOCK_WEIGHT = 17
# An escape for a lone surrogate in a string: from 3.13 the compiler cannot encode it.
_SURROGATE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_FEATURES = frozenset(__future__.all_feature_names)
# Node classes that send a file to the compiler whenever they appear (some only exist
# in newer Pythons: absent, they cannot appear).
_ALWAYS = tuple(
    cls
    for cls in (
        getattr(ast, name, None)
        for name in (
            *("Global", "Nonlocal", "Match", "TryStar", "TypeAlias"),
            *("TypeVar", "ParamSpec", "TypeVarTuple"),  # a type parameter, of a def or class
        )
    )
    if isinstance(cls, type)
)
_LOAD = ast.Load()  # a set display has no context: it is read
# Blocks of statements the compiler counts, with what each costs it at most.
_BLOCKS: tuple[tuple[type[ast.stmt], int], ...] = ((ast.With, 1), (ast.AsyncWith, 2), (ast.Try, 3))

# What a span of the tree is, for the statements and expressions inside it.
_LOOP, _BLOCK, _DEF, _ASYNC, _LAMBDA, _CLASS, _COMP, _ANNOTATION = range(8)
_NESTED = (_LOOP, _BLOCK, _COMP, _ANNOTATION)  # spans whose blocks add to those around
# What the compiler requires of the innermost scope around each of these.
_SCOPED = (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFor, ast.AsyncWith)


def might_refuse(index: AstIndex, text: str) -> bool:
    """False only if CPython's compiler accepts the tree `index` holds, whose text is
    `text`; True when it might not."""
    if "__debug__" in text or not _encodable(text) or _SURROGATE.search(text):
        return True
    if index.depth() > MAX_DEPTH:
        return True
    nodes = index.nodes
    if any(nodes(cls) for cls in _ALWAYS):
        return True
    if any(g.is_async for c in _comprehensions(index) for g in c.generators):
        return True
    return (
        _repeated_arguments(index)
        or _repeated_keywords(index)
        or _misplaced_starred(index)
        or _default_except_not_last(index)
        or _future_imports(index)
        or _out_of_place(index)
    )


def _encodable(text: str) -> bool:
    """A lone surrogate (a text decoded with `surrogateescape`) is refused from 3.13."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_Def = ast.FunctionDef | ast.AsyncFunctionDef
_Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp


def _defs(index: AstIndex) -> list[_Def]:
    found: list[_Def] = [*index.nodes(ast.FunctionDef), *index.nodes(ast.AsyncFunctionDef)]
    return found


def _comprehensions(index: AstIndex) -> list[_Comprehension]:
    nodes = index.nodes
    found: list[_Comprehension] = [
        *nodes(ast.ListComp),
        *nodes(ast.SetComp),
        *nodes(ast.DictComp),
        *nodes(ast.GeneratorExp),
    ]
    return found


def _repeated_arguments(index: AstIndex) -> bool:
    functions: list[_Def | ast.Lambda] = [*_defs(index), *index.nodes(ast.Lambda)]
    for node in functions:
        args = node.args
        named = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        if args.vararg is not None:
            named.append(args.vararg)
        if args.kwarg is not None:
            named.append(args.kwarg)
        if len(named) > 1 and len({a.arg for a in named}) < len(named):
            return True
    return False


def _repeated_keywords(index: AstIndex) -> bool:
    owners: list[ast.Call | ast.ClassDef] = [*index.nodes(ast.Call), *index.nodes(ast.ClassDef)]
    for node in owners:
        keywords = node.keywords
        if len(keywords) > 1:
            names = [k.arg for k in keywords if k.arg is not None]
            if len(set(names)) < len(names):
                return True
    return False


def _misplaced_starred(index: AstIndex) -> bool:
    """A starred expression goes in a call's arguments or a list, tuple or set display,
    and at most once, among fewer than 256 names, in a target."""
    starred = index.nodes(ast.Starred)
    if not starred:
        return False
    placed: set[int] = set()
    for call in index.nodes(ast.Call):
        placed.update(id(a) for a in call.args if type(a) is ast.Starred)
    displays: list[ast.List | ast.Tuple | ast.Set] = [
        *index.nodes(ast.List),
        *index.nodes(ast.Tuple),
        *index.nodes(ast.Set),
    ]
    for display in displays:
        inside = [id(e) for e in display.elts if type(e) is ast.Starred]
        if not inside:
            continue
        if type(getattr(display, "ctx", _LOAD)) is not ast.Load and (
            len(inside) > 1 or len(display.elts) >= 256
        ):
            return True
        placed.update(inside)
    return any(id(s) not in placed or type(s.ctx) is ast.Del for s in starred)


def _default_except_not_last(index: AstIndex) -> bool:
    return any(h.type is None for node in index.nodes(ast.Try) for h in node.handlers[:-1])


def _future_imports(index: AstIndex) -> bool:
    """`from __future__` only at the top of the module (after its docstring), and only of
    features this Python knows."""
    imports = [n for n in index.nodes(ast.ImportFrom) if n.module == "__future__"]
    if not imports:
        return False
    allowed: set[int] = set()
    for position, statement in enumerate(index.tree.body):
        if position == 0 and _is_docstring(statement):
            continue
        if type(statement) is not ast.ImportFrom or statement.module != "__future__":
            break
        allowed.add(id(statement))
    return any(
        id(n) not in allowed or n.level or any(a.name not in _FEATURES for a in n.names)
        for n in imports
    )


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        type(statement) is ast.Expr
        and type(statement.value) is ast.Constant
        and isinstance(statement.value.value, str)
    )


_Span = tuple[tuple[int, int], tuple[int, int], int, int]  # start, end, kind, block weight


def _start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]


def _body(body: Sequence[ast.stmt]) -> tuple[tuple[int, int], tuple[int, int]]:
    """A body's span: from its first statement's first decorator, which the body's scope
    evaluates (a def's own node starts at `def`, below its decorators)."""
    first = body[0]
    decorators = getattr(first, "decorator_list", None)
    return _start(decorators[0] if decorators else first), _end(body[-1])


def _spans(index: AstIndex) -> Iterable[_Span]:
    nodes = index.nodes
    for function in _defs(index):
        kind = _ASYNC if type(function) is ast.AsyncFunctionDef else _DEF
        yield (*_body(function.body), kind, 0)
    for definition in nodes(ast.ClassDef):
        yield (*_body(definition.body), _CLASS, 0)
    for lambda_ in nodes(ast.Lambda):
        yield _start(lambda_.body), _end(lambda_.body), _LAMBDA, 0
    loops: list[ast.For | ast.While | ast.AsyncFor] = [
        *nodes(ast.For),
        *nodes(ast.While),
        *nodes(ast.AsyncFor),
    ]
    for loop in loops:
        yield (*_body(loop.body), _LOOP, 2 if type(loop) is ast.AsyncFor else 1)
    for cls, weight in _BLOCKS:
        for block in nodes(cls):
            yield _start(block), _end(block), _BLOCK, weight
    for comprehension in _comprehensions(index):
        yield _start(comprehension), _end(comprehension), _COMP, 1
    if any(nodes(cls) for cls in _UNANNOTATED):
        for annotation in _annotations(index):
            yield _start(annotation), _end(annotation), _ANNOTATION, 0


# What an annotation may not hold (the compiler says so from 3.12, or under
# `from __future__ import annotations`).
_UNANNOTATED = (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr)


def _annotations(index: AstIndex) -> Iterable[ast.expr]:
    for node in index.nodes(ast.arg):
        if node.annotation is not None:
            yield node.annotation
    for function in _defs(index):
        if function.returns is not None:
            yield function.returns
    for assignment in index.nodes(ast.AnnAssign):
        yield assignment.annotation


def _targets(index: AstIndex) -> Iterable[tuple[tuple[int, int], ast.AST]]:
    nodes = index.nodes
    for cls in (*_SCOPED, ast.Break, ast.Continue, ast.NamedExpr):
        for node in nodes(cls):
            yield _start(node), node
    for node in nodes(ast.ImportFrom):
        if node.names[0].name == "*":
            yield _start(node), node


def _out_of_place(index: AstIndex) -> bool:
    """Whether a statement or expression the compiler places may be out of its place, or
    blocks nest too deep: one sweep over the spans and the nodes, in the text's order."""
    targets = sorted(_targets(index), key=lambda t: t[0])
    spans = sorted(_spans(index), key=lambda s: (s[0], (-s[1][0], -s[1][1])))
    # The spans open around the point reached: (end, kind, weight so far, id).
    stack: list[tuple[tuple[int, int], int, int, int]] = []
    yields: set[int] = set()  # async functions (by id) with a `yield` of their own
    returns: set[int] = set()  # async functions (by id) that return a value
    at = 0
    for position, node in targets:
        while at < len(spans) and spans[at][0] <= position:
            if _open(stack, spans[at], at):
                return True
            at += 1
        while stack and stack[-1][0] <= position:
            stack.pop()
        if _refused_here(node, stack, yields, returns):
            return True
    while at < len(spans):  # the blocks after the last target still count
        if _open(stack, spans[at], at):
            return True
        at += 1
    return bool(yields & returns)


def _open(stack: list[tuple[tuple[int, int], int, int, int]], span: _Span, at: int) -> bool:
    """Push a span; whether its blocks nest too deep."""
    start, end, kind, weight = span
    while stack and stack[-1][0] <= start:
        stack.pop()
    if kind in _NESTED:
        weight += stack[-1][2] if stack and stack[-1][1] in _NESTED else 0
    stack.append((end, kind, weight, at))
    return weight > MAX_BLOCK_WEIGHT


def _refused_here(
    node: ast.AST,
    stack: list[tuple[tuple[int, int], int, int, int]],
    yields: set[int],
    returns: set[int],
) -> bool:
    kind = type(node)
    if kind is ast.Break or kind is ast.Continue:
        scope = next((s for s in reversed(stack) if s[1] != _BLOCK), None)
        return scope is None or scope[1] != _LOOP
    if kind is ast.NamedExpr:
        return any(s[1] in (_COMP, _ANNOTATION) for s in stack)
    scope = next((s for s in reversed(stack) if s[1] not in (_LOOP, _BLOCK)), None)
    if kind is ast.ImportFrom:
        return scope is not None
    if scope is None:
        return True
    if kind is ast.Return:
        if scope[1] == _ASYNC and node.value is not None:  # type: ignore[attr-defined]
            returns.add(scope[3])
        return scope[1] not in (_DEF, _ASYNC)
    if kind is ast.Yield:
        if scope[1] == _ASYNC:
            yields.add(scope[3])
        return scope[1] not in (_DEF, _ASYNC, _LAMBDA)
    if kind is ast.YieldFrom:
        return scope[1] not in (_DEF, _LAMBDA)
    return scope[1] != _ASYNC  # await, async for, async with
