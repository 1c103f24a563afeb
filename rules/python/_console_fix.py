"""The logger call console-logging's fix writes for a print: pii-logging's redaction first
(the fix never writes a value pii-logging's vocabulary names, whether or not that rule
runs: `print("login", email)` -> `logger.info("login [redacted: email]")`, so that both
rules' fixes come to one call), then the call in the shape of the logger
(`_logger_shapes`), through the method it has for the level."""

from __future__ import annotations

import libcst as cst

from auditor.plugins import find_all
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules._pii_vocabulary import Vocabulary
from rules.python._logger_fix import LoggerPlan
from rules.python._logger_shapes import loguru_parts, method_for, structlog_arguments
from rules.python._pii_redact import Redactor
from rules.python._pii_values import Classifier
from rules.python._print_call import logger_arguments, message_parts

# pii-logging's default vocabulary: a rule sees only its own options.
_CLASSIFIER: list[Classifier] = []


def classifier() -> Classifier:
    if not _CLASSIFIER:
        vocabulary = Vocabulary.from_options(
            PII_OPTIONS["names"], (), PII_OPTIONS["objects"], (), ()
        )
        _CLASSIFIER.append(Classifier(vocabulary))
    return _CLASSIFIER[0]


def redacted(call: cst.Call) -> tuple[cst.Call, str | None]:
    """The print with the personal and secret values replaced by markers, and why there
    is no fix when they cannot be (a `*args` spread carries them)."""
    redactor = Redactor(classifier(), quote_of(call))
    args = redactor.print_arguments(call.args)
    if not redactor.found:
        return call, None
    if redactor.problem is not None:
        return call, f"it prints personal or secret data, and {redactor.problem}"
    return call.with_changes(args=args), None


def logger_call(call: cst.Call, plan: LoggerPlan, level: str) -> cst.Call | str:
    """`call`, a print already redacted whose message `message_parts` reads, as a call
    of the plan's logger; a string says why there is none."""
    method = method_for(level, plan.methods)
    if method is None:
        return f"the project's logger has no `{level}` method"
    parts = message_parts(call)
    assert not isinstance(parts, str)
    if not plan.takes_arguments and len(parts) > 1:
        return f"the project's logger's `{method}` takes the message only"
    func = cst.Attribute(cst.Name(plan.name), cst.Name(method))
    if plan.kind == "structlog":
        args = structlog_arguments(call.args, quote_of(call))
        if isinstance(args, str):
            return args
        return cst.Call(func, args, lpar=call.lpar, rpar=call.rpar)
    if plan.kind == "loguru":
        parts = loguru_parts(parts)
    return call.with_changes(func=func, args=logger_arguments(call, parts))


def quote_of(call: cst.Call) -> str:
    """The quote of the call's first string literal: the file's style."""
    strings = find_all(call, cst.SimpleString)
    return strings[0].quote[0] if strings else '"'
