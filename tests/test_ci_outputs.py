"""What CI reads: SARIF validated against the 2.1.0 schema, GitHub annotations, and the merge
gate with a baseline or --new-since in a real repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import jsonschema
import pytest

from auditor.model import Edit
from auditor.scan.fixer import apply_edits
from conftest import BARE, commit_all, git

SCHEMA_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"  # ships the OASIS SARIF 2.1.0 schema
SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, object]:
    """The official schema, fetched once from the npm registry by name (never committed)."""
    cache = Path(os.environ.get("AUDIT_TEST_CACHE", Path.home() / ".cache" / "auditor-tests"))
    target = cache / "sarif-2.1.0-rtm.5.json"
    if not target.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot fetch the SARIF 2.1.0 schema")
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [npm, "pack", SCHEMA_PACKAGE, "--silent"], cwd=tmp, capture_output=True, timeout=300
            )
            if done.returncode != 0:
                pytest.skip(f"cannot fetch {SCHEMA_PACKAGE}: {done.stderr.decode()[-200:]}")
            (archive,) = Path(tmp).glob("*.tgz")
            with tarfile.open(archive) as tarred:
                member = tarred.extractfile(SCHEMA_MEMBER)
                assert member is not None
                data = member.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    schema: dict[str, object] = json.loads(target.read_text())
    return schema


MIXED = {
    "app.py": "import os\n\n"
    + BARE
    + "x = os.environ['TOKEN']  # audit: ignore[unvalidated-env]\n",
    "broken.py": "def f(:\n    print(1)\n",  # print: a trigger, so it is parsed
    "web/page.ts": "export function f() {\n  try { go(); } catch (e) {}\n}\n",
}


def test_sarif_validates_against_the_schema(project, audit, sarif_schema) -> None:
    project(MIXED)
    result = audit("scan", "--format", "sarif", "--include-suppressed")
    assert result.code == 2  # broken.py does not parse
    log = json.loads(result.out)
    validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids) and "bare-except" in rule_ids
    by_rule = {r["ruleId"]: r for r in run["results"]}
    bare = next(
        r
        for r in run["results"]
        if r["ruleId"] == "bare-except"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
    )
    assert bare["level"] == "error"
    assert bare["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 1,
        "endLine": 5,
        "endColumn": 7,
    }
    assert bare["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert rule_ids[bare["ruleIndex"]] == "bare-except"
    assert len(bare["partialFingerprints"]["auditor/v1"]) == 20
    assert by_rule["unvalidated-env"]["suppressions"] == [{"kind": "inSource"}]
    assert by_rule["parse-error"]["level"] == "error"
    # Every result has its rule's metadata, auditor's own ids included.
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert {"parse-error", "read-error", "internal-error", "fix-error", "parse-limit"} <= set(
        rule_ids
    )
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    without = json.loads(audit("scan", "--format", "sarif").out)["runs"][0]["results"]
    assert "unvalidated-env" not in {r["ruleId"] for r in without}


def test_sarif_fix_applies_to_the_same_text_as_fix(project, audit, tmp_path: Path) -> None:
    source = "def f():\n    try:\n        g()\n    except:  # é\n        pass\n"
    project({"app.py": source})
    log = json.loads(audit("scan", "--format", "sarif").out)
    (result,) = log["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    edits = [
        Edit(
            r["deletedRegion"]["charOffset"],
            r["deletedRegion"]["charOffset"] + r["deletedRegion"]["charLength"],
            r["insertedContent"]["text"],
        )
        for r in change["replacements"]
    ]
    from_sarif = apply_edits(source, edits)
    audit("scan", "--fix")
    assert (
        from_sarif
        == (tmp_path / "app.py").read_text()
        == source.replace("except:", "except Exception:")
    )


def test_github_annotations_are_escaped(project, audit) -> None:
    project({"a,b.py": 'try:\n    x = "::error::100%"\nexcept:\n    pass\n'})
    out = audit("scan", "--format", "github").out
    assert out == (
        "::error file=a%2Cb.py,line=3,col=1,endLine=3,endColumn=7,title=bare-except (critical)"
        "::bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions\n"
    )


def test_github_annotation_paths_are_from_the_repository_root(project, audit, monkeypatch) -> None:
    # A job with `working-directory: backend/app`: GitHub still reads paths from the root.
    root = project({"backend/pyproject.toml": "[tool.audit]\n", "backend/app/pay.py": BARE})
    git(root, "init", "-q")
    monkeypatch.chdir(root / "backend" / "app")
    result = audit("scan", "--format", "github")
    assert result.out == (
        "::error file=backend/app/pay.py,line=3,col=1,endLine=3,endColumn=7,"
        "title=bare-except (critical)::bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions\n"
    )
    assert audit("scan").out.splitlines()[0].startswith("pay.py:3:1: ")  # text: from here


# --- the merge gate -----------------------------------------------------------------------

OLD = "".join(
    f"def old_{i}():\n    try:\n        work({i})\n    except:\n        pass\n\n\n"
    for i in range(10)
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with 10 old critical findings on main."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "pyproject.toml").write_text("[tool.audit]\n")
    (tmp_path / "legacy.py").write_text(OLD)
    (tmp_path / "other.py").write_text("x = 1\n")
    commit_all(tmp_path, "legacy code", "2025-10-01T10:00:00+00:00")
    return tmp_path


NEW = "def fresh():\n    try:\n        work()\n    except:\n        pass\n"


def test_baseline_gate(repo: Path, audit) -> None:
    made = audit("baseline")
    assert made.out == ".audit-baseline.json: 10 findings in the baseline.\n"
    lines = (repo / ".audit-baseline.json").read_text().splitlines()
    assert lines[0] == '{"schema": "auditor.baseline/1", "findings": ['
    assert len(lines) == 12 and lines[-1] == "]}"
    assert json.loads(lines[1].rstrip(","))["code"] == "except:"
    assert audit("scan", "--baseline", ".audit-baseline.json").code == 0

    # A new critical finding fails the gate, and only it is reported.
    (repo / "other.py").write_text("x = 1\n" + NEW)
    result = audit("scan", "--baseline", ".audit-baseline.json")
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "other.py:5:5: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions",
        "10 findings in the baseline: not shown.",
    ]
    (repo / "other.py").write_text("x = 1\n")

    # Fixing an old one passes and reports it as fixed; --update-baseline ratchets.
    (repo / "legacy.py").write_text(
        OLD.replace("work(3)\n    except:", "work(3)\n    except ValueError:")
    )
    result = audit("scan", "--baseline", ".audit-baseline.json", "--update-baseline")
    assert result.code == 0
    assert result.out.splitlines()[:4] == [
        "9 findings in the baseline: not shown.",
        "1 baseline finding fixed:",
        "  legacy.py: bare-except except:",
        ".audit-baseline.json: 1 fixed entry removed.",
    ]
    assert len((repo / ".audit-baseline.json").read_text().splitlines()) == 11
    # The ratchet never adds: a new finding stays out of the file and fails the gate.
    (repo / "other.py").write_text(NEW)
    assert audit("scan", "--baseline", ".audit-baseline.json", "--update-baseline").code == 1
    assert len((repo / ".audit-baseline.json").read_text().splitlines()) == 11


def test_new_since_gate(repo: Path, audit) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    # The new finding sits above the old ones in the same file: it is still the one named.
    (repo / "legacy.py").write_text(NEW + "\n\n" + OLD)
    commit_all(repo, "add fresh()", "2025-10-02T10:00:00+00:00")
    result = audit("scan", "--new-since", "main")
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "legacy.py:4:5: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions",
        "10 findings already at the merge base of main: not shown.",
    ]
    # Fixing an old one (and dropping the new one) passes.
    (repo / "legacy.py").write_text(
        OLD.replace("work(3)\n    except:", "work(3)\n    except ValueError:")
    )
    commit_all(repo, "fix one", "2025-10-03T10:00:00+00:00")
    result = audit("scan", "--new-since", "main")
    assert result.code == 0
    assert result.out.splitlines()[0] == "9 findings already at the merge base of main: not shown."
    # A renamed file keeps its old findings old.
    git(repo, "mv", "legacy.py", "renamed.py")
    assert audit("scan", "--new-since", "main").code == 0
    bad = audit("scan", "--new-since", "nope")
    assert (bad.code, bad.err.startswith("audit: error: --new-since nope: ")) == (2, True)


def test_baseline_file_errors(repo: Path, audit) -> None:
    (repo / "b.json").write_text("{not json")
    result = audit("scan", "--baseline", "b.json")
    assert (result.code, result.err) == (
        2,
        "audit: error: b.json:1: invalid JSON: Expecting property name enclosed in double quotes\n",
    )
    assert (
        audit("scan", "--update-baseline").err
        == "audit: error: --update-baseline needs --baseline FILE\n"
    )


def test_new_since_a_formatter_run_adds_nothing(repo: Path, audit) -> None:
    git(repo, "checkout", "-q", "-b", "style")
    (repo / "script.py").write_text("def main():\n    print('hello',  'world',)\n")
    commit_all(repo, "add a script", "2025-10-02T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "style")
    git(repo, "checkout", "-q", "-b", "format")
    (repo / "script.py").write_text(
        'def main():\n    print(\n        "hello",\n        "world",\n    )\n'
    )
    result = audit("scan", "--new-since", "main", "--select", "console-logging")
    assert result.code == 0
    assert result.out.splitlines()[0] == "1 finding already at the merge base of main: not shown."
