"""The result cache and the process pool change how fast a scan is, never what it says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import cache_signing
from auditor.scan import python
from conftest import BARE, audit_process, git


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the parses of files for their rules (CPython's tree: the rules detect on
    `ast`) in this process (scans run with --jobs 1)."""
    count = [0]
    real = python.parsed_tree

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(python, "parsed_tree", counting)
    return count


def many_files(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for i in range(count):
        body = BARE if i % 3 == 0 else "x = 1\ntry:\n    y()\nexcept ValueError:\n    pass\n"
        files[f"pkg{i % 7}/mod_{i}.py"] = body + ("print(x)\n" if i % 5 == 0 else "")
    return files


def test_output_is_the_same_whatever_the_job_count(project, audit) -> None:
    project(many_files(150))
    one = audit("scan", "--jobs", "1", "--no-cache", "--format", "json")
    two = audit("scan", "--jobs", "2", "--no-cache", "--format", "json")
    assert one.code == two.code == 1
    assert one.out == two.out
    assert json.loads(one.out)["summary"]["findings"] == 50 + 30


def test_fix_in_parallel_matches_sequential(project, audit, tmp_path: Path) -> None:
    files = many_files(100)
    project(files)
    assert audit("scan", "--fix", "--jobs", "2", "--fail-on", "none").code == 0
    parallel = {p: (tmp_path / p).read_text() for p in files}
    project(files)
    assert audit("scan", "--fix", "--jobs", "1", "--fail-on", "none").code == 0
    assert parallel == {p: (tmp_path / p).read_text() for p in files}


def test_warm_cache_parses_nothing_and_reports_the_same(project, audit, parses) -> None:
    project(many_files(20))
    cold = audit("scan", "--jobs", "1")
    parsed_cold = parses[0]
    # Only the files where a trigger occurs (a bare `except:` or a `print`) are parsed.
    assert parsed_cold == len({i for i in range(20) if i % 3 == 0 or i % 5 == 0}) == 9
    warm = audit("scan", "--jobs", "1")
    assert parses[0] == parsed_cold
    assert (warm.code, warm.out) == (cold.code, cold.out)


def test_one_changed_file_is_the_only_one_parsed(project, audit, parses, tmp_path: Path) -> None:
    project(many_files(20))
    audit("scan", "--jobs", "1")
    before = parses[0]
    changed = tmp_path / "pkg1/mod_1.py"
    changed.write_text(BARE)
    result = audit("scan", "--jobs", "1")
    assert parses[0] == before + 1
    assert "pkg1/mod_1.py:3:1: critical bare-except" in result.out


def test_touched_but_unchanged_file_is_not_parsed(project, audit, parses, tmp_path: Path) -> None:
    project(many_files(5))
    audit("scan", "--jobs", "1")
    before = parses[0]
    target = tmp_path / "pkg0/mod_0.py"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert audit("scan", "--jobs", "1").code == 1
    assert parses[0] == before


def test_changed_options_or_rules_do_not_reuse_results(
    project, audit, parses, tmp_path: Path
) -> None:
    project(many_files(5))
    audit("scan", "--jobs", "1")
    before = parses[0]
    audit("scan", "--jobs", "1", "--ignore", "console-logging")
    assert parses[0] > before


def test_a_corrupt_cache_is_ignored(project, audit, tmp_path: Path) -> None:
    project({"app.py": BARE})
    first = audit("scan")
    for cache_file in (tmp_path / ".audit_cache").glob("results-*.json"):
        cache_file.write_text('{"format": 1, "files": {"app.py": ["x"]}}')
    assert audit("scan").out == first.out
    for cache_file in (tmp_path / ".audit_cache").glob("results-*.json"):
        cache_file.write_bytes(b"\x00\xff not json")
    assert audit("scan").out == first.out


def test_no_cache_writes_nothing(project, audit, tmp_path: Path) -> None:
    project({"app.py": BARE})
    audit("scan", "--no-cache")
    assert not (tmp_path / ".audit_cache").exists()
    audit("scan", "--cache-dir", "elsewhere")
    assert list((tmp_path / "elsewhere").glob("results-*.json"))


WARM_IMPORTS = """
import sys
from auditor.cli import main
try:
    main()
except SystemExit as exit:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"libcst", "tree_sitter", "rules"})
    print("imported:", heavy, "exit:", exit.code)
"""


def warm_run(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", WARM_IMPORTS, "scan", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.splitlines()[-1]


def test_a_warm_scan_imports_no_parser_and_no_rule(project, tmp_path: Path) -> None:
    project({"app.py": BARE, "web/ui.js": "console.log(1);\n"})
    assert warm_run(tmp_path) == "imported: ['rules', 'tree_sitter'] exit: 1"
    assert (tmp_path / ".audit_cache" / "rules.json").is_file()
    assert warm_run(tmp_path) == "imported: [] exit: 1"
    (tmp_path / "app.py").write_text(BARE + "\n")  # one changed file: Python only
    assert warm_run(tmp_path) == "imported: ['rules'] exit: 1"


def test_the_manifest_answers_as_the_rules_do(project, audit, tmp_path: Path) -> None:
    project(many_files(30))
    first = audit("scan", "--format", "json", "--select", "bare-except,console-logging")
    (tmp_path / "pkg0" / "mod_0.py").write_text(BARE + "print(1)\n")
    second = audit("scan", "--format", "json", "--select", "bare-except,console-logging")
    fresh = audit(
        "scan", "--no-cache", "--format", "json", "--select", "bare-except,console-logging"
    )
    assert second.out == fresh.out != first.out


def test_a_stale_or_corrupt_manifest_is_rebuilt(project, tmp_path: Path) -> None:
    project({"app.py": BARE})
    warm_run(tmp_path)
    manifest = tmp_path / ".audit_cache" / "rules.json"
    data = json.loads(cache_signing.read("rules.json", manifest) or b"")
    data["stamp"][0][-1] += 1  # a rule module edited since (signed: stale, not forged)
    manifest.write_bytes(cache_signing.seal("rules.json", json.dumps(data).encode()) or b"")
    (tmp_path / "app.py").write_text(BARE + "\n")
    assert warm_run(tmp_path) == "imported: ['rules'] exit: 1"
    assert json.loads(cache_signing.read("rules.json", manifest) or b"")["stamp"] != data["stamp"]
    manifest.write_bytes(b"\xff{ not json")
    assert warm_run(tmp_path) == "imported: ['rules'] exit: 1"
    assert warm_run(tmp_path) == "imported: [] exit: 1"


def test_a_warm_scan_with_new_since_uses_the_real_rules(project, tmp_path: Path) -> None:
    project({"app.py": BARE})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "init")
    warm_run(tmp_path)
    (tmp_path / "new.py").write_text(BARE)
    last = warm_run(tmp_path, "--new-since", "HEAD")
    assert last == "imported: ['rules'] exit: 1"


def test_help_imports_no_parser_renderer_or_git(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom auditor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'libcst', 'tree_sitter', 'jinja2', 'git', 'rich', 'yaml', 'rules'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_sarif_from_the_manifest_describes_rules_as_the_rules_do(project, audit) -> None:
    project({"app.py": BARE, "web/ui.js": "console.log(1);\n"})
    cold = audit("scan", "--no-cache", "--format", "sarif")
    audit("scan")  # writes the manifest and the results
    warm = audit("scan", "--format", "sarif")
    assert warm.out == cold.out
    help_text = json.loads(warm.out)["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"]
    assert "Why: a bare `except:` also catches `KeyboardInterrupt`" in help_text


HELPED_RULE = '''
import libcst as cst
from auditor.plugins import Rule, Severity

from acme.words import MESSAGE


class NoTodo(Rule):
    """Flags calls of todo()."""

    id = "no-todo"
    severity = Severity.HIGH
    message = "todo() left in the code"
    triggers = ("todo",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "todo":
            self.report(node, MESSAGE)
'''


@pytest.mark.parametrize("module", ["acme.rules", "acme.python.rules"])
def test_an_edited_helper_of_a_rule_is_not_answered_from_the_cache(
    project, tmp_path: Path, trusted, module: str
) -> None:
    # The helper is in the rule's package, or above it in the same top-level package (as
    # the built-in rules/python/ and rules/javascript/ share rules/_env_message.py).
    project(
        {
            "pyproject.toml": f"[tool.audit]\nplugins = ['{module}']\n",
            "acme/__init__.py": "",
            "acme/python/__init__.py": "",
            module.replace(".", "/") + ".py": HELPED_RULE,
            "acme/words.py": 'MESSAGE = "old words"\n',
            "app.py": "todo()\n",
        }
    )
    first = audit_process("scan", "app.py", cwd=tmp_path)
    assert "app.py:1:1: high no-todo old words" in first.out
    (tmp_path / "acme/words.py").write_text('MESSAGE = "newer words"\n')
    second = audit_process("scan", "app.py", cwd=tmp_path)
    assert "app.py:1:1: high no-todo newer words" in second.out


def test_a_file_that_does_not_parse_is_cached_like_any_other(
    project, audit, parses, tmp_path: Path
) -> None:
    project({"ok.py": BARE, "broken.py": "try:\n    x()\nexcept:\n    pass\ndef f(:\n"})
    cold = audit("scan", "--jobs", "1")
    assert "broken.py:5:7: critical parse-error cannot parse: invalid syntax" in cold.out
    before = parses[0]
    warm = audit("scan", "--jobs", "1")
    assert parses[0] == before  # neither file parsed again
    assert (warm.code, warm.out) == (cold.code, cold.out)
    (tmp_path / "broken.py").write_text("try:\n    x()\nexcept:\n    pass\n")
    mended = audit("scan", "--jobs", "1")
    assert "parse-error" not in mended.out and "broken.py:3:1: critical bare-except" in mended.out


GARBAGE_PRONE = """import logging
import os

log = logging.getLogger(__name__)
TOKEN = os.environ["TOKEN"]


def book(**kwargs):
    try:
        open(kwargs["path"]).read()
    except:
        pass
    print("booked", kwargs["email"])
    return kwargs.get("room")
"""


def test_a_scanned_file_leaves_no_tree_for_the_garbage_collector() -> None:
    """Every Python rule runs (scopes, the narrowing of the bare except): once the scan
    is done, its tree is freed by reference counting. A tree left in a cycle waits for
    the collector, whose passes cost a fifth of a history walk. (Computing the fixes
    builds LibCST's trees and metadata, cyclic by design: a scan and the history do not.)"""
    import ast
    import gc

    from auditor.scan.engine import Engine
    from auditor.scan.loading import ActiveRule, load_rules, merge_options

    loaded = [i.cls for r in load_rules().values() for i in r.implementations]
    engine = Engine(
        [
            ActiveRule(cls, cls.severity, merge_options(cls, {}, "test"), False)
            for cls in loaded
            if "python" in cls.languages
        ]
    )
    engine.scan_text("app/book.py", "python", GARBAGE_PRONE)  # the imports, before
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        found = engine.scan_text("app/book.py", "python", GARBAGE_PRONE)
        assert [(f.rule_id, len(f.alternatives)) for f in found] == [
            ("unvalidated-env", 0),
            ("ignored-kwargs", 0),
            ("bare-except", 1),  # narrowing offered: the scopes were asked
            ("console-logging", 0),
            ("pii-logging", 0),
        ]
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, ast.AST)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
