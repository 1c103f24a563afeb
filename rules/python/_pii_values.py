"""pii-logging (Python): which expressions are personal or secret data, by the names they
read (see rules/_pii_vocabulary.py).

A value is data when it is
- a name or attribute the vocabulary names (`email`, `user.phone_number`,
  `settings.SECRET_KEY`), or a whole record (`user`, `request.user`, `customer_data`);
- a subscript or `.get()` by such a key (`data["email"]`, `request.POST.get("password")`,
  `os.environ["API_KEY"]`, `os.getenv("STRIPE_SECRET_KEY")`);
- a person's `name`/`address` (`user.name`), a request's parsed data (`request.POST`,
  `request.body`, `request.get_json()`), a form's `cleaned_data`;
- a getter of such data (`user.get_full_name()`), or data passed through a call that only
  re-spells it (`str(x)`, `repr(x)`, `x.lower()`, `json.dumps(x)`, `vars(x)`);
- either side of `a or b`, `a if c else b`, `await a`.
Any other call (`len(password)`, `mask(email)`, `hash(token)`) hides the value: it is not
reported. Literals are never data: `"email sent"` is a message, not an address.
"""

from __future__ import annotations

import libcst as cst

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
from rules.python._ast_pii import KEY_GETTERS, PASS_THROUGH, RECORD_METHODS, REQUEST_METHODS


def last_name(node: cst.BaseExpression) -> str | None:
    """The last identifier of a name or attribute chain (`self.user` -> `user`)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def string_key(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal used as a key."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class Classifier:
    """Labels the data an expression holds, or None."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def label(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name):
            return self.identifier(node.value)
        if isinstance(node, cst.Attribute):
            return self.member(node.value, node.attr.value)
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.Await):
            return self.label(node.expression)
        if isinstance(node, cst.IfExp):
            return self.label(node.body) or self.label(node.orelse)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self.label(node.left) or self.label(node.right)
        return None

    def identifier(self, name: str) -> str | None:
        if constant(name):
            return None
        vocabulary = self.vocabulary
        return vocabulary.name_label(name) or vocabulary.object_label(name)

    def member(
        self, receiver: cst.BaseExpression, attribute: str, *, key: bool = False
    ) -> str | None:
        return member_label(self.vocabulary, last_name(receiver), attribute, key=key)

    def key_label(self, key: str) -> str | None:
        """What a dict key or keyword says its value is (names only: `{"user": user.id}`
        is an id)."""
        return self.vocabulary.name_label(key)

    def plain_reference(self, node: cst.BaseExpression) -> bool:
        """A name, attribute or subscript whose own name says nothing against it being the
        data its key names: `{"email": addr}` is an address, `{"email": user.email_id}`,
        `{"email": "x"}` and `{"email": len(e)}` are not."""
        if isinstance(node, cst.Subscript):
            return True
        own = last_name(node)
        return own is not None and plain_name(self.vocabulary, own)

    def _subscript(self, node: cst.Subscript) -> str | None:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = string_key(node.slice[0].slice.value)
        if key is None:
            return None
        return self.member(node.value, key, key=True)

    def _call(self, node: cst.Call) -> str | None:
        func = node.func
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        name = last_name(func)
        if name is None:
            return None
        first_key = string_key(positional[0]) if positional else None
        if name == "getenv" and first_key is not None:  # os.getenv("KEY")
            return config_label(self.vocabulary, first_key)
        if isinstance(func, cst.Attribute):
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
        receiver_name = last_name(func.value) if isinstance(func, cst.Attribute) else None
        return getter_label(self.vocabulary, name, receiver_name)


def format_method(func: cst.BaseExpression) -> bool:
    """`"...".format(...)`, `template.format(...)`: a method, not the builtin."""
    return isinstance(func, cst.Attribute) and func.attr.value == "format"
