"""console-logging: calls of the builtin `print` in library code (Python)."""

from __future__ import annotations

import ast
import re
from typing import Literal

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedName, QualifiedNameSource, ScopeProvider

from auditor.plugins import (
    AstIndex,
    Insertions,
    Replacement,
    Rule,
    RuleContext,
    Severity,
    imported_modules,
)
from rules._docs import rule_url
from rules.python._code import code_of
from rules.python._console_examples import INVALID, VALID
from rules.python._console_fix import logger_call, redacted
from rules.python._logger_discovery import LOGGER_IMPORT, LOGGER_MODULES, discover
from rules.python._logger_fix import (
    LoggerPlan,
    bind_logger,
    binding_index,
    plan_logger,
    sees_module_binding,
)
from rules.python._print_call import (
    allowed_file,
    body_span,
    is_main_ast,
    is_main_test,
    keyword_value,
    level_option,
    message_parts,
)

LOGGING_CLASS_SUFFIXES = ("Handler", "Formatter", "Filter", "LoggerAdapter")
STDOUT = frozenset({"sys.stdout", "sys.__stdout__"})
STDERR = frozenset({"sys.stderr", "sys.__stderr__"})

Stream = Literal["stdout", "stderr"]


class ConsoleLogging(Rule):
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
    statement_local = True
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
    # Qualified names are asked of the scope for the few nodes that need them: resolving
    # QualifiedNameProvider (and ParentNodeProvider) for every node of every file that
    # merely contains "print" made the rule several times slower.
    METADATA_DEPENDENCIES = (ScopeProvider,)

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
        self.module: cst.Module | None = None
        self.plan: LoggerPlan | None = None
        self.main_bodies: set[cst.BaseSuite] = set()
        self.main_depth = 0  # inside the body of `if __name__ == "__main__":`
        self.fstring_depth = 0
        self.in_logging_class: list[bool] = []  # a class stack: is each part of logging?
        self.logging_classes: set[str] = set()  # the module's own handlers, formatters...

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        logging_class = any(self.is_logging_class(base.value) for base in node.bases)
        if logging_class:
            self.logging_classes.add(node.name.value)
        self.in_logging_class.append(logging_class)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.in_logging_class.pop()

    def visit_If(self, node: cst.If) -> None:
        if is_main_test(node.test):
            self.main_bodies.add(node.body)  # not its `else`/`elif`

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.main_depth += node in self.main_bodies

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.main_depth -= original_node in self.main_bodies

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.main_depth += node in self.main_bodies

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self.main_depth -= original_node in self.main_bodies

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.fstring_depth += 1

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self.fstring_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self.allowed_file or not self.is_builtin_print(node):
            return
        stream = self.stream(node)
        if stream is None or self.main_depth:
            return
        parts = message_parts(node)
        if isinstance(parts, str):
            self.report(node, f"{self.message} (no fix: {parts})")
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
        scope = self.get_metadata(ScopeProvider, node, None)
        if problem is None and (scope is None or not sees_module_binding(scope, plan.name)):
            problem = f"`{plan.name}` means something else here"
        clean, secret = redacted(node)
        written = logger_call(clean, plan, self.levels[stream]) if secret is None else secret
        if problem is not None or isinstance(written, str):
            self.report(node, f"{self.message} (no fix: {problem or written})")
            return
        replacements: list[tuple[cst.CSTNode, Replacement]] = []
        assert isinstance(written.func, cst.Attribute)
        description = f"log with `{plan.name}.{written.func.attr.value}(...)`"
        if clean is not node:
            description += " without the personal data"
        if plan.insertion is not None:
            assert self.module is not None
            insertions = Insertions(self.module.body)
            bind_logger(plan.insertion, binding_index(plan.insertion, self.module.body), insertions)
            replacements += insertions.replacements()
            description += f" and bind `{plan.name}` at module level"
            description += f" {plan.origin}" if plan.origin else ""
        self.report(
            node,
            replacement=written,
            replacements=replacements,
            fix_description=description,
        )

    # --- resolution ---------------------------------------------------------------------

    def qualified_names(self, node: cst.CSTNode) -> frozenset[QualifiedName]:
        scope = self.get_metadata(ScopeProvider, node, None)
        return frozenset(scope.get_qualified_names_for(node)) if scope else frozenset()

    def is_logging_class(self, base: cst.BaseExpression) -> bool:
        """A class of the logging machinery: `logging.Handler` and kin, a class named like
        one (`RichHandler`, `JsonFormatter`), or one of the module's own such classes."""
        names = self.qualified_names(base)
        if any(n.name.startswith("logging.") for n in names):
            return True
        name = code_of(base).rsplit(".", 1)[-1]
        if name in self.logging_classes:
            return True
        if names and all(n.source == QualifiedNameSource.IMPORT for n in names):
            return False  # `pygments.formatter.Formatter` is imported from elsewhere
        return name.endswith(LOGGING_CLASS_SUFFIXES)  # unknown origin (a star import)

    def is_builtin_print(self, call: cst.Call) -> bool:
        func = call.func
        named = isinstance(func, cst.Name) and func.value == "print"
        if not named and not (isinstance(func, cst.Attribute) and func.attr.value == "print"):
            return False
        names = self.qualified_names(func)
        # Every binding the name may have must be the builtin: a conditional
        # `from rich import print` means the call is not console logging for sure.
        return bool(names) and all(n.name == "builtins.print" for n in names)

    def stream(self, call: cst.Call) -> Stream | None:
        """Where the print writes, None when it is a file and not the console."""
        target = keyword_value(call, "file")
        if target is None or (isinstance(target, cst.Name) and target.value == "None"):
            return "stdout"
        names = {n.name for n in self.qualified_names(target)}
        if names and names <= STDOUT:
            return "stdout"
        if names and names <= STDERR:
            return "stderr"
        return None

    def logger_plan(self) -> LoggerPlan:
        if self.plan is None:
            assert self.module is not None
            scope = self.get_metadata(ScopeProvider, self.module)
            assert isinstance(scope, GlobalScope)
            imports = [m for s in self.module.body for m in imported_modules(s) or ()]
            project = discover(
                self.context.root, self.context.path, imports, self.text_option(LOGGER_IMPORT)
            )
            self.plan = plan_logger(
                self.module,
                scope,
                self.qualified_names,
                self.is_builtin_print,
                self.context.path,
                self.module_uses,
                project,
            )
        return self.plan

    VALID = VALID
    INVALID = INVALID
