"""Fixes that span files (issue 24 item 7): edits that carry their path or create a file,
applied after the per-file fixes, whole or not at all; a rule's project fix; what `--fix`,
`--diff`, JSON, SARIF, the harness and the language server make of them. The rules are
toys from tests/multi_file_rules.py, a local plugin of each test project."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from multi_file_rules import IMPORT, LOG_MODULE, OTHER_MODULE, TodoRegistry, ToyLogModule
from test_lsp import TIMEOUT, Client

from auditor.model import FIX_ERROR, Edit, Finding, Fix, Location, Severity
from auditor.plugins import Invalid
from auditor.scan.cache import finding_from_raw, finding_raw
from auditor.scan.fixer import unified_diff
from auditor.scan.project_fix import path_problem, plan
from auditor.scan.project_phase import _rebase
from auditor.testing import check_example

TOYS = "toy-log-module,toy-other-log,todo-registry"
SAY_FIX = "call log.say, from lib/log.js"


@pytest.fixture
def toy(project: Callable[[dict[str, str | bytes]], Path], trusted: None) -> Callable[..., Path]:
    """`toy(files)`: a project holding `files`, with the toy rules as a local plugin."""

    def make(files: dict[str, str | bytes]) -> Path:
        name = f"toy_rules_{uuid.uuid4().hex[:8]}"
        source = Path(__file__).with_name("multi_file_rules.py").read_text()
        config = f"[tool.audit]\nplugins = ['{name}']\nextend-exclude = ['toy_rules_*']\n"
        return project({f"{name}.py": source, "pyproject.toml": config, **files})

    return make


# --- audit scan --fix -------------------------------------------------------------------


def test_fix_creates_the_module_once_and_edits_the_file(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\nsay('there');\n"})
    result = audit("scan", "--fix", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.out == (
        "created lib/log.js\nFixed 2 findings.\nNo findings; 1 file scanned.\n"
    ), result.err
    assert result.code == 0
    assert (root / "lib/log.js").read_text() == LOG_MODULE
    assert (root / "app.js").read_text() == f"{IMPORT}log.say('hi');\nlog.say('there');\n"
    again = audit("scan", "--fix", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert again.out == "No findings; 2 files scanned.\n"  # the module is scanned too


def test_a_spanning_fix_waits_for_unsafe_fixes(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\n"})
    result = audit("scan", "--fix", "--select", TOYS, "--no-cache")
    assert result.out.endswith("1 more fixable with `audit scan --fix --unsafe-fixes`.\n")
    assert not (root / "lib").exists()
    assert (root / "app.js").read_text() == "say('hi');\n"


def test_a_conflicting_fix_is_skipped_whole_and_reported(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\nyell('you');\n"})
    result = audit("scan", "--fix", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.out == (
        "app.js:3:1: low toy-other-log yell() writes to the console: use log.yell()\n"
        "created lib/log.js\n"
        "app.js:2:1: fix of toy-other-log not applied: it and the fix of toy-log-module at "
        "app.js:1:1 write lib/log.js differently\n"
        "Fixed 1 finding.\n"
        "Found 1 remaining finding (1 low) in 1 file; 1 file scanned.\n"
    )
    # None of the yell fix: neither its call nor its module.
    assert (root / "app.js").read_text() == f"{IMPORT}log.say('hi');\nyell('you');\n"
    assert (root / "lib/log.js").read_text() == LOG_MODULE
    assert OTHER_MODULE not in (root / "lib/log.js").read_text()


def test_an_existing_file_of_other_content_is_not_overwritten(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\n", "lib/log.js": "export const log = console;\n"})
    result = audit("scan", "--fix", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.code == 2
    assert (
        "app.js:1:1: critical fix-error fix of toy-log-module refused: it creates lib/log.js, "
        "which exists with other content\n"
    ) in result.out
    assert (root / "lib/log.js").read_text() == "export const log = console;\n"
    assert (root / "app.js").read_text() == "say('hi');\n"


def test_a_created_file_that_does_not_parse_is_refused(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\n"})
    plugin = next(root.glob("toy_rules_*.py"))
    plugin.write_text(plugin.read_text().replace('LOG_MODULE = "export', 'LOG_MODULE = "export {'))
    result = audit("scan", "--fix", "--unsafe-fixes", "--select", "toy-log-module", "--no-cache")
    assert result.code == 2
    assert "fix-error fix of toy-log-module refused: lib/log.js: the result does not parse" in (
        result.out
    )
    assert not (root / "lib").exists()
    assert (root / "app.js").read_text() == "say('hi');\n"


def test_a_failed_write_puts_back_what_was_written(toy, audit, monkeypatch) -> None:
    import auditor.scan.project_phase as phase

    root = toy({"app.js": "say('hi');\n"})
    real = phase.write_atomic

    def failing(path: Path, data: bytes, *, expected: bytes | None = None) -> int:
        if path.name == "log.js":
            raise OSError(28, "No space left on device")
        return real(path, data, expected=expected)

    monkeypatch.setattr(phase, "write_atomic", failing)
    result = audit("scan", "--fix", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.code == 2
    assert (
        "app.js:1:1: critical fix-error fix of toy-log-module not applied: writing lib/log.js "
        "failed (No space left on device); app.js were written and put back as they were\n"
    ) in result.out
    assert (root / "app.js").read_text() == "say('hi');\n"
    assert not (root / "lib/log.js").exists()


def test_the_per_file_fixes_and_a_project_fix_in_one_run(toy, audit) -> None:
    code = "try:\n    todo('retry')\nexcept:\n    pass\n"
    root = toy({"app.py": code, "lib/util.py": "x = 1\ntodo('cache it')\n"})
    result = audit("scan", "--fix", "--select", f"{TOYS},bare-except", "--no-cache")
    assert (root / "app.py").read_text() == code.replace("except:", "except Exception:")
    assert (root / "TODOS.md").read_text() == (
        "# TODO\n\n- app.py:2: retry\n- lib/util.py:2: cache it\n"
    )
    assert result.out == (
        "app.py:2:5: low todo-registry todo: retry\n"
        "lib/util.py:2:1: low todo-registry todo: cache it\n"
        "created TODOS.md\n"
        "Fixed 1 finding.\n"
        "Found 2 remaining findings (2 low) in 2 files; 2 files scanned.\n"
    )
    again = audit("scan", "--fix", "--select", f"{TOYS},bare-except", "--no-cache")
    assert "created" not in again.out and "Fixed" not in again.out
    assert (root / "TODOS.md").read_text().count("retry") == 1


# --- audit scan --diff ------------------------------------------------------------------


def test_diff_shows_a_created_file_from_dev_null(toy, audit) -> None:
    root = toy({"app.js": "say('hi');\n"})
    result = audit("scan", "--diff", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.out == (
        "--- a/app.js\n+++ b/app.js\n@@ -1 +1,2 @@\n"
        f"-say('hi');\n+{IMPORT}+log.say('hi');\n"
        "--- /dev/null\n+++ b/lib/log.js\n@@ -0,0 +1,3 @@\n"
        "+export const log = {\n+  say: (text) => console.info(text),\n+};\n"
    )
    assert result.err == "Would fix 1 finding in 1 file, creating lib/log.js.\n"
    assert not (root / "lib").exists()


def test_diff_reports_a_conflict_on_stderr(toy, audit) -> None:
    toy({"app.js": "say('hi');\nyell('you');\n"})
    result = audit("scan", "--diff", "--unsafe-fixes", "--select", TOYS, "--no-cache")
    assert result.err == (
        "Would fix 1 finding in 1 file, creating lib/log.js.\n"
        "audit: note: app.js:2:1: fix of toy-other-log not applied: it and the fix of "
        "toy-log-module at app.js:1:1 write lib/log.js differently\n"
    )


def test_unified_diff_of_a_created_file() -> None:
    assert unified_diff("new.txt", None, "a\nb") == (
        "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n"
    )


# --- JSON and SARIF ---------------------------------------------------------------------


def test_json_gives_each_edit_its_path_and_marks_the_creation(toy, audit) -> None:
    toy({"app.js": "say('hi');\n"})
    (finding,) = json.loads(audit("scan", "--format", "json", "--select", TOYS).out)["findings"]
    assert finding["fix"] == {
        "description": SAY_FIX,
        "applicability": "unsafe",
        "edits": [
            {"start": 0, "end": 0, "text": LOG_MODULE, "path": "lib/log.js", "create": True},
            {"start": 0, "end": 0, "text": IMPORT},
            {"start": 0, "end": 3, "text": "log.say"},
        ],
    }


def test_sarif_gives_one_artifact_change_per_file(toy, audit) -> None:
    toy({"app.js": "say('hi');\n"})
    log = json.loads(audit("scan", "--format", "sarif", "--select", TOYS).out)
    (result,) = log["runs"][0]["results"]
    (fix,) = result["fixes"]

    def insert(offset: int, length: int, text: str) -> dict[str, Any]:
        region = {"charOffset": offset, "charLength": length}
        return {"deletedRegion": region, "insertedContent": {"text": text}}

    assert fix["artifactChanges"] == [
        {
            "artifactLocation": {"uri": "app.js", "uriBaseId": "%SRCROOT%"},
            "replacements": [insert(0, 0, IMPORT), insert(0, 3, "log.say")],
        },
        {
            "artifactLocation": {"uri": "lib/log.js", "uriBaseId": "%SRCROOT%"},
            "replacements": [insert(0, 0, LOG_MODULE)],
            "properties": {"created": True},
        },
    ]


def test_the_cache_keeps_an_edits_path_and_creation() -> None:
    at = Location(1, 1)
    fix = Fix((Edit(0, 0, "x", path="lib/a.js", create=True), Edit(1, 2, "y")), "d", "unsafe")
    finding = Finding("r", Severity.LOW, "app.js", at, at, "m", fix)
    assert finding_from_raw("app.js", json.loads(json.dumps(finding_raw(finding)))) == finding


# --- the plan ---------------------------------------------------------------------------


def _finding(*edits: Edit, path: str = "a.py", rule: str = "r") -> Finding:
    at = Location(1, 1)
    return Finding(rule, Severity.LOW, path, at, at, "m", Fix(edits, "d", "unsafe"))


def _plan(files: dict[str, str], *fixes: Finding) -> Any:
    return plan(fixes, files.get, lambda path, before, after, edits: None)


def test_identical_edits_count_once_and_other_overlaps_conflict() -> None:
    files = {"a.py": "x = 1\n", "b.py": "y = 2\n"}
    first = _finding(Edit(0, 1, "z"), Edit(0, 1, "w", path="b.py"))
    same = _finding(Edit(0, 1, "w", path="b.py"), Edit(4, 5, "3"))
    clash = _finding(Edit(4, 5, "9"), Edit(2, 3, ":", path="b.py"), rule="q")
    result = _plan(files, first, same, clash)
    assert [(f.path, f.before, f.after) for f in result.files] == [
        ("a.py", "x = 1\n", "z = 3\n"),
        ("b.py", "y = 2\n", "w = 2\n"),
    ]
    assert result.applied == (first, same)
    (left,) = result.not_applied
    assert left.finding is clash
    assert left.reason == "its edit of a.py overlaps the fix of r at a.py:1:1"


def test_a_creation_already_done_is_dropped() -> None:
    created = _finding(Edit(0, 0, "hi\n", path="n.txt", create=True))
    assert _plan({"n.txt": "hi\n"}, created).files == ()
    assert _plan({}, created).files[0].before is None


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (Edit(0, 0, "x", path="../out.py"), "its path '../out.py' leaves the project root"),
        (Edit(0, 0, "x", path="/etc/x"), "its path '/etc/x' is not a posix path relative"),
        (Edit(0, 1, "x", path="gone.py"), "it edits gone.py, which does not exist"),
        (Edit(0, 99, "x"), "its edit of a.py is past the end of the file"),
    ],
)
def test_a_fix_that_cannot_apply_is_refused_whole(edit: Edit, problem: str) -> None:
    result = _plan({"a.py": "x = 1\n"}, _finding(Edit(0, 1, "y"), edit))
    assert result.files == () and result.applied == ()
    (error,) = result.errors
    assert error.rule_id == FIX_ERROR
    assert error.message.startswith(f"fix of r refused: {problem}")


def test_paths() -> None:
    assert path_problem("lib/log.js") is None
    assert path_problem("lib\\log.js") is not None
    assert path_problem("./lib/log.js") is not None


def test_an_edit_on_a_file_the_per_file_fixes_changed_is_moved_with_its_line() -> None:
    before = "a = 1\nb = 2\nc = 3\n"
    after = "import x\na = 1\nb = 2\nc = 4\n"
    assert _rebase(Edit(6, 7, "B", path="m.py"), before, after) == Edit(15, 16, "B", path="m.py")
    assert _rebase(Edit(12, 13, "C", path="m.py"), before, after) is None  # its line changed


# --- the harness (tests/test_rule_examples.py runs the toy rules' own examples) ----------


@pytest.mark.parametrize(
    ("rule", "wrong"),
    [
        # The created module is not stated, or not as it is written.
        (ToyLogModule, Invalid("say(1);\n", fixed=f"{IMPORT}log.say(1);\n", path="app.js")),
        (
            ToyLogModule,
            Invalid(
                "say(1);\n",
                fixed=f"{IMPORT}log.say(1);\n",
                fixed_files={"lib/log.js": "x"},
                path="app.js",
            ),
        ),
        # A file is said to change that does not.
        (
            ToyLogModule,
            Invalid(
                "say(1);\n",
                fixed=f"{IMPORT}log.say(1);\n",
                fixed_files={"lib/log.js": LOG_MODULE, "x.js": ""},
                path="app.js",
            ),
        ),
        # A project fix's file is not stated, even with no file given.
        (TodoRegistry, Invalid("todo('a')\n", path="app.py")),
        # The context file is there with other content: the fix is refused.
        (
            ToyLogModule,
            Invalid(
                "say(1);\n",
                fixed=f"{IMPORT}log.say(1);\n",
                files={"lib/log.js": "other"},
                fixed_files={"lib/log.js": LOG_MODULE},
                path="app.js",
            ),
        ),
    ],
)
def test_the_harness_holds_multi_file_examples_to_the_files(rule: Any, wrong: Invalid) -> None:
    with pytest.raises(AssertionError):
        check_example(rule, wrong)


# --- the language server ----------------------------------------------------------------

EDITS = {
    "workspace": {"workspaceEdit": {"documentChanges": True, "resourceOperations": ["create"]}}
}


def _client(root: Path, capabilities: dict[str, Any]) -> Client:
    return Client(root, {}, capabilities)


def test_the_language_server_offers_a_workspace_edit_that_creates_the_file(toy) -> None:
    root = toy({})
    client = _client(root, EDITS)
    try:
        client.open("app.js", "say('hi');\n", language="javascript")
        client.diagnostics("app.js")
        fix, _suppress = client.actions("app.js", (0, 0), (0, 0), ["quickfix"])
        assert fix["title"] == f"Fix: {SAY_FIX} (unsafe)"
        start = {"line": 0, "character": 0}
        assert fix["edit"] == {
            "documentChanges": [
                {
                    "textDocument": {"uri": client.uri("app.js"), "version": 1},
                    # Two insertions at one point: LSP inserts them in this order.
                    "edits": [
                        {"range": {"start": start, "end": start}, "newText": IMPORT},
                        {"range": {"start": start, "end": start}, "newText": "log."},
                    ],
                },
                {
                    "kind": "create",
                    "uri": client.uri("lib/log.js"),
                    "options": {"overwrite": False, "ignoreIfExists": False},
                },
                {
                    "textDocument": {"uri": client.uri("lib/log.js"), "version": None},
                    "edits": [{"range": {"start": start, "end": start}, "newText": LOG_MODULE}],
                },
            ]
        }
        assert client.close() == 0
    finally:
        client.process.kill()
        client.process.wait(TIMEOUT)


def test_a_client_without_file_creation_is_not_offered_it_and_told_why(toy) -> None:
    root = toy({})
    client = _client(root, {"workspace": {"workspaceEdit": {"documentChanges": True}}})
    try:
        client.open("app.js", "say('hi');\n", language="javascript")
        client.diagnostics("app.js")
        actions = client.actions("app.js", (0, 0), (0, 0), ["quickfix"])
        assert [a["title"] for a in actions] == ["Suppress with `// audit: ignore[toy-log-module]`"]
        logged = client.wait(lambda m: m.get("method") == "window/logMessage")
        assert logged["params"]["message"] == (
            "audit: the fix of toy-log-module also changes lib/log.js: not offered, as this "
            "editor does not take documentChanges with create operations in a WorkspaceEdit; "
            "`audit scan --fix` applies it"
        )
        assert client.close() == 0
    finally:
        client.process.kill()
        client.process.wait(TIMEOUT)
