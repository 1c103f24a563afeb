"""difflib's line matcher with a faster search for the longest match, and the same answers.

`difflib.SequenceMatcher` finds the longest common run of lines, then recurses on each
side of it. Its search visits every pair of equal lines in the range: in a file of 2,000
lines, the blank lines alone pair 300 x 300 times, at every level of the recursion. The
search here visits few lines of `a`: once a common run of length L is known, any longer
(or equally long) run has a line at every L-th position, so one line per window of L
lines is enough: one that `b` has once at most, else the window's least frequent in `b`
(a blank line is not chosen where a line of code is at hand). Each pair of equal lines
at a chosen line is extended into its whole run.

difflib's answer is the longest run, the first in `a`, then the first in `b`, among the
maximal runs of the range: the same set this search keeps its minimum of. Junk (and
difflib's "popular" lines) is not used, so nothing extends the run afterwards.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Sequence
from itertools import repeat

_PROBES = 8  # lines of `a` tried first, spread over the range: a long run found early


class LineMatcher(difflib.SequenceMatcher[str]):
    """`SequenceMatcher(None, a, b, autojunk=False)`, with the same opcodes, faster."""

    # SequenceMatcher's own, set by its constructor (typeshed does not declare them).
    a: Sequence[str]
    b: Sequence[str]
    b2j: dict[str, list[int]]

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        # How often each line of `a` is in `b`: a window's sample is its rarest line,
        # preferably one in `b` once at most (`_rare`, in order), found without a look
        # at the whole window.
        self._often = list(map(len, map(self.b2j.get, a, repeat((), len(a)))))
        self._rare = [i for i, often in enumerate(self._often) if often <= 1]

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        a, b, b2j, often, rare = self.a, self.b, self.b2j, self._often, self._rare
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        best_i, best_j, best = alo, blo, 0
        # diagonal (j - i) -> the last run found on it, (first, end) in `a`: a chosen line
        # inside it is not extended again.
        runs: dict[int, tuple[int, int]] = {}

        def extend(i: int) -> None:
            nonlocal best_i, best_j, best
            at = b2j.get(a[i])
            if not at:
                return
            for j in at[bisect_left(at, blo) :]:
                if j >= bhi:
                    break
                known = runs.get(j - i)
                if known is not None and known[0] <= i < known[1]:
                    continue
                first, other = i, j
                while first > alo and other > blo and a[first - 1] == b[other - 1]:
                    first -= 1
                    other -= 1
                end, other_end = i + 1, j + 1
                while end < ahi and other_end < bhi and a[end] == b[other_end]:
                    end += 1
                    other_end += 1
                runs[j - i] = (first, end)
                size = end - first
                if size > best or (
                    size == best and (first < best_i or (first == best_i and other < best_j))
                ):
                    best_i, best_j, best = first, other, size

        span = ahi - alo
        if span > _PROBES * 4:
            for i in range(alo, ahi, span // _PROBES):
                if often[i] <= 2:
                    extend(i)
        # Every run at least `best` long holds one of the chosen lines: the first is
        # within `best` lines of the range's start, each next within `best` of the last,
        # and fewer than `best` lines are left after the last.
        last = alo - 1
        while True:
            step = best or 1
            if last + step >= ahi:
                break
            if step == 1:
                last += 1
            else:
                index = bisect_left(rare, last + 1)
                if index < len(rare) and rare[index] <= last + step:
                    last = rare[index]
                else:
                    last = min(range(last + 1, last + step + 1), key=often.__getitem__)
            extend(last)
        return difflib.Match(best_i, best_j, best)
