"""console-logging: `console.log(...)` and friends in JavaScript and TypeScript."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from auditor.plugins import Edit, Invalid, ParsedFile, RuleContext, Severity, TreeSitterRule, Valid
from rules.javascript.paths import TEST_FILES, matches
from rules.javascript.scope import Scopes, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

METHODS = frozenset({"log", "debug", "info", "warn", "error", "trace", "dir", "table"})
LOGGER_IMPORT = "logger-import"
METHOD_MAP = "method-map"
DEFAULT_METHOD_MAP = ("log:info", "trace:debug", "dir:debug", "table:debug")
NO_LOGGER = (
    "; set `logger-import` under [tool.audit.rules.console-logging] "
    "(e.g. \"import { logger } from '@/lib/logger'\") to get a fix"
)

LOGGER = "import { logger } from '@/lib/logger';"
OPTIONS_WITH_LOGGER = {LOGGER_IMPORT: LOGGER}


class JsConsoleLogging(TreeSitterRule):
    """Finds calls of `console.log`, `.debug`, `.info`, `.warn`, `.error`, `.trace`, `.dir`
    and `.table` in JavaScript and TypeScript, outside test files (`*.test.*`, `*.spec.*`,
    `__tests__/`) and the files matched by the `allow` globs. `console` is resolved by
    scope: a local variable, parameter, catch binding or import named `console` is not the
    global. Optional chaining (`console?.log()`, `console.log?.()`) and
    `console["log"]()` count too.

    Why: console output in a browser is visible to every user and lost to the team; on a
    server it has no level, no structure and no routing, and bypasses whatever the
    project's logger does (redaction, sampling, shipping to the log store).

    Example: `console.log("saved", order.id)` in `app/orders/page.tsx` becomes
    `logger.info("saved", order.id)`, with `import { logger } from '@/lib/logger';`
    added once after the module's imports (after a `'use client'` directive when there
    are none).

    Fix (unsafe), only when the `logger-import` option names the import to add, e.g.
    `logger-import = "import { logger } from '@/lib/logger'"` (or a CommonJS
    `const { logger } = require('./logger')`): the call goes to the logger's method of the
    same level (`log` -> `info`, `trace`, `dir` and `table` -> `debug`; change it with
    `method-map = ["log:info", ...]`), and the import is added unless the module already
    binds that name. No fix where that name is shadowed at the call. The fix is unsafe
    because output moves from the console to the logger (and its arguments are formatted
    by it); promote it with `extend-safe-fixes = ["console-logging"]`.
    """

    id = "console-logging"
    severity = Severity.CRITICAL
    languages = frozenset({"javascript", "typescript"})
    message = "`console` call writes to the console; log through the project's logger"
    triggers = ("console",)
    fix_applicability = "unsafe"
    OPTIONS = {"allow": (), LOGGER_IMPORT: "", METHOD_MAP: DEFAULT_METHOD_MAP}

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        allow = self.options["allow"]
        assert isinstance(allow, tuple)
        self._skip = matches(context.path, (*TEST_FILES, *allow))
        statement = self.options[LOGGER_IMPORT]
        assert isinstance(statement, str)
        self._logger = logger_import(statement.strip()) if statement.strip() else None
        method_map = self.options[METHOD_MAP]
        assert isinstance(method_map, tuple)
        self._methods = parse_method_map(method_map)
        self._scopes: Scopes | None = None
        self._import: Edit | None = None

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        self._scopes = Scopes(file)
        self._import = None

    def visit_call_expression(self, node: Node) -> None:
        if self._skip:
            return
        target = console_method(self.file, node)
        if target is None:
            return
        receiver, method = target
        assert self._scopes is not None
        if not self._scopes.is_global(receiver, "console"):
            return
        called = f"`console.{_name(self.file, method)}`"
        if self._logger is None:
            self.report(node, f"{called} writes to the console{NO_LOGGER}")
            return
        self._report_with_fix(node, receiver, method, called)

    def _report_with_fix(self, node: Node, receiver: Node, method: Node, called: str) -> None:
        assert self._logger is not None and self._scopes is not None
        logger = self._logger
        level = self._methods.get(_name(self.file, method), _name(self.file, method))
        binding = self._scopes.resolve(node, logger.name)
        if binding is not None and binding.scope.type != "program":
            message = (
                f"{called} writes to the console; `{logger.name}` is shadowed here, log by hand"
            )
            self.report(node, message)
            return
        edits = [self.replace(receiver, logger.name)]
        if method.type == "property_identifier":
            edits.append(self.replace(method, level))
        else:  # console["log"]: keep the quotes
            start, end = self.file.span(method)
            edits.append(Edit(start + 1, end - 1, level))
        if binding is None:
            # The same insertion for every call in the file, computed once.
            self._import = self._import or import_edit(self.file, logger.statement)
            edits.append(self._import)
        self.report(
            node,
            f"{called} writes to the console; use `{logger.name}.{level}`",
            edits=[e for e in edits if self.file.text[e.start : e.end] != e.text],
            fix_description=f"call `{logger.name}.{level}` instead",
        )

    VALID = (
        Valid("logger.info('saved');\n", path="example.js"),
        Valid("function f(console) {\n  console.log('x');\n}\n", path="example.js"),
        Valid("const console = makeConsole();\nconsole.log('x');\n", path="example.ts"),
        Valid("import console from './console';\nconsole.warn('x');\n", path="example.ts"),
        Valid("import { log as console } from './log';\nconsole.log('x');\n", path="example.mjs"),
        Valid("try {\n  a();\n} catch (console) {\n  console.error(1);\n}\n", path="example.js"),
        Valid("const f = (console) => console.log(1);\n", path="example.ts"),
        Valid("const f = console => console.log(1);\n", path="example.js"),
        Valid("function g({ console }: Deps) {\n  console.info(1);\n}\n", path="example.ts"),
        Valid(
            "console.group('x');\nconsole.time('t');\nconst log = console.log;\n", path="example.js"
        ),
        Valid("const text = 'console.log(1)';\n// console.log(2)\n", path="example.ts"),
        Valid("console.log('x');\n", path="src/app.test.ts"),
        Valid("console.log('x');\n", path="src/__tests__/app.tsx"),
        Valid("console.log('x');\n", path="scripts/seed.js", options={"allow": ("scripts/",)}),
        Valid(
            "console.log('x');\n",
            path="tools/build.config.mjs",
            options={"allow": ("**/*.config.{js,mjs}",)},
        ),
        Valid(
            "export function C() {\n  const console = useConsole();\n"
            "  return <b onClick={() => console.log('x')}>x</b>;\n}\n",
            path="example.tsx",
        ),
    )

    INVALID = (
        Invalid("console.log('saved');\n", path="example.js", line=1, column=1),
        Invalid(
            "import React from 'react';\n\nexport function Save() {\n"
            "  return <button onClick={() => console.log(`saved ${id}`)}>Save</button>;\n}\n",
            fixed="import React from 'react';\nimport { logger } from '@/lib/logger';\n\n"
            "export function Save() {\n"
            "  return <button onClick={() => logger.info(`saved ${id}`)}>Save</button>;\n}\n",
            path="example.tsx",
            options=OPTIONS_WITH_LOGGER,
            line=4,
            column=33,
        ),
        Invalid(
            "'use client';\n\nexport function f(order: Order) {\n  console?.log(order);\n"
            "  console.warn?.('slow');\n}\n",
            fixed="'use client';\nimport { logger } from '@/lib/logger';\n\n"
            "export function f(order: Order) {\n  logger?.info(order);\n"
            "  logger.warn?.('slow');\n}\n",
            path="example.ts",
            options=OPTIONS_WITH_LOGGER,
            line=4,
            column=3,
            count=2,
        ),
        Invalid(
            "import { a } from './a';\nimport type { B } from './b';\n\n"
            "console.error(\n  'failed',\n  a,\n);\nconsole.trace();\nconsole['table'](rows);\n",
            fixed="import { a } from './a';\nimport type { B } from './b';\n"
            "import { logger } from '@/lib/logger';\n\n"
            "logger.error(\n  'failed',\n  a,\n);\nlogger.debug();\nlogger['debug'](rows);\n",
            path="example.ts",
            options=OPTIONS_WITH_LOGGER,
            line=4,
            column=1,
            count=3,
        ),
        Invalid(
            "import { logger } from '@/lib/logger';\n\nconsole.log('x');\n",
            fixed="import { logger } from '@/lib/logger';\n\nlogger.info('x');\n",
            path="example.js",
            options=OPTIONS_WITH_LOGGER,
        ),
        Invalid(
            "#!/usr/bin/env node\n// Seeds the database.\nrun();\nconsole.log('done');\n",
            fixed="#!/usr/bin/env node\n// Seeds the database.\n"
            "const log = require('./log');\n\nrun();\nlog.info('done');\n",
            path="example.cjs",
            options={LOGGER_IMPORT: "const log = require('./log');"},
        ),
        Invalid(
            "function f() {\n  const console = mock();\n  console.log(1);\n}\nconsole.log(2);\n",
            path="example.js",
            line=5,
            column=1,
        ),
        Invalid(
            "function f(logger) {\n  console.log(1);\n}\n",
            path="example.js",
            options=OPTIONS_WITH_LOGGER,
            line=2,
            column=3,
        ),
        Invalid(
            "console.debug('x');\n",
            fixed="import log from 'loglevel'\n\nlog.trace('x');\n",
            path="example.mjs",
            options={LOGGER_IMPORT: "import log from 'loglevel'", METHOD_MAP: ("debug:trace",)},
        ),
    )


@dataclass(frozen=True, slots=True)
class LoggerImport:
    statement: str  # as configured
    name: str  # the local name it binds


@cache
def logger_import(statement: str) -> LoggerImport:
    """The configured import and the one name it binds; ValueError when it binds none or
    several (the engine reports that as an internal error of the rule)."""
    from auditor.plugins import first_error, parsed_file

    file = parsed_file("logger.ts", statement)
    body = [n for n in file.root.named_children if n.type != "comment"]
    names = _bound_names(file, body[0]) if len(body) == 1 and first_error(file.root) is None else []
    if len(names) != 1:
        raise ValueError(
            f"{LOGGER_IMPORT} {statement!r} must be one import or declaration binding one name, "
            "e.g. \"import { logger } from '@/lib/logger'\""
        )
    return LoggerImport(statement, names[0])


def _bound_names(file: ParsedFile, statement: Node) -> list[str]:
    if statement.type == "import_statement":
        clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
        if clause is None:
            return []
        names = []
        for part in clause.named_children:
            if part.type == "identifier":
                names.append(file.code(part))
            elif part.type == "namespace_import":
                names += [file.code(c) for c in part.named_children if c.type == "identifier"]
            elif part.type == "named_imports":
                for spec in part.named_children:
                    bound = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    if spec.type == "import_specifier" and bound is not None:
                        names.append(file.code(bound))
        return names
    if statement.type in {"lexical_declaration", "variable_declaration"}:
        declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
        if len(declarators) != 1:
            return []
        pattern = declarators[0].child_by_field_name("name")
        if pattern is None:
            return []
        if pattern.type == "identifier":
            return [file.code(pattern)]
        if pattern.type == "object_pattern":
            names = []
            for prop in pattern.named_children:
                value = prop.child_by_field_name("value") if prop.type == "pair_pattern" else prop
                if value is not None and value.type in {
                    "identifier",
                    "shorthand_property_identifier_pattern",
                }:
                    names.append(file.code(value))
                else:
                    return []
            return names
    return []


def parse_method_map(entries: tuple[str, ...]) -> Mapping[str, str]:
    mapping = {}
    for entry in entries:
        source, sep, target = (part.strip() for part in entry.partition(":"))
        if not sep or source not in METHODS or not target.isidentifier():
            raise ValueError(
                f"{METHOD_MAP} entry {entry!r} must be 'console-method:logger-method', "
                "e.g. 'log:info'"
            )
        mapping[source] = target
    return mapping


def console_method(file: ParsedFile, call: Node) -> tuple[Node, Node] | None:
    """(the `console` identifier, the method node) when `call` calls a console method."""
    function = call.child_by_field_name("function")
    while function is not None and function.type == "parenthesized_expression":
        function = function.named_children[0] if function.named_children else None
    if function is None or function.type not in {"member_expression", "subscript_expression"}:
        return None
    receiver = function.child_by_field_name("object")
    if receiver is None or receiver.type != "identifier" or file.code(receiver) != "console":
        return None
    if function.type == "member_expression":
        method = function.child_by_field_name("property")
        if method is None or method.type != "property_identifier":
            return None
    else:
        method = function.child_by_field_name("index")
        if method is None or method.type != "string":
            return None
    return (receiver, method) if _name(file, method) in METHODS else None


def _name(file: ParsedFile, method: Node) -> str:
    if method.type == "string":
        return string_value(method) or ""
    return file.code(method)


def import_edit(file: ParsedFile, statement: str) -> Edit:
    """Insert `statement` after the module's imports, or after its directives
    (`'use client'`) when it has none, or else before its first statement."""
    newline = "\r\n" if "\r\n" in file.text else "\n"
    anchor: Node | None = None
    first: Node | None = None
    in_prologue = True
    for child in file.root.named_children:
        if child.type in {"comment", "hash_bang_line"}:
            continue
        first = first or child
        if in_prologue and _is_directive(child):
            anchor = child
            continue
        in_prologue = False
        if child.type != "import_statement":
            break
        anchor = child
    text = file.text
    if anchor is not None:
        end = file.offset(anchor.end_byte)
        line_end = text.find("\n", end)
        if line_end == -1:
            return Edit(len(text), len(text), newline + statement)
        return Edit(line_end + 1, line_end + 1, statement + newline)
    assert first is not None, "a module with a console call has a statement"
    start = file.offset(first.start_byte)
    line_start = text.rfind("\n", 0, start) + 1
    at = line_start if not text[line_start:start].strip() else start
    return Edit(at, at, statement + newline + newline)


def _is_directive(node: Node) -> bool:
    return node.type == "expression_statement" and [c.type for c in node.named_children] == [
        "string"
    ]
