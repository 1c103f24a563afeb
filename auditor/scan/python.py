"""Running LibCST rules over one Python file: parse once, visit once with every rule, and
compute positions only when some rule reported something."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.model import (
    PARSE_ERROR,
    PARSE_LIMIT,
    Finding,
    Location,
    error_finding,
    warning_finding,
)
from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstRule
from auditor.scan.ast_run import Detected, Shared, detect
from auditor.scan.compile_guard import might_refuse
from auditor.scan.loading import ActiveRule
from auditor.scan.python_check import check_fix, check_syntax, compiler_refusal, parsed_tree
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import Decoded, decode_python, split_lines
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
    """Code CPython runs but a rule recursed too deep in (Python 3.13 compiles a 5,000-deep
    attribute chain that 3.11 refuses): a limit of the tool, not an error in the code, so
    it warns, as `libcst_limit` does, and does not fail a gate."""
    message = (
        "too deeply nested for the rules to analyse, though CPython runs it; "
        "no rule ran on this file"
    )
    return warning_finding(PARSE_LIMIT, path, message)


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
    rules: Sequence[ActiveRule], index: AstIndex, path: str, root: Path | None
) -> list[ActiveRule]:
    """The rules that may report something in the file, by their `could_match`."""
    kept = []
    for active in rules:
        cls = active.cls
        try:
            could_match = getattr(cls, "could_match", None)  # AstRule's, or LibCST Rule's
            could = could_match is None or could_match(
                index, RuleContext(path, active.options, root)
            )
        except Exception:
            could = True  # the rule runs, and reports its own failure if it has one
        if could:
            kept.append(active)
    return kept


def _screen(
    path: str, text: str, rules: Sequence[ActiveRule], prefilter: bool, root: Path | None
) -> tuple[AstIndex, list[ActiveRule]] | Finding:
    tree = parsed_tree(text)
    if isinstance(tree, ast.Module):
        index = AstIndex(tree)
        # The compiler's verdict costs half a parse: asked only where it may say no.
        refused = compiler_refusal(tree, text) if might_refuse(index, text) else None
        if refused is None:
            return index, _candidates(rules, index, path, root) if prefilter else list(rules)
    else:
        refused = tree
    location, message = refused
    return error_finding(PARSE_ERROR, path, f"cannot parse: {message}", location)


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
    index, rules = screened
    on_ast = [r for r in rules if issubclass(r.cls, AstRule)]
    on_cst = [r for r in rules if not issubclass(r.cls, AstRule)]
    findings: list[Finding] = []
    if on_ast:
        shared = Shared(index)
        try:
            found, detected = detect(path, text, index, on_ast, root, shared)
            findings.extend(_with_fixes(path, text, found, detected) if fixes else found)
        finally:
            shared.release()  # the tree is freed now, not by the garbage collector
        del found, detected, shared
    del index  # one tree at a time in memory: it is gone when LibCST's is built
    if not on_cst:
        return findings
    import libcst as cst  # only for LibCST rules: a scan with none never imports it

    from auditor.scan.cst_run import analyse

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
    from auditor.scan.ast_fix import Unparsed, complete

    try:
        return complete(path, text, detected)
    except (Unparsed, RecursionError) as refused:
        # RecursionError: LibCST parsed the file but recursed too deep printing it back
        # (Python 3.13 runs a 5,000-deep chain that LibCST's code generator cannot).
        cause = refused.cause if isinstance(refused, Unparsed) else refused
        unfixed = [replace(f, fix=None, alternatives=()) if f.fix else f for f in found]
        return [*unfixed, libcst_limit(path, cause, fixes_only=True)]


__all__ = ["Decoded", "check_fix", "check_syntax", "comments", "decode", "run"]
