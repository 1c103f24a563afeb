"""The tracker's history walk against its floor, cold and warm, in one run.

    python bench/history_bench.py [--commits 200] [--files 300]   # a generated history
    python bench/history_bench.py --repo PATH [--rounds 3]        # a real clone

Times, in one process: the cold walk (empty history cache), the warm walk (a second run on
the same history: read from the cache). The walk covers the first-parent history that
issues.yaml's `started` leaves (a real clone without issues.yaml gets one with no `started`:
the whole first-parent history). The floor (issue 28): CPython's `ast.parse` of every
distinct blob of a `.py` file in the trees of those commits, each blob once whatever its
paths, in a fresh interpreter, reading excluded; listing the trees and reading the blobs is
the walk's own cost and counts against it, not the floor. The cold walk and the floors are
measured `--rounds` times, one after the other in each round; the verdict is the median of
the rounds' ratios cold / floor (goal: 3 at most); warm / cold (goal: 0.1 at most) is of
the first round. Prints the blobs scanned against the distinct pairs the walk reads (by
language), and the LibCST parses. Beside the floor, not in it: tree-sitter's parse of
every distinct JS/TS blob (a component's script), what the walk must at least do for the
other languages a full-stack history holds, and the cold walk's ratio to both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


def history_blobs(
    root: Path, since: str | None, started: object
) -> tuple[list[bytes], Counter[str], list[tuple[str, bytes]]]:
    """The content of every distinct blob of a `.py` file in the first-parent commits the
    walk covers (the floor's input), the distinct (blob, path) pairs the walk reads, by
    language (it reads other languages too, and each blob at each of its paths), and each
    distinct blob of the other languages with the grammar of one of its paths and the
    text tree-sitter reads of it (a component's script, the markup blanked)."""
    project = open_project(root)
    engine = project.engine()
    language = language_filter(project.config, engine)
    repo = open_repo(root)
    try:
        base, commits = tracked_range(repo, since, started)  # type: ignore[arg-type]
        walker = Walker(repo, "", engine, language)
        python: set[str] = set()
        others: dict[str, str] = {}  # a JS/TS blob -> one of its paths
        pairs: set[tuple[str, str]] = set()
        for sha in [*([base] if base else []), *(c.sha for c in commits)]:
            files = walker.objects.files(repo.commit(sha).tree)
            walker.objects.next_commit()
            python.update(blob for path, blob in files.items() if path.endswith(".py"))
            pairs.update((blob, path) for path, blob in files.items() if language(path))
            for path, blob in files.items():
                if not path.endswith(".py") and language(path):
                    others.setdefault(blob, path)
        read = Counter(str(language(path)) for _, path in pairs)
        blobs = []
        for blob in sorted(python):
            with_data = _blob(walker, blob)
            if with_data is not None:
                blobs.append(with_data)
        scripts = []
        for blob, path in sorted(others.items()):
            with_data = _blob(walker, blob)
            if with_data is not None:
                scripts.append(_script(path, with_data))
        return blobs, read, scripts
    finally:
        repo.close()


def _script(path: str, data: bytes) -> tuple[str, bytes]:
    """The grammar and the bytes tree-sitter parses of a JS/TS file version."""
    from auditor.scan import components, treesitter

    text = data.decode("utf-8", "replace")
    grammar = None
    if components.kind_of(path) is not None:
        text, grammar = components.script_text(path, text)
    return grammar or treesitter.grammar_of(path), text.encode("utf-8")


def _blob(walker: Walker, sha: str) -> bytes | None:
    from auditor.track.git_objects import MissingBlob

    try:
        return walker.objects.blob(sha)
    except MissingBlob:
        return None


# CPython's parser over every blob, in a fresh interpreter (not one that holds the walk's
# heap), reading the blobs excluded from the time.
FLOOR = """
import ast, json, pickle, sys, time, warnings
with open(sys.argv[1], "rb") as handle:
    blobs = pickle.load(handle)
warnings.simplefilter("ignore")
failed = 0
started = time.process_time()
for data in blobs:
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        failed += 1  # Python 2 code, or broken: CPython fails fast
print(json.dumps([time.process_time() - started, failed]))
"""


# Beside the floor, not part of it: tree-sitter's parse of every distinct JS/TS blob,
# what the walk must at least do for the other languages it reads.
SCRIPTS_FLOOR = """
import json, pickle, sys, time
from auditor.scan.treesitter import _parser
with open(sys.argv[1], "rb") as handle:
    scripts = pickle.load(handle)
parsers = {grammar: _parser(grammar) for grammar, _ in scripts}
started = time.process_time()
for grammar, data in scripts:
    parsers[grammar].parse(data)
print(json.dumps(time.process_time() - started))
"""


def scripts_floor(scripts: list[tuple[str, bytes]], scratch: Path) -> float:
    """CPU seconds for tree-sitter to parse every JS/TS blob once."""
    cpu = _in_fresh_interpreter(SCRIPTS_FLOOR, scripts, scratch)
    assert isinstance(cpu, float)
    return cpu


def floor(blobs: list[bytes], scratch: Path) -> tuple[float, int]:
    """CPU seconds for CPython to parse every blob, and how many it refused."""
    answer = _in_fresh_interpreter(FLOOR, blobs, scratch)
    assert isinstance(answer, list)
    cpu, failed = answer
    return float(cpu), int(failed)


def _in_fresh_interpreter(script: str, payload: object, scratch: Path) -> object:
    """What `script` prints (JSON), run in a new interpreter on `payload` (pickled)."""
    data = scratch / "payload.pickle"
    with data.open("wb") as handle:
        pickle.dump(payload, handle)
    done = subprocess.run(
        [sys.executable, "-c", script, str(data)], capture_output=True, text=True, check=True
    )
    data.unlink()
    return json.loads(done.stdout)


def timed_walk(root: Path, cache: Path | None) -> tuple[float, float, object]:
    project = open_project(root)
    if cache is not None:
        from dataclasses import replace

        project = replace(project, cache_dir=cache)
    issues = load_project_issues(project)
    wall, cpu = time.perf_counter(), _cpu()
    history = history_of(project, issues)
    gc.collect()  # GitPython's `git cat-file` processes are reaped when collected
    return time.perf_counter() - wall, _cpu() - cpu, history


def _cpu() -> float:
    """This process's CPU time and that of its finished children (the walk's workers)."""
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
    parser.add_argument("--rounds", type=int, default=3, help="cold walks, each beside its floors")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    scratch = Path(tempfile.mkdtemp(prefix="audit-history-"))
    try:
        if args.repo is not None:
            root = args.repo.resolve()
            print(f"real history: {root} at {git(root, 'rev-parse', 'HEAD').strip()}")
            if not (root / "issues.yaml").exists():
                # No `started`: the walk covers the whole first-parent history.
                (root / "issues.yaml").write_text(f"project: {root.name}\n")
                print("wrote issues.yaml without `started` (untracked; the walk reads git)")
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

        libcst.parse_module = counting_parse
        cache = scratch / "cache"
        cold_wall, cold_cpu, history = timed_walk(root, cache)
        warm_wall, warm_cpu, warm = timed_walk(root, cache)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        issues = load_project_issues(open_project(root))
        blobs, read, scripts = history_blobs(root, None, issues.started)
        distinct, size = len(blobs), sum(len(b) for b in blobs)
        # Round after round, the walk and its floors one after the other: on a shared
        # machine the speed drifts by a fifth within minutes, so each round's ratio is
        # taken from measures a few seconds apart, and the verdict from their median.
        rounds: list[tuple[float, float, float, float]] = []
        for number in range(args.rounds):
            if number:
                cold_wall, cold_cpu, _ = timed_walk(root, scratch / f"cache-{number}")
            floor_cpu, refused = floor(blobs, scratch)
            scripts_cpu = scripts_floor(scripts, scratch) if scripts else 0.0
            rounds.append((cold_wall, cold_cpu, floor_cpu, scripts_cpu))
        del blobs
        for number, (wall, cpu, py, js) in enumerate(rounds, 1):
            print(
                f"round {number}: cold walk {cpu:.2f} CPU s ({wall:.2f} wall), floor {py:.2f}"
                + (f", tree-sitter {js:.2f}" if scripts else "")
                + f": {cpu / py:.2f}"
            )
        cold_wall, cold_cpu, floor_cpu, scripts_cpu = (
            statistics.median(r[i] for r in rounds) for i in range(4)
        )
        ratio = statistics.median(r[1] / r[2] for r in rounds)
        commits = len(history.commits)  # type: ignore[attr-defined]
        first_parent = int(git(root, "rev-list", "--first-parent", "--count", "HEAD"))
        scans = history.scans  # type: ignore[attr-defined]
        print(
            f"commits walked: {commits} of {first_parent} on the first-parent line "
            f"(started: {issues.started}); blobs scanned: {scans}; "
            f"LibCST parses in this process: {parses}; warm walk: "
            f"{warm.cached_commits} commits from the cache, {warm.scans} blobs scanned"  # type: ignore[attr-defined]
        )
        by_language = ", ".join(f"{n} {lang}" for lang, n in read.most_common())
        print(f"distinct (blob, path) pairs the walk reads: {sum(read.values())} ({by_language})")
        print(
            f"floor: {distinct} distinct .py blobs ({size / 2**20:.0f} MiB), "
            f"{refused} of them refused by CPython (Python 2, broken)"
        )
        print(f"medians of {len(rounds)} rounds:    wall s    CPU s")
        print(f"cold walk           {cold_wall:8.2f} {cold_cpu:8.2f}")
        print(f"warm walk (cache)   {warm_wall:8.2f} {warm_cpu:8.2f}")
        print(f"floor: ast.parse             {floor_cpu:8.2f}")
        if scripts:
            print(f"beside it: tree-sitter     {scripts_cpu:8.2f}   ({len(scripts)} JS/TS blobs)")
        print(f"peak memory: {own} MiB (main process), {workers} MiB (largest worker)")
        print(
            f"cold / floor: {ratio:.2f} CPU, the median of the rounds' "
            f"({cold_wall / floor_cpu:.1f} wall) (goal <= 3: {'met' if ratio <= 3 else 'MISSED'}); "
            f"warm / cold (wall, the first round's): {warm_wall / rounds[0][0]:.3f} (goal <= 0.1)"
        )
        if scripts:
            both = statistics.median(r[1] / (r[2] + r[3]) for r in rounds)
            print(
                f"beside the goal: cold / (floor + tree-sitter's parse of the JS/TS blobs): "
                f"{both:.2f} CPU"
            )
        print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
