"""console-logging (JS/TS): a console call's arguments in the shape of the project's logger
method, read from its parameters (rules/javascript/_logger_api.py).

- `(...args)` (a rest parameter first), or a method of unknown parameters: the arguments
  stay as they are.
- pino (`logger-style = "structured"` too): `(fields, message)`, see _console_args.py.
- `(message, context?)`, winston's `(message, meta?)`, and more slots such as
  `error(message, error?, metadata?)`: a string or template literal first is the message;
  otherwise the message is the first argument's name as a string (`console.error(err)` ->
  `logger.error("err", { err })`, a value of unknown name is `"value"`), since the
  parameter is typed as a string. An error argument (`e`, `err`, `error`, `ex`, or a member
  of one) goes to a parameter named `error`/`err` when the method has one; the other
  arguments become one context object (`{ total: order.total, user }`, one object literal
  as it is), in the first other parameter; slots skipped are `undefined`. No fix for a
  message with printf placeholders and arguments (such a logger does not interpolate), a
  string after the message, spread arguments, comments among the arguments, or arguments
  left over where the method has no parameter to take them.
A value redacted for personal data (`"[redacted: email]"`, by this rule or by
`pii-logging` before it) is a field named by its label (`{ email: "[redacted: email]" }`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from auditor.plugins import ParsedFile
from rules.javascript._console_args import (
    field_key,
    marker_field,
    object_fields,
    structured_arguments,
)
from rules.javascript._logger_api import Param

if TYPE_CHECKING:
    from tree_sitter import Node

TextOf = Callable[["Node"], str]
ERROR_PARAMS = frozenset({"error", "err", "exception"})
_PRINTF = re.compile(r"%[sdifjoOc]")


def shaped_arguments(
    file: ParsedFile,
    arguments: Node,
    method: str,
    params: Sequence[Param] | None,
    structured: bool,
    text_of: TextOf,
    quote: str,
) -> tuple[str | None, str | None]:
    """(the new text of `arguments`, parentheses included; or None and why not). None
    params: keep the arguments (the caller applies its edits in place)."""
    if structured:
        return structured_arguments(file, arguments, method, text_of)
    if params is None or not params or params[0].rest:
        return None, None
    args = list(arguments.named_children)
    if any(a.type == "comment" for a in args):
        return None, "comments among the arguments would be lost"
    if any(a.type == "spread_element" for a in args):
        return None, "spread arguments have no names to log them under"
    if args and args[0].type in {"string", "template_string"} and not marker_field(file, args[0]):
        message, rest = text_of(args[0]), args[1:]
        if rest and args[0].type == "string" and _PRINTF.search(file.code(args[0])):
            return None, "the logger does not fill in printf placeholders"
    else:
        first = field_key(file, args[0], "error") if args else None
        message, rest = quote + (first or ("value" if args else "")) + quote, args
    slots = _slots(params)
    error_slot, context_slot = slots
    values: dict[int, str] = {}
    if rest and params[1:2] and params[1].rest:
        return "(" + ", ".join([message, *(text_of(a) for a in rest)]) + ")", None
    errors = [a for a in rest if _is_error(file, a)]
    if error_slot is not None and len(errors) == 1:
        values[error_slot] = text_of(errors[0])
        rest = [a for a in rest if a is not errors[0]]
    if rest:
        context, why = _context(file, rest, text_of)
        if context is None:
            return None, why
        if context_slot is None:
            return None, "the logger's method has no parameter for the other arguments"
        values[context_slot] = context
    if not values and args and message == file.code(args[0]) and len(args) == 1:
        return file.code(arguments), None  # the message alone, as written
    last = max(values, default=0)
    parts = [message, *(values.get(i, "undefined") for i in range(1, last + 1))]
    return "(" + ", ".join(parts) + ")", None


def _slots(params: Sequence[Param]) -> tuple[int | None, int | None]:
    error_slot = context_slot = None
    for index, param in enumerate(params[1:], start=1):
        if param.rest:
            break
        if error_slot is None and param.name.lower() in ERROR_PARAMS:
            error_slot = index
        elif context_slot is None:
            context_slot = index
    return error_slot, context_slot


def _context(file: ParsedFile, rest: list[Node], text_of: TextOf) -> tuple[str | None, str]:
    if len(rest) == 1 and rest[0].type == "object":
        return text_of(rest[0]), ""
    return object_fields(file, rest, "error", text_of)


def _is_error(file: ParsedFile, arg: Node) -> bool:
    return field_key(file, arg, "error") == "error"
