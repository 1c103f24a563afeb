"""A second parser's opinion on JS/TS that tree-sitter refuses. tree-sitter's grammars
(typescript 0.23.2 and javascript 0.25.0, the newest) refuse code that TypeScript accepts.
The common cases are repaired before it comes to this (a bare `&` in JSX text:
auditor.scan.jsx_ampersand; type arguments of a tagged template or an import type,
`export type *`, an invalid escape in a tagged template: auditor.scan.ts_repair); what is
left is rare (variance annotations, `f<T>?.()`). tree-sitter is not the language's authority, as
CPython is for Python: when oxc (the Rust JS/TS parser, through oxc-python) accepts the
file, the refusal is a limit of the tool, and the file is reported as partly checked
instead of failing the gate. oxc only answers whether the file is valid; its tree is not
used (its node types differ from the ones the rules query)."""

from __future__ import annotations

# oxc's dialect for each tree-sitter grammar: JSX is allowed in JavaScript (React apps
# write it in .js files).
_SOURCE_TYPES = {"typescript": "ts", "tsx": "tsx"}


def accepts(text: str, grammar: str) -> bool:
    """Whether oxc parses `text` (a file, or a component's script blocks) as valid code
    of the dialect tree-sitter read it in (`grammar`); False when oxc is not installed or
    fails, so that a refusal stays an error unless a second parser says otherwise."""
    try:
        import oxc_python
    except ImportError:
        return False
    source_type = _SOURCE_TYPES.get(grammar, "jsx")
    try:
        parse = getattr(oxc_python, "parse")  # noqa: B009 (its stubs do not declare it)
        result = parse(text, source_type=source_type)
    except Exception:  # a crash in the second opinion is no opinion
        return False
    return bool(result.is_valid) and not result.panicked
