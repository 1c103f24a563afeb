"""Scanning one file version for the history: its findings keyed by their tokens
(`auditor.track.pairing.Keyed`), whether it can be read at all, and the worker processes that
scan the blobs of the commits ahead while the walk goes on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from auditor import workers
from auditor.model import Finding
from auditor.scan.engine import Engine, backend
from auditor.scan.source import DecodeError, LineIndex
from auditor.track.identity import token_lines
from auditor.track.pairing import Keyed


def keyed(findings: Sequence[Finding], text: str, *, suppressed: bool = False) -> list[Keyed]:
    """Each finding with the tokens of its logical line, and of the lines around it."""
    if not findings:
        return []
    index = LineIndex(text)
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


def line_contexts(text: str) -> Counter[str]:
    """Every line of a text alone and with the next, as tokens (`Keyed.key` and
    `Keyed.after`): what can be found of a finding in a file that cannot be parsed."""
    index = LineIndex(text)
    found: Counter[str] = Counter()
    for start in index.starts[:-1] if index.starts[-1] == len(text) else index.starts:
        line, after = token_lines(text, start, 2)
        if line:
            found[f"after{line}\n{after}"] += 1
            found[f"key{line}"] += 1
    return found


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
    # A file no rule's trigger is in is not parsed by the scan; the history must still
    # know that it cannot be read (Python 2 code has no `print(` to match).
    parsed = bool(findings) or engine.parses_when_scanned(rel, language, text)
    if not parsed and not _parses(language, text):
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
        # Largest first in small chunks: cost follows size, and the workers even out.
        order = sorted(range(len(tasks)), key=lambda i: len(tasks[i][2]), reverse=True)
        size = max(1, min(8, len(tasks) // (self.jobs * 4)))
        chunks = [[tasks[i] for i in order[n : n + size]] for n in range(0, len(order), size)]
        pending = self.pool.submit(_pool_scan, chunks)

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


def _parses(language: str, text: str) -> bool:
    if language != "python":
        return True  # tree-sitter recovers from any error: its rules report what they can
    from auditor.scan.python_check import syntax_error

    return syntax_error(text) is None  # CPython's verdict, as a scan of the file has it
