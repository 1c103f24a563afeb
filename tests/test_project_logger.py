"""The Python print fix and bare-except's log line on the project's own logger, beyond the
examples: what the fix says, the option as a user writes it in the config, both rules'
fixes on one call, and import roots told by the project's own imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.testing import run_rule
from rules.python._logger_discovery import parse_option
from rules.python.console_logging import ConsoleLogging

LOGGER = 'import logging\n\nlogger = logging.getLogger("app")\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def _description(root: Path, path: str, code: str, option: str = "") -> str:
    options = {**ConsoleLogging.OPTIONS, "logger-import": option}
    (finding,) = run_rule(ConsoleLogging, code, path, options, root=root)
    assert finding.fix is not None
    return finding.fix.description


def test_the_fix_names_the_logger_and_where_it_was_found(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"app/__init__.py": "", "app/utils/__init__.py": "", "app/utils/logger.py": LOGGER},
    )
    assert _description(tmp_path, "app/cart.py", "print('x')\n") == (
        "log with `logger.info(...)` and bind `logger` at module level from "
        "`app.utils.logger` (found at app/utils/logger.py)"
    )


def test_a_module_that_does_not_resolve_is_not_imported_and_the_fix_says_so(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {"app/__init__.py": ""})
    description = _description(
        tmp_path, "app/cart.py", "print('x')\n", "from app.missing import logger"
    )
    assert description == (
        "log with `_logger.info(...)` and bind `_logger` at module level "
        "(`app.missing` of logger-import does not resolve in the project; "
        "`logging.getLogger(__name__)` instead)"
    )


def test_an_import_root_is_told_by_the_files_imports(tmp_path: Path) -> None:
    """`backend/app/...` without `backend/__init__.py`: `from app.core import config`
    says `backend/` is where the project imports from."""
    _write(
        tmp_path,
        {
            "backend/app/__init__.py": "",
            "backend/app/core/__init__.py": "",
            "backend/app/core/config.py": "",
            "backend/app/core/logging.py": LOGGER,
        },
    )
    code = "from app.core import config\n\nprint(config)\n"
    assert "`app.core.logging`" in _description(tmp_path, "backend/app/api/routes.py", code)


@pytest.mark.parametrize(
    ("option", "parsed"),
    [
        ("from app.log import logger", ("app.log", "logger", None)),
        (
            "from app.log import get_logger; log = get_logger(__name__)",
            ("app.log", "get_logger", "log = get_logger(__name__)"),
        ),
    ],
)
def test_the_option_is_an_import_and_a_binding(option: str, parsed: tuple[str, ...]) -> None:
    assert parse_option(option) == parsed


@pytest.mark.parametrize(
    "option", ["import logging", "from . import logger", "from a import b, c", "x = 1"]
)
def test_any_other_option_is_refused(option: str) -> None:
    with pytest.raises(ValueError, match="logger-import must be one import"):
        parse_option(option)


def test_the_js_rules_statement_is_not_the_python_rules() -> None:
    """One rule id, two implementations: `import { logger } from '@/lib/logger'` is for
    JS/TS files; Python files look for the project's logger themselves."""
    assert parse_option("import { logger } from '@/lib/logger'") is None
    assert parse_option("const { logger } = require('./lib/logger')") is None


def test_both_rules_fixes_come_to_one_call_without_the_personal_data(project, audit) -> None:
    root = project(
        {
            "app/__init__.py": "",
            "app/log.py": LOGGER,
            "app/auth.py": "def login(email, user_id):\n    print('login', email, user_id)\n",
            "pyproject.toml": '[tool.audit.rules.console-logging]\nlogger-import = "from app.log import logger"\n',
        }
    )
    select = ("--select", "console-logging,pii-logging")
    assert audit("scan", "--fix", "--unsafe-fixes", *select).code == 0
    assert (root / "app/auth.py").read_text() == (
        "from app.log import logger\n\n\n"
        "def login(email, user_id):\n    logger.info('login [redacted: email] %s', user_id)\n"
    )
    again = audit("scan", "--fix", "--unsafe-fixes", *select)
    assert (again.code, again.out) == (0, "No findings; 3 files scanned.\n")
