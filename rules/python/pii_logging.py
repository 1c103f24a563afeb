"""pii-logging: personal or secret data in `print` and logging calls (Python)."""

from __future__ import annotations

import ast
import re

from auditor.plugins import (
    AstIndex,
    AstRule,
    Fixed,
    FixTarget,
    Offer,
    RuleContext,
    Severity,
    globs,
)
from rules._docs import rule_url
from rules._pii_vocabulary import (
    FAKE_DATA_FILES,
    finding_text,
    fix_text,
    rule_vocabulary,
    words,
)
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules.python._ast_pii import AstClassifier, last_name
from rules.python._ast_print import allowed_file, is_none, qualified_names
from rules.python._ast_redact import Redaction
from rules.python._ast_source import Source
from rules.python._pii_examples import INVALID, VALID

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
LOGGER_WORDS = frozenset({"log", "logger", "logging"})
LOGGER_FACTORIES = frozenset({"getLogger", "get_logger", "getChild"})
LOGGER_CHAINS = frozenset({"bind", "opt", "new", "getChild"})  # structlog, loguru
CONSOLE_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})


class PiiLogging(AstRule):
    """Finds `print` and logging calls whose arguments carry personal or secret data: an
    e-mail, phone number, a person's name, postal address, birth date, password, token,
    secret, API key, card or bank number, national id, IP address or session cookie, or a
    whole user/customer/profile record or request's data.

    Logging calls: the builtin `print` (resolved by scope; not with a `file=` other than
    `sys.stdout`/`sys.stderr`), the stdlib `logging` API (`logging.info(...)`), and
    `debug`/`info`/`warning`/`error`/`exception`/`critical`/`log` on a receiver named like a
    logger (`logger`, `log`, `self._log`, `access_logger`, `app.logger`), on a
    module-level name bound to `getLogger(...)`/`get_logger(...)`, on such a call itself, on
    structlog's `.bind(...)` and loguru's `.opt(...)`, or on a name in the `loggers`
    option. Test files, seeds, fixtures, stories and mocks (made-up data), and the `allow`
    globs are not checked.

    What is data: names, attributes, subscript keys and `.get("key")` keys that the
    vocabulary names (`user_email`, `customerPhone`, `billingAddress`, `access_token`,
    `request.POST.get("password")`), matched on identifier word parts (snake_case,
    camelCase, kebab-case); secrets read from configuration (`settings.SECRET_KEY`,
    `os.getenv("STRIPE_API_KEY")`); a person record's `name`/`full_name`/`address`
    (`user.name`), an IP on a request or a person (`request.remote_addr` by name,
    `user.ip_address`); whole records (`user`, `current_user`, `customer_data`, and
    `request.user`, `session.user`, `self.customer`); a request's parsed data
    (`request.POST`, `request.body`, `request.get_json()`), a form's `cleaned_data`;
    getters (`user.get_full_name()`); and values re-spelled by `str()`, `repr()`,
    `.lower()`, `json.dumps()`. They are found in the arguments, inside f-strings, `%`
    and `.format` messages, `+` concatenations, dicts (also `{"email": addr}`, by key),
    `extra={...}`, structlog keywords and `**record` spreads. Not data: string literals
    (`print("email sent")`); things about the data (`email_count`, `is_email_verified`,
    `has_password`, `token_type`, `address_id`, `user.id`, `emailsAnalyzed`, and a value
    under a key such as `customer_id=`); any other call's result (`len(password)`,
    `mask(email)`); ALL_CAPS constants (`API_KEY_MISSING`) and configuration's e-mails and
    names (`settings.DEFAULT_FROM_EMAIL`: the organisation's). Ambiguous alone and left
    out for precision: a bare `token` (a stream position, a lexer's token, a public
    channel key), `ip`/`ip_address` (a device's), `session_id` (a media stream's),
    `full_name` (a module's), `profile` (a CLI's), `event.user` (an id). The vocabulary
    is in rules/_pii_names.py and the README; options `names` and `objects` replace it,
    `extend-names` and `extend-objects` add to it (`"label: words"`, e.g. `"card: loyalty
    number"`), and `ignore-names` lists identifiers that are never data (`"body"` stops
    reporting request bodies).

    Why: logs are kept for months, copied to log stores and read by people who must not
    see customers' personal data or the service's secrets (GDPR, PCI DSS); a leaked key
    in a log is a leaked key.

    Fix (unsafe): each value is replaced by the marker `[redacted: LABEL]`, the rest of
    the call kept: `logger.info(f"Booking for {user.email} created, id {booking.id}")`
    becomes `logger.info(f"Booking for [redacted: email] created, id {booking.id}")`,
    `logger.info("login %s from %s", email, ip)` becomes
    `logger.info("login [redacted: email] from [redacted: ip address]")` (the values
    folded into the `%`-format), `print("User:", user.email, user.id)` becomes
    `print("User:", "[redacted: email]", user.id)`, `print(customer)` becomes
    `print("[redacted: customer]")`. No fix where a `*`/`**` spread carries the data, or
    where a `%`/`str.format` template would not show the marker as it showed the value.
    The fix is unsafe because the log's output changes: the redacted value may be what
    someone needs to debug (log an id in its place by hand where one is needed), and a
    variable or import used only by the log call is left unused (ruff's F841/F401 report
    and remove it).
    """

    id = "pii-logging"
    url = rule_url(id)
    severity = Severity.CRITICAL
    message = "the log call writes personal or secret data"
    # `print`, or a call of a logging method (`.info(`): files with neither are not parsed.
    triggers = (
        "print",
        re.compile(r"\.(?:debug|info|warning|warn|error|exception|critical|fatal|log)[\s\\]*\("),
    )
    fix_applicability = "unsafe"
    OPTIONS = dict(PII_OPTIONS)

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        if allowed_file(context) or globs(FAKE_DATA_FILES).match(context.path):
            return False
        for call in tree.nodes(ast.Call):
            func = call.func
            if (isinstance(func, ast.Name) and func.id == "print") or (
                isinstance(func, ast.Attribute) and func.attr in LOG_METHODS | {"print"}
            ):
                values = [*call.args, *(k.value for k in call.keywords)]
                if any(not isinstance(v, ast.Constant) for v in values):
                    return True
        return False

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.vocabulary = rule_vocabulary(self.strings_option)
        self.loggers = set(self.strings_option("loggers"))
        self.skip = allowed_file(context) or globs(FAKE_DATA_FILES).match(context.path)
        self._classifier: AstClassifier | None = None

    def visit_Module(self, node: ast.Module) -> None:
        for small in node.body:
            if isinstance(small, ast.Assign | ast.AnnAssign) and self._makes_logger(small.value):
                targets = small.targets if isinstance(small, ast.Assign) else [small.target]
                self.loggers.update(t.id for t in targets if isinstance(t, ast.Name))

    def visit_Call(self, node: ast.Call) -> None:
        if self.skip:
            return
        message_index = self._logging_call(node)
        if message_index is None:
            return
        if self._classifier is None:
            self._classifier = AstClassifier(self.vocabulary, Source(self.text, self.span))
        redaction = Redaction(self._classifier)
        if message_index < 0:
            redaction.print_arguments(node)
        else:
            redaction.logging_arguments(node, message_index)
        if not redaction.found:
            return
        text = finding_text(self.message, redaction.found)
        if redaction.problem is not None:
            self.report(node, f"{text} (no fix: {redaction.problem})")
            return
        offer = Offer(fix_text(redaction.found), self.fix_applicability)
        self.report(node, text, fix=offer, data=message_index)

    def fix(self, target: FixTarget) -> Fixed | None:
        from rules.python._pii_redact import redacted_call

        assert isinstance(target.data, int)
        return redacted_call(self.vocabulary, target, target.data)

    def _logging_call(self, call: ast.Call) -> int | None:
        """-1 for a console print, the message's position among the positional arguments
        for a logging call, None for any other call."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS:
            if self._is_logger(func.value):
                return 1 if func.attr == "log" else 0
            return None
        if last_name(func) == "print" and self._is_builtin_print(func):
            for keyword in call.keywords:
                if keyword.arg == "file":
                    target = keyword.value
                    if not is_none(target) and _dotted(target) not in CONSOLE_STREAMS:
                        return None  # writes to a file
            return -1
        return None

    def _is_logger(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Call):
            name = last_name(node.func)
            if name in LOGGER_FACTORIES:
                return True
            return (
                name in LOGGER_CHAINS
                and isinstance(node.func, ast.Attribute)
                and self._is_logger(node.func.value)
            )
        name = last_name(node)
        if name is None:
            return False
        last = words(name)[-1:]
        return name in self.loggers or bool(last and last[0] in LOGGER_WORDS)

    def _makes_logger(self, node: ast.expr | None) -> bool:
        return isinstance(node, ast.Call) and last_name(node.func) in LOGGER_FACTORIES

    def _is_builtin_print(self, func: ast.expr) -> bool:
        names = qualified_names(self.scopes, func)
        return bool(names) and all(n == "builtins.print" for n, _ in names)

    VALID = VALID
    INVALID = INVALID


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None
