"""Running LibCST rules over one Python file: parse once, visit once with every rule, and
compute positions only when some rule reported something."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import libcst as cst

from auditor.model import (
    PARSE_ERROR,
    PARSE_LIMIT,
    Applicability,
    Edit,
    Finding,
    Fix,
    Location,
    error_finding,
    rule_crash,
    warning_finding,
)
from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstRule
from auditor.scan.ast_run import Detected, detect
from auditor.scan.cst_positions import CstPositions
from auditor.scan.cst_rule import Replacement, Report, Rule
from auditor.scan.cst_walk import walk_batched
from auditor.scan.loading import ActiveRule
from auditor.scan.module_names import ModuleNames
from auditor.scan.python_check import check_fix, check_syntax, parse_ast, syntax_error
from auditor.scan.rule_base import RuleContext
from auditor.scan.source import Decoded, LineIndex, decode_python, split_lines
from auditor.scan.suppressions import Comment

decode = decode_python


def comments(text: str, path: str | None = None) -> Iterator[Comment]:
    lines = split_lines(text)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                line, column = token.start
                before = lines[line - 1][:column] if line <= len(lines) else ""
                yield Comment(line, token.string, not before.strip(), column + 1)
    except (tokenize.TokenError, SyntaxError):
        return


# LibCST walks its trees recursively, a few frames per level of nesting: code CPython
# accepts (190 nested calls) needs more than the default 1,000 frames.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))


def run(
    path: str,
    text: str,
    rules: Sequence[ActiveRule],
    prefilter: bool = True,
    root: Path | None = None,
    fixes: bool = False,
) -> list[Finding]:
    """Findings of `rules` on one file's text, unsorted, without fingerprints. With
    `prefilter`, rules whose `could_match` rejects the file's `ast` tree do not run. The
    fixes of `ast` rules are offered, and computed only with `fixes`."""
    try:
        return _run(path, text, rules, prefilter, root, fixes)
    except RecursionError:
        return [too_deep(path)]


def too_deep(path: str) -> Finding:
    message = "too deeply nested for LibCST to analyse; no rule ran on this file"
    return error_finding(PARSE_ERROR, path, message)


def libcst_limit(
    path: str, exc: Exception, *, ran_on_ast: bool = False, fixes_only: bool = False
) -> Finding:
    """LibCST refuses code that CPython accepts (`(x): int`, syntax newer than LibCST):
    a limit of the tool, not an error in the code, so it warns and does not fail a gate.
    The rules on `ast` have checked the file all the same (`ran_on_ast`); only their
    fixes needed LibCST (`fixes_only`)."""
    first = str(exc).strip().splitlines()
    reason = first[0] if first else type(exc).__name__
    line, column = getattr(exc, "editor_line", None), getattr(exc, "editor_column", None)
    at = Location(line, column) if isinstance(line, int) and isinstance(column, int) else None
    if fixes_only:
        what = "its fixes are not applied"
    elif ran_on_ast:
        what = "the rules that need LibCST did not run on it"
    else:
        what = "no rule ran on it"
    message = f"LibCST cannot parse this file, which CPython accepts ({reason}); {what}"
    return warning_finding(PARSE_LIMIT, path, message, at)


def _candidates(
    rules: Sequence[ActiveRule], tree: ast.Module, path: str, root: Path | None
) -> list[ActiveRule]:
    """The rules that may report something in the file, by their `could_match`."""
    index = AstIndex(tree)
    kept = []
    for active in rules:
        cls = active.cls
        try:
            could = not issubclass(cls, Rule | AstRule) or cls.could_match(
                index, RuleContext(path, active.options, root)
            )
        except Exception:
            could = True  # the rule runs, and reports its own failure if it has one
        if could:
            kept.append(active)
    return kept


def _screen(
    path: str, text: str, rules: Sequence[ActiveRule], prefilter: bool, root: Path | None
) -> tuple[ast.Module, list[ActiveRule]] | Finding:
    refused = syntax_error(text)
    tree = parse_ast(text) if refused is None else refused
    if not isinstance(tree, ast.Module):
        location, message = tree
        return error_finding(PARSE_ERROR, path, f"cannot parse: {message}", location)
    return tree, _candidates(rules, tree, path, root) if prefilter else list(rules)


def _run(
    path: str,
    text: str,
    rules: Sequence[ActiveRule],
    prefilter: bool,
    root: Path | None,
    fixes: bool,
) -> list[Finding]:
    screened = _screen(path, text, rules, prefilter, root)
    if isinstance(screened, Finding):
        return [screened]
    tree, rules = screened
    on_ast = [r for r in rules if issubclass(r.cls, AstRule)]
    on_cst = [r for r in rules if not issubclass(r.cls, AstRule)]
    findings: list[Finding] = []
    if on_ast:
        found, detected = detect(path, text, tree, on_ast, root)
        findings.extend(_with_fixes(path, text, found, detected) if fixes else found)
    del tree  # one tree at a time in memory: it is gone when LibCST's is built
    if not on_cst:
        return findings
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # LibCST rejects what CPython accepts (new syntax)
        return [*findings, libcst_limit(path, exc, ran_on_ast=bool(on_ast))]
    return [*findings, *analyse(path, module, text, on_cst, root)]


def _with_fixes(
    path: str, text: str, found: list[Finding], detected: Sequence[Detected]
) -> list[Finding]:
    """The `ast` rules' findings with their fixes computed; where LibCST cannot parse the
    file, the findings stand without fixes, and a warning says why."""
    from auditor.scan.ast_fix import complete

    try:
        return complete(path, text, detected)
    except RecursionError:
        raise
    except Exception as exc:
        unfixed = [replace(f, fix=None, alternatives=()) if f.fix else f for f in found]
        return [*unfixed, libcst_limit(path, exc, fixes_only=True)]


def analyse(
    path: str, module: cst.Module, text: str, rules: Sequence[ActiveRule], root: Path | None
) -> list[Finding]:
    """Findings of the LibCST `rules` (the slower path: third parties' rules that are
    LibCST visitors) on the parsed `module` of `text`."""
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    names = ModuleNames(module)  # computed if a rule asks `module_uses`
    instances: list[tuple[ActiveRule, Rule]] = []
    findings: list[Finding] = []
    for active in rules:
        try:
            rule = active.cls(RuleContext(path, active.options, root))
            assert isinstance(rule, Rule)
        except Exception as exc:
            findings.append(rule_crash(path, active.id, exc))
            continue
        rule.module_variables = names
        instances.append((active, rule))

    with ExitStack() as stack:
        visiting = []
        for _, rule in instances:
            try:
                stack.enter_context(rule.resolve(wrapper))
            except Exception as exc:  # a metadata provider failed for this rule only
                rule.failure = exc
                continue
            visiting.append(rule)
        walk_batched(wrapper, visiting)

    positions = CstPositions(module, text, wrapper)
    index = LineIndex(text)
    for active, rule in instances:
        if rule.failure is not None:
            findings.append(rule_crash(path, active.id, rule.failure))
            continue
        for report in rule.reports:
            try:
                findings.append(_finding(path, active, report, positions, index))
            except Exception as exc:  # e.g. a replacement node LibCST cannot render
                findings.append(rule_crash(path, active.id, exc))
    return findings


def _finding(
    path: str, active: ActiveRule, report: Report, positions: CstPositions, index: LineIndex
) -> Finding:
    start = positions.syntactic(report.node)[0]
    end = positions.syntactic(report.end)[1]

    def made(
        pairs: Sequence[tuple[cst.CSTNode, Replacement]],
        text: str,
        kind: Applicability,
        elsewhere: Sequence[Edit],
    ) -> Fix:
        edits = sorted(positions.edit(node, new) for node, new in pairs)
        kept = tuple(e for e in edits if e.start != e.end or e.text)
        return Fix((*kept, *elsewhere), text, "safe" if active.fixes_are_safe else kind)

    fix = None
    if report.replacements:
        description = report.fix_description or f"fix {active.id}"
        fix = made(report.replacements, description, report.applicability, report.edits)
    others = (
        made(a.replacements, a.description, a.applicability, a.edits) for a in report.alternatives
    )
    return Finding(
        rule_id=active.id,
        severity=active.severity,
        path=path,
        start=index.location(start),
        end=index.location(end),
        message=report.message,
        fix=fix,
        scope=positions.enclosing_names(report.node),
        alternatives=tuple(others),
    )


__all__ = ["Decoded", "check_fix", "check_syntax", "comments", "decode", "run"]
