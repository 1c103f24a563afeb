"""console-logging: `console.log(...)` and friends in JavaScript and TypeScript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Edit, ParsedFile, RuleContext, Severity, TreeSitterRule
from rules._docs import rule_url
from rules._pii_vocabulary import OPTIONS as PII_OPTIONS
from rules._pii_vocabulary import Vocabulary
from rules.javascript._console_examples import INVALID, VALID
from rules.javascript._console_use import ConsoleUse, console_use
from rules.javascript._import_insert import import_edit
from rules.javascript._jsx_child import DESCRIPTION, WHY, jsx_child, removal
from rules.javascript._logger_api import LoggerApi
from rules.javascript._logger_call import shaped_arguments
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
from rules.javascript._logger_discovery import WATCHED
from rules.javascript._logger_plan import REQUIRE_EXAMPLE, Plan, file_plan
from rules.javascript._pii_values import JsClassifier, JsRedactor, arguments_of
from rules.javascript.paths import TEST_FILES, matches
from rules.javascript.scope import Scopes

if TYPE_CHECKING:
    from tree_sitter import Node

_HOW = {
    "call": "",
    "bind": " (bound)",
    "call-method": " (through `.call`)",
    "apply": " (through `.apply`)",
    "value": " passed as a value",
}

# The vocabulary of pii-logging, as it ships: the fix never writes personal data into the
# logger call, whether or not that rule is selected.
VOCABULARY = Vocabulary.from_options(
    PII_OPTIONS["names"], (), PII_OPTIONS["objects"], (), PII_OPTIONS["ignore-names"]
)


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

    Fix (unsafe), on the project's logger: the configured statement (`logger-import =
    "import { logger } from '@/lib/logger'"` for ES modules, `logger-require = "const {
    logger } = require('./lib/logger')"` for CommonJS; `logger-import` may be a require or
    a plain declaration too, then serving CommonJS files), else the logger module found in
    the file's package (rules/javascript/_logger_discovery.py), else a module the fix
    creates (rules/javascript/_created_logger.py; its own console calls are not reported:
    it carries `// audit: ignore-file[console-logging]`). Which source resolves, and when
    the fix is refused, is in rules/javascript/_logger_plan.py. The logger module is read
    (rules/javascript/_logger_api.py): `method-map` left at its default follows its
    methods (`log` -> `debug` when it has `debug` and no console-like `log`; else as
    below), and the call takes its shape (rules/javascript/_logger_call.py). Values
    pii-logging's vocabulary names are redacted in the call the fix writes. Without the
    project's files (a commit's text) the configured statement is used as written, and
    the method is mapped by `method-map` (default `log` -> `info`; `trace`, `dir` and
    `table` -> `debug`, as debugging aids: hidden at the usual default level, info, and
    `trace` loses its stack; `method-map = ["table:info"]` keeps a table in sight); the
    statement is added unless the module already has it.
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
    results, and so does an edit of a logger module at one of the places searched for it
    (`src/lib/logger.ts`, ...), looked for from each of those folders. Only those files
    are watched: a tsconfig `extends` to a file elsewhere, or a configured module
    elsewhere, is read but not watched.
    The fix is unsafe because output moves from the console to the logger (and its
    arguments are formatted by it); promote it with `extend-safe-fixes =
    ["console-logging"]`.
    """

    id = "console-logging"
    url = rule_url(id)
    PROJECT_FILES = ("package.json", "tsconfig*.json", "jsconfig*.json", *WATCHED)
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
        # The default map stands for "as the logger has it" (see _level).
        self._methods = parse_method_map(method_map)
        self._explicit = self._methods if method_map != DEFAULT_METHOD_MAP else {}
        self._style = parse_style(self.options[LOGGER_STYLE])
        self._scopes: Scopes | None = None
        self._import: Edit | None = None
        self._plan: Plan | str | None = None
        self._file_quote: str | None = None

    def _statement(self, option: str) -> LoggerStatement | None:
        statement = self.options[option]
        assert isinstance(statement, str)
        return logger_statement(statement.strip(), option) if statement.strip() else None

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        self._scopes = Scopes(file)
        self._import = None
        self._plan = None
        self._file_quote = None

    def visit_program(self, node: Node) -> None:
        """Each `console.x` / `console[x]` in document order, found by text search: a
        visit of every member expression would cost a call each."""
        if self._skip or self._is_the_logger():
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
        plan = self._file_plan()
        if isinstance(plan, str):
            self.report(flagged, base + plan)
            return
        logger = plan.logger
        why_not = self._no_fix(use, logger)
        if why_not is not None:
            self.report(flagged, f"{base}; {why_not}")
            return
        assert use.name is not None
        level = self._level(use.name, plan)
        edits = self._edits(use, plan, level) if not level.startswith("no fix") else level
        if isinstance(edits, str):
            self.report(flagged, f"{base}; {edits}")
            return
        target = f"{logger.name}.{level}"
        created = ""
        if plan.creation is not None:
            edits.append(plan.creation)
            created = f", creating the logger module {plan.module}"
        self.report(
            flagged,
            f"{base}; use `{target}`{created}",
            edits=[e for e in edits if e.create or self.file.text[e.start : e.end] != e.text],
            fix_description=f"call `{target}` instead{created}",
        )

    def _is_the_logger(self) -> bool:
        """Whether this file is the project's logger module, found or configured: its
        console calls are the logger's implementation, not calls to replace."""
        if b"console" not in self.file.data:
            return False
        plan = self._file_plan()
        return isinstance(plan, Plan) and plan.module == self.context.path

    def _file_plan(self) -> Plan | str:
        """The logger this file's fixes call, or why none (the same for every call)."""
        if self._plan is None:
            assert self._scopes is not None
            self._plan = file_plan(
                self.file,
                self._scopes,
                self.context.root,
                self._import_option,
                self._require_option,
            )
        return self._plan

    def _level(self, name: str, plan: Plan) -> str:
        """The logger method a console method becomes: as `method-map` says, else as
        the logger has it (`log` -> `log` when it has a console-like `log`, else `debug`
        when it has one, else `info`; `trace`/`dir`/`table` -> `debug`, else `info`;
        `warn` -> `warning` when it has only that); "no fix: ..." when it has none."""
        if name in self._explicit or plan.api is None:
            return self._methods.get(name, name)
        methods = plan.api.methods
        if name == "log":
            has_log = "log" in methods and plan.api.kind == "own" and methods["log"][:1] != ()
            level = "log" if has_log and methods["log"][0].name != "level" else "debug"
        elif name in {"trace", "dir", "table"}:
            level = "debug"
        elif name == "warn" and "warn" not in methods:
            level = "warning"
        else:
            level = name
        if level == "debug" and "debug" not in methods and name != "debug":
            level = "info"
        if level not in methods:
            where = f" ({plan.module})" if plan.module else ""
            return (
                f"no fix: the logger{where} has no `{level}`; map `{name}` with "
                f'`{METHOD_MAP}` (e.g. "{name}:info")'
            )
        return level

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

    def _edits(self, use: ConsoleUse, plan: Plan, level: str) -> list[Edit] | str:
        logger = plan.logger
        edits = [self.replace(use.receiver, logger.name)]
        if use.method.type == "property_identifier":
            edits.append(self.replace(use.method, level))
        else:  # console["log"]: keep the quotes
            start, end = self.file.span(use.method)
            edits.append(Edit(start + 1, end - 1, level))
        reshaped = _reshapes(plan.api, level) or self._style == "structured"
        if use.how != "call" and reshaped:
            return (
                f"no fix: the logger's `{level}` takes {_signature(plan.api, level)}, not "
                "console's arguments; log by hand"
            )
        if use.how == "value":
            edits.append(self.insert_after(use.member, f".bind({logger.name})"))
        elif use.how != "call":
            assert use.call is not None
            receiver = _first_argument(use.call)
            if receiver is None or self.code(receiver) != "console":
                return "no fix: it is not bound to `console`, log by hand"
            edits.append(self.replace(receiver, logger.name))
        else:
            assert use.call is not None and use.name is not None
            arguments = self._arguments(use, plan, level)
            if isinstance(arguments, str):
                return arguments
            edits += arguments
        assert self._scopes is not None
        if self._scopes.resolve(use.member, logger.name) is None:
            # The same insertion for every call in the file, computed once.
            self._import = self._import or import_edit(self.file, logger.statement)
            edits.append(self._import)
        return edits

    def _quote(self, call: Node) -> str:
        """The quote of the call's first string literal, else of the file's first (found
        once: a walk of the file for each call made a file of many calls quadratic)."""
        found = _first_quote(self.file, call)
        if found is not None:
            return found
        if self._file_quote is None:
            self._file_quote = _first_quote(self.file, self.file.root) or '"'
        return self._file_quote

    def _arguments(self, use: ConsoleUse, plan: Plan, level: str) -> list[Edit] | str:
        """The edits of a call's arguments: personal data redacted, in the logger's shape."""
        assert use.call is not None and use.name is not None
        arguments = use.call.child_by_field_name("arguments")
        if arguments is None or arguments.type != "arguments":
            return "no fix: a tagged template, log by hand"
        redactor = JsRedactor(JsClassifier(self.file, VOCABULARY), self._quote(use.call))
        for arg in arguments_of(use.call):
            redactor.argument(arg)
        if redactor.problem is not None:
            return f"no fix: {redactor.problem}"
        redactions = sorted(redactor.edits)

        def text_of(node: Node) -> str:
            start, end = self.file.span(node)
            inside = [e for e in redactions if start <= e.start and e.end <= end]
            text = self.code(node)
            for edit in reversed(inside):
                text = text[: edit.start - start] + edit.text + text[edit.end - start :]
            return text

        api = plan.api
        params = api.methods.get(level) if api is not None else None
        structured = self._style == "structured" or (api is not None and api.kind == "pino")
        text, why = shaped_arguments(
            self.file,
            arguments,
            use.name,
            params,
            structured,
            text_of,
            self._quote(use.call),
        )
        if text is None and why is not None:
            return f"no fix: {why}"
        if text is None:
            return list(redactions)
        return [self.replace(arguments, text)] if text != self.code(arguments) else []

    VALID = VALID
    INVALID = INVALID


def _reshapes(api: LoggerApi | None, level: str) -> bool:
    """Whether a call on this logger method takes other arguments than console's."""
    if api is None:
        return False
    params = api.methods.get(level, ())
    return api.kind != "own" or bool(params and not params[0].rest)


def _signature(api: LoggerApi | None, level: str) -> str:
    return f"`{api.signature(level)}`" if api is not None else "other arguments"


def _first_quote(file: ParsedFile, root: Node) -> str | None:
    """The quote of the first string literal under `root`, if any."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type == "string":
            return file.code(node)[0]
        pending.extend(reversed(node.named_children))
    return None


def _first_argument(call: Node) -> Node | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    args = [a for a in arguments.named_children if a.type != "comment"]
    return args[0] if args else None
