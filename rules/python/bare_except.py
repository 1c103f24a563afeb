"""bare-except: `except:` handlers in Python."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import libcst as cst

from auditor.plugins import AstIndex, Invalid, Rule, RuleContext, Severity, Valid


class BareExcept(Rule):
    """Finds `except:` handlers that name no exception type.

    Why: a bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and
    `GeneratorExit`, so Ctrl-C, `sys.exit()` and generator cleanup are swallowed, and
    real bugs are hidden behind a handler that was meant for one expected failure.

    Fix (safe): `except:` becomes `except Exception:`, which keeps catching every error
    the program can meaningfully handle. Where the handler re-raises with a bare `raise`
    on every path (cleanup, then propagate), it becomes `except BaseException:` instead,
    so that behaviour is kept exactly. Comments and formatting are kept byte for byte.
    Narrow the type further by hand where you know what can fail.
    """

    id = "bare-except"
    severity = Severity.CRITICAL
    message = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"
    # `except` then only whitespace before the colon: files whose handlers all name a
    # type (most files) are never parsed for this rule. A pattern that starts with a
    # literal is searched for that literal first (no `\b` in front): 20 times faster.
    triggers = (re.compile(r"except\s*:"),)
    fix_description = "name the exception type"

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        return any(handler.type is None for handler in tree.nodes(ast.ExceptHandler))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is not None:
            return
        caught = "BaseException" if _always_reraises(_statements(node.body)) else "Exception"
        self.report(
            node,
            end=node.whitespace_after_except,
            replacement=node.with_changes(
                type=cst.Name(caught),
                whitespace_after_except=cst.SimpleWhitespace(" "),
            ),
            fix_description=f"replace `except:` with `except {caught}:`",
        )

    VALID = (
        Valid("try:\n    run()\nexcept Exception:\n    pass\n"),
        Valid("try:\n    run()\nexcept (OSError, ValueError) as exc:\n    log(exc)\n"),
        Valid("try:\n    run()\nexcept* ValueError:\n    pass\n"),
        Valid('text = "try: x\\nexcept: pass"\n'),
        Valid("try:\n    run()\nfinally:\n    cleanup()\n"),
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
    )


def _always_reraises(body: Sequence[cst.BaseStatement]) -> bool:
    """Whether every path through `body` ends in a bare `raise` (conservative: a path
    we cannot follow counts as one that does not re-raise)."""
    for statement in body:
        if _ends_in_bare_raise(statement):
            return True
        if _leaves_early(statement):
            return False
    return False


def _leaves_early(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(
            isinstance(s, cst.Return | cst.Break | cst.Continue | cst.Raise) for s in statement.body
        )
    return False


def _ends_in_bare_raise(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Raise):
                return small.exc is None
            if isinstance(small, cst.Return | cst.Break | cst.Continue):
                return False
        return False
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        if orelse is None:
            return False
        other = [orelse] if isinstance(orelse, cst.If) else _statements(orelse.body)
        return _always_reraises(_statements(statement.body)) and _always_reraises(other)
    if isinstance(statement, cst.With):
        return _always_reraises(_statements(statement.body))
    return False


def _statements(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.SimpleStatementSuite):  # `except: raise` on one line
        return [cst.SimpleStatementLine(body=block.body)]
    assert isinstance(block, cst.IndentedBlock)
    return block.body
