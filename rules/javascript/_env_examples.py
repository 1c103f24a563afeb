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

_HEADER = (
    "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n"
    "# Values written here are kept when the file is rewritten.\n"
)
_MODULE_HEADER = "// The environment variables the app reads, checked once when it starts.\n"
_T3_APP = '{"dependencies": {"next": "15.1.0", "zod": "3.24.1", "@t3-oss/env-nextjs": "0.11.1"}}\n'
_PATHS = '{"compilerOptions": {"strict": true, "paths": {"~/*": ["./src/*"]}}}\n'
_T3_TEMPLATE = (  # create-t3-app's src/env.js, shortened
    'import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";\n\n'
    "export const env = createEnv({\n"
    "  server: {\n"
    "    DATABASE_URL: z.string().url(),\n"
    "  },\n"
    "  client: {\n"
    "    // NEXT_PUBLIC_CLIENTVAR: z.string(),\n"
    "  },\n"
    "  runtimeEnv: {\n"
    "    DATABASE_URL: process.env.DATABASE_URL,\n"
    "  },\n"
    "  skipValidation: !!process.env.SKIP_ENV_VALIDATION,\n"
    "});\n"
)
_CHECK_JS = (
    "/** The values, each required one checked: throws naming every one that is unset. */\n"
    "function checkEnv(values, required) {\n"
    "  const missing = required.filter((name) => values[name] === undefined);\n"
    "  if (missing.length > 0) {\n"
    '    throw new Error(`Missing environment variables: ${missing.join(", ")}`);\n'
    "  }\n"
    "  return values;\n"
    "}\n"
)

FIX_VALID: tuple[Valid, ...] = (
    # The module the fix writes without zod or t3-env is recognised as validated.
    Valid(
        _MODULE_HEADER + "\n" + _CHECK_JS + "\n"
        "export const env = checkEnv(\n"
        "  {\n"
        "    HOST: process.env.HOST,\n"
        '    PORT: process.env.PORT ?? "8080",\n'
        "  },\n"
        '  ["HOST"],\n'
        ");\n",
        path="env.js",
    ),
)

FIX_INVALID: tuple[Invalid, ...] = (
    # t3-env app (Next.js): createEnv with server and client schemas, imported through
    # the tsconfig alias; `!` is required, `Number(... ?? 3000)` a default; the client
    # module's secret stays (undefined in the browser: its own message).
    Invalid(
        'import { connect } from "db";\n\n'
        "export const db = connect(process.env.DATABASE_URL!);\n"
        "export const port = Number(process.env.PORT ?? 3000);\n",
        path="src/server/db.ts",
        line=3,
        column=27,
        count=2,
        files={
            "package.json": _T3_APP,
            "tsconfig.json": _PATHS,
            "src/app/page.tsx": '"use client";\n\nexport default function Page() {\n'
            "  return <a href={process.env.NEXT_PUBLIC_API_URL}>{process.env.STRIPE_KEY}</a>;\n"
            "}\n",
        },
        fixed='import { connect } from "db";\nimport { env } from "~/env";\n\n'
        "export const db = connect(env.DATABASE_URL);\n"
        "export const port = Number(env.PORT);\n",
        fixed_files={
            "src/app/page.tsx": '"use client";\nimport { env } from "~/env";\n\n'
            "export default function Page() {\n"
            "  return <a href={env.NEXT_PUBLIC_API_URL}>{process.env.STRIPE_KEY}</a>;\n}\n",
            "src/env.ts": _MODULE_HEADER
            + 'import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";\n\n'
            "export const env = createEnv({\n"
            "  server: {\n"
            "    DATABASE_URL: z.string(),\n"
            '    PORT: z.string().default("3000"),\n'
            "  },\n"
            "  client: {\n"
            "    NEXT_PUBLIC_API_URL: z.string().optional(),\n"
            "  },\n"
            "  runtimeEnv: {\n"
            "    DATABASE_URL: process.env.DATABASE_URL,\n"
            "    NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,\n"
            "    PORT: process.env.PORT,\n"
            "  },\n"
            "});\n",
            ".env.example": _HEADER + "\n# used in src/server/db.ts:3\nDATABASE_URL=\n\n"
            "# used in src/app/page.tsx:4\nNEXT_PUBLIC_API_URL=\n\n"
            "# used in src/server/db.ts:4\nPORT=3000\n",
        },
    ),
    # The client module's own finding: a non-public variable is undefined in the browser.
    Invalid(
        '"use client";\n\nexport const key = process.env.STRIPE_KEY;\n',
        path="src/app/pay.tsx",
        line=3,
        column=20,
        files={"package.json": _T3_APP},
    ),
    # zod app: a schema parsed once; `as string` is required, `||` keeps its fallback
    # (an empty value falls back too), and two reads disagreeing make REGION required.
    Invalid(
        "const url = process.env.API_URL as string;\n"
        'const retries = parseInt(process.env.RETRIES || "3", 10);\n'
        'const region = process.env.REGION ?? "eu-west-1";\n'
        "export { url, retries, region };\n",
        path="src/index.ts",
        line=1,
        column=13,
        count=3,
        files={
            "package.json": '{"dependencies": {"zod": "^3.23.8"}, '
            '"devDependencies": {"typescript": "^5.6.0"}}\n',
            "src/jobs/sync.ts": "export const region = process.env.REGION;\n",
        },
        fixed='import { env } from "./env";\n\n'
        "const url = env.API_URL;\n"
        'const retries = parseInt(env.RETRIES || "3", 10);\n'
        'const region = env.REGION ?? "eu-west-1";\n'
        "export { url, retries, region };\n",
        fixed_files={
            "src/jobs/sync.ts": 'import { env } from "../env";\n\n'
            "export const region = env.REGION;\n",
            "src/env.ts": _MODULE_HEADER + 'import { z } from "zod";\n\n'
            "const schema = z.object({\n"
            "  API_URL: z.string(),\n"
            "  REGION: z.string(),\n"
            '  RETRIES: z.string().default("3"),\n'
            "});\n\n"
            "export const env = schema.parse(process.env);\n",
            ".env.example": _HEADER + "\n# used in src/index.ts:1\nAPI_URL=\n\n"
            "# used in src/index.ts:3, src/jobs/sync.ts:1\nREGION=eu-west-1\n\n"
            "# used in src/index.ts:2\nRETRIES=3\n",
        },
    ),
    # Neither: a plain ES module (Node resolves the import: it names env.js) that throws
    # naming every unset required variable.
    Invalid(
        "import http from 'node:http';\n\n"
        "const port = Number(process.env.PORT || 8080);\n"
        "http.createServer(handle).listen(port, process.env.HOST);\n",
        path="server.js",
        line=3,
        column=21,
        count=2,
        files={"package.json": '{"type": "module", "dependencies": {"express": "^4.21.0"}}\n'},
        fixed="import http from 'node:http';\nimport { env } from './env.js';\n\n"
        "const port = Number(env.PORT || 8080);\n"
        "http.createServer(handle).listen(port, env.HOST);\n",
        fixed_files={
            "env.js": _MODULE_HEADER + "\n" + _CHECK_JS + "\n"
            "export const env = checkEnv(\n"
            "  {\n"
            "    HOST: process.env.HOST,\n"
            '    PORT: process.env.PORT ?? "8080",\n'
            "  },\n"
            "  [],\n"
            ");\n",
            ".env.example": _HEADER + "\n# used in server.js:4\nHOST=\n\n"
            "# used in server.js:3\nPORT=8080\n",
        },
    ),
    # Next.js with zod alone: the client's variables parsed written out, the server's
    # on the server only.
    Invalid(
        "export async function GET() {\n  return Response.json({ url: process.env.API_URL! });\n}\n",
        path="app/api/route.ts",
        line=2,
        column=31,
        files={
            "package.json": '{"dependencies": {"next": "14.2.0", "zod": "3.23.0"}}\n',
            "app/banner.tsx": "'use client';\nexport function Banner() {\n"
            "  return <p>{process.env.NEXT_PUBLIC_BANNER ?? 'Welcome'}</p>;\n}\n",
        },
        fixed='import { env } from "../../env";\n\n'
        "export async function GET() {\n  return Response.json({ url: env.API_URL });\n}\n",
        fixed_files={
            "app/banner.tsx": "'use client';\nimport { env } from \"../env\";\n"
            "export function Banner() {\n  return <p>{env.NEXT_PUBLIC_BANNER}</p>;\n}\n",
            "env.ts": _MODULE_HEADER + 'import { z } from "zod";\n\n'
            "const server = z.object({\n  API_URL: z.string(),\n});\n\n"
            'const client = z.object({\n  NEXT_PUBLIC_BANNER: z.string().default("Welcome"),\n});\n\n'
            "// Next.js inlines only `process.env.NEXT_PUBLIC_*` written out; the server's\n"
            "// variables are checked on the server alone.\n"
            "export const env = {\n"
            "  ...client.parse({\n"
            "    NEXT_PUBLIC_BANNER: process.env.NEXT_PUBLIC_BANNER,\n"
            "  }),\n"
            '  ...(typeof window === "undefined" ? server.parse(process.env) : '
            "({} as z.infer<typeof server>)),\n"
            "};\n",
            ".env.example": _HEADER + "\n# used in app/api/route.ts:2\nAPI_URL=\n\n"
            "# used in app/banner.tsx:3\nNEXT_PUBLIC_BANNER=Welcome\n",
        },
    ),
    # An existing createEnv (create-t3-app's src/env.js) extended: its comments stay, the
    # client schema gets the public variable, the file's import is reused; a secret's
    # default is not written to .env.example.
    Invalid(
        'import { env } from "~/env";\n\n'
        "export const secret = process.env.AUTH_SECRET;\n"
        "export const db = env.DATABASE_URL;\n"
        'export const key = process.env.NEXT_PUBLIC_POSTHOG_KEY ?? "";\n',
        path="src/server/auth.ts",
        line=3,
        column=23,
        count=2,
        files={"package.json": _T3_APP, "tsconfig.json": _PATHS, "src/env.js": _T3_TEMPLATE},
        fixed='import { env } from "~/env";\n\n'
        "export const secret = env.AUTH_SECRET;\n"
        "export const db = env.DATABASE_URL;\n"
        "export const key = env.NEXT_PUBLIC_POSTHOG_KEY;\n",
        fixed_files={
            "src/env.js": 'import { createEnv } from "@t3-oss/env-nextjs";\n'
            'import { z } from "zod";\n\n'
            "export const env = createEnv({\n"
            "  server: {\n"
            "    DATABASE_URL: z.string().url(),\n"
            "    AUTH_SECRET: z.string().optional(),\n"
            "  },\n"
            "  client: {\n"
            "    // NEXT_PUBLIC_CLIENTVAR: z.string(),\n"
            '    NEXT_PUBLIC_POSTHOG_KEY: z.string().default(""),\n'
            "  },\n"
            "  runtimeEnv: {\n"
            "    DATABASE_URL: process.env.DATABASE_URL,\n"
            "    AUTH_SECRET: process.env.AUTH_SECRET,\n"
            "    NEXT_PUBLIC_POSTHOG_KEY: process.env.NEXT_PUBLIC_POSTHOG_KEY,\n"
            "  },\n"
            "  skipValidation: !!process.env.SKIP_ENV_VALIDATION,\n"
            "});\n",
            ".env.example": _HEADER + "\n# used in src/server/auth.ts:3\nAUTH_SECRET=\n\n"
            "# used in src/server/auth.ts:5\nNEXT_PUBLIC_POSTHOG_KEY=\n",
        },
    ),
    # An existing zod schema, found through no import: at lib/config.ts, extended inline.
    Invalid(
        'export const from = process.env.MAIL_FROM ?? "noreply@example.com";\n',
        path="lib/mail.ts",
        line=1,
        column=21,
        files={
            "package.json": '{"dependencies": {"zod": "3.23.0"}}\n',
            "lib/config.ts": 'import { z } from "zod";\n\n'
            "const schema = z.object({ API_URL: z.string().url() });\n\n"
            "export const config = schema.parse(process.env);\n",
            ".env.example": "API_URL=https://api.example.com\n",
        },
        fixed='import { config } from "./config";\n\nexport const from = config.MAIL_FROM;\n',
        fixed_files={
            "lib/config.ts": 'import { z } from "zod";\n\n'
            "const schema = z.object({ API_URL: z.string().url(), "
            'MAIL_FROM: z.string().default("noreply@example.com") });\n\n'
            "export const config = schema.parse(process.env);\n",
            ".env.example": "API_URL=https://api.example.com\n\n"
            "# used in lib/mail.ts:1\nMAIL_FROM=noreply@example.com\n",
        },
    ),
)
