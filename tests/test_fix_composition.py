"""Fixes of several rules in one run compose into code that passes ruff's import and
logging rules: the print fix's `import logging` and the env fix's settings import each in
its isort section, whichever runs first."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

APP = """\
import os

PORT = int(os.getenv("PORT", "8000"))


def serve(user_email):
    print("serving", user_email, PORT)
"""


def test_print_and_env_fixes_in_one_run_keep_isorts_sections(project: Any, audit: Any) -> None:
    root = project(
        {
            "pyproject.toml": '[project]\nname = "shop"\nrequires-python = ">=3.11"\n',
            "shop/__init__.py": "",
            "shop/app.py": APP,
        }
    )
    fixed = audit("scan", "--fix", "--unsafe-fixes")
    assert fixed.code == 0, fixed.out + fixed.err
    assert (root / "shop/app.py").read_text() == (
        "import logging as _logging\n\n"
        "from shop.settings import settings\n\n"
        "_logger = _logging.getLogger(__name__)\n\n"
        "PORT = settings.port\n\n\n"
        "def serve(user_email):\n"
        '    _logger.info("serving [redacted: email] %s", PORT)\n'
    )
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff is not None
    checked = subprocess.run(
        [ruff, "check", "--isolated", "--select", "I001,F401,LOG,G", "shop"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stdout.strip()) == (0, "All checks passed!")
    again = audit("scan", "--fix", "--unsafe-fixes")
    assert (again.code, (root / "shop/app.py").read_text().count("settings.port")) == (0, 1)
