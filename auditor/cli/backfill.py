"""`audit snapshot --backfill`: the command line of `auditor.track.backfill`, and what it says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from auditor.cli.group import history_bar
from auditor.config import Config, load_config
from auditor.errors import UsageError
from auditor.scan.gate import ERROR
from auditor.track.backfill import TOOLCHAIN_HEAD, Outcome, backfill, default_jobs
from auditor.track.git_objects import GitError
from auditor.track.snapshot_notes import NOTES_REF, git_output
from auditor.workers import default_jobs as cores

FAILURES_SHOWN = 5


def run_backfill(
    config_file: Path | None, since: str | None, jobs: int | None, setup: str | None
) -> int:
    """Backfill, print what was done, and return the exit code: 2 when a source failed
    at some commit (the others are recorded)."""
    config = load_config(Path.cwd(), config_file)
    if not config.sources:
        raise UsageError("no sources configured: --backfill records the sources' findings")
    try:
        top = Path(git_output(config.root, "rev-parse", "--show-toplevel").decode().strip())
        git_output(top, "rev-parse", "--verify", "HEAD^{commit}")
    except GitError:
        raise UsageError("--backfill needs a git work tree with commits") from None
    start = since if since is not None else _started_commit(config, top)
    workers = jobs if jobs is not None else default_jobs(config.sources, cores())
    try:
        with history_bar("backfilling snapshots") as progress:
            outcome = backfill(
                top, config, since=start, jobs=workers, setup=setup, progress=progress
            )
    except GitError as exc:
        raise UsageError(f"--backfill: {exc}") from None
    for line in summary(outcome, start):
        click.echo(line)
    return ERROR if outcome.failures else 0


def _started_commit(config: Config, top: Path) -> str | None:
    """The commit the report tracks from: the last before issues.yaml's `started` date
    (None: from the first commit, as without an issues file or a date)."""
    from auditor.track.issues_file import IssuesError, load_issues

    path = config.root / config.issues_file
    if not path.is_file():
        return None
    try:
        started = load_issues(path, path.name).started
    except IssuesError:
        return None
    if started is None:
        return None
    out = git_output(top, "log", "--first-parent", "--reverse", "--format=%H %cI", "HEAD")
    base = None  # as the report's walk (auditor.track.history.tracked_range) decides it
    for line in out.decode().splitlines():
        sha, date = line.split(" ", 1)
        if dt.datetime.fromisoformat(date).date() >= started:
            return base
        base = sha
    return base


def summary(outcome: Outcome, since: str | None) -> list[str]:
    plan = outcome.plan
    runs = sum(len(task.sources) for task in plan.tasks)
    where = f"from {since[:12]} " if since else ""
    lines = [
        f"Backfill of {plan.commits} commit{'' if plan.commits == 1 else 's'} {where}to HEAD: "
        f"{runs} source run{'' if runs == 1 else 's'} at {len(plan.tasks)} commit"
        f"{'' if len(plan.tasks) == 1 else 's'}, {plan.carried} carried forward (nothing "
        f"they read changed), {plan.recorded} already recorded."
    ]
    failures = outcome.failures
    for commit, name, error in failures[:FAILURES_SHOWN]:
        lines.append(f"  {name} failed at {commit[:7]}: {error}")
    if len(failures) > FAILURES_SHOWN:
        lines.append(f"  and {len(failures) - FAILURES_SHOWN} more failures (run again to retry)")
    if plan.tasks and outcome.toolchain == TOOLCHAIN_HEAD:
        lines.append(
            "Each commit ran with HEAD's dependency folders (node_modules, the virtualenv) "
            "linked in: results are as good as HEAD's toolchain; --setup CMD (npm ci) "
            "installs each commit's own."
        )
    lines.append(f"Stored in {NOTES_REF}; share it with: git push origin {NOTES_REF}")
    return lines
