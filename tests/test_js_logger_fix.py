"""console-logging's unsafe fix (JS/TS) where it depends on other files of the project:
the logger module named through tsconfig/jsconfig paths, the module system named by
package.json, relative sources checked from each file, and the result cache."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

Project = Callable[[dict[str, str | bytes]], Path]
Audit = Callable[..., Run]


def config(**options: str) -> str:
    lines = [f"{key} = {value!r}" for key, value in options.items()]
    return "[tool.audit.rules.console-logging]\n" + "\n".join(lines) + "\n"


def fix(audit: Audit) -> Run:
    return audit("scan", "--fix", "--unsafe-fixes")


def messages(run: Run, path: str) -> list[str]:
    return [line for line in run.out.splitlines() if line.startswith(path + ":")]


IMPLEMENTATION = "export default {\n  info: (...a: unknown[]) => console.log(...a),\n};\n"
PAGE = "import log from '#log';\n\nexport function save() {\n  console.log('saved');\n}\n"
PAGE_FIXED = "import log from '#log';\n\nexport function save() {\n  log.info('saved');\n}\n"


def test_the_module_tsconfig_paths_resolve_the_import_to_is_not_rewritten(
    project: Project, audit: Audit
) -> None:
    # The bug: `console.log` inside the logger became `log.info`: infinite recursion.
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n"
            + config(**{"logger-import": "import log from '#log'"}),
            "tsconfig.json": "{\n  // comments and trailing commas, as tsconfig has them\n"
            '  "compilerOptions": { "paths": { "#log": ["./src/infra/pino-setup.ts"], }, },'
            " /* a comment before the brace */\n}\n",
            "src/infra/pino-setup.ts": IMPLEMENTATION,
            "src/app/page.ts": PAGE,
        }
    )
    result = fix(audit)
    assert (root / "src/infra/pino-setup.ts").read_text() == IMPLEMENTATION
    assert (root / "src/app/page.ts").read_text() == PAGE_FIXED
    [left] = messages(result, "src/infra/pino-setup.ts")
    assert left.endswith(
        "no fix in the logger's own module (the configured `#log` resolves to this module): "
        "`log` would call itself"
    )


def test_paths_come_through_extends_and_baseurl_from_the_nearest_config(
    project: Project, audit: Audit
) -> None:
    root = project(
        {
            "pyproject.toml": config(**{"logger-import": "import log from 'logging'"}),
            "tsconfig.base.json": '{"compilerOptions": {"baseUrl": "./packages/web/src",'
            ' "paths": {"logging": ["infra/log"]}}}\n',
            "packages/web/tsconfig.json": '{"extends": "../../tsconfig.base.json"}\n',
            "packages/web/src/infra/log.ts": IMPLEMENTATION,
            # Another package's nearest config maps `logging` elsewhere: this log.ts is not it.
            "packages/api/jsconfig.json": '{"compilerOptions": {"paths": {"logging":'
            ' ["./src/lib/log.ts"]}}}\n',
            "packages/api/src/lib/log.ts": "export default { info(..._: unknown[]) {} };\n",
            "packages/api/src/infra/log.ts": IMPLEMENTATION,
        }
    )
    fix(audit)
    assert (root / "packages/web/src/infra/log.ts").read_text() == IMPLEMENTATION
    assert (root / "packages/api/src/infra/log.ts").read_text() == (
        "import log from 'logging'\n\n"
        "export default {\n  info: (...a: unknown[]) => log.info(...a),\n};\n"
    )


def test_every_module_of_a_logger_folder_is_left_alone(project: Project, audit: Audit) -> None:
    transport = "export function write(line: string) {\n  console.log(line);\n}\n"
    root = project(
        {
            "pyproject.toml": config(**{"logger-import": "import { logger } from 'logger'"}),
            "tsconfig.json": '{"compilerOptions": {"paths": {"logger": ["./src/obs/"]}}}\n',
            "src/obs/index.ts": "export { write as logger } from './sink';\n",
            "src/obs/sink.ts": transport,
        }
    )
    result = fix(audit)
    assert (root / "src/obs/sink.ts").read_text() == transport
    assert "resolves to this module" in messages(result, "src/obs/sink.ts")[0]


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ('{"type": "module"}', "import { logger } from './lib/logger.js';\n\n"),
        ('{"type": "commonjs"}', None),
        ('{"name": "app"}', None),  # no "type": CommonJS, as Node reads it
        (None, None),  # no package.json under the root: CommonJS too
    ],
)
def test_a_js_file_without_import_or_require_follows_package_json(
    project: Project, audit: Audit, package: str | None, expected: str | None
) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": config(**{"logger-import": "import { logger } from './lib/logger.js';"}),
        "lib/logger.js": "module.exports = {};\n",
        "main.js": "run();\nconsole.log('done');\n",
    }
    if package is not None:
        files["package.json"] = package + "\n"
    root = project(files)
    result = fix(audit)
    text = (root / "main.js").read_text()
    if expected is None:
        assert text == "run();\nconsole.log('done');\n"
        assert messages(result, "main.js")[0].endswith(
            "set `logger-require` (e.g. \"const { logger } = require('./lib/logger')\") "
            "to get a fix"
        )
    else:
        assert text == expected + "run();\nlogger.info('done');\n"


def test_commonjs_gets_the_configured_require_and_the_nearest_package_json_wins(
    project: Project, audit: Audit
) -> None:
    root = project(
        {
            "pyproject.toml": config(
                **{
                    "logger-import": "import { logger } from '@/lib/logger';",
                    "logger-require": "const { logger } = require('../lib/logger');",
                }
            ),
            "package.json": '{"type": "module"}\n',
            "lib/logger.cjs": "module.exports.logger = { info() {} };\n",
            "scripts/package.json": '{"type": "commonjs"}\n',
            "scripts/seed.js": "seed();\nconsole.log('seeded');\n",
        }
    )
    fix(audit)
    assert (root / "scripts/seed.js").read_text() == (
        "const { logger } = require('../lib/logger');\n\nseed();\nlogger.info('seeded');\n"
    )


def test_a_relative_source_must_name_a_module_from_the_file(project: Project, audit: Audit) -> None:
    root = project(
        {
            "pyproject.toml": config(
                **{"logger-require": "const { logger } = require('./lib/logger');"}
            ),
            "src/lib/logger.js": "module.exports = { logger: require('pino')() };\n",
            "src/job.cjs": "console.log(1);\n",
            "scripts/seed.cjs": "console.log(2);\n",  # no scripts/lib/logger: no fix
        }
    )
    result = fix(audit)
    assert (root / "src/job.cjs").read_text() == (
        "const { logger } = require('./lib/logger');\n\nlogger.info(1);\n"
    )
    assert (root / "scripts/seed.cjs").read_text() == "console.log(2);\n"
    assert messages(result, "scripts/seed.cjs")[0].endswith(
        "no fix: `./lib/logger` names no module from this file (a relative source is read "
        "from each file)"
    )


def test_an_edit_of_package_json_refreshes_the_cached_results(
    project: Project, audit: Audit
) -> None:
    """The rule declares the files it reads (PROJECT_FILES): the cache forgets what it
    found when one of them changes, with nothing else changed."""
    root = project(
        {
            "pyproject.toml": config(**{"logger-import": "import { logger } from './log.js';"}),
            "package.json": '{"type": "module"}\n',
            "log.js": "export const logger = { info() {} };\n",
            "main.js": "run();\nconsole.log('done');\n",
        }
    )
    assert "use `logger.info`" in audit("scan").out  # now cached: fixable
    (root / "package.json").write_text('{"type": "commonjs"}\n')
    assert "logger-require" in messages(audit("scan"), "main.js")[0]  # not from the cache
    result = fix(audit)
    assert (root / "main.js").read_text() == "run();\nconsole.log('done');\n"
    assert "logger-require" in messages(result, "main.js")[0]


# --- the fixed files run and compile ------------------------------------------------------

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_fixed_commonjs_and_esm_files_pass_node_check(project: Project, audit: Audit) -> None:
    assert NODE is not None
    root = project(
        {
            "pyproject.toml": config(
                **{
                    "logger-import": "import { logger } from './logger.mjs'",
                    "logger-require": "const { logger } = require('./logger.cjs')",
                }
            ),
            "logger.cjs": "module.exports.logger = { info() {}, error() {} };\n",
            "logger.mjs": "export const logger = { info() {}, error() {} };\n",
            "a.cjs": "'use strict';\nconst fs = require('fs');\nconsole.log(fs.sep);\n"
            "Promise.reject(new Error('x')).catch(console.error);\n",
            "b.mjs": "import fs from 'fs'; /* a comment\n that goes on */\nconsole.log(fs);\n",
            "c.mjs": "import fs from 'fs'; const t = `a\nb`;\nconsole.log(t, fs);\n",
        }
    )
    fix(audit)
    for name in ("a.cjs", "b.mjs", "c.mjs"):
        text = (root / name).read_text()
        assert "console." not in text, text
        done = subprocess.run([NODE, "--check", str(root / name)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([NODE, str(root / "a.cjs")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the fixed examples and the created logger type-check -----------------------------------


@pytest.fixture(scope="module")
def typescript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """typescript and Node's types from the npm registry, once for this module."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: tsc cannot be fetched")
    target = tmp_path_factory.mktemp("typescript")
    done = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "typescript@5.6"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install typescript: {done.stderr.strip()[:200]}")
    return target / "node_modules"


STRICT = (
    '{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", '
    '"module": "esnext", "moduleResolution": "bundler", "jsx": "preserve", '
    '"lib": ["es2020", "dom"], "paths": {"@/*": ["./src/*"]}}}\n'
)


def test_the_created_logger_and_the_fixed_calls_type_check(
    project: Project, audit: Audit, typescript: Path
) -> None:
    root = project(
        {
            "tsconfig.json": STRICT,
            "src/app/save.ts": "export function save(order: { id: number; total: number },"
            " user: { email: string }, err: unknown) {\n"
            "  console.log('saved', order.id, order.total);\n"
            "  console.warn(`slow ${order.id}`);\n  console.info('user', user.email);\n"
            "  console.error(err);\n  console.log(order);\n}\n",
        }
    )
    fix(audit)
    assert (root / "src/lib/logger.ts").is_file()
    assert "console." not in (root / "src/app/save.ts").read_text()
    tsc = typescript / "typescript" / "bin" / "tsc"
    done = subprocess.run(
        [str(NODE or "node"), str(tsc), "--noEmit", "-p", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("config", "quote"),
    [({}, "'"), ({".prettierrc": '{"singleQuote": false}\n'}, '"')],
    ids=["default", "prettier"],
)
def test_files_of_two_quote_styles_create_one_logger_in_one_run(
    project: Project, audit: Audit, config: dict[str, str], quote: str
) -> None:
    """The created module is the project's, not the asking file's: files that quote
    differently once each asked for another text, the fixer refused both creations, and
    a second run was needed (mealie's frontend)."""
    root = project(
        {
            "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
            "src/a.ts": 'import { x } from "./x";\nexport function a() {\n  console.log(x);\n}\n',
            "src/b.ts": "export function b() {\n  console.log('b');\n}\n",
            "src/x.ts": "export const x = 1;\n",
            **config,
        }
    )
    first = fix(audit)
    assert "refused" not in first.out
    created = (root / "src/lib/logger.ts").read_text()
    assert f"write({quote}debug{quote}, message, context)" in created
    assert (root / "src/a.ts").read_text() == (
        'import { x } from "./x";\nimport { logger } from "./lib/logger";\n'
        'export function a() {\n  logger.debug("x", { x });\n}\n'
    )
    assert "console." not in (root / "src/b.ts").read_text()
    before = {p: p.read_text() for p in root.rglob("*.ts")}
    fix(audit)
    assert {p: p.read_text() for p in root.rglob("*.ts")} == before
