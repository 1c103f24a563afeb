"""What the history walk produces: sightings of findings, what became of each at a commit
(the outcome kinds), the commits with their events, the walk's state between commits,
and the history as a whole. Values only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from auditor.model import Finding
from auditor.track.git_objects import CommitMeta
from auditor.track.pairing import Keyed

# What became of a finding at a commit.
Kind = Literal["fixed", "removed", "moved", "suppressed", "new", "reopened", "first-seen"]
KINDS: frozenset[str] = frozenset(get_args(Kind))
# Outcomes of a disappearance ...
FIXED: Final = "fixed"  # its code was edited away
REMOVED: Final = "removed"  # its file was deleted or left the tracked paths
MOVED: Final = "moved"  # it reappeared elsewhere in the same commit: not an outcome
SUPPRESSED: Final = "suppressed"  # an `audit: ignore` comment silences it: not fixed
# A removal's name when its code moved where its issue does not reach.
OUT_OF_SCOPE: Final = "moved out of scope"
# ... and of an appearance
NEW: Final = "new"
REOPENED: Final = "reopened"  # it had disappeared earlier in the range: the credit is void
FIRST_SEEN: Final = "first-seen"  # its file became readable: it was there, unseen


@dataclass(frozen=True, slots=True)
class Sighting:
    """A finding as seen at one commit, with the identity it keeps across commits."""

    identity: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class Event:
    """What became of one finding at one commit (`auditor.track.pairing` names the kinds)."""

    kind: Kind
    sighting: Sighting  # as last seen (a disappearance) or as seen now (an appearance)
    # A disappearance found when its file became readable again: it happened somewhere
    # after this commit, the first at which the file could not be read.
    unknown_since: str | None = None


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """A tracked commit and what became of the findings there."""

    meta: CommitMeta
    events: tuple[Event, ...] = ()
    unreadable: int = 0  # tracked files that could not be read at this commit

    @property
    def sha(self) -> str:
        return self.meta.sha

    @property
    def short(self) -> str:
        return self.meta.short

    @property
    def date(self) -> str:
        return self.meta.date

    @property
    def author(self) -> str:
        return self.meta.author


@dataclass(frozen=True, slots=True)
class History:
    available: bool
    # Why there is no history, when there is none; else the sources' note on it, or "".
    reason: str
    baseline: tuple[Sighting, ...]  # what was open when tracking started
    commits: tuple[CommitRecord, ...]  # oldest first, after the baseline
    head: tuple[Sighting, ...]  # what is open at HEAD (or in the work tree, without history)
    head_sha: str | None = None
    head_date: str | None = None
    scans: int = 0  # blobs scanned: each (blob, path) once
    base_sha: str | None = None  # the state tracking starts from; None: an empty tree
    base_date: str | None = None
    since: str | None = None  # the --since revision, as given
    baseline_unreadable: int = 0
    head_unreadable: tuple[str, ...] = ()  # tracked files HEAD's version of cannot be read
    ever_unreadable: int = 0  # distinct tracked files unreadable at some tracked commit
    cached_commits: int = 0  # commits answered from the history cache
    # Sources with no snapshot on the tracked history: their findings are unknown.
    unsnapshotted: tuple[str, ...] = ()
    dark_spans: tuple[DarkSpan, ...] = ()  # every unreadable span, oldest first
    # The commit from which every source's findings are known (its first snapshot after
    # the tracked start); None: known from the start, or no source.
    sources_known_from: str | None = None
    # What this clone leaves unknown (history before a shallow clone, missing blobs).
    clone_notes: tuple[str, ...] = ()

    def note(self, *more: str) -> str:
        """The notes on this history in one sentence: the clone's, then `more` (what the
        report found unknown about the clone), then `reason`."""
        return "; ".join(note for note in (*self.clone_notes, *more, self.reason) if note)


def without_history(reason: str, findings: Sequence[Finding]) -> History:
    # A file the parser read only in part is unreadable too: what it did not see is
    # unknown, not fixed.
    unreadable = tuple(sorted({f.path for f in findings if not f.is_finding}))
    current = tuple(
        Sighting(f.fingerprint, f) for f in findings if f.is_finding and f.path not in unreadable
    )
    return History(False, reason, (), (), current, head_unreadable=unreadable)


# --- walking ---------------------------------------------------------------------------


Tracked = tuple[Keyed, str]  # a finding and its identity
# The nearest unchanged lines with code above and below a finding, stripped; None: the
# edge of the file (`auditor.track.settle`).
Anchors = tuple[str | None, str | None]


# What a commit's walk hands to `auditor.track.settle`:
# (kind, finding as last seen, identity, unknown since, anchors where it was)
Vanished = tuple[Kind, Keyed, str, str | None, Anchors]
# (path, its index among the file's findings, finding, kind, anchors where it is)
Arrived = tuple[str, int, Keyed, Kind, Anchors]
# An unreadable file this commit changed: path, blob before, blob now (None: deleted),
# whether any version of it was ever read.
Dark = tuple[str, str | None, str | None, bool]


@dataclass(frozen=True, slots=True)
class Gone:
    """A finding that disappeared, as its comeback would be recognised."""

    identity: str
    anchors: Anchors  # where it was
    commit: str  # the commit it disappeared at


@dataclass(frozen=True, slots=True)
class Unknown:
    """A tracked file that cannot be read at this commit."""

    since: str | None  # the first commit of this unreadable span (None: from the start)
    last: tuple[Tracked, ...] | None  # its findings when last read; None: never read
    last_blob: str | None
    reason: str = ""  # why it could not be read when the span began


@dataclass(frozen=True, slots=True)
class DarkSpan:
    """A file that could not be read from one commit until another (None: still at HEAD),
    and why: the report names each unknown period's file and reason."""

    path: str
    since: str | None
    until: str | None
    reason: str


@dataclass
class WalkState:
    """Open findings by path, the blob each tracked path holds, the unreadable files, and
    what disappeared (to tell a finding that comes back from a new one)."""

    files: dict[str, tuple[Tracked, ...]] = field(default_factory=dict)
    blobs: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, Unknown] = field(default_factory=dict)
    gone: dict[tuple[str, str, str], list[Gone]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # every identity given out
    spans: list[DarkSpan] = field(default_factory=list)  # unreadable spans that ended

    def sightings(self) -> Iterator[Sighting]:
        """What is open: the readable files' findings, and those of unreadable files as
        last seen (nothing says they are gone)."""
        last = {p: u.last for p, u in self.unknown.items() if u.last}
        for path in sorted({*self.files, *last}):
            for item, identity in self.files.get(path) or last[path] or ():
                yield Sighting(identity, item.finding)
