"""Trust, as direnv does it: a project's own code runs only once its user has said so.

Everything a scanned repository can make auditor run is named by its config: local plugin
modules (imported), and sources (their commands, and the tools they start, which read the
project's own tool config: `eslint.config.js` is code, mypy's `plugins` import project
code). `audit trust` records, in the user's own config folder (never in the repository),
the project's root and a digest of those settings and of the files they name (plugin
modules, scripts run by path). A change to either lapses the trust. `--trust` or
`AUDIT_TRUST=1` trusts for one run.

An untrusted project still gets every built-in rule; what it asked to run is refused, named
with the setting that asked for it, and the command fails (exit 2): a gate must not pass on
a partial check. The CLI opens one session per command (auditor.trust_session); whoever
would run the code asks `allowed`, which notes each refusal in that session for the CLI
to print.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config import Config
from auditor.config_sources import SourceSettings
from auditor.errors import AuditError
from auditor.trust_session import current
from auditor.user_dirs import config_dir

TRUST_COMMAND = "audit trust"
HOW_TO_TRUST = f"review it, then run `{TRUST_COMMAND}` (or pass --trust for one run)"
RECORD_VERSION = 1
# Folders whose content a tool installs, not the project's authors: covered by the trust
# of the project, not hashed (node_modules alone can hold 100,000 files).
_UNHASHED = frozenset({"node_modules", ".venv", "venv", "__pycache__", ".git"})


@dataclass(frozen=True, slots=True)
class CodeSetting:
    """A setting that makes auditor run the project's code."""

    key: str  # "tool.audit.plugins", "tool.audit.sources.lint"
    runs: str  # what it runs, for messages: "imports the plugin module tools.rules"


@dataclass(frozen=True, slots=True)
class Refusal:
    config_file: str  # as displayed
    setting: CodeSetting

    def message(self) -> str:
        return (
            f"{self.config_file}: not trusted: '{self.setting.key}' {self.setting.runs}; "
            + HOW_TO_TRUST
        )


class Untrusted(AuditError):
    """A command that can do nothing useful without running the project's code."""


# --- what a project asks to run --------------------------------------------------------


def plugin_settings(config: Config) -> tuple[CodeSetting, ...]:
    """The plugin modules the project's config names, as one setting (or none)."""
    if not config.plugins:
        return ()
    names = ", ".join(config.plugins)
    return (CodeSetting(_key(config, "plugins"), f"imports the plugin module(s) {names}"),)


def source_settings(config: Config) -> tuple[CodeSetting, ...]:
    """Each source the project's config names (they run only all together)."""
    return tuple(CodeSetting(_key(config, "sources", s.name), _runs(s)) for s in config.sources)


def code_settings(config: Config) -> tuple[CodeSetting, ...]:
    return (*plugin_settings(config), *source_settings(config))


def _key(config: Config, *parts: str) -> str:
    in_pyproject = config.file is not None and config.file.name == "pyproject.toml"
    return ".".join(p for p in ("tool.audit" if in_pyproject else "", *parts) if p)


def _runs(source: SourceSettings) -> str:
    if source.command:
        return f"runs `{' '.join(source.command)}`"
    return f"runs {source.kind} with this project's {source.kind} configuration"


def digest(config: Config) -> str:
    """What trust is given to: the settings that run code and the content of the files
    they name under the project root (plugin packages, scripts run by path)."""
    hasher = hashlib.sha256()
    settings = {
        "plugins": list(config.plugins),
        "sources": [
            [s.name, s.kind, list(s.command), list(s.args), list(s.paths or ()), s.file]
            for s in config.sources
        ],
    }
    hasher.update(json.dumps(settings, sort_keys=True).encode())
    for path in _named_files(config):
        hasher.update(b"\0" + path.relative_to(config.root).as_posix().encode() + b"\0")
        try:
            hasher.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            hasher.update(f"unreadable {exc.errno}".encode())
    return hasher.hexdigest()


def _named_files(config: Config) -> list[Path]:
    root = config.root
    found: set[Path] = set()
    if config.plugins:
        # The root is on the import path while plugins load: any module there may run.
        found.update(path for path in root.glob("*.py") if path.is_file())
    for spec in config.plugins:
        package = root / spec.partition(":")[0].split(".")[0]
        if package.is_dir():
            found.update(_source_files(package))
    for source in config.sources:
        if source.command and "/" in source.command[0]:
            script = (root / source.command[0]).resolve()
            if script.is_file() and script.is_relative_to(root):
                found.add(script)
    return sorted(found)


def _source_files(package: Path) -> Iterator[Path]:
    # A package's import may run any of its modules, so all of them are what is trusted.
    for directory, subdirs, files in os.walk(package):
        subdirs[:] = sorted(d for d in subdirs if d not in _UNHASHED)
        for name in sorted(files):
            if name.endswith((".py", ".pth", ".so", ".pyd")):
                yield Path(directory) / name


# --- the user's records ----------------------------------------------------------------


def record_path(root: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
    return config_dir() / "trusted" / f"{name}.json"


def is_trusted(config: Config) -> bool:
    """Whether the user trusts the project as its code stands now."""
    if current().override:
        return True
    try:
        record = json.loads(record_path(config.root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("version") == RECORD_VERSION
        and record.get("root") == str(config.root.resolve())
        and record.get("digest") == digest(config)
    )


def allowed(config: Config, asked: Sequence[CodeSetting]) -> bool:
    """Whether the project's code that `asked` names may run; if not, each is noted as
    refused in the command's session."""
    if not asked or is_trusted(config):
        return True
    current().note([Refusal(config.display_file, setting) for setting in asked])
    return False


def trusted_plugins(config: Config) -> tuple[str, ...]:
    """The plugin modules to import: the configured ones in a trusted project, else none."""
    return config.plugins if allowed(config, plugin_settings(config)) else ()


def require(config: Config, what: str) -> None:
    """For a command that is only the project's code running: refuse it outright."""
    asked = code_settings(config)
    if not asked or is_trusted(config):
        return
    keys = ", ".join(f"'{s.key}'" for s in asked)
    raise Untrusted(
        f"{config.display_file}: not trusted: {what} runs this project's code ({keys}); "
        + HOW_TO_TRUST
    )


def grant(config: Config) -> Path:
    """Record the user's trust in the project as it stands; returns the record's path."""
    from auditor.scan.fileio import write_atomic

    record = {
        "version": RECORD_VERSION,
        "root": str(config.root.resolve()),
        "config": str(config.file) if config.file else None,
        "digest": digest(config),
    }
    path = record_path(config.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(record, indent=2) + "\n").encode())
    return path


def revoke(config: Config) -> bool:
    """Forget the trust in the project; whether there was any."""
    try:
        record_path(config.root).unlink()
    except FileNotFoundError:
        return False
    return True
