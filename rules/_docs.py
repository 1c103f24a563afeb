"""Where the built-in rules are documented: a page each, docs/rules/<id>.md in auditor's
repository, generated from the rules themselves (`audit rules --format markdown
--output-dir docs/rules`). `[tool.audit] docs-url` moves the pages to a fork's or a
mirror's where they are shown (auditor.scan.loading.doc_url, which knows this base)."""

from __future__ import annotations

DOCS_BASE = "https://github.com/auditor-dev/auditor/blob/main"


def rule_url(rule_id: str) -> str:
    """The page of the built-in rule `rule_id`."""
    return f"{DOCS_BASE}/docs/rules/{rule_id}.md"
