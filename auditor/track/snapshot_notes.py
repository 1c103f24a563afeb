"""Snapshots: the findings of every source (and of the rules) at a commit, kept in git notes
under `refs/notes/audit`, so the tracker's history knows source findings at past commits
without running mypy at each of them.

Why git notes rather than files in the tree: a note is keyed by its commit and belongs to
no commit, so recording one makes no commit of its own (no "snapshot" commits on main, no
CI loop, no merge conflicts in a folder of JSON), leaves the work tree clean, and travels
with `git push origin refs/notes/audit` / `git fetch origin refs/notes/audit:refs/notes/audit`.
`git notes --ref audit show HEAD` shows one.

A note is one line of JSON (schema `auditor.snapshot/1`) holding one entry per project
root in the repository (".", or its path from the top), so the projects of a monorepo each
keep their own. Source findings carry their content key and occurrence, so the history
follows them from snapshot to snapshot as it follows the rules' findings from blob to blob.

In the history a snapshot of a source counts where one exists; between snapshots the last
known state is carried forward (a missing snapshot never looks like a fix), and before a
source's first snapshot its findings are taken to be those of that snapshot.
`audit snapshot --backfill` writes the same notes at past commits
(`auditor.track.backfill`), each source marked with the toolchain it ran with.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from auditor import __version__
from auditor.model import Finding, Location, Severity
from auditor.sources.report import ContentKey, SourceReport
from auditor.track.git_objects import GitError, run_git

NOTES_REF = "refs/notes/audit"
SCHEMA = "auditor.snapshot/1"
# Besides source files: where ruff and mypy read their settings. A change to one of them
# changes their findings, so a snapshot refuses a work tree where they differ from HEAD.
CONFIG_FILES = frozenset(
    {"pyproject.toml", "setup.cfg", "mypy.ini", ".mypy.ini", "ruff.toml", ".ruff.toml"}
)

Entry = tuple[ContentKey, Finding]


class SnapshotError(Exception):
    """A note that is not a readable snapshot."""


@dataclass(frozen=True, slots=True)
class SourceSnapshot:
    name: str
    kind: str
    error: str | None  # the source failed at this commit: its findings are unknown
    entries: tuple[Entry, ...] = ()
    # "head": backfilled with HEAD's dependency folders linked in, so as good as HEAD's
    # toolchain; "setup": backfilled after the user's setup command; "": at its commit.
    toolchain: str = ""


@dataclass(frozen=True, slots=True)
class ProjectSnapshot:
    commit: str
    rules: tuple[Finding, ...]
    sources: Mapping[str, SourceSnapshot] = field(default_factory=dict)


# --- the note's JSON ---------------------------------------------------------------------


def _finding_json(finding: Finding, key: ContentKey | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "path": finding.path,
        "start": {"line": finding.start.line, "column": finding.start.column},
        "end": {"line": finding.end.line, "column": finding.end.column},
        "message": finding.message,
        "fingerprint": finding.fingerprint,
    }
    if key is not None:
        data["key"], data["occurrence"] = key[1], key[2]
    return data


def project_json(rules: Sequence[Finding], reports: Sequence[SourceReport]) -> dict[str, Any]:
    """One project's entry: the rules' findings, and each source's (or its error)."""
    return {
        "tool": {"name": "auditor", "version": __version__},
        "rules": [_finding_json(f) for f in rules if f.is_finding],
        "sources": {
            report.name: {
                "kind": report.kind,
                "error": report.error,
                "findings": [
                    _finding_json(f, k) for f, k in zip(report.findings, report.keys, strict=True)
                ],
            }
            for report in reports
        },
    }


def encode(commit: str, projects: Mapping[str, Any]) -> bytes:
    document = {"schema": SCHEMA, "commit": commit, "projects": dict(sorted(projects.items()))}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text + "\n").encode("utf-8")


def projects_of(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise SnapshotError(f"not an auditor snapshot (expected schema {SCHEMA!r})")
    projects = document.get("projects")
    if not isinstance(projects, dict):
        raise SnapshotError("'projects' is not an object")
    return projects


def _location(value: object) -> Location:
    if not isinstance(value, dict):
        raise SnapshotError("a finding has no start or end")
    line, column = value.get("line"), value.get("column")
    if not isinstance(line, int) or not isinstance(column, int):
        raise SnapshotError("a finding's line or column is not a number")
    return Location(line, column)


def _finding(value: object) -> tuple[Finding, ContentKey | None]:
    if not isinstance(value, dict):
        raise SnapshotError("a finding is not an object")
    fields = ("rule_id", "severity", "path", "message", "fingerprint")
    if not all(isinstance(value.get(name), str) for name in fields):
        raise SnapshotError("a finding lacks one of " + ", ".join(fields))
    try:
        severity = Severity.parse(value["severity"])
    except ValueError as exc:
        raise SnapshotError(str(exc)) from None
    finding = Finding(
        rule_id=value["rule_id"],
        severity=severity,
        path=value["path"],
        start=_location(value.get("start")),
        end=_location(value.get("end")),
        message=value["message"],
        fingerprint=value["fingerprint"],
    )
    key, occurrence = value.get("key"), value.get("occurrence")
    if isinstance(key, str) and isinstance(occurrence, int):
        return finding, (finding.rule_id, key, occurrence)
    return finding, None


def parse_project(commit: str, data: bytes, project: str) -> ProjectSnapshot | None:
    """The snapshot of one project in a note; None when the note has no entry for it."""
    entry = projects_of(data).get(project)
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise SnapshotError(f"the entry of project {project!r} is not an object")
    rules = tuple(_finding(item)[0] for item in _list(entry.get("rules")))
    sources: dict[str, SourceSnapshot] = {}
    raw_sources = entry.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise SnapshotError("'sources' is not an object")
    for name, body in raw_sources.items():
        if not isinstance(body, dict):
            raise SnapshotError(f"source {name!r} is not an object")
        error = body.get("error")
        entries = []
        for item in _list(body.get("findings")):
            finding, key = _finding(item)
            if key is None:
                raise SnapshotError(f"a finding of source {name!r} has no key and occurrence")
            entries.append((key, finding))
        sources[name] = SourceSnapshot(
            name=name,
            kind=str(body.get("kind") or ""),
            error=str(error) if error is not None else None,
            entries=tuple(entries),
            toolchain=str(body.get("toolchain") or ""),
        )
    return ProjectSnapshot(commit, rules, sources)


def _list(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SnapshotError("a list of findings is not a list")
    return value


# --- git ---------------------------------------------------------------------------------


def git_output(
    top: Path, *args: str, data: bytes | None = None, env: dict[str, str] | None = None
) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=top, input=data, capture_output=True, check=False, env=env
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def project_key(top: Path, root: Path) -> str:
    """The project root relative to the top of the work tree, as notes key projects."""
    return root.resolve().relative_to(top.resolve()).as_posix()


def notes_index(repo: git.Repo) -> dict[str, str]:
    """commit sha -> note blob sha, for every snapshot note (one `git notes list`)."""
    out = run_git(repo, "notes", "--ref", NOTES_REF, "list")
    index = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            index[parts[1]] = parts[0]
    return index


def first_parent_ancestors(repo: git.Repo, commit: str) -> Iterator[str]:
    """`commit` and its first-parent ancestors, newest first."""
    yield from run_git(repo, "rev-list", "--first-parent", commit).split()


class Snapshots:
    """The snapshots of one project, read from git notes on demand."""

    def __init__(self, repo: git.Repo, project: str) -> None:
        self.repo = repo
        self.project = project
        self.index = notes_index(repo)
        self.problems: list[str] = []
        self._parsed: dict[str, ProjectSnapshot | None] = {}

    def at(self, commit: str) -> ProjectSnapshot | None:
        if commit in self._parsed:
            return self._parsed[commit]
        snapshot = None
        blob = self.index.get(commit)
        if blob is not None:
            data: bytes = self.repo.odb.stream(bytes.fromhex(blob)).read()
            try:
                snapshot = parse_project(commit, data, self.project)
            except SnapshotError as exc:
                self.problems.append(f"the snapshot of {commit[:7]} is ignored: {exc}")
        self._parsed[commit] = snapshot
        return snapshot

    def source(self, commit: str, name: str) -> SourceSnapshot | None:
        """The findings of source `name` at `commit`, if recorded there and it ran."""
        snapshot = self.at(commit)
        if snapshot is None:
            return None
        found = snapshot.sources.get(name)
        return found if found is not None and found.error is None else None


def git_env(top: Path) -> dict[str, str]:
    """The environment for a command that commits (`git notes add`): a CI runner often has
    no identity configured; then the notes commit is made as auditor."""
    env = dict(os.environ)
    probe = subprocess.run(
        ["git", "var", "GIT_COMMITTER_IDENT"], cwd=top, capture_output=True, check=False
    )
    if probe.returncode != 0:
        for who in ("AUTHOR", "COMMITTER"):
            env.setdefault(f"GIT_{who}_NAME", "auditor")
            env.setdefault(f"GIT_{who}_EMAIL", "auditor@localhost")
    return env


def read_note(top: Path, commit: str) -> bytes | None:
    try:
        blob = git_output(top, "notes", "--ref", NOTES_REF, "list", commit).decode().strip()
    except GitError:
        return None  # no note for this commit
    return git_output(top, "cat-file", "blob", blob)


def noted_projects(top: Path, commit: str) -> dict[str, Any]:
    """The projects the note of `commit` holds, to add to: none when it has no note, or
    one that does not read (a new note replaces it)."""
    existing = read_note(top, commit)
    if existing is None:
        return {}
    try:
        return projects_of(existing)
    except SnapshotError:
        return {}


def write_note(top: Path, commit: str, data: bytes) -> None:
    """Store `data` verbatim as the note of `commit` (replacing any), as a blob reused by
    `git notes add -C`, which copies it unchanged (no whitespace clean-up)."""
    blob = git_output(top, "hash-object", "-w", "--stdin", data=data).decode().strip()
    git_output(top, "notes", "--ref", NOTES_REF, "add", "-f", "-C", blob, commit, env=git_env(top))
