"""bare-except: `except:` handlers in Python."""

from __future__ import annotations

import ast
import bisect
import re
from typing import TYPE_CHECKING

from auditor.plugins import (
    AstIndex,
    AstRule,
    Fixed,
    FixTarget,
    Invalid,
    Offer,
    RuleContext,
    Severity,
    Valid,
)
from rules._docs import rule_url
from rules.python._bare_detect import (
    CATCH_ALL_SIGNALS,
    HandlerAt,
    Named,
    around,
    colon,
    names_a_base_exception,
    swallows_everything,
)
from rules.python._bare_exits import always_reraises, sometimes_reraises
from rules.python._bare_narrow import Narrowing, Place, find_project
from rules.python._logger_discovery import LOGGER_IMPORT, LOGGER_MODULES
from rules.python._narrowing_examples import NARROWING_EXAMPLES

if TYPE_CHECKING:
    from auditor.plugins import Scope
    from rules.python._bare_fix import Fixes

__all__ = ["CATCH_ALL_SIGNALS", "BareExcept"]
_SWALLOWED = (
    "`except BaseException:` that swallows the error is a bare `except:` spelled out:"
    " it also hides KeyboardInterrupt and SystemExit; name the exceptions"
)


class BareExcept(AstRule):
    """Finds `except:` handlers that name no exception type, and `except BaseException:`
    handlers that swallow the error silently (`pass`, `...`, `continue`, `return None`):
    the same defect spelled out, so rewriting one into the other is no fix.

    Why: a bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and
    `GeneratorExit`, so Ctrl-C, `sys.exit()` and generator cleanup are swallowed, and
    real bugs are hidden behind a handler that was meant for one expected failure.

    Fix (safe): `except:` becomes `except Exception:`, which keeps catching every error
    the program can meaningfully handle. It becomes `except BaseException:` instead, so
    that behaviour is kept exactly, where the handler re-raises with a bare `raise` on
    every path (cleanup, then propagate; every branch, loop, nested `try` and `match` is
    followed), and where it is a deliberate catch-all: an earlier handler of the same
    `try` names `KeyboardInterrupt`, `SystemExit`, `GeneratorExit` or `BaseException`.
    There is no fix where `Exception` is not the builtin (a class, parameter or class
    attribute of that name). The fix is unsafe (`--unsafe-fixes`) where the intent is not
    certain: in a module with a `from m import *`, which may rebind `Exception`; for a
    handler that re-raises on some paths only (cleanup that Ctrl-C would now skip:
    `if not self.__exit__(*sys.exc_info()): raise`); and for a bare `except:` after other
    handlers, which may mean everything else, SystemExit included. Comments and
    formatting are kept byte for byte.

    Alternative (unsafe): the handler names the exceptions the `try` body raises, from a
    table of calls and operations (`int()` -> ValueError, TypeError; `json.loads` ->
    json.JSONDecodeError; `d["key"]` -> KeyError; file and OS calls -> OSError;
    requests, httpx, redis and SQLAlchemy calls -> their libraries' base exceptions;
    the table is documented in `rules/python/_raises.py`), importing a module when the
    name needs it; a handler that swallowed the error silently (`pass`, `...`,
    `continue`, `return None`) logs it with `logger.exception(...)` on the module's
    logger, or the project's (option `logger-import`, or found by name: console-logging
    explains how), bound as console-logging's fix binds it. `--fix --unsafe-fixes` applies it
    instead of the safe fix. Unsafe: every other exception, a TypeError from a bug
    included, now propagates. It is not offered where the body calls code the table
    does not know, for a handler that re-raises (the cleanup it does would be skipped)
    or a deliberate catch-all, or in a module with a star import.
    """

    id = "bare-except"
    url = rule_url(id)
    severity = Severity.CRITICAL
    message = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"
    # `except` then only whitespace (or a backslash continuation) before the colon: files
    # whose handlers all name a type (most files) are never parsed for this rule. A pattern that starts with a
    # literal is searched for that literal first (no `\b` in front): 20 times faster.
    triggers = (re.compile(r"except[\s\\]*:"), "BaseException")
    fix_description = "name the exception type"
    OPTIONS = {LOGGER_IMPORT: ""}
    # The silent handler's log line is on the project's logger: where it is looked for.
    PROJECT_FILES = LOGGER_MODULES

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        return any(
            handler.type is None
            or (isinstance(handler.type, ast.Name) and handler.type.id == "BaseException")
            for handler in tree.nodes(ast.ExceptHandler)
        )

    def visit_Module(self, node: ast.Module) -> None:
        stars = [
            s for s in self.nodes(ast.ImportFrom) if s.names[0].name == "*" and s.module is not None
        ]
        stars.sort(key=lambda s: (s.lineno, s.col_offset))
        self.star_imports = [s.module for s in stars if s.module is not None]
        self.tree = node
        self.starts = [s.lineno for s in node.body]
        self.enclosing: list[tuple[str, bool]] = []  # enclosing classes and functions
        self.tries = 0  # the `try` statements met so far
        self.narrowing: Narrowing | None = None
        self.fixes: Fixes | None = None

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.enclosing.append((node.name, True))

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.enclosing.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.enclosing.append((node.name, False))

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.enclosing.pop()

    def visit_Try(self, node: ast.Try) -> None:
        ordinal = self.tries
        self.tries += 1
        # A bare `except:` after a handler for KeyboardInterrupt or SystemExit is a
        # deliberate catch-all: it is meant to catch everything else, SystemExit included.
        deliberate = False
        for index, handler in enumerate(node.handlers):
            at = HandlerAt(ordinal, index)
            if handler.type is None:
                self._report(node, at, deliberate, after_others=index > 0)
            elif names_a_base_exception(handler.type, self.code, self._around):
                if not deliberate and swallows_everything(handler):
                    self._report_swallowed(handler, at)
                deliberate = True

    def _report_swallowed(self, handler: ast.ExceptHandler, at: HandlerAt) -> None:
        assert handler.type is not None
        scope = self.scopes.scope_of(handler)
        if not _is_builtin(scope, "BaseException"):
            return  # a class of the module's own called BaseException
        if not _is_builtin(scope, "Exception"):
            self.report(handler, f"{_SWALLOWED} (no fix: `Exception` is rebound here)")
            return
        offer = Offer(
            "replace `except BaseException:` with `except Exception:`",
            "unsafe" if self.star_imports else "safe",
        )
        self.report(handler.type, _SWALLOWED, fix=offer, data=at)

    def _report(self, node: ast.Try, at: HandlerAt, deliberate: bool, after_others: bool) -> None:

        handler = node.handlers[at.handler]
        keeps_all = deliberate or always_reraises(handler.body)
        caught = "BaseException" if keeps_all else "Exception"
        if not _is_builtin(self.scopes.scope_of(handler), caught):
            self.report(handler, f"{self.message} (no fix: `{caught}` is rebound here)")
            return
        description = f"replace `except:` with `except {caught}:`"
        unsafe = None
        if self.star_imports:
            unsafe = f"`from {self.star_imports[0]} import *` may rebind `{caught}`"
        elif not keeps_all and sometimes_reraises(handler.body):
            # Cleanup that propagates unless told otherwise: Ctrl-C and sys.exit() would
            # now skip it (unittest.mock's patch would stay applied).
            unsafe = "it re-raises on some paths: what it does first would be skipped for Ctrl-C"
        elif not keeps_all and after_others:
            # `except SkipTest: ... except: record(...)`: everything else, SystemExit
            # perhaps on purpose (unittest's loader reports a test module calling sys.exit()).
            unsafe = "after other handlers it may mean everything else, SystemExit included"
        place = narrowed = None
        if not (keeps_all or self.star_imports or sometimes_reraises(handler.body)):
            place = self._place(node)
            narrowed = self._narrowing().description(node, at.handler, place)
        offer = Offer(
            description + (f" (unsafe: {unsafe})" if unsafe else ""),
            "unsafe" if unsafe else "safe",
        )
        narrowing = self.narrowing
        self.report(
            handler,
            end=self._colon(handler),
            fix=offer,
            alternatives=() if narrowed is None else (Offer(narrowed, "unsafe"),),
            data=Named(
                at,
                caught,
                None if narrowed is None else place,
                narrowing.used if narrowing is not None else _unused,
                narrowing.project if narrowing is not None else _no_project,
                self.context.path,
            ),
        )

    def fix(self, target: FixTarget) -> Fixed | None:
        from rules.python._bare_fix import Fixes

        if self.fixes is None or self.fixes.module is not target.module:
            self.fixes = Fixes(target)
        data = target.data
        if isinstance(data, Named):
            return self.fixes.named(data)
        assert isinstance(data, HandlerAt)
        return self.fixes.swallowed(data)

    def _narrowing(self) -> Narrowing:
        if self.narrowing is None:
            self.narrowing = Narrowing(
                self.scopes,
                self.tree,
                self.text,
                self.lines,
                self.context.path,
                self.code,
                find_project(self.context.root, self.context.path, self.text_option(LOGGER_IMPORT)),
                self.module_uses,
                self.index,
            )
        return self.narrowing

    def _place(self, node: ast.Try) -> Place:
        """The module statement around `node` (as LibCST counts them), and the functions
        and classes around it."""
        statement = self.tree.body[bisect.bisect_right(self.starts, node.lineno) - 1]
        return Place(
            self._narrowing().line_of[id(statement)],
            ".".join(name for name, _ in self.enclosing),
            any(function for _, function in self.enclosing),
        )

    def _around(self, node: ast.AST) -> str:
        span = self.span(node)
        return around(self.text, span.start, span.end)

    def _colon(self, handler: ast.ExceptHandler) -> ast.AST:
        return colon(self.text, self.lines, self.span(handler).start)

    VALID = (
        Valid("try:\n    run()\nexcept Exception:\n    pass\n"),
        Valid("try:\n    run()\nexcept (OSError, ValueError) as exc:\n    log(exc)\n"),
        Valid("try:\n    run()\nexcept* ValueError:\n    pass\n"),
        Valid('text = "try: x\\nexcept: pass"\n'),
        Valid("try:\n    run()\nfinally:\n    cleanup()\n"),
        # Not silent: the error is recorded, or propagates.
        Valid("try:\n    run()\nexcept BaseException as exc:\n    record(exc)\n"),
        Valid(
            "try:\n    run()\nexcept BaseException:\n    log.exception('run failed')\n    x = 0\n"
        ),
        Valid("try:\n    run()\nexcept BaseException:\n    rollback()\n    raise\n"),
        Valid(
            "try:\n    run()\nexcept KeyboardInterrupt:\n    stop()\nexcept BaseException:\n    pass\n"
        ),
    )

    INVALID = (
        Invalid(
            "try:\n    run()\nexcept:\n    pass\n",
            fixed="try:\n    run()\nexcept Exception:\n    pass\n",
            line=3,
            column=1,
        ),
        Invalid(
            "def f():\n    try:\n        run()\n    except:  # keep me\n        return None\n",
            fixed="def f():\n    try:\n        run()\n    except Exception:  # keep me\n"
            "        return None\n",
            line=4,
            column=5,
        ),
        Invalid(
            "try:\n    run()\nexcept:\n    cleanup()\n    raise\n",
            fixed="try:\n    run()\nexcept BaseException:\n    cleanup()\n    raise\n",
        ),
        Invalid(
            "try:\n    run()\nexcept: raise\n",
            fixed="try:\n    run()\nexcept BaseException: raise\n",
        ),
        Invalid(
            "try:\n    run()\nexcept:\n    if retry:\n        raise\n    log()\n",
            fixed="try:\n    run()\nexcept Exception:\n    if retry:\n        raise\n    log()\n",
        ),
        Invalid(
            "try:\n    run()\nexcept:\n    if a:\n        raise\n    else:\n        raise\n",
            fixed="try:\n    run()\nexcept BaseException:\n"
            "    if a:\n        raise\n    else:\n        raise\n",
        ),
        Invalid(
            "async def f():\n    try:\n        await run()\n    except ValueError:\n"
            "        pass\n    except :\n        pass\n    else:\n        done()\n"
            "    finally:\n        close()\n",
            fixed="async def f():\n    try:\n        await run()\n    except ValueError:\n"
            "        pass\n    except Exception:\n        pass\n    else:\n        done()\n"
            "    finally:\n        close()\n",
            line=6,
            column=5,
        ),
        Invalid(
            "try:\n    try:\n        run()\n    except: pass\nexcept:\n    pass\n",
            fixed="try:\n    try:\n        run()\n    except Exception: pass\n"
            "except Exception:\n    pass\n",
            line=4,
            column=5,
            count=2,
        ),
        # A line continuation between `except` and its colon.
        Invalid(
            "try:\n    run()\nexcept \\\n:\n    pass\n",
            fixed="try:\n    run()\nexcept Exception:\n    pass\n",
        ),
        # A deliberate catch-all: Ctrl-C and sys.exit() are handled first, the bare
        # `except:` is meant for everything else, SystemExit included.
        Invalid(
            """
            try:
                run()
            except KeyboardInterrupt:
                raise
            except:
                report_failure()
            """,
            fixed="""
            try:
                run()
            except KeyboardInterrupt:
                raise
            except BaseException:
                report_failure()
            """,
            line=5,
        ),
        Invalid(
            "try:\n    run()\nexcept (ValueError, builtins.SystemExit):\n    pass\n"
            "except:\n    pass\n",
            fixed="try:\n    run()\nexcept (ValueError, builtins.SystemExit):\n    pass\n"
            "except BaseException:\n    pass\n",
        ),
        # `Exception` is not the builtin here: a class of the module, a parameter.
        Invalid("class Exception(Exception):\n    pass\n\ntry:\n    run()\nexcept:\n    pass\n"),
        Invalid("def f(Exception):\n    try:\n        run()\n    except:\n        pass\n"),
        Invalid(
            "class Retry:\n    Exception = OSError\n    try:\n        run()\n    except:\n        pass\n"
        ),
        # Re-raises on some paths only: `return`, `continue` or `break` of an outer loop
        # inside a branch, a loop or a nested `try` swallows the exception.
        Invalid(
            """
            def f():
                try:
                    run()
                except:
                    if quiet:
                        return "swallowed"
                    raise
            """,
            fixed="""
            def f():
                try:
                    run()
                except Exception:
                    if quiet:
                        return "swallowed"
                    raise
            """,
        ),
        Invalid(
            "for job in jobs:\n    try:\n        run(job)\n    except:\n"
            "        for step in undo:\n            continue\n        try:\n"
            "            cleanup()\n        finally:\n            continue\n        raise\n",
            fixed="for job in jobs:\n    try:\n        run(job)\n    except Exception:\n"
            "        for step in undo:\n            continue\n        try:\n"
            "            cleanup()\n        finally:\n            continue\n        raise\n",
        ),
        Invalid(
            """
            def f():
                try:
                    run()
                except:
                    try:
                        cleanup()
                    except OSError:
                        return
                    raise
            """,
            fixed="""
            def f():
                try:
                    run()
                except Exception:
                    try:
                        cleanup()
                    except OSError:
                        return
                    raise
            """,
        ),
        # ...and on every path: the loop's own `break`, a `while True` left by `raise`,
        # a `try` whose handlers re-raise, a `match` with a catch-all case.
        Invalid(
            "try:\n    run()\nexcept:\n    match mode:\n        case 1:\n            raise\n"
            "        case _:\n            raise\n",
            fixed="try:\n    run()\nexcept BaseException:\n    match mode:\n        case 1:\n"
            "            raise\n        case _:\n            raise\n",
        ),
        Invalid(
            "try:\n    run()\nexcept:\n    match mode:\n        case 1:\n            raise\n",
            fixed="try:\n    run()\nexcept Exception:\n    match mode:\n        case 1:\n"
            "            raise\n",
        ),
        Invalid(
            """
            try:
                run()
            except:
                for handler in handlers:
                    if handler():
                        break
                while True:
                    try:
                        cleanup()
                    except OSError:
                        raise
                    else:
                        raise
            """,
            fixed="""
            try:
                run()
            except BaseException:
                for handler in handlers:
                    if handler():
                        break
                while True:
                    try:
                        cleanup()
                    except OSError:
                        raise
                    else:
                        raise
            """,
        ),
        Invalid(
            "try:\n    run()\nexcept BaseException:\n    pass\n",
            fixed="try:\n    run()\nexcept Exception:\n    pass\n",
            line=3,
            column=8,
        ),
        # Swallowed as surely with a value returned (redash's oracle.py after black).
        Invalid(
            "def convert(value):\n    try:\n        return int(value)\n"
            "    except BaseException:\n        return value\n",
            fixed="def convert(value):\n    try:\n        return int(value)\n"
            "    except Exception:\n        return value\n",
            line=4,
            column=12,
        ),
        *NARROWING_EXAMPLES,
    )


def _is_builtin(scope: Scope, name: str) -> bool:
    """Whether `name` read in `scope` is the builtin: not a module class `Exception`, a
    class attribute, a parameter or an import of that name."""
    return all(a.kind == "builtin" for a in scope[name])


def _unused(name: str) -> bool:
    return False


def _no_project() -> None:
    return None
