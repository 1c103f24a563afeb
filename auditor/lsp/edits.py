"""A new document text as the LSP TextEdits that turn the old text into it, each the
changed characters only: a fix's own edits, trimmed to what they change, when they give
the new text; else one edit per changed run of lines (a diff of the two texts), trimmed
the same way. Pure."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator, Sequence

from lsprotocol import types

from auditor.lsp.positions import Point, TextPositions
from auditor.model import Edit
from auditor.scan.fixer import apply_edits
from auditor.scan.source import common_ends, split_lines

Span = tuple[int, int, str]  # old[start:end] becomes the text


def changed_span(old: str, new: str) -> Span:
    """(start, end, replacement): old[start:end] becomes the replacement. The span never
    ends or starts between the two characters of a \\r\\n, which LSP cannot address."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    if start > 0 and old[start - 1] == "\r":
        start -= 1
    suffix = 0
    while suffix < limit - start and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    end = len(old) - suffix
    if suffix and old[end] == "\n" and end > 0 and old[end - 1] == "\r":
        end += 1
        suffix -= 1
    return start, end, new[start : len(new) - suffix]


def _trimmed(old: str, start: int, end: int, text: str) -> Span | None:
    """old[start:end] -> text as the characters it changes; None when it changes none."""
    first, last, replacement = changed_span(old[start:end], text)
    if first == last and not replacement:
        return None
    return start + first, start + last, replacement


def changed_spans(old: str, new: str, edits: Sequence[Edit] = ()) -> list[Span]:
    """Disjoint spans, in order, that turn `old` into `new`: `edits` (a fix's, all in this
    text) trimmed, when applying them gives `new`; else the changed runs of lines."""
    if edits and _disjoint(edits) and apply_edits(old, edits) == new:
        spans = (_trimmed(old, e.start, e.end, e.text) for e in sorted(edits))
        return [s for s in spans if s is not None]
    return [s for s in _line_runs(old, new) if s is not None]


def _disjoint(edits: Sequence[Edit]) -> bool:
    """No two overlap, nor insert at one point (the order of their texts would be a guess)."""
    ordered = sorted(edits)
    return all(
        a.end <= b.start and not a.start == a.end == b.start == b.end
        for a, b in itertools.pairwise(ordered)
    )


def _line_runs(old: str, new: str) -> Iterator[Span | None]:
    """Each run of lines that differs between the texts, after the lines they share at the
    top and bottom, trimmed to its changed characters."""
    before, after = split_lines(old, keepends=True), split_lines(new, keepends=True)
    top, bottom = common_ends(before, after)
    a, b = before[top : len(before) - bottom], after[top : len(after) - bottom]
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            text = "".join(b[j1:j2])
            yield _trimmed(old, starts[top + i1], starts[top + i2], text)


def text_edits(
    positions: TextPositions, new: str, edits: Sequence[Edit] = ()
) -> list[types.TextEdit]:
    """The TextEdits, in the client's encoding, that turn the document into `new`."""
    return [
        types.TextEdit(
            range=types.Range(
                start=_position(positions.point_at(start)),
                end=_position(positions.point_at(end)),
            ),
            new_text=text,
        )
        for start, end, text in changed_spans(positions.text, new, edits)
    ]


def workspace_edit(
    uri: str, version: int | None, positions: TextPositions, new: str, edits: Sequence[Edit] = ()
) -> types.WorkspaceEdit:
    """The edits of the document at `uri` (`edits`: the fix's, see `changed_spans`); with
    its version when known (the client refuses them if the document changed since), else
    as a plain change."""
    changes = text_edits(positions, new, edits)
    if version is None:
        return types.WorkspaceEdit(changes={uri: changes})
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)]
    )


def _position(point: Point) -> types.Position:
    return types.Position(line=point.line, character=point.character)
