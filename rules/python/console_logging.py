"""console-logging: calls of the builtin `print` in library code (Python)."""

from __future__ import annotations

import ast
import re
from typing import Literal

from auditor.plugins import (
    AstIndex,
    AstRule,
    Fixed,
    FixTarget,
    Offer,
    RuleContext,
    Severity,
)
from rules._docs import rule_url
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules._pii_vocabulary import Vocabulary
from rules.python._ast_console import method_for, parts_count, structlog_comment
from rules.python._ast_logger_plan import (
    AstLoggerPlan,
    imported_modules,
    lines,
    plan_logger,
)
from rules.python._ast_pii import AstClassifier
from rules.python._ast_print import (
    allowed_file,
    body_span,
    is_main_ast,
    is_main_test,
    is_none,
    keyword_value,
    level_option,
    message_problem,
    qualified_names,
)
from rules.python._ast_redact import Outcome, Redaction
from rules.python._ast_source import Source
from rules.python._console_examples import INVALID, VALID
from rules.python._logger_discovery import LOGGER_IMPORT, LOGGER_MODULES, Discovery, discover

LOGGING_CLASS_SUFFIXES = ("Handler", "Formatter", "Filter", "LoggerAdapter")
STDOUT = frozenset({"sys.stdout", "sys.__stdout__"})
STDERR = frozenset({"sys.stderr", "sys.__stderr__"})

Stream = Literal["stdout", "stderr"]


class ConsoleLogging(AstRule):
    """Finds calls of the builtin `print` outside tests, `if __name__ == "__main__":`
    blocks and the modules named in the `allow` option (CLI entry points).

    Why: library and service code that prints writes to a console nobody reads in
    production. The output has no level, no timestamp and no module name, cannot be
    filtered or routed by the application's logging configuration, and interleaves with
    the output of programs that use the module. `print` is resolved by scope: a local,
    imported or parameter `print` is not the builtin; `builtins.print(...)` is. A print
    with `file=` anything other than `sys.stdout`/`sys.stderr` writes to a file and is
    not flagged.

    Example: `print("loaded", path)` in `shop/catalog.py` becomes
    `_logger.info("loaded %s", path)`, with `_logger = _logging.getLogger(__name__)`
    bound once at module level.

    Fix (unsafe): the call becomes a call on the module's logger, or on the project's:
    - The project's logger: the module `logger-import` names (`"from app.log import
      logger"`; a factory with its binding, `"from app.log import get_logger; log =
      get_logger(__name__)"`, or bound `_logger = get_logger(__name__)`), else one found by
      name in the file's top package and its import roots (`logger.py`, `log.py`,
      `logging_config.py`, `utils/logger.py`, `core/logging.py`, ...; the list is in
      rules/python/_logger_discovery.py) that binds a logger (`logging.getLogger(...)`,
      structlog's `get_logger()`, loguru's `logger`) or a `get_logger` function. It is read,
      never imported, and imported only where its file resolves from the scanned file (its
      package root, or a folder its imports resolve from), and never into a module the
      logger module imports itself, directly or through others (the import would be
      circular: glances' logger.py imports globals.py); otherwise the fix falls back to
      `logging.getLogger(__name__)` and its description says why. An edit of a module at
      one of the places searched refreshes cached results (a module `logger-import` names
      elsewhere is read but not watched). The call takes the
      logger's shape: `%` arguments for the standard library's, `{}` for loguru's, an
      event and keywords for structlog's (`logger.info("saved", order_id=order.id)`); a
      logger of the project's own class gets the nearest method it has for the level.
    - A value pii-logging's vocabulary names is never written into the call: it is
      redacted as pii-logging's fix redacts it (`print("login", email)` becomes
      `logger.info("login [redacted: email]")`), so both fixes come to one call.
    Where the module has a logger, an existing module-level
    `NAME = logging.getLogger(__name__)` is reused (another `getLogger(...)` binding only
    when it is the module's one logger). Otherwise a binding is added after the imports,
    before any statement that prints at import time: without an `__all__` its names are
    private, `_logger = _logging.getLogger(__name__)` (reusing an import of logging), as
    `from module import *` would carry public ones into the importing module; with an
    `__all__`, `logger` and `import logging` (another name if one is taken). No fix in a
    logging handler, formatter or filter (a logger call there would recurse), nor in a
    copy of a module that `logging` itself imports (a vendored `os`, `re`, `threading`).
    `file=sys.stderr` logs at `error`, anything else at `info` (options `stderr-level`,
    `stdout-level`). Several arguments become a %-style format with one `%s` per
    non-literal argument; plain string literals and a literal `sep` are folded into it,
    and `%` is escaped as `%%` when the call has arguments; folded literals keep their spelling
    (escapes stay escapes), and kept arguments keep their comments. A single str literal or
    f-string is passed as it is; any other single argument is logged as `("%s", value)`,
    so the message is always a constant format. `end` and `flush` are dropped.
    No fix for `print()`, `*args`/`**kwargs`, a computed `sep`, or an `end`/`flush`
    computed by an expression the fix would drop.
    The fix is unsafe because output moves from stdout to logging handlers: code whose
    output is its purpose (a `show()` method, a doctest that checks printed text, a
    command-line tool) behaves differently. Apply it with `--unsafe-fixes`, or promote it
    with `extend-safe-fixes = ["console-logging"]`; for CLI modules, use `allow` instead.
    """

    id = "console-logging"
    url = rule_url(id)
    severity = Severity.CRITICAL
    message = "`print` writes to the console; log through the module's logger instead"
    # A call of a bare `print` (also parenthesised, `(print)(`, or continued, `print \`
    # then `(`), or anything naming `builtins`: method calls (`.print(`) and names such as
    # `pprint(` or `print_help(` never make a file worth parsing. The look-behind comes
    # after the literal, so that the search looks for `print` first.
    triggers = (re.compile(r"print(?<![\w.]print)[\s\\)]*\("), "builtins")
    fix_applicability = "unsafe"
    OPTIONS = {"allow": (), "stdout-level": "info", "stderr-level": "error", LOGGER_IMPORT: ""}
    # Where a project's logger is looked for: an edit of one refreshes cached results.
    PROJECT_FILES = LOGGER_MODULES

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        if allowed_file(context):
            return False
        mains: list[tuple[tuple[int, int], tuple[int, int]]] | None = None
        for call in tree.nodes(ast.Call):
            func = call.func
            if (isinstance(func, ast.Name) and func.id == "print") or (
                isinstance(func, ast.Attribute) and func.attr == "print"
            ):
                if mains is None:
                    mains = [body_span(n) for n in tree.nodes(ast.If) if is_main_ast(n.test)]
                at = (call.lineno, call.col_offset)
                if not any(first <= at < last for first, last in mains):
                    return True
        return False

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.levels: dict[Stream, str] = {
            "stdout": level_option(self.options, "stdout-level"),
            "stderr": level_option(self.options, "stderr-level"),
        }
        self.allowed_file = allowed_file(context)
        self.tree: ast.Module | None = None
        self.plan: AstLoggerPlan | None = None
        self.project: Discovery = None
        self.index_of: list[int] = []
        self._source: Source | None = None
        self.mains: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.fstring_depth = 0
        self.in_logging_class: list[bool] = []  # a class stack: is each part of logging?
        self.logging_classes: set[str] = set()  # the module's own handlers, formatters...

    def visit_Module(self, node: ast.Module) -> None:
        self.tree = node

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        own = -1
        if node.bases:
            start = self.span(node).start
            own = self.text.find("(", self.text.find(node.name, start) + len(node.name))
        logging_class = any(self.is_logging_class(base, own) for base in node.bases)
        if logging_class:
            self.logging_classes.add(node.name)
        self.in_logging_class.append(logging_class)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.in_logging_class.pop()

    def visit_If(self, node: ast.If) -> None:
        if is_main_test(node.test):
            self.mains.append(body_span(node))  # not its `else`/`elif`

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.fstring_depth += 1

    def leave_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.fstring_depth -= 1

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = Source(self.text, self.span)
        return self._source

    def in_main(self, call: ast.Call) -> bool:
        at = (call.lineno, call.col_offset)
        return any(first <= at < last for first, last in self.mains)

    def visit_Call(self, node: ast.Call) -> None:
        if self.allowed_file or not self.is_builtin_print(node):
            return
        stream = self.stream(node)
        if stream is None or self.in_main(node):
            return
        problem = message_problem(node)
        if problem is not None:
            self.report(node, f"{self.message} (no fix: {problem})")
            return
        if self.fstring_depth:
            # The new format string's quotes could end the f-string (before Python 3.12).
            self.report(node, f"{self.message} (no fix: a print inside an f-string)")
            return
        if any(self.in_logging_class):
            # A handler's emit() logging through the logger would call itself.
            recursion = "inside a logging handler, formatter or filter, logging would recurse"
            self.report(node, f"{self.message} (no fix: {recursion})")
            return
        plan = self.logger_plan()
        problem = plan.unusable(node)
        if problem is None and not self.sees_module_binding(node, plan.name):
            problem = f"`{plan.name}` means something else here"
        redaction = Redaction(AstClassifier(_vocabulary(), self.source))
        outcomes = redaction.print_arguments(node)
        level = self.levels[stream]
        written: str | None = None
        method: str | None = None
        if redaction.found and redaction.problem is not None:
            written = f"it prints personal or secret data, and {redaction.problem}"
        else:
            method = method_for(level, plan.methods)
            written = self.logger_problem(node, plan, level, method, outcomes, redaction)
        if problem is not None or written is not None:
            self.report(node, f"{self.message} (no fix: {problem or written})")
            return
        description = f"log with `{plan.name}.{method}(...)`"
        if redaction.found:
            description += " without the personal data"
        if plan.inserts:
            description += f" and bind `{plan.name}` at module level"
            description += f" {plan.origin}" if plan.origin else ""
        self.report(node, fix=Offer(description, self.fix_applicability), data=level)

    def logger_problem(
        self,
        node: ast.Call,
        plan: AstLoggerPlan,
        level: str,
        method: str | None,
        outcomes: list[Outcome],
        redaction: Redaction,
    ) -> str | None:
        """Why `_console_fix.logger_call` writes no call (a string there)."""
        if method is None:
            return f"the project's logger has no `{level}` method"
        if not plan.takes_arguments and parts_count(self.source, node, outcomes, redaction) > 1:
            return f"the project's logger's `{method}` takes the message only"
        if plan.kind == "structlog" and structlog_comment(self.source, node, outcomes, redaction):
            return "a comment inside the printed values would be lost"
        return None

    def fix(self, target: FixTarget) -> Fixed | None:
        from rules.python._console_fix import print_fix

        assert isinstance(target.data, str)
        return print_fix(self, target, target.data)

    # --- resolution ---------------------------------------------------------------------

    def qualified_names(self, node: ast.AST) -> frozenset[str]:
        return frozenset(name for name, _ in self.qualified(node))

    def qualified(self, node: ast.AST) -> frozenset[tuple[str, str]]:
        """(name, source) of each qualified name LibCST gives `node`."""
        return qualified_names(self.scopes, node)

    def is_logging_class(self, base: ast.expr, own_paren: int) -> bool:
        """A class of the logging machinery: `logging.Handler` and kin, a class named like
        one (`RichHandler`, `JsonFormatter`), or one of the module's own such classes."""
        if isinstance(base, ast.Starred):
            base = base.value
        names = self.qualified(base)
        if any(name.startswith("logging.") for name, _ in names):
            return True
        name = self.source.code(base, own_paren).rsplit(".", 1)[-1]
        if name in self.logging_classes:
            return True
        if names and all(source == "import" for _, source in names):
            return False  # `pygments.formatter.Formatter` is imported from elsewhere
        return name.endswith(LOGGING_CLASS_SUFFIXES)  # unknown origin (a star import)

    def is_builtin_print(self, call: ast.Call) -> bool:
        func = call.func
        named = isinstance(func, ast.Name) and func.id == "print"
        if not named and not (isinstance(func, ast.Attribute) and func.attr == "print"):
            return False
        names = self.qualified_names(func)
        # Every binding the name may have must be the builtin: a conditional
        # `from rich import print` means the call is not console logging for sure.
        return bool(names) and all(n == "builtins.print" for n in names)

    def stream(self, call: ast.Call) -> Stream | None:
        """Where the print writes, None when it is a file and not the console."""
        target = keyword_value(call, "file")
        if target is None or is_none(target):
            return "stdout"
        names = self.qualified_names(target)
        if names and names <= STDOUT:
            return "stdout"
        if names and names <= STDERR:
            return "stderr"
        return None

    def sees_module_binding(self, node: ast.AST, name: str) -> bool:
        """Whether `name`, read where `node` is, is the module-level binding."""
        return all(a.scope.kind == "global" for a in self.scopes.scope_of(node)[name])

    def uses(self, name: str) -> bool:
        return self.module_uses(name)

    def logger_plan(self) -> AstLoggerPlan:
        if self.plan is None:
            tree = self.tree
            assert tree is not None
            self.index_of = lines(tree.body, self.text, self._offsets)
            imports = imported_modules(tree.body, self.index_of)
            self.project = discover(
                self.context.root, self.context.path, imports, self.text_option(LOGGER_IMPORT)
            )
            self.plan = plan_logger(
                tree,
                self.scopes,
                self.qualified_names,
                self.is_builtin_print,
                self.context.path,
                self.uses,
                self.index_of,
                self.text,
                self.project,
            )
        return self.plan

    def _offsets(self, node: ast.AST) -> tuple[int, int]:
        at = self.span(node)
        return at.start, at.end

    VALID = VALID
    INVALID = INVALID


# pii-logging's default vocabulary: a rule sees only its own options.
_VOCABULARY: list[Vocabulary] = []


def _vocabulary() -> Vocabulary:
    if not _VOCABULARY:
        _VOCABULARY.append(
            Vocabulary.from_options(PII_OPTIONS["names"], (), PII_OPTIONS["objects"], (), ())
        )
    return _VOCABULARY[0]
