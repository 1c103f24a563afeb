"""unvalidated-env (JS/TS): the rule's examples, checked by the shared harness: reads
recognised as validated or exempt (VALID), raw reads and what the fix writes (INVALID)."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid
from rules._env_message import ALLOW_NAMES

SETTINGS_MODULES = "settings-modules"

VALID: tuple[Valid, ...] = (
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
    Valid("export const Page = (p: { v: typeof process.env.V }) => <p>{p.v}</p>;\n", path="x.tsx"),
    # A reassigned alias may hold anything; a parameter of the same name is another one.
    Valid("let env = process.env;\nenv = load();\nuse(env.A);\n", path="x.js"),
    Valid(
        "const env = process.env;\nfunction f(env: Env) {\n  return env.A;\n}\n"
        "const b = process['envs'].B;\n",
        path="x.ts",
    ),
    Valid("(process.env as any).NODE_ENV = 'production';\nprocess.env!.X = '1';\n", path="x.ts"),
)

INVALID: tuple[Invalid, ...] = (
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

# --- the fix: per app (nearest package.json), one validated settings module ---------------
