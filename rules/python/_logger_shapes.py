"""The logger call in the shape of the project's logger, from what `_print_call` made of
a print (the standard library's `%`-format and its arguments):

- the standard library's: `logger.info("loaded %s rows", n)`, as it is;
- loguru's: `logger.info("loaded {} rows", n)`: each `%s` becomes `{}`, `%r` `{!r}`,
  `%.2f` `{:.2f}`, `%%` `%` and a literal brace is doubled (loguru formats the message
  with `str.format` only when it has arguments, as logging does with `%`);
- structlog's: an event and keyword values, `logger.info("loaded rows", n=n)`: the
  printed literals (and an f-string's text) are the event, each other value a keyword
  named after it (`path`, `user.id` -> `user_id`, `row["sku"]` -> `sku`, `len(rows)` ->
  `len`; `value` otherwise; never `event`, which is structlog's); an event left empty
  takes the first keyword's name.
The level: the option's, or the nearest the logger has when it is of a class of the
project's (`warning` -> `warn`, `critical` -> `fatal` or `error`).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence

import libcst as cst

from rules.python._ast_console import NEAREST as NEAREST
from rules.python._ast_console import method_for as method_for
from rules.python._code import code_of
from rules.python._pii_format import literal_text
from rules.python._print_call import Part

# In a %-format's source: an escape (kept), `%%`, a conversion, or a brace.
_PERCENT = re.compile(r"\\N\{[^}]*\}|\\.|%%|%(0?)([0-9]*)(\.[0-9]+)?([sradeEfFgGxXo])|[{}]", re.S)


def loguru_parts(parts: Sequence[Part]) -> list[Part]:
    """The `%`-format as loguru's `{}` format (only when there are arguments: a lone
    message is not formatted by either)."""
    first = parts[0]
    if len(parts) < 2 or not isinstance(first, cst.SimpleString):
        return list(parts)
    start = len(first.prefix) + len(first.quote)
    body = first.value[start : len(first.value) - len(first.quote)]
    converted = _PERCENT.sub(_braced, body)
    value = first.value[:start] + converted + first.quote
    return [first.with_changes(value=value), *parts[1:]]


def _braced(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("\\"):
        return text
    if text == "%%":
        return "%"
    if text in "{}":
        return text * 2
    zero, width, precision, kind = match.groups()
    if kind in "ra":
        return "{!" + kind + "}"
    spec = f"{zero}{width}{precision or ''}{'' if kind == 's' else kind}"
    return "{:" + spec + "}" if spec else "{}"


def structlog_arguments(args: Sequence[cst.Arg], quote: str) -> list[cst.Arg] | str:
    """structlog's event and keyword values for the printed values; a string says why
    there is none (a comment the one-line call would lose)."""
    event: list[str] = []
    values: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []  # (named after, value)
    for arg in args:
        if arg.keyword is not None:
            continue  # sep, end, file, flush
        text = literal_text(arg.value)
        if text is not None:
            event.append(text.strip())
        elif isinstance(arg.value, cst.FormattedString) and not arg.value.lpar:
            for part in arg.value.parts:
                if isinstance(part, cst.FormattedStringText):
                    event.append(part.value.replace("{{", "{").replace("}}", "}").strip())
                elif isinstance(part, cst.FormattedStringExpression):
                    values.append((part.expression, part.expression))
        else:
            values.append((arg.value, arg.value))
    if any("#" in code_of(value) for _, value in values):
        return "a comment inside the printed values would be lost"
    keys: list[str] = []
    for named, _ in values:
        keys.append(_unique(_key(named), keys))
    message = " ".join(" ".join(p for p in event if p).split()).rstrip(" :=")
    if not message:
        message = keys[0] if keys else ""
    result = [cst.Arg(cst.SimpleString(_quoted(message, quote)))]
    equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    for key, (_, value) in zip(keys, values, strict=True):
        result.append(cst.Arg(value, keyword=cst.Name(key), equal=equal))
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [*(a.with_changes(comma=space) for a in result[:-1]), result[-1]]


def _key(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        parts = _names(node)
        while len(parts) > 1 and parts[0] in ("self", "cls"):
            parts.pop(0)
        return "_".join(parts) if parts else node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            text = literal_text(index.value)
            if text is not None and text.isidentifier():
                return text
        return _key(node.value)
    if isinstance(node, cst.Call):
        func = node.func
        return func.attr.value if isinstance(func, cst.Attribute) else _key(func)
    return "value"


def _names(node: cst.BaseExpression) -> list[str]:
    """`user.address.city` as its names; [] when it is not a chain of names."""
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, cst.Attribute):
        head = _names(node.value)
        return [*head, node.attr.value] if head else []
    return []


def _unique(key: str, taken: Sequence[str]) -> str:
    if not key.isidentifier() or keyword.iskeyword(key) or key.startswith("__"):
        key = "value"
    if key == "event":
        key = "event_"
    if key not in taken:
        return key
    return next(f"{key}_{n}" for n in range(2, len(taken) + 3) if f"{key}_{n}" not in taken)


def _quoted(text: str, quote: str) -> str:
    escaped = "".join(
        "\\" + c if c in ("\\", quote) else c if c.isprintable() else repr(c)[1:-1] for c in text
    )
    return quote + escaped + quote
