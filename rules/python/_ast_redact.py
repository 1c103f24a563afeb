"""What `_pii_redact.Redactor` finds in a call and why it gives no fix, read on `ast`:
the same values in the same order (label, code as LibCST prints it), and what each
argument becomes once redacted (whether it is then a plain string), without writing it.

A value's outcome: "same" (no data in it), "simple" (one string literal: a marker, an
f-string left without placeholders, a `%`-format whose values all went), "plain" (an
implicit concatenation of plain literals) or "changed" (anything else rewritten)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from rules._pii_vocabulary import about_key
from rules.python._ast_pii import (
    PASS_THROUGH,
    AstClassifier,
    folds,
    format_fields,
    format_method,
    last_name,
)
from rules.python._ast_print import in_source_order, string_tokens
from rules.python._ast_source import Source

Outcome = Literal["same", "simple", "plain", "changed"]
LOGGING_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel"})


@dataclass(frozen=True, slots=True)
class Redacted:
    """An f-string's placeholders after redaction (those left, in order)."""

    left: tuple[ast.FormattedValue, ...]


class Redaction:
    """Redacts, in thought, the values of one call (`Redactor`'s walk)."""

    def __init__(self, classifier: AstClassifier) -> None:
        self.classifier = classifier
        self.source: Source = classifier.source
        self.found: list[tuple[str, str]] = []
        self.problem: str | None = None
        # What each f-string keeps of its placeholders, when some went.
        self.fstrings: dict[ast.JoinedStr, Redacted] = {}

    def _record(self, label: str, node: ast.AST, own_paren: int = -1) -> None:
        self.found.append((label, self.source.code(node, own_paren)))

    def _no_fix(self, why: str) -> None:
        self.problem = self.problem or why

    # --- calls ------------------------------------------------------------------------

    def print_arguments(self, call: ast.Call) -> list[Outcome]:
        """The outcome of each positional argument (`*` ones skipped)."""
        own = self.source.call_paren(call)
        outcomes: list[Outcome] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                if self.classifier.label(arg.value):
                    self._starred("*", arg.value)
                continue
            outcomes.append(self.value(arg, own))
        return outcomes

    def logging_arguments(self, call: ast.Call, message_index: int) -> None:
        own = self.source.call_paren(call)
        for arg in call.args:
            if isinstance(arg, ast.Starred) and self.classifier.label(arg.value):
                self._starred("*", arg.value)
        for keyword in call.keywords:
            if keyword.arg is None and self.classifier.label(keyword.value):
                self._starred("**", keyword.value)
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        if message_index < len(positional):
            self.value(positional[message_index], own)
            for param in positional[message_index + 1 :]:
                label = self.classifier.label(param)
                if label is None:
                    self.value(param, own)
                else:
                    self._record(label, param, own)
        for keyword in call.keywords:
            if keyword.arg is None or keyword.arg in LOGGING_KEYWORDS:
                continue
            if keyword.arg == "extra":
                self.value(keyword.value)
            else:
                self._keyed(keyword.arg, keyword.value)

    def _keyed(self, key: str | None, value: ast.expr, own_paren: int = -1) -> Outcome:
        if key is not None and about_key(key):
            return "same"
        new = self.value(value, own_paren)
        if new != "same" or key is None:
            return new
        label = self.classifier.key_label(key)
        if label is not None and self.classifier.plain_reference(value):
            self._record(label, value, own_paren)
            return "simple"
        return "same"

    def _starred(self, star: str, value: ast.expr) -> None:
        label = self.classifier.label(value)
        assert label is not None
        self._record(label, value)
        self._no_fix(f"`{star}{self.source.code(value)}` spreads data the fix cannot name")

    # --- values -----------------------------------------------------------------------

    def value(self, node: ast.expr, own_paren: int = -1) -> Outcome:
        label = self.classifier.label(node)
        if label is not None:
            self._record(label, node, own_paren)
            return "simple"
        before = len(self.found)
        new = self._inside(node)
        return new if len(self.found) > before else "same"

    def _inside(self, node: ast.expr) -> Outcome:
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node)
        if isinstance(node, ast.BinOp):
            left = node.left
            if isinstance(node.op, ast.Mod) and self.source.string_parts(left) is not None:
                return self._percent(node)
            if isinstance(node.op, ast.Add):
                self.value(node.left)
                self.value(node.right)
            return "changed"
        if isinstance(node, ast.Call):
            self._call(node)
            return "changed"
        if isinstance(node, ast.Dict):
            self._dict(node)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            for element in node.elts:
                if not isinstance(element, ast.Starred):
                    self.value(element)
        elif isinstance(node, ast.IfExp):
            self.value(node.body)
            self.value(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.value(value)
        return "changed"

    def _fstring(self, node: ast.JoinedStr) -> Outcome:
        """Each f-string token of the literal loses its labelled placeholders; one left
        without any is a plain literal."""
        tokens = self._tokens(node)
        placeholders = iter([v for v in node.values if isinstance(v, ast.FormattedValue)])
        all_plain = True
        left: list[ast.FormattedValue] = []
        for is_f, count in tokens:
            if not is_f:
                continue
            mine = [next(placeholders) for _ in range(count)]
            kept = []
            for part in mine:
                label = self.classifier.label(part.value)
                if label is not None:
                    self._record(label, part.value)
                else:
                    kept.append(part)
            left.extend(kept)
            if kept or not mine:
                all_plain = False
        self.fstrings[node] = Redacted(tuple(left))
        if len(tokens) == 1:
            return "simple" if all_plain else "changed"
        return "plain" if all_plain else "changed"

    def _tokens(self, node: ast.JoinedStr) -> list[tuple[bool, int]]:
        """(an f-string?, its placeholders) for each token of the literal."""
        found = []
        for token in string_tokens(self.source.bare(node)):
            prefix = token[: len(token) - len(token.lstrip("rRuUbBfF"))]
            if "f" not in prefix.lower():
                found.append((False, 0))
                continue
            try:
                parsed = ast.parse(token, mode="eval").body
            except SyntaxError:
                parsed = None
            count = 0
            if isinstance(parsed, ast.JoinedStr):
                count = sum(isinstance(v, ast.FormattedValue) for v in parsed.values)
            found.append((True, count))
        return found

    def _percent(self, node: ast.BinOp) -> Outcome:
        right = node.right
        if isinstance(right, ast.Dict):
            self._dict(right)
            return "changed"
        if isinstance(right, ast.Tuple):
            if any(isinstance(e, ast.Starred) for e in right.elts):
                self.value(right)
                return "changed"
            values = list(right.elts)
        else:
            values = [right]
        labels = [self.classifier.label(v) for v in values]
        if not any(labels):
            self.value(right)
            return "changed"
        for value, label in zip(values, labels, strict=True):
            if label is not None:
                self._record(label, value)
        if not folds(self.source, node.left, len(labels)):
            self._no_fix("the `%` format's conversions cannot be matched to its values")
            return "same"
        if all(labels):
            parts = self.source.string_parts(node.left)
            return "simple" if parts is not None and len(parts) == 1 else "plain"
        for value, label in zip(values, labels, strict=True):
            if label is None:
                self.value(value)
        return "changed"

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            receiver = func.value
            if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
                self._format(node, receiver.value)
                return
        if last_name(func) in PASS_THROUGH and not format_method(func):
            own = self.source.call_paren(node)
            for arg in node.args:
                if not isinstance(arg, ast.Starred):
                    self.value(arg, own)

    def _format(self, node: ast.Call, text: str) -> None:
        fields = format_fields(text)
        own = self.source.call_paren(node)
        index = 0
        for item in in_source_order(node):
            star = "*" if isinstance(item, ast.Starred) else None
            if isinstance(item, ast.keyword) and item.arg is None:
                star = "**"
            if star is not None:
                assert isinstance(item, ast.Starred | ast.keyword)
                if self.classifier.label(item.value):
                    self._starred(star, item.value)
                continue
            key = item.arg if isinstance(item, ast.keyword) else None
            reference: int | str = index if key is None else key
            index += key is None
            value = item.value if isinstance(item, ast.keyword) else item
            before = len(self.found)
            new = self._keyed(key, value, own if key is None else -1)
            if len(self.found) > before and new == "simple":
                shown = [ok for ref, ok in fields or () if ref == reference]
                if fields is None or not all(shown):
                    self._no_fix("a `str.format` field would not show the marker as it is")

    def _dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                label = self.classifier.label(value)
                if label is not None:
                    self._record(label, value)
                continue
            self._keyed(self.classifier.string_key(key), value)
