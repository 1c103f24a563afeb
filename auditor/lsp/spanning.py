"""A quick fix whose edits change other files than the document, or create one: planned
as `audit scan --fix` plans it (auditor.scan.project_fix: whole or not at all, every file
it touches checked), from the texts the editor holds (open documents) or the disk, and
sent as one WorkspaceEdit with `documentChanges`: a CreateFile then a TextDocumentEdit
for a new file, a TextDocumentEdit (versioned when the document is open) for each other.

A client that does not take `documentChanges`, or for a creation `create` resource
operations, is not offered the fix; the server says why in its log, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types

from auditor.lsp.edits import text_edits
from auditor.lsp.positions import TextPositions
from auditor.model import Edit, Finding
from auditor.scan.project_fix import PlannedFile, plan
from auditor.scan.project_phase import Files, file_check


@dataclass(frozen=True, slots=True)
class Workspace:
    """What a multi-file fix needs beyond the document: the client's abilities, the other
    open documents, and where to say why a fix is not offered."""

    document_changes: bool  # workspace.workspaceEdit.documentChanges
    create_files: bool  # workspace.workspaceEdit.resourceOperations includes "create"
    documents: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)  # uri ->
    notes: list[str] = field(default_factory=list)  # for the server's log


def spanning_action(
    finding: Finding,
    text: str,
    root: Path,
    uri: str,
    version: int | None,
    positions: TextPositions,
    workspace: Workspace | None,
) -> tuple[types.WorkspaceEdit | None, str | None]:
    """The WorkspaceEdit of `finding`'s fix (which edits other files than the document
    at `uri`, whose text is `text`), or None and why it cannot be applied; (None, None)
    when the client cannot take it (not offered: a note says so)."""
    assert finding.fix is not None
    others = [p for p in finding.fix.paths(finding.path) if p != finding.path]
    creates = any(edit.create for edit in finding.fix.edits)
    if (
        workspace is None
        or not workspace.document_changes
        or (creates and not workspace.create_files)
    ):
        wanted = "documentChanges with create operations" if creates else "documentChanges"
        if workspace is not None:
            workspace.notes.append(
                f"audit: the fix of {finding.rule_id} also changes {', '.join(others)}: not "
                f"offered, as this editor does not take {wanted} in a WorkspaceEdit; "
                "`audit scan --fix` applies it"
            )
        return None, None
    opened = {
        path: workspace.documents[key]
        for path in others
        if (key := unquote((root / path).as_uri())) in workspace.documents
    }
    files = Files(root, {finding.path: text, **{p: t for p, (t, _v) in opened.items()}})
    result = plan([finding], files.text, file_check(files))
    if not result.applied or not result.files:
        reasons = [f.message for f in result.errors] + [n.reason for n in result.not_applied]
        return None, reasons[0] if reasons else "the fix changes nothing"
    changes: list[types.TextDocumentEdit | types.CreateFile] = []
    for planned in result.files:
        own = planned.path == finding.path
        target = uri if own else (root / planned.path).as_uri()
        at = version if own else opened.get(planned.path, ("", None))[1]
        edits = [
            Edit(e.start, e.end, e.text)
            for e in finding.fix.edits
            if e.target(finding.path) == planned.path
        ]
        changes += _document_changes(planned, target, at, positions.encoding, edits)
    return types.WorkspaceEdit(document_changes=changes), None


def _document_changes(
    planned: PlannedFile, uri: str, version: int | None, encoding: str, edits: Sequence[Edit]
) -> list[types.TextDocumentEdit | types.CreateFile]:
    """A created file's CreateFile and its text; else the file's TextEdits (its edits
    trimmed, see auditor.lsp.edits)."""
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    if planned.before is None:
        start = types.Position(line=0, character=0)
        insert = types.TextEdit(range=types.Range(start=start, end=start), new_text=planned.after)
        options = types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
        return [
            types.CreateFile(uri=uri, options=options),
            types.TextDocumentEdit(text_document=document, edits=[insert]),
        ]
    changed = text_edits(TextPositions(planned.before, encoding), planned.after, edits)
    return [types.TextDocumentEdit(text_document=document, edits=list(changed))]
