"""The engine's backend for JavaScript and TypeScript (see auditor.scan.engine.Backend):
plain files go to tree-sitter as they are; a single-file component (`.vue`, `.svelte`,
`.astro`) goes one module of script blocks at a time, the rest of the file blanked
(auditor.scan.components), so that every position is the component file's.

A fix in a component may change its script blocks only. An insertion a rule places in
the blanked margin just before or after a block (an import above the first statement of
`<script>console.log(x)</script>`) moves into the block; any other edit outside the
blocks makes the fix refused, and the fixer checks the markup is unchanged besides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.model import Edit, Finding, Fix
from auditor.scan import components, treesitter
from auditor.scan.components import Program
from auditor.scan.generated import skipped_finding
from auditor.scan.loading import ActiveRule
from auditor.scan.source import Decoded, decode_utf8
from auditor.scan.suppressions import Comment


@dataclass(frozen=True, slots=True)
class LanguageBackend:
    """The four functions the engine loads for one language."""

    grammars: tuple[str, ...]  # those a file of the language may be written in

    def decode(self, data: bytes) -> Decoded:
        return decode_utf8(data)

    def run(
        self,
        path: str,
        text: str,
        rules: Sequence[ActiveRule],
        prefilter: bool = True,
        root: Path | None = None,
        fixes: bool = False,  # tree-sitter rules compute their fixes as they find
    ) -> list[Finding]:
        if components.kind_of(path) is None:
            return treesitter.run(path, text, rules, prefilter, root)
        return _run_component(path, text, rules, prefilter, root)

    def comments(self, text: str, path: str | None = None) -> Iterator[Comment]:
        if path is None or components.kind_of(path) is None:
            return treesitter.comments(text, self._grammars(path))
        return _component_comments(path, text)

    def check_syntax(self, text: str, path: str | None = None) -> str | None:
        if path is None or components.kind_of(path) is None:
            return treesitter.check_syntax(text, self._grammars(path))
        return _component_syntax(path, text)

    def check_fix(self, before: str, after: str, edits: Sequence[Edit], path: str) -> str | None:
        if components.kind_of(path) is not None and components.outside(
            path, before
        ) != components.outside(path, after):
            return "the fix changes the component outside its script blocks"
        problem = self.check_syntax(after, path)
        return None if problem is None else f"the result does not parse ({problem})"

    def _grammars(self, path: str | None) -> tuple[str, ...]:
        """The file's own grammar when its path is known: a fixed .ts file must still
        parse as TypeScript, not merely as TSX."""
        return (treesitter.grammar_of(path),) if path else self.grammars


JAVASCRIPT = LanguageBackend(("javascript",))
# A fixed .ts file and a fixed .tsx file look the same to the fixer: either dialect will do.
TYPESCRIPT = LanguageBackend(("typescript", "tsx"))


def _run_component(
    path: str, text: str, rules: Sequence[ActiveRule], prefilter: bool, root: Path | None
) -> list[Finding]:
    findings: list[Finding] = []
    for program in components.programs(path, text):
        blanked = components.masked(text, program.blocks)
        found = treesitter.run(path, blanked, rules, prefilter, root, program.grammar)
        findings += [_fix_within(f, program, blanked) for f in found]
    langs = sorted({b.lang for b in components.unread(path, text)})
    if langs:
        # Read, not wholly checked: the account of skipped files says which code was not.
        named = ", ".join(f'lang="{lang}"' for lang in langs)
        findings.append(skipped_finding(path, f"a script block in {named} (not read)"))
    return findings


def _fix_within(finding: Finding, program: Program, blanked: str) -> Finding:
    """The finding with its fixes kept to the module's blocks: a fix with an edit of this
    file outside them is dropped."""
    fix = _kept(finding.fix, finding.path, program, blanked)
    alternatives = tuple(
        kept
        for a in finding.alternatives
        if (kept := _kept(a, finding.path, program, blanked)) is not None
    )
    if fix is finding.fix and alternatives == finding.alternatives:
        return finding
    return replace(finding, fix=fix, alternatives=alternatives)


def _kept(fix: Fix | None, path: str, program: Program, blanked: str) -> Fix | None:
    if fix is None:
        return None
    edits: list[Edit] = []
    for edit in fix.edits:
        if not edit.in_file(path):
            edits.append(edit)  # another file's (a logger module created)
            continue
        moved = _into_block(edit, program, blanked)
        if moved is None:
            return None
        edits.append(moved)
    return fix if edits == list(fix.edits) else replace(fix, edits=tuple(edits))


def _into_block(edit: Edit, program: Program, blanked: str) -> Edit | None:
    """`edit` if it lies inside a block; an insertion in the blank margin right before
    a block's code (or right after it) moved to its start (or end); else None."""
    if program.holds(edit.start, edit.end):
        return edit
    if edit.start != edit.end:
        return None
    for block in program.blocks:
        if edit.start < block.start and not blanked[edit.start : block.start].strip():
            return replace(edit, start=block.start, end=block.start)
        if block.end < edit.start and not blanked[block.end : edit.start].strip():
            # Past the block's last line: the text goes on a line of its own before the
            # closing tag, and the line break it ended with is the one before it.
            newline = "\r\n" if edit.text.endswith("\r\n") else "\n"
            text = newline + edit.text.removesuffix(newline)
            return replace(edit, start=block.end, end=block.end, text=text)
    return None


def _component_comments(path: str, text: str) -> Iterator[Comment]:
    for program in components.programs(path, text):
        yield from treesitter.comments(components.masked(text, program.blocks), (program.grammar,))


def _component_syntax(path: str, text: str) -> str | None:
    for program in components.programs(path, text):
        blanked = components.masked(text, program.blocks)
        problem = treesitter.check_syntax(blanked, (program.grammar,))
        if problem is not None:
            return problem
    return None


__all__ = ["JAVASCRIPT", "TYPESCRIPT", "LanguageBackend"]
