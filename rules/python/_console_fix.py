"""The logger call console-logging's fix writes for a print: pii-logging's redaction first
(the fix never writes a value pii-logging's vocabulary names, whether or not that rule
runs: `print("login", email)` -> `logger.info("login [redacted: email]")`, so that both
rules' fixes come to one call), then the call in the shape of the logger
(`_logger_shapes`), through the method it has for the level."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedName, ScopeProvider

from auditor.plugins import Fixed, FixTarget, Insertions, Replacement, find_all
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules._pii_vocabulary import Vocabulary
from rules.python._logger_fix import LoggerPlan, bind_logger, binding_index, plan_logger
from rules.python._logger_shapes import loguru_parts, method_for, structlog_arguments
from rules.python._pii_redact import Redactor
from rules.python._pii_values import Classifier
from rules.python._print_call import logger_arguments, message_parts

if TYPE_CHECKING:
    from rules.python.console_logging import ConsoleLogging


def print_fix(rule: ConsoleLogging, target: FixTarget, level: str) -> Fixed | None:
    """The logger call for the print at `target.node` (detection decided there is one,
    and said what it is), and the logger's binding when the module needs one."""
    node = target.node
    if not isinstance(node, cst.Call):
        return None
    module = target.module
    plan = _plan(rule, target)
    clean, secret = redacted(node)
    written = logger_call(clean, plan, level) if secret is None else secret
    if isinstance(written, str):
        return None
    replacements: list[tuple[cst.CSTNode, Replacement]] = [(node, written)]
    if plan.insertion is not None:
        insertions = Insertions(module.body)
        bind_logger(plan.insertion, binding_index(plan.insertion, module.body), insertions)
        replacements += insertions.replacements()
    return Fixed(replacements=tuple(replacements))


_PLANS: dict[int, tuple[cst.Module, LoggerPlan]] = {}


def _plan(rule: ConsoleLogging, target: FixTarget) -> LoggerPlan:
    """The plan of `_logger_fix` on the LibCST module, once per module fixed."""
    module = target.module
    known = _PLANS.get(id(rule))
    if known is not None and known[0] is module:
        return known[1]

    def qualified(node: cst.CSTNode) -> Collection[QualifiedName]:
        try:
            scope = target.metadata(ScopeProvider, node)
        except KeyError:
            return frozenset()
        return frozenset(scope.get_qualified_names_for(node)) if scope else frozenset()  # type: ignore[attr-defined]

    def is_print(call: cst.Call) -> bool:
        func = call.func
        named = isinstance(func, cst.Name) and func.value == "print"
        if not named and not (isinstance(func, cst.Attribute) and func.attr.value == "print"):
            return False
        names = qualified(func)
        return bool(names) and all(n.name == "builtins.print" for n in names)

    scope = target.metadata(ScopeProvider, module)
    assert isinstance(scope, GlobalScope)
    plan = plan_logger(
        module, scope, qualified, is_print, rule.context.path, rule.uses, rule.project
    )
    _PLANS.clear()
    _PLANS[id(rule)] = (module, plan)
    return plan


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
