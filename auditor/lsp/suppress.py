"""The text of a document with one finding suppressed by an `audit: ignore[rule]` comment:
at the end of the flagged line, else alone on the line above it; among a JSX element's
children, where `//` would be text, a JSX comment `{/* audit: ignore[rule] */}` alone on
the line above. Checked by scanning the result, so a comment that would land in a string,
after a line continuation or in JSX text is never offered."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.lsp.analysis import Analysis
from auditor.model import PARSE_ERROR, Edit, Finding
from auditor.scan.buffer import scan_buffer
from auditor.scan.source import LineIndex

_LIST = re.compile(r"audit:\s*ignore\[(?P<ids>[^\]]*)\]")


def marker(language: str) -> str:
    return "#" if language == "python" else "//"


def comment(language: str, rule_id: str, jsx: bool = False) -> str:
    if jsx:
        return f"{{/* audit: ignore[{rule_id}] */}}"
    return f"{marker(language)} audit: ignore[{rule_id}]"


@dataclass(frozen=True, slots=True)
class Suppressed:
    text: str  # the document with the finding suppressed
    comment: str  # the comment that does it
    edit: Edit  # the text it inserts or the list it extends


def suppressed_text(analysis: Analysis, finding: Finding) -> Suppressed | None:
    """The document with `finding` suppressed, or None when no comment placement works."""
    if analysis.engine is None or analysis.buffer is None or not finding.is_finding:
        return None
    language = analysis.buffer.language
    jsx = language != "python" and _in_jsx_children(analysis.text, analysis.buffer.rel, finding)
    for edit in _candidates(analysis.text, language, finding, jsx):
        candidate = analysis.text[: edit.start] + edit.text + analysis.text[edit.end :]
        if _works(analysis, candidate, finding.rule_id):
            return Suppressed(candidate, comment(language, finding.rule_id, jsx), edit)
    return None


def _in_jsx_children(text: str, path: str, finding: Finding) -> bool:
    """Whether the flagged line starts among a JSX element's children (a comment put
    before its first token would be JSX text)."""
    from auditor.scan.treesitter import parsed_file

    index = LineIndex(text)
    start = index.starts[min(finding.start.line, len(index.starts)) - 1]
    line = text[start:]
    first = start + len(line) - len(line.lstrip(" \t"))
    if first == 0:
        return False
    byte = len(text[:first].encode("utf-8", "surrogatepass"))
    node = parsed_file(path, text).root.descendant_for_byte_range(byte - 1, byte)
    return node is not None and node.type in _JSX_CHILDREN


_JSX_CHILDREN = frozenset({"jsx_element", "jsx_text"})


def _candidates(text: str, language: str, finding: Finding, jsx: bool) -> Iterator[Edit]:
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
        yield Edit(start + existing.start("ids"), start + existing.end("ids"), joined)
    indent = body[: len(body) - len(body.lstrip())]
    if jsx:  # among JSX children `//` is text: a JSX comment alone on the line above
        yield Edit(start, start, indent + comment(language, finding.rule_id, jsx) + newline)
        return
    yield Edit(start + len(body), start + len(body), "  " + comment(language, finding.rule_id))
    yield Edit(start, start, indent + comment(language, finding.rule_id) + newline)


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
