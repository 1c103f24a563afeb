"""auditor against ruff, fixit and semgrep on the same corpus, in one run, as ratios.

    python bench/speed.py [--corpus django reportlab nltk] [--repeat 3]

Default corpora: Django 5.2 (a large modern code base) and reportlab 3.5.59 (an older one
with many findings of our rules: 153 bare excepts, 199 prints).

Fetches the pinned corpus from PyPI and installs fixit and semgrep into venvs of their own in
the cache folder (never the repository). Runs, on the corpus's package directory:
(1) `audit scan` cold (no cache), (2) `audit scan` warm (cache filled, nothing changed),
(3) `audit scan` warm with one file changed, (4) `fixit lint` with one trivial rule,
(5) `semgrep` with local rules equivalent to ours, (6) `ruff check --no-cache --select
E722,T201`. Prints the median wall time, the CPU time and the peak memory (largest single
process) of each, and the ratios to auditor's cold and warm runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import DJANGO, NLTK, REPORTLAB, Corpus, cache_dir, fetch

BIN = Path(sys.executable).parent
FIXIT = "fixit==2.2.1"
SEMGREP = "semgrep==1.185.0"

# The same four concerns as our rules, as far as semgrep's patterns can say them.
SEMGREP_RULES = """\
rules:
  - id: bare-except
    languages: [python]
    severity: ERROR
    message: bare except
    pattern: |
      try:
        ...
      except:
        ...
  - id: console-logging
    languages: [python]
    severity: ERROR
    message: print
    pattern: print(...)
  - id: unvalidated-env
    languages: [python]
    severity: WARNING
    message: environment read
    pattern-either:
      - pattern: os.environ[...]
      - pattern: os.environ.get(...)
      - pattern: os.getenv(...)
  - id: unvalidated-kwargs
    languages: [python]
    severity: ERROR
    message: kwargs written wholesale
    pattern-either:
      - pattern: |
          def $F(..., **$KW):
            ...
            for $K, $V in $KW.items():
              ...
              setattr($O, $K, $V)
      - pattern: |
          def $F(..., **$KW):
            ...
            $O.__dict__.update($KW)
"""


@dataclass
class Measure:
    name: str
    wall: list[float]
    cpu: list[float]
    rss_mib: list[float]

    def median(self, values: list[float]) -> float:
        return statistics.median(values)


def tool(requirement: str, command: str) -> Path:
    """A command from its own venv in the cache folder (fixit and semgrep pin conflicting
    dependencies, so they cannot share one)."""
    venv = cache_dir() / "tools" / requirement
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", requirement], check=True)
        (venv / ".complete").touch()
    return venv / "bin" / command


# Runs one command and reports its wall time, CPU time and peak RSS. A small process of
# its own, because a child's peak RSS on Linux counts the memory of the process it was
# forked from: measured from this benchmark, a 20 MiB command would show 70.
RUNNER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps([time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err.decode()[-500:]]))
"""


def run_once(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the process and its reaped children) and peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *command], cwd=cwd, capture_output=True, check=True
    )
    wall, cpu, rss, code, err = json.loads(done.stdout)
    if code not in (0, 1):
        raise RuntimeError(f"{command[0]} failed ({code}): {err}")
    return wall, cpu, rss


def measure(
    name: str, command: list[str], cwd: Path, repeat: int, before: list[str] | None = None
) -> Measure:
    result = Measure(name, [], [], [])
    for _ in range(repeat):
        if before:
            subprocess.run(before, cwd=cwd, check=True, capture_output=True)
        wall, cpu, rss = run_once(command, cwd)
        result.wall.append(wall)
        result.cpu.append(cpu)
        result.rss_mib.append(rss)
    return result


CORPORA = {"django": DJANGO, "reportlab": REPORTLAB, "nltk": NLTK}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--corpus", nargs="+", default=["django", "reportlab"], choices=sorted(CORPORA)
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fixit = tool(FIXIT, "fixit")
    semgrep = tool(SEMGREP, "semgrep")
    for name in args.corpus:
        bench(CORPORA[name], fixit, semgrep, args.repeat)
        print()


def bench(corpus: Corpus, fixit: Path, semgrep: Path, repeat: int) -> None:
    source = fetch(corpus) / corpus.package
    work = Path(tempfile.mkdtemp(prefix="audit-speed-"))
    try:
        target = work / "corpus"
        shutil.copytree(source, target)
        files = sum(1 for _ in target.rglob("*.py"))
        lines = sum(p.read_bytes().count(b"\n") for p in target.rglob("*.py"))
        rules_file = work / "semgrep.yml"
        rules_file.write_text(SEMGREP_RULES)
        cache = work / "cache"
        audit = [str(BIN / "audit"), "scan", str(target), "--fail-on", "none"]
        subprocess.run(
            [*audit, "--cache-dir", str(cache)], capture_output=True, check=False
        )  # fill it
        touched = next(iter(sorted(target.rglob("*.py"))))
        touch = [
            sys.executable,
            "-c",
            f"import pathlib; p = pathlib.Path({str(touched)!r}); p.write_text(p.read_text() + '\\n')",
        ]
        measures = [
            measure("audit scan (cold)", [*audit, "--no-cache"], work, repeat),
            measure("audit scan (warm)", [*audit, "--cache-dir", str(cache)], work, repeat),
            measure(
                "audit scan (1 file changed)",
                [*audit, "--cache-dir", str(cache)],
                work,
                repeat,
                touch,
            ),
            measure(
                "fixit lint (1 trivial rule)",
                [
                    str(fixit),
                    "--rules",
                    "fixit.rules.avoid_or_in_except",
                    "lint",
                    str(target),
                ],
                work,
                repeat,
            ),
            measure(
                "semgrep (4 local rules)",
                [
                    str(semgrep),
                    "scan",
                    "--metrics=off",
                    "--disable-version-check",
                    "--config",
                    str(rules_file),
                    "--quiet",
                    str(target),
                ],
                work,
                repeat,
            ),
            measure(
                "ruff --no-cache E722,T201",
                [
                    str(BIN / "ruff"),
                    "check",
                    "--no-cache",
                    "--isolated",
                    "--select",
                    "E722,T201",
                    "--exit-zero",
                    str(target),
                ],
                work,
                repeat,
            ),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cold = statistics.median(measures[0].wall)
    warm = statistics.median(measures[1].wall)
    print(
        f"{corpus.requirement} {corpus.package}/: {files} files, {lines} lines; {os.cpu_count()} cores; median of {repeat}"
    )
    print(
        f"{'':30} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'÷ audit cold':>13} {'÷ audit warm':>13}"
    )
    for m in measures:
        wall = statistics.median(m.wall)
        print(
            f"{m.name:30} {wall:8.2f} {statistics.median(m.cpu):8.2f} {max(m.rss_mib):9.0f} "
            f"{wall / cold:13.2f} {wall / warm:13.2f}"
        )
    by_name = {m.name: statistics.median(m.wall) for m in measures}
    fixit_wall = by_name["fixit lint (1 trivial rule)"]
    semgrep_wall = by_name["semgrep (4 local rules)"]
    ruff_wall = by_name["ruff --no-cache E722,T201"]
    peak = max(max(m.rss_mib) for m in measures[:3])
    targets = [
        (f"cold <= fixit / 10 ({fixit_wall / 10:.2f} s)", cold <= fixit_wall / 10),
        (f"cold < semgrep ({semgrep_wall:.2f} s)", cold < semgrep_wall),
        (f"warm <= 3 x ruff ({3 * ruff_wall:.2f} s)", warm <= 3 * ruff_wall),
        (f"peak memory of audit < 300 MiB ({peak:.0f} MiB)", peak < 300),
    ]
    print("targets: " + "; ".join(f"{text}: {'met' if ok else 'MISSED'}" for text, ok in targets))
    print(syntax_check_cost(target, cold))


def syntax_check_cost(target: Path, cold: float) -> str:
    """What compiling every Python file no rule's trigger is in costs (the syntax check a
    file no rule parses still gets, as ruff does): those files, and `ast` over them."""
    import ast
    import contextlib
    import warnings

    from auditor.config import load_config
    from auditor.scan.loading import load_rules, resolve_rules

    rules = [
        r for r in resolve_rules(load_config(target), load_rules()) if "python" in r.cls.languages
    ]
    triggers = [t for r in rules for t in r.cls.triggers]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(target.rglob("*.py"))]
    untriggered = [
        text
        for text in texts
        if not any(t.search(text) if isinstance(t, re.Pattern) else t in text for t in triggers)
    ]
    started = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in untriggered:
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse(text)
    spent = time.process_time() - started
    return (
        f"syntax check of the {len(untriggered)} of {len(texts)} Python files no trigger is in: "
        f"{spent:.2f} CPU-s ({spent / cold:.0%} of the cold scan's wall time)"
    )


if __name__ == "__main__":
    main()
