"""The tally's one pass over the history: which credit (fixed, removed, suppressed) each
finding that left holds at the end, which commit introduced each open finding, and the
open counts after every commit (`auditor.track.tally` counts issues from them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from auditor.track.records import (
    FIRST_SEEN,
    FIXED,
    MOVED,
    NEW,
    OUT_OF_SCOPE,
    REMOVED,
    REOPENED,
    SUPPRESSED,
    CommitRecord,
    History,
    Sighting,
)
from auditor.track.state import SEVERITIES, Outcome, TimelinePoint


@dataclass(frozen=True, slots=True)
class Credit:
    kind: Literal["fixed", "removed", "suppressed"]
    sighting: Sighting
    commit: CommitRecord | None
    unknown_since: str | None
    outcome: Outcome | None = None  # as the report names it, when not `kind`


class Replay:
    """One pass over the commits: the standing credit of every finding that left (the
    last disappearance not undone by a reappearance), the commit that introduced each
    finding, and the open counts after every commit."""

    def __init__(
        self,
        history: History,
        severity_of: Callable[[Sighting], str | None],
        scope_of: Callable[[Sighting], str | None],
    ) -> None:
        present = {s.identity: s for s in history.baseline}
        self.credits: dict[str, Credit] = {}
        self.withdrawn: list[Credit] = []  # fixes undone by the finding's return
        self.introduced: dict[str, tuple[Literal["new", "reopened"], CommitRecord]] = {}
        counts: Counter[str] = Counter()
        for sighting in present.values():
            label = severity_of(sighting)
            if label:
                counts[label] += 1
        shas = [c.sha for c in history.commits]
        first_known = history.sources_known_from
        # Before the last source's first snapshot (that commit's own point included: it
        # shows what was there), some of the findings are not known.
        unknown = set(shas[: shas.index(first_known)]) if first_known in shas else set()
        points = [
            TimelinePoint(
                history.base_sha,
                history.base_date,
                _by_severity(counts),
                history.baseline_unreadable,
                sources_unknown=bool(unknown),
            )
        ]
        # Without a base, the first commit brings the code as it was: what it holds is
        # where tracking starts, not a regression.
        root = history.commits[0].sha if history.commits and history.base_sha is None else None
        for commit in history.commits:
            for event in commit.events:
                identity, sighting = event.sighting.identity, event.sighting
                kind = event.kind
                if kind in (FIXED, REMOVED, SUPPRESSED):
                    gone = present.pop(identity, None)
                    if gone is not None and (label := severity_of(gone)):
                        counts[label] -= 1
                    attributed = commit if event.unknown_since is None else None
                    self.credits[identity] = Credit(kind, sighting, attributed, event.unknown_since)
                elif event.kind == MOVED:
                    before = present.get(identity)
                    if before is not None and scope_of(before) != scope_of(sighting):
                        self._crossed(before, sighting, commit, scope_of)
                    if before is not None and (label := severity_of(before)):
                        counts[label] -= 1
                    present[identity] = sighting
                    if label := severity_of(sighting):
                        counts[label] += 1
                else:  # new, reopened, first-seen
                    if identity not in present and (label := severity_of(sighting)):
                        counts[label] += 1
                    present[identity] = sighting
                    undone = self.credits.pop(identity, None)
                    if undone is not None and undone.kind == FIXED and undone.commit is not None:
                        self.withdrawn.append(undone)
                    counted = severity_of(sighting) is not None
                    if kind in (NEW, REOPENED) and commit.sha != root and counted:
                        self.introduced[identity] = (kind, commit)
                    elif event.kind == FIRST_SEEN:
                        self.introduced.pop(identity, None)
            points.append(
                TimelinePoint(
                    commit.sha,
                    commit.date,
                    _by_severity(counts),
                    commit.unreadable,
                    sources_unknown=commit.sha in unknown,
                )
            )
        self.timeline = tuple(points) if history.available else ()

    def _crossed(
        self,
        before: Sighting,
        now: Sighting,
        commit: CommitRecord,
        scope_of: Callable[[Sighting], str | None],
    ) -> None:
        """A finding moved from one issue's paths to another's (or to none): it leaves the
        first as *moved out of scope*, so that no finding vanishes from an issue without an
        outcome; coming back undoes that."""
        left = self.credits.get(before.identity)
        if (
            left is not None
            and left.outcome == OUT_OF_SCOPE
            and scope_of(left.sighting) == scope_of(now)
        ):
            del self.credits[before.identity]
        elif scope_of(before) is not None:
            self.credits[before.identity] = Credit(REMOVED, before, commit, None, OUT_OF_SCOPE)


def _by_severity(counts: Counter[str]) -> dict[str, int]:
    return {label: counts[label] for label in SEVERITIES}
