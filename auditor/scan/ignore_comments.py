"""`audit: ignore[rule]` comments written into a document: at the end of the flagged line
(added to the list of an ignore comment already there), else alone on the line above it;
among a JSX element's children, where `//` would be text, a JSX comment
`{/* audit: ignore[rule] */}` alone on the line above. Each placement is checked by
scanning the result, so a comment that would land in a string, after a line continuation
or in JSX text is never written. The language server offers one as a code action
(auditor/lsp/suppress.py); `audit scan --add-ignore` writes one for every finding (ruff's
--add-noqa)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.model import PARSE_ERROR, Edit, Finding
from auditor.scan.buffer import Buffer, buffer_for, scan_buffer
from auditor.scan.source import LineIndex

if TYPE_CHECKING:
    from auditor.scan.engine import Engine

_LIST = re.compile(r"audit:\s*ignore\[(?P<ids>[^\]]*)\]")


def marker(language: str) -> str:
    return "#" if language == "python" else "//"


def comment(language: str, rule_ids: str, jsx: bool = False) -> str:
    if jsx:
        return f"{{/* audit: ignore[{rule_ids}] */}}"
    return f"{marker(language)} audit: ignore[{rule_ids}]"


@dataclass(frozen=True, slots=True)
class Suppressed:
    text: str  # the document with the findings suppressed
    comment: str  # the comment that does it
    edit: Edit  # the text it inserts or the list it extends
    findings: tuple[Finding, ...] = ()  # the document's findings now


def suppressed_line(
    engine: Engine,
    buffer: Buffer,
    text: str,
    findings: Sequence[Finding],
    rule_ids: Sequence[str],
    line: int,
) -> Suppressed | None:
    """The document with the findings of `rule_ids` on `line` (1-based) suppressed by one
    comment, or None when no placement works; `findings`: the document's findings now."""
    language = buffer.language
    jsx = language != "python" and _in_jsx_children(text, buffer.rel, line)
    joined = ", ".join(rule_ids)
    for edit in _candidates(text, language, line, joined, jsx):
        candidate = text[: edit.start] + edit.text + text[edit.end :]
        after = _works(engine, buffer, candidate, findings, rule_ids)
        if after is not None:
            return Suppressed(candidate, comment(language, joined, jsx), edit, after)
    return None


def add_ignores(
    engine: Engine, buffer: Buffer, text: str, wanted: Sequence[Finding]
) -> tuple[str, int, list[Finding]]:
    """`text` with the findings of `wanted` (by fingerprint) suppressed, one comment a
    line, from the last line up (a comment inserted above a line leaves the lines above it
    where they were); the number of lines commented, and the findings no comment silences."""
    keys = {(f.rule_id, f.fingerprint) for f in wanted}
    findings = tuple(scan_buffer(engine, buffer, text)[0])
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.is_finding and (finding.rule_id, finding.fingerprint) in keys:
            by_line.setdefault(finding.start.line, []).append(finding)
    added, left = 0, []
    for line in sorted(by_line, reverse=True):
        ids = sorted({f.rule_id for f in by_line[line]})
        silenced: set[str] = set()
        for group in [ids] if len(ids) == 1 else [ids, *([i] for i in ids)]:  # together, else each
            if set(group) <= silenced or (len(group) > 1 and silenced):
                continue
            done = suppressed_line(engine, buffer, text, findings, group, line)
            if done is not None:
                text, findings = done.text, done.findings
                silenced |= set(group)
        added += bool(silenced)
        left += [f for f in by_line[line] if f.rule_id not in silenced]
    return text, added, left


@dataclass(frozen=True, slots=True)
class Added:
    """What `--add-ignore` did: comments written, files changed, findings left as they
    were (no comment placement silences them), files that could not be written."""

    comments: int
    files: int
    left: tuple[Finding, ...] = ()
    unwritten: tuple[str, ...] = ()  # "path: why"


def add_ignores_to_files(engine: Engine, root: Path, findings: Sequence[Finding]) -> Added:
    """An ignore comment for each of `findings` in its file (a rule's, about the code;
    not a source's, whose own comments its tool reads), written in place."""
    from auditor.scan.engine import backend
    from auditor.scan.fileio import ChangedOnDisk, ReadOnly, write_atomic

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.is_finding and ":" not in finding.rule_id:
            by_path.setdefault(finding.path, []).append(finding)
    comments = files = 0
    left: list[Finding] = []
    unwritten: list[str] = []
    for rel, wanted in sorted(by_path.items()):
        path = root / rel
        try:
            data = path.read_bytes()
            buffer = buffer_for(engine, root, path)
            decoded = backend(buffer.language).decode(data)
            text, added, kept = add_ignores(engine, buffer, decoded.text, wanted)
            if added:
                write_atomic(path, text.encode(decoded.encoding), expected=data)
        except (OSError, UnicodeError, ChangedOnDisk, ReadOnly, ValueError) as exc:
            unwritten.append(f"{rel}: {exc}")
            continue
        comments += added
        files += bool(added)
        left += kept
    return Added(comments, files, tuple(left), tuple(unwritten))


def _in_jsx_children(text: str, path: str, line: int) -> bool:
    """Whether `line` starts among a JSX element's children (a comment put before its
    first token would be JSX text)."""
    from auditor.scan.treesitter import parsed_file

    index = LineIndex(text)
    start = index.starts[min(line, len(index.starts)) - 1]
    rest = text[start:]
    first = start + len(rest) - len(rest.lstrip(" \t"))
    if first == 0:
        return False
    byte = len(text[:first].encode("utf-8", "surrogatepass"))
    node = parsed_file(path, text).root.descendant_for_byte_range(byte - 1, byte)
    return node is not None and node.type in _JSX_CHILDREN


_JSX_CHILDREN = frozenset({"jsx_element", "jsx_text"})


def _candidates(text: str, language: str, line: int, rule_ids: str, jsx: bool) -> Iterator[Edit]:
    index = LineIndex(text)
    starts = index.starts
    line = min(line, len(starts)) - 1
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content = text[start:end]
    body = content.rstrip("\r\n")
    newline = content[len(body) :] or _first_newline(text)
    existing = _LIST.search(body)
    if existing is not None:  # a list on the line already: add the rules to it
        ids = existing.group("ids").rstrip()
        joined = f"{ids}, {rule_ids}" if ids.strip() else rule_ids
        yield Edit(start + existing.start("ids"), start + existing.end("ids"), joined)
    indent = body[: len(body) - len(body.lstrip())]
    if jsx:  # among JSX children `//` is text: a JSX comment alone on the line above
        yield Edit(start, start, indent + comment(language, rule_ids, jsx) + newline)
        return
    yield Edit(start + len(body), start + len(body), "  " + comment(language, rule_ids))
    yield Edit(start, start, indent + comment(language, rule_ids) + newline)


def _first_newline(text: str) -> str:
    found = re.search(r"\r\n?|\n", text)
    return found.group() if found else "\n"


def _works(
    engine: Engine,
    buffer: Buffer,
    candidate: str,
    before: Sequence[Finding],
    rule_ids: Sequence[str],
) -> tuple[Finding, ...] | None:
    """The candidate's findings when each rule has fewer findings, nothing new is found,
    and the text still parses; else None."""
    after = scan_buffer(engine, buffer, candidate)[0]
    if any(f.rule_id == PARSE_ERROR for f in after):
        return None
    before_ids = Counter(f.rule_id for f in before)
    after_ids = Counter(f.rule_id for f in after)
    if all(after_ids[r] < before_ids[r] for r in rule_ids) and after_ids <= before_ids:
        return tuple(after)
    return None
