"""The source of `ast` nodes as LibCST's nodes hold it: an expression's code with the
parentheses written around it (LibCST keeps them on the node, `ast` drops them), and the
tokens of a string literal (`ast` joins implicit concatenations into one value)."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable

from auditor.plugins import Span
from rules.python._ast_print import string_tokens

_BLANK = " \t\r\n\f\\"


class Source:
    """A module's text, and where its nodes are (`AstRule.span`)."""

    def __init__(self, text: str, span: Callable[[ast.AST], Span]) -> None:
        self.text = text
        self.span = span

    def bare(self, node: ast.AST) -> str:
        at = self.span(node)
        return self.text[at.start : at.end]

    def code(self, node: ast.AST, own_paren: int = -1) -> str:
        """`node`'s code with the parentheses around it; `own_paren`: the offset of an
        opening parenthesis that is its call's, not its own."""
        at = self.span(node)
        return self.text[slice(*self.outer(at.start, at.end, own_paren))]

    def outer(self, start: int, end: int, own_paren: int = -1) -> tuple[int, int]:
        text = self.text
        while True:
            before = start - 1
            while before >= 0 and text[before] in _BLANK:
                before -= 1
            after = end
            while after < len(text) and text[after] in _BLANK:
                after += 1
            if before < 0 or text[before] != "(" or before == own_paren:
                return start, end
            if after >= len(text) or text[after] != ")":
                return start, end
            start, end = before, after + 1

    def call_paren(self, call: ast.Call) -> int:
        """The offset of the call's own opening parenthesis."""
        at = self.span(call.func).end
        text = self.text
        while at < len(text) and text[at] != "(":
            at += 1
        return at

    def string_parts(self, node: ast.AST) -> list[tuple[str, str, str]] | None:
        """(prefix, quote, raw body) of each token of a plain str literal; None when one
        is an f-string, bytes, or not read."""
        tokens = string_tokens(self.bare(node))
        if not tokens:
            return None
        parts = []
        for token in tokens:
            prefix = token[: len(token) - len(token.lstrip("rRuUbBfF"))]
            if set(prefix.lower()) & {"b", "f"}:
                return None
            rest = token[len(prefix) :]
            quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
            parts.append((prefix, quote, rest[len(quote) : len(rest) - len(quote)]))
        return parts

    def single_string(self, node: ast.AST) -> bool:
        """A plain str literal of one token (LibCST's `SimpleString`)."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return False
        parts = self.string_parts(node)
        return parts is not None and len(parts) == 1


def evaluated(prefix: str, quote: str, raw: str) -> str | None:
    """The value of one plain string token (LibCST's `evaluated_value`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = ast.literal_eval(f"{prefix}{quote}{raw}{quote}")
        except (SyntaxError, ValueError):
            return None
    return value if isinstance(value, str) else None
