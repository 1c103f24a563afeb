"""Dates in the zone a `report-timezone` setting names: every commit date of a history
converted once, so that tables, trend and chart all say the same day."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace

from auditor.track.records import CommitRecord, History


def in_zone(iso: str, zone: str) -> str:
    """An ISO date with an offset, as the same instant in `zone`."""
    stamp = dt.datetime.fromisoformat(iso)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()


def history_in_zone(history: History, zone: str | None) -> History:
    """`history` with every date in `zone`; as it is when None (each commit's own offset)."""
    if zone is None:
        return history

    def moved(record: CommitRecord) -> CommitRecord:
        return replace(record, meta=replace(record.meta, date=in_zone(record.meta.date, zone)))

    return replace(
        history,
        commits=tuple(moved(c) for c in history.commits),
        head_date=in_zone(history.head_date, zone) if history.head_date else None,
        base_date=in_zone(history.base_date, zone) if history.base_date else None,
    )
