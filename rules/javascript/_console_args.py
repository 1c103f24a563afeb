"""console-logging (JS/TS): a console call's arguments as a structured (pino-style) logger
takes them: `logger.method(fields, message)`.

`console.error("Failed:", err)` -> `logger.error({ err }, "Failed:")`. The mapping:
- a first argument that is a string or template literal is the message; it goes last,
  after the fields; a plain string with printf placeholders (`%s %d %i %f %j %o %O`) keeps
  its arguments as they are (pino interpolates them the same way); with `%c` (CSS, which a
  logger cannot show) there is no fix;
- every other argument is a field of one object: an identifier under its own name
  (`user` -> `{ user }`), a member `a.b.c` under its last name (`{ c: a.b.c }`), an error
  (`e`, `err`, `error`, `ex`, `exception`, or a member of one of those names) under
  `err`, which is where pino's error serializer looks (an Error under any other key is
  logged as `{}`), anything else under `value` (`value2`, ... for more); a name a logger
  writes itself (`msg`, `level`, `time`, `pid`, `hostname`) counts as no name;
- no fix for spread arguments, comments among the arguments, a string literal after the
  first argument (part of the message), two arguments that would get one name, or
  `console.dir`/`console.table` with display options (a second argument).
No arguments, a message alone, one object literal (already the fields) or one value of
unknown shape (`JSON.stringify(x)`, which a structured logger takes as its message) stay
as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from auditor.plugins import Invalid, ParsedFile

if TYPE_CHECKING:
    from tree_sitter import Node

ERROR_NAMES = frozenset({"e", "err", "error", "ex", "exception"})
RESERVED = frozenset({"msg", "level", "time", "pid", "hostname", "v"})
_PRINTF = re.compile(r"%[sdifjoOc]")


def structured_arguments(
    file: ParsedFile,
    arguments: Node,
    method: str,
    text_of: Callable[[Node], str] | None = None,
) -> tuple[str | None, str | None]:
    """(the new text of `arguments`, parentheses included, or None for no fix; why not).
    `text_of` gives an argument's text as the fix writes it (personal data redacted, see
    _logger_call.py); by default its code."""
    code = text_of or file.code
    args = [a for a in arguments.named_children]
    as_is = "(" + ", ".join(code(a) for a in args) + ")"
    if all(code(a) == file.code(a) for a in args):
        as_is = file.code(arguments)
    if any(a.type == "comment" for a in args):
        return None, "comments among the arguments would be lost"
    if any(a.type == "spread_element" for a in args):
        return None, "spread arguments have no names to log them under"
    if not args:
        return as_is, None
    if method in {"dir", "table"} and len(args) > 1:
        return None, f"`console.{method}`'s further arguments are display options"
    message: Node | None = None
    if args[0].type in {"string", "template_string"} and marker_field(file, args[0]) is None:
        message, args = args[0], args[1:]
        if not args:
            return as_is, None
        if message.type == "string":
            placeholders = _PRINTF.findall(file.code(message).replace("%%", ""))
            if "%c" in placeholders:
                return None, "`%c` styles console output; a logger has no styles"
            if placeholders:
                return as_is, None  # printf-style: the logger interpolates
    if (
        message is None
        and len(args) == 1
        and (args[0].type == "object" or field_key(file, args[0], "err") is None)
        and code(args[0]) == file.code(args[0])
    ):
        # One object is the fields already; one value of unknown shape (a string from
        # JSON.stringify(), an Error) is what such a logger takes alone, as it is.
        return as_is, None
    fields, why = object_fields(file, args, "err", code)
    if fields is None:
        return None, why
    parts = [fields]
    if message is not None:
        parts.append(code(message))
    return "(" + ", ".join(parts) + ")", None


_MARKER = re.compile(r"""^(['"])\[redacted: ([a-z ]+)\]\1$""")


def marker_field(file: ParsedFile, node: Node) -> str | None:
    """The field name of a redaction marker string, as pii-logging writes them
    (`"[redacted: ip address]"` -> `ipAddress`), else None."""
    match = _MARKER.match(file.code(node)) if node.type == "string" else None
    if match is None:
        return None
    head, *tail = match.group(2).split()
    return head + "".join(word.capitalize() for word in tail)


def object_fields(
    file: ParsedFile,
    args: Sequence[Node],
    error_key: str,
    text_of: Callable[[Node], str],
) -> tuple[str | None, str]:
    """`{ user, value: 3 }`: the arguments as one object's fields, each under its name
    (`field_key`, an error under `error_key`), an unnamed one as `value`, `value2`...;
    None, and why, when a string (part of the message) or two fields of one name would
    not read back."""
    fields: list[str] = []
    keys: set[str] = set()
    unnamed = 0
    for arg in args:
        label = marker_field(file, arg)
        if arg.type in {"string", "template_string"} and label is None:
            return None, "a string after the first argument is part of the message"
        key = label or field_key(file, arg, error_key)
        if key is None:
            unnamed += 1
            key = "value" if unnamed == 1 else f"value{unnamed}"
        if key in keys:
            return None, f"two arguments would be logged under `{key}`"
        keys.add(key)
        text = text_of(arg)
        fields.append(text if text == key else f"{key}: {text}")
    return "{ " + ", ".join(fields) + " }", ""


def field_key(file: ParsedFile, arg: Node, error_key: str) -> str | None:
    """The name a value is logged under: an identifier's own, a member's property's;
    `error_key` for an error's usual names (pino's `err`, a context's `error`); None for
    any other value, and for a reserved word."""
    name = None
    if arg.type == "identifier":
        name = file.code(arg)
    elif arg.type == "member_expression":
        prop = arg.child_by_field_name("property")
        if prop is not None and prop.type == "property_identifier":
            name = file.code(prop)
    if name in ERROR_NAMES:
        return error_key
    return None if name is None or name in RESERVED else name


_STRUCTURED = {
    "logger-import": "import { logger } from '@/lib/logger';",
    "logger-style": "structured",
}

STYLE_EXAMPLES = (
    Invalid(
        "import { logger } from '@/lib/logger';\n\ntry {\n  save();\n} catch (err) {\n"
        "  console.error('Failed:', err);\n  console.error(err);\n}\n",
        fixed="import { logger } from '@/lib/logger';\n\ntry {\n  save();\n} catch (err) {\n"
        "  logger.error({ err }, 'Failed:');\n  logger.error({ err });\n}\n",
        path="example.ts",
        options=_STRUCTURED,
        count=2,
    ),
    Invalid(
        "import { logger } from '@/lib/logger';\n\n"
        "export function f(order: Order, e: Error, msg: string) {\n"
        "  console.log(`saved ${order.id}`, order.total, user, e);\n"
        "  console.warn('slow', Date.now(), msg);\n  console.log('n=%d', n);\n"
        "  console.info('done');\n  console.debug();\n  console.table(rows);\n}\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "export function f(order: Order, e: Error, msg: string) {\n"
        "  logger.info({ total: order.total, user: '[redacted: user]', err: e }, `saved ${order.id}`);\n"
        "  logger.warn({ value: Date.now(), value2: msg }, 'slow');\n"
        "  logger.info('n=%d', n);\n  logger.info('done');\n  logger.debug();\n"
        "  logger.debug({ rows });\n}\n",
        path="example.ts",
        options=_STRUCTURED,
        count=6,
    ),
    # No fix: the shapes a structured logger cannot take without a guess.
    Invalid(
        "import { logger } from '@/lib/logger';\n\nconsole.log('a', ...rest);\n"
        "console.log('%c big', css);\nconsole.log('a', 'b');\nconsole.log('ids', a.id, b.id);\n"
        "console.table(rows, ['name']);\nconsole.log(a, /* why */ b);\n",
        path="example.ts",
        options=_STRUCTURED,
        count=6,
    ),
    # One object, or one value of unknown shape, is passed as it is.
    Invalid(
        "import { logger } from '@/lib/logger';\n\n"
        "console.log({ routeError: error });\nconsole.error(JSON.stringify(x));\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "logger.info({ routeError: error });\nlogger.error(JSON.stringify(x));\n",
        path="example.ts",
        options=_STRUCTURED,
        count=2,
    ),
)
