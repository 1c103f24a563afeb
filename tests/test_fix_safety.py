"""Fixes that never break working code (issue 14): each case an adversarial review found,
end to end through `audit scan --fix`."""

from __future__ import annotations

STAR = """\
from shop.errors import *

try:
    run()
except:
    pass
"""


def test_a_star_import_makes_the_bare_except_fix_unsafe(project, audit) -> None:
    # `from m import *` may bind `Exception`: `except Exception:` could catch the wrong thing.
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": STAR})
    safe = audit("scan", "--fix", "--fail-on", "none")
    assert (root / "app.py").read_text() == STAR
    assert safe.out.splitlines()[0] == (
        "app.py:5:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions"
    )
    unsafe = audit("scan", "--fix", "--unsafe-fixes", "--fail-on", "none")
    assert (root / "app.py").read_text() == STAR.replace("except:", "except Exception:")
    assert unsafe.code == 0
