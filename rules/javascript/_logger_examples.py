"""console-logging (JS/TS): examples of the fix on the project's own logger, found or
created, each a small project (`files=`) that the harness writes to a temporary folder."""

from __future__ import annotations

from auditor.plugins import Invalid
from rules.javascript._created_logger import MARKER

ALIAS = '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n'
SRC_ALIAS = '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }\n'
NODE_TYPES = '{ "devDependencies": { "@types/node": "^20" } }\n'
OWN_LOGGER = (
    "type Context = Record<string, unknown>;\n\n"
    "export const logger = {\n"
    "  debug(message: string, context?: Context) {},\n"
    "  info(message: string, context?: Context) {},\n"
    "  warn(message: string, context?: Context) {},\n"
    "  error(message: string, context?: Context) {},\n"
    "};\n"
)
CLIENT_PROJECT = '{ "compilerOptions": { "composite": true }, "include": ["."] }\n'
SERVER_PROJECT = '{ "compilerOptions": { "composite": true }, "include": [".", "../shared/"] }\n'
SERVER_LOG = (
    "const log = {\n"
    "  info(...args: string[]) { process.stdout.write(args.join(' ') + '\\n'); },\n"
    "  warn(...args: string[]) { process.stderr.write(args.join(' ') + '\\n'); },\n"
    "  error(...args: string[]) { process.stderr.write(args.join(' ') + '\\n'); },\n"
    "};\n\nexport default log;\n"
)
PAGE = (
    "export function save(order: Order, user: User, err: Error) {\n"
    "  console.log('saved', order.id, order.total);\n"
    "  console.log('User:', user.email, user.id);\n"
    "  console.info(`paid ${order.id}`, { by: 'card' });\n"
    "  console.error(err);\n"
    "}\n"
)
CREATED = (
    MARKER + "// The project's logger (created by auditor's console-logging fix): one place\n"
    "// that decides what is written; debug is quiet in production builds.\n\n"
    "type Level = 'debug' | 'info' | 'warn' | 'error';\n"
    "type Context = Record<string, unknown>;\n\n"
    "const production =\n"
    "  typeof process !== 'undefined' && process.env.NODE_ENV === 'production';\n\n"
    "function write(level: Level, message: string, context?: Context): void {\n"
    "  if (level === 'debug' && production) {\n    return;\n  }\n"
    "  if (context === undefined) {\n    console[level](message);\n  } else {\n"
    "    console[level](message, context);\n  }\n}\n\n"
    "export const logger = {\n"
    "  debug: (message: string, context?: Context): void => write('debug', message, context),\n"
    "  info: (message: string, context?: Context): void => write('info', message, context),\n"
    "  warn: (message: string, context?: Context): void => write('warn', message, context),\n"
    "  error: (message: string, context?: Context): void => write('error', message, context),\n"
    "};\n"
)

LOGGER_EXAMPLES = (
    # The project's logger, `(message, context?)`: `log` -> `debug` (it has debug, no
    # log); the arguments after the message become its context; personal data redacted.
    Invalid(
        PAGE,
        fixed="import { logger } from '@/lib/logger';\n\n"
        "export function save(order: Order, user: User, err: Error) {\n"
        "  logger.debug('saved', { id: order.id, total: order.total });\n"
        "  logger.debug('User:', { email: '[redacted: email]', id: user.id });\n"
        "  logger.info(`paid ${order.id}`, { by: 'card' });\n"
        "  logger.error('error', { error: err });\n"
        "}\n",
        path="app/orders/save.ts",
        files={"tsconfig.json": ALIAS, "lib/logger.ts": OWN_LOGGER},
        count=4,
    ),
    # More slots: an error parameter takes the error, the context what is left.
    Invalid(
        "import { logger } from '../lib/logger';\n\n"
        "try {\n  run();\n} catch (e) {\n  console.error('failed', e, jobId);\n}\n",
        fixed="import { logger } from '../lib/logger';\n\n"
        "try {\n  run();\n} catch (e) {\n  logger.error('failed', e, { jobId });\n}\n",
        path="jobs/run.ts",
        files={
            "lib/logger.ts": "class Logger {\n"
            "  info(message: string, metadata?: object) {}\n"
            "  warn(message: string, metadata?: object) {}\n"
            "  error(message: string, error?: unknown, metadata?: object) {}\n"
            "}\n\nexport const logger = new Logger();\n"
        },
    ),
    # pino (a default export at the root): `(fields, message)`.
    Invalid(
        "export async function POST(req: Request) {\n"
        "  const order = await create();\n  console.log('created', order);\n}\n",
        fixed="import logger from '@/logger';\n\n"
        "export async function POST(req: Request) {\n"
        "  const order = await create();\n  logger.debug({ order }, 'created');\n}\n",
        path="app/api/orders/route.ts",
        files={
            "tsconfig.json": ALIAS,
            "logger.ts": "import pino from 'pino';\n\n"
            "const logger = pino({ level: 'info' });\n\nexport default logger;\n",
        },
    ),
    # winston: `logger.warn(message, meta)`.
    Invalid(
        "export function check(ms: number) {\n  console.warn('slow', ms);\n}\n",
        fixed="import { logger } from './utils/logger';\n\n"
        "export function check(ms: number) {\n  logger.warn('slow', { ms });\n}\n",
        path="src/check.ts",
        files={
            "src/utils/logger.ts": "import winston from 'winston';\n\n"
            "export const logger = winston.createLogger({ level: 'info' });\n"
        },
    ),
    # No logger: the fix creates one (in the same fix: all or nothing) and imports it
    # through the alias that reaches it.
    Invalid(
        "'use client';\n\nexport function Button() {\n"
        "  return <button onClick={() => console.log('clicked')}>Go</button>;\n}\n",
        fixed="'use client';\nimport { logger } from '@/lib/logger';\n\n"
        "export function Button() {\n"
        "  return <button onClick={() => logger.debug('clicked')}>Go</button>;\n}\n",
        path="src/components/button.tsx",
        files={"tsconfig.json": SRC_ALIAS, "package.json": NODE_TYPES},
        fixed_files={"src/lib/logger.ts": CREATED},
    ),
    # `logger-import` names an alias that maps to a missing file: the module is created there.
    Invalid(
        "export const f = () => console.info('ready');\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "export const f = () => logger.info('ready');\n",
        path="app/f.ts",
        options={"logger-import": "import { logger } from '@/lib/logger';"},
        files={"tsconfig.json": ALIAS, "package.json": NODE_TYPES},
        fixed_files={"lib/logger.ts": CREATED},
    ),
    # The logger is another TypeScript project's (the server's): a browser client's file
    # would not compile importing it (TS6307) and would bundle server code: no fix.
    Invalid(
        "export const f = () => console.error('offline');\n",
        path="client/f.ts",
        files={
            "client/tsconfig.json": CLIENT_PROJECT,
            "server/tsconfig.json": SERVER_PROJECT,
            "server/log.ts": SERVER_LOG,
        },
    ),
    # ...a project that takes the server's files in (tests) imports it.
    Invalid(
        "export const f = () => console.error('offline');\n",
        fixed="import logger from '../server/log';\n\n"
        "export const f = () => logger.error('offline');\n",
        path="test/f.ts",
        files={
            "test/tsconfig.json": '{ "include": ["**/*", "../server"] }\n',
            "server/tsconfig.json": SERVER_PROJECT,
            "server/log.ts": SERVER_LOG,
        },
    ),
    # ...an alias that maps to nothing: no fix (the import would not compile).
    Invalid(
        "export const f = () => console.info('ready');\n",
        path="app/f.ts",
        options={"logger-import": "import { logger } from '@/lib/logger';"},
        files={"tsconfig.json": "{}\n"},
    ),
)
