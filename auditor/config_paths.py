"""A config's paths stay inside its repository (issue 23, item 4).

A config file comes with the code it configures: a repository you did not write must not
make auditor read or write files elsewhere (`issues-file = "/etc/shadow"`,
`report-output = "../../x.md"`). Every path setting must resolve, after `..` and symbolic
links, inside the repository's top level (git's, from the config file's folder), or,
outside git, inside the config file's folder; so a monorepo's `backend/pyproject.toml`
may still name `../issues.yaml`. Paths given on the command line are the user's own
choice and are not checked here. A source's `command` that is a relative path is a path
of the project; an absolute one names an installed program, as a bare name found on PATH
does, and is not a path of the project (running it is a matter of trust)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

Key = tuple[str, ...]  # below the config's table: ("sources", "lint", "file")


# The environment settings that can point git at a repository or change how it finds one
# (config given in the environment, conservatively). Others (GIT_SSL_CAINFO, GIT_AUTHOR_*,
# GIT_TRACE...) are common in CI and do not.
_GIT_LOCATING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CONFIG")


def may_be_in_git(directory: Path) -> bool:
    """Whether git could find a repository for `directory`: a `.git` (folder or file) in
    it or a parent, or a setting of `_GIT_LOCATING`. Where this says no, git would only say
    it is not in one: an unpacked archive or a copied tree does not start it."""
    # Only the names, for git to read as it pleases: no value here to validate.
    # audit: ignore[unvalidated-env]
    if any(name.startswith(_GIT_LOCATING) for name in os.environ):
        return True
    return any(os.path.lexists(os.path.join(d, ".git")) for d in (directory, *directory.parents))


class Source(Protocol):
    """What is read of a source's settings (auditor.config.SourceSettings), named so
    that this module needs no import of auditor.config, which uses it."""

    @property
    def name(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def paths(self) -> tuple[str, ...] | None: ...
    @property
    def command(self) -> tuple[str, ...]: ...


class Config(Protocol):
    """What is read of a config (auditor.config.Config)."""

    @property
    def root(self) -> Path: ...
    @property
    def include(self) -> tuple[str, ...]: ...
    @property
    def issues_file(self) -> str: ...
    @property
    def report_output(self) -> str | None: ...
    @property
    def sources(self) -> Sequence[Source]: ...


def path_settings(config: Config) -> Iterator[tuple[Key, str]]:
    """Every setting of `config` that names a path, relative to the root or absolute."""
    for entry in config.include:
        yield ("include",), entry
    yield ("issues-file",), config.issues_file
    if config.report_output is not None:
        yield ("report-output",), config.report_output
    for source in config.sources:
        if source.file is not None:
            yield ("sources", source.name, "file"), source.file
        for entry in source.paths or ():
            yield ("sources", source.name, "paths"), entry
        program = source.command[0] if source.command else ""
        if "/" in program and not os.path.isabs(program):
            yield ("sources", source.name, "command"), program


def outside(config: Config, toplevel: Callable[[Path], Path | None]) -> tuple[Key, str] | None:
    """The first path setting that resolves outside the repository (`toplevel` gives the
    top of the git repository holding a folder, or None), with the problem in words; or
    None. Git is asked only when a path leaves the config file's folder."""
    root = Path(os.path.realpath(config.root))
    bound: Path | None = None
    where = ""
    for key, value in path_settings(config):
        resolved = Path(os.path.realpath(root / value))  # an absolute value replaces root
        if resolved.is_relative_to(root):
            continue
        if bound is None:
            top = toplevel(root)
            bound = Path(os.path.realpath(top)) if top is not None else root
            where = (
                "the repository"
                if top is not None
                else "the config file's folder (not in a git repository)"
            )
        if not resolved.is_relative_to(bound):
            problem = f"resolves outside {where}: {_shown(resolved)} is not under {_shown(bound)}"
            return key, problem
    return None


def _shown(path: Path) -> str:
    """A path on one line, whatever characters its name has."""
    text = str(path)
    return text if text.isprintable() else repr(text)
