"""pii-logging: personal or secret data in `console.*` and logger calls (JS/TS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.plugins import ParsedFile, RuleContext, Severity, TreeSitterRule
from rules._docs import rule_url
from rules._pii_vocabulary import (
    FAKE_DATA_FILES,
    finding_text,
    fix_text,
    rule_vocabulary,
    words,
)
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules.javascript._pii_examples import INVALID, VALID
from rules.javascript._pii_values import JsClassifier, JsRedactor, arguments_of, unwrapped
from rules.javascript.paths import TEST_FILES, matches
from rules.javascript.scope import Scopes

if TYPE_CHECKING:
    from tree_sitter import Node

CONSOLE_METHODS = frozenset(
    {"log", "debug", "info", "warn", "error", "trace", "dir", "table", "group", "groupCollapsed"}
)
LOGGER_METHODS = frozenset(
    {"log", "trace", "debug", "info", "warn", "warning", "error", "fatal", "verbose", "silly"}
    | {"http", "notice", "critical", "alert", "emerg"}
)
LOGGER_WORDS = frozenset({"log", "logger", "logging"})
LOGGER_PACKAGES = frozenset({"winston", "pino", "bunyan", "consola", "signale", "loglevel"})
LOGGER_FACTORIES = frozenset({"getLogger", "createLogger", "child", "pino"})


class JsPiiLogging(TreeSitterRule):
    """Finds `console.*` and logger calls whose arguments carry personal or secret data:
    an e-mail, phone number, a person's name, postal address, birth date, password,
    token, secret, API key, card or bank number, national id, IP address or session
    cookie, or a whole user/customer/profile record, form or request.

    Logging calls: `console.log`, `.debug`, `.info`, `.warn`, `.error`, `.trace`, `.dir`,
    `.table`, `.group` on the global `console` (resolved by scope), and `log`, `trace`,
    `debug`, `info`, `warn`, `error`, `fatal` (and winston's `verbose`, `silly`, ...) on a
    receiver named like a logger (`logger`, `log`, `this.logger`, `fastify.log`,
    `req.log`, `winston`, `pino`), on `logger.child(...)`/`getLogger(...)`, or on a name in
    the `loggers` option. Test files (`*.test.*`, `*.spec.*`, `__tests__/`), seeds,
    fixtures, stories and mocks (made-up data), and the `allow` globs are not checked.

    What is data: identifiers, properties, string keys and `.get('key')`/`getItem('key')`
    keys the vocabulary names (`userEmail`, `customer.phone`, `billingAddress`,
    `accessToken`, `headers.get('authorization')`, `localStorage.getItem('accessToken')`),
    matched on word parts (camelCase, snake_case, kebab-case); secrets read from
    configuration (`process.env.STRIPE_SECRET_KEY`); a person record's `name`/`address`;
    an IP on a request or a person (`req.ip`); whole records (`user`, `userInfo`,
    `formData`, and `req.user`, `this.customer`, `ctx.state.user`); a request (`req`,
    `request`) and its parsed data (`req.body`, `req.headers`, `await request.json()`);
    getters (`getEmail()`); and values re-spelled by `.toLowerCase()`, `.trim()`,
    `String()`, `JSON.stringify()`, `!`, `as`. They are found in the arguments, inside
    template literals, `+` concatenations, object literals (`{ email, phone }`,
    `{ email: addr }` by key, `{ ...user }`), arrays, `||`/`??`/ternaries. Not data:
    string literals (`console.log("email sent")`); things about the data (`emailCount`,
    `isEmailVerified`, `hasPassword`, `tokenType`, `addressId`, `user.id`, `setEmail`,
    `emailRes`, and a value under a key such as `customerId:`); any other call's result
    (`mask(email)`); ALL_CAPS constants and configuration's e-mails (`env.CRM_EMAIL`). A
    bare `token`, `ipAddress`, `sessionId`, `profile`, `subscription.customer` and
    `event.user` are ambiguous and left out. The vocabulary and its options (`names`,
    `extend-names`, `objects`, `extend-objects`, `ignore-names`, `loggers`, `allow`) are
    the Python rule's: see rules/_pii_names.py and the README.

    Why: browser consoles are read by anyone at the keyboard and by extensions; server
    logs are kept, shipped to log stores and read by people who must not see customers'
    personal data or the service's keys.

    Fix (unsafe): each value is replaced by the marker string `"[redacted: LABEL]"`,
    keeping the rest of the call: `console.log("User:", user.email, user.id)` becomes
    `console.log("User:", "[redacted: email]", user.id)`; in a template literal the
    marker is text (`` `Booking for [redacted: email], id ${booking.id}` ``); `{ email }`
    becomes `{ email: "[redacted: email]" }` and `{ ...user }` becomes
    `{ user: "[redacted: user]" }`; `console.log(user)` becomes
    `console.log("[redacted: user]")`. The marker is quoted as the call's (else the
    file's) first string literal. No fix where a spread argument (`...users`) carries the
    data. The fix is unsafe because the log's output changes: the redacted value may be
    what someone needs to debug (log an id in its place by hand where one is needed), and
    a variable used only by the log call is left unused (`noUnusedLocals`, ESLint's
    no-unused-vars report it).
    """

    id = "pii-logging"
    url = rule_url(id)
    severity = Severity.CRITICAL
    languages = frozenset({"javascript", "typescript"})
    message = "the log call writes personal or secret data"
    # A call of a console or logger method (`.log(`, `.info(`, `?.(`): others never match.
    triggers = (
        re.compile(
            r"\.(?:log|debug|info|warn|warning|error|trace|fatal|dir|table|group|groupCollapsed"
            r"|verbose|silly|http|notice|critical|alert|emerg)[\s?.]*\("
        ),
    )
    fix_applicability = "unsafe"
    OPTIONS = dict(PII_OPTIONS)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.vocabulary = rule_vocabulary(self.strings_option)
        self.loggers = frozenset(self.strings_option("loggers"))
        allow = (*TEST_FILES, *FAKE_DATA_FILES, *self.strings_option("allow"))
        self.skip = matches(context.path, allow)
        self._scopes: Scopes | None = None
        self._classifier: JsClassifier | None = None
        self._file_quote: str | None = None

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        self._scopes = None
        self._classifier = JsClassifier(file, self.vocabulary)
        self._file_quote = None

    def visit_call_expression(self, node: Node) -> None:
        if self.skip or not self._is_logging_call(node):
            return
        assert self._classifier is not None
        redactor = JsRedactor(self._classifier, self._quote(node))
        for arg in arguments_of(node):
            redactor.argument(arg)
        if not redactor.found:
            return
        text = finding_text(self.message, redactor.found)
        if redactor.problem is not None:
            self.report(node, f"{text} (no fix: {redactor.problem})")
            return
        self.report(node, text, edits=redactor.edits, fix_description=fix_text(redactor.found))

    def _is_logging_call(self, node: Node) -> bool:
        func = node.child_by_field_name("function")
        if func is None:
            return False
        func = unwrapped(func)
        if func.type != "member_expression":
            return False
        receiver = func.child_by_field_name("object")
        prop = func.child_by_field_name("property")
        if receiver is None or prop is None or prop.type != "property_identifier":
            return False
        method = self.code(prop)
        receiver = unwrapped(receiver)
        if receiver.type == "identifier" and self.code(receiver) == "console":
            if self._scopes is None:
                self._scopes = Scopes(self.file)
            return method in CONSOLE_METHODS and self._scopes.is_global(receiver, "console")
        return method in LOGGER_METHODS and self._is_logger(receiver)

    def _is_logger(self, node: Node) -> bool:
        node = unwrapped(node)
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            if func is None:
                return False
            func = unwrapped(func)
            assert self._classifier is not None
            name = self._classifier.name_of(func) or ""
            if name not in LOGGER_FACTORIES:
                return False
            receiver = func.child_by_field_name("object")
            return name != "child" or (receiver is not None and self._is_logger(receiver))
        if node.type not in {"identifier", "member_expression"}:
            return False
        assert self._classifier is not None
        own = self._classifier.name_of(node)
        if own is None:
            return False
        last = words(own)[-1:]
        return (
            own in self.loggers or own in LOGGER_PACKAGES or bool(last and last[0] in LOGGER_WORDS)
        )

    def _quote(self, call: Node) -> str:
        """The quote of the call's first string literal, else of the file's."""
        found = _first_string(call)
        if found is not None:
            return self.code(found)[0]
        if self._file_quote is None:
            first = _first_string(self.file.root)
            self._file_quote = self.code(first)[0] if first is not None else '"'
        return self._file_quote

    VALID = VALID
    INVALID = INVALID


def _first_string(root: Node) -> Node | None:
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type == "string":
            return node
        pending.extend(reversed(node.named_children))
    return None
