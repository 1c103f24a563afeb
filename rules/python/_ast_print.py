"""What a `print` call is, read on CPython's `ast` (no LibCST: most files never need it):
the options' levels, where a print belongs (a main guard, the allowed files), and why a
print has no fix, as `_print_call` says it on LibCST's tree."""

from __future__ import annotations

import ast
import io
import itertools
import tokenize
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from auditor.plugins import OptionValue, RuleContext, globs

if TYPE_CHECKING:
    from auditor.plugins import Scopes

TEST_FILES = ("test_*.py", "*_test.py", "conftest.py", "tests/")
LEVELS = ("debug", "info", "warning", "error", "critical")
PRINT_KEYWORDS = frozenset({"sep", "end", "file", "flush"})

# The source of a node as LibCST's code of it: with the parentheses around it.
Code = Callable[[ast.AST], str]


def level_option(options: Mapping[str, OptionValue], key: str) -> str:
    value = options[key]
    if value not in LEVELS:
        raise ValueError(f"option '{key}' must be one of {', '.join(LEVELS)} (got {value!r})")
    assert isinstance(value, str)
    return value


def allowed_file(context: RuleContext) -> bool:
    """A test file or one the `allow` option names: printing is its business."""
    allow = context.options["allow"]
    assert isinstance(allow, tuple)
    return globs((*TEST_FILES, *allow)).match(context.path)


def is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round, also one side of an `and`); the
    literal by its value, as LibCST's `evaluated_value` reads it."""
    return _compares_name_to(test, lambda literal: str_value(literal) == "__main__")


def is_main_ast(test: ast.expr) -> bool:
    """`is_main_test` where it may only say less: the literal must be written exactly
    `"__main__"` or `'__main__'` (ast joins implicit concatenations)."""
    return _compares_name_to(test, _written_main)


def _compares_name_to(test: ast.expr, is_main: Callable[[ast.expr], bool]) -> bool:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_compares_name_to(value, is_main) for value in test.values)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    return any(
        isinstance(a, ast.Name) and a.id == "__name__" and is_main(b)
        for a, b in (sides, sides[::-1])
    )


def _written_main(literal: ast.expr) -> bool:
    return (
        isinstance(literal, ast.Constant)
        and literal.value == "__main__"
        and literal.end_lineno == literal.lineno
        and (literal.end_col_offset or 0) - literal.col_offset == len('"__main__"')
    )


def body_span(node: ast.If) -> tuple[tuple[int, int], tuple[int, int]]:
    first, last = node.body[0], node.body[-1]
    return (first.lineno, first.col_offset), (
        last.end_lineno or last.lineno,
        last.end_col_offset or 0,
    )


def str_value(node: ast.AST) -> str | None:
    """The value of a plain str literal (implicit concatenations of them included; no
    f-string or bytes part), else None: LibCST's `_text`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def in_source_order(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """The call's arguments as written: positional, `*`, keyword and `**` ones."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    return sorted(items, key=lambda item: (item.lineno, item.col_offset))


def message_problem(call: ast.Call) -> str | None:
    """Why the print has no fix, as `_print_call.message_parts` says it; None when it
    has one."""
    for item in in_source_order(call):
        if isinstance(item, ast.Starred) or (isinstance(item, ast.keyword) and item.arg is None):
            return "`*args`/`**kwargs` hide what is printed and where"
        if isinstance(item, ast.keyword) and item.arg not in PRINT_KEYWORDS:
            return f"`print` takes no `{item.arg}=` argument"
    if not call.args:
        return "`print()` without arguments only writes a newline; there is nothing to log"
    sep = keyword_value(call, "sep")
    if sep is not None and not is_none(sep) and str_value(sep) is None:
        return "a computed `sep=` cannot be folded into the log message"
    for dropped in ("end", "flush"):
        value = keyword_value(call, dropped)
        if value is not None and not inert(value):
            return f"dropping `{dropped}=` would drop the effects of evaluating it"
    return None


def inert(node: ast.expr) -> bool:
    """Evaluating it has no effect worth keeping (a dropped `end=`/`flush=` value):
    LibCST's names, attributes of them, strings (not f-strings) and numbers."""
    if isinstance(node, ast.Attribute):
        return inert(node.value)
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Constant):
        # `True`, `None` and `...` are names or ellipses to LibCST; a complex number is
        # its `Imaginary`, which LibCST does not count.
        value = node.value
        return isinstance(value, str | bytes | int | float) or value is None
    return False


# From Python 3.12 an f-string is tokenized in parts, from FSTRING_START to FSTRING_END
# (3.14's t-strings likewise); before, it is one STRING token.
_OPENS = {getattr(tokenize, n) for n in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, n)}
_CLOSES = {getattr(tokenize, n) for n in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, n)}


def string_tokens(source: str) -> list[str]:
    """The string literals of a literal's source, one per part of an implicit
    concatenation, an f-string whole, whatever the Python version tokenizes it as."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    lines = source.splitlines(keepends=True)
    starts = [0, *itertools.accumulate(len(line) for line in lines)]
    found: list[str] = []
    depth, begin = 0, 0
    for token in tokens:
        if token.type in _OPENS:
            if depth == 0:
                begin = starts[token.start[0] - 1] + token.start[1]
            depth += 1
        elif token.type in _CLOSES:
            depth -= 1
            if depth == 0:
                found.append(source[begin : starts[token.end[0] - 1] + token.end[1]])
        elif token.type == tokenize.STRING and depth == 0:
            found.append(token.string)
    return found


def qualified_names(scopes: Scopes, node: ast.AST) -> frozenset[tuple[str, str]]:
    """(name, source) of each qualified name LibCST's scope gives `node`: a name or a
    dotted attribute by what it reads, anything else by LibCST's full name for it."""
    scope = scopes.scope_of(node)
    if isinstance(node, ast.Name | ast.Attribute) and _dotted(node):
        found = scope.get_qualified_names_for(node)
    else:
        full = full_name(node)
        found = scope.get_qualified_names_for(full) if full else frozenset()
    return frozenset((n.name, n.source) for n in found)


def _dotted(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def full_name(node: ast.AST) -> str | None:
    """LibCST's `get_full_name_for_node`: through calls and subscripts, and "None" for a
    base it cannot name (`"".join` is "None.join")."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{full_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return full_name(node.func)
    if isinstance(node, ast.Subscript):
        return full_name(node.value)
    return None
