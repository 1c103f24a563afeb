"""Running JavaScript and TypeScript rules on tree-sitter trees: parse once per file, find
the nodes every rule visits with one query, and turn byte positions into characters.

The grammar follows the file's suffix: `.ts` is TypeScript, `.tsx` TypeScript with JSX,
and every JavaScript suffix (`.js`, `.jsx`, `.mjs`, `.cjs`) the JavaScript grammar, which
parses JSX; a component's script blocks are read in their `lang` (auditor.scan.components,
auditor.scan.js_backend). A tree with an ERROR or MISSING node is a parse error: the rules do not run on
it, since tree-sitter's recovery would hand them a guessed tree (but a bare `&` in JSX text,
which the grammars refuse, is repaired: auditor.scan.jsx_ampersand, and so is the valid
TypeScript they refuse: auditor.scan.ts_repair).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import tree_sitter as ts
import tree_sitter_javascript
import tree_sitter_typescript

from auditor.model import (
    PARSE_ERROR,
    PARSE_LIMIT,
    Finding,
    Fix,
    Location,
    error_finding,
    rule_crash,
    warning_finding,
)
from auditor.scan import components, js_second_opinion, jsx_ampersand, ts_repair
from auditor.scan.loading import ActiveRule
from auditor.scan.rule_base import ParsedFile, TreeSitterReport, TreeSitterRule
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import LineIndex, line_index
from auditor.scan.suppressions import Comment

_GRAMMAR_OF_SUFFIX = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}
_LANGUAGE_FACTORIES: dict[str, Callable[[], object]] = {
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The length of a blank start (a component's masking leaves spaces and line breaks) from
# which a parse skips it: a ranged parse costs next to nothing, but a short one gains
# nothing either.
_SKIP_AT_LEAST = 256
_END_POINT = (0xFFFFFFFF, 0xFFFFFFFF)  # tree-sitter's own end of the default range
_END_BYTE = 0xFFFFFFFF
_WHOLE_TEXT = [ts.Range((0, 0), _END_POINT, 0, _END_BYTE)]  # the parser's default
_SNIPPET = 20


def grammar_of(path: str) -> str:
    return _GRAMMAR_OF_SUFFIX.get(os.path.splitext(path)[1].lower(), "javascript")


@cache
def language(grammar: str) -> ts.Language:
    return ts.Language(_LANGUAGE_FACTORIES[grammar]())


_local = threading.local()


def _parser(grammar: str) -> ts.Parser:
    # A parser holds mutable state: one per thread and grammar.
    parsers: dict[str, ts.Parser] = _local.__dict__.setdefault("parsers", {})
    parser = parsers.get(grammar)
    if parser is None:
        parser = parsers[grammar] = ts.Parser(language(grammar))
    return parser


def parse(text: str, grammar: str) -> tuple[bytes, ts.Tree]:
    data = text.encode("utf-8")
    parser = _parser(grammar)
    tree = _parse_after_blank(parser, data)
    if tree.root_node.has_error:
        # Valid code the grammar refuses: a bare `&` in JSX text (auditor.scan.jsx_ampersand),
        # type syntax it cannot place, invalid escapes in a tagged template (auditor.scan.ts_repair).
        tree = (
            jsx_ampersand.repaired(parser, data, tree)
            or ts_repair.repaired(parser, data, tree, grammar != "javascript")
            or tree
        )
    return data, tree


def _parse_after_blank(parser: ts.Parser, data: bytes) -> ts.Tree:
    """`parser.parse(data)`, the same tree, but with a long blank start not read: a
    component's script is parsed with the markup before it blanked (components.masked),
    often most of the file, and the lexer's pass over those spaces cost a quarter of the
    parse. The range starts at the first non-blank byte, at its row and column, so every
    node has the position, and the root the extent, that it has in a whole parse (checked
    node by node on every version of mealie's 3,400 components)."""
    skip = len(data) - len(data.lstrip(b" \r\n"))
    if skip < _SKIP_AT_LEAST:
        return parser.parse(data)
    row = data.count(b"\n", 0, skip)
    column = skip - (data.rfind(b"\n", 0, skip) + 1)
    parser.included_ranges = [ts.Range((row, column), _END_POINT, skip, _END_BYTE)]
    try:
        return parser.parse(data)
    finally:
        parser.included_ranges = _WHOLE_TEXT  # the whole text again, for the repairs' parses


def parsed_file(path: str, text: str, grammar: str | None = None) -> ParsedFile:
    """Parse `text` (with the grammar of `path` unless given) for rules and readers. A
    component's (`.vue`, `.svelte`, `.astro`) is its script blocks, the rest blanked
    (auditor.scan.components): positions are the component file's."""
    if grammar is None and components.kind_of(path) is not None:
        text, grammar = components.script_text(path, text)
    grammar = grammar or grammar_of(path)
    data, tree = parse(text, grammar)
    byte_ends, surplus = _byte_map(text)
    return ParsedFile(path, text, data, grammar, tree.root_node, byte_ends, surplus)


def _byte_map(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if text.isascii():
        return (), ()
    ends: list[int] = []
    surplus: list[int] = []
    extra = 0
    for match in _NON_ASCII.finditer(text):
        char_end = match.end()
        extra += len(match.group().encode("utf-8")) - 1
        ends.append(char_end + extra)
        surplus.append(extra)
    return tuple(ends), tuple(surplus)


def first_error(root: ts.Node) -> ts.Node | None:
    """The first ERROR or MISSING node in document order, looking only inside subtrees
    that tree-sitter marks as holding one."""
    if not root.has_error:
        return None
    node = root
    while True:
        if node.is_error or node.is_missing:
            return node
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return node  # has_error with no culprit below: blame the node itself
        node = child


def describe_error(file: ParsedFile, node: ts.Node) -> str:
    if node.is_missing:
        return f"cannot parse: missing {node.type!r}"
    code = file.code(node).strip()
    first = code.split("\n", 1)[0][:_SNIPPET]
    return f"cannot parse: unexpected {first!r}" if first else "cannot parse: syntax error"


def parse_error(file: ParsedFile) -> Finding | None:
    node = first_error(file.root)
    if node is None:
        return None
    at = LineIndex(file.text).location(file.offset(node.start_byte))
    return error_finding(PARSE_ERROR, file.path, describe_error(file, node), at)


# --- running rules ------------------------------------------------------------------------


@cache
def _query(grammar: str, node_types: frozenset[str]) -> ts.Query | None:
    """One query for every node type the rules visit: the tree is walked in C, and only
    the nodes some rule wants come back to Python."""
    lang = language(grammar)
    known = sorted(t for t in node_types if lang.id_for_node_kind(t, True) is not None)
    if not known:
        return None
    return ts.Query(lang, "[" + " ".join(f"({t})" for t in known) + "] @node")


def _nodes(file: ParsedFile, node_types: frozenset[str]) -> list[ts.Node]:
    query = _query(file.grammar, node_types)
    if query is None:
        return []
    nodes = ts.QueryCursor(query).captures(file.root).get("node", [])
    # Outer nodes before the nodes they contain, as a tree walk would visit them.
    return sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte))


def run(
    path: str,
    text: str,
    rules: Sequence[ActiveRule],
    prefilter: bool = True,
    root: Path | None = None,
    grammar: str | None = None,
) -> list[Finding]:
    """Findings of `rules` on one file's text (in `grammar`, else the one of its path),
    unsorted, without fingerprints. (JS/TS rules have no prefilter beyond their triggers.)"""
    file = parsed_file(path, text, grammar or grammar_of(path))
    error = parse_error(file)
    regions: list[tuple[int, int]] = []
    if error is not None:
        if not js_second_opinion.accepts(text, file.grammar):
            return [error]
        # Valid code tree-sitter cannot read: the rules run on what it could, findings in
        # or around what it could not are dropped, and no fix is offered (the fixed file
        # would not re-parse either). A warning says so; it does not fail the gate.
        regions = _error_regions(file)

    findings: list[Finding] = []
    running: list[tuple[ActiveRule, TreeSitterRule]] = []
    for active in rules:
        try:
            rule = active.cls(RuleContext(path, active.options, root))
            assert isinstance(rule, TreeSitterRule)
            rule.begin(file)
        except Exception as exc:
            findings.append(rule_crash(path, active.id, exc))
            continue
        running.append((active, rule))

    dispatch: dict[str, list[tuple[int, Callable[[ts.Node], None]]]] = {}
    for i, (_, rule) in enumerate(running):
        for node_type in _visited_types(type(rule)):
            dispatch.setdefault(node_type, []).append((i, rule.visitor(node_type)))
    failures: dict[int, Exception] = {}
    for node in _nodes(file, frozenset(dispatch)):
        for i, visit in dispatch[node.type]:
            if i in failures:
                continue
            try:
                visit(node)
            except Exception as exc:  # this rule stops here; the others go on
                failures[i] = exc

    index = _LazyIndex(text)
    for i, (active, rule) in enumerate(running):
        if i in failures:
            findings.append(rule_crash(path, active.id, failures[i]))
            continue
        for report in rule.reports:
            if not regions:
                findings.append(_finding(path, active, report, index))
            elif not any(report.start <= end and start <= report.end for start, end in regions):
                unfixed = replace(_finding(path, active, report, index), fix=None, alternatives=())
                findings.append(unfixed)
    if error is not None:
        detail = error.message.removeprefix("cannot parse: ")
        message = (
            f"tree-sitter cannot parse this ({detail}), but the TypeScript parser oxc accepts "
            "the file: findings there are missing, and no fix is applied in this file"
        )
        findings.append(warning_finding(PARSE_LIMIT, path, message, error.start))
    return findings


def _error_regions(file: ParsedFile) -> list[tuple[int, int]]:
    """The character spans of every ERROR and MISSING node: tree-sitter's recovery may
    mis-shape the code around one, so the statement holding it is included."""
    regions = []
    for node in jsx_ampersand.error_nodes(file.root):
        around = node.parent
        while (
            around is not None
            and around.parent is not None
            and not around.type.endswith(("statement", "declaration"))
        ):
            around = around.parent
        target = around if around is not None and around.parent is not None else node
        regions.append(file.span(target))
    return regions


_VISITED: dict[type[TreeSitterRule], frozenset[str]] = {}


def _visited_types(rule: type[TreeSitterRule]) -> frozenset[str]:
    # A class's visit_ methods do not change: read once, not with `dir` for every file.
    found = _VISITED.get(rule)
    if found is None:
        found = _VISITED[rule] = rule.visited_types()
    return found


class _LazyIndex:
    """The text's line index, built at the first report: most files report nothing, and
    the index of a long file costs as much as visiting it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._index: LineIndex | None = None

    def location(self, offset: int) -> Location:
        if self._index is None:
            self._index = line_index(self.text)
        return self._index.location(offset)


def _finding(path: str, active: ActiveRule, report: TreeSitterReport, index: _LazyIndex) -> Finding:
    fix = None
    if report.edits:
        applicability = "safe" if active.fixes_are_safe else report.applicability
        description = report.fix_description or f"fix {active.id}"
        fix = Fix(report.edits, description, applicability)
    alternatives = tuple(
        Fix(
            tuple(sorted(a.edits)),
            a.description,
            "safe" if active.fixes_are_safe else a.applicability,
        )
        for a in report.alternatives
    )
    return Finding(
        rule_id=active.id,
        severity=active.severity,
        path=path,
        start=index.location(report.start),
        end=index.location(report.end),
        message=report.message,
        fix=fix,
        scope=report.scope,
        alternatives=alternatives,
    )


# --- what the engine and the fixer need (auditor.scan.js_backend) ------------------------


def comments(text: str, grammars: Sequence[str]) -> Iterator[Comment]:
    file = _best_parse(text, grammars)
    query = _query(file.grammar, frozenset({"comment"}))
    if query is None:
        return
    index = LineIndex(text)
    for node in ts.QueryCursor(query).captures(file.root).get("node", []):
        # A JSX comment, `{/* ... */}` among an element's children, is the whole
        # container: alone on its line, it is a comment on the line below, as `//` is.
        container = _jsx_comment(node)
        if container is not None and len(container.named_children) == 1:
            node = container  # removing the comment removes its braces too
        location = index.location(file.offset(node.start_byte))
        line_start = index.starts[location.line - 1]
        # Alone: nothing before it on its line but, for a JSX comment, its opening brace.
        first = container or node
        alone = not text[line_start : file.offset(first.start_byte)].strip()
        yield Comment(location.line, file.code(node), alone, location.column)


def _jsx_comment(comment: ts.Node) -> ts.Node | None:
    """The `{...}` child of a JSX element, on one line, that holds `comment` and only
    comments."""
    container = comment.parent
    if container is None or container.type != "jsx_expression":
        return None
    if container.start_point[0] != container.end_point[0]:
        return None
    parent = container.parent
    if parent is None or parent.type != "jsx_element":
        return None
    if any(child.type != "comment" for child in container.named_children):
        return None
    return container


def _best_parse(text: str, grammars: Sequence[str]) -> ParsedFile:
    """The first grammar that parses `text` cleanly, else the first: the engine and the
    fixer name the language, not the file, and `.ts` and `.tsx` differ."""
    first: ParsedFile | None = None
    for grammar in grammars:
        file = parsed_file("", text, grammar)
        if not file.root.has_error:
            return file
        first = first or file
    assert first is not None
    return first


def check_syntax(text: str, grammars: Sequence[str]) -> str | None:
    """None when `text` parses without ERROR or MISSING nodes in one of `grammars`; else
    what is wrong, in the first grammar."""
    file = _best_parse(text, grammars)
    node = first_error(file.root)
    if node is None:
        return None
    at = LineIndex(text).location(file.offset(node.start_byte))
    return f"{describe_error(file, node)} at {at.line}:{at.column}"


__all__ = ["check_syntax", "comments", "grammar_of", "parse", "parsed_file", "run"]
