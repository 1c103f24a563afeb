"""The history walk kept between runs: each commit's events, and the walk's state at the
last commit, in `.audit_cache/history/`.

A commit's events depend on the state before it, so a file holds one walk: from its start
(the base commit) through a run of commits. It is valid for one rule set and code stamp
(the key in its name) and while its commits are a prefix of the ones tracked now: a rerun
on the same history reads no blob, a new commit costs its own diff, and a rewritten
history starts again. JSON, so a cache folder from a cloned repository cannot run code;
signed (auditor.cache_signing), so one that came with the code, or is not of the shape
written here, is walked again rather than believed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor import cache_signing
from auditor.cache_signing import as_dict, as_int, as_list, as_optional_str, as_str
from auditor.model import Finding
from auditor.scan.cache import finding_from_raw, finding_raw, make_cache_folder
from auditor.scan.fileio import write_atomic
from auditor.track.git_objects import CommitMeta
from auditor.track.pairing import Keyed
from auditor.track.records import (
    KINDS,
    CommitRecord,
    DarkSpan,
    Event,
    Gone,
    Kind,
    Sighting,
    Tracked,
    Unknown,
    WalkState,
)

# 6: places and suppressions; 7: dark spans; 8: pairing by head; 9: no commit stats
FORMAT = 9
KEEP = 4  # walks kept per folder (several --since starts, several rule sets)

Resumed = tuple[tuple[Sighting, ...], int, list[CommitRecord], WalkState, set[str]]


class HistoryCache:
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key

    @property
    def stats_file(self) -> Path:
        """Where `auditor.track.commit_stats` keeps the commits' stats and the blobs
        found missing, for every walk of this folder."""
        return self.folder / "commit-stats"

    def _path(self, base: str | None) -> Path:
        return self.folder / f"{self.key}-{base or 'root'}.json"

    @staticmethod
    def _role(path: Path) -> str:
        return f"history/{path.name}"

    def load(self, base: str | None, commits: Sequence[str]) -> Resumed | None:
        """The cached walk from `base`, if its commits are a prefix of `commits`."""
        path = self._path(base)
        payload = cache_signing.read(self._role(path), path)
        if payload is None:
            return None  # none, or not signed with our key: walk again
        try:
            data = as_dict(json.loads(payload))
            if data.get("format") != FORMAT:
                return None
            records = [_record(r) for r in as_list(data["commits"])]
            if [r.sha for r in records] != list(commits[: len(records)]):
                return None
            baseline = tuple(_sighting(s) for s in as_list(data["baseline"]))
            state = _state(as_dict(data["state"]))
            ever = {as_str(identity) for identity in as_list(data["ever"])}
            return baseline, as_int(data["baseline_unreadable"]), records, state, ever
        except Exception:  # one this version cannot read, or of the wrong shape: walk again
            return None

    def save(
        self,
        base: str | None,
        baseline: Sequence[Sighting],
        baseline_unreadable: int,
        records: Sequence[CommitRecord],
        state: WalkState,
        ever: set[str],
    ) -> None:
        data = {
            "format": FORMAT,
            "baseline": [_sighting_json(s) for s in baseline],
            "baseline_unreadable": baseline_unreadable,
            "commits": [_record_json(r) for r in records],
            "state": _state_json(state),
            "ever": sorted(ever),
        }
        path = self._path(base)
        sealed = cache_signing.seal(
            self._role(path), json.dumps(data, separators=(",", ":")).encode()
        )
        if sealed is None:
            return  # no signing key: no cache
        try:
            make_cache_folder(self.folder)
            write_atomic(path, sealed)
            walks = sorted(self.folder.glob("*.json"), key=os.path.getmtime, reverse=True)
            for old in walks[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written costs time, never a result


def _finding_json(f: Finding) -> list[Any]:
    return [f.path, finding_raw(f)]


def _finding(v: Any) -> Finding:
    path, raw = as_list(v, 2)
    return finding_from_raw(as_str(path), raw)


def _sighting_json(s: Sighting) -> list[Any]:
    return [s.identity, _finding_json(s.finding)]


def _sighting(v: Any) -> Sighting:
    identity, finding = as_list(v, 2)
    return Sighting(as_str(identity), _finding(finding))


def _record_json(r: CommitRecord) -> dict[str, Any]:
    meta = r.meta
    return {
        "meta": [meta.sha, meta.date, meta.author, meta.subject, meta.message],
        "events": [[e.kind, _sighting_json(e.sighting), e.unknown_since] for e in r.events],
        "unreadable": r.unreadable,
    }


def _record(raw: Any) -> CommitRecord:
    d = as_dict(raw)
    sha, date, author, subject, message = (as_str(v) for v in as_list(d["meta"], 5))
    meta = CommitMeta(sha, date, author, subject, message)
    events = tuple(
        Event(_kind(k), _sighting(s), as_optional_str(since))
        for k, s, since in (as_list(e, 3) for e in as_list(d["events"]))
    )
    return CommitRecord(meta, events, as_int(d["unreadable"]))


def _kind(v: Any) -> Kind:
    if v not in KINDS:
        raise ValueError(f"not an event kind: {v!r}")  # a cache of another shape: walk again
    kind: Kind = v
    return kind


def _tracked_json(t: Tracked) -> list[Any]:
    item, identity = t
    return [identity, item.key, item.before, item.after, item.span, _finding_json(item.finding)]


def _tracked(v: Any) -> Tracked:
    identity, key, before, after, span, raw = as_list(v, 6)
    finding = _finding(raw)
    texts = (as_str(key), as_str(before), as_str(after), as_str(span))
    return Keyed(finding.rule_id, *texts, finding), as_str(identity)


def _state_json(s: WalkState) -> dict[str, Any]:
    return {
        "files": {p: [_tracked_json(t) for t in ts] for p, ts in s.files.items()},
        "blobs": s.blobs,
        "unknown": {
            p: [
                u.since,
                None if u.last is None else [_tracked_json(t) for t in u.last],
                u.last_blob,
                u.reason,
            ]
            for p, u in s.unknown.items()
        },
        "gone": [
            [list(k), [[g.identity, list(g.anchors), g.commit] for g in gs]]
            for k, gs in s.gone.items()
            if gs
        ],
        "used": sorted(s.used),
        "spans": [[d.path, d.since, d.until, d.reason] for d in s.spans],
    }


def _state(d: dict[str, Any]) -> WalkState:
    return WalkState(
        files={p: tuple(_tracked(t) for t in as_list(ts)) for p, ts in as_dict(d["files"]).items()},
        blobs={p: as_str(blob) for p, blob in as_dict(d["blobs"]).items()},
        unknown={p: _unknown(u) for p, u in as_dict(d["unknown"]).items()},
        gone={_gone_key(k): [_gone(g) for g in as_list(gs)] for k, gs in as_list(d["gone"])},
        used={as_str(identity) for identity in as_list(d["used"])},
        spans=[_span(v) for v in as_list(d["spans"])],
    )


def _unknown(v: Any) -> Unknown:
    since, last, blob, reason = as_list(v, 4)
    tracked = None if last is None else tuple(_tracked(t) for t in as_list(last))
    return Unknown(as_optional_str(since), tracked, as_optional_str(blob), as_str(reason))


def _span(v: Any) -> DarkSpan:
    path, since, until, reason = as_list(v, 4)
    return DarkSpan(as_str(path), as_optional_str(since), as_optional_str(until), as_str(reason))


def _gone(v: Any) -> Gone:
    identity, where, commit = as_list(v, 3)
    above, below = as_list(where, 2)
    return Gone(as_str(identity), (as_optional_str(above), as_optional_str(below)), as_str(commit))


def _gone_key(v: Any) -> tuple[str, str, str]:
    a, b, c = (as_str(part) for part in as_list(v, 3))
    return a, b, c
