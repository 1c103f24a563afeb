"""`audit snapshot --backfill`: each source's findings at past first-parent commits, recorded
as the snapshot notes `audit snapshot` writes at HEAD, so a team that adopts auditor late
still has the history of its other tools.

Each commit is checked out in a temporary work tree (`auditor.track.worktrees`) and the
sources run there, several commits at once in the worker pool (`auditor.workers`),
bounded by `--jobs` and by memory (tsc takes a gigabyte or more). Only the commits that
can change a source's findings run it: the first of the range, and each that changed the
source's relevant tree (what it checks, its configuration) since the last one recorded;
the history carries a snapshot forward over the others. A commit already recorded is not
run again, so an interrupted backfill resumes where it stopped; one where the source
failed is tried again. A past commit where none of the paths the source checks existed
yet records an empty result: there was nothing of it to find.
"""

from __future__ import annotations

import posixpath
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from auditor.config import Config
from auditor.config_sources import SourceSettings
from auditor.sources.findings import finish, in_scope
from auditor.sources.report import SourceReport
from auditor.sources.runner import default_paths, start, stop
from auditor.track.git_objects import GitError
from auditor.track.snapshot_notes import (
    SnapshotError,
    encode,
    git_output,
    noted_projects,
    parse_project,
    project_json,
    project_key,
    read_note,
    write_note,
)
from auditor.track.worktrees import (
    SetupFailed,
    checked_out,
    cleanup,
    dependency_folders,
    link_dependencies,
    run_setup,
)

# Where each kind reads its settings, beside the paths it checks: a change there changes
# its findings as much as a change to the code.
CONFIG_FILES_OF: dict[str, tuple[str, ...]] = {
    "ruff": ("pyproject.toml", "ruff.toml", ".ruff.toml"),
    "mypy": ("pyproject.toml", "setup.cfg", "mypy.ini", ".mypy.ini"),
    "tsc": ("tsconfig.json", "package.json"),
    "eslint": (
        "package.json",
        "eslint.config.js",
        "eslint.config.mjs",
        "eslint.config.cjs",
        "eslint.config.ts",
        ".eslintrc",
        ".eslintrc.js",
        ".eslintrc.cjs",
        ".eslintrc.json",
        ".eslintrc.yml",
        ".eslintrc.yaml",
        ".eslintignore",
    ),
    "sarif": (),
}
_MIB = 1 << 20
# What one running tool may take: tsc type-checks the whole program in memory.
MEMORY_PER_JOB = {"tsc": 1536 * _MIB, "eslint": 1024 * _MIB}
DEFAULT_MEMORY_PER_JOB = 512 * _MIB
TOOLCHAIN_HEAD = "head"  # the note's mark: run with HEAD's dependency folders linked in


@dataclass(frozen=True, slots=True)
class Task:
    commit: str
    sources: tuple[str, ...]  # the names of the sources to run at this commit


@dataclass(frozen=True, slots=True)
class Plan:
    commits: int  # in the range
    tasks: tuple[Task, ...]  # oldest first
    carried: int  # (commit, source) pairs whose relevant tree did not change: not run
    recorded: int  # (commit, source) pairs already recorded: not run again


@dataclass(frozen=True, slots=True)
class Done:
    """What a task gave: each source's report, or why the commit could not be run."""

    commit: str
    reports: tuple[SourceReport, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    plan: Plan
    done: tuple[Done, ...]
    toolchain: str  # TOOLCHAIN_HEAD, or "setup"

    @property
    def failures(self) -> list[tuple[str, str, str]]:
        """(commit, source, error) of each source that failed at a commit, oldest commit
        first whatever order the workers finished in."""
        order = {task.commit: index for index, task in enumerate(self.plan.tasks)}
        done = sorted(self.done, key=lambda d: order.get(d.commit, len(order)))
        return [(d.commit, r.name, r.error) for d in done for r in d.reports if r.error]


@dataclass(frozen=True, slots=True)
class Setting:
    """What every task needs: given to each worker once."""

    top: Path
    prefix: str  # the project root relative to the top, "" or "sub/dir/"
    config: Config
    folder: Path  # where the work trees go
    dependencies: tuple[str, ...]  # dependency folders of the current work tree, to link
    setup: str | None


def default_jobs(sources: Sequence[SourceSettings], cores: int) -> int:
    """As many as the cores, fewer where memory would not hold them (tsc on a laptop)."""
    per_job = max((MEMORY_PER_JOB.get(s.kind, DEFAULT_MEMORY_PER_JOB) for s in sources), default=0)
    available = _available_memory()
    if available is None or per_job == 0:
        return max(cores, 1)
    return max(1, min(cores, available // per_job))


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def relevant_paths(settings: SourceSettings, config: Config) -> tuple[str, ...]:
    """What decides a source's findings, relative to the project root: the paths it checks,
    its configuration files, and a path given among its arguments (`-p web/tsconfig.json`).
    A SARIF source may read anything: the whole project."""
    if settings.kind == "sarif":
        return (".",)
    paths = [*checked_paths(settings, config), *CONFIG_FILES_OF.get(settings.kind, ())]
    paths += [a for a in settings.args if not a.startswith("-") and "/" in a]
    if settings.command and "/" in settings.command[0]:
        paths.append(settings.command[0])
    normal = (posixpath.normpath(p) for p in paths if not posixpath.isabs(p))
    return tuple(dict.fromkeys(p for p in normal if not p.startswith("../")))


def checked_paths(settings: SourceSettings, config: Config) -> tuple[str, ...]:
    """The paths a source checks: its `paths` (ruff, mypy, eslint), else the project's
    `include` (tsc checks what its tsconfig names, within the project)."""
    return default_paths(settings, config) if settings.kind != "tsc" else config.include


def sparse_cone(prefix: str, relevant: Sequence[Sequence[str]]) -> tuple[str, ...] | None:
    """The folders (from the top) a work tree needs for sources that read `relevant`: each
    path's folder (a path named like a file, `pyproject.toml`, stands for the folder it
    is in, whose own files cone mode checks out anyway); None: the whole tree."""
    folders: dict[str, None] = {}
    for paths in relevant:
        for path in paths:
            if path == ".":
                return None
            last = posixpath.basename(path)
            folder = posixpath.dirname(path) if "." in last[1:] else path
            folders[posixpath.normpath(prefix + folder) if folder else prefix.rstrip("/")] = None
    chosen = tuple(f for f in folders if f)
    return chosen if chosen else ((prefix.rstrip("/"),) if prefix else ())


def commits_in_range(top: Path, since: str | None) -> list[str]:
    """The first-parent commits from `since` (included) to HEAD, oldest first; from the
    first commit without `since`."""
    if since is None:
        return git_output(top, "rev-list", "--first-parent", "--reverse", "HEAD").decode().split()
    base = git_output(top, "rev-parse", "--verify", f"{since}^{{commit}}").decode().strip()
    after = git_output(top, "rev-list", "--first-parent", "--reverse", f"{base}..HEAD")
    return [base, *after.decode().split()]


def touching(top: Path, prefix: str, commits: Sequence[str], paths: Sequence[str]) -> set[str]:
    """The commits of `commits` that changed one of `paths` against their first parent
    (one `git rev-list`: trees only, no file is read)."""
    if not commits:
        return set()
    specs = [posixpath.normpath(prefix + p) if p != "." else (prefix or ".") for p in paths]
    out = git_output(top, "rev-list", "--first-parent", "--full-history", commits[-1], "--", *specs)
    return set(out.decode().split()) & set(commits)


def plan(
    top: Path,
    prefix: str,
    config: Config,
    commits: Sequence[str],
    recorded: Callable[[str, str], bool],
) -> Plan:
    """Which source runs at which commit: at the first of the range, and at each commit
    that changed the source's relevant tree since the last one recorded or planned;
    never where it is recorded already."""
    wanted: dict[str, list[str]] = {sha: [] for sha in commits}
    carried = already = 0
    for settings in config.sources:
        touched = touching(top, prefix, commits, relevant_paths(settings, config))
        changed = True  # nothing known before the first commit of the range
        for sha in commits:
            changed = changed or sha in touched
            if recorded(sha, settings.name):
                already += 1
                changed = False
            elif changed:
                wanted[sha].append(settings.name)
                changed = False
            else:
                carried += 1
    tasks = tuple(Task(sha, tuple(names)) for sha, names in wanted.items() if names)
    return Plan(len(commits), tasks, carried, already)


# --- one commit, in a worker ---------------------------------------------------------------

_setting: Setting | None = None
_busy = False  # a worker is running a task: Ctrl-C must clean it up first
_stopping = False  # Ctrl-C was pressed: the tasks still queued are not begun


def prepare(setting: Setting, *, in_worker: bool = True) -> None:
    """A worker's start: what every task it runs shares, and how it ends on Ctrl-C."""
    global _setting
    _setting = setting
    if in_worker:
        signal.signal(signal.SIGINT, _interrupted)


def _interrupted(number: int, frame: FrameType | None) -> None:
    # The terminal sends Ctrl-C to every worker too. A busy one stops its tool and
    # removes its work tree (the KeyboardInterrupt unwinds through them); none begins
    # another commit. No worker ends itself: the pool would kill the others mid-cleanup.
    global _stopping
    _stopping = True
    if _busy:
        raise KeyboardInterrupt


def run_task(task: Task) -> Done:
    """Check out the commit, make it ready, run its sources, and remove the work tree."""
    global _busy
    if _stopping:
        raise KeyboardInterrupt
    _busy = True
    try:
        return _checked(task)
    finally:
        _busy = False


def _checked(task: Task) -> Done:
    setting = _setting
    assert setting is not None, "prepare() first"
    by_name = {s.name: s for s in setting.config.sources}
    chosen = [by_name[name] for name in task.sources]
    try:
        cone = sparse_cone(setting.prefix, [relevant_paths(s, setting.config) for s in chosen])
        folder = setting.folder / task.commit
        with checked_out(setting.top, folder, task.commit, cone) as tree:
            if setting.setup is None:
                link_dependencies(setting.top, tree, setting.dependencies)
            else:  # never both: `npm ci` would empty the current node_modules through a link
                run_setup(tree, setting.setup)
            reports = tuple(_run_source(s, setting.config, tree / setting.prefix) for s in chosen)
    except SetupFailed as exc:
        reports = tuple(SourceReport(s.name, s.kind, error=str(exc)) for s in chosen)
    return Done(task.commit, reports)


def _run_source(settings: SourceSettings, config: Config, root: Path) -> SourceReport:
    """One source in the project root of a past commit: an empty result where none of
    the paths it checks existed yet."""
    paths = checked_paths(settings, config)
    present = tuple(p for p in paths if (root / p).exists())
    include = tuple(p for p in config.include if (root / p).exists())
    if not root.is_dir() or (paths and not present) or not include:
        return SourceReport(settings.name, settings.kind)
    here = replace(config, root=root, include=include)
    if settings.paths is not None:
        settings = replace(settings, paths=present)
    running = start(settings, here)
    try:
        report = finish(running, here, in_scope(here, []))
    finally:
        stop(running)  # a Ctrl-C while it runs: the tool is in a session of its own
    return replace(report, texts={})  # the texts stay here: the note keeps no text


# --- the whole run -------------------------------------------------------------------------


def recorded_sources(top: Path, key: str) -> Callable[[str, str], bool]:
    """Whether a commit's note records a source's findings (a failure is tried again)."""
    try:
        listing = git_output(top, "notes", "--ref", "refs/notes/audit", "list").decode()
    except GitError:
        listing = ""
    noted = {parts[1] for parts in (line.split() for line in listing.splitlines()) if parts[1:]}
    seen: dict[str, frozenset[str]] = {}

    def recorded(commit: str, name: str) -> bool:
        if commit not in noted:
            return False
        if commit not in seen:
            data = read_note(top, commit)
            names: frozenset[str] = frozenset()
            if data is not None:
                try:
                    found = parse_project(commit, data, key)
                except SnapshotError:
                    found = None
                if found is not None:
                    names = frozenset(n for n, s in found.sources.items() if s.error is None)
            seen[commit] = names
        return name in seen[commit]

    return recorded


def record(top: Path, key: str, done: Done, toolchain: str) -> None:
    """Add the reports to the commit's note, keeping what else it holds (the rules' and
    other sources' findings of an earlier snapshot, other projects)."""
    projects = noted_projects(top, done.commit)
    entry = projects.get(key) if isinstance(projects.get(key), dict) else None
    fresh = project_json((), done.reports)
    for body in fresh["sources"].values():
        body["toolchain"] = toolchain
    if entry is None:
        entry = fresh
    else:
        sources = entry.get("sources") if isinstance(entry.get("sources"), dict) else {}
        entry = {**entry, "sources": {**sources, **fresh["sources"]}}
    projects[key] = entry
    write_note(top, done.commit, encode(done.commit, projects))


def backfill(
    top: Path,
    config: Config,
    *,
    since: str | None,
    jobs: int,
    setup: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Record the sources' findings at the first-parent commits from `since` to HEAD."""
    from auditor import workers

    key = project_key(top, config.root)
    prefix = "" if key == "." else key + "/"
    commits = commits_in_range(top, since)
    chosen = plan(top, prefix, config, commits, recorded_sources(top, key))
    toolchain = "setup" if setup is not None else TOOLCHAIN_HEAD
    folder = Path(tempfile.mkdtemp(prefix="audit-backfill-"))
    setting = Setting(top, prefix, config, folder, dependency_folders(top), setup)
    done: list[Done] = []
    try:
        pool = workers.start(min(jobs, len(chosen.tasks)), prepare, setting)
        try:
            results: Iterator[Done]
            if pool is None:
                prepare(setting, in_worker=False)
                results = map(run_task, chosen.tasks)
            else:
                results = pool.map(run_task, chosen.tasks)
            for result in results:
                record(top, key, result, toolchain)
                done.append(result)
                if progress is not None:
                    progress(len(done), len(chosen.tasks))
        finally:
            if pool is not None:
                pool.close()
    finally:
        cleanup(top, folder)
    return Outcome(chosen, tuple(done), toolchain)
