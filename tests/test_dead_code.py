"""No dead code: vulture finds nothing unused in auditor/, rules/ and reports/ beyond the
names tests/dead_code_allowlist.py lists, each with why."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.skipif(
    shutil.which("vulture", path=str(Path(sys.executable).parent)) is None,
    reason="vulture is a test dependency (pip install -e '.[test]')",
)
def test_vulture_finds_no_dead_code() -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "vulture"),
            "auditor",
            "rules",
            "reports",
            "tests/dead_code_allowlist.py",
            "--min-confidence",
            "60",
            # Visitor methods, called by name: LibCST's and the ast rules' visit_/leave_,
            # and the kwargs flow's v_<node class> (rules/python/_kwargs_ast_flow.py).
            "--ignore-names",
            "visit_*,leave_*,v_*",
            "--ignore-decorators",
            "@*.command,@*.group,@*.feature,@click.*,@*.thread",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "", done.stdout
    assert done.returncode == 0, done.stderr
