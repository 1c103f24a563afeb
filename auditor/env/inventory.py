"""Every read of an environment variable in the project, as language-neutral data.

The core knows no rule that finds reads: each loaded rule whose class answers `env_reads`
contributes the reads of the files of its languages, with its own configured options
(where its settings modules are). The built-in unvalidated-env rules answer from the same
detection they report from, so the rule and the inventory cannot disagree about what a
read is, nor about which reads are validated; a third-party rule (an in-house secrets
reader, say) feeds `audit env` the same way. Reading the files is the only I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config import Config, OptionValue
from auditor.env.reads import EnvRead
from auditor.model import (
    INTERNAL_ERROR,
    PARSE_ERROR,
    READ_ERROR,
    Finding,
    SourceError,
    error_finding,
)
from auditor.scan.engine import backend
from auditor.scan.loading import LoadedRule, configured_options
from auditor.scan.rule_base import reads_env
from auditor.scan.rule_core import BaseRule
from auditor.scan.source import DecodeError
from auditor.scan.targets import sources_to_scan


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


@dataclass(frozen=True, slots=True)
class Reader:
    """A rule class that finds reads, with the options this project gives it."""

    cls: type[BaseRule]
    options: Mapping[str, OptionValue]


def readers(config: Config, registry: Mapping[str, LoadedRule]) -> tuple[Reader, ...]:
    """The loaded rules that find reads, whatever the selection: the inventory lists what
    the code reads, not what a scan reports."""
    return tuple(
        Reader(cls, configured_options(config, loaded, cls))
        for _, loaded in sorted(registry.items())
        for cls in loaded.classes
        if reads_env(cls)
    )


def sorted_reads(reads: Iterable[EnvRead]) -> tuple[EnvRead, ...]:
    # A read two rules both find is listed once.
    return tuple(sorted(dict.fromkeys(reads), key=EnvRead.sort_key))


def reads_in_text(
    path: str, language: str, text: str, rules: Sequence[Reader]
) -> tuple[EnvRead, ...]:
    """The reads in one file's decoded text. Raises SourceError when it does not parse."""
    found: list[EnvRead] = []
    for reader in rules:
        if language in reader.cls.languages:
            found.extend(reader.cls.env_reads(path, text, reader.options) or ())
    return tuple(found)


def read_inventory(config: Config, paths: Sequence[Path], rules: Sequence[Reader]) -> Inventory:
    """Every read in the project's files under `paths` (default: the configured include)."""
    reads: list[EnvRead] = []
    languages = frozenset(lang for reader in rules for lang in reader.cls.languages)
    files, problems = sources_to_scan(config, paths, languages)
    errors = [f for f in problems if f.is_error]  # folders that cannot be listed
    for source in files:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            errors.append(error_finding(READ_ERROR, source.rel, f"cannot read: {reason}"))
            continue
        try:
            text = backend(source.language).decode(data).text
            reads.extend(reads_in_text(source.rel, source.language, text, rules))
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
