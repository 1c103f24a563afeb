"""Following findings through files that cannot be parsed: Python 2 code split into
modules one at a time, a template ported to TypeScript. Their findings cannot be located
there, but their lines can, as tokens in the file's text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from auditor.track.blob_scan import LineContexts
from auditor.track.lru import Lru
from auditor.track.records import FIRST_SEEN, Arrived, Dark, Unknown, Vanished

_CONTEXTS: Lru[str, LineContexts] = Lru(8)


def _contexts(blob: str, text_of: Callable[[str], str]) -> LineContexts:
    """`LineContexts` of a blob, read only: a file version that is the new side of one
    commit is the old side of the next (a few kept, the most recent)."""
    found = _CONTEXTS.recent(blob)
    if found is None:
        found = LineContexts(text_of(blob))
        _CONTEXTS.remember(blob, found)
    return found


class _Surplus:
    """The lines one version of a file has more of than the other (`LineContexts` of
    each, counted as asked), less those taken."""

    def __init__(self, more: LineContexts | None, less: LineContexts | None) -> None:
        self.more, self.less = more, less
        self._left: dict[tuple[str, str], int] = {}

    def __getitem__(self, key: tuple[str, str]) -> int:
        found = self._left.get(key)
        if found is None:
            more = self.more.count(*key) if self.more is not None else 0
            less = self.less.count(*key) if self.less is not None else 0
            found = self._left[key] = max(more - less, 0)
        return found

    def take(self, key: tuple[str, str]) -> None:
        self._left[key] = self[key] - 1


def through_the_dark(
    vanished: Sequence[Vanished],
    arrived: list[Arrived],
    moves: dict[int, int],
    moved_away: set[int],
    dark: Sequence[Dark],
    unknown: dict[str, Unknown],
    text_of: Callable[[str], str],
) -> dict[int, str]:
    """Code that moves into or out of a file that cannot be parsed (Python 2 code
    split into modules, one at a time ported): its findings cannot be located there,
    but its lines can be, as tokens. A finding that disappears while its line and the
    next appear in an unreadable file the commit changed moved there (it joins that
    file's last known findings); an arrival whose lines left such a file, where it was
    last seen, moved out of it (out of a file never read: first seen, not new).
    Returns the arrivals moved out (index -> identity); `moved_away` gains the
    disappearances moved in."""
    lines: dict[str, tuple[_Surplus, _Surplus]] = {}  # path: (left, came)
    never_read = {path for path, _, _, never in dark if never}
    for path, old_blob, new_blob, _ in dark:
        old = _contexts(old_blob, text_of) if old_blob else None
        new = _contexts(new_blob, text_of) if new_blob else None
        lines[path] = (_Surplus(old, new), _Surplus(new, old))
    out: dict[int, str] = {}
    unseen: set[int] = set()
    # The line with the next first; then the line alone (the code around it was
    # edited on the way: `self._log(...)` became `self.transport._log(...)`).
    for tier in ("after", "key"):
        for index, (_, _, item, _, _) in enumerate(arrived):
            if index in moves or index in out or index in unseen:
                continue
            key = (tier, getattr(item, tier))
            for path, (left, _) in lines.items():
                gap = unknown.get(path)
                if left[key] <= 0:
                    continue
                if path in never_read and tier == "after":
                    # Out of a file never read: it was there all along, unseen.
                    left.take(key)
                    unseen.add(index)
                    break
                if gap is None or not gap.last:
                    continue
                last = list(gap.last)
                match = next(
                    (
                        t
                        for t in last
                        if t[0].rule_id == item.rule_id and getattr(t[0], tier) == key[1]
                    ),
                    None,
                )
                if match is None:
                    continue
                last.remove(match)
                unknown[path] = replace(gap, last=tuple(last))
                left.take(key)
                out[index] = match[1]
                break
        for index, (_, item, identity, _, _) in enumerate(vanished):
            if index in moved_away:
                continue
            key = (tier, getattr(item, tier))
            for path, (_, came) in lines.items():
                if came[key] <= 0 or path not in unknown:
                    continue
                gap = unknown[path]
                # Where it is now, as far as can be said: that file, at its old line.
                moved = replace(item, finding=replace(item.finding, path=path))
                unknown[path] = replace(gap, last=(*(gap.last or ()), (moved, identity)))
                came.take(key)
                moved_away.add(index)
                break
    for index in unseen:
        path, position, item, _, where = arrived[index]
        arrived[index] = (path, position, item, FIRST_SEEN, where)
    return out
