"""Findings of other analysers: ruff, mypy and any SARIF 2.1.0 producer (`[tool.audit.sources]`).

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

import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, Any

from auditor.config import Config, SourceSettings
from auditor.discovery import language_of
from auditor.engine import backend
from auditor.globs import Globs
from auditor.model import Finding, Location, Severity, content_key, fingerprint, normalise_code
from auditor.source import NEWLINE, DecodeError, LineIndex, decode_python, decode_utf8
from auditor.suppressions import is_suppressed, suppressions

ContentKey = tuple[str, str, int]  # rule id, content key, occurrence: as history.ContentKey

# Codes with which a source says a whole file could not be analysed (a syntax error): in
# the history, such a file keeps its previous findings (a broken commit fixes nothing).
BROKEN_FILE_CODES: Mapping[str, frozenset[str]] = {
    "ruff": frozenset({"invalid-syntax", "E999", "syntax-error"}),
    "mypy": frozenset(),
    "sarif": frozenset(),
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


# --- severity ---------------------------------------------------------------------------

_DEFAULT_LEVELS: Mapping[str, Mapping[str, Severity]] = {
    "ruff": {},  # every ruff finding is medium
    "mypy": {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW},
    "sarif": {
        "error": Severity.HIGH,
        "warning": Severity.MEDIUM,
        "note": Severity.LOW,
        "none": Severity.LOW,
    },
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


# --- parsing: ruff ----------------------------------------------------------------------


def _obj(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: tool output is untrusted."""
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_ruff(stdout: str) -> Parsed:
    """`ruff check --output-format json`: a list of diagnostics with 1-based rows and
    columns, end exclusive, absolute file names. A syntax error has the code
    `invalid-syntax` (or none, or E999, in older versions)."""
    try:
        items = json.loads(stdout)
    except ValueError as exc:
        raise SourceFailed(f"unparsable output: not JSON ({exc})") from None
    if not isinstance(items, list):
        raise SourceFailed("unparsable output: expected a JSON list of diagnostics")
    raws = []
    docs: dict[str, RuleDoc] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
            raise SourceFailed(f"unparsable output: diagnostic {index} has no filename")
        start, end = _obj(item.get("location")), _obj(item.get("end_location"))
        code = item.get("code") if isinstance(item.get("code"), str) else None
        message = str(item.get("message") or "")
        if code is None:
            code = "invalid-syntax"
            message = message.removeprefix("SyntaxError: ")
        raws.append(
            Raw(
                code=code,
                path=item["filename"],
                line=_int(start.get("row")),
                column=_int(start.get("column")),
                end_line=_int(end.get("row")),
                end_column=_int(end.get("column")),
                message=message,
                level="warning",
            )
        )
        if code not in docs:
            name = item.get("name") if isinstance(item.get("name"), str) else code
            url = item.get("url") if isinstance(item.get("url"), str) else ""
            docs[code] = RuleDoc(summary=str(name), help_uri=str(url))
    return Parsed(tuple(raws), docs)


# --- parsing: mypy ----------------------------------------------------------------------


MYPY_JSON_FLAGS = ("--output", "json")
MYPY_TEXT_FLAGS = (
    "--show-column-numbers",
    "--show-error-end",
    "--show-error-codes",
    "--hide-error-context",
    "--no-error-summary",
    "--no-color-output",
    "--no-pretty",
)
_MYPY_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>-?\d+):(?:(?P<column>-?\d+):)?(?:(?P<end_line>-?\d+):"
    r"(?P<end_column>-?\d+):)? (?P<level>error|warning|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9_-]+)\])?$"
)
_MYPY_FILE_LINE = re.compile(
    r"^(?P<file>[^:]+): (?P<level>error|warning|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9_-]+)\])?$"
)


def _mypy_position(value: int | None, offset: int = 0) -> int | None:
    return None if value is None or value + offset < 1 else value + offset


def parse_mypy_json(stdout: str) -> Parsed:
    """`mypy --output json` (mypy 1.11+): one object a line; columns 0-based, end columns
    exclusive; notes attached to an error are its `hint`, so every object is a result."""
    raws = []
    for number, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}") from None
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}")
        level = str(item.get("severity") or "error")
        code = item.get("code") if isinstance(item.get("code"), str) else None
        raws.append(
            Raw(
                code=code or "misc",
                path=item["file"],
                line=_mypy_position(_int(item.get("line"))),
                column=_mypy_position(_int(item.get("column")), 1),
                end_line=_mypy_position(_int(item.get("end_line"))),
                end_column=_mypy_position(_int(item.get("end_column")), 1),
                message=str(item.get("message") or ""),
                level=level,
            )
        )
    return Parsed(tuple(raws))


def parse_mypy_text(stdout: str) -> Parsed:
    """mypy's text output with MYPY_TEXT_FLAGS: `file:line:col:end_line:end_col: level:
    message  [code]`, end column inclusive. A note on the line of the error (or note) just
    before it belongs to that error, as the JSON output's `hint` does, and is dropped."""
    raws: list[Raw] = []
    previous: tuple[str, int | None] | None = None
    for number, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        match = _MYPY_LINE.match(line) or _MYPY_FILE_LINE.match(line)
        if match is None:
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}")
        groups = match.groupdict()
        where = (groups["file"], int(groups["line"]) if groups.get("line") else None)
        level = groups["level"]
        if level == "note" and where == previous:
            continue
        previous = where
        raws.append(
            Raw(
                code=groups.get("code") or "misc",
                path=groups["file"],
                line=_mypy_position(where[1]),
                column=_mypy_position(_maybe_int(groups.get("column"))),
                end_line=_mypy_position(_maybe_int(groups.get("end_line"))),
                end_column=_mypy_position(_maybe_int(groups.get("end_column")), 1),
                message=groups["message"],
                level=level,
            )
        )
    return Parsed(tuple(raws))


def _maybe_int(text: str | None) -> int | None:
    return int(text) if text else None


# --- parsing: SARIF ---------------------------------------------------------------------

_SKIPPED_KINDS = frozenset({"pass", "notApplicable"})


def parse_sarif(text: str, root: Path) -> Parsed:
    """SARIF 2.1.0 results of every run. Paths: `uri`s resolved through `uriBaseId` and
    the run's `originalUriBaseIds` (a base id the log does not define is the project
    root), `file://` URIs, or references relative to the project root. Results whose
    `kind` is pass or notApplicable, whose `baselineState` is absent, or that are
    suppressed (a non-empty `suppressions` none of which is rejected or under review) are
    left out or marked suppressed. Fixes are ignored: sources have none."""
    try:
        log = json.loads(text)
    except ValueError as exc:
        raise SourceFailed(f"unparsable output: not JSON ({exc})") from None
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        raise SourceFailed("unparsable output: not a SARIF log (no 'runs' list)")
    version = log.get("version")
    if version is not None and version != "2.1.0":
        raise SourceFailed(f"SARIF version {version!r} is not supported (expected 2.1.0)")
    raws: list[Raw] = []
    docs: dict[str, RuleDoc] = {}
    unlocated = 0
    for run in log["runs"]:
        if not isinstance(run, dict):
            raise SourceFailed("unparsable output: a run is not an object")
        _check_invocations(run)
        reader = _SarifRun(run, root)
        for code, doc in reader.docs().items():
            docs.setdefault(code, doc)
        results = run.get("results") or []
        if not isinstance(results, list):
            raise SourceFailed("unparsable output: 'results' is not a list")
        for result in results:
            if not isinstance(result, dict):
                raise SourceFailed("unparsable output: a result is not an object")
            raw = reader.result(result)
            if raw is None:
                continue
            if raw.path == "":
                unlocated += 1
                continue
            raws.append(raw)
    warnings: tuple[str, ...] = ()
    if unlocated:
        warnings = (
            f"{unlocated} result{'' if unlocated == 1 else 's'} without a file location left out",
        )
    return Parsed(tuple(raws), docs, warnings)


def _check_invocations(run: Mapping[str, Any]) -> None:
    for invocation in run.get("invocations") or []:
        if isinstance(invocation, dict) and invocation.get("executionSuccessful") is False:
            detail = "the tool reports that its run failed"
            for note in invocation.get("toolExecutionNotifications") or []:
                text = _text(note.get("message")) if isinstance(note, dict) else ""
                if text:
                    detail = f"the tool reports that its run failed: {text}"
                    break
            raise SourceFailed(detail)


def _text(message: object) -> str:
    if not isinstance(message, dict):
        return ""
    text = message.get("text")
    if not isinstance(text, str):
        text = message.get("markdown") if isinstance(message.get("markdown"), str) else ""
    return " ".join(str(text).split())


def _format(template: str, arguments: object) -> str:
    """SARIF message placeholders `{0}`, `{1}`... replaced by the result's arguments."""
    if not isinstance(arguments, list) or not arguments:
        return template

    def substitute(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return str(arguments[index]) if index < len(arguments) else match.group(0)

    return re.sub(r"\{(\d+)\}", substitute, template)


class _SarifRun:
    def __init__(self, run: Mapping[str, Any], root: Path) -> None:
        self.run = run
        self.root = root
        tool = _obj(run.get("tool"))
        self.driver = _obj(tool.get("driver"))
        extensions = tool.get("extensions")
        self.extensions = (
            [e for e in extensions if isinstance(e, dict)] if isinstance(extensions, list) else []
        )
        self.bases = _obj(run.get("originalUriBaseIds"))
        artifacts = run.get("artifacts")
        self.artifacts = artifacts if isinstance(artifacts, list) else []
        self.utf16 = run.get("columnKind", "utf16CodeUnits") != "unicodeCodePoints"

    @staticmethod
    def _rules_of(component: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        rules = component.get("rules")
        return [r if isinstance(r, dict) else {} for r in rules] if isinstance(rules, list) else []

    def docs(self) -> dict[str, RuleDoc]:
        out: dict[str, RuleDoc] = {}
        for component in (self.driver, *self.extensions):
            for rule in self._rules_of(component):
                rule_id = rule.get("id")
                if not isinstance(rule_id, str) or not rule_id:
                    continue
                summary = _text(rule.get("shortDescription")) or str(rule.get("name") or rule_id)
                description = _text(rule.get("fullDescription")) or _text(rule.get("help"))
                help_uri = rule.get("helpUri") if isinstance(rule.get("helpUri"), str) else ""
                out.setdefault(rule_id, RuleDoc(summary, str(help_uri), description))
        return out

    def _rule(self, result: Mapping[str, Any]) -> Mapping[str, Any]:
        reference = _obj(result.get("rule"))
        index = _int(reference.get("index"))
        if index is None:
            index = _int(result.get("ruleIndex"))
        component: Mapping[str, Any] = self.driver
        tool_component = reference.get("toolComponent")
        if isinstance(tool_component, dict):
            extension = _int(tool_component.get("index"))
            if extension is not None and 0 <= extension < len(self.extensions):
                component = self.extensions[extension]
        rules = self._rules_of(component)
        if index is not None and 0 <= index < len(rules):
            return rules[index]
        rule_id = result.get("ruleId") or reference.get("id")
        return next((r for r in rules if r.get("id") == rule_id), {})

    def result(self, result: Mapping[str, Any]) -> Raw | None:
        kind = result.get("kind", "fail")
        if kind in _SKIPPED_KINDS or result.get("baselineState") == "absent":
            return None
        rule = self._rule(result)
        reference = _obj(result.get("rule"))
        code = result.get("ruleId") or reference.get("id") or rule.get("id") or "unknown"
        level = result.get("level")
        if level not in ("error", "warning", "note", "none"):
            default = _obj(rule.get("defaultConfiguration")).get("level")
            level = default if default in ("error", "warning", "note", "none") else None
            if level is None:
                level = "warning" if kind == "fail" else "none"
        message = _obj(result.get("message"))
        template = _text(message)
        if not template and isinstance(message.get("id"), str):
            template = _text(_obj(rule.get("messageStrings")).get(message["id"]))
        text = _format(template, message.get("arguments")) or str(code)
        path, region = self._location(result)
        raw = Raw(
            code=str(code),
            path=path,
            line=None,
            column=None,
            end_line=None,
            end_column=None,
            message=text,
            level=str(level),
            suppressed=_suppressed(result),
            utf16=self.utf16,
        )
        return _with_region(raw, region)

    def _location(self, result: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """The first location's path (absolute or relative to the root; "" when there is
        none, or it is not a file) and region."""
        locations = result.get("locations")
        if not isinstance(locations, list) or not locations or not isinstance(locations[0], dict):
            return "", {}
        physical = locations[0].get("physicalLocation")
        if not isinstance(physical, dict):
            return "", {}
        artifact = physical.get("artifactLocation")
        artifact = artifact if isinstance(artifact, dict) else {}
        if not isinstance(artifact.get("uri"), str):
            index = _int(artifact.get("index"))
            if index is not None and 0 <= index < len(self.artifacts):
                entry = self.artifacts[index]
                location = entry.get("location") if isinstance(entry, dict) else None
                artifact = location if isinstance(location, dict) else {}
        uri = artifact.get("uri")
        if not isinstance(uri, str) or not uri:
            return "", {}
        base_id = artifact.get("uriBaseId")
        path = self._resolve(uri, base_id if isinstance(base_id, str) else None, 0)
        region = physical.get("region")
        return path or "", region if isinstance(region, dict) else {}

    def _resolve(self, uri: str, base_id: str | None, depth: int) -> str | None:
        """An absolute path for `uri`, or None when it is not a file (https:...)."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return None
            return posixpath.normpath(urllib.parse.unquote(parts.path))
        if len(parts.scheme) > 1:  # http:, https:... (one letter would be a drive)
            return None
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/"):
            return posixpath.normpath(path)
        base = self.root.as_posix()
        if base_id is not None and depth < 8:
            definition = self.bases.get(base_id)
            if isinstance(definition, dict) and isinstance(definition.get("uri"), str):
                parent = definition.get("uriBaseId")
                resolved = self._resolve(
                    definition["uri"], parent if isinstance(parent, str) else None, depth + 1
                )
                if resolved is None:
                    return None
                base = resolved
        return posixpath.normpath(posixpath.join(base, path))


def _suppressed(result: Mapping[str, Any]) -> bool:
    found = result.get("suppressions")
    if not isinstance(found, list) or not found:
        return False
    statuses = {s.get("status") for s in found if isinstance(s, dict)}
    return not statuses & {"rejected", "underReview"}


def _with_region(raw: Raw, region: Mapping[str, Any]) -> Raw:
    line = _int(region.get("startLine"))
    if line is None or line < 1:
        offset = _int(region.get("charOffset"))
        if offset is not None and offset >= 0:
            length = max(_int(region.get("charLength")) or 0, 0)
            return replace(raw, offsets=(offset, offset + length))
        return raw
    end_line = _int(region.get("endLine")) or line
    return replace(
        raw,
        line=line,
        column=_int(region.get("startColumn")) or 1,
        end_line=max(end_line, line),
        end_column=_int(region.get("endColumn")),
    )


# --- running ----------------------------------------------------------------------------


def find_program(name: str, root: Path) -> str | None:
    """A program by name: a path (relative to the project root) when it has a slash, else
    the one installed next to this Python (the environment auditor runs in, where a
    project's ruff and mypy usually are), else the first on PATH."""
    if "/" in name:
        path = Path(name) if os.path.isabs(name) else root / name
        return str(path) if os.access(path, os.X_OK) and path.is_file() else None
    here = Path(sys.executable).parent / name
    if os.access(here, os.X_OK) and here.is_file():
        return str(here)
    return shutil.which(name)


def default_paths(settings: SourceSettings, config: Config) -> tuple[str, ...]:
    """What ruff or mypy checks: `paths`, else the project's `include`."""
    return settings.paths if settings.paths is not None else config.include


def command_line(settings: SourceSettings, config: Config, *, mypy_text: bool = False) -> list[str]:
    """The argv of a source, its program resolved; SourceFailed when it is not installed."""
    command = list(settings.command) or ([settings.kind] if settings.kind != "sarif" else [])
    if not command:
        return []
    program = find_program(command[0], config.root)
    if program is None:
        where = "at that path" if "/" in command[0] else "next to this Python nor on PATH"
        raise SourceFailed(
            f"{command[0]!r} is not installed (not {where}); install it, or set `command`"
        )
    argv = [program, *command[1:]]
    if settings.kind == "ruff":
        argv += ["check", "--output-format", "json", "--exit-zero", "--no-fix"]
        if settings.select is not None:
            argv += ["--select", ",".join(settings.select)]
        argv += settings.args
    elif settings.kind == "mypy":
        argv += [*(MYPY_TEXT_FLAGS if mypy_text else MYPY_JSON_FLAGS), *settings.args]
    if settings.kind in ("ruff", "mypy"):
        paths = default_paths(settings, config)
        if paths:
            argv += ["--", *paths]
    return argv


@dataclass
class _Running:
    settings: SourceSettings
    argv: list[str]
    began: float
    process: subprocess.Popen[bytes] | None = None
    stdout: IO[bytes] | None = None
    stderr: IO[bytes] | None = None
    file_before: tuple[int, int, int] | None = None
    failure: str | None = None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _spawn(argv: Sequence[str], cwd: Path) -> tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]:
    """Output goes to temporary files, not pipes: a source never blocks on a full pipe
    while auditor is busy scanning, however much it prints. A session of its own lets a
    timeout stop its children too (npx starts node)."""
    # The files outlive this function: `_read` closes them once the source has finished.
    stdout = tempfile.TemporaryFile()  # noqa: SIM115
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    except BaseException:
        stdout.close()
        stderr.close()
        raise
    return process, stdout, stderr


def start(settings: SourceSettings, config: Config) -> _Running:
    """Start a source's command (if it has one) and return at once."""
    began = time.monotonic()
    try:
        argv = command_line(settings, config)
    except SourceFailed as exc:
        return _Running(settings, [], began, failure=str(exc))
    running = _Running(settings, argv, began)
    if settings.file is not None:
        running.file_before = _stat(config.root / settings.file)
    if argv:
        try:
            running.process, running.stdout, running.stderr = _spawn(argv, config.root)
        except OSError as exc:
            running.failure = f"cannot run {argv[0]}: {exc.strerror or exc}"
    return running


def stop(running: _Running) -> None:
    """Stop a started source that is still running (the scan was interrupted) and let go
    of its output files; nothing for one that has finished."""
    process = running.process
    if process is not None and process.poll() is None:
        _kill(process)
    for handle in (running.stdout, running.stderr):
        if handle is not None and not handle.closed:
            handle.close()


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def _read(handle: IO[bytes] | None) -> str:
    if handle is None:
        return ""
    handle.seek(0)
    data = handle.read()
    handle.close()
    return data.decode("utf-8", errors="replace")


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    return last if len(last) <= STDERR_TAIL else last[: STDERR_TAIL - 1] + "…"


def _wait(running: _Running) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the started command; SourceFailed on a timeout."""
    process = running.process
    assert process is not None
    remaining = running.settings.timeout - (time.monotonic() - running.began)
    try:
        process.wait(timeout=max(remaining, 0.001))
    except subprocess.TimeoutExpired:
        _kill(process)
        _read(running.stdout)
        _read(running.stderr)
        raise SourceFailed(f"timed out after {running.settings.timeout:g} s") from None
    return process.returncode, _read(running.stdout), _read(running.stderr)


def _run_now(argv: Sequence[str], running: _Running, cwd: Path) -> tuple[int, str, str]:
    again = _Running(running.settings, list(argv), running.began)
    try:
        again.process, again.stdout, again.stderr = _spawn(argv, cwd)
    except OSError as exc:
        raise SourceFailed(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    return _wait(again)


def _failed(program: str, code: int, stdout: str, stderr: str) -> SourceFailed:
    detail = _tail(stderr) or _tail(stdout)
    name = os.path.basename(program)
    return SourceFailed(f"{name} exited with code {code}" + (f": {detail}" if detail else ""))


def _output(running: _Running, config: Config) -> Parsed:
    settings = running.settings
    if running.failure is not None:
        raise SourceFailed(running.failure)
    code, stdout, stderr = _wait(running) if running.process is not None else (0, "", "")
    if settings.kind == "ruff":
        if code != 0:
            raise _failed(running.argv[0], code, stdout, stderr)
        return parse_ruff(stdout)
    if settings.kind == "mypy":
        return _mypy_output(running, config, code, stdout, stderr)
    # SARIF: from the command's output, or from the file it wrote (or that exists).
    if settings.file is None:
        if not stdout.strip() and code != 0:
            raise _failed(running.argv[0], code, stdout, stderr)
        try:
            return parse_sarif(stdout, config.root)
        except SourceFailed:
            if code != 0:
                raise _failed(running.argv[0], code, stdout, stderr) from None
            raise
    path = config.root / settings.file
    if running.process is not None:
        after = _stat(path)
        if after is None or after == running.file_before:
            if code != 0:
                raise _failed(running.argv[0], code, stdout, stderr)
            raise SourceFailed(f"the command did not write {settings.file}")
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise SourceFailed(f"cannot read {settings.file}: {exc.strerror or exc}") from None
    return parse_sarif(text, config.root)


def _mypy_output(running: _Running, config: Config, code: int, stdout: str, stderr: str) -> Parsed:
    """mypy exits 0 (clean), 1 (errors found) or 2 (a blocking error: a syntax error, a
    missing file, bad options: its other findings are then unknown, so it fails the
    source). A mypy older than 1.11 has no JSON output: it is run again for text."""
    text_mode = False
    if code == 2 and "--output" in stderr and "unrecognized arguments" in stderr:
        argv = command_line(running.settings, config, mypy_text=True)
        code, stdout, stderr = _run_now(argv, running, config.root)
        text_mode = True
    if code not in (0, 1):
        # A blocking error's output ends with a summary line ("Found 1 error in 1 file
        # (errors prevented further checking)"): read the results, not the summary.
        results = "\n".join(line for line in stdout.splitlines() if not line.startswith("Found "))
        parsed = _try(parse_mypy_text if text_mode else parse_mypy_json, results)
        blocking = [r for r in parsed.raws if r.level == "error"] if parsed else []
        if blocking:
            first = blocking[0]
            where = f"{first.path}:{first.line}" if first.line else first.path
            raise SourceFailed(
                f"mypy stopped at a blocking error: {where}: {first.message} [{first.code}]"
            )
        raise _failed(running.argv[0], code, "" if parsed else stdout, stderr)
    parsed = parse_mypy_text(stdout) if text_mode else parse_mypy_json(stdout)
    if code == 1 and not any(r.level == "error" for r in parsed.raws):
        raise _failed(running.argv[0], code, stdout, stderr)  # 1 means errors found
    return parsed


def _try(parse: Callable[[str], Parsed], text: str) -> Parsed | None:
    try:
        return parse(text)
    except SourceFailed:
        return None


# --- findings ---------------------------------------------------------------------------


def in_scope(config: Config, targets: Sequence[Path]) -> Callable[[str], bool]:
    """Whether a path (relative to the root) is one the scan covers: under a target (the
    paths given, else `include`) and not excluded below it, as discovery decides."""
    root = config.root.resolve()
    exclude = Globs((*config.exclude, *config.extend_exclude))
    spans: list[tuple[str, bool, bool]] = []  # (target, is a directory, matched from it)
    for target in targets or [config.root / p for p in config.include]:
        absolute = Path(os.path.abspath(target))
        rel = relative_path(absolute.as_posix(), root)
        if rel is None:
            continue
        is_dir = absolute.is_dir() or not absolute.exists()
        named_excluded = rel != "." and exclude.match(rel + "/")
        spans.append((rel, is_dir, named_excluded))

    def covered(path: str) -> bool:
        for rel, is_dir, from_target in spans:
            if not is_dir:
                if path == rel:
                    return True
                continue
            if rel == ".":
                below = path
            elif path.startswith(rel + "/"):
                below = path[len(rel) + 1 :] if from_target else path
            else:
                continue
            if not exclude.match(below):
                return True
        return False

    return covered


def relative_path(path: str, root: Path) -> str | None:
    """`path` (absolute, or relative to the root) as a posix path relative to the root
    ("." for the root itself); None when it is outside. `root` is resolved; a path through
    a symbolic link to the root (/tmp for /private/tmp) is resolved too."""
    candidate = path if posixpath.isabs(path) else posixpath.join(root.as_posix(), path)
    base = root.as_posix().rstrip("/")
    for absolute in (posixpath.normpath(candidate), os.path.realpath(candidate)):
        if absolute == base:
            return "."
        if absolute.startswith(base + "/"):
            return absolute[len(base) + 1 :]
    return None


def read_text(path: Path, rel: str, max_size: int) -> str | None:
    """A file's text as its language decodes it; None when it cannot be read or decoded,
    or is bigger than `max_size` (0: no limit)."""
    try:
        if max_size and path.stat().st_size > max_size:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return (decode_python if language_of(rel) == "python" else decode_utf8)(data).text
    except DecodeError:
        return None


def _utf16_to_column(line: str, column: int) -> int:
    """A 1-based column in UTF-16 code units as a 1-based column in characters."""
    if line.isascii():
        return column
    units = 0
    for index, char in enumerate(line):
        if units >= column - 1:
            return index + 1
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line) + 1 + max(column - 1 - units, 0)


def _locate(raw: Raw, text: str | None, lines: Sequence[str]) -> tuple[Location, Location]:
    if raw.offsets is not None and text is not None:
        index = LineIndex(text)
        start_offset, end_offset = (min(o, len(text)) for o in raw.offsets)
        return index.location(start_offset), index.location(end_offset)
    if raw.line is None:
        return Location(1, 1), Location(1, 1)
    line = raw.line
    column = max(raw.column or 1, 1)
    end_line = max(raw.end_line or line, line)
    end_column = raw.end_column
    if raw.utf16 and line <= len(lines):
        column = _utf16_to_column(lines[line - 1], column)
        if end_column is not None and end_line <= len(lines):
            end_column = _utf16_to_column(lines[end_line - 1], end_column)
    if end_column is None:
        end_column = len(lines[end_line - 1]) + 1 if end_line <= len(lines) else column
    start, end = Location(line, column), Location(end_line, max(end_column, 1))
    return start, max(start, end)


def flagged_line(start: Location, lines: Sequence[str]) -> str:
    """The flagged line, whitespace removed ("" when the position is outside the file or
    the line is blank). The whole line, not the tool's span: tools' spans vary (mypy
    often flags one character), and the line tells equal findings apart (`f(x)`, `g(x)`)."""
    if not 1 <= start.line <= len(lines):
        return ""
    return normalise_code(lines[start.line - 1])


def finding_key(finding: Finding, lines: Sequence[str] | None) -> str:
    """The content key of a source's finding: its line's code, as the engine keys its own
    by the flagged code; where that is unknown or blank, the message."""
    code = flagged_line(finding.start, lines) if lines is not None else ""
    if code:
        return content_key(finding, code)
    return "message:" + " ".join(finding.message.split())


def keyed(findings: Sequence[Finding], text: str | None) -> list[tuple[Finding, ContentKey]]:
    """One file's findings of one source, sorted, fingerprinted, each with its content key
    and occurrence: what the engine's `occurrences` gives its own."""
    lines = NEWLINE.split(text) if text is not None else None
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = finding_key(finding, lines)
        occurrence = seen[(finding.rule_id, key)]
        seen[(finding.rule_id, key)] += 1
        fp = fingerprint(finding.rule_id, finding.path, key, occurrence)
        out.append((replace(finding, fingerprint=fp), (finding.rule_id, key, occurrence)))
    return out


def _comments_suppress(rel: str, text: str, findings: Sequence[Finding]) -> set[int]:
    """Indexes of `findings` silenced by `audit: ignore` comments in the file."""
    language = language_of(rel)
    if language is None or "audit:" not in text:
        return set()
    active = suppressions(backend(language).comments(text, rel))
    return {i for i, f in enumerate(findings) if is_suppressed(f, active)}


def build_report(
    settings: SourceSettings, parsed: Parsed, config: Config, covered: Callable[[str], bool]
) -> SourceReport:
    """Namespaced, located, fingerprinted findings from a source's parsed output."""
    root = config.root.resolve()
    by_path: dict[str, list[Raw]] = {}
    outside = 0
    for raw in parsed.raws:
        rel = relative_path(raw.path, root)
        if rel is None or rel == ".":
            outside += 1
            continue
        if covered(rel):
            by_path.setdefault(rel, []).append(raw)
    warnings = list(parsed.warnings)
    if outside:
        warnings.append(
            f"{outside} result{'' if outside == 1 else 's'} outside the project root left out"
        )
    findings: list[Finding] = []
    keys: list[ContentKey] = []
    silenced: list[Finding] = []
    texts: dict[str, str] = {}
    for rel in sorted(by_path):
        text = read_text(root / rel, rel, config.max_file_size)
        lines = NEWLINE.split(text) if text is not None else []
        made = []
        for raw in by_path[rel]:
            start, end = _locate(raw, text, lines)
            finding = Finding(
                rule_id=f"{settings.name}:{raw.code}",
                severity=severity_of(settings, raw.code, raw.level),
                path=rel,
                start=start,
                end=end,
                message=raw.message,
            )
            made.append((finding, raw.suppressed))
        made.sort(key=lambda pair: pair[0].sort_key())  # stable: `keyed` keeps this order
        done = keyed([f for f, _ in made], text)
        quiet = _comments_suppress(rel, text, [f for f, _ in done]) if text is not None else set()
        for index, ((finding, key), (_, suppressed)) in enumerate(zip(done, made, strict=True)):
            if suppressed or index in quiet:
                silenced.append(finding)
            else:
                findings.append(finding)
                keys.append(key)
        if text is not None:
            texts[rel] = text
    docs = {f"{settings.name}:{code}": doc for code, doc in parsed.rules.items()}
    return SourceReport(
        name=settings.name,
        kind=settings.kind,
        findings=tuple(findings),
        keys=tuple(keys),
        suppressed=tuple(silenced),
        warnings=tuple(warnings),
        rules=docs,
        texts=texts,
    )


def finish(running: _Running, config: Config, covered: Callable[[str], bool]) -> SourceReport:
    """Wait for a started source and turn its output into a report."""
    settings = running.settings
    try:
        parsed = _output(running, config)
    except SourceFailed as exc:
        return SourceReport(settings.name, settings.kind, error=str(exc))
    return build_report(settings, parsed, config, covered)


def run_sources(
    config: Config,
    targets: Sequence[Path] = (),
    names: Iterable[str] | None = None,
) -> tuple[SourceReport, ...]:
    """Run the configured sources (or those named) at once and wait for all of them."""
    chosen = [s for s in config.sources if names is None or s.name in set(names)]
    started = [start(s, config) for s in chosen]
    try:
        covered = in_scope(config, targets)
        return tuple(finish(r, config, covered) for r in started)
    finally:
        for running in started:
            stop(running)
