"""pii-logging (Python): finding the data in a logging call's arguments and writing the
call without it.

Each value the classifier labels is replaced by the marker `[redacted: LABEL]`:
- an f-string's `{value}` becomes the marker's text (an f-string left without
  placeholders becomes a plain literal, `{{` and `}}` unescaped);
- a `%`-format value, logging's (`logger.info("to %s", email)`) or the `%` operator's,
  is folded into the literal: the conversion becomes the marker's text and the value goes
  (`%%` becomes `%` when no value is left); where the conversions cannot be matched to the
  values, logging's arguments (which may be loguru's `{}` style) are replaced by the marker
  string, and the `%` operator's get no fix;
- a `str.format` argument is replaced by the marker string where its fields would show a
  string as they showed the value; otherwise no fix;
- any other argument, operand of `+`, element of a list, tuple or set, dict value (also one
  whose key names the data: `{"email": addr}`), `extra=` value and structlog-style keyword
  (`email=addr`) is replaced by the marker string; a `**record` spread becomes
  `"record": "[redacted: LABEL]"`.
Everything else is kept as it is written: the message's other text, the other arguments
(an id stays), comments and layout.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from auditor.plugins import Fixed, FixTarget, find_all
from rules._pii_vocabulary import Vocabulary, about_key, marker
from rules.python._ast_pii import PASS_THROUGH, format_fields
from rules.python._code import code_of
from rules.python._pii_format import fold, literal_text, plain_parts
from rules.python._pii_values import (
    Classifier,
    format_method,
    last_name,
    string_key,
)

LOGGING_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel"})


class Redactor:
    """Redacts the values of one call; `found` lists (label, code) of each value, and
    `problem` says why there is no fix, when there is none."""

    def __init__(self, classifier: Classifier, quote: str) -> None:
        self.classifier = classifier
        self.quote = quote
        self.found: list[tuple[str, str]] = []
        self.problem: str | None = None

    def marker(self, label: str) -> cst.SimpleString:
        return cst.SimpleString(self.quote + marker(label) + self.quote)

    def _record(self, label: str, node: cst.CSTNode) -> None:
        self.found.append((label, code_of(node)))

    def _no_fix(self, why: str) -> None:
        self.problem = self.problem or why

    # --- calls ------------------------------------------------------------------------

    def print_arguments(self, args: Sequence[cst.Arg]) -> list[cst.Arg]:
        result = []
        for arg in args:
            if arg.keyword is None and not arg.star:
                arg = arg.with_changes(value=self.value(arg.value))
            elif arg.star == "*" and self.classifier.label(arg.value):
                self._starred(arg)
            result.append(arg)
        return result

    def logging_arguments(self, args: Sequence[cst.Arg], message_index: int) -> list[cst.Arg]:
        """A logging call's arguments: `message_index` is the message's position among the
        positional ones (1 for `logger.log(level, msg, ...)`)."""
        result = list(args)
        positional = [i for i, arg in enumerate(args) if arg.keyword is None and not arg.star]
        for arg in args:
            if arg.star and self.classifier.label(arg.value):
                self._starred(arg)
        if message_index < len(positional):
            at = positional[message_index]
            message = self.value(args[at].value)
            params = positional[message_index + 1 :]
            labels = [self.classifier.label(args[i].value) for i in params]
            for i, label in zip(params, labels, strict=True):
                if label is None:
                    result[i] = args[i].with_changes(value=self.value(args[i].value))
                else:
                    self._record(label, args[i].value)
            folded = fold(message, labels) if any(labels) else None
            result[at] = args[at].with_changes(value=message if folded is None else folded)
            if folded is not None:
                drop = {i for i, label in zip(params, labels, strict=True) if label}
                result = _without(result, drop)
            else:  # not a %-format we can read (loguru's `{}`, a variable): the marker string
                for i, label in zip(params, labels, strict=True):
                    if label is not None:
                        result[i] = args[i].with_changes(value=self.marker(label))
        return [self._keyword(arg) if arg.keyword is not None else arg for arg in result]

    def _keyword(self, arg: cst.Arg) -> cst.Arg:
        assert arg.keyword is not None
        name = arg.keyword.value
        if name in LOGGING_KEYWORDS:
            return arg
        if name == "extra":
            return arg.with_changes(value=self.value(arg.value))
        return arg.with_changes(value=self._keyed(name, arg.value))  # structlog, loguru

    def _keyed(self, key: str | None, value: cst.BaseExpression) -> cst.BaseExpression:
        """A value under a key: the key may say what it is (`email=addr`), or that it is
        about something (`user_id=user`: not examined)."""
        if key is not None and about_key(key):
            return value
        new = self.value(value)
        if new is not value or key is None:
            return new
        label = self.classifier.key_label(key)
        if label is not None and self.classifier.plain_reference(value):
            self._record(label, value)
            return self.marker(label)
        return value

    def _starred(self, arg: cst.Arg) -> None:
        label = self.classifier.label(arg.value)
        assert label is not None
        self._record(label, arg.value)
        self._no_fix(f"`{arg.star}{code_of(arg.value)}` spreads data the fix cannot name")

    # --- values -----------------------------------------------------------------------

    def value(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node` with its data replaced by markers; `node` itself when it holds none."""
        label = self.classifier.label(node)
        if label is not None:
            self._record(label, node)
            return self.marker(label)
        before = len(self.found)
        new = self._inside(node)
        return new if len(self.found) > before else node

    def _inside(self, node: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(node, cst.FormattedString):
            return self._fstring(node)
        if isinstance(node, cst.ConcatenatedString):
            left, right = self.value(node.left), self.value(node.right)
            assert isinstance(left, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString)
            assert isinstance(
                right, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString
            )
            return node.with_changes(left=left, right=right)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Modulo) and plain_parts(node.left) is not None:
                return self._percent(node)
            if isinstance(node.operator, cst.Add):
                return node.with_changes(left=self.value(node.left), right=self.value(node.right))
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.Dict):
            return self._dict(node)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            elements = [
                e.with_changes(value=self.value(e.value)) if isinstance(e, cst.Element) else e
                for e in node.elements
            ]
            return node.with_changes(elements=elements)
        if isinstance(node, cst.IfExp):
            return node.with_changes(body=self.value(node.body), orelse=self.value(node.orelse))
        if isinstance(node, cst.BooleanOperation):
            return node.with_changes(left=self.value(node.left), right=self.value(node.right))
        return node

    def _fstring(self, node: cst.FormattedString) -> cst.BaseExpression:
        parts: list[cst.BaseFormattedStringContent] = []
        changed = False
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                label = self.classifier.label(part.expression)
                if label is not None:
                    self._record(label, part.expression)
                    parts.append(cst.FormattedStringText(marker(label)))
                    changed = True
                    continue
            parts.append(part)
        if not changed:
            return node
        if any(isinstance(p, cst.FormattedStringExpression) for p in parts):
            return node.with_changes(parts=parts)
        texts = [p.value for p in parts if isinstance(p, cst.FormattedStringText)]
        body = "".join(texts).replace("{{", "{").replace("}}", "}")
        prefix = node.prefix.replace("f", "").replace("F", "")
        return cst.SimpleString(f"{prefix}{node.quote}{body}{node.quote}")

    def _percent(self, node: cst.BinaryOperation) -> cst.BaseExpression:
        right = node.right
        if isinstance(right, cst.Dict):  # "%(email)s" % {...}: the values by their keys
            return node.with_changes(right=self._dict(right))
        if isinstance(right, cst.Tuple):
            if not all(isinstance(e, cst.Element) for e in right.elements):
                return node.with_changes(right=self.value(right))  # a *starred element
            values = [e.value for e in right.elements]
        else:
            values = [right]
        labels = [self.classifier.label(v) for v in values]
        if not any(labels):
            return node.with_changes(right=self.value(right))
        for value, label in zip(values, labels, strict=True):
            if label is not None:
                self._record(label, value)
        folded = fold(node.left, labels)
        if folded is None:
            self._no_fix("the `%` format's conversions cannot be matched to its values")
            return node
        if all(labels):
            return folded
        assert isinstance(right, cst.Tuple)
        kept = [
            e.with_changes(value=self.value(e.value))
            for e, label in zip(right.elements, labels, strict=True)
            if label is None
        ]
        comma = cst.Comma() if len(kept) == 1 else cst.MaybeSentinel.DEFAULT
        elements = [*kept[:-1], kept[-1].with_changes(comma=comma)]
        return node.with_changes(left=folded, right=right.with_changes(elements=elements))

    def _call(self, node: cst.Call) -> cst.BaseExpression:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "format":
            text = literal_text(func.value)
            if text is not None:
                return self._format(node, text)
        if last_name(func) in PASS_THROUGH and not format_method(func):  # json.dumps({...})
            args = [
                a.with_changes(value=self.value(a.value)) if a.keyword is None and not a.star else a
                for a in node.args
            ]
            return node.with_changes(args=args)
        return node

    def _format(self, node: cst.Call, text: str) -> cst.BaseExpression:
        fields = format_fields(text)
        args = []
        index = 0
        for arg in node.args:
            if arg.star:
                if self.classifier.label(arg.value):
                    self._starred(arg)
                args.append(arg)
                continue
            reference: int | str = index if arg.keyword is None else arg.keyword.value
            index += arg.keyword is None
            key = arg.keyword.value if arg.keyword is not None else None
            before = len(self.found)
            new = self._keyed(key, arg.value)
            if len(self.found) > before and isinstance(new, cst.SimpleString):
                shown = [ok for ref, ok in fields or () if ref == reference]
                if fields is None or not all(shown):
                    self._no_fix("a `str.format` field would not show the marker as it is")
            args.append(arg.with_changes(value=new))
        return node.with_changes(args=args)

    def _dict(self, node: cst.Dict) -> cst.Dict:
        keys = {string_key(e.key) for e in node.elements if isinstance(e, cst.DictElement)}
        elements: list[cst.BaseDictElement] = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                label = self.classifier.label(element.value)
                if label is None:
                    elements.append(element)
                    continue
                self._record(label, element.value)
                name = last_name(element.value) or "redacted"
                key = name if name not in keys else "redacted"
                elements.append(
                    cst.DictElement(
                        cst.SimpleString(self.quote + key + self.quote),
                        self.marker(label),
                        comma=element.comma,
                    )
                )
                continue
            assert isinstance(element, cst.DictElement)
            elements.append(
                element.with_changes(value=self._keyed(string_key(element.key), element.value))
            )
        return node.with_changes(elements=elements)


def _without(args: list[cst.Arg], drop: set[int]) -> list[cst.Arg]:
    """`args` without those at `drop`; the last one left closes the call as the original
    last argument did (its trailing comma and whitespace)."""
    kept = [arg for i, arg in enumerate(args) if i not in drop]
    last = args[-1]
    if kept and kept[-1] is not last:
        kept[-1] = kept[-1].with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
    return kept


def redacted_call(vocabulary: Vocabulary, target: FixTarget, message_index: int) -> Fixed | None:
    """pii-logging's fix: the call at `target.node` with its data redacted; a print when
    `message_index` is -1, else a logging call whose message is that positional argument."""
    node = target.node
    if not isinstance(node, cst.Call):
        return None
    redactor = Redactor(Classifier(vocabulary), quote_of(node))
    if message_index < 0:
        args = redactor.print_arguments(node.args)
    else:
        args = redactor.logging_arguments(node.args, message_index)
    if not redactor.found or redactor.problem is not None:
        return None
    return Fixed(replacements=((node, node.with_changes(args=args)),))


def quote_of(call: cst.Call) -> str:
    """The quote of the call's first string literal: the file's style."""
    strings = find_all(call, cst.SimpleString)  # in source order
    return strings[0].quote[0] if strings else '"'
