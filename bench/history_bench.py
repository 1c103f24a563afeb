"""The tracker's history walk against its floor, cold and warm, in one run.

    python bench/history_bench.py [--commits 200] [--files 300]   # a generated history
    python bench/history_bench.py --repo PATH                     # a real one (its issues.yaml)

Times, in one process: the cold walk (empty history cache), the warm walk (a second run on
the same history: read from the cache), and the floor, CPython's `ast.parse` over the same
distinct (blob, path) pairs of Python files the walk reads. Prints the ratios cold / floor
(goal: 3 at most) and warm / cold (goal: 0.1 at most), the blobs scanned against the
distinct pairs, and the LibCST parses.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst

from auditor.scan.run import language_filter, open_project
from auditor.track.git_objects import open_repo
from auditor.track.history import tracked_range
from auditor.track.use_case import history_of, load_project_issues
from auditor.track.walker import Walker

START = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = dict(ENV, HOME=str(root))
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    ).stdout


def module(seed: int, bare: int) -> str:
    parts = [f'"""Module {seed}."""\n\nimport json\n']
    for i in range(12):
        handler = "except:" if i < bare else "except ValueError:"
        parts.append(
            f"\n\ndef task_{i}(data):\n    total = 0\n    for item in data:\n"
            f"        total += item * {seed + i}\n    try:\n        return json.loads(data)\n"
            f"    {handler}\n        return total\n"
        )
    return "".join(parts)


def build(root: Path, commits: int, files: int) -> None:
    rng = random.Random(7)
    git(root, "init", "-q", "-b", "main")
    (root / "pyproject.toml").write_text("[tool.audit]\n")
    (root / "issues.yaml").write_text(
        "project: bench\nstarted: 2025-01-01\nissues:\n"
        "  - id: CRIT-1\n    title: Bare excepts\n    severity: critical\n    rules: [bare-except]\n"
    )
    bare = {i: rng.randint(0, 3) for i in range(files)}
    for i in range(files):
        path = root / f"pkg{i % 10}" / f"mod_{i}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(module(i, bare[i]))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial", date="2025-01-01T00:00:00+00:00")
    for n in range(commits):
        for i in rng.sample(range(files), 3):
            bare[i] = max(0, bare[i] + rng.choice((-1, -1, 1)))
            (root / f"pkg{i % 10}" / f"mod_{i}.py").write_text(module(i, bare[i]))
        git(
            root,
            "commit",
            "-q",
            "--allow-empty",
            "-am",
            f"change {n} (CRIT-1)",
            date=(START + dt.timedelta(hours=n)).isoformat(),
        )


def distinct_python_blobs(root: Path, since: str | None, started: object) -> list[bytes]:
    """The contents of every distinct (blob, path) of a Python file the walk reads."""
    project = open_project(root)
    engine = project.engine()
    language = language_filter(project.config, engine)
    repo = open_repo(root)
    try:
        base, commits = tracked_range(repo, since, started)  # type: ignore[arg-type]
        walker = Walker(repo, "", engine, language)
        pairs: set[tuple[str, str]] = set()
        for sha in [*([base] if base else []), *(c.sha for c in commits)]:
            pairs.update(
                (blob, path) for path, blob in walker.listing(sha).items() if path.endswith(".py")
            )
        return [walker.objects.blob(blob) for blob, _ in sorted(pairs)]
    finally:
        repo.close()


def floor(blobs: list[bytes]) -> float:
    """CPU seconds for CPython to parse every blob (those it can: Python 2 code fails fast)."""
    started = time.process_time()
    for data in blobs:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(data)
    return time.process_time() - started


def timed_walk(root: Path, cache: Path | None) -> tuple[float, float, object]:
    project = open_project(root)
    if cache is not None:
        from dataclasses import replace

        project = replace(project, cache_dir=cache)
    issues = load_project_issues(project)
    wall, cpu = time.perf_counter(), _cpu()
    history = history_of(project, issues)
    return time.perf_counter() - wall, _cpu() - cpu, history


def _cpu() -> float:
    """This process's CPU time and that of its finished children (the walk's workers)."""
    import resource

    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repo", type=Path, help="a real repository with issues.yaml")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="audit-history-"))
    try:
        if args.repo is not None:
            root = args.repo.resolve()
            print(f"real history: {root}")
        else:
            root = scratch / "repo"
            root.mkdir()
            started = time.perf_counter()
            build(root, args.commits, args.files)
            print(
                f"generated {args.commits} commits over {args.files} files "
                f"in {time.perf_counter() - started:.1f} s"
            )
        os.chdir(root)
        parses = 0
        real_parse = libcst.parse_module

        def counting_parse(*a: object, **k: object) -> libcst.Module:
            nonlocal parses
            parses += 1
            return real_parse(*a, **k)  # type: ignore[arg-type]

        libcst.parse_module = counting_parse  # type: ignore[assignment]
        cache = scratch / "cache"
        cold_wall, cold_cpu, history = timed_walk(root, cache)
        warm_wall, warm_cpu, _ = timed_walk(root, cache)
        issues = load_project_issues(open_project(root))
        blobs = distinct_python_blobs(root, None, issues.started)
        floor_cpu = floor(blobs)
        commits = len(history.commits)  # type: ignore[attr-defined]
        scans = history.scans  # type: ignore[attr-defined]
        print(
            f"commits walked: {commits}; blobs scanned: {scans}; LibCST parses in this process: {parses}"
        )
        print(f"distinct Python (blob, path) pairs: {len(blobs)}")
        print("                      wall s    cpu s")
        print(f"cold walk           {cold_wall:8.2f} {cold_cpu:8.2f}")
        print(f"warm walk (cache)   {warm_wall:8.2f} {warm_cpu:8.2f}")
        print(f"floor: ast.parse             {floor_cpu:8.2f}")
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(f"peak memory: {own} MiB (main process), {workers} MiB (largest worker)")
        print(
            f"cold / floor: {cold_wall / floor_cpu:.1f} wall, {cold_cpu / floor_cpu:.1f} cpu "
            f"(goal <= 3); warm / cold (wall): {warm_wall / cold_wall:.3f} (goal <= 0.1)"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
