"""A small cache of the most recent values, for the history walk's texts, scans and line
counts: what one commit reads, the next often reads again."""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(OrderedDict[K, V]):
    """At most `size` values; the oldest remembered goes first."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: K, value: V) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)

    def recent(self, key: K) -> V | None:
        """The value of `key`, if kept, which then goes last (the most recently used)."""
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found
