"""A cache that came with the code is never believed: every entry of `.audit_cache/` (scan
results, the rule manifest, the history walk) is signed with a key outside the repository,
and a forged, foreign or wrong-shaped entry is a miss, never a result and never a
traceback. The same `AUDIT_CACHE_KEY` on two machines (a CI cache) shares the cache."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from auditor import cache_signing
from auditor.scan import manifest, python
from conftest import BARE, commit_all, git, write_tree

FINDING = "app.py:3:1: critical bare-except"
FORGED_SHAPES = [b"[]", b"null", b"{}", b'"x"', b"1"]


def results_file(root: Path) -> Path:
    (found,) = (root / ".audit_cache").glob("results-*.json")
    return found


def history_files(root: Path) -> list[Path]:
    return sorted((root / ".audit_cache" / "history").glob("*.json"))


def payload_of(path: Path, role: str | None = None) -> Any:
    data = cache_signing.read(role or path.name, path)
    assert data is not None, f"{path} does not verify"
    return json.loads(data)


def with_old_signature(path: Path, payload: Any) -> None:
    """The entry's payload replaced, its signature line kept: an edited entry."""
    header = path.read_bytes().partition(b"\n")[0]
    path.write_bytes(header + b"\n" + json.dumps(payload).encode())


def resealed(path: Path, payload: Any, role: str | None = None) -> None:
    """The payload signed with the key in force now (the forger's, in a test)."""
    sealed = cache_signing.seal(role or path.name, json.dumps(payload).encode())
    assert sealed is not None
    path.write_bytes(sealed)


def no_findings(results: Any) -> Any:
    for entry in results["files"].values():
        entry[3] = []
    return results


# Scan results


def test_an_edited_results_entry_is_a_miss(project, audit, tmp_path: Path) -> None:
    project({"app.py": BARE})
    first = audit("scan")
    assert first.code == 1 and FINDING in first.out
    cached = results_file(tmp_path)
    forged = no_findings(payload_of(cached))

    with_old_signature(cached, forged)
    again = audit("scan")
    assert (again.code, again.out) == (1, first.out)

    # Unsigned, as a results file committed to the repository would be.
    cached.write_text(json.dumps(forged))
    again = audit("scan")
    assert (again.code, again.out) == (1, first.out)

    # What the forgery would do if it were believed: signed with the user's own key.
    resealed(cached, forged)
    believed = audit("scan")
    assert (believed.code, FINDING in believed.out) == (0, False)


def test_results_signed_with_another_key_are_a_miss(
    project, audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project({"app.py": BARE})
    monkeypatch.setenv("AUDIT_CACHE_KEY", "a")
    first = audit("scan")
    assert first.code == 1
    resealed(results_file(tmp_path), no_findings(payload_of(results_file(tmp_path))))
    assert audit("scan").code == 0  # key a believes what was signed with key a
    monkeypatch.setenv("AUDIT_CACHE_KEY", "b")
    other = audit("scan")
    assert (other.code, other.out) == (1, first.out)


def test_a_cache_from_another_users_key_file_is_a_miss(
    project, audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_dirs: Path
) -> None:
    project({"app.py": BARE})
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_dirs / "attacker"))
    first = audit("scan")
    resealed(results_file(tmp_path), no_findings(payload_of(results_file(tmp_path))))
    assert audit("scan").code == 0
    assert (user_dirs / "attacker" / "auditor" / "cache-key").is_file()
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_dirs / "victim"))
    victim = audit("scan")
    assert (victim.code, victim.out) == (1, first.out)


# The rule manifest

WARM_IMPORTS = """
import sys
from auditor.cli import main
try:
    main()
except SystemExit as exit:
    print("rules imported:", "rules" in sys.modules, "exit:", exit.code)
"""


def warm_run(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", WARM_IMPORTS, "scan"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert FINDING in done.stdout
    return done.stdout.splitlines()[-1]


def test_a_forged_rule_manifest_is_ignored(project, tmp_path: Path) -> None:
    project({"app.py": BARE})
    warm_run(tmp_path)
    assert warm_run(tmp_path) == "rules imported: False exit: 1"  # the manifest is used
    rules_json = tmp_path / ".audit_cache" / "rules.json"
    data = payload_of(rules_json)
    for record in data["rules"]["bare-except"]:
        record["severity"] = "low"
        record["doc"] = record["message"] = "forged"
    del data["rules"]["console-logging"]

    with_old_signature(rules_json, data)
    assert warm_run(tmp_path) == "rules imported: True exit: 1"

    rules_json.write_text(json.dumps(data))  # unsigned, as committed
    assert warm_run(tmp_path) == "rules imported: True exit: 1"
    assert warm_run(tmp_path) == "rules imported: False exit: 1"  # rewritten, signed


def test_a_manifest_signed_with_another_key_is_ignored(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project({"app.py": BARE})
    monkeypatch.setenv("AUDIT_CACHE_KEY", "a")
    warm_run(tmp_path)
    assert warm_run(tmp_path) == "rules imported: False exit: 1"
    monkeypatch.setenv("AUDIT_CACHE_KEY", "b")
    assert warm_run(tmp_path) == "rules imported: True exit: 1"


# The history walk

ISSUES = """\
project: Signed
issues:
  - id: CRIT-1
    title: Bare except blocks
    severity: critical
    rules: [bare-except]
"""


def handlers(*names: str) -> str:
    return "".join(
        f"def {n}():\n    try:\n        run()\n    except:\n        pass\n\n\n" for n in names
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git repository: three bare excepts, one fixed in the second commit."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    write_tree(
        tmp_path,
        {"pyproject.toml": "[tool.audit]\n", "issues.yaml": ISSUES, "app.py": handlers("a", "b")},
    )
    commit_all(tmp_path, "initial", "2025-10-01T10:00:00+00:00")
    write_tree(tmp_path, {"app.py": handlers("a").replace("except:", "except OSError:")})
    write_tree(tmp_path, {"core.py": handlers("c")})
    commit_all(tmp_path, "fix a (CRIT-1), add c", "2025-10-02T10:00:00+00:00")
    return tmp_path


def tracker_outputs(audit: Any, *args: str) -> tuple[str, str]:
    report = audit("report", "--format", "json", *args)
    listing = audit("issues", "list", *args)
    assert report.code == 0 and listing.code == 0, report.err + listing.err
    return report.out, listing.out


def forged_walk(walk: Any) -> Any:
    walk["baseline"] = []
    for record in walk["commits"]:
        record["events"] = []
    walk["state"]["files"] = {}
    walk["ever"] = []
    return walk


def test_a_forged_history_cache_is_ignored(repo: Path, audit) -> None:
    truth = tracker_outputs(audit, "--no-cache")
    assert tracker_outputs(audit) == truth
    (walk_file,) = history_files(repo)
    role = f"history/{walk_file.name}"
    forged = forged_walk(payload_of(walk_file, role))

    with_old_signature(walk_file, forged)
    assert tracker_outputs(audit) == truth

    walk_file.write_text(json.dumps(forged))  # unsigned, as committed
    assert tracker_outputs(audit) == truth

    resealed(walk_file, forged, role="history/elsewhere.json")  # another file's signature
    assert tracker_outputs(audit) == truth

    # What the forgery would do if it were believed.
    resealed(walk_file, forged, role)
    assert tracker_outputs(audit) != truth


def test_a_history_cache_signed_with_another_key_is_ignored(
    repo: Path, audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = tracker_outputs(audit, "--no-cache")
    monkeypatch.setenv("AUDIT_CACHE_KEY", "a")
    tracker_outputs(audit)
    (walk_file,) = history_files(repo)
    resealed(walk_file, forged_walk(payload_of(walk_file, f"history/{walk_file.name}")))
    monkeypatch.setenv("AUDIT_CACHE_KEY", "b")
    assert tracker_outputs(audit) == truth


# Wrong shapes: a miss, never a traceback, whether signed or not


@pytest.mark.parametrize("shape", FORGED_SHAPES)
def test_wrong_shaped_results_and_manifest_are_misses(
    project, audit, tmp_path: Path, shape: bytes
) -> None:
    project({"app.py": BARE})
    first = audit("scan")
    rules_json = tmp_path / ".audit_cache" / "rules.json"
    for write in (Path.write_bytes, lambda p, d: p.write_bytes(cache_signing.seal(p.name, d))):
        write(results_file(tmp_path), shape)
        write(rules_json, shape)
        again = audit("scan")
        assert (again.code, again.out, again.err) == (1, first.out, "")
        assert manifest.load(rules_json.parent) is not None  # rewritten


@pytest.mark.parametrize(
    "files",
    [
        [],
        {"app.py": None},
        {"app.py": []},
        {"app.py": ["blob", "1", 2, [], []]},
        {"app.py": ["blob", 1, 2, [["bare-except", 4, 3, 1, 4, 5, "m", "f", "", None]], []]},
        {"app.py": ["blob", 1, 2, [["bare-except", 99, 3, 1, 4, 5, "m", "f", "", None]], []]},
        {"app.py": ["blob", 1, 2, [["bare-except", 4, True, 1, 4, 5, "m", "f", "", None]], []]},
        {"app.py": ["blob", 1, 2, [["bare-except", 4, 3, 1, 4, 5, "m", "f", "", [1]]], []]},
    ],
)
def test_signed_results_of_the_wrong_shape_are_misses(
    project, audit, tmp_path: Path, files: Any
) -> None:
    project({"app.py": BARE})
    first = audit("scan")
    cached = results_file(tmp_path)
    document = payload_of(cached)
    document["files"] = files
    resealed(cached, document)
    again = audit("scan")
    assert (again.code, again.out, again.err) == (1, first.out, "")


@pytest.mark.parametrize(
    "shape", [*FORGED_SHAPES, b'{"format": 5}', b'{"format": 5, "commits": 1}']
)
def test_wrong_shaped_history_caches_are_misses(repo: Path, audit, shape: bytes) -> None:
    truth = tracker_outputs(audit, "--no-cache")
    tracker_outputs(audit)
    (walk_file,) = history_files(repo)
    walk_file.write_bytes(shape)
    assert tracker_outputs(audit) == truth
    resealed(walk_file, json.loads(shape), f"history/{walk_file.name}")
    assert tracker_outputs(audit) == truth


def test_a_signed_history_entry_with_wrong_types_is_a_miss(repo: Path, audit) -> None:
    truth = tracker_outputs(audit, "--no-cache")
    tracker_outputs(audit)
    (walk_file,) = history_files(repo)
    role = f"history/{walk_file.name}"
    good = payload_of(walk_file, role)
    breakages = [
        ("baseline_unreadable", "1"),
        ("ever", [1]),
        ("commits", [{"meta": [1, 2, 3, 4, 5], "stat": [0, 0, 0], "events": [], "unreadable": 0}]),
        ("state", {"files": [], "blobs": {}, "unknown": {}, "gone": [], "used": []}),
        ("state", {**good["state"], "gone": [[["a", "b"], []]]}),
    ]
    for key, value in breakages:
        resealed(walk_file, {**good, key: value}, role)
        assert tracker_outputs(audit) == truth, key


# A shared key: the CI case


def test_the_same_key_shares_a_cache_between_directories(
    tmp_path: Path, audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = [0]
    real = python.parsed_tree  # the parse of a file for its rules (CPython's tree)

    def counting(*args: Any, **kwargs: Any) -> Any:
        parses[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(python, "parsed_tree", counting)
    monkeypatch.setenv("AUDIT_CACHE_KEY", "ci-secret")
    first_machine = tmp_path / "one"
    write_tree(first_machine, {"app.py": BARE, "ok.py": "x = 1\n"})
    monkeypatch.chdir(first_machine)
    first = audit("scan", "--jobs", "1")
    assert first.code == 1 and parses[0] == 1

    second_machine = tmp_path / "two"
    shutil.copytree(first_machine, second_machine)  # a checkout and a restored CI cache
    monkeypatch.chdir(second_machine)
    assert manifest.load(second_machine / ".audit_cache") is not None
    reused = audit("scan", "--jobs", "1")
    assert (reused.code, reused.out, parses[0]) == (1, first.out, 1)  # nothing parsed

    third_machine = tmp_path / "three"
    shutil.copytree(first_machine, third_machine)
    monkeypatch.chdir(third_machine)
    monkeypatch.setenv("AUDIT_CACHE_KEY", "another-secret")
    assert manifest.load(third_machine / ".audit_cache") is None
    other = audit("scan", "--jobs", "1")
    assert (other.code, other.out, other.err, parses[0]) == (1, first.out, "", 2)  # parsed again


# The key


def test_no_key_file_means_no_cache_not_a_crash(
    project, audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_dirs: Path
) -> None:
    blocker = user_dirs / "not-a-directory"
    blocker.write_text("a file where the cache folder's parent should be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    project({"app.py": BARE})
    assert cache_signing.key() is None
    for _ in range(2):
        result = audit("scan")
        assert (result.code, FINDING in result.out, result.err) == (1, True, "")
    assert not (tmp_path / ".audit_cache").exists()  # nothing written: no key to sign with


def test_the_key_file_is_private_and_made_once(user_dirs: Path) -> None:
    key_file = user_dirs / "cache" / "auditor" / "cache-key"
    made = cache_signing.key()
    assert made is not None and key_file.read_bytes() == made and len(made) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    cache_signing.file_key.cache_clear()
    assert cache_signing.key() == made
    assert not [p for p in key_file.parent.iterdir() if p != key_file]  # no temporary left


def test_racing_processes_end_with_one_key(user_dirs: Path) -> None:
    code = "from auditor import cache_signing; print(cache_signing.key().hex())"
    env = {**os.environ}
    runs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(6)
    ]
    keys = {run.communicate()[0].strip() for run in runs}
    key_file = user_dirs / "cache" / "auditor" / "cache-key"
    assert keys == {key_file.read_bytes().hex()}


def test_a_damaged_key_file_is_replaced(user_dirs: Path) -> None:
    key_file = user_dirs / "cache" / "auditor" / "cache-key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"short")
    made = cache_signing.key()
    assert made is not None and len(made) == 32 and key_file.read_bytes() == made


def test_the_environment_key_wins_over_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from_file = cache_signing.seal("rules.json", b"{}")
    monkeypatch.setenv("AUDIT_CACHE_KEY", "ci-secret")
    from_env = cache_signing.seal("rules.json", b"{}")
    assert from_file and from_env and from_file != from_env
    assert cache_signing.unseal("rules.json", from_env) == b"{}"
    assert cache_signing.unseal("other.json", from_env) is None  # bound to its file's role
    assert cache_signing.unseal("rules.json", from_file) is None
    monkeypatch.delenv("AUDIT_CACHE_KEY")
    assert cache_signing.unseal("rules.json", from_file) == b"{}"
