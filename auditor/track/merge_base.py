"""`audit scan --new-since REF`: which of the work tree's findings were already there at
the merge base, read from git's blobs and paired as the history pairs them; and the
content-key pairing that the sources' snapshots use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.model import Finding
from auditor.scan.engine import Engine
from auditor.sources.report import ContentKey
from auditor.track.blob_scan import keyed
from auditor.track.git_objects import open_repo, run_git
from auditor.track.pairing import LineDiff, pair_in_file
from auditor.track.walker import Walker


def pair(
    old: Sequence[tuple[ContentKey, Finding]],
    new: Sequence[tuple[ContentKey, Finding]],
    diff: LineDiff | None,
) -> dict[int, int]:
    """Which new finding is which old one (new index -> old index), for `--new-since` and
    the sources' snapshots, whose findings carry content keys: equal code told apart by
    where it sits, then paired in order; then, for what is left, the same rule on a line
    the change left alone, or in the same changed block of lines (a formatter rewrote
    `'3'` as `"3"`, a line was edited around the same error); then the same message."""
    line_map = diff.moved_to if diff is not None else {}
    waiting: dict[tuple[str, str], list[int]] = {}
    for index, ((rule, key, _), _finding) in enumerate(old):
        waiting.setdefault((rule, key), []).append(index)
    pairs: dict[int, int] = {}
    for index, ((rule, key, _), finding) in enumerate(new):
        candidates = waiting.get((rule, key), [])
        for candidate in candidates:
            if line_map.get(old[candidate][1].start.line) == finding.start.line:
                pairs[index] = candidate
                candidates.remove(candidate)
                break
    for index, ((rule, key, _), _finding) in enumerate(new):
        candidates = waiting.get((rule, key), [])
        if index not in pairs and candidates:
            pairs[index] = candidates.pop(0)
    if diff is None:
        return pairs
    taken = set(pairs.values())
    for index, ((rule, _, _), finding) in enumerate(new):
        if index in pairs:
            continue
        line = finding.start.line
        for candidate, ((old_rule, _, _), was) in enumerate(old):
            if candidate in taken or old_rule != rule:
                continue
            same_line = line_map.get(was.start.line) == line
            block = diff.block_of((was.start.line, was.start.line), None)
            if same_line or (block is not None and block == diff.block_of(None, (line, line))):
                pairs[index] = candidate
                taken.add(candidate)
                break
    # Last, the same message: a tool's words name what they are about ("'s0' is possibly
    # 'undefined'"), so the same error moved to a neighbouring new line is still itself.
    for index, ((rule, _, _), finding) in enumerate(new):
        if index in pairs:
            continue
        for candidate, ((old_rule, _, _), was) in enumerate(old):
            if candidate not in taken and old_rule == rule and was.message == finding.message:
                pairs[index] = candidate
                taken.add(candidate)
                break
    return pairs


def existing_at_merge_base(
    top: Path,
    project_root: Path,
    ref: str,
    engine: Engine,
    language_of: Callable[[str], str | None],
    current: Sequence[tuple[str, str, Sequence[Finding]]],
) -> set[str]:
    """The fingerprints of current findings that already existed at the merge base of
    `ref` and HEAD, read from git's blobs. `current` holds (path, text, findings) for
    each file with findings. Files renamed since the base are followed; equal code is
    paired by position, as in the history."""
    relative = project_root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    repo = open_repo(top)
    try:
        base = run_git(repo, "merge-base", ref, "HEAD").strip()
        walker = Walker(repo, prefix, engine, language_of)
        listing = walker.listing(base)
        renamed: dict[str, str] = {}
        parts = run_git(repo, "diff", "-M", "--name-status", "-z", base, "--", prefix or ".").split(
            "\0"
        )
        index = 0
        while index < len(parts) - 1:
            if parts[index].startswith(("R", "C")):
                old, new = parts[index + 1][len(prefix) :], parts[index + 2][len(prefix) :]
                renamed[new] = old
                index += 3
            else:
                index += 2
        existing: set[str] = set()
        for path, text, findings in current:
            base_path = renamed.get(path, path)
            blob = listing.get(base_path)
            language = language_of(path)
            if blob is None or language is None:
                continue  # a new file: everything in it is new
            scanned = walker.scan(base_path, blob)
            if scanned is None:
                continue
            base_text = walker.text(base_path, blob)
            if base_text is None:
                continue
            now = keyed(findings, text)
            diff = LineDiff.between(base_text, text)
            existing.update(now[i].finding.fingerprint for i in pair_in_file(scanned, now, diff))
        return existing
    finally:
        repo.close()
