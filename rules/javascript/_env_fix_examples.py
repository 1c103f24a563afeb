"""unvalidated-env (JS/TS): the fix's examples, checked by the shared harness: the
settings module each kind of app gets (t3-env, zod, neither), Next.js client and server
variables, and what a second run leaves alone."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid

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
_CHECK_TS = (
    "/** The values, each required one checked: throws naming every one that is unset. */\n"
    "function checkEnv<T extends Record<string, string | undefined>, K extends keyof T>(\n"
    "  values: T,\n"
    "  required: readonly K[],\n"
    "): T & { [P in K]: string } {\n"
    "  const missing = required.filter((name) => values[name] === undefined);\n"
    "  if (missing.length > 0) {\n"
    '    throw new Error(`Missing environment variables: ${missing.join(", ")}`);\n'
    "  }\n"
    "  return values as T & { [P in K]: string };\n"
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
    # Several TypeScript projects (composite; the root config a solution with none of its
    # own files): the module goes where the reading file's project compiles it
    # (server/env.ts; env.ts at the root is in no project: TS6307). A CommonJS script run
    # as it is cannot require a .ts module: its read stays, a finding without a fix.
    Invalid(
        'export const editor = process.env.EDITOR || "vi";\n',
        path="server/edit.ts",
        files={
            "package.json": '{"devDependencies": {"typescript": "5.6.0"}}\n',
            "tsconfig.json": '{ "files": [], "references": [{ "path": "./server" }] }\n',
            "server/tsconfig.json": '{ "compilerOptions": { "composite": true }, '
            '"include": ["."] }\n',
            "scripts/release.js": "const token = process.env.RELEASE_TOKEN;\n\n"
            "module.exports = { token };\n",
        },
        fixed='import { env } from "./env";\n\nexport const editor = env.EDITOR || "vi";\n',
        fixed_files={
            "server/env.ts": _MODULE_HEADER + "\n" + _CHECK_TS + "\n"
            "export const env = checkEnv(\n"
            "  {\n"
            '    EDITOR: process.env.EDITOR ?? "vi",\n'
            "  },\n"
            "  [],\n"
            ");\n",
            ".env.example": _HEADER + "\n# used in server/edit.ts:1\nEDITOR=vi\n",
        },
    ),
)
