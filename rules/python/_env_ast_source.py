"""What environment-read detection on `ast` needs of a file's text: positions in
characters, a node's code as LibCST prints it (its own parentheses included), call
arguments in source order, and literals as LibCST evaluates them."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.plugins import LineIndex

_SPACE = " \t\f\r\n"


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument of a call, as LibCST lists them: in source order, `*args` and
    `**kwargs` marked by `star`."""

    keyword: str | None
    star: str  # "", "*" or "**"
    value: ast.expr


class Source:
    """Positions and code of one file's nodes (`ast` columns count UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = LineIndex(text).starts

    def column(self, line: int, byte_column: int) -> int:
        """0-based character column of a 1-based line and a 0-based byte column."""
        start = self.starts[line - 1] if line <= len(self.starts) else len(self.text)
        code = self.text[start : start + byte_column]
        if code.isascii():
            return byte_column
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return len(self.text[start:end].encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> tuple[int, int]:
        """(1-based line, 0-based character column) where `node` starts."""
        line: int = node.lineno  # type: ignore[attr-defined]
        return line, self.column(line, node.col_offset)  # type: ignore[attr-defined]

    def offsets(self, node: ast.AST) -> tuple[int, int]:
        line, column = self.start(node)
        end_line: int = node.end_lineno  # type: ignore[attr-defined]
        end = self.column(end_line, node.end_col_offset)  # type: ignore[attr-defined]
        return self.starts[line - 1] + column, self.starts[end_line - 1] + end

    def code(self, node: ast.AST) -> str:
        """The node's code with the parentheses around it, which LibCST's node owns."""
        start, end = self.offsets(node)
        text = self.text
        while True:
            before = start
            while before > 0 and text[before - 1] in _SPACE:
                before -= 1
            after = end
            while after < len(text) and text[after] in _SPACE:
                after += 1
            if before == 0 or after == len(text):
                break
            if text[before - 1] != "(" or text[after] != ")":
                break
            start, end = before - 1, after + 1
        return text[start:end]

    def parenthesized(self, node: ast.Tuple) -> bool:
        """Whether the tuple's own parentheses surround it (`x[("A",)]`, not `x["A",]`)."""
        start, end = self.offsets(node)
        return wrapped(self.text[start:end])


def wrapped(code: str) -> bool:
    """Whether `code` is one parenthesized group: its first "(" closes at its end."""
    if not (code.startswith("(") and code.endswith(")")):
        return False
    lines = code.split("\n")
    last = (len(lines), len(lines[-1]))
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
                if depth == 0:
                    return token.end == last
    except (tokenize.TokenError, SyntaxError):
        return False
    return False


def call_args(call: ast.Call) -> list[Arg]:
    """The call's arguments in source order (ast keeps keywords apart)."""
    found = [
        (a.lineno, a.col_offset, Arg(None, "*", a.value))
        if isinstance(a, ast.Starred)
        else (a.lineno, a.col_offset, Arg(None, "", a))
        for a in call.args
    ]
    found.extend(
        (k.lineno, k.col_offset, Arg(k.arg, "" if k.arg else "**", k.value)) for k in call.keywords
    )
    if call.keywords and call.args:
        found.sort(key=lambda item: (item[0], item[1]))
    return [arg for _, _, arg in found]


def class_args(node: ast.ClassDef) -> list[Arg]:
    """A class statement's bases and keywords, as `call_args`."""
    bases = [
        Arg(None, "*", b.value) if isinstance(b, ast.Starred) else Arg(None, "", b)
        for b in node.bases
    ]
    return bases + [Arg(k.arg, "" if k.arg else "**", k.value) for k in node.keywords]


def own_block(source: Source, body: Sequence[ast.stmt]) -> Sequence[ast.stmt]:
    """The statements of an indented block; none for a body on its header's line
    (`class A: x = 1`), which the LibCST code this ports did not look into."""
    if not body:
        return ()
    line, column = source.start(body[0])
    start = source.starts[line - 1]
    return body if not source.text[start : start + column].strip() else ()


# --- literals, as LibCST evaluates them ------------------------------------------------------


def literal_string(expr: ast.AST | None) -> str | None:
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):  # os.environb
            return value.decode("utf-8", "backslashreplace")
    return None


def is_none(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _number(expr: ast.AST) -> int | float | None:
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
    return None


def literal(source: Source, expr: ast.AST) -> tuple[str, str] | None:
    """(value as an environment variable would hold it, code as written), for literals."""
    text = literal_string(expr)
    if text is not None:
        return text, source.code(expr)
    number = _number(expr)
    if number is not None:
        start, end = source.offsets(expr)
        return str(number), source.text[start:end]
    if isinstance(expr, ast.Constant) and isinstance(expr.value, bool):
        return str(expr.value), str(expr.value)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        number = _number(expr.operand)
        if number is not None:
            return f"-{number}", source.code(expr)
    return None
