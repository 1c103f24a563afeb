"""What a source reports: its findings as parsed, as located and keyed, and its failure; how
its severities map.

A source runs as a subprocess (never through a shell) in the project root, with a timeout;
its output is parsed into findings whose rule ids are namespaced by the source's name
(`ruff:E722`, `mypy:arg-type`, `eslint:no-console`), whose severity comes from the source's
`severity` setting or the defaults of its kind, and whose fingerprints follow the content as
the engine's do (rule, path, the flagged code without whitespace, its occurrence). A source
that is not installed, fails, times out or prints something unparsable gives a
`SourceReport` with an `error` and no findings; the scan and the other sources go on.

Sources have no fixes. Their findings are left out when their file is outside the project
root or outside what the scan covers (the paths given or `include`, less `exclude`), and
when an `audit: ignore` comment or a SARIF `suppressions` entry silences them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from auditor.config_sources import SourceSettings
from auditor.model import Finding, Severity

ContentKey = tuple[str, str, int]  # rule id, content key, occurrence: no path, no line

# Codes with which a source says a whole file could not be analysed (a syntax error): in
# the history, such a file keeps its previous findings (a broken commit fixes nothing).
BROKEN_FILE_CODES: Mapping[str, frozenset[str]] = {
    "ruff": frozenset({"invalid-syntax", "E999", "syntax-error"}),
    "mypy": frozenset(),
    "sarif": frozenset(),
    # TypeScript numbers its syntax diagnostics 1000-1999 (TS1005 "';' expected").
    "tsc": frozenset(f"TS{n}" for n in range(1000, 2000)),
    "eslint": frozenset({"parse-error"}),  # a message without a ruleId (auditor.sources.eslint)
}
STDERR_TAIL = 300  # characters of a failing tool's output quoted in the error


class SourceFailed(Exception):
    """The source produced nothing usable; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """What a source says about one of its rules, for the SARIF driver."""

    summary: str
    help_uri: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Raw:
    """One result as the tool reported it: before namespacing, severity and fingerprint."""

    code: str
    path: str  # absolute, or relative to the project root
    line: int | None  # 1-based; None: the whole file
    column: int | None  # 1-based
    end_line: int | None
    end_column: int | None  # 1-based, exclusive
    message: str
    level: str  # error | warning | note | none
    suppressed: bool = False
    utf16: bool = False  # columns count UTF-16 code units (SARIF's default), not characters
    offsets: tuple[int, int] | None = None  # SARIF charOffset and charLength, without lines


@dataclass(frozen=True, slots=True)
class Parsed:
    raws: tuple[Raw, ...]
    rules: Mapping[str, RuleDoc] = field(default_factory=dict)  # by the tool's own code
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One source's findings in one run, or why there are none."""

    name: str
    kind: str
    findings: tuple[Finding, ...] = ()  # sorted, fingerprinted, not suppressed
    keys: tuple[ContentKey, ...] = ()  # each finding's path-free identity, in the same order
    suppressed: tuple[Finding, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()
    rules: Mapping[str, RuleDoc] = field(default_factory=dict)  # by namespaced rule id
    texts: Mapping[str, str] = field(default_factory=dict)  # path -> text, files with findings

    @property
    def ok(self) -> bool:
        return self.error is None


_DEFAULT_LEVELS: Mapping[str, Mapping[str, Severity]] = {
    "ruff": {},  # every ruff finding is medium
    "mypy": {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW},
    "sarif": {
        "error": Severity.HIGH,
        "warning": Severity.MEDIUM,
        "note": Severity.LOW,
        "none": Severity.LOW,
    },
    "tsc": {"error": Severity.HIGH, "warning": Severity.MEDIUM},
    "eslint": {"error": Severity.HIGH, "warning": Severity.MEDIUM},
}


def severity_of(settings: SourceSettings, code: str, level: str) -> Severity:
    """The configured severity for `code` (an exact key first, then the first glob that
    matches, then the source-wide `severity`), else the default for the kind and level."""
    for pattern, severity in settings.severities:
        if pattern == code:
            return severity
    for pattern, severity in settings.severities:
        if fnmatchcase(code, pattern):
            return severity
    if settings.severity is not None:
        return settings.severity
    return _DEFAULT_LEVELS[settings.kind].get(level, Severity.MEDIUM)


def json_object(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: tool output is untrusted."""
    return value if isinstance(value, dict) else {}


def json_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
