"""`audit snapshot`: every source's findings and the rules' at HEAD, recorded as a git
note (`auditor.track.snapshot_notes` has the format and why notes)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from auditor.config import Config
from auditor.errors import UsageError
from auditor.model import Finding
from auditor.scan.discovery import language_of
from auditor.scan.run import CACHE_DIR, Project, scan
from auditor.sources.findings import in_scope
from auditor.sources.report import SourceReport
from auditor.track.git_objects import GitError
from auditor.track.snapshot_notes import (
    CONFIG_FILES,
    encode,
    git_output,
    noted_projects,
    project_json,
    project_key,
    write_note,
)


@dataclass(frozen=True, slots=True)
class Taken:
    commit: str
    rules: tuple[Finding, ...]
    sources: tuple[SourceReport, ...]


def _top(root: Path) -> tuple[Path, str]:
    try:
        top = git_output(root, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        raise UsageError("not a git work tree: a snapshot describes a commit") from None
    try:
        head = git_output(root, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    except GitError:
        raise UsageError(
            "the repository has no commits yet: a snapshot describes a commit"
        ) from None
    return Path(top), head


def changed_paths(top: Path, root: Path) -> list[str]:
    """Paths under the project root (relative to it) that differ from HEAD: staged,
    unstaged, deleted, or untracked and not ignored."""
    prefix = project_key(top, root)
    out = git_output(
        top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", prefix
    ).decode("utf-8", "surrogateescape")
    parts = out.split("\0")
    paths = []
    index = 0
    while index < len(parts):
        entry = parts[index]
        index += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            index += 1  # the old path follows
        rel = path if prefix == "." else posixpath.relpath(path, prefix)
        paths.append(rel)
    return paths


def check_clean(config: Config, top: Path) -> None:
    """Refuse a work tree that differs from HEAD in what the rules or a source read:
    source files in the scan's scope, the tools' config files, and, when a SARIF source
    (which may read anything) is configured, every file in scope."""
    covered = in_scope(config, [])
    any_file = any(s.kind == "sarif" for s in config.sources)
    dirty = [
        rel
        for rel in changed_paths(top, config.root)
        if covered(rel)
        and (any_file or language_of(rel) is not None or posixpath.basename(rel) in CONFIG_FILES)
    ]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise UsageError(
            f"the work tree differs from HEAD in {shown}: a snapshot must "
            "describe a commit; commit or stash the changes first"
        )


def take(project: Project) -> Taken:
    """Scan the work tree (clean: it is HEAD) with every source, and store the result as
    HEAD's note."""
    config = project.config
    top, head = _top(config.root)
    check_clean(config, top)
    outcome = scan(project, [], sources=True, cache_dir=config.root / CACHE_DIR)
    rules = tuple(f for f in outcome.findings if ":" not in f.rule_id)
    key = project_key(top, config.root)
    projects = noted_projects(top, head)
    projects[key] = project_json(rules, outcome.sources)
    try:
        write_note(top, head, encode(head, projects))
    except GitError as exc:
        raise UsageError(f"cannot write the snapshot note: {exc}") from None
    return Taken(head, rules, outcome.sources)
