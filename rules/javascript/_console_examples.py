"""console-logging (JS/TS): the rule's examples, run by the shared harness."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid
from rules.javascript._console_args import STYLE_EXAMPLES
from rules.javascript._console_use import USE_EXAMPLES, USE_VALID
from rules.javascript._import_insert import PLACEMENT_EXAMPLES
from rules.javascript._jsx_child import JSX_CHILD_EXAMPLES
from rules.javascript._logger_config import LOGGER_IMPORT, METHOD_MAP
from rules.javascript._logger_examples import LOGGER_EXAMPLES
from rules.javascript._module_kind import MODULE_EXAMPLES

LOGGER = "import { logger } from '@/lib/logger';"
OPTIONS_WITH_LOGGER = {LOGGER_IMPORT: LOGGER}

VALID = (
    # The project's own logger module: its console calls are what logging is.
    Valid(
        "export const logger = {\n"
        "  debug(message: string) { console.debug(message); },\n"
        "  info(message: string) { console.info(message); },\n"
        "  warn(message: string) { console.warn(message); },\n"
        "  error(message: string) { console.error(message); },\n"
        "};\n",
        path="lib/logger.ts",
        files={"tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n'},
    ),
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
    *LOGGER_EXAMPLES,
)
