"""Toy rules that exist only to test fixes that span files: a test fixture, never shipped
nor registered. The tests copy this module into a project as a local plugin.

- `toy-log-module` (JS): `say(x)` becomes `log.say(x)`, imports `log` from
  `./lib/log.js` and creates that module: every such fix creates the same file and adds
  the same import, which count once.
- `toy-other-log` (JS): `yell(x)` becomes `log.yell(x)`, creating `lib/log.js` with
  other content: beside `toy-log-module`, a conflict.
- `todo-registry` (Python): reports `todo("...")` calls; its project fix gathers every
  one of the run into `TODOS.md`, created or rewritten."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from auditor.plugins import (
    Edit,
    Finding,
    Fix,
    Invalid,
    OptionValue,
    ProjectFiles,
    Rule,
    Severity,
    TreeSitterRule,
    Valid,
)

if TYPE_CHECKING:
    from tree_sitter import Node

LOG_MODULE = "export const log = {\n  say: (text) => console.info(text),\n};\n"
OTHER_MODULE = "export const log = {\n  yell: (text) => console.warn(text),\n};\n"
IMPORT = 'import { log } from "./lib/log.js";\n'


class _ToyLog(TreeSitterRule):
    severity = Severity.LOW
    languages = frozenset({"javascript"})
    fix_applicability = "unsafe"
    CALLEE = ""
    MODULE = ""

    def visit_call_expression(self, node: Node) -> None:
        callee = node.child_by_field_name("function")
        if callee is None or callee.type != "identifier" or self.code(callee) != self.CALLEE:
            return
        edits = [
            self.replace(callee, f"log.{self.CALLEE}"),
            Edit(0, 0, self.MODULE, path="lib/log.js", create=True),
        ]
        if IMPORT not in self.file.text:
            edits.append(Edit(0, 0, IMPORT))
        self.report(node, edits=edits)


class ToyLogModule(_ToyLog):
    """Calls of `say()`, to be made through a log module the fix creates.

    A test fixture for fixes that span files.
    The fix imports the module, and creates it.
    Every fix creates the same module.
    """

    id = "toy-log-module"
    message = "say() writes to the console: use log.say()"
    fix_description = "call log.say, from lib/log.js"
    triggers = ("say",)
    CALLEE = "say"
    MODULE = LOG_MODULE
    VALID = (Valid("log.say('hi');\n", path="app.js"),)
    INVALID = (
        Invalid(
            "say('hi');\nsay('there');\n",
            fixed=f"{IMPORT}log.say('hi');\nlog.say('there');\n",
            fixed_files={"lib/log.js": LOG_MODULE},
            count=2,
            path="app.js",
        ),
        Invalid(
            f"{IMPORT}say('hi');\n",
            fixed=f"{IMPORT}log.say('hi');\n",
            files={"lib/log.js": LOG_MODULE},
            path="app.js",
        ),
    )


class ToyOtherLog(_ToyLog):
    """Calls of `yell()`, to be made through a log module of other content.

    A test fixture for fixes that span files.
    Beside toy-log-module, the two fixes conflict.
    """

    id = "toy-other-log"
    message = "yell() writes to the console: use log.yell()"
    fix_description = "call log.yell, from lib/log.js"
    triggers = ("yell",)
    CALLEE = "yell"
    MODULE = OTHER_MODULE
    VALID = (Valid("log.yell('hi');\n", path="app.js"),)
    INVALID = (
        Invalid(
            "yell('hi');\n",
            fixed=f"{IMPORT}log.yell('hi');\n",
            fixed_files={"lib/log.js": OTHER_MODULE},
            path="app.js",
        ),
    )


class TodoRegistry(Rule):
    """Calls of `todo("...")`; the project fix lists them all in TODOS.md.

    A test fixture for project fixes.
    Each call is a finding; its message is the todo.
    The one fix of the run creates or rewrites TODOS.md.
    """

    id = "todo-registry"
    severity = Severity.LOW
    message = "a todo"
    triggers = ("todo",)
    fix_description = "list every todo() in TODOS.md"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "todo" and node.args:
            value = node.args[0].value
            if isinstance(value, cst.SimpleString):
                self.report(node, f"todo: {value.evaluated_value!s}")

    @classmethod
    def project_fix(
        cls, findings: Sequence[Finding], files: ProjectFiles, options: Mapping[str, OptionValue]
    ) -> Fix | None:
        lines = [f"- {f.path}:{f.start.line}: {f.message.removeprefix('todo: ')}" for f in findings]
        text = "# TODO\n\n" + "".join(line + "\n" for line in lines)
        old = files.read("TODOS.md")
        if old == text:
            return None
        edit = (
            Edit(0, 0, text, path="TODOS.md", create=True)
            if old is None
            else Edit(0, len(old), text, path="TODOS.md")
        )
        return Fix((edit,), "list every todo() in TODOS.md")

    VALID = (Valid("done('x')\n", path="app.py"),)
    INVALID = (
        Invalid(
            "todo('parse dates')\n",
            path="app.py",
            files={"lib/util.py": "x = 1\ntodo('cache it')\n"},
            fixed_files={
                "TODOS.md": "# TODO\n\n- app.py:1: parse dates\n- lib/util.py:2: cache it\n"
            },
        ),
        Invalid(
            "todo('parse dates')\n",
            path="app.py",
            files={"TODOS.md": "# TODO\n\n- app.py:9: gone\n"},
            fixed_files={"TODOS.md": "# TODO\n\n- app.py:1: parse dates\n"},
        ),
    )
