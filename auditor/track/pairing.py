"""Which finding of one commit is which finding of the next: pure functions over findings
and line diffs, no git.

Evidence, strongest first:
1. **An untouched line.** A finding of the same rule that starts where an unchanged line
   moved to is the same finding, whatever else changed (the enclosing function renamed),
   as long as the line above or below it agrees too.
2. **Equal tokens.** The same rule and token key (`identity.token_key`: quotes, spacing,
   trailing commas and wrapping ignored) in the same file: a formatter run or a move within
   the file. Among equal candidates the enclosing scope breaks ties, then order.
3. **An edit in place.** The same rule, old and new finding meeting the same changed block
   of lines: the code was rewritten but the defect stays (an env var renamed, a line of a
   call written over several lines edited).
4. **The same head.** The same rule and the flagged code up to its first string literal
   (`os.environ.get('KEY'`, `console.log('saved'`): the read of one variable moved and
   given a new default, the same message logged with other values.
Across files, equal tokens and the same head pair (a move); what is left is a
disappearance or an appearance, and the walk names it (`auditor.track.records`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.model import Finding
from auditor.scan.source import common_ends
from auditor.track.line_match import LineMatcher


@dataclass(frozen=True, slots=True)
class Keyed:
    """A finding with what identifies it across commits."""

    rule_id: str
    key: str  # the finding's logical line as tokens (`identity.token_lines`)
    # The line with the one before, and with the one after: equal lines in different
    # places told apart, and a block of lines moved together recognised line by line.
    before: str
    after: str
    span: str  # the flagged code's own tokens: `os.environ["X"]` wherever its line moved
    finding: Finding
    suppressed: bool = False  # silenced by an `audit: ignore` comment at this version

    @property
    def head(self) -> str | None:
        """The flagged code's tokens up to its first string literal, with something
        before it; None without one (`except:` has no head)."""
        found = _HEAD.match(self.span)
        return found.group(1) if found else None


# Tokens, then the first string token as identity.token_lines writes it (a repr, perhaps
# with a prefix, `~` for an f-string's or template literal's text).
_HEAD = re.compile(r"""(\S.*? [a-z]*~?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))(?: |$)""")


@dataclass(frozen=True, slots=True)
class LineDiff:
    """The unchanged lines of a file version pair, and the changed blocks."""

    moved_to: dict[int, int]  # old line -> new line, for untouched lines
    # Replaced blocks: (old first, old end, new first, new end), ends exclusive.
    blocks: tuple[tuple[int, int, int, int], ...]

    @classmethod
    def between(cls, old: str, new: str) -> LineDiff:
        a, b = old.splitlines(), new.splitlines()
        # Formatter commits and one-line edits of large files stay linear.
        head, tail = common_ends(a, b)
        moved = dict(zip(range(1, head + 1), range(1, head + 1), strict=True))
        moved.update(
            zip(
                range(len(a) - tail + 1, len(a) + 1),
                range(len(b) - tail + 1, len(b) + 1),
                strict=True,
            )
        )
        blocks = []
        if head + tail < min(len(a), len(b)):  # else only lines added, or only removed
            matcher = LineMatcher(a[head : len(a) - tail], b[head : len(b) - tail])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    lines = range(head + i1 + 1, head + i2 + 1)
                    moved.update(zip(lines, range(head + j1 + 1, head + j2 + 1), strict=True))
                elif tag == "replace":  # only a block with both sides can hold an edit in place
                    blocks.append((head + i1 + 1, head + i2 + 1, head + j1 + 1, head + j2 + 1))
        return cls(moved, tuple(blocks))

    def block_of(
        self, old_lines: tuple[int, int] | None, new_lines: tuple[int, int] | None
    ) -> int | None:
        """The first changed block that meets the old lines (first, last) or the new."""
        for index, (a1, a2, b1, b2) in enumerate(self.blocks):
            if old_lines is not None and a1 <= old_lines[1] and old_lines[0] < a2:
                return index
            if new_lines is not None and b1 <= new_lines[1] and new_lines[0] < b2:
                return index
        return None


def pair_in_file(
    old: Sequence[Keyed], new: Sequence[Keyed], diff: LineDiff | None, *, loose: bool = False
) -> dict[int, int]:
    """new index -> old index for the findings of one file at two commits. `loose`: the
    old findings are as last seen before an unreadable span, however long ago: equal
    lines pair across scopes too (the function may have been renamed or moved since)."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    if diff is not None:
        at: dict[tuple[str, int, int], list[int]] = {}
        for index, item in enumerate(old):
            line = diff.moved_to.get(item.finding.start.line)
            if line is not None:
                at.setdefault((item.rule_id, line, item.finding.start.column), []).append(index)
        for index, item in enumerate(new):
            start = item.finding.start
            candidates = at.get((item.rule_id, start.line, start.column))
            for old_index in candidates or ():
                # An unchanged line can still be matched to the wrong twin by the diff
                # (a new `except:` equal to one just edited): a neighbour must agree.
                if old[old_index].before == item.before or old[old_index].after == item.after:
                    candidates.remove(old_index)  # type: ignore[union-attr]
                    pairs[index] = old_index
                    taken.add(old_index)
                    break
    left_old = [i for i in range(len(old)) if i not in taken]
    left_new = [i for i in range(len(new)) if i not in pairs]
    found = pair_equal([old[i] for i in left_old], [new[i] for i in left_new], loose=loose)
    for n, o in found.items():
        pairs[left_new[n]] = left_old[o]
        taken.add(left_old[o])
    _pair_by_head(old, new, pairs)
    if diff is not None and diff.blocks:
        by_block: dict[tuple[str, int], list[int]] = {}
        for index, item in enumerate(old):
            if index not in taken:
                block = diff.block_of(_lines(item), None)
                if block is not None:
                    by_block.setdefault((item.rule_id, block), []).append(index)
        for index, item in enumerate(new):
            if index in pairs:
                continue
            block = diff.block_of(None, _lines(item))
            candidates = by_block.get((item.rule_id, block)) if block is not None else None
            if candidates:
                pairs[index] = candidates.pop(0)
    return pairs


def _pair_by_head(old: Sequence[Keyed], new: Sequence[Keyed], pairs: dict[int, int]) -> None:
    """Evidence 4, on what is left: the same rule and head, in order."""
    taken = set(pairs.values())
    waiting: dict[tuple[str, str], list[int]] = {}
    for index, item in enumerate(old):
        if index not in taken and item.head is not None:
            waiting.setdefault((item.rule_id, item.head), []).append(index)
    for index, item in enumerate(new):
        if index in pairs or item.head is None:
            continue
        candidates = waiting.get((item.rule_id, item.head))
        if candidates:
            pairs[index] = candidates.pop(0)


def pair_equal(
    old: Sequence[Keyed], new: Sequence[Keyed], *, across_files: bool = False, loose: bool = False
) -> dict[int, int]:
    """new index -> old index for equal tokens of the same rule: the line with a neighbour
    first (after, then before), then the line alone, then the flagged code alone (two
    copies of a block merged into one function keep `os.environ["X"]` but not its line).
    The last two pair across scopes only within a file, and only code of some substance:
    a line as common as `except:` would pair anything with anything, and across files
    and scopes pairs only with both its neighbours (`_alike`). Within each, the same scope
    first, then in order: the first of three equal handlers stays the first."""
    pairs: dict[int, int] = {}
    for field in ("after", "before", "key", "span", "head"):
        if field == "head" and not across_files:
            continue  # within a file, pair_in_file asks the head last, after the blocks
        waiting: dict[tuple[str, str], list[int]] = {}
        taken = set(pairs.values())
        for index, item in enumerate(old):
            value = getattr(item, field)
            if index not in taken and value is not None:
                waiting.setdefault((item.rule_id, value), []).append(index)
        for same_scope in (True, False):
            # Within a file, the line alone pairs within one scope; across files, the
            # line moves out of its function too (as `_alike` allows), the flagged code
            # alone only within one scope.
            bound = (field == "key" and not across_files) or (field == "span" and across_files)
            if not same_scope and bound and not loose:
                continue
            for index, item in enumerate(new):
                if index in pairs:
                    continue
                value = getattr(item, field)
                if value is None:
                    continue
                if field == "span" and not same_scope and not loose and value.count(" ") < 2:
                    continue  # fewer than three tokens: too common to say which is which
                candidates = waiting.get((item.rule_id, value))
                if not candidates:
                    continue
                for candidate in candidates:
                    if same_scope and old[candidate].finding.scope != item.finding.scope:
                        continue
                    if not same_scope and across_files and not _alike(old[candidate], item):
                        continue
                    pairs[index] = candidate
                    candidates.remove(candidate)
                    break
    return pairs


def _lines(item: Keyed) -> tuple[int, int]:
    """The lines a finding's code spans: an edit of any of them is an edit in place (the
    default of a call written over four lines changed)."""
    return item.finding.start.line, max(item.finding.start.line, item.finding.end.line)


def _alike(old: Keyed, new: Keyed) -> bool:
    """Whether two findings in different files and scopes are one moved: a line of some
    substance, or a common one (`except:`) with both its neighbours. A fix removing one
    `except: pass` and a commit adding another elsewhere is no move."""
    return new.key.count(" ") >= 2 or (old.before == new.before and old.after == new.after)
