"""The walker of the history: one commit's findings from the last one's, read from git's
blobs (`Walker.advance`), the blobs scanned ahead in the worker pool (`Walker.prefetch`),
and where each finding of a changed file is (`_Places`: the line diff and anchors)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import git

from auditor.scan.engine import Engine, backend
from auditor.scan.source import DecodeError
from auditor.track.blob_scan import BlobPool, scan_blob, unreadable_reason
from auditor.track.git_objects import GitObjects, MissingBlob, run_git
from auditor.track.lru import Lru
from auditor.track.pairing import Keyed, LineDiff, pair_in_file
from auditor.track.records import (
    FIRST_SEEN,
    FIXED,
    MOVED,
    NEW,
    REMOVED,
    SUPPRESSED,
    Anchors,
    Arrived,
    Dark,
    DarkSpan,
    Event,
    Kind,
    Sighting,
    Tracked,
    Unknown,
    Vanished,
    WalkState,
)
from auditor.track.settle import NO_ANCHORS, anchors, settle
from auditor.track.tree_listings import Listings

# A batch of blobs for the pool: enough to keep the workers busy while the walk goes on
# and to make a round trip through the pool worth it, few enough commits and paths listed
# ahead to keep memory flat.
BATCH_BLOBS = 128
BATCH_COMMITS = 256
BATCH_PATHS = 500_000


class Walker:
    def __init__(
        self, repo: git.Repo, prefix: str, engine: Engine, language_of: Callable[[str], str | None]
    ) -> None:
        self.repo = repo
        self.prefix = prefix  # the project root relative to the work tree, "" or "sub/dir/"
        self.engine = engine
        self._language_of = language_of  # None for files the scan would not read
        self._languages: dict[str, str | None] = {}
        self.objects = GitObjects(repo)
        # A file reverted to a recent version is not scanned again.
        self.scanned: Lru[tuple[str, str], list[Keyed] | None] = Lru(1024)
        # A file version's text is read for its diff with the one before, its findings'
        # anchors, then its diff with the one after.
        self._texts: Lru[tuple[str, str], str | None] = Lru(32)
        # The blobs with findings that the last batches sent to the pool, not read again.
        self._fetched: Lru[tuple[str, str], bytes] = Lru(2 * BATCH_BLOBS)
        self.prefetched: dict[tuple[str, str], list[Keyed] | None] = {}
        self._listings: dict[str, dict[str, str]] = {}
        self._planned: Listings | None = None
        self.scans = 0
        self.ever_unreadable: set[str] = set()

    def language_of(self, rel: str) -> str | None:
        try:
            return self._languages[rel]
        except KeyError:
            language = self._languages[rel] = self._language_of(rel)
            return language

    def plan(self, base: str | None, commits: Sequence[str]) -> None:
        """The commits the walk will list, in order after `base`: their listings then come
        from one `git log` rather than from their trees (`tree_listings`)."""
        self._planned = Listings(self.repo, commits, self._kept, base)

    def _delta(
        self, commit: str, before: dict[str, str], after: dict[str, str], *, done: bool = False
    ) -> list[str] | None:
        """The paths that differ from `before` to `after`, when the plan knows them."""
        if self._planned is None:
            return None
        return self._planned.delta(commit, before, after, done=done)

    def close(self) -> None:
        """End the git process that reads blobs."""
        self.objects.close()

    def told(self, commit: str, listing: dict[str, str]) -> None:
        """The listing of `commit`, known otherwise (the history cache's)."""
        if self._planned is not None:
            self._planned.told(commit, listing)

    def _kept(self, path: str) -> str | None:
        prefix = self.prefix
        if not path.startswith(prefix):
            return None
        rel = path[len(prefix) :]
        return rel if self.language_of(rel) is not None else None

    def listing_of(self, commit: str) -> dict[str, str]:
        """The listing a prefetch computed, left for the walk."""
        return self._listings[commit]

    def listing(self, commit: str) -> dict[str, str]:
        ready = self._listings.pop(commit, None)
        if ready is not None:
            return ready
        planned = self._planned.get(commit) if self._planned is not None else None
        if planned is not None:
            return planned
        files = self.objects.files(self.repo.commit(commit).tree)
        self.objects.next_commit()
        listing = {
            rel: blob for path, blob in files.items() if (rel := self._kept(path)) is not None
        }
        if self._planned is not None:
            self._planned.told(commit, listing)
        return listing

    def text(self, rel: str, blob: str) -> str | None:
        language = self.language_of(rel)
        assert language is not None
        key = (blob, language)
        if key in self._texts:
            return self._texts[key]
        text = self._text(rel, blob, language)
        self._texts.remember(key, text)
        return text

    def _text(self, rel: str, blob: str, language: str) -> str | None:
        data = self._fetched.pop((blob, rel), None)
        if data is None:
            try:
                data = self.objects.blob(blob)
            except MissingBlob:
                return None
        limit = self.engine.max_file_size
        if limit and len(data) > limit:
            return None
        try:
            return backend(language).decode(data).text
        except DecodeError:
            return None

    def scan(self, rel: str, blob: str) -> list[Keyed] | None:
        """Findings of one blob at one path; None when it cannot be read or parsed."""
        key = (blob, rel)
        if key in self.prefetched:
            result = self.prefetched.pop(key)
            self.scanned.remember(key, result)
            return result
        if key in self.scanned:
            return self.scanned[key]
        self.scans += 1
        language = self.language_of(rel)
        assert language is not None
        try:
            result = scan_blob(self.engine, rel, language, self.objects.blob(blob))
        except MissingBlob:
            result = None  # unknown, as a file that does not parse
        self.scanned.remember(key, result)
        return result

    def prefetch(
        self, commits: Sequence[str], start: int, blobs: dict[str, str], pool: BlobPool
    ) -> tuple[Callable[[], None], int]:
        """Start scanning, over the pool, the blobs that the commits from `start` change,
        as many commits as make a batch worth sending; return what collects the results
        (the walk then finds them scanned) and where the batch ends. The workers scan one
        batch while this process walks the one before; memory stays that of a batch."""
        wanted: dict[tuple[str, str], None] = {}
        before = blobs
        end, listed = start, 0
        while end < len(commits) and len(wanted) < BATCH_BLOBS and end - start < BATCH_COMMITS:
            listing = self._listings[commits[end]] = self.listing(commits[end])
            delta = self._delta(commits[end], before, listing)
            end += 1
            for path in listing if delta is None else delta:
                blob = listing.get(path)
                if blob is None or before.get(path) == blob:
                    continue
                key = (blob, path)
                if key not in self.scanned and key not in self.prefetched:
                    wanted[key] = None
            before = listing
            listed += len(listing)
            if listed > BATCH_PATHS:
                break
        if not wanted:
            return (lambda: None), end
        tasks = []
        contents = self.objects.blobs([blob for blob, _ in wanted])
        for blob, path in list(wanted):
            language = self.language_of(path)
            assert language is not None
            data = contents[blob]
            if data is None:
                del wanted[(blob, path)]
                self.prefetched[(blob, path)] = None  # unknown, as a file that does not parse
            else:
                tasks.append((path, language, data))
        results = pool.start(tasks)

        def collect() -> None:
            for key, (_, _, data), result in zip(wanted, tasks, results(), strict=True):
                self.prefetched[key] = result
                self.scans += 1
                if result:  # its findings will be placed: its text is read, soon
                    self._fetched.remember(key, data)

        return collect, end

    def reason(self, rel: str, blob: str) -> str:
        """Why a file version could not be read (`blob_scan.unreadable_reason`)."""
        language = self.language_of(rel)
        assert language is not None
        try:
            data: bytes | None = self.objects.blob(blob)
        except MissingBlob:
            data = None
        return unreadable_reason(self.engine, rel, language, data)

    def diff(self, rel: str, old_blob: str | None, new_blob: str) -> LineDiff | None:
        if old_blob is None:
            return None
        old, new = self.text(rel, old_blob), self.text(rel, new_blob)
        if old is None or new is None:
            return None
        return LineDiff.between(old, new)

    def advance(
        self, state: WalkState, commit: str, reverts: frozenset[str] = frozenset()
    ) -> tuple[WalkState, list[Event]]:
        """The state at `commit` from the state at its parent, and what changed; only
        the files the commit changed are scanned. `reverts`: the commits it says it
        reverts (`auditor.track.settle`)."""
        blobs = self.listing(commit)
        files = dict(state.files)
        unknown = dict(state.unknown)
        delta = self._delta(commit, state.blobs, blobs, done=True)
        removed = (
            [p for p in state.blobs if p not in blobs]
            if delta is None
            else [p for p in delta if p not in blobs and p in state.blobs]
        )
        added = (
            [p for p in blobs if p not in state.blobs]
            if delta is None
            else [p for p in delta if p in blobs and p not in state.blobs]
        )
        renamed = self._renames(removed, added, state, blobs, commit)
        carried = set(renamed.values())
        vanished: list[Vanished] = []
        arrived: list[Arrived] = []
        dark: list[Dark] = []
        renames: list[Event] = []
        for path in removed:
            entries = files.pop(path, ())
            gap = unknown.pop(path, None)
            if path in carried:
                continue
            if gap is not None:
                state.spans.append(DarkSpan(path, gap.since, commit, gap.reason))
            if gap is not None and gap.last is None:
                dark.append((path, state.blobs[path], None, True))
            if gap is not None and gap.last:
                entries = gap.last
            vanished.extend(
                (REMOVED, item, identity, None, NO_ANCHORS) for item, identity in entries
            )
        placed: dict[str, list[Tracked | None]] = {}
        for path in blobs if delta is None else delta:
            blob = blobs.get(path)
            if blob is None:
                continue  # removed, above
            old_path = renamed.get(path, path)
            if old_path == path and state.blobs.get(path) == blob:
                continue
            was_known = old_path in state.blobs and old_path not in state.unknown
            gap = state.unknown.get(old_path)
            scanned = self.scan(path, blob)
            if scanned is None:
                self.ever_unreadable.add(path)
                files.pop(path, None)
                if gap is None:
                    last = state.files.get(old_path, ()) if was_known else None
                    before = state.blobs.get(old_path) if was_known else None
                    gap = Unknown(commit, last, before, self.reason(path, blob))
                unknown[path] = gap
                dark.append((path, state.blobs.get(old_path), blob, gap.last is None))
                continue
            unknown.pop(path, None)
            if gap is not None:
                state.spans.append(DarkSpan(path, gap.since, commit, gap.reason))
            if gap is not None and gap.last is None:  # readable at last, never read before
                dark.append((path, state.blobs.get(old_path), blob, True))
            if gap is not None:
                previous, since, reference = gap.last or (), gap.since, gap.last_blob
                first_seen = True
            else:
                previous, since = state.files.get(old_path, ()), None
                reference = state.blobs.get(old_path)
                first_seen = False
            live = [item for item in scanned if not item.suppressed]
            quiet = [item for item in scanned if item.suppressed]
            places = _Places(self, path, reference, blob)
            pairs: dict[int, int] = {}
            if previous:
                old_items = [item for item, _ in previous]
                pairs = pair_in_file(old_items, live, places.diff(), loose=gap is not None)
            current: list[Tracked | None] = []
            for index, item in enumerate(live):
                old_index = pairs.get(index)
                if old_index is not None:
                    current.append((item, previous[old_index][1]))
                    if old_path != path:
                        renames.append(Event(MOVED, Sighting(previous[old_index][1], item.finding)))
                else:
                    kind: Kind = FIRST_SEEN if first_seen else NEW
                    arrived.append((path, len(current), item, kind, places.new(item)))
                    current.append(None)
            kept = set(pairs.values())
            left = [index for index in range(len(previous)) if index not in kept]
            silenced = set()
            if left and quiet:  # a suppression comment added: not a fix
                found = pair_in_file([previous[i][0] for i in left], quiet, places.diff())
                silenced = {left[i] for i in found.values()}
            for index in left:
                item, identity = previous[index]
                if item.finding.path != path:  # renamed while unreadable: it is here now
                    item = replace(item, finding=replace(item.finding, path=path))
                gone: Kind = SUPPRESSED if index in silenced else FIXED
                vanished.append((gone, item, identity, since, places.old(item)))
            placed[path] = current
        events = renames + settle(
            state, commit, reverts, vanished, arrived, placed, dark, unknown, self.text_anyway
        )
        for path, current in placed.items():
            if current:
                files[path] = tuple(t for t in current if t is not None)
            else:
                files.pop(path, None)
        new_state = WalkState(files, blobs, unknown, state.gone, state.used, state.spans)
        return new_state, events

    def text_anyway(self, blob: str) -> str:
        """A blob's text for finding lines in it, even where it does not parse."""
        try:
            return self.objects.blob(blob).decode("utf-8", "replace")
        except MissingBlob:
            return ""

    def _renames(
        self,
        removed: list[str],
        added: list[str],
        state: WalkState,
        after: dict[str, str],
        commit: str,
    ) -> dict[str, str]:
        """new path -> old path: identical blobs first, then git's similarity detection,
        asked only where its answer can change the walk (`_pairing_matters`)."""
        if not removed or not added:
            return {}
        by_blob = {state.blobs[p]: p for p in removed}
        renamed = {p: by_blob.pop(after[p]) for p in added if after[p] in by_blob}
        left_removed = set(by_blob.values())
        left_added = [p for p in added if p not in renamed]
        if (
            left_removed
            and left_added
            and self._pairing_matters(state, left_removed, left_added, after)
        ):
            paths = [self.prefix + p for p in sorted({*left_removed, *left_added})]
            out = run_git(
                self.repo, "diff", "--name-status", "-M", "-z", f"{commit}^", commit, "--", *paths
            )
            parts = out.split("\0")
            index = 0
            while index < len(parts) - 1:
                status = parts[index]
                if status.startswith("R"):
                    old, new = parts[index + 1], parts[index + 2]
                    index += 3
                    old_rel, new_rel = old[len(self.prefix) :], new[len(self.prefix) :]
                    if old_rel in left_removed and new_rel in left_added:
                        renamed[new_rel] = old_rel
                else:
                    index += 2
        return renamed

    def _pairing_matters(
        self, state: WalkState, removed: set[str], added: list[str], after: dict[str, str]
    ) -> bool:
        """Whether pairing removed files with added ones can change the walk: a removed
        file had findings or could not be read (they move with it), or an added one has
        findings (its arrivals' anchors are read against the old version) or cannot be
        read (its span starts from what was known of the old). Otherwise the pair and the
        two files apart come to the same: nothing leaves, nothing arrives. The added files'
        scans are in the batch already; asked here, they are not scanned again."""
        if any(state.files.get(path) or path in state.unknown for path in removed):
            return True
        return any(self.scan(path, after[path]) != [] for path in added)


class _Places:
    """Where a changed file's findings are against its previous version: the line diff,
    worked out once and only when needed, and each finding's anchors."""

    def __init__(self, walker: Walker, path: str, old_blob: str | None, new_blob: str) -> None:
        self.walker, self.path, self.old_blob, self.new_blob = walker, path, old_blob, new_blob
        self._diff: LineDiff | None = None
        self._done = False
        # Each side's lines and unchanged line numbers, worked out for its first finding.
        self._sides: dict[bool, tuple[list[str], set[int]] | None] = {}

    def diff(self) -> LineDiff | None:
        if not self._done:
            self._diff = self.walker.diff(self.path, self.old_blob, self.new_blob)
            self._done = True
        return self._diff

    def old(self, item: Keyed) -> Anchors:
        return self._anchors(self.old_blob, item, old=True)

    def new(self, item: Keyed) -> Anchors:
        return self._anchors(self.new_blob, item, old=False)

    def _anchors(self, blob: str | None, item: Keyed, *, old: bool) -> Anchors:
        if old not in self._sides:
            diff = self.diff()
            text = self.walker.text(self.path, blob) if blob is not None else None
            self._sides[old] = (
                None
                if diff is None or text is None
                else (
                    text.splitlines(),
                    set(diff.moved_to) if old else set(diff.moved_to.values()),
                )
            )
        side = self._sides[old]
        return NO_ANCHORS if side is None else anchors(*side, item.finding.start.line)
