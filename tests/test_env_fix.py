"""The unvalidated-env fix for Python through the command line: `--diff` shows the new
settings module, `--fix --unsafe-fixes` writes it and every read, a second run finds and
changes nothing; the module written validates and names every missing variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rules.python._env_examples import stdlib_settings

FILES = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/db.py": (
        "import os\n\n"
        'DATABASE_URL = os.environ["DATABASE_URL"]\n'
        'PORT = int(os.getenv("PORT", "8000"))\n'
        'DEBUG = os.getenv("DEBUG", "0") == "1"\n'
    ),
}
FIELDS = (
    '    database_url: str = field(metadata={"env": "DATABASE_URL"})\n'
    '    debug: str = field(default="0", metadata={"env": "DEBUG"})\n'
    '    port: int = field(default=8000, metadata={"env": "PORT"})\n'
)
DB_AFTER = (
    "from shop.settings import settings\n\n"
    "DATABASE_URL = settings.database_url\n"
    "PORT = settings.port\n"
    'DEBUG = settings.debug == "1"\n'
)
EXAMPLE_AFTER = (
    "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n"
    "# Values written here are kept when the file is rewritten.\n\n"
    "# used in shop/settings.py:20\nDATABASE_URL=\n\n"
    "# used in shop/settings.py:21\nDEBUG=0\n\n"
    "# used in shop/settings.py:22\nPORT=8000\n"
)


def test_diff_shows_the_new_module_and_changes_nothing(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--diff", "--unsafe-fixes", ".")
    assert run.code == 0  # high findings do not fail the default gate (critical)
    assert run.err == "Would fix 3 findings in 1 file, creating .env.example, shop/settings.py.\n"
    assert "+++ b/shop/settings.py\n" in run.out
    assert "+++ b/.env.example\n" in run.out
    assert '-DATABASE_URL = os.environ["DATABASE_URL"]\n' in run.out
    assert "+DATABASE_URL = settings.database_url\n" in run.out
    assert not (root / "shop/settings.py").exists()
    assert (root / "shop/db.py").read_text() == FILES["shop/db.py"]


def test_safe_fix_alone_leaves_the_reads(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--fix", ".")
    assert run.code == 0
    assert run.out.endswith("Found 3 findings (3 high) in 1 file; 2 files scanned.\n")
    assert (root / "shop/db.py").read_text() == FILES["shop/db.py"]
    assert not (root / "shop/settings.py").exists()


def test_fix_writes_the_module_the_reads_and_env_example(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--fix", "--unsafe-fixes", ".")
    assert run.code == 0, run.out + run.err
    assert "Fixed 3 findings." in run.out
    assert (root / "shop/db.py").read_text() == DB_AFTER
    assert (root / "shop/settings.py").read_text() == stdlib_settings(FIELDS)
    assert (root / ".env.example").read_text() == EXAMPLE_AFTER
    again = audit("scan", "--fix", "--unsafe-fixes", ".")
    assert again.code == 0
    assert again.out == "No findings; 3 files scanned.\n"
    assert (root / "shop/db.py").read_text() == DB_AFTER
    assert (root / ".env.example").read_text() == EXAMPLE_AFTER


def test_the_written_module_fails_at_once_naming_every_missing_variable(project, audit) -> None:
    root = project(FILES)
    audit("scan", "--fix", "--unsafe-fixes", ".")
    code = "import shop.db as db; print(db.DATABASE_URL, db.PORT, db.DEBUG)"
    done = _python(root, code, {})
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "shop.settings.SettingsError: invalid environment: DATABASE_URL is not set"
    )
    bad = _python(root, code, {"PORT": "eighty"})
    assert bad.stderr.splitlines()[-1] == (
        "shop.settings.SettingsError: invalid environment: DATABASE_URL is not set; "
        "PORT is not a valid int: 'eighty'"
    )
    good = _python(root, code, {"DATABASE_URL": "sqlite://", "DEBUG": "1"})
    assert (good.returncode, good.stdout) == (0, "sqlite:// 8000 True\n")


def test_audit_env_lists_the_moved_variables_as_validated(project, audit) -> None:
    project(FILES)
    audit("scan", "--fix", "--unsafe-fixes", ".")
    run = audit("env", ".")
    assert run.out.splitlines()[:2] == [
        "DATABASE_URL  validated as str in shop/settings.py",
        "  shop/settings.py:20:5  dataclass Settings.database_url  required  type str  "
        "[validated, settings]",
    ]


def _python(root: Path, code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
