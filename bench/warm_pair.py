"""A warm `audit scan` against ruff's warm run, alternated run by run, on one folder.

    python bench/warm_pair.py FOLDER [--runs 31]

Runs `audit scan` (its cache filled first), `ruff check` (E722 and T201, its cache filled
first) and `audit --version` in turn, `--runs` times, each a fresh process timed by the
CPU its rusage reports (user + system), and prints the medians and their ratio. A command
of a tenth of a second varies by a quarter from run to run on a shared machine: taken in
turn, the three share the load of each moment. `bench/speed.py` measures the same ratio
among its other commands."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

BIN = Path(sys.executable).parent


def cpu_of(command: Sequence[str]) -> float:
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(command[0], list(command))
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed copy runs
    with tempfile.TemporaryDirectory(prefix="audit-warm-") as work:
        audit = [str(BIN / "audit"), "scan", str(args.folder), "--fail-on", "none"]
        audit += ["--cache-dir", os.path.join(work, "audit")]
        ruff = [str(BIN / "ruff"), "check", "--isolated", "--select", "E722,T201"]
        ruff += ["--exit-zero", "--cache-dir", os.path.join(work, "ruff"), str(args.folder)]
        version = [str(BIN / "audit"), "--version"]
        for command in (audit, audit, ruff):  # fill the caches (twice: past the racy window)
            cpu_of(command)
        times: dict[str, list[float]] = {"audit": [], "ruff": [], "version": []}
        for _ in range(args.runs):
            for name, command in (("audit", audit), ("ruff", ruff), ("version", version)):
                times[name].append(cpu_of(command))
    warm, ruff_warm, floor = (statistics.median(times[n]) for n in ("audit", "ruff", "version"))
    print(f"{args.runs} runs each, in turn; medians in CPU-s")
    print(f"audit scan warm {warm:.3f}; ruff warm {ruff_warm:.3f}; audit --version {floor:.3f}")
    print(f"warm / ruff warm = {warm / ruff_warm:.2f} (goal <= 3)")
    print(f"(warm - audit --version) / ruff warm = {(warm - floor) / ruff_warm:.2f}")


if __name__ == "__main__":
    main()
