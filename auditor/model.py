"""Core value types shared by every part of auditor. No I/O here."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Literal

Applicability = Literal["safe", "unsafe"]

# Findings that report a problem with the input or with a rule, not with the code: a
# scan that has any of them exits with code 2.
PARSE_ERROR = "parse-error"
READ_ERROR = "read-error"
INTERNAL_ERROR = "internal-error"
FIX_ERROR = "fix-error"
ERROR_RULES = frozenset({PARSE_ERROR, READ_ERROR, INTERNAL_ERROR, FIX_ERROR})
# Warnings: part of a file could not be checked because of a limit of the tool, not of the
# code (LibCST or tree-sitter refuses code its language accepts). Shown, never counted as
# findings and never failing a gate; the tracker reads such a file as unreadable.
PARSE_LIMIT = "parse-limit"
WARNING_RULES = frozenset({PARSE_LIMIT})


class Severity(enum.IntEnum):
    """Ordered so that `>=` compares by importance."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r} (expected one of {choices})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A position in a file: line and column both 1-based, column counted in characters."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the characters `[start, end)` of the decoded file text with `text`.

    `path` names the file (posix, relative to the project root) when it is not the
    finding's own; `create` makes the edit create the file at `path` holding `text`
    (start = end = 0): refused if the file exists with other content, dropped if it
    already holds exactly `text`. A fix with an edit in another file is applied after
    the per-file fixes, all its edits or none (auditor.scan.project_fix)."""

    start: int
    end: int
    text: str
    path: str | None = None
    create: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid edit range [{self.start}, {self.end})")
        if self.create and (self.path is None or self.start != 0 or self.end != 0):
            raise ValueError("an edit that creates a file names its path, at [0, 0)")

    def target(self, own: str) -> str:
        """The file the edit changes, for a finding in `own`."""
        return own if self.path is None else self.path

    def in_file(self, own: str) -> bool:
        """Whether the edit changes `own` in place (no other file, no creation)."""
        return not self.create and self.path in (None, own)

    def _key(self) -> tuple[int, int, str, str, bool]:
        return (self.start, self.end, self.text, self.path or "", self.create)

    # By position first (the fixer's order); never comparing None with a path.
    def __lt__(self, other: Edit) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Edit) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Edit) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Edit) -> bool:
        return self._key() >= other._key()


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    description: str
    applicability: Applicability = "safe"
    # Offered, but its edits are not computed yet: an `ast` rule's fix is computed when
    # it is going to be written (auditor.scan.ast_fix), not when the finding is found.
    pending: bool = False

    def allowed(self, unsafe: bool) -> bool:
        """Whether `--fix` applies it (`unsafe`: with `--unsafe-fixes`)."""
        return unsafe or self.applicability == "safe"

    def in_file(self, own: str) -> bool:
        """Whether every edit changes `own` in place: the per-file fixer applies it; a fix
        that edits or creates another file waits for the project-wide phase."""
        return all(edit.in_file(own) for edit in self.edits)

    def paths(self, own: str) -> tuple[str, ...]:
        """The files the fix changes or creates: `own` first when it changes, then the
        others in order of first mention."""
        found = dict.fromkeys(edit.target(own) for edit in self.edits)
        return tuple(sorted(found, key=lambda path: path != own))


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    path: str  # posix, relative to the project root
    start: Location
    end: Location
    message: str
    fix: Fix | None = None
    fingerprint: str = field(default="", compare=False)
    # The enclosing classes and functions ("Booking.__init__"): it tells equal code in
    # different places apart, so fingerprints survive edits elsewhere in the file.
    scope: str = ""
    # More than the message says, for `-v`: a crashing rule's traceback. Not compared,
    # not cached.
    detail: str = field(default="", compare=False)
    # Other fixes of the same finding, from the most conservative to the most capable
    # (bare-except: `fix` writes `except Exception:`, an unsafe alternative names the
    # exceptions the `try` body raises). Only a finding with a `fix` has alternatives.
    alternatives: tuple[Fix, ...] = ()

    def __post_init__(self) -> None:
        if self.alternatives and self.fix is None:
            raise ValueError("a finding without a fix has no alternative fixes")

    @property
    def is_error(self) -> bool:
        return self.rule_id in ERROR_RULES

    @property
    def is_warning(self) -> bool:
        return self.rule_id in WARNING_RULES

    @property
    def is_finding(self) -> bool:
        """A finding about the code: neither an error nor a warning about the tool."""
        return not (self.is_error or self.is_warning)

    @property
    def fix_pending(self) -> bool:
        """Whether some fix it offers has no edits yet (`Fix.pending`): whoever applies or
        shows edits computes them first (`Engine.with_fixes`, or a scan with `fixes=True`)."""
        return any(fix.pending for fix in self.fixes)

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every fix offered: `fix` first, then its alternatives."""
        return () if self.fix is None else (self.fix, *self.alternatives)

    def fix_for(self, unsafe: bool, *, alternatives: bool = True) -> Fix | None:
        """The fix `audit scan --fix` applies (`unsafe`: with `--unsafe-fixes`): the most
        capable one the level allows, that is the last of `fixes` that it allows. Without
        `alternatives`, `fix` or nothing."""
        offered = self.fixes if alternatives else self.fixes[:1]
        return next((f for f in reversed(offered) if f.allowed(unsafe)), None)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.line, self.start.column, self.rule_id)


_WHITESPACE = re.compile(r"\s+")


def content_key(finding: Finding, code: str) -> str:
    """What identifies a finding within its file, without its path or position: where it
    is (its scope) and what the flagged code says."""
    return f"{finding.scope}:{normalise_code(code)}"


def normalise_code(code: str) -> str:
    """The first line of the flagged code, whitespace removed: robust to reformatting,
    and unaffected by edits further down a multi-line node (a handler's body)."""
    first = code.strip().split("\n", 1)[0]
    return _WHITESPACE.sub("", first)


def fingerprint(rule_id: str, path: str, key: str, occurrence: int) -> str:
    """Stable when unrelated lines move: no line numbers, only the rule, the file, what
    was flagged where (`content_key`), and which occurrence of that it is."""
    key = "\x00".join((rule_id, path, key, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    detail = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__


def rule_crash(path: str, rule_id: str, exc: BaseException) -> Finding:
    """A rule raised on this file: its findings here are missing, the others are not."""
    import traceback

    message = f"rule {rule_id} failed on this file ({one_line(exc)}); its findings here are missing"
    detail = "".join(traceback.format_exception(exc)).rstrip()
    return replace(error_finding(INTERNAL_ERROR, path, message), detail=detail)


def warning_finding(rule_id: str, path: str, message: str, at: Location | None = None) -> Finding:
    """Part of a file was not checked, through a limit of the tool (see WARNING_RULES)."""
    where = at or Location(1, 1)
    return Finding(rule_id, Severity.LOW, path, where, where, message)


def error_finding(rule_id: str, path: str, message: str, at: Location | None = None) -> Finding:
    """A finding about the input or a rule failing rather than about the code. Critical,
    so no gate lets through a file it could not judge."""
    where = at or Location(1, 1)
    return Finding(rule_id, Severity.CRITICAL, path, where, where, message)


class SourceError(Exception):
    """A file whose reads cannot be found: it does not parse."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
