"""The text of a document with one finding suppressed by an `audit: ignore[rule]` comment:
at the end of the flagged line, else alone on the line above it; checked by scanning the
result, so a comment that would land in a string, after a line continuation or in JSX
text is never offered."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from auditor.lsp.analysis import Analysis
from auditor.model import PARSE_ERROR, Finding
from auditor.scan.buffer import scan_buffer
from auditor.scan.source import LineIndex

_LIST = re.compile(r"audit:\s*ignore\[(?P<ids>[^\]]*)\]")


def marker(language: str) -> str:
    return "#" if language == "python" else "//"


def comment(language: str, rule_id: str) -> str:
    return f"{marker(language)} audit: ignore[{rule_id}]"


def suppressed_text(analysis: Analysis, finding: Finding) -> str | None:
    """The document with `finding` suppressed, or None when no comment placement works."""
    if analysis.engine is None or analysis.buffer is None or not finding.is_finding:
        return None
    for candidate in _candidates(analysis.text, analysis.buffer.language, finding):
        if _works(analysis, candidate, finding.rule_id):
            return candidate
    return None


def _candidates(text: str, language: str, finding: Finding) -> Iterator[str]:
    index = LineIndex(text)
    starts = index.starts
    line = min(finding.start.line, len(starts)) - 1
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content = text[start:end]
    body = content.rstrip("\r\n")
    newline = content[len(body) :] or _first_newline(text)
    existing = _LIST.search(body)
    if existing is not None:  # a list on the line already: add the rule to it
        ids = existing.group("ids").rstrip()
        joined = f"{ids}, {finding.rule_id}" if ids.strip() else finding.rule_id
        at = start + existing.start("ids")
        yield text[:at] + joined + text[start + existing.end("ids") :]
    yield (
        text[: start + len(body)]
        + "  "
        + comment(language, finding.rule_id)
        + text[start + len(body) :]
    )
    indent = body[: len(body) - len(body.lstrip())]
    yield text[:start] + indent + comment(language, finding.rule_id) + newline + text[start:]


def _first_newline(text: str) -> str:
    found = re.search(r"\r\n?|\n", text)
    return found.group() if found else "\n"


def _works(analysis: Analysis, candidate: str, rule_id: str) -> bool:
    """The rule has fewer findings, nothing new is found, and the text still parses."""
    assert analysis.engine is not None and analysis.buffer is not None
    after = scan_buffer(analysis.engine, analysis.buffer, candidate)[0]
    if any(f.rule_id == PARSE_ERROR for f in after):
        return False
    before_ids = Counter(f.rule_id for f in analysis.findings)
    after_ids = Counter(f.rule_id for f in after)
    return after_ids[rule_id] < before_ids[rule_id] and after_ids <= before_ids
