"""What auditor itself reports, besides its rules: problems with the input, with a rule or
with a suppression comment. Every report that lists rules (SARIF's `tool.driver.rules`)
lists these too, so each result it can hold has its metadata."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import (
    FIX_ERROR,
    INTERNAL_ERROR,
    PARSE_ERROR,
    PARSE_LIMIT,
    READ_ERROR,
    Severity,
)
from auditor.scan.suppressions import INVALID_IGNORE, UNUSED_IGNORE


@dataclass(frozen=True, slots=True)
class ToolRule:
    id: str
    severity: Severity
    summary: str
    description: str


TOOL_RULES = (
    ToolRule(
        PARSE_ERROR,
        Severity.CRITICAL,
        "the file does not parse",
        "CPython (or, for JS/TS, tree-sitter) refuses the file: nothing in it was checked and "
        "no fix is written to it. The run exits 2: a gate does not pass code it could not read.",
    ),
    ToolRule(
        READ_ERROR,
        Severity.CRITICAL,
        "the file or folder could not be read",
        "A file that cannot be read or decoded, a folder that cannot be listed, or a file over "
        "`max-file-size`: what it holds was not checked. The run exits 2.",
    ),
    ToolRule(
        INTERNAL_ERROR,
        Severity.CRITICAL,
        "a rule failed on the file",
        "A rule raised an error on this file, so its findings here are missing; the other "
        "rules ran. The run exits 2; `-v` shows the traceback.",
    ),
    ToolRule(
        FIX_ERROR,
        Severity.CRITICAL,
        "a fix could not be written",
        "A fix was refused (its result did not parse, the file changed meanwhile, or it could "
        "not be written); the file was left as it was. The run exits 2.",
    ),
    ToolRule(
        PARSE_LIMIT,
        Severity.LOW,
        "part of the file is beyond the parser's limits",
        "Code the language accepts but LibCST or tree-sitter refuses: that part was not "
        "checked. A warning: it never fails a gate.",
    ),
    ToolRule(
        INVALID_IGNORE,
        Severity.MEDIUM,
        "a suppression comment names an unknown rule",
        "An `audit: ignore[...]` comment names a rule id no installed rule has (a typo "
        "silences nothing).",
    ),
    ToolRule(
        UNUSED_IGNORE,
        Severity.LOW,
        "a suppression comment silences nothing",
        "An `audit: ignore` comment that no finding needs (with `report-unused-ignores`); "
        "its fix removes it.",
    ),
)
