"""The tracker on the histories that fooled it before: formatter runs, renames and moves,
deleted directories, unparsable years, an import removed and restored, a renamed env var,
rebased commits, issues no rule detects, and wont-fix. Each is a real git repository made
here; every number is the one `git show` supports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import commit_all, git, write_tree

ISSUES = """\
project: Truth
issues:
  - id: CRIT-1
    title: Bare except blocks
    severity: critical
    rules: [bare-except]
  - id: CRIT-2
    title: Console output
    severity: critical
    rules: [console-logging]
  - id: HIGH-1
    title: Environment reads
    severity: high
    rules: [unvalidated-env]
"""
PYPROJECT = "[tool.audit]\n"
DAY = "2025-10-{:02d}T10:00:00+00:00"


def handlers(*names: str) -> str:
    return "".join(
        f"def {name}():\n    try:\n        run()\n    except:\n        pass\n\n\n" for name in names
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    counter = iter(range(1, 29))

    def commit(files: dict[str, str | None], message: str = "change") -> str:
        for name, text in files.items():
            if text is None:
                path = tmp_path / name
                if path.is_dir():
                    git(tmp_path, "rm", "-rq", name)
                else:
                    path.unlink()
            else:
                write_tree(tmp_path, {name: text})
        return commit_all(tmp_path, message, DAY.format(next(counter)))

    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "issues.yaml": ISSUES})
    return commit


def state(audit: Any, *args: str) -> dict[str, Any]:
    result = audit("report", "--format", "json", *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    check_credits_add_up(data)
    return data


def check_credits_add_up(data: dict[str, Any]) -> None:
    """The invariant a lead relies on: per-commit credits sum to each issue's totals."""
    for issue in data["issues"]:
        attributed = [f for f in issue["fixed"] if f["commit"] is not None]
        assert sum(c["fixed"] for c in issue["commits"]) == len(attributed), issue["id"]
        assert sum(c["removed"] for c in issue["commits"]) == len(issue["removed"]), issue["id"]


def issue(data: dict[str, Any], issue_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in data["issues"] if i["id"] == issue_id)
    return found


def counts(data: dict[str, Any], issue_id: str) -> tuple[int, int, int]:
    i = issue(data, issue_id)
    return len(i["open"]), len(i["fixed"]), len(i["removed"])


def test_a_formatter_run_fixes_nothing(repo, audit, tmp_path: Path) -> None:
    source = (
        "import os\n\n\ndef show(items):\n    print('total', len(items),)\n"
        "    print( 'a long message that the formatter will keep',   os.environ['SHOP_DIR'] )\n"
        "    try:\n        run()\n    except :\n        pass\n"
    )
    repo({"app.py": source}, "initial")
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", "40", "app.py"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    formatted = (tmp_path / "app.py").read_text()
    assert formatted != source and '"total",\n' in formatted  # quotes, wrapping, commas
    fmt = repo({}, "style: ruff format")
    data = state(audit)
    assert [counts(data, i) for i in ("CRIT-1", "CRIT-2", "HIGH-1")] == [
        (1, 0, 0),
        (2, 0, 0),
        (1, 0, 0),
    ]
    links = [c for i in data["issues"] for c in i["commits"] if c["sha"] == fmt]
    assert links == []  # the formatter commit is linked to nothing
    assert all(not i["regressions"] for i in data["issues"])


def test_renaming_the_enclosing_function_keeps_the_finding(repo, audit, tmp_path: Path) -> None:
    repo({"app.py": handlers("load", "save")}, "initial")
    repo({"app.py": handlers("read", "save")}, "rename load to read")
    data = state(audit)
    assert counts(data, "CRIT-1") == (2, 0, 0)
    assert issue(data, "CRIT-1")["commits"] == []


def test_moves_within_a_file_and_across_files_are_moves(repo, audit, tmp_path: Path) -> None:
    reads = "import os\n\n\ndef config():\n    a = os.environ['A']\n    b = os.environ['B']\n"
    repo({"app.py": handlers("load") + reads, "lib.py": "x = 1\n"}, "initial")
    moved_in_file = "import os\n\n\ndef settings():\n    return os.environ['A'], os.environ['B']\n"
    repo({"app.py": handlers("load") + "\n\n" + moved_in_file}, "move reads into settings()")
    move = repo(
        {"app.py": moved_in_file, "lib.py": "x = 1\n\n\n" + handlers("load")},
        "move load() into lib.py",
    )
    data = state(audit)
    assert counts(data, "CRIT-1") == (1, 0, 0)
    assert counts(data, "HIGH-1") == (2, 0, 0)
    crit = issue(data, "CRIT-1")
    assert crit["open"][0]["path"] == "lib.py"
    assert crit["commits"] == [] and crit["regressions"] == []
    assert not any(c["sha"] == move for i in data["issues"] for c in i["commits"])


def test_deleting_a_directory_is_removal_not_fixing(repo, audit, tmp_path: Path) -> None:
    repo(
        {"vendor/old.py": handlers("a", "b"), "vendor/more.py": handlers("c"), "app.py": "x = 1\n"},
        "initial",
    )
    drop = repo({"vendor": None}, "drop the vendored copy")
    data = state(audit)
    assert counts(data, "CRIT-1") == (0, 0, 3)
    crit = issue(data, "CRIT-1")
    assert crit["files_fixed"] == []
    assert [(c["sha"], c["fixed"], c["removed"]) for c in crit["commits"]] == [(drop, 0, 3)]
    assert (data["fixed"], data["removed"], data["percent"]) == (0, 3, 100)


def test_an_unparsable_period_is_unknown(repo, audit, tmp_path: Path) -> None:
    three = handlers("a", "b", "c")
    repo({"app.py": three, "py2.py": "print 'old'\n" + handlers("p", "q")}, "initial")
    broken = three.replace("def a():", "def a() oops:", 1)
    first_bad = repo({"app.py": broken}, "break app.py")
    repo({"app.py": broken.replace("except:", "except Exception:", 1)}, "fix a while broken")
    repo({"app.py": broken + "x = (\n"}, "still broken")
    repo({"app.py": handlers("b", "c").replace("except:", "except ValueError:", 1)}, "repair")
    port = repo({"py2.py": "print('old')\n" + handlers("p", "q")}, "port py2.py to Python 3")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (3, 2, 0)  # c in app.py, p and q in py2.py
    assert [r["kind"] for r in issue(data, "CRIT-2")["regressions"]] == []
    # What left app.py while it could not be read is fixed by no single commit.
    assert [(f["path"], f["commit"], f["unknown_since"]) for f in crit["fixed"]] == [
        ("app.py", None, first_bad),
        ("app.py", None, first_bad),
    ]
    assert crit["commits"] == []
    # py2.py's handlers were always there: first seen when it became readable, not new.
    assert crit["regressions"] == []
    # Unknown stays at what was last known (the chart shades the span), never zero.
    assert [(p["open"]["critical"], p["unreadable"]) for p in data["timeline"]] == [
        (0, 0),  # before the first commit
        (3, 1),  # the first commit: py2.py cannot be read
        (3, 2),  # app.py cannot be read either: its 3 handlers unknown, not fixed
        (3, 2),
        (3, 2),
        (1, 1),  # readable again: 2 handlers gone, somewhere in the span
        (4, 0),  # py2.py's two handlers and its print first seen
    ]
    assert data["unreadable"]["commits"] == 5 and data["unreadable"]["files"] == 2
    assert data["unreadable"]["at_head"] == []
    assert port == data["head"]


def test_an_issue_covering_an_unreadable_file_is_never_complete(repo, audit, tmp_path) -> None:
    repo({"app.py": "x = 1\n", "old.py": "print 'x'\n"}, "initial")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert (crit["status"], crit["open"], crit["unreadable"]) == ("unknown", [], ["old.py"])
    assert data["unreadable"]["at_head"] == ["old.py"]


def test_an_import_removed_and_restored_fixes_nothing(repo, audit, tmp_path: Path) -> None:
    code = "def home():\n    return os.environ['SHOP_DIR']\n"
    repo({"app.py": "import os\n\n\n" + code}, "initial")
    drop = repo({"app.py": code}, "drop an import")
    back = repo({"app.py": "import os\n\n\n" + code}, "restore it")
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 0, 0)
    assert high["commits"] == []
    assert [(r["kind"], r["commit"]) for r in high["regressions"]] == [("reopened", back)]
    assert drop != back


def test_renaming_the_env_var_a_read_names_is_no_fix(repo, audit, tmp_path: Path) -> None:
    repo(
        {
            "web/api.ts": "export const host = process.env.A_HOST;\n",
            "web/db.ts": "export const db = process.env.A_HOST + '/db';\n",
            "app.py": "import os\n\nHOST = os.environ['A_HOST']\n",
        },
        "initial",
    )
    repo(
        {
            "web/api.ts": "export const host = process.env.B_HOST;\n",
            "web/db.ts": "export const db = process.env.B_HOST + '/db';\n",
            "app.py": "import os\n\nHOST = os.environ['B_HOST']\n",
        },
        "rename A_HOST to B_HOST",
    )
    data = state(audit)
    assert counts(data, "HIGH-1") == (3, 0, 0)
    assert issue(data, "HIGH-1")["commits"] == []


def test_a_biome_style_round_trip_fixes_nothing(repo, audit, tmp_path: Path) -> None:
    repo({"web/a.ts": "export function f(x) {\n  console.warn('bad', x)\n}\n"}, "initial")
    repo(
        {"web/a.ts": 'export function f(x) {\n  console.warn(\n    "bad",\n    x,\n  );\n}\n'},
        "format",
    )
    repo({"web/a.ts": "export function f(x) {\n  console.warn('bad', x)\n}\n"}, "format back")
    fix = repo({"web/a.ts": "export function f(x) {\n  return x\n}\n"}, "drop the warning")
    data = state(audit)
    crit = issue(data, "CRIT-2")
    assert counts(data, "CRIT-2") == (0, 1, 0)
    assert [(c["sha"], c["fixed"]) for c in crit["commits"]] == [(fix, 1)]


def test_started_uses_the_committer_date(tmp_path: Path, monkeypatch, audit) -> None:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    issues = ISSUES.replace("project: Truth\n", "project: Truth\nstarted: 2025-10-10\n")
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "issues.yaml": issues})
    write_tree(tmp_path, {"app.py": handlers("a", "b")})
    commit_all(tmp_path, "initial", "2025-10-01T10:00:00+00:00")
    write_tree(tmp_path, {"app.py": handlers("a", "b").replace("except:", "except OSError:", 1)})
    git(tmp_path, "add", "-A")
    # Written on the 5th, rebased and committed on the 12th: inside the tracked range.
    env_date = {"GIT_COMMITTER_DATE": "2025-10-12T10:00:00+00:00"}
    subprocess.run(
        ["git", "-C", str(tmp_path), "commit", "-q", "-m", "fix a (CRIT-1)"],
        check=True,
        env={
            "GIT_AUTHOR_NAME": "Ann",
            "GIT_AUTHOR_EMAIL": "ann@example.com",
            "GIT_COMMITTER_NAME": "Bob",
            "GIT_COMMITTER_EMAIL": "bob@example.com",
            "GIT_AUTHOR_DATE": "2025-10-05T10:00:00+00:00",
            "HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            **env_date,
        },
    )
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 1, 0)
    assert [(c["author"], c["date"], c["fixed"]) for c in crit["commits"]] == [
        ("Ann", "2025-10-12T10:00:00+00:00", 1)
    ]
    assert data["range"].endswith("the first commit on or after 2025-10-10")
    assert data["authors"] == [
        {"author": "Ann", "commits": 1, "fixed": 1, "removed": 0, "introduced": 0}
    ]


RULELESS = """\
  - id: OPS-1
    title: Request timeouts
    severity: high
    status: auto
  - id: OPS-2
    title: Race in the booking service
    severity: critical
  - id: OPS-3
    title: Document the env vars
    severity: low
    status: done
"""


def test_issues_no_rule_detects_are_tracked_by_commits(repo, audit, tmp_path: Path) -> None:
    (tmp_path / "issues.yaml").write_text(ISSUES + RULELESS)
    repo({"app.py": "x = 1\n"}, "initial")
    work = repo({"app.py": "x = 2\n"}, "add timeouts to every request (OPS-1)")
    data = state(audit)
    ops1, ops2, ops3 = (issue(data, i) for i in ("OPS-1", "OPS-2", "OPS-3"))
    assert (ops1["status"], ops1["percent"], ops1["tracked_by"]) == ("in-progress", None, "commits")
    assert [c["sha"] for c in ops1["commits"]] == [work]
    assert (ops2["status"], ops2["percent"], ops2["commits"]) == ("not-started", None, [])
    assert (ops3["status"], ops3["percent"]) == ("complete", None)
    assert audit("issues", "check").code == 0


def test_a_rules_glob_that_matches_nothing_is_an_error(repo, audit, tmp_path: Path) -> None:
    bad = ISSUES + "  - id: X-1\n    title: t\n    severity: low\n    rules: ['no-such-*']\n"
    (tmp_path / "issues.yaml").write_text(bad)
    repo({"app.py": "x = 1\n"}, "initial")
    result = audit("issues", "check")
    assert result.code == 2
    assert result.err == (
        "audit: error: issues.yaml:18: issues[3].rules[0]: 'no-such-*' matches no installed "
        "rule or configured source\n"
    )


def test_wont_fix_findings_leave_the_totals(repo, audit, tmp_path: Path) -> None:
    (tmp_path / "issues.yaml").write_text(
        ISSUES.replace("rules: [console-logging]", "rules: [console-logging]\n    status: wont-fix")
    )
    repo({"app.py": handlers("a") + "print('x')\nprint('y')\n"}, "initial")
    data = state(audit)
    crit2 = issue(data, "CRIT-2")
    assert (crit2["status"], crit2["excluded"], len(crit2["open"])) == ("wont-fix", True, 2)
    assert (data["open"], data["fixed"], data["excluded"]) == (1, 0, 2)
    assert data["totals"][0] == {
        "severity": "critical",
        "issues": 1,  # the wont-fix issue is left out, as its findings are
        "complete": 0,
        "open": 1,
        "fixed": 0,
        "removed": 0,
    }
    assert data["timeline"][-1]["open"]["critical"] == 1


def test_a_second_report_reads_the_cache_and_a_new_commit_only_its_diff(
    repo, audit, tmp_path: Path
) -> None:
    repo({"app.py": handlers("a", "b", "c")}, "initial")
    for n in range(3):
        repo({f"m{n}.py": handlers(f"f{n}")}, f"add m{n}")
    cold = state(audit)
    from auditor.track.history import walk

    calls: list[str] = []
    original = walk

    def counting(*args: Any, **kwargs: Any) -> Any:
        history = original(*args, **kwargs)
        calls.append(f"{history.cached_commits}/{len(history.commits)}/{history.scans}")
        return history

    import auditor.track.use_case

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auditor.track.use_case, "walk", counting)
        warm = state(audit)
        repo({"app.py": handlers("a", "b").replace("except:", "except OSError:")}, "fix (CRIT-1)")
        after = state(audit)
        fresh = state(audit, "--no-cache")
    assert warm == cold
    assert calls == ["4/4/0", "4/5/1", "0/5/5"]
    assert after == fresh
    assert counts(after, "CRIT-1") == (3, 3, 0)
    assert (tmp_path / ".audit_cache/history/.gitignore").exists()


def test_a_fix_and_a_new_finding_in_one_commit_are_not_a_move(repo, audit, tmp_path) -> None:
    body = "def load():\n    try:\n        run()\n    except:\n        return None\n"
    repo({"app.py": body, "vendor/x.py": handlers("v1", "v2")}, "initial")
    added = "def save():\n    try:\n        write()\n    except:\n        log()\n"
    both = repo(
        {"app.py": body.replace("except:", "except OSError:") + "\n\n" + added, "vendor": None},
        "fix load(), add save(), drop vendor/",
    )
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 1, 2)
    assert [(c["sha"], c["fixed"], c["removed"], c["introduced"]) for c in crit["commits"]] == [
        (both, 1, 2, 1)
    ]
    assert [(r["line"], r["kind"]) for r in crit["regressions"]] == [(11, "new")]


def test_findings_of_a_file_unreadable_at_head_stay_open_as_last_seen(repo, audit) -> None:
    repo({"app.py": handlers("a", "b")}, "initial")
    repo({"app.py": handlers("a", "b") + "print 'py2'\n"}, "break it")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert (crit["status"], len(crit["open"]), crit["unreadable"]) == ("not-started", 2, ["app.py"])
    assert data["timeline"][-1]["open"]["critical"] == 2


def test_two_copies_merged_into_one_function_leave_one_fixed(repo, audit) -> None:
    before = (
        "import os\n\n\nclass Proxy:\n    def connect(self):\n"
        "        return retry(lambda: self.conn.connect(os.environ['SOCK']))\n\n\n"
        "class Agent:\n    def __init__(self):\n"
        "        self.conn = open_socket(os.environ['SOCK'])\n"
    )
    after = (
        "import os\n\n\ndef agent_connection():\n    return open_socket(os.environ['SOCK'])\n\n\n"
        "class Proxy:\n    def connect(self):\n        return retry(agent_connection)\n\n\n"
        "class Agent:\n    def __init__(self):\n        self.conn = agent_connection()\n"
    )
    repo({"agent.py": before}, "initial")
    merged = repo({"agent.py": after}, "one agent_connection() for both")
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 1, 0)
    # Within a file a move is no event: the survivor simply keeps its identity.
    assert [(c["sha"], c["fixed"], c["introduced"], c["moved"]) for c in high["commits"]] == [
        (merged, 1, 0, 0)
    ]
    assert high["regressions"] == []


PY2_TESTS = (
    "def test_load():\n    try:\n        load()\n    except:\n        etype, value = info()\n\n\n"
    "def test_save():\n    try:\n        save()\n    except:\n        etype, value, tb = info()\n"
)


def test_code_moved_out_of_an_unreadable_file_is_a_move(repo, audit) -> None:
    repo({"tests/transport.py": PY2_TESTS + "\n\nx = 1\n"}, "initial")
    repo({"tests/transport.py": "print 'py2'\n" + PY2_TESTS + "\n\nx = 1\n"}, "py2 only")
    split = repo(
        {"tests/transport.py": "print 'py2'\n\nx = 1\n", "tests/auth.py": PY2_TESTS},
        "split the auth tests into their own file",
    )
    repo({"tests/transport.py": "print('py3')\n\nx = 1\n"}, "port to Python 3")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (2, 0, 0)  # moved, never fixed
    assert [o["path"] for o in crit["open"]] == ["tests/auth.py", "tests/auth.py"]
    assert crit["regressions"] == [] and crit["commits"] == []
    assert split


def test_code_moved_between_unreadable_files_is_fixed_once(repo, audit) -> None:
    old = (
        "class Transport:\n    def check(self):\n        try:\n            run()\n"
        "        except:\n            log('rejected key')\n"
    )
    repo({"auth_transport.py": old + "\n\nx = 1\n"}, "initial")
    repo({"auth_transport.py": "print 'py2'\n" + old}, "py2 only")
    # Too little alike for git to call it a rename: the handler moves with other code,
    # into another class, and the lines around it are edited on the way.
    more = "".join(f"def step_{n}(x):\n    return x + {n}\n\n\n" for n in range(30))
    moved = (
        old.replace("log(", "self.transport.log(")
        .replace("Transport", "AuthHandler")
        .replace("run()", "self.run()")
    )
    handler = "print 'py2'\n" + more + moved
    repo({"auth_transport.py": None, "auth_handler.py": handler}, "move it")
    ported = handler.replace("print 'py2'", "print('3')")
    repo({"auth_handler.py": ported}, "port")
    fix = repo({"auth_handler.py": ported.replace("except:", "except OSError:")}, "fix (CRIT-1)")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (0, 1, 0)  # one handler, fixed once, never removed
    assert [(f["path"], f["commit"]) for f in crit["fixed"]] == [("auth_handler.py", fix)]


def test_code_out_of_a_file_never_read_is_first_seen(repo, audit) -> None:
    template = "{% raw %}\nexport function reload() {\n  console.debug('reloading')\n}\n"
    repo({"web/worker.js": template + "{% endraw %\n", "web/app.ts": "export const a = 1\n"})
    repo(
        {
            "web/worker.js": "{% raw %}\n{% endraw %\n",
            "web/worker.ts": "export function reload() {\n  console.debug('reloading')\n}\n",
        },
        "port the worker to TypeScript",
    )
    data = state(audit)
    crit = issue(data, "CRIT-2")
    assert counts(data, "CRIT-2") == (1, 0, 0)
    assert crit["regressions"] == []


def test_code_out_of_a_deleted_file_never_read_is_first_seen(repo, audit) -> None:
    template = "{% raw %}\nexport function reload() {\n  console.debug('reloading')\n}\n"
    repo({"web/worker.js": template + "{% endraw %\n", "web/app.ts": "export const a = 1\n"})
    repo(
        {
            "web/worker.js": None,
            # Rewritten on the way: too little alike for git to call it a rename.
            "web/worker.ts": "".join(f"export const s{n} = {n}\n" for n in range(30))
            + "export function reload() {\n  console.debug('reloading')\n}\n",
        },
        "port the worker to TypeScript",
    )
    data = state(audit)
    assert counts(data, "CRIT-2") == (1, 0, 0)
    assert issue(data, "CRIT-2")["regressions"] == []


def test_a_file_libcst_refuses_is_read_and_its_handlers_stay_open(repo, audit) -> None:
    # `(x): int` is valid Python that LibCST 1.9 refuses: the rules detect on CPython's
    # tree, so the file is read like any other and its handlers are still open, not
    # fixed (nor, as when the rules ran on LibCST, unknown).
    repo({"app.py": handlers("a", "b")}, "initial")
    repo({"app.py": "(x): int = 1\n" + handlers("a", "b")}, "annotate")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert (crit["status"], len(crit["open"]), crit["fixed"]) == ("not-started", 2, [])
    assert crit["unreadable"] == []
    assert data["timeline"][-1]["open"]["critical"] == 2
