"""console-logging: `console.log(...)` and friends in JavaScript and TypeScript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Edit, Invalid, ParsedFile, RuleContext, Severity, TreeSitterRule, Valid
from rules._docs import rule_url
from rules.javascript._console_args import STYLE_EXAMPLES, structured_arguments
from rules.javascript._console_use import USE_EXAMPLES, USE_VALID, ConsoleUse, console_use
from rules.javascript._import_insert import PLACEMENT_EXAMPLES, import_edit
from rules.javascript._jsx_child import DESCRIPTION, JSX_CHILD_EXAMPLES, WHY, jsx_child, removal
from rules.javascript._logger_config import (
    DEFAULT_METHOD_MAP,
    LOGGER_IMPORT,
    LOGGER_REQUIRE,
    LOGGER_STYLE,
    METHOD_MAP,
    LoggerStatement,
    is_configured,
    logger_statement,
    parse_method_map,
    parse_style,
)
from rules.javascript._module_kind import (
    MODULE_EXAMPLES,
    exports_name,
    logger_module,
    module_system,
    unresolved,
)
from rules.javascript.paths import TEST_FILES, matches
from rules.javascript.scope import Scopes

if TYPE_CHECKING:
    from tree_sitter import Node

NO_LOGGER = (
    "; set `logger-import` under [tool.audit.rules.console-logging] "
    "(e.g. \"import { logger } from '@/lib/logger'\") to get a fix"
)
REQUIRE_EXAMPLE = "\"const { logger } = require('./lib/logger')\""

_HOW = {
    "call": "",
    "bind": " (bound)",
    "call-method": " (through `.call`)",
    "apply": " (through `.apply`)",
    "value": " passed as a value",
}

LOGGER = "import { logger } from '@/lib/logger';"
OPTIONS_WITH_LOGGER = {LOGGER_IMPORT: LOGGER}


class JsConsoleLogging(TreeSitterRule):
    """Finds uses of `console.log`, `.debug`, `.info`, `.warn`, `.error`, `.trace`, `.dir`
    and `.table` in JavaScript and TypeScript, outside test files (`*.test.*`, `*.spec.*`,
    `__tests__/`) and the files matched by the `allow` globs: calls (with optional
    chaining, `console["log"]()`, `console[level]()` with a computed method), calls
    through `.bind`, `.call` and `.apply`, and a method passed on as a value
    (`.catch(console.error)`, `const log = console.log`). `console` is resolved by scope:
    a local variable, parameter, catch binding or import named `console` is not the
    global. Assigning to `console.log`, `typeof` and `delete` are not flagged.

    Why: console output in a browser is visible to every user and lost to the team; on a
    server it has no level, no structure and no routing, and bypasses whatever the
    project's logger does (redaction, sampling, shipping to the log store).

    Example: `console.log("saved", order.id)` in `app/orders/page.tsx` becomes
    `logger.info("saved", order.id)`, with `import { logger } from '@/lib/logger';`
    added once after the module's imports.

    Fix (unsafe), only when the logger's statement is configured: `logger-import =
    "import { logger } from '@/lib/logger'"` for ES modules and `logger-require =
    "const { logger } = require('./lib/logger')"` for CommonJS (`logger-import` may be a
    require or a plain declaration too; then it serves CommonJS files, not ES modules).
    The method is mapped by `method-map` (default `log` -> `info`; `trace`, `dir` and
    `table` -> `debug`, as debugging aids: hidden at the usual default level, info, and
    `trace` loses its stack; `method-map = ["table:info"]` keeps a table in sight), and
    the statement is added unless the module already has it.
    - Module system: `.mjs`/`.mts` are ES modules, `.cjs`/`.cts` CommonJS; else a file
      with import/export statements is an ES module, one using `require`,
      `module.exports` or `exports.x` without them CommonJS; a `.js` file with neither
      follows the nearest package.json (`"type": "module"`; otherwise CommonJS, as Node
      does) and gets no fix when no package.json can be read; `.ts`, `.tsx` and `.jsx`
      files are compiled, so an import is right for them. A CommonJS file without
      `logger-require` gets no fix, and the message says so.
    - The logger's own code is never rewritten (`logger.info` would call itself): no fix in
      a module that defines or exports the configured name (`export const logger = ...`,
      `export { log as logger }`, `module.exports = { logger }`), nor in the module the
      statement imports: a relative source is resolved from each file, another through
      the nearest tsconfig.json/jsconfig.json (`compilerOptions.paths`, `baseUrl`,
      `extends`) up to the project root; a file whose path ends with the source's path
      (after an alias head such as `@/` or `~/`: `**/lib/logger.ts`,
      `**/lib/logger/index.ts`) or lies in a folder of that name is taken for it too.
      A relative source that names no module from the file gives no fix.
    - A module-level `logger` is reused only when it is the configured statement itself
      (the same module and export, type-only imports excepted); any other (a number, the
      logger object, a third-party logger) means no fix; so does a `logger` shadowing it
      at the call.
    - `logger-style`: `console` (default) keeps the arguments; `structured` rewrites them
      as pino takes them, fields first and the message last: `console.error("Failed:",
      err)` -> `logger.error({ err }, "Failed:")` (the mapping is described under
      rules/javascript/_console_args.py; shapes it cannot name get no fix).
    - Calls through `.bind(console)`, `.call(console, ...)`, `.apply(console, ...)` become
      the logger's, bound to `logger` (console style only). A method passed as a value
      gets a fix only as a rejection handler (`.catch(console.error)`,
      `.then(ok, console.error)` -> `logger.error.bind(logger)`): a logger method loses
      its `this` when passed on (pino's and winston's need it), and a bound copy is a
      new function, which elsewhere breaks identity (`off(h)` would not find the
      handler). A computed method (`console[level]`) gets no fix.
    - A call that is a JSX child, `{console.log(x)}` among an element's children, runs
      on every render and renders nothing: its fix removes the `{...}` child (its line
      when alone on it), with or without a logger, since a logger call there would render
      what the logger returns (rules/javascript/_jsx_child.py).
    - The statement goes after the last import (or leading require), else after the
      directives, else before the first statement and above a JSDoc attached to it; a
      line that goes on after the last import is split there, never inside a comment or
      a template.
    Results that depend on package.json or tsconfig are read from the project's files
    (see rules/javascript/_project.py); a change to one of them refreshes the cached
    results. Only the files in a scanned file's directory and its parents are watched: a
    tsconfig `extends` to a file elsewhere is read but not watched.
    The fix is unsafe because output moves from the console to the logger (and its
    arguments are formatted by it); promote it with `extend-safe-fixes =
    ["console-logging"]`.
    """

    id = "console-logging"
    url = rule_url(id)
    PROJECT_FILES = ("package.json", "tsconfig*.json", "jsconfig*.json")
    severity = Severity.CRITICAL
    languages = frozenset({"javascript", "typescript"})
    message = "`console` call writes to the console; log through the project's logger"
    triggers = ("console",)
    fix_applicability = "unsafe"
    OPTIONS = {
        "allow": (),
        LOGGER_IMPORT: "",
        LOGGER_REQUIRE: "",
        METHOD_MAP: DEFAULT_METHOD_MAP,
        LOGGER_STYLE: "console",
    }

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        allow = self.options["allow"]
        assert isinstance(allow, tuple)
        self._skip = matches(context.path, (*TEST_FILES, *allow))
        self._import_option = self._statement(LOGGER_IMPORT)
        self._require_option = self._statement(LOGGER_REQUIRE)
        if self._require_option is not None and self._require_option.kind == "import":
            raise ValueError(
                f"{LOGGER_REQUIRE} must be a require() or a declaration, e.g. {REQUIRE_EXAMPLE}"
            )
        method_map = self.options[METHOD_MAP]
        assert isinstance(method_map, tuple)
        self._methods = parse_method_map(method_map)
        self._style = parse_style(self.options[LOGGER_STYLE])
        self._scopes: Scopes | None = None
        self._import: Edit | None = None
        self._plan: tuple[LoggerStatement | None, str] | None = None

    def _statement(self, option: str) -> LoggerStatement | None:
        statement = self.options[option]
        assert isinstance(statement, str)
        return logger_statement(statement.strip(), option) if statement.strip() else None

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        self._scopes = Scopes(file)
        self._import = None
        self._plan = None

    def visit_program(self, node: Node) -> None:
        """Each `console.x` / `console[x]` in document order, found by text search: a
        visit of every member expression would cost a call each."""
        if self._skip:
            return
        data = self.file.data
        at = data.find(b"console")
        while at != -1:
            ref = node.descendant_for_byte_range(at, at + 7)
            parent = ref.parent if ref is not None else None
            if (
                ref is not None
                and parent is not None
                and ref.type == "identifier"
                and (ref.start_byte, ref.end_byte) == (at, at + 7)
                and parent.type in {"member_expression", "subscript_expression"}
            ):
                self._visit(parent)
            at = data.find(b"console", at + 7)

    def _visit(self, node: Node) -> None:
        use = console_use(self.file, node)
        assert self._scopes is not None
        if use is None or not self._scopes.is_global(use.receiver, "console"):
            return
        flagged = use.call if use.how != "value" and use.call is not None else use.member
        base = f"`{use.shown}`{_HOW[use.how]} writes to the console"
        child = jsx_child(use.call) if use.how == "call" and use.call is not None else None
        if child is not None:
            removed = [removal(self.file, child)]
            self.report(flagged, f"{base}; {WHY}", edits=removed, fix_description=DESCRIPTION)
            return
        why_not = self._never_fixed(use)
        if why_not is not None:
            self.report(flagged, f"{base}; {why_not}")
            return
        logger, reason = self._file_plan()
        if logger is None:
            self.report(flagged, base + reason)
            return
        why_not = self._no_fix(use, logger)
        if why_not is not None:
            self.report(flagged, f"{base}; {why_not}")
            return
        assert use.name is not None
        level = self._methods.get(use.name, use.name)
        edits = self._edits(use, logger, level)
        if edits is None or isinstance(edits, str):
            self.report(flagged, f"{base}; {edits or 'log by hand'}")
            return
        target = f"{logger.name}.{level}"
        self.report(
            flagged,
            f"{base}; use `{target}`",
            edits=[e for e in edits if self.file.text[e.start : e.end] != e.text],
            fix_description=f"call `{target}` instead",
        )

    def _file_plan(self) -> tuple[LoggerStatement | None, str]:
        """The statement this file gets, or None and why not (the same for every call)."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def _make_plan(self) -> tuple[LoggerStatement | None, str]:
        esm_option, cjs_option = self._import_option, self._require_option
        if esm_option is None and cjs_option is None:
            return None, NO_LOGGER
        assert self._scopes is not None
        file = self.file
        root = self.context.root
        system, why = module_system(file, self._scopes, root)
        if system is None:
            return None, (
                f"; no fix: cannot tell an ES module from CommonJS ({why}); add an import or "
                'export, or set "type" in package.json'
            )
        if system == "esm":
            logger = esm_option if esm_option is not None and esm_option.kind != "require" else None
            if logger is None:
                return None, (
                    f"; no fix: an ES module ({why}) needs an import; set `{LOGGER_IMPORT}`"
                    + (" to an import, not a require()" if esm_option is not None else "")
                )
        else:
            logger = cjs_option
            if logger is None and esm_option is not None and esm_option.kind != "import":
                logger = esm_option
            if logger is None:
                return None, (
                    f"; no fix: CommonJS ({why}) cannot import; set `{LOGGER_REQUIRE}` "
                    f"(e.g. {REQUIRE_EXAMPLE}) to get a fix"
                )
        own = logger_module(file, logger, root)
        if own is None and exports_name(file, logger.name):
            own = f"this module exports `{logger.name}`"
        if own is not None:
            return None, (
                f"; no fix in the logger's own module ({own}): `{logger.name}` would call itself"
            )
        missing = unresolved(file, logger, root)
        if missing is not None:
            return None, f"; no fix: {missing}"
        return logger, ""

    def _never_fixed(self, use: ConsoleUse) -> str | None:
        """Why this use gets no fix whatever the logger is, when it does not."""
        if use.name is None:
            return "no fix: the method is computed, no logger method can be chosen for it"
        if use.how == "value" and not use.rejection_handler:
            return (
                "no fix: a logger method passed as a value loses its `this`, and a bound "
                "copy is a new function each time; wrap or bind it by hand"
            )
        if use.how not in {"call", "value"} and self._style == "structured":
            return f"no fix: with `{LOGGER_STYLE} = structured` the arguments must be known"
        return None

    def _no_fix(self, use: ConsoleUse, logger: LoggerStatement) -> str | None:
        """Why this use of a fixable file gets no fix, when it does not."""
        assert self._scopes is not None
        binding = self._scopes.resolve(use.member, logger.name)
        if binding is None:
            return None
        if binding.scope.type != "program":
            return f"`{logger.name}` is shadowed here, log by hand"
        if is_configured(self.file, binding.declaration, logger):
            return None
        line = binding.declaration.start_point[0] + 1
        if binding.declaration.type == "import_statement":
            return (
                f"no fix: the `{logger.name}` imported on line {line} is not the configured "
                f"`{logger.statement}`; log by hand"
            )
        return (
            f"no fix: this module defines `{logger.name}` itself (line {line}): the logger's "
            f"own code, or another `{logger.name}`; log by hand"
        )

    def _edits(self, use: ConsoleUse, logger: LoggerStatement, level: str) -> list[Edit] | str:
        edits = [self.replace(use.receiver, logger.name)]
        if use.method.type == "property_identifier":
            edits.append(self.replace(use.method, level))
        else:  # console["log"]: keep the quotes
            start, end = self.file.span(use.method)
            edits.append(Edit(start + 1, end - 1, level))
        if use.how == "value":
            edits.append(self.insert_after(use.member, f".bind({logger.name})"))
        elif use.how != "call":
            assert use.call is not None
            receiver = _first_argument(use.call)
            if receiver is None or self.code(receiver) != "console":
                return "no fix: it is not bound to `console`, log by hand"
            edits.append(self.replace(receiver, logger.name))
        elif self._style == "structured":
            assert use.call is not None and use.name is not None
            arguments = use.call.child_by_field_name("arguments")
            if arguments is None or arguments.type != "arguments":
                return "no fix: a tagged template, log by hand"
            text, why = structured_arguments(self.file, arguments, use.name)
            if text is None:
                return f"no fix: {why}"
            edits.append(self.replace(arguments, text))
        assert self._scopes is not None
        if self._scopes.resolve(use.member, logger.name) is None:
            # The same insertion for every call in the file, computed once.
            self._import = self._import or import_edit(self.file, logger.statement)
            edits.append(self._import)
        return edits

    VALID = (
        # Feature checks test the method; they pass nothing on.
        Valid(
            "if (debug && window.console && console.error) {}\nif (!console.warn) {}\n"
            "const quiet = console.info ? 0 : 1;\n",
            path="example.js",
        ),
        Valid("logger.info('saved');\n", path="example.js"),
        Valid("function f(console) {\n  console.log('x');\n}\n", path="example.js"),
        Valid("const console = makeConsole();\nconsole.log('x');\n", path="example.ts"),
        Valid("import console from './console';\nconsole.warn('x');\n", path="example.ts"),
        Valid("import { log as console } from './log';\nconsole.log('x');\n", path="example.mjs"),
        Valid("try {\n  a();\n} catch (console) {\n  console.error(1);\n}\n", path="example.js"),
        Valid("const f = (console) => console.log(1);\n", path="example.ts"),
        Valid("const f = console => console.log(1);\n", path="example.js"),
        Valid("function g({ console }: Deps) {\n  console.info(1);\n}\n", path="example.ts"),
        Valid("console.group('x');\nconsole.time('t');\n", path="example.js"),
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
        *USE_VALID,
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
            "export function f(logger) {\n  console.log(1);\n}\n",
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
        *PLACEMENT_EXAMPLES,
        *MODULE_EXAMPLES,
        *STYLE_EXAMPLES,
        *USE_EXAMPLES,
        *JSX_CHILD_EXAMPLES,
    )


def _first_argument(call: Node) -> Node | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    args = [a for a in arguments.named_children if a.type != "comment"]
    return args[0] if args else None
