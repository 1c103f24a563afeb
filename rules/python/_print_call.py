"""What a `print` call writes, and the logger call that says the same, on LibCST's tree
(console-logging's fix): the message, its arguments and its layout. What detection reads
of a print, on `ast`, is in `_ast_print`."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import libcst as cst

from rules.python._ast_print import PRINT_KEYWORDS

# A logger call's argument: an original argument kept as it is, or a new format string.
Part = cst.Arg | cst.SimpleString


def keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


# --- the message ---------------------------------------------------------------------------


def message_parts(call: cst.Call) -> list[Part] | str:
    """The logger call's arguments, or why there is no fix."""
    positional: list[cst.Arg] = []
    for arg in call.args:
        if arg.star:
            return "`*args`/`**kwargs` hide what is printed and where"
        if arg.keyword is None:
            positional.append(arg)
        elif arg.keyword.value not in PRINT_KEYWORDS:
            return f"`print` takes no `{arg.keyword.value}=` argument"
    if not positional:
        return "`print()` without arguments only writes a newline; there is nothing to log"
    sep = keyword_value(call, "sep")
    separator = " " if sep is None or _is_name(sep, "None") else _text(sep)
    if separator is None:
        return "a computed `sep=` cannot be folded into the log message"
    for dropped in ("end", "flush"):
        value = keyword_value(call, dropped)
        if value is not None and not _inert(value):
            return f"dropping `{dropped}=` would drop the effects of evaluating it"
    if len(positional) == 1:
        deferred = _deferred(positional[0].value)
        if deferred is not None:
            return deferred
    if len(positional) == 1 and _is_str_literal(positional[0].value):
        return [positional[0]]
    quote = _quote_char([*(arg.value for arg in positional), *([sep] if sep else [])])
    literal_sep = None if sep is None or _is_name(sep, "None") else sep
    return _format(positional, separator, literal_sep, quote)


_CONVERSIONS = {None: "%s", "s": "%s", "r": "%r", "a": "%a"}


def _deferred(value: cst.BaseExpression) -> list[Part] | None:
    """An f-string message as logging wants it (ruff's G004): a %-format and its values
    as arguments, formatted only when the record is emitted; one that interpolates
    nothing, `f"[worker] started"`, the plain literal it means (`%` then kept single:
    logging formats no message without arguments). None where it does not translate (a
    format spec, `{x=}`)."""
    if not isinstance(value, cst.FormattedString) or value.lpar:
        return None
    body: list[tuple[str, bool]] = []  # (text, whether it is a conversion)
    arguments: list[Part] = []
    for part in value.parts:
        if isinstance(part, cst.FormattedStringText):
            body.append((part.value.replace("{{", "{").replace("}}", "}"), False))
        elif not isinstance(part, cst.FormattedStringExpression) or part.equal is not None:
            return None
        else:
            spec = _percent_spec(part.format_spec)
            if spec is None:  # a spec % cannot say: the whole f-string is the one argument
                return [cst.SimpleString('"%s"'), cst.Arg(value)]
            body.append((_CONVERSIONS[part.conversion] if spec == "" else spec, True))
            if spec and part.conversion is not None:
                return [cst.SimpleString('"%s"'), cst.Arg(value)]
            arguments.append(cst.Arg(part.expression))
    # A `%` of the text is doubled only where logging will %-format the message.
    double = bool(arguments)
    text = "".join(
        t if conversion or not double else t.replace("%", "%%") for t, conversion in body
    )
    prefix = value.prefix.replace("f", "").replace("F", "")
    quote = value.start[len(value.prefix) :]
    return [cst.SimpleString(f"{prefix}{quote}{text}{value.end}"), *arguments]


# A format spec that %-formatting reads the same: width, precision and a type it knows.
_PERCENT_SPEC = re.compile(r"(0?)([0-9]*)(\.[0-9]+)?([deEfFgGxXo]?)")


def _percent_spec(spec: Sequence[cst.BaseFormattedStringContent] | None) -> str | None:
    """`{x:08.2f}` as `%08.2f`; "" for no spec; None where % cannot say it (alignment,
    grouping, nested fields)."""
    if not spec:
        return ""
    if len(spec) != 1 or not isinstance(spec[0], cst.FormattedStringText):
        return None
    match = _PERCENT_SPEC.fullmatch(spec[0].value)
    if match is None:
        return None
    zero, width, precision, kind = match.groups()
    return f"%{zero}{width}{precision or ''}{kind or 's'}"


def _format(
    args: Sequence[cst.Arg], separator: str, sep: cst.BaseExpression | None, quote: str
) -> list[Part]:
    """A %-style format string (print's separator between the values, literal text folded
    in) followed by the arguments that stay arguments. Folded literals keep their spelling
    (`\\N{BULLET}` stays an escape, so the file's encoding still holds the result)."""
    texts = [_text(arg.value) for arg in args]
    arguments = [arg for arg, text in zip(args, texts, strict=True) if text is None]
    double = bool(arguments)  # logging %-formats the message only when there are arguments

    def spelled(node: cst.BaseExpression | None, text: str) -> str:
        body = None if node is None else _source_body(node, quote, double)
        return body if body is not None else _quoted_body(text, quote, double)

    between = spelled(sep, separator)
    fmt = between.join(
        "%s" if t is None else spelled(arg.value, t) for arg, t in zip(args, texts, strict=True)
    )
    return [cst.SimpleString(quote + fmt + quote), *arguments]


def _source_body(node: cst.BaseExpression, quote: str, double: bool) -> str | None:
    """A str literal's text as the inside of a plain literal quoted with `quote`, spelled
    as the file spells it: escapes stay escapes, a `%` doubled when `double`. None when
    that cannot be done (a raw string, or a `%` written as an escape)."""
    if isinstance(node, cst.ConcatenatedString):
        left = _source_body(node.left, quote, double)
        right = _source_body(node.right, quote, double)
        return None if left is None or right is None else left + right
    if not isinstance(node, cst.SimpleString) or node.prefix.lower() not in ("", "u"):
        return None
    body, value = node.raw_value, _text(node)
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            out.append(body[index : index + 2])  # an escape, or a line continuation
            index += 2
            continue
        if char == quote:
            out.append("\\" + char)
        elif char in "\r\n":
            out.append("\\r" if char == "\r" else "\\n")  # a triple-quoted line break
        elif char == "%" and double:
            out.append("%%")
        else:
            out.append(char)
        index += 1
    if value is None or value.count("%") != body.count("%"):
        return None  # `\\x25` and the like: logging would read a format spec
    return "".join(out)


def _quoted_body(text: str, quote: str, double: bool) -> str:
    return _quote(text.replace("%", "%%") if double else text, quote)[1:-1]


def logger_arguments(call: cst.Call, parts: Sequence[Part]) -> list[cst.Arg]:
    """The logger call's arguments, keeping the original layout: a kept argument keeps
    its own comma and comments, the format string takes the place of the first argument,
    and the last one closes the call as the original last argument did (a trailing comma
    and the closing line of a multi-line call stay)."""
    first, last = call.args[0], call.args[-1]
    result = []
    for part in parts:
        if isinstance(part, cst.Arg):
            result.append(part)
        elif first.keyword is None and _text(first.value) is not None:
            result.append(first.with_changes(value=part))  # a literal folded into `part`
        else:
            comma = cst.Comma(whitespace_after=_line_break(call.whitespace_before_args))
            result.append(cst.Arg(part, comma=comma))
    if result[-1] is not last:
        kept = result[-1]
        if _has_comment(kept.comma):  # keep it, and close the call where `last` did
            result[-1] = kept.with_changes(comma=_closing(kept.comma, last))
        else:
            result[-1] = kept.with_changes(
                comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
            )
    for index, arg in enumerate(result[:-1]):
        if not isinstance(arg.comma, cst.Comma):
            result[index] = arg.with_changes(comma=cst.Comma(cst.SimpleWhitespace(""), _SPACE))
    if len(result) > 1:  # `print(x for x in y)`: a generator is bare only as the sole argument
        result = [_parenthesised(arg) for arg in result]
    return result


def _has_comment(comma: cst.Comma | cst.MaybeSentinel) -> bool:
    if not isinstance(comma, cst.Comma):
        return False
    after = comma.whitespace_after
    return isinstance(after, cst.ParenthesizedWhitespace) and (
        after.first_line.comment is not None
        or any(line.comment is not None for line in after.empty_lines)
    )


def _closing(comma: cst.Comma | cst.MaybeSentinel, last: cst.Arg) -> cst.Comma:
    assert isinstance(comma, cst.Comma)
    after = comma.whitespace_after
    closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
    if closing is None:
        closing = last.whitespace_after_arg
    if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        after = after.with_changes(indent=closing.indent, last_line=closing.last_line)
    return comma.with_changes(whitespace_after=after)


def _parenthesised(arg: cst.Arg) -> cst.Arg:
    value = arg.value
    if isinstance(value, cst.GeneratorExp) and not value.lpar:
        return arg.with_changes(
            value=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        )
    return arg


_SPACE = cst.SimpleWhitespace(" ")


def _line_break(
    before_args: cst.BaseParenthesizableWhitespace,
) -> cst.BaseParenthesizableWhitespace:
    """Between two new arguments: a line break and indent when the call puts its arguments
    on their own lines (without the comment that may follow the opening parenthesis)."""
    if isinstance(before_args, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=True, last_line=before_args.last_line)
    return _SPACE


def _text(node: cst.BaseExpression) -> str | None:
    """The value of a plain str literal (no f-string or bytes part), else None."""
    if isinstance(node, cst.SimpleString):
        if "b" in node.prefix.lower():
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an invalid escape is not this rule's finding
            value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    return None


def _is_str_literal(node: cst.BaseExpression) -> bool:
    """A str literal, f-strings included (a message logged as it is)."""
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return _is_str_literal(node.left) and _is_str_literal(node.right)
    return False


def _inert(node: cst.BaseExpression) -> bool:
    """Evaluating it has no effect worth keeping (a dropped `end=`/`flush=` value)."""
    if isinstance(node, cst.Attribute):
        return _inert(node.value)
    if isinstance(node, cst.ConcatenatedString):
        return _inert(node.left) and _inert(node.right)
    return isinstance(node, cst.Name | cst.SimpleString | cst.Integer | cst.Float)


def _quote_char(values: Sequence[cst.BaseExpression]) -> str:
    """The project's quote style, as the first string literal of the call shows it."""
    for value in values:
        if isinstance(value, cst.SimpleString):
            return value.quote[0]
    return '"'


def _quote(text: str, quote: str) -> str:
    escaped = []
    for char in text:
        if char in ("\\", quote):
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        else:
            escaped.append(repr(char)[1:-1])  # \n, \t, \x00, \u2028 ...
    return quote + "".join(escaped) + quote
