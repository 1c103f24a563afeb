"""pii-logging (Python): the message formats a redaction rewrites. A `%`-format (logging's
own, or the `%` operator's) gets the marker in place of the conversion that showed the
value, and loses the value; a `str.format` field keeps its argument's place, filled by
the marker, when the field would format a string the same way."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import libcst as cst

from rules._pii_vocabulary import marker

_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%])"
)


def plain_parts(node: cst.BaseExpression) -> list[cst.SimpleString] | None:
    """The pieces of a plain str literal (implicit concatenation included), else None."""
    if isinstance(node, cst.SimpleString):
        return None if "b" in node.prefix.lower() else [node]
    if isinstance(node, cst.ConcatenatedString):
        left, right = plain_parts(node.left), plain_parts(node.right)
        return None if left is None or right is None else left + right
    return None


def literal_text(node: cst.BaseExpression) -> str | None:
    parts = plain_parts(node)
    if parts is None:
        return None
    values = [_value(p) for p in parts]
    return None if any(v is None for v in values) else "".join(v or "" for v in values)


def _value(part: cst.SimpleString) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an invalid escape is not this rule's business
        value = part.evaluated_value
    return value if isinstance(value, str) else None


def fold(node: cst.BaseExpression, labels: Sequence[str | None]) -> cst.BaseExpression | None:
    """The `%`-format literal `node` with the conversions of the labelled values replaced by
    their markers; None when its conversions cannot be matched one to one with the values
    (a mapping key, a `*` width, an escape that spells `%`, a count that differs). When no
    value is left, `%%` becomes `%`: the message is no longer formatted."""
    parts = plain_parts(node)
    if parts is None:
        return None
    specs: list[tuple[int, int, int]] = []  # part, start, end in its raw text
    for index, part in enumerate(parts):
        raw, value = part.raw_value, _value(part)
        if value is None or raw.count("%") != value.count("%"):
            return None
        at = raw.find("%")
        while at != -1:
            match = _SPEC.match(raw, at)
            if match is None or match["key"] is not None or "*" in (match["width"] or ""):
                return None
            if "*" in (match["precision"] or ""):
                return None
            if match["conversion"] != "%":
                specs.append((index, match.start(), match.end()))
            at = raw.find("%", match.end())
    if len(specs) != len(labels):
        return None
    texts = [part.raw_value for part in parts]
    for (index, start, end), label in reversed(list(zip(specs, labels, strict=True))):
        if label is not None:
            texts[index] = texts[index][:start] + marker(label) + texts[index][end:]
    if all(label is not None for label in labels):
        texts = [text.replace("%%", "%") for text in texts]
    new = {
        id(part): part.with_changes(value=f"{part.prefix}{part.quote}{text}{part.quote}")
        for part, text in zip(parts, texts, strict=True)
    }
    return _rebuilt(node, new)


def _rebuilt(node: cst.BaseExpression, new: dict[int, cst.SimpleString]) -> cst.BaseExpression:
    if isinstance(node, cst.SimpleString):
        return new[id(node)]
    assert isinstance(node, cst.ConcatenatedString)
    left, right = _rebuilt(node.left, new), _rebuilt(node.right, new)
    assert isinstance(left, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString)
    assert isinstance(right, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString)
    return node.with_changes(left=left, right=right)
