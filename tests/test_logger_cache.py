"""The result cache and the project's logger module: console-logging (Python and JS/TS)
and bare-except read a logger module found away from the scanned file (`app/utils/
logger.py` for `app/api/orders.py`, `src/lib/logger.ts` for `src/app/page.tsx`); an edit
of it, with nothing else changed, refreshes the cached findings and fixes, also when the
module itself is not scanned (`--diff` and `--fix` compute their fixes afresh: the cache
serves reports, the editor and CI's JSON and SARIF)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Run

Project = Callable[[dict[str, str | bytes]], Path]
Audit = Callable[..., Run]


def _fixes(audit: Audit, rule: str, path: str) -> list[str]:
    """What `audit scan PATH --format json` says each fix does: only the changed file is
    scanned, as pre-commit and an editor do, so the logger module is not scanned itself."""
    run = audit("scan", path, "--select", rule, "--format", "json")
    return [f["fix"]["description"] for f in json.loads(run.out)["findings"]]


PACKAGE = {
    "pyproject.toml": "[tool.audit]\n",
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/utils/__init__.py": "",
}


FOUND = "from `app.utils.logger` (found at app/utils/logger.py)"


def test_an_edit_of_the_python_logger_module_changes_the_print_fix(
    project: Project, audit: Audit
) -> None:
    root = project(
        {
            **PACKAGE,
            "app/utils/logger.py": 'import logging\n\nlogger = logging.getLogger("app")\n',
            "app/api/orders.py": 'def save(order_id):\n    print("saved", order_id)\n',
        }
    )
    assert _fixes(audit, "console-logging", "app/api/orders.py") == [
        f"log with `logger.info(...)` and bind `logger` at module level {FOUND}"
    ]
    assert list((root / ".audit_cache").glob("results-*.json"))
    (root / "app/utils/logger.py").write_text('import logging\n\nlog = logging.getLogger("app")\n')
    assert _fixes(audit, "console-logging", "app/api/orders.py") == [
        f"log with `log.info(...)` and bind `log` at module level {FOUND}"
    ]


def test_an_edit_of_the_python_logger_module_changes_the_silent_handlers_log_line(
    project: Project, audit: Audit
) -> None:
    root = project(
        {
            **PACKAGE,
            "app/utils/logger.py": 'import logging\n\nlogger = logging.getLogger("app")\n',
            "app/api/load.py": "import json\n\n\ndef load(text):\n    try:\n"
            "        return json.loads(text)\n    except:\n        pass\n",
        }
    )

    def alternative() -> str:
        run = audit("scan", "app/api/load.py", "--select", "bare-except", "--format", "json")
        (finding,) = json.loads(run.out)["findings"]
        (unsafe,) = finding["alternatives"]
        return str(unsafe["description"])

    narrowed = "name what the `try` body raises: `except json.JSONDecodeError:`"
    assert alternative() == (
        f"{narrowed} and log the ignored error with `logger.exception` {FOUND} "
        "(unsafe: any other exception now propagates)"
    )
    (root / "app/utils/logger.py").write_text("from loguru import logger as log\n")
    assert alternative() == (
        f"{narrowed} and log the ignored error with `log.exception` {FOUND} "
        "(unsafe: any other exception now propagates)"
    )


LEVELS = "  info(message: string) {},\n  warn(message: string) {},\n  error(message: string) {},\n"


def test_an_edit_of_the_js_logger_module_changes_the_console_fix(
    project: Project, audit: Audit
) -> None:
    """`log` maps to the logger's `debug` while it has one, to `info` once it is removed."""
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "package.json": '{"name": "web"}\n',
            "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}}\n',
            "src/lib/logger.ts": "export const logger = {\n  debug(message: string) {},\n"
            + LEVELS
            + "};\n",
            "src/app/page.tsx": "export function save() {\n  console.log('saved');\n}\n",
        }
    )
    found = "src/app/page.tsx:2:3: critical console-logging `console.log` writes to the console; "

    def report() -> str:
        return audit("scan", "src/app/page.tsx", "--select", "console-logging").out

    assert report().splitlines()[0] == found + "use `logger.debug`"
    (root / "src/lib/logger.ts").write_text("export const logger = {\n" + LEVELS + "};\n")
    assert report().splitlines()[0] == found + "use `logger.info`"
    assert _fixes(audit, "console-logging", "src/app/page.tsx") == ["call `logger.info` instead"]
