"""Code actions for a document's findings: each fix as a quickfix, a suppression comment
for each finding, and source.fixAll.audit. Every edit comes from `fix_buffer` (the fixer of
`audit scan --fix`: fixpoint, verification) or, for a suppression, from a checked comment;
each is sent as the changed characters only (auditor/lsp/edits.py). A fix that changes
other files too is one WorkspaceEdit of every file (auditor/lsp/spanning.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from lsprotocol import types

from auditor.lsp.analysis import Analysis
from auditor.lsp.diagnostics import diagnostic, lsp_range
from auditor.lsp.edits import workspace_edit
from auditor.lsp.positions import TextPositions
from auditor.lsp.spanning import Workspace, spanning_action
from auditor.lsp.suppress import suppressed_text
from auditor.model import FIX_ERROR, Finding
from auditor.scan.buffer import fix_buffer
from auditor.scan.fixer import fixable

FIX_ALL = "source.fixAll.audit"
QUICKFIX = types.CodeActionKind.QuickFix


@dataclass(frozen=True, slots=True)
class Request:
    uri: str
    version: int | None  # for a versioned edit; None: a plain one
    start: types.Position
    end: types.Position
    only: Sequence[str] | None  # the kinds asked for; None: every kind
    unsafe: bool  # fix-all applies unsafe fixes too (audit.unsafeFixes)
    workspace: Workspace | None = None  # for fixes that change other files too


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether an action of `kind` is asked for: kinds are dotted, a prefix asks for all
    below it ("source" asks for "source.fixAll.audit")."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(
    analysis: Analysis, positions: TextPositions, request: Request
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    if analysis.engine is None:
        return actions
    if wanted(QUICKFIX, request.only):
        for finding in analysis.findings:
            if _touches(positions, finding, request):
                actions += _finding_actions(analysis, positions, request, finding)
    if wanted(FIX_ALL, request.only):
        fix_all = fix_all_action(analysis, positions, request)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _touches(positions: TextPositions, finding: Finding, request: Request) -> bool:
    found = lsp_range(positions, finding)
    return _key(found.start) <= _key(request.end) and _key(request.start) <= _key(found.end)


def _key(position: types.Position) -> tuple[int, int]:
    return (position.line, position.character)


def _finding_actions(
    analysis: Analysis, positions: TextPositions, request: Request, finding: Finding
) -> list[types.CodeAction]:
    actions = fix_actions(analysis, positions, request, finding)
    suppress = suppress_action(analysis, positions, request, finding)
    if suppress is not None:
        actions.append(suppress)
    return actions


def fix_actions(
    analysis: Analysis, positions: TextPositions, request: Request, finding: Finding
) -> list[types.CodeAction]:
    """A quick fix for each fix the finding offers, its own first, then its alternatives
    (an unsafe one says so in its title); the own fix, when safe, is the preferred one."""
    if analysis.engine is None or analysis.buffer is None:
        return []
    buffer = analysis.buffer
    finding = analysis.engine.with_fixes(buffer.rel, buffer.language, analysis.text, [finding])[0]
    actions = (
        fix_action(
            analysis,
            positions,
            request,
            replace(finding, fix=fix, alternatives=()),
            preferred=index == 0 and fix.applicability == "safe",
        )
        for index, fix in enumerate(finding.fixes)
    )
    return [action for action in actions if action is not None]


def fix_action(
    analysis: Analysis,
    positions: TextPositions,
    request: Request,
    finding: Finding,
    *,
    preferred: bool,
) -> types.CodeAction | None:
    """The finding's `fix`, verified like any other; disabled with the reason when the
    fixer refuses it. None: it changes other files, and the client cannot take that."""
    assert finding.fix is not None and analysis.engine is not None and analysis.buffer is not None
    unsafe = finding.fix.applicability == "unsafe"
    # A description may say so itself ("... (unsafe: why)"): the label once.
    said = "(unsafe" in finding.fix.description
    title = f"Fix: {finding.fix.description}" + (" (unsafe)" if unsafe and not said else "")
    action = types.CodeAction(
        title=title,
        kind=QUICKFIX,
        diagnostics=[diagnostic(positions, finding, analysis.urls)],
        is_preferred=preferred,
    )
    if not finding.fix.in_file(finding.path) and analysis.project is not None:
        edit, refused = spanning_action(
            finding,
            analysis.text,
            analysis.project.root,
            request.uri,
            request.version,
            positions,
            request.workspace,
        )
        if edit is None and refused is None:
            return None
        action.edit = edit
        if refused is not None:
            action.disabled = types.CodeActionDisabled(reason=refused)
            action.is_preferred = None
        return action
    outcome = fix_buffer(
        analysis.engine, analysis.buffer, analysis.text, unsafe=True, findings=[finding]
    )
    if not outcome.applied or outcome.text == analysis.text:
        refused = next((f.message for f in outcome.findings if f.rule_id == FIX_ERROR), None)
        action.disabled = types.CodeActionDisabled(reason=refused or "the fix changes nothing")
        action.is_preferred = None
        return action
    edits = finding.fix.edits  # the characters it changes, when they are what was verified
    action.edit = workspace_edit(request.uri, request.version, positions, outcome.text, edits)
    return action


def suppress_action(
    analysis: Analysis, positions: TextPositions, request: Request, finding: Finding
) -> types.CodeAction | None:
    if analysis.buffer is None:
        return None
    suppressed = suppressed_text(analysis, finding)
    if suppressed is None:
        return None
    return types.CodeAction(
        title=f"Suppress with `{suppressed.comment}`",
        kind=QUICKFIX,
        diagnostics=[diagnostic(positions, finding, analysis.urls)],
        edit=workspace_edit(
            request.uri, request.version, positions, suppressed.text, (suppressed.edit,)
        ),
    )


def fix_all_action(
    analysis: Analysis, positions: TextPositions, request: Request
) -> types.CodeAction | None:
    """Every safe fix (and unsafe ones with audit.unsafeFixes), to a fixed point."""
    if analysis.engine is None or analysis.buffer is None:
        return None
    if not any(fixable(f, request.unsafe) for f in analysis.findings):
        return None
    outcome = fix_buffer(analysis.engine, analysis.buffer, analysis.text, unsafe=request.unsafe)
    if outcome.text == analysis.text:
        return None
    return types.CodeAction(
        title="audit: fix all" + (" (unsafe fixes included)" if request.unsafe else ""),
        kind=FIX_ALL,
        edit=workspace_edit(request.uri, request.version, positions, outcome.text),
    )
