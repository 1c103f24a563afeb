"""bare-except for JavaScript and TypeScript: `catch` blocks that swallow the error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Invalid, Severity, TreeSitterRule, Valid
from rules._docs import rule_url

if TYPE_CHECKING:
    from tree_sitter import Node


class JsEmptyCatch(TreeSitterRule):
    """Finds `catch` clauses whose block is empty, with or without a binding
    (`catch (e) {}`, `catch {}`). A block holding only comments counts as empty: a comment
    explains the swallowing, it does not handle anything.

    Why: this is JavaScript's bare `except: pass`. The error vanishes: a failed request,
    a JSON.parse of bad input or a bug in the `try` block leaves no trace, and the code
    after it runs on with state that was never set.

    Example: `try { save(order) } catch (e) {}` is flagged; log the error, rethrow it, or
    handle the one failure you expect and rethrow the others.

    No fix: what the handler should do is a decision about the program. Where ignoring is
    really intended, say so with `// audit: ignore[bare-except]` and a reason.
    """

    id = "bare-except"
    url = rule_url(id)
    severity = Severity.CRITICAL
    languages = frozenset({"javascript", "typescript"})
    message = "empty `catch` block swallows the error; handle, log or rethrow it"
    triggers = ("catch",)

    def visit_catch_clause(self, node: Node) -> None:
        body = node.child_by_field_name("body")
        if body is not None and all(child.type == "comment" for child in body.named_children):
            self.report(node)

    VALID = (
        Valid("try {\n  run();\n} catch (e) {\n  log(e);\n}\n", path="example.js"),
        Valid("try {\n  run();\n} catch {\n  throw new Error('x');\n}\n", path="example.ts"),
        Valid("try {\n  run();\n} finally {\n}\n", path="example.js"),
        Valid("promise.catch(() => {});\nconst text = 'catch (e) {}';\n", path="example.ts"),
        Valid(
            "export const C = () => {\n  try {\n    run();\n  } catch (e: unknown) {\n"
            "    report(e);\n  }\n  return <div />;\n};\n",
            path="example.tsx",
        ),
    )

    INVALID = (
        Invalid("try {\n  run();\n} catch (e) {}\n", path="example.js", line=3, column=3),
        Invalid("try {\n  run();\n} catch {\n}\n", path="example.ts", line=3, column=3),
        Invalid(
            "try {\n  run();\n} catch (err: unknown) {\n  // nothing to do\n  /* really */\n}\n",
            path="example.ts",
            line=3,
            column=3,
        ),
        Invalid(
            "export function C() {\n  try { run(); } catch { }\n  return <p>{`ok`}</p>;\n}\n",
            path="example.tsx",
            line=2,
            column=18,
        ),
        Invalid(
            "try {\n  try { a(); } catch (e) {}\n} catch (outer) {\n}\n",
            path="example.mjs",
            line=2,
            column=16,
            count=2,
        ),
    )
