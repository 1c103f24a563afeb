"""pii-logging (JS/TS): which expressions are personal or secret data, and the edits that
redact them.

A value is data when it is an identifier, property or string key the vocabulary names
(`email`, `user.phoneNumber`, `process.env.STRIPE_SECRET_KEY`, `data['e-mail']`,
`headers.get('authorization')`, `localStorage.getItem('accessToken')`), a whole record
(`user`, `this.customer`, `formData`), a request object or its parsed data (`req`,
`req.body`, `req.headers`, `await request.json()`), a person's `name`/`address`
(`user.name`), a getter of such data (`getEmail()`), or such a value re-spelled
(`.toLowerCase()`, `.trim()`, `String(x)`, `JSON.stringify(x)`, `x!`, `x as T`, `await x`,
either side of `a || b`, `a ?? b`, `c ? a : b`). Literals are never data.

Redaction: the value is replaced by the marker string `"[redacted: LABEL]"`; inside a
template literal `${value}` becomes the marker's text; in an object literal `{ email }`
becomes `{ email: "[redacted: email]" }`, a value whose key names the data
(`{ email: addr }`) is redacted too, and a spread `{ ...user }` becomes
`{ user: "[redacted: user]" }`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Edit, ParsedFile
from rules._pii_vocabulary import (
    REQUEST_WORDS,
    TRANSPARENT_METHODS,
    Vocabulary,
    about_key,
    constant,
    getter_label,
    marker,
    member_label,
    plain_name,
    words,
)
from rules.javascript.scope import string_value

if TYPE_CHECKING:
    from tree_sitter import Node

WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "await_expression",
    }
)
NAMES = frozenset({"identifier", "shorthand_property_identifier", "property_identifier"})
KEY_GETTERS = frozenset({"get", "getItem", "getAll"})
REQUEST_METHODS = frozenset({"json", "formData"})
REQUEST_OBJECTS = frozenset({"req", "request"})


def unwrapped(node: Node) -> Node:
    while node.type in WRAPPERS and node.named_children:
        node = node.named_children[0]
    return node


def arguments_of(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [a for a in arguments.named_children if a.type != "comment"]


class JsClassifier:
    """Labels the data an expression holds, or None."""

    def __init__(self, file: ParsedFile, vocabulary: Vocabulary) -> None:
        self.file = file
        self.vocabulary = vocabulary

    def name_of(self, node: Node) -> str | None:
        """The last name of an identifier, member or string-keyed subscript."""
        node = unwrapped(node)
        if node.type in NAMES or node.type == "this":
            return self.file.code(node)
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.file.code(prop) if prop is not None else None
        if node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            return string_value(index) if index is not None else None
        return None

    def label(self, node: Node) -> str | None:
        node = unwrapped(node)
        kind = node.type
        if kind in NAMES:
            name = self.file.code(node)
            if name in REQUEST_OBJECTS and kind != "property_identifier":
                return "request"
            return self.identifier(name)
        if kind in {"member_expression", "subscript_expression"}:
            receiver = node.child_by_field_name("object")
            member = self.name_of(node)
            if receiver is None or member is None:
                return None
            prop = node.child_by_field_name("property")
            if prop is not None and prop.type not in {"property_identifier"}:
                return None  # `#private` fields are the class's own business
            return self.member(receiver, member, key=kind == "subscript_expression")
        if kind == "call_expression":
            return self._call(node)
        if kind == "ternary_expression":
            return self._either(node, "consequence", "alternative")
        if kind == "binary_expression" and self.operator(node) in {"||", "??"}:
            return self._either(node, "left", "right")
        return None

    def identifier(self, name: str) -> str | None:
        if constant(name):
            return None
        return self.vocabulary.name_label(name) or self.vocabulary.object_label(name)

    def member(self, receiver: Node, name: str, *, key: bool = False) -> str | None:
        return member_label(self.vocabulary, self.name_of(receiver), name, key=key)

    def key_label(self, key: str) -> str | None:
        return self.vocabulary.name_label(key)

    def plain_reference(self, node: Node) -> bool:
        node = unwrapped(node)
        if node.type not in NAMES | {"member_expression", "subscript_expression"}:
            return False
        own = self.name_of(node)
        return own is not None and plain_name(self.vocabulary, own)

    def _either(self, node: Node, first: str, second: str) -> str | None:
        for field in (first, second):
            child = node.child_by_field_name(field)
            found = self.label(child) if child is not None else None
            if found is not None:
                return found
        return None

    def operator(self, node: Node) -> str:
        operator = node.child_by_field_name("operator")
        return self.file.code(operator) if operator is not None else ""

    def _call(self, node: Node) -> str | None:
        func = node.child_by_field_name("function")
        if func is None:
            return None
        func = unwrapped(func)
        args = arguments_of(node)
        if func.type == "member_expression":
            receiver = func.child_by_field_name("object")
            method = self.name_of(func)
            if receiver is None or method is None:
                return None
            receiver_name = self.name_of(receiver)
            if method in TRANSPARENT_METHODS:
                return self.label(receiver)
            if method == "stringify" and receiver_name == "JSON" and args:
                return self.label(args[0])
            if method in KEY_GETTERS and args and string_value(args[0]) is not None:
                key = string_value(args[0])
                assert key is not None
                return self.member(receiver, key, key=True)
            owner = words(receiver_name or "")
            if owner and owner[-1] in REQUEST_WORDS and method in REQUEST_METHODS:
                return "request data"
            return getter_label(self.vocabulary, method, receiver_name)
        if func.type == "identifier":
            name = self.file.code(func)
            if name == "String" and args:
                return self.label(args[0])
            return getter_label(self.vocabulary, name)
        return None


class JsRedactor:
    """Finds the data in a call's arguments and the edits that redact it; `found` lists
    (label, code) of each value, `problem` why there is no fix."""

    def __init__(self, classifier: JsClassifier, quote: str) -> None:
        self.classifier = classifier
        self.file = classifier.file
        self.quote = quote
        self.found: list[tuple[str, str]] = []
        self.edits: list[Edit] = []
        self.problem: str | None = None

    def _replace(self, node: Node, text: str) -> None:
        start, end = self.file.span(node)
        self.edits.append(Edit(start, end, text))

    def _marker(self, label: str) -> str:
        return self.quote + marker(label) + self.quote

    def _record(self, label: str, node: Node) -> None:
        self.found.append((label, self.file.code(node)))

    def argument(self, node: Node) -> None:
        if node.type == "spread_element" and node.named_children:
            label = self.classifier.label(node.named_children[0])
            if label is not None:
                self._record(label, node.named_children[0])
                self.problem = self.problem or (
                    f"`{self.file.code(node)}` spreads data the fix cannot name"
                )
            return
        self.value(node)

    def value(self, node: Node) -> None:
        label = self.classifier.label(node)
        if label is not None:
            self._record(label, node)
            self._replace(node, self._marker(label))
            return
        inner = unwrapped(node)
        kind = inner.type
        if kind == "template_string":
            self._template(inner)
        elif kind == "object":
            self._object(inner)
        elif kind == "array":
            for element in inner.named_children:
                self.argument(element)
        elif kind == "binary_expression" and self.classifier.operator(inner) in {"+", "||", "??"}:
            for field in ("left", "right"):
                child = inner.child_by_field_name(field)
                if child is not None:
                    self.value(child)
        elif kind == "ternary_expression":
            for field in ("consequence", "alternative"):
                child = inner.child_by_field_name(field)
                if child is not None:
                    self.value(child)
        elif kind == "call_expression" and self._shows_argument(inner):
            args = arguments_of(inner)
            if args:
                self.value(args[0])

    def _shows_argument(self, call: Node) -> bool:
        """`JSON.stringify(x)`, `String(x)`: the text of `x` itself."""
        func = call.child_by_field_name("function")
        if func is None:
            return False
        code = self.file.code(unwrapped(func))
        return code in {"JSON.stringify", "String"}

    def _template(self, node: Node) -> None:
        for part in node.named_children:
            if part.type != "template_substitution" or not part.named_children:
                continue
            expression = part.named_children[0]
            label = self.classifier.label(expression)
            if label is not None:
                self._record(label, expression)
                self._replace(part, marker(label))

    def _object(self, node: Node) -> None:
        keys = {self._key(member) for member in node.named_children}
        for member in node.named_children:
            if member.type == "shorthand_property_identifier":
                name = self.file.code(member)
                label = self.classifier.identifier(name)
                if label is not None:
                    self._record(label, member)
                    self._replace(member, f"{name}: {self._marker(label)}")
            elif member.type == "spread_element" and member.named_children:
                spread = member.named_children[0]
                label = self.classifier.label(spread)
                if label is not None:
                    self._record(label, spread)
                    spread_name = self.classifier.name_of(spread) or ""
                    key = spread_name if spread_name.isidentifier() else "redacted"
                    key = key if key not in keys else "redacted"
                    self._replace(member, f"{key}: {self._marker(label)}")
            elif member.type == "pair":
                value = member.child_by_field_name("value")
                if value is None:
                    continue
                pair_key = self._key(member)
                if pair_key is not None and about_key(pair_key):
                    continue  # `{ customerId: subscription.customer }`: an id
                before = len(self.found)
                self.value(value)
                if len(self.found) > before or pair_key is None:
                    continue
                label = self.classifier.key_label(pair_key)
                if label is not None and self.classifier.plain_reference(value):
                    self._record(label, value)
                    self._replace(value, self._marker(label))

    def _key(self, member: Node) -> str | None:
        if member.type == "shorthand_property_identifier":
            return self.file.code(member)
        if member.type != "pair":
            return None
        key = member.child_by_field_name("key")
        if key is None:
            return None
        if key.type == "property_identifier":
            return self.file.code(key)
        return string_value(key) if key.type == "string" else None
