"""Rule docs in the repository (issue 27 item 4): docs/rules/<id>.md for every built-in rule,
generated from the rules themselves by `audit rules --format markdown --output-dir
docs/rules`, kept up to date as a golden file is; each rule's help URL is its page, under
the config's `docs-url` for a fork or a mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.scan.loading import BUILTIN_DOCS, doc_url, load_rules
from conftest import BARE
from reports.rule_doc import GENERATED, markdown_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"
COMMAND = "audit rules --format markdown --output-dir docs/rules"
MIRROR = "https://git.example.com/mirrors/auditor/-/blob/main"


def _builtin() -> dict[str, object]:
    registry = load_rules()
    others = sorted(
        rule_id
        for rule_id, loaded in registry.items()
        if any(not impl.origin.startswith("auditor[") for impl in loaded.implementations)
    )
    if others:
        pytest.skip(f"rules other than auditor's own are installed: {', '.join(others)}")
    return dict(registry)


def test_the_committed_rule_docs_are_up_to_date(audit, tmp_path, monkeypatch) -> None:
    _builtin()
    monkeypatch.chdir(ROOT)
    result = audit("rules", "--format", "markdown", "--output-dir", str(tmp_path / "rules"))
    assert result.code == 0, result.err
    made = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "rules").iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(
        name for name in made.keys() | committed.keys() if made.get(name) != committed.get(name)
    )
    assert stale == [], f"docs/rules is out of date ({', '.join(stale)}): run `{COMMAND}`"


def test_every_builtin_rule_points_at_its_page() -> None:
    for rule_id, loaded in _builtin().items():
        for cls in loaded.classes:  # type: ignore[attr-defined]
            assert cls.url == f"{BUILTIN_DOCS}/docs/rules/{rule_id}.md", cls
        assert (DOCS / f"{rule_id}.md").is_file(), rule_id
        assert f"]({rule_id}.md)" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_a_page_has_every_implementation_its_options_and_examples() -> None:
    loaded = load_rules()["console-logging"]
    page = markdown_page("console-logging", loaded.classes)
    assert page.startswith(GENERATED + "\n\n# console-logging\n")
    assert "\n## Python\n" in page and "\n## JavaScript, TypeScript\n" in page
    assert "- **Severity:** critical\n" in page
    assert "- **Fix:** unsafe" in page
    assert (
        '```toml\n[tool.audit.rules.console-logging]\nallow = []\nstdout-level = "info"\n' in page
    )
    assert "Flagged:\n\n```python\nprint(total)\n```\n\nFixed:\n\n```python\n" in page
    assert "Accepted (`tests/test_cart.py`):\n\n```python\n" in page
    assert "```typescript\n" in page and "```tsx\n" in page
    bare = markdown_page("bare-except", load_rules()["bare-except"].classes)
    assert "Fixed with --unsafe-fixes:\n\n```python\n" in bare


def test_markdown_on_standard_output(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n"})
    one = audit("rules", "bare-except", "--format", "markdown")
    assert one.code == 0 and one.out.startswith(GENERATED + "\n\n# bare-except\n")
    index = audit("rules", "--format", "markdown").out
    assert "| [`bare-except`](bare-except.md) | javascript, python, typescript |" in index
    wrong = audit("rules", "--format", "json", "--output-dir", "x")
    assert (wrong.code, wrong.err.strip()) == (
        2,
        "audit: error: --output-dir: only with --format markdown",
    )


def test_the_output_dir_loses_the_pages_of_rules_that_are_gone(project, audit) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "docs/rules/gone.md": GENERATED + "\n\n# gone\n",
            "docs/rules/notes.md": "# Our notes on the rules\n",
        }
    )
    result = audit("rules", "--format", "markdown", "--output-dir", "docs/rules")
    assert result.code == 0, result.err
    names = sorted(p.name for p in (root / "docs/rules").iterdir())
    assert "gone.md" not in names and "notes.md" in names
    assert {"index.md", "bare-except.md", "console-logging.md"} <= set(names)


def test_docs_url_moves_the_builtin_pages(project, audit) -> None:
    project({"pyproject.toml": f'[tool.audit]\ndocs-url = "{MIRROR}/"\n', "app.py": BARE})
    page = f"{MIRROR}/docs/rules/bare-except.md"
    rules = json.loads(audit("rules", "bare-except", "--format", "json").out)["rules"]
    assert {i["url"] for i in rules[0]["implementations"]} == {page}
    sarif = json.loads(audit("scan", "--format", "sarif").out)
    driver = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r.get("helpUri") for r in driver}["bare-except"] == page
    assert f"docs-url = {json.dumps(MIRROR)}" in audit("scan", "--show-settings").out


def test_docs_url_leaves_other_urls_alone() -> None:
    own = f"{BUILTIN_DOCS}/docs/rules/bare-except.md"
    assert doc_url(own, None) == own
    assert doc_url(own, MIRROR + "/") == f"{MIRROR}/docs/rules/bare-except.md"
    plugin = "https://example.com/acme-rules#no-todo"
    assert doc_url(plugin, MIRROR) == plugin
    assert doc_url(None, MIRROR) is None


def test_an_empty_docs_url_is_refused(project, audit) -> None:
    project({"pyproject.toml": '[tool.audit]\ndocs-url = ""\n'})
    result = audit("rules")
    assert result.code == 2
    assert "'tool.audit.docs-url' must be a URL" in result.err
