"""How the tracker's history pass scales: a generated repository of N commits over a few
hundred files, each commit touching a few files (fixing or adding findings).

    python bench/history_bench.py [--commits 200] [--files 300]

Prints the wall time of the history walk, the number of blobs scanned (each distinct
(blob, path) once) against the number of distinct (blob, path) pairs in the history, and
the number of LibCST parses.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst

from auditor.progress import history_of, load_project_issues
from auditor.scan import open_project

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
            date=f"2025-02-{1 + n // 24:02d}T{n % 24:02d}:00:00+00:00",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="audit-history-"))
    try:
        started = time.perf_counter()
        build(root, args.commits, args.files)
        print(
            f"built {args.commits} commits over {args.files} files in {time.perf_counter() - started:.1f} s"
        )
        versions = set()
        for sha in git(root, "rev-list", "HEAD").split():
            for line in git(root, "ls-tree", "-r", sha).splitlines():
                meta, path = line.split("\t", 1)
                if path.endswith(".py"):
                    versions.add((meta.split()[2], path))
        parses = 0
        real_parse = libcst.parse_module

        def counting_parse(*a: object, **k: object) -> libcst.Module:
            nonlocal parses
            parses += 1
            return real_parse(*a, **k)  # type: ignore[arg-type]

        libcst.parse_module = counting_parse  # type: ignore[assignment]
        project = open_project(root)
        issues = load_project_issues(project)
        started = time.perf_counter()
        history = history_of(project, issues)
        elapsed = time.perf_counter() - started
        print(
            f"history walk: {elapsed:.2f} s for {len(history.commits)} commits; "
            f"{history.scans} blobs scanned (distinct (blob, path) pairs in the history: {len(versions)}); "
            f"{parses} LibCST parses"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
