"""The logger call console-logging's fix would write for a print, as far as detection needs
it (`_console_fix.logger_call` writes it, with LibCST, at fix time): how many arguments it
passes (a project's logger whose methods take the message only cannot take more), and
whether structlog's one-line call would lose a comment. Read on `ast`, after pii-logging's
redaction (`_ast_redact`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from rules.python._ast_print import string_tokens
from rules.python._ast_redact import Outcome, Redaction
from rules.python._ast_source import Source

NEAREST = {
    "debug": ("debug",),
    "info": ("info",),
    "warning": ("warning", "warn"),
    "error": ("error",),
    "critical": ("critical", "fatal", "error"),
}


def method_for(level: str, methods: frozenset[str] | None) -> str | None:
    """The method logging at `level`, of all the library's or of `methods`."""
    if methods is None:
        return level
    return next((m for m in NEAREST[level] if m in methods), None)


# A format spec that %-formatting reads the same: width, precision and a type it knows.
_PERCENT_SPEC = re.compile(r"(0?)([0-9]*)(\.[0-9]+)?([deEfFgGxXo]?)")


def _is_fstring_token(source: Source, node: ast.AST, own_paren: int) -> bool:
    """A single f-string literal, not parenthesised (LibCST's bare `FormattedString`)."""
    if not isinstance(node, ast.JoinedStr):
        return False
    bare = source.bare(node)
    return len(string_tokens(bare)) == 1 and source.code(node, own_paren) == bare


def _placeholders(redaction: Redaction, node: ast.JoinedStr) -> list[ast.FormattedValue]:
    kept = redaction.fstrings.get(node)
    if kept is not None:
        return list(kept.left)
    return [v for v in node.values if isinstance(v, ast.FormattedValue)]


def _self_documenting(source: Source, value: ast.FormattedValue) -> bool:
    """`{x=}`: `ast` spells it as text and a `!r` conversion; the source tells."""
    end = source.span(value.value).end
    text = source.text
    while end < len(text) and text[end] in " \t\r\n":
        end += 1
    return text[end : end + 1] == "=" and text[end : end + 2] != "=="


def _spec(value: ast.FormattedValue) -> str | None:
    spec = value.format_spec
    if spec is None or not isinstance(spec, ast.JoinedStr) or not spec.values:
        return ""
    if len(spec.values) != 1:
        return None
    only = spec.values[0]
    if not (isinstance(only, ast.Constant) and isinstance(only.value, str)):
        return None
    # The %-spec it becomes, or None where % cannot say it (alignment, grouping).
    return "%" if _PERCENT_SPEC.fullmatch(only.value) else None


def _plain(node: ast.AST, outcome: Outcome) -> bool:
    """The argument, redacted, is a plain str literal (`_print_call._text` reads it)."""
    if outcome in ("simple", "plain"):
        return True
    if outcome == "same":
        return isinstance(node, ast.Constant) and isinstance(node.value, str)
    return False


def _str_literal(node: ast.AST, outcome: Outcome) -> bool:
    if _plain(node, outcome):
        return True
    return isinstance(node, ast.JoinedStr)


def parts_count(
    source: Source, call: ast.Call, outcomes: Sequence[Outcome], redaction: Redaction
) -> int:
    """How many arguments `_print_call.message_parts` gives the logger call."""
    own = source.call_paren(call)
    args = call.args
    if len(args) == 1:
        value, outcome = args[0], outcomes[0]
        if outcome != "simple" and _is_fstring_token(source, value, own):
            assert isinstance(value, ast.JoinedStr)
            count = 1
            for part in _placeholders(redaction, value):
                if _self_documenting(source, part):
                    return 1
                spec = _spec(part)
                if spec is None or (spec and part.conversion != -1):
                    return 2
                count += 1
            return count
        return 1 if _str_literal(value, outcome) else 2
    return 1 + sum(not _plain(a, o) for a, o in zip(args, outcomes, strict=True))


def structlog_comment(
    source: Source, call: ast.Call, outcomes: Sequence[Outcome], redaction: Redaction
) -> bool:
    """Whether a printed value that stays a value holds a `#` in its code (a comment the
    one-line structlog call would lose)."""
    own = source.call_paren(call)
    for value, outcome in zip(call.args, outcomes, strict=True):
        if _plain(value, outcome):
            continue
        if _is_fstring_token(source, value, own) and outcome != "simple":
            assert isinstance(value, ast.JoinedStr)
            if any("#" in source.code(p.value) for p in _placeholders(redaction, value)):
                return True
        elif "#" in source.code(value, own):
            return True
    return False
