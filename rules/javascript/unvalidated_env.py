"""unvalidated-env for JavaScript and TypeScript: `process.env` and `import.meta.env` read
raw, not through a validated settings object."""

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
from rules._docs import rule_url
from rules._env_message import (
    ALLOW_NAMES,
    DEFAULT_ALLOW_NAMES,
    Where,
    allow_names,
    allowed,
    env_message,
    holder,
)
from rules.javascript.env_inventory import js_env_reads
from rules.javascript.env_reads import TRIGGERS, JsEnvAccess, env_accesses
from rules.javascript.env_validators import validation_of, validations
from rules.javascript.paths import matches
from rules.javascript.scope import Scopes

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
ADVICE = "a zod schema, t3-env's createEnv or envalid's cleanEnv"
_PLAIN_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


class JsUnvalidatedEnv(TreeSitterRule):
    """Finds environment variables read raw, not through a validated settings object, in
    JavaScript and TypeScript: `process.env.NAME`, `process.env["NAME"]`,
    `process.env[name]`, destructuring (`const { API_URL, PORT = "3000" } = process.env`,
    also as a parameter's default: `function f({ A } = process.env)`), the same through
    `import.meta.env`, and enumerating the whole environment (`Object.keys(process.env)`,
    `for (k in process.env)`). The environment is seen through TypeScript's casts
    (`(process.env as Env).A`, `process.env!.A`), as `process["env"]`, and through an alias
    (`const env = process.env; env.A`, followed by scope, not when the alias is
    reassigned). `process` is resolved by scope: a parameter or local named `process` is
    not Node's, an import from `process`/`node:process` is. Writes (`process.env.X = "1"`),
    `delete`, `"X" in process.env`, copies (`{ ...process.env }`, a destructuring rest) and
    types (`type T = typeof process.env.X`) are not reported.

    Reads handed to a validator are not findings, each library known by its import: zod
    (`z.object({...}).parse(process.env)`, `safeParse`, through a `const` schema, or
    `schema.parse({ A: process.env.A })`), t3-env's `createEnv` (`@t3-oss/env-core`,
    `@t3-oss/env-nextjs`: the reads in `runtimeEnv` / `experimental__runtimeEnv`),
    envalid's `cleanEnv(process.env, {...})` and znv's `parseEnv(process.env, {...})`.
    `audit env` lists them as validated, typed by the schema (`z.coerce.number()` is a
    number, envalid's `str()` a string).

    Settings modules (the `settings-modules` globs, by default `**/config.{js,ts}`,
    `**/env.{js,ts}` and `**/*.config.{js,mjs,ts}`, and any file that calls a validator)
    are not exempt: a raw read there is reported too, saying that the module validates
    nothing, or which validator it bypasses. `allow-names` exempts variables read
    everywhere on purpose (`NODE_ENV`, `NEXT_RUNTIME`, `CI`, `SKIP_ENV_VALIDATION`, ...:
    the list and why each is in it are in the Python rule's explanation above).

    Why: a variable read where it is used is checked only when that line runs: a missing
    one is `undefined`, which flows on silently (`fetch(undefined + "/orders")`) until
    something fails far away. Declare every variable once in a validated schema so that
    the app fails at startup, and import the typed value.

    Example: `fetch(`${process.env.API_URL}/orders`)` in `app/orders.ts` is flagged; declare
    `API_URL: z.string().url()` in `src/env.ts`'s `createEnv` and use `env.API_URL`.

    No fix yet. `audit env` lists every variable the code reads, Python and JS/TS alike,
    validated or not, and writes `.env.example`.
    """

    id = "unvalidated-env"
    url = rule_url(id)
    severity = Severity.HIGH
    languages = frozenset({"javascript", "typescript"})
    message = "environment variable read raw, not through a validated settings object"
    triggers = TRIGGERS
    OPTIONS = {SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES, ALLOW_NAMES: DEFAULT_ALLOW_NAMES}

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        patterns = self.options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        self._in_settings = matches(context.path, patterns)
        self._allow = allow_names(self.options)

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> tuple[EnvRead, ...]:
        patterns = options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        return js_env_reads(path, text, matches(path, patterns))

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        scopes = Scopes(file)
        found = validations(file, scopes)
        raw: list[JsEnvAccess] = []
        holders: dict[str, str] = {}
        for validation in found:
            for key, _entry in validation.declared:
                holders.setdefault(key, holder(validation.via, None))
        for access in env_accesses(file, scopes):
            validated = validation_of(access.node, found)
            if validated is not None:
                if access.name is not None:
                    holders.setdefault(access.name, holder(validated[0].via, None))
            elif access.kind != "copy" and not allowed(access.name, self._allow):
                raw.append(access)
        in_settings = self._in_settings or bool(found)
        names = tuple(dict.fromkeys(v.name for v in found))
        for access in raw:
            held = holders.get(access.name) if access.name is not None else None
            where = Where(in_settings, names, held, ADVICE) if in_settings else None
            self.report(access.node, describe(access, where))

    VALID = (
        Valid("process.env.NODE_ENV = 'test';\ndelete process.env.DEBUG;\n", path="example.js"),
        Valid("if ('DEBUG' in process.env) {\n  run();\n}\n", path="example.ts"),
        Valid("spawn('ls', [], { env: { ...process.env, LANG: 'C' } });\n", path="example.js"),
        Valid("function f(process) {\n  return process.env.X;\n}\n", path="example.js"),
        Valid("const env = { X: 1 };\nenv.X;\nconst s = 'process.env.X';\n", path="example.ts"),
        Valid(
            "export const Banner = () => <p>{props.env.TITLE}</p>;\n",
            path="example.tsx",
        ),
        # Validated: t3-env, zod, envalid, znv.
        Valid(
            'import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";\n\n'
            "export const env = createEnv({\n"
            "  server: {\n"
            "    DATABASE_URL: z.string().url(),\n"
            "    PORT: z.coerce.number().default(3000),\n"
            "  },\n"
            "  client: { NEXT_PUBLIC_API_URL: z.string().url() },\n"
            "  runtimeEnv: {\n"
            "    DATABASE_URL: process.env.DATABASE_URL,\n"
            "    PORT: process.env.PORT,\n"
            "    NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,\n"
            "  },\n"
            "  skipValidation: !!process.env.SKIP_ENV_VALIDATION,\n"
            "});\n",
            path="src/env.js",
        ),
        Valid(
            'import { createEnv } from "@t3-oss/env-core";\nimport { z } from "zod";\n\n'
            "export const env = createEnv({\n"
            "  server: { PORT: z.coerce.number().default(8080) },\n"
            "  runtimeEnv: process.env,\n"
            "});\n",
            path="src/env.ts",
        ),
        Valid(
            'import { z } from "zod";\n\n'
            "const schema = z.object({\n"
            "  API_URL: z.string().url(),\n"
            "  PORT: z.coerce.number().default(8080),\n"
            "});\n"
            "export const env = schema.parse(process.env);\n",
            path="src/config.ts",
        ),
        Valid(
            "import { z } from 'zod';\n\n"
            "const envSchema = z.object({\n"
            "  NEXT_PUBLIC_API_URL: z.string().url(),\n"
            "  NEXT_PUBLIC_GA_ID: z.string().optional(),\n"
            "});\n"
            "export const env = envSchema.parse({\n"
            "  NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,\n"
            "  NEXT_PUBLIC_GA_ID: process.env.NEXT_PUBLIC_GA_ID,\n"
            "});\n",
            path="apps/customer/src/lib/config.ts",
        ),
        Valid(
            "import * as z from 'zod';\n"
            "const result = z.object({ VITE_API: z.string() }).safeParse(import.meta.env);\n",
            path="web/env.ts",
        ),
        Valid(
            "const { cleanEnv, str, port } = require('envalid');\n\n"
            "module.exports = cleanEnv(process.env, {\n"
            "  API_KEY: str(),\n"
            "  PORT: port({ default: 3000 }),\n"
            "});\n",
            path="src/env.js",
        ),
        Valid(
            'import { parseEnv } from "znv";\nimport { z } from "zod";\n\n'
            "export const { PORT, HOST } = parseEnv(process.env, {\n"
            "  PORT: z.number().default(8080),\n"
            '  HOST: { schema: z.string(), description: "where to listen" },\n'
            "});\n",
            path="src/env.ts",
        ),
        # allow-names: read everywhere on purpose; patterns with `*` too.
        Valid(
            "if (process.env.NODE_ENV === 'production' && !process.env.CI) {\n  enable();\n}\n"
            "export const edge = process.env.NEXT_RUNTIME === 'edge';\n",
            path="example.ts",
        ),
        Valid(
            "const url = process.env.VERCEL_URL;\n",
            path="example.js",
            options={ALLOW_NAMES: ("VERCEL_*",)},
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
            "import process from 'node:process';\nprocess.env.APP_HOME;\n",
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
        # Raw reads in settings modules, which validate nothing.
        Invalid(
            "export const API_URL = process.env.API_URL;\n", path="src/config.ts", line=1, column=24
        ),
        Invalid(
            "export const PORT = process.env.PORT ?? '3000';\n",
            path="src/env.js",
            line=1,
            column=21,
        ),
        Invalid(
            "export default { base: process.env.BASE };\n",
            path="vite.config.mjs",
            line=1,
            column=24,
        ),
        Invalid(
            "const url = import.meta.env.VITE_API;\n",
            path="web/settings/api.ts",
            options={SETTINGS_MODULES: ("web/settings/**",)},
            line=1,
            column=13,
        ),
        Invalid(
            "const DB = process.env.DB;\n",
            path="app/conf.js",
            options={SETTINGS_MODULES: ("**/conf.{js,ts}",)},
            line=1,
            column=12,
        ),
        # Raw reads beside a validator: bypassing it.
        Invalid(
            'import { createEnv } from "@t3-oss/env-core";\nimport { z } from "zod";\n\n'
            "export const env = createEnv({\n"
            "  server: { DATABASE_URL: z.string() },\n"
            "  runtimeEnv: process.env,\n"
            "});\n"
            "export const url = process.env.DATABASE_URL;\n"
            "export const redis = process.env.REDIS_URL;\n",
            path="src/env.ts",
            line=8,
            column=20,
            count=2,
        ),
        # Not a validator: `z` is not zod's, `createEnv` not t3-env's.
        Invalid(
            "const z = { object: (o) => ({ parse: (v) => v }) };\n"
            "export const env = z.object({ A: 1 }).parse({ A: process.env.A });\n",
            path="src/env.js",
            line=2,
            column=50,
        ),
        Invalid(
            "import { createEnv } from './env-helper';\n"
            "export const env = createEnv({ runtimeEnv: { A: process.env.A } });\n",
            path="src/env.js",
            line=2,
            column=49,
        ),
        # An emptied allow-names exempts nothing.
        Invalid(
            "const mode = process.env.NODE_ENV;\n",
            path="example.js",
            options={ALLOW_NAMES: ()},
            line=1,
            column=14,
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


def describe(access: JsEnvAccess, where: Where | None = None) -> str:
    """The finding's message: which variable, what happens when it is missing, and what
    the read bypasses."""
    return env_message(
        access.kind,
        access.name,
        access.default_code,
        None,
        "undefined",
        _PLAIN_NAME,
        access.via,
        where,
    )
