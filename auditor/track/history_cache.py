"""The history walk kept between runs: each commit's events, and the walk's state at the
last commit, in `.audit_cache/history/`.

A commit's events depend on the state before it, so a file holds one walk: from its start
(the base commit) through a run of commits. It is valid for one rule set and code stamp
(the key in its name) and while its commits are a prefix of the ones tracked now: a rerun
on the same history reads no blob, a new commit costs its own diff, and a rewritten
history starts again. JSON, so a cache folder from a cloned repository cannot run code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.model import Finding
from auditor.scan.cache import finding_from_raw, finding_raw, make_cache_folder
from auditor.scan.fileio import write_atomic
from auditor.track.git_objects import CommitMeta
from auditor.track.pairing import Keyed
from auditor.track.records import CommitRecord, Event, Sighting, Tracked, Unknown, WalkState

FORMAT = 5
KEEP = 4  # walks kept per folder (several --since starts, several rule sets)

Resumed = tuple[tuple[Sighting, ...], int, list[CommitRecord], WalkState, set[str]]


class HistoryCache:
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key

    def _path(self, base: str | None) -> Path:
        return self.folder / f"{self.key}-{base or 'root'}.json"

    def load(self, base: str | None, commits: Sequence[str]) -> Resumed | None:
        """The cached walk from `base`, if its commits are a prefix of `commits`."""
        try:
            data = json.loads(self._path(base).read_bytes())
            if data.get("format") != FORMAT:
                return None
            records = [_record(r) for r in data["commits"]]
            if [r.sha for r in records] != list(commits[: len(records)]):
                return None
            baseline = tuple(_sighting(s) for s in data["baseline"])
            state = _state(data["state"])
            return baseline, int(data["baseline_unreadable"]), records, state, set(data["ever"])
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # no cache, or one this version cannot read: walk again

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
        try:
            make_cache_folder(self.folder)
            write_atomic(self._path(base), json.dumps(data, separators=(",", ":")).encode())
            walks = sorted(self.folder.glob("*.json"), key=os.path.getmtime, reverse=True)
            for old in walks[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written costs time, never a result


def _finding_json(f: Finding) -> list[Any]:
    return [f.path, finding_raw(f)]


def _finding(v: list[Any]) -> Finding:
    return finding_from_raw(v[0], v[1])


def _sighting_json(s: Sighting) -> list[Any]:
    return [s.identity, _finding_json(s.finding)]


def _sighting(v: list[Any]) -> Sighting:
    return Sighting(v[0], _finding(v[1]))


def _record_json(r: CommitRecord) -> dict[str, Any]:
    meta = r.meta
    return {
        "meta": [meta.sha, meta.date, meta.author, meta.subject, meta.message],
        "stat": [meta.files, meta.insertions, meta.deletions],
        "events": [[e.kind, _sighting_json(e.sighting), e.unknown_since] for e in r.events],
        "unreadable": r.unreadable,
    }


def _record(d: dict[str, Any]) -> CommitRecord:
    meta = CommitMeta(*d["meta"], *d["stat"])
    events = tuple(Event(k, _sighting(s), since) for k, s, since in d["events"])
    return CommitRecord(meta, events, d["unreadable"])


def _tracked_json(t: Tracked) -> list[Any]:
    item, identity = t
    return [identity, item.key, item.before, item.after, item.span, _finding_json(item.finding)]


def _tracked(v: list[Any]) -> Tracked:
    finding = _finding(v[5])
    return Keyed(finding.rule_id, v[1], v[2], v[3], v[4], finding), v[0]


def _state_json(s: WalkState) -> dict[str, Any]:
    return {
        "files": {p: [_tracked_json(t) for t in ts] for p, ts in s.files.items()},
        "blobs": s.blobs,
        "unknown": {
            p: [
                u.since,
                None if u.last is None else [_tracked_json(t) for t in u.last],
                u.last_blob,
            ]
            for p, u in s.unknown.items()
        },
        "gone": [[list(k), ids] for k, ids in s.gone.items() if ids],
        "used": sorted(s.used),
    }


def _state(d: dict[str, Any]) -> WalkState:
    return WalkState(
        files={p: tuple(_tracked(t) for t in ts) for p, ts in d["files"].items()},
        blobs=dict(d["blobs"]),
        unknown={
            p: Unknown(since, None if last is None else tuple(_tracked(t) for t in last), blob)
            for p, (since, last, blob) in d["unknown"].items()
        },
        gone={(k[0], k[1], k[2]): list(ids) for k, ids in d["gone"]},
        used=set(d["used"]),
    )
