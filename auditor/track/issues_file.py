"""`issues.yaml`: the project's remediation tracker, loaded and validated, and edited as text
when `audit issues sync` appends issues (comments and order are the team's: never re-dump).

Every error names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import AuditError
from auditor.globs import globs
from auditor.model import Severity

MAX_BYTES = 1_000_000
STATUSES = ("auto", "done", "wont-fix", "not-started", "in-progress")
ISSUE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
TOP_KEYS = ("project", "started", "issue-pattern", "repository-url", "issues")
ISSUE_KEYS = ("id", "title", "severity", "rules", "paths", "status", "commits", "notes")
DEFAULT_PATTERN = r"\b{id}\b"


class IssuesError(AuditError):
    pass


@dataclass(frozen=True, slots=True)
class Issue:
    id: str
    title: str
    severity: Severity
    # Rule ids, or globs of them (`mypy:*`). None: an issue no rule can detect (a race,
    # timeouts, docs), tracked by its commits and its declared status.
    rules: tuple[str, ...]
    paths: tuple[str, ...] = ()  # .gitignore-style globs; empty: everywhere
    status: str = "auto"
    commits: tuple[str, ...] = ()
    notes: str = ""
    line: int = 0

    @property
    def has_rules(self) -> bool:
        return bool(self.rules)

    def matches(self, rule_id: str, path: str) -> bool:
        if not any(fnmatchcase(rule_id, pattern) for pattern in self.rules):
            return False
        return not self.paths or globs(self.paths).match(path)


@dataclass(frozen=True, slots=True)
class IssuesFile:
    path: str  # as shown in messages
    project: str
    started: dt.date | None
    issue_pattern: str
    issues: tuple[Issue, ...]
    repository_url: str = ""  # commit links: https://host/owner/repo (else remote.origin.url)

    def issue_for(self, rule_id: str, path: str) -> Issue | None:
        """The first issue whose rules and paths match: order in the file decides."""
        return next((i for i in self.issues if i.matches(rule_id, path)), None)

    def mentions(self, issue: Issue) -> re.Pattern[str]:
        return re.compile(self.issue_pattern.replace("{id}", re.escape(issue.id)))


def load_issues(
    path: Path,
    label: str,
    known_rules: Collection[str] | None = None,
    sources: Collection[str] = (),
) -> IssuesFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IssuesError(f"{label}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise IssuesError(f"{label}: too large ({len(data)} bytes; the limit is {MAX_BYTES})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IssuesError(f"{label}: not valid UTF-8") from None
    return parse_issues(text, label, known_rules, sources)


# --- parsing ---------------------------------------------------------------------------


def parse_issues(
    text: str,
    label: str,
    known_rules: Collection[str] | None = None,
    sources: Collection[str] = (),
) -> IssuesFile:
    """`known_rules`: the rule ids `rules` may name (None: any); `sources`: the configured
    sources, whose findings' ids are namespaced (`mypy:arg-type`, `ruff:*`)."""
    root = _compose(text, label)
    lines: dict[tuple[str | int, ...], int] = {}
    _check_tree(root, (), lines, label, set())
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:  # tags compose accepts but safe construction refuses
        raise IssuesError(f"{label}:{_mark_line(exc)}: invalid YAML: {_problem(exc)}") from None
    return _Validator(label, lines, known_rules, sources).document(document)


def _compose(text: str, label: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise IssuesError(f"{label}:{_mark_line(exc)}: invalid YAML: {_problem(exc)}") from None


def _mark_line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def _problem(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc).strip().splitlines()[0]


def _check_tree(
    node: yaml.Node | None,
    where: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    label: str,
    visited: set[int],
) -> None:
    """Record the line of every field, and refuse what safe_load would let through
    silently: duplicate keys (the last would win) and aliases (an alias is the same node
    met twice; they are how billion-laughs bombs grow)."""
    if node is None:
        return
    if id(node) in visited:
        raise IssuesError(
            f"{label}:{node.start_mark.line + 1}: anchors and aliases are not allowed"
        )
    visited.add(id(node))
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                field = _field((*where, name))
                raise IssuesError(
                    f"{label}:{line}: {field}: duplicate key (first at line {seen[name]})"
                )
            seen[name] = line
            lines[(*where, name)] = line
            _check_tree(value, (*where, name), lines, label, visited)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_tree(item, (*where, index), lines, label, visited)


def _field(where: Sequence[str | int]) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


class _Validator:
    def __init__(
        self,
        label: str,
        lines: dict[tuple[str | int, ...], int],
        known: Collection[str] | None,
        sources: Collection[str] = (),
    ) -> None:
        self.label = label
        self.lines = lines
        self.known = known
        self.sources = sources

    def rule(self, rule: str, where: tuple[str | int, ...]) -> None:
        """An unknown rule id, or a namespaced one (`mypy:arg-type`, `mypy:*`) of a source
        that is not configured, is an error; other globs match what they match."""
        if self.known is None:
            return
        namespace, colon, code = rule.partition(":")
        if colon:
            if any(ch in namespace for ch in "*?["):
                return
            if namespace not in self.sources:
                configured = ", ".join(sorted(self.sources)) or "none"
                raise self.fail(
                    where,
                    f"{rule!r} names the source {namespace!r}, which is not configured under "
                    f"[tool.audit.sources] (configured: {configured})",
                )
            if not code:
                raise self.fail(where, f"{rule!r} needs a rule code after the source name")
            return
        if rule in self.known:
            return
        if any(ch in rule for ch in "*?["):
            names = [*self.known, *(f"{source}:" for source in self.sources)]
            if not any(fnmatchcase(name, rule) for name in names):
                raise self.fail(where, f"{rule!r} matches no installed rule or configured source")
            return
        close = difflib.get_close_matches(rule, list(self.known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise self.fail(where, f"unknown rule id {rule!r}{hint}")

    def fail(self, where: tuple[str | int, ...], problem: str) -> IssuesError:
        probe = where
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        return IssuesError(f"{self.label}:{line}: {_field(where)}: {problem}")

    def unknown_keys(
        self, mapping: dict[Any, Any], known: Sequence[str], where: tuple[str | int, ...]
    ) -> None:
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.fail((*where, str(key)), f"unknown key{hint}")

    def string(self, value: object, where: tuple[str | int, ...], *, required: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(where, f"must be a non-empty string (got {_describe(value)})")
        return value

    def strings(self, value: object, where: tuple[str | int, ...]) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of strings (got {_describe(value)})")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(
                    (*where, index), f"must be a non-empty string (got {_describe(item)})"
                )
        return tuple(value)

    def document(self, document: object) -> IssuesFile:
        if document is None:
            document = {}
        if not isinstance(document, dict):
            # Without the value: a file that is no issues file at all (a secret, a config)
            # is one string, and an error must not print it.
            got = _KINDS.get(type(document).__name__, "a value")
            raise self.fail((), f"must be a mapping with {', '.join(TOP_KEYS)} (got {got})")
        self.unknown_keys(document, TOP_KEYS, ())
        project = self.string(document.get("project"), ("project",))
        started = self.date(document.get("started"), ("started",))
        pattern = self.pattern(document.get("issue-pattern", DEFAULT_PATTERN))
        raw = document.get("issues")
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise self.fail(("issues",), f"must be a list of issues (got {_describe(raw)})")
        issues: list[Issue] = []
        first_line: dict[str, int] = {}
        for index, item in enumerate(raw):
            issue = self.issue(item, ("issues", index))
            if issue.id in first_line:
                problem = f"duplicate id {issue.id!r} (first at line {first_line[issue.id]})"
                raise self.fail(("issues", index, "id"), problem)
            first_line[issue.id] = issue.line
            issues.append(issue)
        url = self.string(document.get("repository-url"), ("repository-url",))
        if url and not re.match(r"https?://[^\s/]+/\S+$", url):
            raise self.fail(("repository-url",), f"must be an http(s) URL (got {url!r})")
        return IssuesFile(self.label, project, started, pattern, tuple(issues), url.rstrip("/"))

    def date(self, value: object, where: tuple[str | int, ...]) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(where, f"must be a date like 2025-10-11 (got {_describe(value)})")

    def pattern(self, value: object) -> str:
        where: tuple[str | int, ...] = ("issue-pattern",)
        text = self.string(value, where, required=True)
        if "{id}" not in text:
            raise self.fail(where, "must contain {id}, where the issue id goes")
        try:
            re.compile(text.replace("{id}", "ID-1"))
        except re.error as exc:
            raise self.fail(where, f"is not a valid regular expression ({exc})") from None
        return text

    def issue(self, item: object, where: tuple[str | int, ...]) -> Issue:
        if not isinstance(item, dict):
            raise self.fail(
                where, f"must be a mapping with id, title, severity, rules (got {_describe(item)})"
            )
        self.unknown_keys(item, ISSUE_KEYS, where)
        for key in ("id", "title", "severity"):
            if key not in item:
                raise self.fail(where, f"missing required key '{key}'")
        issue_id = self.string(item["id"], (*where, "id"), required=True)
        if not ISSUE_ID.match(issue_id):
            raise self.fail((*where, "id"), f"must match [A-Za-z0-9_-]+ (got {issue_id!r})")
        severity_text = self.string(item["severity"], (*where, "severity"), required=True)
        try:
            severity = Severity.parse(severity_text)
        except ValueError:
            raise self.fail(
                (*where, "severity"),
                f"must be one of critical, high, medium, low (got {severity_text!r})",
            ) from None
        rules = self.strings(item.get("rules"), (*where, "rules"))
        if "rules" in item and not rules:
            raise self.fail(
                (*where, "rules"),
                "must name at least one rule (leave `rules` out for an issue no rule detects)",
            )
        for index, rule in enumerate(rules):
            self.rule(rule, (*where, "rules", index))
        paths = self.strings(item.get("paths"), (*where, "paths"))
        for index, pattern in enumerate(paths):
            if pattern.startswith("/") or ".." in pattern.split("/") or "\\" in pattern:
                raise self.fail(
                    (*where, "paths", index),
                    f"must be a glob relative to the project root (got {pattern!r})",
                )
        status = self.string(item.get("status", "auto"), (*where, "status"), required=True)
        if status not in STATUSES:
            raise self.fail(
                (*where, "status"), f"must be one of {', '.join(STATUSES)} (got {status!r})"
            )
        commits = self.strings(item.get("commits"), (*where, "commits"))
        for index, sha in enumerate(commits):
            if not re.fullmatch(r"[0-9a-fA-F]{4,40}", sha):
                raise self.fail((*where, "commits", index), f"must be a commit sha (got {sha!r})")
        return Issue(
            id=issue_id,
            title=self.string(item["title"], (*where, "title"), required=True),
            severity=severity,
            rules=rules,
            paths=paths,
            status=status,
            commits=commits,
            notes=self.string(item.get("notes"), (*where, "notes")),
            line=self.lines.get(where, 1),
        )


# What a value is, in words and without the value (see _Validator.document).
_KINDS = {
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "date": "a date",
    "datetime": "a date",
}


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"
