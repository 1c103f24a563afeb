"""What auditor writes stays what it was (issue 16, bugs 1, 2, 5 and 7): --output makes
its folders, new files follow the umask, rewritten ones keep mode, owner and group, links
stay links, a pipe is written through, and a read-only file is not fixed."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from conftest import BARE, git

FIXED = BARE.replace("except:", "except Exception:")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_output_makes_its_folders_and_a_bad_one_is_one_line(project, audit) -> None:
    root = project({"app.py": BARE, "blocker": "a file, not a folder\n"})
    result = audit("scan", "--format", "sarif", "--output", "out/deep/report.sarif")
    assert result.code == 1
    assert (root / "out/deep/report.sarif").read_text().startswith("{")
    blocked = audit("scan", "--format", "json", "--output", "blocker/report.json")
    assert (blocked.code, blocked.err) == (
        2,
        "audit: error: blocker/report.json: cannot write: File exists\n",
    )


def test_new_files_follow_the_umask_and_rewritten_ones_keep_their_mode(
    project, audit, umask_022
) -> None:
    root = project({"app.py": BARE})
    audit("scan", "--format", "json", "--output", "report.json")
    assert stat.S_IMODE((root / "report.json").stat().st_mode) == 0o644
    (root / "app.py").chmod(0o640)
    assert audit("scan", "--fix").code == 0
    assert (root / "app.py").read_text() == FIXED
    assert stat.S_IMODE((root / "app.py").stat().st_mode) == 0o640


def test_a_read_only_file_is_not_fixed(project, audit) -> None:
    root = project({"app.py": BARE})
    (root / "app.py").chmod(0o444)
    result = audit("scan", "--fix")
    assert result.code == 2
    assert "app.py:1:1: critical fix-error read-only; not fixed" in result.out.splitlines()
    assert "1 error (fix-error): some fixes were not applied." in result.out.splitlines()
    assert (root / "app.py").read_text() == BARE


def test_links_stay_links(project, audit) -> None:
    root = project({"app.py": BARE, "real/report.json": "old\n"})
    (root / "report.json").symlink_to(root / "real/report.json")
    audit("scan", "--format", "json", "--output", "report.json")
    assert (root / "report.json").is_symlink()
    assert (root / "real/report.json").read_text().startswith("{")
    # A hard link is split, never rewritten in place: tests/test_hard_links.py


def test_a_pipe_is_written_through_not_replaced(project, audit) -> None:
    root = project({"app.py": BARE})
    fifo = root / "out.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = audit("scan", "--format", "json", "--output", str(fifo))
    reader.join(timeout=10)
    assert result.code == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b"{")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_a_fixed_file_keeps_its_owner_and_group(project, audit) -> None:
    root = project({"app.py": BARE})
    os.chown(root / "app.py", 1234, 5678)
    assert audit("scan", "--fix").code == 0
    st = (root / "app.py").stat()
    assert (st.st_uid, st.st_gid) == (1234, 5678)


# --- issue 16, point 10: a scan that checks nothing is not green -------------------------


def test_a_scan_that_checks_nothing_fails_the_gate(project, audit) -> None:
    project({"pyproject.toml": '[tool.audit]\ninclude = ["src"]\n', "src/notes.txt": "x\n"})
    result = audit("scan")
    assert (result.code, result.out) == (2, "No findings; 0 files scanned.\n")
    assert result.err == (
        "audit: warning: no files to check under src (see `include`, `exclude` and the "
        "languages of the selected rules)\n"
    )
    assert audit("scan", "--fail-on", "none").code == 0  # no gate: only the warning


def test_an_empty_selector_is_refused(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE})
    empty = audit("scan", "--select", "")
    assert (empty.code, empty.err) == (
        2,
        "audit: error: --select: no rule id given (see `audit rules`)\n",
    )
    (Path.cwd() / "pyproject.toml").write_text("[tool.audit]\nselect = []\n")
    configured = audit("scan")
    assert (configured.code, configured.err) == (
        2,
        "audit: error: pyproject.toml:2:1: 'tool.audit.select' selects no rule: leave it out to "
        "run every rule\n",
    )


# --- issue 16, point 4: pre-commit names every staged file -------------------------------


def test_force_exclude_applies_the_excludes_to_named_files(project, audit) -> None:
    config = '[tool.audit]\nextend-exclude = ["generated/"]\n'
    project({"pyproject.toml": config, "generated/api.py": BARE, "app.py": BARE})
    named = audit("scan", "generated/api.py")
    assert named.out.splitlines()[0].startswith("generated/api.py:3:1: critical bare-except ")
    forced = audit("scan", "--force-exclude", "generated/api.py")
    assert (forced.code, forced.out, forced.err) == (0, "No findings; 0 files scanned.\n", "")
    both = audit("scan", "--force-exclude", "generated/api.py", "app.py")
    assert [line.split(": ")[0] for line in both.out.splitlines()[:1]] == ["app.py:3:1"]


def test_the_pre_commit_hooks_force_the_excludes() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    assert [h["entry"] for h in hooks] == [
        "audit scan --force-exclude",
        "audit scan --fix --force-exclude",
    ]


# --- issue 16, point 6: a syntax error in a file no rule could match --------------------


def test_a_python_file_without_triggers_is_still_compiled(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "ok.py": "x = 1\n", "broken.py": "def f(:\n"})
    result = audit("scan")
    assert (result.code, result.out.splitlines()[0]) == (
        2,
        "broken.py:1:7: critical parse-error cannot parse: invalid syntax",
    )


# --- issue 16, point 3: SARIF URIs ------------------------------------------------------


def test_sarif_uris_are_percent_encoded(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "sub dir/é x#1.py": BARE, "we,ird:name.py": BARE})
    document = json.loads(audit("scan", "--format", "sarif").out)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    ]
    assert uris == ["sub%20dir/%C3%A9%20x%231.py", "we%2Cird%3Aname.py"]


def test_sarif_uris_are_relative_to_the_repository_root(project, audit, tmp_path) -> None:
    # GitHub reads relative SARIF paths from the repository's root, as `--format github`
    # already names them.
    project({"backend/pyproject.toml": "[tool.audit]\n", "backend/app/x.py": BARE})
    git(tmp_path, "init", "-q")
    os.chdir(tmp_path / "backend")
    run = json.loads(audit("scan", "--format", "sarif").out)["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "backend/app/x.py", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
