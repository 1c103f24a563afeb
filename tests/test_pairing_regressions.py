"""False credits found on real histories (issue 26's sample by bench/credit_sample.py),
each reduced to a little git history here; the comment above each names the real commit
it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_snapshots import ISSUES, MYPY_CONFIG, report, snapshot
from test_tracker_truth import counts, issue, repo, state

from conftest import commit_all, git, write_tree

__all__ = ["repo"]  # the fixture, shared with test_tracker_truth


# Found on redash 9b2f63569 (format code by black and isort) rewrote oracle.py's `except:
# return value` as `except BaseException: return value`: credited fixed, but it catches
# and swallows the same KeyboardInterrupt/SystemExit; bare-except reports `except
# BaseException:` only when the body is pass/.../continue/return None
def test_except_base_exception_returning_a_value_is_no_fix(repo: Any, audit: Any) -> None:
    body = (
        "def convert(value):\n    try:\n        return int(value)\n"
        "    except:\n        return value\n"
    )
    repo({"app.py": body}, "initial")
    repo({"app.py": body.replace("except:", "except BaseException:")}, "spell it out")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 0, 0)
    assert crit["commits"] == []


# Found on redash 712fc63f9 moved `os.environ.get('REDASH_SECRET_KEY', COOKIE_SECRET)`
# from line 116 of redash/settings/__init__.py up to line 52 with a new default (`...,
# SECRET_KEY)`): credited fixed, and the same raw read counted new; equal tokens fail (the
# default changed) and the edit is in another block than the move
def test_an_env_read_moved_up_its_file_with_a_new_default_is_no_fix(repo: Any, audit: Any) -> None:
    middle = "".join(f"V{i} = {i}\n" for i in range(12))
    repo(
        {"settings.py": "import os\n\nJOB = 1\n" + middle + 'KEY = os.environ.get("KEY", "a")\n'},
        "initial",
    )
    repo(
        {"settings.py": 'import os\n\nKEY = os.environ.get("KEY", "b")\nJOB = 1\n' + middle},
        "move KEY up, with a new default",
    )
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 0, 0)
    assert high["commits"] == [] and high["regressions"] == []


# Found on redash cfe12c5a5 rewrote cypress/cypress-server.js as cypress/cypress.js (too
# different for git to call it a rename): the line `const baseUrl =
# process.env.CYPRESS_baseUrl || 'http://localhost:5000';` went unchanged from inside
# execSetup() to the new file's top level; credited removed, and counted new there. Across
# files equal tokens pair only within one scope or with both neighbours
def test_an_env_read_moved_out_of_its_function_into_a_new_file_is_a_move(
    repo: Any, audit: Any
) -> None:
    repo(
        {
            "server.py": (
                "import os\n\n\ndef exec_setup():\n    data = {'name': 'admin'}\n"
                "    url = os.environ.get('BASE_URL', 'http://localhost:5000')\n"
                "    post(url + '/setup', data)\n"
            )
        },
        "initial",
    )
    repo(
        {
            "server.py": None,
            "runner.py": (
                "import os\n\nfrom seed import rows\n\n"
                "url = os.environ.get('BASE_URL', 'http://localhost:5000')\n\n\n"
                "def seed(values):\n    return [post(url + v.route, v.data) for v in values]\n"
            ),
        },
        "rewrite the runner",
    )
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 0, 0)
    assert high["regressions"] == []


# Found on redash ddb0ef15c moved the REDASH_SCHEDULED_QUERY_TIME_LIMIT and
# REDASH_ADHOC_QUERY_TIME_LIMIT reads from redash/settings/dynamic_settings.py into
# redash/settings/__init__.py with a new default (None -> -1) and int() for int_or_none():
# both credited fixed, the same raw reads counted new (mealie 8a2ed0bd7 likewise within
# gunicorn_conf.py, MAX_WORKERS gaining `, None`)
def test_an_env_read_moved_to_another_file_with_a_new_default_is_no_fix(
    repo: Any, audit: Any
) -> None:
    repo(
        {
            "limits.py": (
                "import os\n\n\ndef time_limit():\n"
                "    return int_or_none(os.environ.get('TIME_LIMIT', None))\n"
            ),
            "settings.py": "import os\n\nDEBUG = False\n",
        },
        "initial",
    )
    repo(
        {
            "limits.py": "def time_limit():\n    from settings import TIME_LIMIT\n\n    return TIME_LIMIT\n",
            "settings.py": "import os\n\nDEBUG = False\nTIME_LIMIT = int(os.environ.get('TIME_LIMIT', -1))\n",
        },
        "read the limit in settings, unlimited by default",
    )
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 0, 0)
    assert high["regressions"] == []


# Found on ufo 80cd389 (style: lint with prettier), tsc source backfilled: prettier wrote
# `port` as `port,` and `_value =>` as `(_value) =>`; the three tsc errors on those lines
# stayed, but were credited fixed and counted new (a source's finding is followed by its
# line's text; the rules' line diff is not used); likewise 75a280c, f4c0400, 6cd1fcd: a
# line edited, the same error on it
@pytest.mark.usefixtures("trusted")
def test_a_formatter_run_fixes_no_source_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, audit: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    shop = "def price(amount: int) -> int:\n    return amount * 2\n\n\ndef total() -> int:\n"
    write_tree(
        tmp_path,
        {
            "pyproject.toml": MYPY_CONFIG,
            "issues.yaml": ISSUES,
            "shop.py": shop + "    return price('3')\n",
        },
    )
    commit_all(tmp_path, "initial import", "2025-10-06T10:00:00+00:00")
    snapshot(audit)
    write_tree(tmp_path, {"shop.py": shop + '    return price("3")\n'})
    commit_all(tmp_path, "format with ruff", "2025-10-07T10:00:00+00:00")
    snapshot(audit)
    data = report(audit)
    types = issue(data, "TYPES-1")
    assert (len(types["open"]), len(types["fixed"])) == (1, 0)
    assert types["regressions"] == []
