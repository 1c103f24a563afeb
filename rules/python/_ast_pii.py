"""pii-logging (Python) on CPython's `ast`: which expressions are personal or secret data
(as `_pii_values.Classifier` reads LibCST's tree), and what the redaction of a call finds
and why it has no fix (as `_pii_redact.Redactor` does while it rewrites the call). The
rewriting itself stays with LibCST, at fix time."""

from __future__ import annotations

import ast
import re
import string

from rules._pii_vocabulary import (
    REQUEST_WORDS,
    TRANSPARENT_METHODS,
    Vocabulary,
    config_label,
    constant,
    getter_label,
    member_label,
    plain_name,
    words,
)
from rules.python._ast_source import Source, evaluated

# Functions that show their first argument as it is (`format(x)`, not `"...".format(x)`).
PASS_THROUGH = frozenset(
    {"str", "repr", "ascii", "format", "vars", "dict", "list", "tuple", "sorted", "dumps"}
    | {"pformat", "asdict", "model_to_dict", "to_dict", "model_dump", "jsonable_encoder"}
)
RECORD_METHODS = frozenset({"to_dict", "dict", "model_dump", "as_dict", "to_json", "json"})
KEY_GETTERS = frozenset({"get", "getlist", "pop"})
REQUEST_METHODS = frozenset({"get json", "json", "form data"})


def last_name(node: ast.AST) -> str | None:
    """The last identifier of a name or attribute chain (`self.user` -> `user`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def format_method(func: ast.AST) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == "format"


class AstClassifier:
    """Labels the data an expression holds, or None (`_pii_values.Classifier`)."""

    def __init__(self, vocabulary: Vocabulary, source: Source) -> None:
        self.vocabulary = vocabulary
        self.source = source

    def string_key(self, node: ast.AST) -> str | None:
        """The text of a one-token plain string literal used as a key."""
        if self.source.single_string(node):
            assert isinstance(node, ast.Constant)
            return str(node.value)
        return None

    def label(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.identifier(node.id)
        if isinstance(node, ast.Attribute):
            return self.member(node.value, node.attr)
        if isinstance(node, ast.Subscript):
            key = self.string_key(node.slice)
            return None if key is None else self.member(node.value, key, key=True)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Await):
            return self.label(node.value)
        if isinstance(node, ast.IfExp):
            return self.label(node.body) or self.label(node.orelse)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            for value in node.values:
                found = self.label(value)
                if found:
                    return found
            return None
        return None

    def identifier(self, name: str) -> str | None:
        if constant(name):
            return None
        vocabulary = self.vocabulary
        return vocabulary.name_label(name) or vocabulary.object_label(name)

    def member(self, receiver: ast.AST, attribute: str, *, key: bool = False) -> str | None:
        return member_label(self.vocabulary, last_name(receiver), attribute, key=key)

    def key_label(self, key: str) -> str | None:
        return self.vocabulary.name_label(key)

    def plain_reference(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Subscript):
            return True
        own = last_name(node)
        return own is not None and plain_name(self.vocabulary, own)

    def _call(self, node: ast.Call) -> str | None:
        func = node.func
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        name = last_name(func)
        if name is None:
            return None
        first_key = self.string_key(positional[0]) if positional else None
        if name == "getenv" and first_key is not None:
            return config_label(self.vocabulary, first_key)
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if name in TRANSPARENT_METHODS or name in RECORD_METHODS:
                return self.label(receiver)
            if name in KEY_GETTERS and first_key is not None:
                return self.member(receiver, first_key, key=True)
            owner = words(last_name(receiver) or "")
            if owner and owner[-1] in REQUEST_WORDS and " ".join(words(name)) in REQUEST_METHODS:
                return "request data"
        if name in PASS_THROUGH and positional and not format_method(func):
            return self.label(positional[0])
        receiver_name = last_name(func.value) if isinstance(func, ast.Attribute) else None
        return getter_label(self.vocabulary, name, receiver_name)


_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%])"
)


def folds(source: Source, node: ast.AST, labels: int) -> bool:
    """Whether `_pii_format.fold` can match the `%`-format literal's conversions one to
    one with `labels` values."""
    parts = source.string_parts(node)
    if parts is None:
        return False
    count = 0
    for prefix, quote, raw in parts:
        value = evaluated(prefix, quote, raw)
        if value is None or raw.count("%") != value.count("%"):
            return False
        at = raw.find("%")
        while at != -1:
            match = _SPEC.match(raw, at)
            if match is None or match["key"] is not None or "*" in (match["width"] or ""):
                return False
            if "*" in (match["precision"] or ""):
                return False
            count += match["conversion"] != "%"
            at = raw.find("%", match.end())
    return count == labels


_FIELD_HEAD = re.compile(r"[.\[]")
Reference = int | str  # a positional index or a keyword name


def format_fields(text: str) -> list[tuple[Reference, bool]] | None:
    """Each `str.format` replacement field of `text`: the argument it shows and whether a
    string in its place is shown as the marker (no `.attr`/`[key]` access, no spec that a
    string would not take); None when the text is not a valid template."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    fields: list[tuple[Reference, bool]] = []
    auto = 0
    for _, field, spec, _conversion in parsed:
        if field is None:
            continue
        head = _FIELD_HEAD.split(field, maxsplit=1)[0]
        reference: Reference
        if head == "":
            reference, auto = auto, auto + 1
        elif head.isdigit():
            reference = int(head)
        else:
            reference = head
        fields.append((reference, head == field and _takes_string(spec or "")))
    return fields


def _takes_string(spec: str) -> bool:
    if "{" in spec:
        return False
    try:
        format("x", spec)
    except (ValueError, TypeError):
        return False
    return True
