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

import re
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

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_CODE = re.compile(r"^(?=[^\r\n]*\S)", re.MULTILINE)


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
    blocks = components.blocks(path, text)  # found once: the markup is read by regexes
    for program in components.programs_of(blocks):
        blanked = components.masked(text, program.blocks)
        found = treesitter.run(path, blanked, rules, prefilter, root, program.grammar)
        findings += [_fix_within(f, program, blanked) for f in found]
    langs = sorted({b.lang for b in blocks if b.grammar is None})
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
        edits.append(_indented(moved, program, blanked))
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


def _indented(edit: Edit, program: Program, blanked: str) -> Edit:
    """An insertion of whole lines at a line start, in a block whose every line of code
    is indented (Svelte's `<script>` by a tab, some Vue styles by two spaces), with the
    block's indentation: the rules place a module-level statement (an import) at column
    0, as in a plain file, which would leave it out of line with its neighbours. Text
    that already starts with the indentation (a statement placed in a body, copying its
    neighbour's) is left alone, and so is text with a template literal, whose lines are
    the string's."""
    start = edit.start
    if start != edit.end or not edit.text.endswith("\n") or "`" in edit.text:
        return edit
    if start > 0 and blanked[start - 1] not in "\r\n":
        return edit
    block = next((b for b in program.blocks if b.start <= start <= b.end), None)
    if block is None:
        return edit
    indent = _common_indent(blanked[block.start : block.end])
    if not indent or edit.text.lstrip("\r\n").startswith(indent):
        return edit
    return replace(edit, text=_LINE_WITH_CODE.sub(indent, edit.text))


def _common_indent(code: str) -> str:
    """The white space that starts every non-blank line of `code` ("" when one does not,
    or when code follows the opening tag on its line)."""
    common: str | None = None
    for line in _LINE_BREAK.split(code):
        if not line.strip():
            continue
        indent = line[: len(line) - len(line.lstrip())]
        if common is None:
            common = indent
            continue
        size = 0
        while size < min(len(common), len(indent)) and common[size] == indent[size]:
            size += 1
        common = common[:size]
        if not common:
            return ""
    return common or ""


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
