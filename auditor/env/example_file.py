"""`.env.example`: the file `audit env --write-example` writes, merged with what a user
already wrote in it.

Merge policy (`merge_env_example`):

- One block per variable the code reads by a literal name, sorted by name: a generated
  `# used in path:line, ...` comment (validated reads first, then settings modules, then
  by path and line), then
  `NAME=value`. A variable already in the file keeps its line exactly as it was (value,
  quoting, `export`), and the comments written above it move with it. A new variable gets
  its literal default (from a validated read first, then a settings module, else the
  first place that has one), or nothing.
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.env.reads import EnvRead

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


def add_to_env_example(existing_text: str, reads: Iterable[EnvRead]) -> str:
    """`existing_text` with a block (`# used in ...`, `NAME=default`) appended for each
    variable of `reads` it does not hold yet, sorted by name; everything already in it
    stays exactly as it is (a fix adding the variables it moved, which knows no other
    reads). A new file is `merge_env_example`'s. Idempotent."""
    if not existing_text.strip():
        return merge_env_example(existing_text, reads)
    by_name: dict[str, list[EnvRead]] = {}
    for read in reads:
        if read.name is not None and _NAME.match(read.name):
            by_name.setdefault(read.name, []).append(read)
    missing = sorted(set(by_name) - set(_parse(existing_text).entries))
    if not missing:
        return existing_text
    newline = "\r\n" if "\r\n" in existing_text else "\n"
    out = existing_text if existing_text.endswith(("\n", "\r")) else existing_text + newline
    for name in missing:
        reads_of = by_name[name]
        out += newline + _used_in(reads_of) + newline
        out += f"{name}={_value(_default(reads_of))}" + newline
    return out


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
    # Validated reads first, then settings modules: that is where a variable is defined.
    ordered = sorted(
        reads, key=lambda r: (not r.validated, not r.in_settings, r.path, r.location.line)
    )
    places = list(dict.fromkeys(f"{r.path}:{r.location.line}" for r in ordered))
    shown = ", ".join(places[:MAX_PLACES])
    more = len(places) - MAX_PLACES
    return USED_IN + shown + (f" and {more} more" if more > 0 else "")


def _default(reads: Sequence[EnvRead]) -> str | None:
    ordered = sorted(reads, key=lambda r: (not r.validated, not r.in_settings, r.path, *r.place))
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
