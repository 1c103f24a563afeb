"""Scanning one file version for the history: its findings keyed by their tokens
(`auditor.track.pairing.Keyed`), whether it can be read at all, and the worker processes that
scan the blobs of the commits ahead while the walk goes on."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from auditor import workers
from auditor.model import Finding
from auditor.scan.engine import Engine, backend
from auditor.scan.source import DecodeError, LineIndex, line_index
from auditor.track.identity import LineReader, token_lines
from auditor.track.pairing import Keyed


def keyed(findings: Sequence[Finding], text: str, *, suppressed: bool = False) -> list[Keyed]:
    """Each finding with the tokens of its logical line, and of the lines around it."""
    if not findings:
        return []
    index = line_index(text)
    out = []
    for finding in findings:
        number = finding.start.line - 1
        line, after = token_lines(text, index.starts[number], 2)
        before = ""
        while number > 0 and not before:  # the nearest line above with code
            number -= 1
            before = token_lines(text, index.starts[number], 1, index.starts[number + 1])[0]
        start, end = index.offset(finding.start), index.offset(finding.end)
        span = token_lines(text, start, 1, end)[0] if end > start else line
        keys = (line, f"{before}\n{line}", f"{line}\n{after}", span)
        out.append(Keyed(finding.rule_id, *keys, finding, suppressed))
    return out


class LineContexts:
    """How many lines of a text read as a finding's line alone (`Keyed.key`) or with the
    next (`Keyed.after`), as tokens: what can be found of a finding in a file that cannot
    be parsed. Each line is counted from where it starts, so a blank or comment line
    counts the code after it too.

    Only the lines that can read as what is asked are read: the first token of a line
    is the code at its first character (its first word, or that character), or (blank
    or comment line) the next line's, unless the line starts with what a token may drop
    or rewrite (a string literal, a backslash, a semicolon, a slash, a comma): those are
    always read."""

    def __init__(self, text: str) -> None:
        self._reader = LineReader(text)
        self._groups: dict[str, dict[tuple[str, str], int]] = {}
        starts = LineIndex(text).starts
        if starts[-1] == len(text):
            starts = starts[:-1]
        # where each line's code starts -> how many lines start there (a blank line
        # reads as the next), by its first word or character ("" for always read)
        self._by_first: dict[str, dict[int, int]] = {}
        lead: dict[int, tuple[str, int]] = {}  # a line's start -> (its first, where)
        # Other newlines than the tokens' ("\r"): every line is read from its start.
        heads = "\r" not in text
        for start in reversed(starts):
            head = _LINE_HEAD.match(text, start) if heads else None
            if head is None:
                first, at = "", start
            elif head.group("skipped") is not None:
                following = lead.get(head.end())
                if following is None:
                    continue  # nothing but blank lines and comments to the end
                first, at = following
            elif head.group("word") is not None:
                first, at = head.group("word"), start
            elif head.group("quoted") is not None or head.end() == len(text):
                first, at = "", start
            else:
                first, at = text[head.end()], start
            lead[start] = (first, at)
            where = self._by_first.setdefault(first, {})
            where[at] = where.get(at, 0) + 1

    def count(self, tier: str, value: str) -> int:
        """How many lines read as `value`, a `Keyed.key` (tier "key") or `Keyed.after`
        (tier "after")."""
        if not value:
            return 0
        word = _WORD.match(value)
        first = value[0] if word is None else word.group()
        return sum(self._group(group).get((tier, value), 0) for group in ("", first))

    def _group(self, first: str) -> dict[tuple[str, str], int]:
        """The lines of a first word or character (or those always read), each counted
        as its line alone and with the next."""
        found = self._groups.get(first)
        if found is None:
            found = self._groups[first] = {}
            for start, lines in self._by_first.get(first, {}).items():
                line, after = self._reader.first_two(start)
                if line:
                    for key in (("key", line), ("after", f"{line}\n{after}")):
                        found[key] = found.get(key, 0) + lines
        return found


# A line's start up to its first token: blank or a comment to its end (`skipped`, the
# next line's tokens come first), what a token may start with and not keep as it is
# (`quoted`: a string literal, perhaps prefixed, a backslash, a semicolon, a slash, a
# comma, dropped before a closing bracket), or a word, the token itself.
_WORD = re.compile(r"[A-Za-z_$][\w$]*")  # as identity's tokens read one
_LINE_HEAD = re.compile(
    r"""[ \t\f\v]*(?:
        (?P<skipped>(?:\#|//)[^\n]*\n|\n)
      | (?P<quoted>[rRbBuUfFtT]{0,2}['"`]|[\\;/,])
      | (?P<word>[A-Za-z_$][\w$]*)
    )?""",
    re.VERBOSE,
)


def scan_blob(engine: Engine, rel: str, language: str, data: bytes) -> list[Keyed] | None:
    """The keyed findings of one file version, those an `audit: ignore` comment silences
    marked; None when it cannot be read or parsed."""
    if engine.max_file_size and len(data) > engine.max_file_size:
        return None
    try:
        text = backend(language).decode(data).text
    except DecodeError:
        return None
    findings, quiet = engine.scan_text_all(rel, language, text)
    if any(not f.is_finding for f in findings):
        return None  # not read, or read only in part: what it holds is unknown
    # A Python file no rule's trigger is in is not parsed by the scan; the history must
    # still know that it cannot be read (Python 2 code has no `print(` to match).
    # tree-sitter recovers from any error: its rules report what they can.
    if (
        language == "python"
        and not findings
        and not engine.parses_when_scanned(rel, language, text)
        and _refused(text)
    ):
        return None
    return keyed(findings, text) + keyed(quiet, text, suppressed=True)


def unreadable_reason(engine: Engine, rel: str, language: str, data: bytes | None) -> str:
    """Why `scan_blob` could not read a file version, in words for the report; worked out
    again only for the few files that could not be read."""
    if data is None:
        return "not in this clone"
    if engine.max_file_size and len(data) > engine.max_file_size:
        return f"over the size limit ({len(data):,} bytes)"
    try:
        text = backend(language).decode(data).text
    except DecodeError as exc:
        return f"not text: {exc}"
    findings, _ = engine.scan_text_all(rel, language, text)
    problem = next((f for f in findings if not f.is_finding), None)
    if problem is not None:
        return f"{problem.message} at {problem.start.line}:{problem.start.column}"
    return "does not parse"


_POOL_ENGINE: Engine | None = None


def _pool_start(engine: Engine) -> None:
    global _POOL_ENGINE
    _POOL_ENGINE = engine


def _pool_scan(tasks: list[tuple[str, str, bytes]]) -> list[list[Keyed] | None]:
    assert _POOL_ENGINE is not None
    return [scan_blob(_POOL_ENGINE, *task) for task in tasks]


class BlobPool:
    """Worker processes that scan blobs for the walk. Forked before git is opened, so no
    worker holds the parent's git pipes; with one core, it scans in this process."""

    def __init__(self, engine: Engine, jobs: int) -> None:
        self.engine = engine
        self.pool = workers.start(jobs, _pool_start, engine)
        self.jobs = jobs

    def start(self, tasks: list[tuple[str, str, bytes]]) -> Callable[[], list[list[Keyed] | None]]:
        """Scan `tasks` in the workers; the returned function waits for the results."""
        if self.pool is None:
            done = [scan_blob(self.engine, *task) for task in tasks]
            return lambda: done
        shares = _shares([len(data) for _, _, data in tasks], self.jobs)
        order = [i for share in shares for i in share]
        pending = self.pool.submit(_pool_scan, [[tasks[i] for i in share] for share in shares])

        def results() -> list[list[Keyed] | None]:
            out: list[list[Keyed] | None] = [None] * len(tasks)
            done = [r for chunk in pending() for r in chunk]
            for index, result in zip(order, done, strict=True):
                out[index] = result
            return out

        return results

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


# What a task costs a worker besides its bytes, in bytes: a blob no trigger is in is
# decoded and searched, not parsed.
_TASK_COST = 2000


def _shares(sizes: Sequence[int], parts: int) -> list[list[int]]:
    """The tasks (by index) split into at most `parts` shares of about equal cost, each
    task to the share with the least so far, largest first: one share a worker, sent
    whole. Sent in small chunks, a walk's tasks were a thousand round trips through the
    pool, which cost the walk a tenth of its CPU (mealie: 9.7-10.3 CPU-s against 8.3-8.6
    with one share a worker, and the same wall time)."""
    loads = [0] * min(parts, len(sizes))
    shares: list[list[int]] = [[] for _ in loads]
    for index in sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True):
        least = loads.index(min(loads))
        shares[least].append(index)
        loads[least] += sizes[index] + _TASK_COST
    return shares


def _refused(text: str) -> bool:
    """CPython's verdict, as a scan of the file has it."""
    from auditor.scan.python_check import syntax_error

    return syntax_error(text) is not None
