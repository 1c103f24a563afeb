"""console-logging: calls of the builtin `print` in library code (Python)."""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedName, ScopeProvider

from auditor.plugins import (
    AstIndex,
    Invalid,
    OptionValue,
    Replacement,
    Rule,
    RuleContext,
    Severity,
    Valid,
    globs,
)
from rules.python._logger_fix import LoggerPlan, plan_logger, sees_module_binding

TEST_FILES = ("test_*.py", "*_test.py", "conftest.py", "tests/")
LEVELS = ("debug", "info", "warning", "error", "critical")
STDOUT = frozenset({"sys.stdout", "sys.__stdout__"})
STDERR = frozenset({"sys.stderr", "sys.__stderr__"})
PRINT_KEYWORDS = frozenset({"sep", "end", "file", "flush"})

Stream = Literal["stdout", "stderr"]


# A logger call's argument: an original argument kept as it is, or a new format string.
Part = cst.Arg | cst.SimpleString


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
    `logger.info("loaded %s", path)`, with `logger = logging.getLogger(__name__)`
    bound once at module level.

    Fix (unsafe): the call becomes a call on the module's logger: an existing module-level
    `NAME = logging.getLogger(...)` is reused; otherwise `import logging` (when missing)
    and `logger = logging.getLogger(__name__)` are added after the imports (another name
    if `logger` is taken), before any statement that prints at import time.
    `file=sys.stderr` logs at `error`, anything else at `info` (options `stderr-level`,
    `stdout-level`). Several arguments become a %-style format with one `%s` per
    non-literal argument; plain string literals and a literal `sep` are folded into it,
    and `%` is escaped as `%%` when the call has arguments. A single str literal or
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
    severity = Severity.CRITICAL
    message = "`print` writes to the console; log through the module's logger instead"
    # A call of a bare `print`, or anything naming `builtins`: method calls (`.print(`)
    # and names such as `pprint(` or `print_help(` never make a file worth parsing. The
    # look-behind comes after the literal, so that the search looks for `print` first.
    triggers = (re.compile(r"print(?<![\w.]print)\s*\("), "builtins")
    fix_applicability = "unsafe"
    OPTIONS = {"allow": (), "stdout-level": "info", "stderr-level": "error"}
    # Qualified names are asked of the scope for the few nodes that need them: resolving
    # QualifiedNameProvider (and ParentNodeProvider) for every node of every file that
    # merely contains "print" made the rule several times slower.
    METADATA_DEPENDENCIES = (ScopeProvider,)

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        if _allowed_file(context):
            return False
        mains: list[tuple[tuple[int, int], tuple[int, int]]] | None = None
        for call in tree.nodes(ast.Call):
            func = call.func
            if (isinstance(func, ast.Name) and func.id == "print") or (
                isinstance(func, ast.Attribute) and func.attr == "print"
            ):
                if mains is None:
                    mains = [_body_span(n) for n in tree.nodes(ast.If) if _is_main_ast(n.test)]
                at = (call.lineno, call.col_offset)
                if not any(first <= at < last for first, last in mains):
                    return True
        return False

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.levels: dict[Stream, str] = {
            "stdout": _level(self.options, "stdout-level"),
            "stderr": _level(self.options, "stderr-level"),
        }
        self.allowed_file = _allowed_file(context)
        self.module: cst.Module | None = None
        self.plan: LoggerPlan | None = None
        self.main_bodies: set[cst.BaseSuite] = set()
        self.main_depth = 0  # inside the body of `if __name__ == "__main__":`
        self.fstring_depth = 0

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node

    def visit_If(self, node: cst.If) -> None:
        if _is_main_test(node.test):
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
        parts = _message(node)
        if isinstance(parts, str):
            self.report(node, f"{self.message} (no fix: {parts})")
            return
        if self.fstring_depth:
            # The new format string's quotes could end the f-string (before Python 3.12).
            self.report(node, f"{self.message} (no fix: a print inside an f-string)")
            return
        plan = self.logger_plan()
        problem = plan.unusable(node)
        scope = self.get_metadata(ScopeProvider, node, None)
        if problem is None and (scope is None or not sees_module_binding(scope, plan.name)):
            problem = f"`{plan.name}` means something else here"
        if problem is not None:
            self.report(node, f"{self.message} (no fix: {problem})")
            return
        level = self.levels[stream]
        logger_call = node.with_changes(
            func=cst.Attribute(cst.Name(plan.name), cst.Name(level)),
            args=_arguments(node, parts),
        )
        replacements: list[tuple[cst.CSTNode, Replacement]] = []
        description = f"log with `{plan.name}.{level}(...)`"
        if plan.insertion is not None:
            replacements.append(plan.insertion)
            description += f" and bind `{plan.name}` at module level"
        self.report(
            node,
            replacement=logger_call,
            replacements=replacements,
            fix_description=description,
        )

    # --- resolution ---------------------------------------------------------------------

    def qualified_names(self, node: cst.CSTNode) -> frozenset[QualifiedName]:
        scope = self.get_metadata(ScopeProvider, node, None)
        return frozenset(scope.get_qualified_names_for(node)) if scope else frozenset()

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
        target = _keyword(call, "file")
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
            self.plan = plan_logger(self.module, scope, self.qualified_names, self.is_builtin_print)
        return self.plan

    VALID = (
        # Not the builtin: shadowed, imported, maybe imported, a parameter, a method.
        Valid("def print(*args):\n    pass\n\n\nprint('x')\n"),
        Valid("from rich import print\n\nprint('[bold]done[/]')\n"),
        Valid(
            """
            try:
                from rich import print
            except ImportError:
                pass
            print("done")
            """
        ),
        Valid("def show(rows, print=print):\n    for row in rows:\n        print(row)\n"),
        Valid("console.print('x')\nself.print('y')\n"),
        Valid("callback = print\nlist(map(print, rows))\ntext = 'print(x)'\n"),
        # Allowed places.
        Valid('if __name__ == "__main__":\n    print("usage: shop FILE")\n'),
        Valid("if '__main__' == __name__:\n    def run():\n        print(1)\n    run()\n"),
        Valid("print('x')\n", path="tests/test_cart.py"),
        Valid("print('x')\n", path="shop/tests/helpers/factories.py"),
        Valid("print('x')\n", path="test_cart.py"),
        Valid("print('x')\n", path="shop/cart_test.py"),
        Valid("print('x')\n", path="shop/conftest.py"),
        Valid("print('x')\n", path="shop/cli.py", options={"allow": ("shop/cli.py",)}),
        Valid("print('x')\n", path="tools/seed.py", options={"allow": ("tools/",)}),
        # Writes to a file, not the console.
        Valid("with open(path, 'w') as fh:\n    print('total', total, file=fh)\n"),
        Valid("import sys\n\nprint('x', file=buffer)\nprint('y', file=self.stdout)\n"),
    )

    INVALID = (
        # A module that is a single print; a single non-literal argument gets "%s".
        Invalid(
            "print(total)\n",
            fixed="""
            import logging

            logger = logging.getLogger(__name__)
            logger.info("%s", total)
            """,
            line=1,
            column=1,
        ),
        # After the imports; one binding for every print (added in one round, reused in
        # the next); literals folded, one %s per other argument.
        Invalid(
            """
            import os
            from pathlib import Path


            def load(path):
                print("loading", path, "from", os.getcwd())
                print('done')
            """,
            fixed="""
            import os
            from pathlib import Path
            import logging

            logger = logging.getLogger(__name__)


            def load(path):
                logger.info("loading %s from %s", path, os.getcwd())
                logger.info('done')
            """,
            line=6,
            column=5,
            count=2,
        ),
        # stderr logs at error, however sys.stderr is spelled; file=None is stdout.
        Invalid(
            """
            import sys
            from sys import stderr as err


            def fail(reason):
                print("failed:", reason, file=sys.stderr)
                print("failed", file=err, flush=True)
                print("retrying", file=None, end="")
            """,
            fixed="""
            import sys
            from sys import stderr as err
            import logging

            logger = logging.getLogger(__name__)


            def fail(reason):
                logger.error("failed: %s", reason)
                logger.error("failed")
                logger.info("retrying")
            """,
            count=3,
        ),
        Invalid(
            "import sys\n\nprint('x', file=sys.stdout)\n",
            fixed="import sys\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "logger.info('x')\n",
        ),
        # Levels are options.
        Invalid(
            "import sys\n\n\ndef f():\n    print('a')\n    print('b', file=sys.stderr)\n",
            fixed="import sys\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def f():\n    logger.debug('a')\n    logger.warning('b')\n",
            count=2,
            options={"stdout-level": "debug", "stderr-level": "warning"},
        ),
        # An existing module logger is reused, whatever it is called and however
        # getLogger is imported.
        Invalid(
            """
            import logging

            log = logging.getLogger("shop.cart")


            def add(item):
                print("adding", item)
            """,
            fixed="""
            import logging

            log = logging.getLogger("shop.cart")


            def add(item):
                log.info("adding %s", item)
            """,
        ),
        Invalid(
            "from logging import getLogger\n\nLOG = getLogger(__name__)\n\n\n"
            "def f():\n    print('x')\n",
            fixed="from logging import getLogger\n\nLOG = getLogger(__name__)\n\n\n"
            "def f():\n    LOG.info('x')\n",
        ),
        # An import of logging (or of getLogger) is reused for a new binding.
        Invalid(
            "import logging as lg\n\n\ndef f():\n    print('x')\n",
            fixed="import logging as lg\n\nlogger = lg.getLogger(__name__)\n\n\n"
            "def f():\n    logger.info('x')\n",
        ),
        # `logger` is taken (a parameter somewhere): another name.
        Invalid(
            """
            import logging


            def configure(logger):
                logger.setLevel(logging.INFO)


            def run():
                print("running")
            """,
            fixed="""
            import logging

            _logger = logging.getLogger(__name__)


            def configure(logger):
                logger.setLevel(logging.INFO)


            def run():
                _logger.info("running")
            """,
        ),
        # `logging` means something else at module level: import it under another name.
        Invalid(
            "from shop import logging\n\n\ndef f():\n    print('x')\n",
            fixed="from shop import logging\nimport logging as _logging\n\n"
            "logger = _logging.getLogger(__name__)\n\n\ndef f():\n    logger.info('x')\n",
        ),
        # `import logging` only inside a function is not a module-level import.
        Invalid(
            "def f():\n    import logging\n\n    print('x')\n",
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n"
            "def f():\n    import logging\n\n    logger.info('x')\n",
        ),
        # The docstring and `from __future__` imports stay first.
        Invalid(
            '"""Cart totals."""\n\nfrom __future__ import annotations\n\n'
            'print("cart module loaded")\n',
            fixed='"""Cart totals."""\n\nfrom __future__ import annotations\n\n'
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n"
            'logger.info("cart module loaded")\n',
            line=5,
        ),
        # A print that runs before the last import must see the binding.
        Invalid(
            "import os\nprint('starting')\nimport sys\n",
            fixed="import os\nimport logging\n\nlogger = logging.getLogger(__name__)\n"
            "logger.info('starting')\nimport sys\n",
        ),
        # So must a function called at import time.
        Invalid(
            "import os\n\ndef setup():\n    print('setup')\n\nsetup()\nimport sys\n",
            fixed="import os\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "def setup():\n    logger.info('setup')\n\nsetup()\nimport sys\n",
        ),
        # An existing logger bound after code that may print at import time is not
        # usable there; the message says how to make it so.
        Invalid(
            "import logging\n\ndef setup():\n    print('setup')\n\nsetup()\n"
            "log = logging.getLogger(__name__)\n",
        ),
        Invalid(
            """
            import logging

            try:
                import numpy
            except ImportError:
                print("numpy is missing")
            log = logging.getLogger(__name__)


            def f():
                print("x")
            """,
            fixed="""
            import logging

            try:
                import numpy
            except ImportError:
                print("numpy is missing")
            log = logging.getLogger(__name__)


            def f():
                log.info("x")
            """,
            line=6,
            count=2,
        ),
        # The fixed call's `log` would be the parameter: no fix there, a fix elsewhere.
        Invalid(
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
            "def f(log):\n    print('a')\n\n\ndef g():\n    print('b')\n",
            fixed="import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
            "def f(log):\n    print('a')\n\n\ndef g():\n    log.info('b')\n",
            line=7,
            count=2,
        ),
        # Separators: a literal one is folded in, a computed one is not.
        Invalid(
            "import os\n\nprint('a', os.sep, 'b', sep='')\nprint(x, y, sep=', ')\n",
            fixed="import os\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "logger.info('a%sb', os.sep)\nlogger.info('%s, %s', x, y)\n",
            count=2,
        ),
        Invalid("print(a, b, sep=separator)\n"),
        # `%` is escaped only when logging will %-format the message.
        Invalid(
            "print('100%')\nprint('100%', 'done')\nprint('%d%%', n, sep='%')\n",
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n"
            "logger.info('100%')\nlogger.info('100% done')\nlogger.info('%%d%%%%%%%s', n)\n",
            count=3,
        ),
        # A single str literal or f-string stays as it is; an f-string among other
        # arguments is an argument; bytes are not text.
        Invalid(
            'print(f"total {total}")\nprint("a", f"{b}")\nprint(b"raw")\n',
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n"
            'logger.info(f"total {total}")\nlogger.info("a %s", f"{b}")\n'
            'logger.info("%s", b"raw")\n',
            count=3,
        ),
        # No fix: nothing to log, unknown arguments, effects the fix would drop.
        Invalid("def f():\n    print()\n", line=2, column=5),
        Invalid("def f(*args, **kwargs):\n    print(*args, **kwargs)\n"),
        Invalid("print('a', end=next(endings))\n"),
        Invalid("x = f'{print(1)}'\n", column=8),
        # `builtins.print` is the builtin.
        Invalid(
            "import builtins\n\nbuiltins.print('x')\n",
            fixed="import builtins\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "logger.info('x')\n",
        ),
        # Lambdas, comprehensions, class bodies and methods.
        Invalid(
            """
            import os

            notify = lambda name: print("hello", name)
            [print(row) for row in os.listdir()]


            class Report:
                print("defining")

                def show(self):
                    print(self)
            """,
            fixed="""
            import os
            import logging

            logger = logging.getLogger(__name__)

            notify = lambda name: logger.info("hello %s", name)
            [logger.info("%s", row) for row in os.listdir()]


            class Report:
                logger.info("defining")

                def show(self):
                    logger.info("%s", self)
            """,
            count=4,
        ),
        # The `else` of a main guard is not the main guard; a similar path is not a test.
        Invalid(
            "if __name__ == '__main__':\n    main()\nelse:\n    print('imported')\n",
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n"
            "if __name__ == '__main__':\n    main()\nelse:\n    logger.info('imported')\n",
            line=4,
        ),
        Invalid(
            "print('x')\n",
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info('x')\n",
            path="shop/tests_support.py",
        ),
        # A multi-line call keeps its layout and the comments of kept arguments.
        Invalid(
            """
            def report(total, count):
                print(  # summary
                    "total:",
                    total,  # in cents
                    count,
                )
            """,
            fixed="""
            import logging

            logger = logging.getLogger(__name__)
            def report(total, count):
                logger.info(  # summary
                    "total: %s %s",
                    total,  # in cents
                    count,
                )
            """,
        ),
        # CRLF files get CRLF lines.
        Invalid(
            "import os\r\n\r\n\r\ndef f():\r\n    print('x')\r\n",
            fixed="import os\r\nimport logging\r\n\r\nlogger = logging.getLogger(__name__)\r\n"
            "\r\n\r\ndef f():\r\n    logger.info('x')\r\n",
        ),
    )


def _level(options: Mapping[str, OptionValue], key: str) -> str:
    value = options[key]
    if value not in LEVELS:
        raise ValueError(f"option '{key}' must be one of {', '.join(LEVELS)} (got {value!r})")
    assert isinstance(value, str)
    return value


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _allowed_file(context: RuleContext) -> bool:
    """A test file or one the `allow` option names: printing is its business."""
    allow = context.options["allow"]
    assert isinstance(allow, tuple)
    return globs((*TEST_FILES, *allow)).match(context.path)


def _is_main_test(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _is_main_test(test.left) or _is_main_test(test.right)
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    return any(_is_name(a, "__name__") and _text(b) == "__main__" for a, b in (sides, sides[::-1]))


def _is_main_ast(test: ast.expr) -> bool:
    """`_is_main_test` on the `ast` tree, where it may only say less: the literal must be
    written exactly `"__main__"` or `'__main__'` (ast joins implicit concatenations)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_is_main_ast(value) for value in test.values)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    return any(
        isinstance(a, ast.Name)
        and a.id == "__name__"
        and isinstance(b, ast.Constant)
        and b.value == "__main__"
        and b.end_lineno == b.lineno
        and (b.end_col_offset or 0) - b.col_offset == len('"__main__"')
        for a, b in (sides, sides[::-1])
    )


def _body_span(node: ast.If) -> tuple[tuple[int, int], tuple[int, int]]:
    first, last = node.body[0], node.body[-1]
    return (first.lineno, first.col_offset), (
        last.end_lineno or last.lineno,
        last.end_col_offset or 0,
    )


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


# --- the message ---------------------------------------------------------------------------


def _message(call: cst.Call) -> list[Part] | str:
    """The logger call's arguments, or why there is no fix."""
    positional: list[cst.Arg] = []
    for arg in call.args:
        if arg.star:
            return "`*args`/`**kwargs` hide what is printed and where"
        if arg.keyword is None:
            positional.append(arg)
        elif arg.keyword.value not in PRINT_KEYWORDS:
            return f"`print` takes no `{arg.keyword.value}=` argument"
    if not positional:
        return "`print()` without arguments only writes a newline; there is nothing to log"
    sep = _keyword(call, "sep")
    separator = " " if sep is None or _is_name(sep, "None") else _text(sep)
    if separator is None:
        return "a computed `sep=` cannot be folded into the log message"
    for dropped in ("end", "flush"):
        value = _keyword(call, dropped)
        if value is not None and not _inert(value):
            return f"dropping `{dropped}=` would drop the effects of evaluating it"
    if len(positional) == 1 and _is_str_literal(positional[0].value):
        return [positional[0]]
    quote = _quote_char([*(arg.value for arg in positional), *([sep] if sep else [])])
    return _format(positional, separator, quote)


def _format(args: Sequence[cst.Arg], separator: str, quote: str) -> list[Part]:
    """A %-style format string (print's separator between the values, literal text folded
    in) followed by the arguments that stay arguments."""
    texts = [_text(arg.value) for arg in args]
    arguments = [arg for arg, text in zip(args, texts, strict=True) if text is None]

    def literal(text: str) -> str:
        # logging %-formats the message only when there are arguments
        return text.replace("%", "%%") if arguments else text

    fmt = literal(separator).join("%s" if t is None else literal(t) for t in texts)
    return [cst.SimpleString(_quote(fmt, quote)), *arguments]


def _arguments(call: cst.Call, parts: Sequence[Part]) -> list[cst.Arg]:
    """The logger call's arguments, keeping the original layout: a kept argument keeps
    its own comma and comments, the format string takes the place of the first argument,
    and the last one closes the call as the original last argument did (a trailing comma
    and the closing line of a multi-line call stay)."""
    first, last = call.args[0], call.args[-1]
    result = []
    for part in parts:
        if isinstance(part, cst.Arg):
            result.append(part)
        elif first.keyword is None and _text(first.value) is not None:
            result.append(first.with_changes(value=part))  # a literal folded into `part`
        else:
            comma = cst.Comma(whitespace_after=_line_break(call.whitespace_before_args))
            result.append(cst.Arg(part, comma=comma))
    if result[-1] is not last:
        result[-1] = result[-1].with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
    for index, arg in enumerate(result[:-1]):
        if not isinstance(arg.comma, cst.Comma):
            result[index] = arg.with_changes(comma=cst.Comma(cst.SimpleWhitespace(""), _SPACE))
    return result


_SPACE = cst.SimpleWhitespace(" ")


def _line_break(
    before_args: cst.BaseParenthesizableWhitespace,
) -> cst.BaseParenthesizableWhitespace:
    """Between two new arguments: a line break and indent when the call puts its arguments
    on their own lines (without the comment that may follow the opening parenthesis)."""
    if isinstance(before_args, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=True, last_line=before_args.last_line)
    return _SPACE


def _text(node: cst.BaseExpression) -> str | None:
    """The value of a plain str literal (no f-string or bytes part), else None."""
    if isinstance(node, cst.SimpleString):
        if "b" in node.prefix.lower():
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an invalid escape is not this rule's finding
            value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    return None


def _is_str_literal(node: cst.BaseExpression) -> bool:
    """A str literal, f-strings included (a message logged as it is)."""
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return _is_str_literal(node.left) and _is_str_literal(node.right)
    return False


def _inert(node: cst.BaseExpression) -> bool:
    """Evaluating it has no effect worth keeping (a dropped `end=`/`flush=` value)."""
    if isinstance(node, cst.Attribute):
        return _inert(node.value)
    if isinstance(node, cst.ConcatenatedString):
        return _inert(node.left) and _inert(node.right)
    return isinstance(node, cst.Name | cst.SimpleString | cst.Integer | cst.Float)


def _quote_char(values: Sequence[cst.BaseExpression]) -> str:
    """The project's quote style, as the first string literal of the call shows it."""
    for value in values:
        if isinstance(value, cst.SimpleString):
            return value.quote[0]
    return '"'


def _quote(text: str, quote: str) -> str:
    escaped = []
    for char in text:
        if char in ("\\", quote):
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        else:
            escaped.append(repr(char)[1:-1])  # \n, \t, \x00, \u2028 ...
    return quote + "".join(escaped) + quote
