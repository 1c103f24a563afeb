"""The environment-variable inventory behind `audit env`: every read of an environment
variable in the project, as language-neutral data, and the `.env.example` merge.

Each language contributes a function `(path, text, in_settings) -> tuple[EnvRead, ...]`;
Python's is the same detection the `unvalidated-env` rule reports from
(rules/_env_reads.py), so the rule and the inventory cannot disagree about what a read is.
Nothing here renders; reading the files is the only I/O.

`.env.example` merge policy (`merge_env_example`):

- One block per variable the code reads by a literal name, sorted by name: a generated
  `# used in path:line, ...` comment (settings modules first, then by path and line), then
  `NAME=value`. A variable already in the file keeps its line exactly as it was (value,
  quoting, `export`), and the comments written above it move with it. A new variable gets
  its literal default (from a settings module first, else the first place that has one),
  or nothing.
- Variables in the file that the code no longer reads are kept, with their comments, in a
  final section under `# Not read by the code any more:`. Nothing a user wrote is dropped
  except blank lines and the generated comments, which are rewritten each time.
- A leading comment block followed by a blank line is the file's header and stays on top;
  a new file gets a two-line header. Names a dotenv file cannot hold (not
  `[A-Za-z_][A-Za-z0-9_]*`), computed names and whole-environment reads are left out.
- Merging is idempotent: merging its own output with the same reads changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from auditor.config import Config
from auditor.globs import globs
from auditor.model import INTERNAL_ERROR, PARSE_ERROR, READ_ERROR, Finding, Location, error_finding

# How a read behaves, in words that fit any language:
#   required   a missing variable raises (Python KeyError)
#   optional   a missing variable becomes None (JS: undefined)
#   default    a missing variable falls back to `default` (a literal) or a computed value
#   enumerate  every variable is read (iteration, items())
#   copy       the whole environment is copied, usually to hand to a child process
ReadKind: TypeAlias = Literal["required", "optional", "default", "enumerate", "copy"]
READ_KINDS: tuple[ReadKind, ...] = ("required", "optional", "default", "enumerate", "copy")


@dataclass(frozen=True, slots=True)
class EnvRead:
    name: str | None  # None: a computed name, or the whole environment
    path: str  # posix, relative to the project root
    location: Location  # 1-based line and column of the read expression
    kind: ReadKind
    default: str | None  # kind "default": the literal default; None when it is computed
    in_settings: bool  # inside a module matched by the settings-modules globs
    via: str  # the read as code, e.g. "os.environ.get()"

    def sort_key(self) -> tuple[bool, str, str, int, int]:
        return (self.name is None, self.name or "", self.path, *self.place)

    @property
    def place(self) -> tuple[int, int]:
        return (self.location.line, self.location.column)


class SourceError(Exception):
    """A file whose reads cannot be found: it does not parse."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


Reader: TypeAlias = Callable[[str, str, bool], tuple[EnvRead, ...]]


def _python_reader() -> Reader:
    # Imported on first use, as the engine loads its backends: rules/ imports this module.
    from rules._env_reads import python_env_reads

    return python_env_reads


def _js_reader() -> Reader:
    # The detection the JS/TS unvalidated-env rule reports from.
    from rules.js_env_reads import js_env_reads

    return js_env_reads


_READERS: dict[str, Callable[[], Reader]] = {
    "python": _python_reader,
    "javascript": _js_reader,
    "typescript": _js_reader,
}
LANGUAGES = frozenset(_READERS)


def js_settings_modules(config: Config) -> tuple[str, ...]:
    """The settings modules of JS/TS files, as the JS/TS unvalidated-env rule sees them:
    the configured `settings-modules` (shared by every implementation of the rule), else
    that rule's own defaults; `{a,b}` alternatives expanded."""
    from rules.js_paths import expand_all
    from rules.js_unvalidated_env import DEFAULT_SETTINGS_MODULES, SETTINGS_MODULES

    settings = config.rules.get("unvalidated-env")
    configured = settings.options.get(SETTINGS_MODULES) if settings is not None else None
    return expand_all(configured if isinstance(configured, tuple) else DEFAULT_SETTINGS_MODULES)


@dataclass(frozen=True, slots=True)
class Inventory:
    files: int  # files looked at
    reads: tuple[EnvRead, ...]  # sorted: named by name, then unnamed; each by place
    errors: tuple[Finding, ...]  # files that could not be read or parsed

    @property
    def variables(self) -> dict[str, tuple[EnvRead, ...]]:
        """Reads by literal name, sorted by name."""
        grouped: dict[str, list[EnvRead]] = {}
        for read in self.reads:
            if read.name is not None:
                grouped.setdefault(read.name, []).append(read)
        return {name: tuple(reads) for name, reads in grouped.items()}

    @property
    def unnamed(self) -> tuple[EnvRead, ...]:
        return tuple(read for read in self.reads if read.name is None)


def sorted_reads(reads: Iterable[EnvRead]) -> tuple[EnvRead, ...]:
    return tuple(sorted(reads, key=EnvRead.sort_key))


def reads_in_text(
    path: str, language: str, text: str, settings_modules: Sequence[str]
) -> tuple[EnvRead, ...]:
    """The reads in one file's decoded text. Raises SourceError when it does not parse."""
    return _READERS[language]()(path, text, in_settings_module(path, settings_modules))


def in_settings_module(path: str, settings_modules: Sequence[str]) -> bool:
    """Whether `path` (posix, relative to the root) is a settings module: where reading
    the environment belongs."""
    return globs(tuple(settings_modules)).match(path)


def read_inventory(
    config: Config, paths: Sequence[Path], settings_modules: Sequence[str]
) -> Inventory:
    """Every read in the project's files under `paths` (default: the configured include)."""
    from auditor.scan.engine import backend
    from auditor.scan.run import files_to_scan
    from auditor.scan.source import DecodeError

    reads: list[EnvRead] = []
    errors: list[Finding] = []
    files = files_to_scan(config, paths, LANGUAGES)
    js_settings = js_settings_modules(config)
    for source in files:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            errors.append(error_finding(READ_ERROR, source.rel, f"cannot read: {reason}"))
            continue
        try:
            text = backend(source.language).decode(data).text
            own = settings_modules if source.language == "python" else js_settings
            reads.extend(reads_in_text(source.rel, source.language, text, own))
        except DecodeError as exc:
            errors.append(
                error_finding(PARSE_ERROR, source.rel, f"cannot decode: {exc}", exc.location)
            )
        except SourceError as exc:
            errors.append(error_finding(PARSE_ERROR, source.rel, exc.message, exc.location))
        except Exception as exc:  # a bug in detection must not hide the other files
            detail = str(exc).strip().splitlines()
            reason = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
            message = f"environment reads not collected ({reason})"
            errors.append(error_finding(INTERNAL_ERROR, source.rel, message))
    return Inventory(len(files), sorted_reads(reads), tuple(errors))


# --- .env.example ------------------------------------------------------------------------

HEADER = (
    "# Environment variables the code reads; kept up to date by `audit env --write-example`.",
    "# Values written here are kept when the file is rewritten.",
)
USED_IN = "# used in "
STALE = "# Not read by the code any more:"
MAX_PLACES = 10  # more places than this are counted, not listed, to keep the line readable

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ASSIGNMENT = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=")
_BARE_VALUE = re.compile(r"[A-Za-z0-9_./:@+,%=-]*\Z")


@dataclass(frozen=True, slots=True)
class _Entry:
    comments: tuple[str, ...]  # what the user wrote above it, in order
    lines: tuple[str, ...]  # its `NAME=value` lines, verbatim (more than one if repeated)


@dataclass(frozen=True, slots=True)
class _Parsed:
    header: tuple[str, ...]
    entries: dict[str, _Entry]
    footer: tuple[str, ...]  # comments after the last assignment


def merge_env_example(existing_text: str, reads: Iterable[EnvRead]) -> str:
    """The new `.env.example` for `reads`, keeping everything the user wrote in
    `existing_text` ("" when there is no file yet); see the module docstring."""
    by_name: dict[str, list[EnvRead]] = {}
    for read in reads:
        if read.name is not None and _NAME.match(read.name):
            by_name.setdefault(read.name, []).append(read)
    newline = "\r\n" if "\r\n" in existing_text else "\n"
    parsed = _parse(existing_text)
    header = parsed.header if existing_text.strip() else HEADER

    blocks: list[list[str]] = []
    for name in sorted(by_name):
        entry = parsed.entries.get(name)
        used = [_used_in(by_name[name])]
        if entry is None:
            blocks.append([*used, f"{name}={_value(_default(by_name[name]))}"])
        else:
            blocks.append([*entry.comments, *used, *entry.lines])
    stale = sorted(set(parsed.entries) - set(by_name))
    if stale:
        blocks.append([STALE])
        blocks += [[*parsed.entries[n].comments, *parsed.entries[n].lines] for n in stale]
    if parsed.footer:
        blocks.append(list(parsed.footer))

    out: list[str] = [*header, ""] if header else []
    for block in blocks:
        out += [*block, ""]
    while out and out[-1] == "":
        out.pop()
    return newline.join(out) + newline if out else ""


def _parse(text: str) -> _Parsed:
    lines = text.splitlines()
    header: list[str] = []
    first_blank = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if first_blank and all(_is_own_comment(line) for line in lines[:first_blank]):
        header, lines = lines[:first_blank], lines[first_blank:]
    comments: dict[str, list[str]] = {}
    assignments: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in lines:
        if not line.strip() or _is_generated(line):
            continue
        match = _ASSIGNMENT.match(line)
        if match is None:
            # Comments and anything else that is not an assignment go with the next one.
            pending.append(line)
            continue
        name = match.group(1)
        comments.setdefault(name, []).extend(pending)
        assignments.setdefault(name, []).append(line)
        pending = []
    entries = {
        name: _Entry(tuple(comments[name]), tuple(assignments[name])) for name in assignments
    }
    return _Parsed(tuple(header), entries, tuple(pending))


def _is_generated(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(USED_IN) or stripped == STALE


def _is_own_comment(line: str) -> bool:
    return line.lstrip().startswith("#") and not _is_generated(line)


def _used_in(reads: Sequence[EnvRead]) -> str:
    # Settings modules first: that is where a variable should be defined.
    ordered = sorted(reads, key=lambda r: (not r.in_settings, r.path, r.location.line))
    places = list(dict.fromkeys(f"{r.path}:{r.location.line}" for r in ordered))
    shown = ", ".join(places[:MAX_PLACES])
    more = len(places) - MAX_PLACES
    return USED_IN + shown + (f" and {more} more" if more > 0 else "")


def _default(reads: Sequence[EnvRead]) -> str | None:
    ordered = sorted(reads, key=lambda r: (not r.in_settings, r.path, *r.place))
    return next((r.default for r in ordered if r.default is not None), None)


def _value(value: str | None) -> str:
    """A dotenv value: bare when that is unambiguous, else quoted so that spaces, `#` and
    quotes survive python-dotenv and docker compose alike."""
    if value is None or _BARE_VALUE.match(value):
        return value or ""
    if "'" not in value and not any(c in value for c in "\n\r\\"):
        return f"'{value}'"
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'
