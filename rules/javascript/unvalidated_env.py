"""unvalidated-env for JavaScript and TypeScript: `process.env` and `import.meta.env` read
outside the settings modules."""

from __future__ import annotations

import re
from collections.abc import Mapping

from auditor.plugins import (
    EnvRead,
    Invalid,
    OptionValue,
    ParsedFile,
    RuleContext,
    Severity,
    TreeSitterRule,
    Valid,
)
from rules._docs import RULES_URL
from rules._env_message import env_message
from rules.javascript.env_reads import TRIGGERS, JsEnvAccess, env_accesses, js_env_reads
from rules.javascript.paths import matches

SETTINGS_MODULES = "settings-modules"
# `**/config.{js,ts}`, `**/env.{js,ts}` and `**/*.config.{js,mjs,ts}`, spelt out: the
# globs have .gitignore syntax, without braces (the rule expands braces a user writes).
DEFAULT_SETTINGS_MODULES = (
    "**/config.js",
    "**/config.ts",
    "**/env.js",
    "**/env.ts",
    "**/*.config.js",
    "**/*.config.mjs",
    "**/*.config.ts",
)
_PLAIN_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


class JsUnvalidatedEnv(TreeSitterRule):
    """Finds environment variables read outside the settings modules in JavaScript and
    TypeScript: `process.env.NAME`, `process.env["NAME"]`, `process.env[name]`,
    destructuring (`const { API_URL, PORT = "3000" } = process.env`, also as a parameter's
    default: `function f({ A } = process.env)`), the same through `import.meta.env`, and
    enumerating the whole environment (`Object.keys(process.env)`, `for (k in process.env)`).
    The environment is seen through TypeScript's casts (`(process.env as Env).A`,
    `process.env!.A`), as `process["env"]`, and through an alias (`const env = process.env;
    env.A`, followed by scope, not when the alias is reassigned). `process` is resolved by
    scope: a parameter or local named `process` is not Node's, an import from
    `process`/`node:process` is. Writes (`process.env.X = "1"`), `delete`,
    `"X" in process.env`, copies (`{ ...process.env }`, a destructuring rest) and types
    (`type T = typeof process.env.X`) are not reported.

    Why: a variable read where it is used is checked only when that line runs: a missing
    one is `undefined`, which flows on silently (`fetch(undefined + "/orders")`) until
    something fails far away. Read every variable once in a settings module (the
    `settings-modules` globs, by default `**/config.{js,ts}`, `**/env.{js,ts}` and
    `**/*.config.{js,mjs,ts}`), validate it there (zod, envalid, a hand-written check)
    so the app fails at startup, and import the typed value.

    Example: `fetch(`${process.env.API_URL}/orders`)` in `app/orders.ts` is flagged; put
    `export const API_URL = required("API_URL")` in `src/config.ts` and import it.

    No fix: where the value belongs is a design decision. `audit env` lists every variable
    the code reads, Python and JS/TS alike, and writes `.env.example`.
    """

    id = "unvalidated-env"
    url = RULES_URL
    severity = Severity.HIGH
    languages = frozenset({"javascript", "typescript"})
    message = "environment variable read outside a settings module"
    triggers = TRIGGERS
    OPTIONS = {SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES}

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        patterns = self.options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        self._in_settings = matches(context.path, patterns)

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> tuple[EnvRead, ...]:
        patterns = options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        return js_env_reads(path, text, matches(path, patterns))

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        if self._in_settings:
            return
        for access in env_accesses(file):
            if access.kind != "copy":
                self.report(access.node, describe(access))

    VALID = (
        Valid("process.env.NODE_ENV = 'test';\ndelete process.env.DEBUG;\n", path="example.js"),
        Valid("if ('DEBUG' in process.env) {\n  run();\n}\n", path="example.ts"),
        Valid("spawn('ls', [], { env: { ...process.env, LANG: 'C' } });\n", path="example.js"),
        Valid("function f(process) {\n  return process.env.X;\n}\n", path="example.js"),
        Valid("const env = { X: 1 };\nenv.X;\nconst s = 'process.env.X';\n", path="example.ts"),
        Valid("export const API_URL = process.env.API_URL;\n", path="src/config.ts"),
        Valid("export const PORT = process.env.PORT ?? '3000';\n", path="src/env.js"),
        Valid("export default { base: process.env.BASE };\n", path="vite.config.mjs"),
        Valid(
            "const url = import.meta.env.VITE_API;\n",
            path="web/settings/api.ts",
            options={SETTINGS_MODULES: ("web/settings/**",)},
        ),
        Valid(
            "const DB = process.env.DB;\n",
            path="app/conf.js",
            options={SETTINGS_MODULES: ("**/conf.{js,ts}",)},
        ),
        Valid(
            "export const Banner = () => <p>{props.env.TITLE}</p>;\n",
            path="example.tsx",
        ),
        # Types are not reads.
        Valid(
            "type T = typeof process.env.X;\nlet a: typeof process.env.Y;\n"
            "export type K = keyof typeof process.env;\n",
            path="x.ts",
        ),
        Valid(
            "export const Page = (p: { v: typeof process.env.V }) => <p>{p.v}</p>;\n", path="x.tsx"
        ),
        # A reassigned alias may hold anything; a parameter of the same name is another one.
        Valid("let env = process.env;\nenv = load();\nuse(env.A);\n", path="x.js"),
        Valid(
            "const env = process.env;\nfunction f(env: Env) {\n  return env.A;\n}\n"
            "const b = process['envs'].B;\n",
            path="x.ts",
        ),
        Valid(
            "(process.env as any).NODE_ENV = 'production';\nprocess.env!.X = '1';\n", path="x.ts"
        ),
    )

    INVALID = (
        Invalid("const url = process.env.API_URL;\n", path="example.js", line=1, column=13),
        Invalid(
            "const key = process.env['STRIPE_KEY'];\nconst v = process.env[name];\n",
            path="example.ts",
            line=1,
            column=13,
            count=2,
        ),
        Invalid(
            "const { API_URL, PORT = '3000', 'X-Y': xy, ...rest } = process.env;\n",
            path="example.ts",
            line=1,
            column=9,
            count=3,
        ),
        Invalid(
            "export function Api() {\n  return <a href={`${import.meta.env.VITE_API}/docs`}>"
            "docs</a>;\n}\n",
            path="example.tsx",
            line=2,
            column=22,
        ),
        Invalid(
            "const port = Number(process.env.PORT || 8080);\nconst mode = process?.env?.MODE;\n",
            path="example.js",
            line=1,
            column=21,
            count=2,
        ),
        Invalid(
            "import process from 'node:process';\nprocess.env.HOME;\n",
            path="example.mjs",
            line=2,
            column=1,
        ),
        Invalid("for (const k in process.env) {\n  use(k);\n}\n", path="example.js", line=1),
        Invalid(
            "const DB = process.env.DB;\n",
            path="src/config.ts",
            options={SETTINGS_MODULES: ("settings/**",)},
            line=1,
            column=12,
        ),
        # Through TypeScript's casts and `!`: the read is the whole member expression.
        Invalid(
            "const a = (process.env as Env).API_URL;\nconst b = (<Env>process.env).KEY;\n"
            "const c = (process.env satisfies Env).MODE;\n",
            path="x.ts",
            line=1,
            column=11,
            count=3,
        ),
        Invalid("const url = process.env!.API_URL;\n", path="x.ts", line=1, column=13),
        Invalid(
            "const a = process['env'].A;\nconst b = process[\"env\"].B;\n"
            "const c = process[`env`]['C'];\n",
            path="x.js",
            line=1,
            column=11,
            count=3,
        ),
        # An alias, followed by scope into functions and blocks, and an alias of it.
        Invalid(
            "const env = process.env;\nexport function api() {\n"
            "  const { API_URL, PORT = '3000' } = env;\n  return env.HOST;\n}\n",
            path="x.ts",
            line=3,
            column=11,
            count=3,
        ),
        Invalid(
            "var env = process.env;\n{\n  let e = env;\n  use(e['A']);\n}\n",
            path="x.js",
            line=4,
            column=7,
        ),
        # A destructuring parameter's default.
        Invalid(
            "function f({ A = 'x' } = process.env) {\n  return A;\n}\n"
            "const g = ({ B }: Env = process.env) => B;\n",
            path="x.ts",
            line=1,
            column=14,
            count=2,
        ),
        Invalid("const g = ({ B } = process.env) => B;\n", path="x.js", line=1, column=14),
        # `typeof` on a value is a read.
        Invalid(
            "if (typeof process.env.X === 'string') {\n  run();\n}\n",
            path="x.ts",
            line=1,
            column=12,
        ),
    )


def describe(access: JsEnvAccess) -> str:
    """The finding's message: which variable, and what happens when it is missing."""
    return env_message(
        access.kind, access.name, access.default_code, None, "undefined", _PLAIN_NAME, access.via
    )
