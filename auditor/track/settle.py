"""One commit's arrivals and departures settled: moves between files first (readable
ones, then into and out of unreadable ones), then what came back, then the rest.

What came back is decided by place, not by text alone. A finding that disappeared keeps
its *anchors*: the nearest unchanged lines with code above and below it in the version
it left. Code that returns between the same two anchors, or in a commit that reverts the
one that took it away (`This reverts commit <sha>`), is the same finding **reopened**,
the latest such disappearance first; identical code written elsewhere in the file, long
after, is **new** (an `except: pass` is a line every file may hold)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from auditor.track.dark import through_the_dark
from auditor.track.pairing import Keyed, pair_equal
from auditor.track.records import (
    MOVED,
    REOPENED,
    Anchors,
    Arrived,
    Dark,
    Event,
    Gone,
    Sighting,
    Tracked,
    Unknown,
    Vanished,
    WalkState,
)

NO_ANCHORS: Anchors = (None, None)
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")


def anchors(lines: Sequence[str], unchanged: set[int], line: int) -> Anchors:
    """The nearest lines with code above and below `line` (1-based) among `unchanged`,
    stripped; the line itself is not its own anchor."""
    above = below = None
    for number in range(line - 1, 0, -1):
        if number in unchanged and lines[number - 1].strip():
            above = lines[number - 1].strip()
            break
    for number in range(line + 1, len(lines) + 1):
        if number in unchanged and lines[number - 1].strip():
            below = lines[number - 1].strip()
            break
    return above, below


def reverted(message: str) -> frozenset[str]:
    """The (possibly abbreviated) shas a commit message says it reverts."""
    return frozenset(_REVERTS.findall(message))


def _comeback(gone: list[Gone], where: Anchors, reverts: frozenset[str]) -> Gone | None:
    """The disappearance an arrival undoes, taken out of `gone`: a reverted commit's
    first, then one at the same place; the latest of each."""
    for index in range(len(gone) - 1, -1, -1):
        if any(gone[index].commit.startswith(sha) for sha in reverts):
            return gone.pop(index)
    for index in range(len(gone) - 1, -1, -1):
        if gone[index].anchors == where:
            return gone.pop(index)
    return None


def settle(
    state: WalkState,
    commit: str,
    reverts: frozenset[str],
    vanished: Sequence[Vanished],
    arrived: Sequence[Arrived],
    placed: dict[str, list[Tracked | None]],
    dark: Sequence[Dark],
    unknown: dict[str, Unknown],
    text_anyway: Callable[[str], str],
) -> list[Event]:
    """The commit's events; puts each arrival, with its identity, in its place."""
    events: list[Event] = []
    moves = (
        pair_equal([v[1] for v in vanished], [a[2] for a in arrived], across_files=True)
        if vanished
        else {}
    )
    moved_away = set(moves.values())
    from_dark: dict[int, str] = {}
    if dark and (len(moves) < len(arrived) or len(moved_away) < len(vanished)):
        # It may say an arrival was there all along, unseen (first seen, not new).
        arrived = list(arrived)
        from_dark = through_the_dark(
            vanished, arrived, moves, moved_away, dark, unknown, text_anyway
        )
    for index, (path, position, item, kind, where) in enumerate(arrived):
        old = moves.get(index)
        if old is not None or index in from_dark:
            identity = vanished[old][2] if old is not None else from_dark[index]
            events.append(Event(MOVED, Sighting(identity, item.finding)))
        else:
            back = _comeback(state.gone.get((path, item.rule_id, item.key), []), where, reverts)
            if back is not None:
                identity, kind = back.identity, REOPENED
            else:
                identity = _fresh_identity(state, path, item)
            events.append(Event(kind, Sighting(identity, item.finding)))
        placed[path][position] = (item, identity)
    for index, (kind, item, identity, since, where) in enumerate(vanished):
        if index in moved_away:
            continue
        finding = item.finding
        key = (finding.path, item.rule_id, item.key)
        state.gone.setdefault(key, []).append(Gone(identity, where, commit))
        events.append(Event(kind, Sighting(identity, finding), since))
    return events


def _fresh_identity(state: WalkState, path: str, item: Keyed) -> str:
    identity = item.finding.fingerprint or f"{path}:{item.rule_id}:{item.key}"
    if identity in state.used:
        n = 1
        while f"{identity}.{n}" in state.used:
            n += 1
        identity = f"{identity}.{n}"
    state.used.add(identity)
    return identity
