"""A new document text as the one LSP TextEdit that turns the old text into it: the span
between their common prefix and suffix. Pure."""

from __future__ import annotations

from lsprotocol import types

from auditor.lsp.positions import Point, TextPositions


def changed_span(old: str, new: str) -> tuple[int, int, str]:
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


def text_edit(positions: TextPositions, new: str) -> types.TextEdit:
    start, end, replacement = changed_span(positions.text, new)
    return types.TextEdit(
        range=types.Range(
            start=_position(positions.point_at(start)), end=_position(positions.point_at(end))
        ),
        new_text=replacement,
    )


def workspace_edit(
    uri: str, version: int | None, positions: TextPositions, new: str
) -> types.WorkspaceEdit:
    """One edit of the document at `uri`; with its version when known (the client refuses
    it if the document changed since), else as a plain change."""
    edit = text_edit(positions, new)
    if version is None:
        return types.WorkspaceEdit(changes={uri: [edit]})
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=[edit])]
    )


def _position(point: Point) -> types.Position:
    return types.Position(line=point.line, character=point.character)
