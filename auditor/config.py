"""Reading and validating `[tool.audit]`.

The nearest `pyproject.toml` with a `[tool.audit]` table, searching upward from where the
scan starts, is the project's config and its directory is the project root. Every error
names the file and the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from auditor.config_paths import may_be_in_git, outside
from auditor.errors import ConfigError
from auditor.model import Severity

if TYPE_CHECKING:
    from auditor.config_sources import SourceSettings  # made when a source is configured

OptionValue = bool | int | float | str | tuple[str, ...]

# As ruff's defaults: tool caches, virtual environments, vendored and built code.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".audit_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class RuleSettings:
    """One `[tool.audit.rules.<id>]` table: everything but severity and enabled are options."""

    severity: Severity | None = None
    enabled: bool | None = None
    options: Mapping[str, OptionValue] = field(default_factory=lambda: MappingProxyType({}))


SOURCE_KINDS = ("ruff", "mypy", "sarif", "tsc", "eslint")
SOURCE_NAME = r"^[a-z][a-z0-9_-]*$"  # compiled by `re` when a source is named
# The keys each kind of source accepts (besides `kind`).
SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "ruff": ("command", "args", "select", "paths", "timeout", "severity"),
    "mypy": ("command", "args", "paths", "timeout", "severity"),
    "sarif": ("command", "file", "timeout", "severity"),
    "tsc": ("command", "args", "timeout", "severity"),  # tsconfig.json says what it checks
    "eslint": ("command", "args", "paths", "timeout", "severity"),
}


@dataclass(frozen=True, slots=True, eq=False)
class Config:
    root: Path
    file: Path | None = None
    include: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.CRITICAL  # None: never fail on findings
    issues_file: str = "issues.yaml"
    report_output: str | None = None  # where `audit report` writes when no --output
    # The zone `audit report` shows dates in (IANA name); None: each commit's own offset,
    # as `git log` shows it.
    report_timezone: str | None = None
    # Bigger files are not parsed: LibCST needs about 400 bytes of memory per byte of
    # source, so a generated 10 MB module would take minutes and gigabytes.
    max_file_size: int = 1_000_000
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extend_safe_fixes: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    rules: Mapping[str, RuleSettings] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[SourceSettings, ...] = ()
    run_sources: bool = False  # `audit scan` runs the sources without --sources
    skip_generated: bool = True  # generated files (auditor/scan/generated.py) are not scanned
    generated_markers: tuple[str, ...] = ()  # patterns beside generated.DEFAULT_MARKERS
    report_unused_ignores: bool = False  # an `audit: ignore` that silences nothing is a finding
    # Where the built-in rules' pages are shown: <docs-url>/docs/rules/<id>.md (a fork, a mirror).
    docs_url: str | None = None

    @property
    def display_file(self) -> str:
        return display_path(self.file) if self.file else "(defaults)"


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# In each directory, first found wins (ruff's order): a file of our own, whose top level is
# the [tool.audit] table (for repositories without a pyproject.toml, JS/TS ones), then a
# pyproject.toml that has a [tool.audit] table.
OWN_CONFIG_FILES = (".audit.toml", "audit.toml")


def config_candidates(start: Path) -> Iterator[Path]:
    """Every file config discovery looks at from `start` up, in the order it looks: the
    language server watches these, up to the one found, to find the config again."""
    for directory in (start, *start.parents):
        for name in (*OWN_CONFIG_FILES, "pyproject.toml"):
            yield directory / name


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` (see OWN_CONFIG_FILES): the one owner
    of config discovery, for the command line, the language server and the tracker."""
    for candidate in config_candidates(start):
        if not candidate.is_file():
            continue
        if candidate.name != "pyproject.toml":
            return candidate
        if "audit" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    start = start.resolve()
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{display_path(explicit)}: config file not found")
        path = explicit.resolve()
        document = _read_toml(path)
        # A pyproject.toml keeps its settings under [tool.audit]; any other file is all ours.
        if path.name == "pyproject.toml":
            table, prefix = document.get("tool", {}).get("audit", {}), "tool.audit"
        else:
            table, prefix = document, ""
        return parse_config(table, root=path.parent, file=path, prefix=prefix)
    found = find_config(start)
    if found is None:
        return Config(root=_git_toplevel(start) or start)
    if found.name in OWN_CONFIG_FILES:
        return parse_config(_read_toml(found), root=found.parent, file=found, prefix="")
    return parse_config(_read_toml(found)["tool"]["audit"], root=found.parent, file=found)


def _git_toplevel(start: Path) -> Path | None:
    if not may_be_in_git(start):
        return None  # what git would answer, without starting it
    import subprocess  # here: most runs outside git, and a found config, never start it

    try:
        out = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # git is not installed
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 else None


MAX_CONFIG_BYTES = 10_000_000  # a config file this large is not a config file


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here: a project without a config file never reads TOML

    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{display_path(path)}: too large to be a config file")
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display_path(path)}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{display_path(path)}: invalid TOML: not valid UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{display_path(path)}: cannot read: {exc.strerror}") from None


# --- validation -----------------------------------------------------------------------


class _Checker:
    def __init__(self, file: Path, prefix: str) -> None:
        self.file = file
        self.prefix = prefix

    def key(self, *parts: str) -> str:
        return ".".join(p for p in (self.prefix, *parts) if p)

    def at(self, key: str) -> str:
        """Where `key` is set in the file, as ":line:column"; "" when it cannot be found."""
        from auditor.config_positions import key_position  # only an error reads the file again

        where = key_position(self.file, key)
        return f":{where[0]}:{where[1]}" if where else ""

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{display_path(self.file)}{self.at(key)}: '{key}' {problem}")

    def unknown(self, key: str, known: list[str]) -> ConfigError:
        name = key.rsplit(".", 1)[-1]
        import difflib  # here: only a mistyped key needs it

        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return ConfigError(f"{display_path(self.file)}{self.at(key)}: unknown key '{key}'{hint}")

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of strings (got {_describe(value)})")
        return tuple(value)

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string (got {_describe(value)})")
        return value

    def severity(self, value: object, key: str, *, allow_none: bool = False) -> Severity | None:
        text = self.string(value, key)
        if allow_none and text.strip().lower() == "none":
            return None
        try:
            return Severity.parse(text)
        except ValueError:
            choices = "critical, high, medium, low" + (", none" if allow_none else "")
            raise self.fail(key, f"must be one of {choices} (got {text!r})") from None


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list with " + ", ".join(sorted({type(v).__name__ for v in value}) or ["nothing"])
    if isinstance(value, dict):
        return "a table"
    return f"{type(value).__name__} {value!r}"


def parse_config(table: object, *, root: Path, file: Path, prefix: str = "tool.audit") -> Config:
    check = _Checker(file, prefix)
    if not isinstance(table, dict):
        raise check.fail(prefix, "must be a table")
    values: dict[str, Any] = {}
    parsers: dict[str, Callable[[object, str], None]] = {}

    def strings_into(name: str) -> Callable[[object, str], None]:
        def parse(value: object, key: str) -> None:
            values[name] = check.strings(value, key)

        return parse

    for key in ("include", "exclude", "extend-exclude", "ignore", "extend-safe-fixes", "plugins"):
        parsers[key] = strings_into(key.replace("-", "_"))

    def select(value: object, key: str) -> None:
        chosen = check.strings(value, key)
        if not chosen:
            raise check.fail(key, "selects no rule: leave it out to run every rule")
        values["select"] = chosen

    def fail_on(value: object, key: str) -> None:
        values["fail_on"] = check.severity(value, key, allow_none=True)

    def issues_file(value: object, key: str) -> None:
        values["issues_file"] = check.string(value, key)

    def report_output(value: object, key: str) -> None:
        values["report_output"] = check.string(value, key)

    def report_timezone(value: object, key: str) -> None:
        import zoneinfo

        name = check.string(value, key)
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise check.fail(
                key, f"is not a time zone name such as 'UTC' or 'Europe/Paris' (got {name!r})"
            ) from None
        values["report_timezone"] = name

    def docs_url(value: object, key: str) -> None:
        values["docs_url"] = check.string(value, key).rstrip("/")
        if not values["docs_url"]:
            raise check.fail(key, "must be a URL, e.g. https://github.com/you/auditor/blob/main")

    def max_file_size(value: object, key: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise check.fail(
                key, f"must be a number of bytes, 0 for no limit (got {_describe(value)})"
            )
        values["max_file_size"] = value

    def per_file_ignores(value: object, key: str) -> None:
        if not isinstance(value, dict):
            raise check.fail(key, f"must be a table of glob = [rule ids] (got {_describe(value)})")
        values["per_file_ignores"] = tuple(
            (pattern, check.strings(ids, f"{key}.{pattern}")) for pattern, ids in value.items()
        )

    def rules(value: object, key: str) -> None:
        if not isinstance(value, dict):
            raise check.fail(key, f"must be a table of rule tables (got {_describe(value)})")
        values["rules"] = MappingProxyType(
            {
                rule_id: _rule_settings(check, body, f"{key}.{rule_id}")
                for rule_id, body in value.items()
            }
        )

    def sources(value: object, key: str) -> None:
        if not isinstance(value, dict):
            raise check.fail(key, f"must be a table of source tables (got {_describe(value)})")
        values["sources"] = tuple(
            _source_settings(check, name, body, f"{key}.{name}") for name, body in value.items()
        )

    def run_sources(value: object, key: str) -> None:
        if not isinstance(value, bool):
            raise check.fail(key, f"must be true or false (got {_describe(value)})")
        values["run_sources"] = value

    def report_unused_ignores(value: object, key: str) -> None:
        if not isinstance(value, bool):
            raise check.fail(key, f"must be true or false (got {_describe(value)})")
        values["report_unused_ignores"] = value

    def generated_markers(value: object, key: str) -> None:
        patterns = check.strings(value, key)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise check.fail(key, f"holds an invalid pattern {pattern!r}: {exc}") from None
        values["generated_markers"] = patterns

    def skip_generated(value: object, key: str) -> None:
        if not isinstance(value, bool):
            raise check.fail(key, f"must be true or false (got {_describe(value)})")
        values["skip_generated"] = value

    parsers.update(
        {
            "select": select,
            "fail-on": fail_on,
            "issues-file": issues_file,
            "report-output": report_output,
            "report-timezone": report_timezone,
            "docs-url": docs_url,
            "max-file-size": max_file_size,
            "per-file-ignores": per_file_ignores,
            "rules": rules,
            "sources": sources,
            "run-sources": run_sources,
            "skip-generated": skip_generated,
            "generated-markers": generated_markers,
            "report-unused-ignores": report_unused_ignores,
        }
    )
    for name, value in table.items():
        key = check.key(name)
        if name not in parsers:
            raise check.unknown(key, list(parsers))
        parsers[name](value, key)
    config = Config(root=root, file=file, **values)
    escape = outside(config, _git_toplevel)  # paths stay in the repository: config_paths
    if escape is not None:
        raise check.fail(check.key(*escape[0]), escape[1])
    return config


def _rule_settings(check: _Checker, body: object, key: str) -> RuleSettings:
    if not isinstance(body, dict):
        raise check.fail(key, f"must be a table (got {_describe(body)})")
    severity: Severity | None = None
    enabled: bool | None = None
    options: dict[str, OptionValue] = {}
    for name, value in body.items():
        sub = f"{key}.{name}"
        if name == "severity":
            severity = check.severity(value, sub)
        elif name == "enabled":
            if not isinstance(value, bool):
                raise check.fail(sub, f"must be true or false (got {_describe(value)})")
            enabled = value
        elif isinstance(value, list):
            options[name] = check.strings(value, sub)
        elif isinstance(value, bool | int | float | str):
            options[name] = value
        else:
            raise check.fail(
                sub, f"must be a string, number, boolean or list (got {_describe(value)})"
            )
    return RuleSettings(severity, enabled, MappingProxyType(options))


def _source_settings(check: _Checker, name: str, body: object, key: str) -> SourceSettings:
    from auditor.config_sources import SourceSettings

    if not re.match(SOURCE_NAME, name):
        raise check.fail(
            key,
            "is not a valid source name: lower-case letters, digits, '-' and '_', "
            "starting with a letter (it prefixes rule ids: name:code)",
        )
    if not isinstance(body, dict):
        raise check.fail(key, f"must be a table (got {_describe(body)})")
    if "kind" not in body:
        raise check.fail(key, f"needs a 'kind': one of {', '.join(SOURCE_KINDS)}")
    kind = check.string(body["kind"], f"{key}.kind")
    if kind not in SOURCE_KINDS:
        raise check.fail(f"{key}.kind", f"must be one of {', '.join(SOURCE_KINDS)} (got {kind!r})")
    allowed = SOURCE_KEYS[kind]
    values: dict[str, Any] = {}
    for option, value in body.items():
        sub = f"{key}.{option}"
        if option == "kind":
            continue
        if option not in allowed:
            if any(option in keys for keys in SOURCE_KEYS.values()):
                raise check.fail(sub, f"does not apply to a source of kind {kind!r}")
            raise check.unknown(sub, ["kind", *allowed])
        if option == "command":
            if isinstance(value, str):
                try:
                    import shlex  # here: only a source's command needs it

                    command = tuple(shlex.split(value))
                except ValueError as exc:
                    raise check.fail(sub, f"cannot be split into words: {exc}") from None
            else:
                command = check.strings(value, sub)
            if not command or not command[0]:
                raise check.fail(sub, "must name a program")
            values["command"] = command
        elif option in ("args", "select", "paths"):
            values[option] = check.strings(value, sub)
        elif option == "file":
            values["file"] = check.string(value, sub)
            if not values["file"]:
                raise check.fail(sub, "must be a path relative to the project root")
        elif option == "timeout":
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise check.fail(sub, f"must be a number of seconds (got {_describe(value)})")
            values["timeout"] = float(value)
        elif option == "severity":
            if isinstance(value, dict):
                values["severities"] = tuple(
                    (code, _severity(check, level, f"{sub}.{code}"))
                    for code, level in value.items()
                )
            else:
                values["severity"] = _severity(check, value, sub)
    if kind == "sarif" and "command" not in values and "file" not in values:
        raise check.fail(key, "needs a 'command' that prints SARIF, a 'file' to read, or both")
    return SourceSettings(name=name, kind=kind, **values)


def _severity(check: _Checker, value: object, key: str) -> Severity:
    severity = check.severity(value, key)
    assert severity is not None
    return severity
