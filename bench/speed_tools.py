"""The measuring half of `bench/speed.py`: the other tools' venvs, one command's wall time,
CPU time and peak memory from a runner process of its own, and paired rounds."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpora import cache_dir

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

# The floor of any Python checker: CPython's parser over every file, reading included, in
# a fresh interpreter of the same Python that runs `audit`.
AST_FLOOR = """
import ast, pathlib, sys, warnings
warnings.simplefilter("ignore")
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    try:
        ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        pass
"""

# Runs one command and reports its wall time, CPU time and peak RSS. A small process of
# its own, because a child's peak RSS on Linux counts the memory of the process it was
# forked from: measured from this benchmark, a 20 MiB command would show 70. wait4's usage
# includes the children the command reaped (semgrep-core, audit's workers).
RUNNER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps([time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err.decode()[-500:]]))
"""


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


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float  # user + system of the command and the children it reaped
    rss_mib: float  # of the largest single process


@dataclass(frozen=True)
class Spec:
    name: str
    command: tuple[str, ...]
    before: tuple[str, ...] = ()  # run unmeasured right before each measurement
    # Runs per round: a command of a tenth of a second varies by a quarter from run to
    # run on a shared machine, and more of them cost little.
    times: int = 1


def run_once(command: Sequence[str], cwd: Path) -> Sample:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *command], cwd=cwd, capture_output=True, check=True
    )
    wall, cpu, rss, code, err = json.loads(done.stdout)
    if code not in (0, 1):
        raise RuntimeError(f"{command[0]} failed ({code}): {err}")
    return Sample(wall, cpu, rss)


def rounds(specs: Sequence[Spec], cwd: Path, repeat: int) -> dict[str, list[Sample]]:
    """Each command once per round, the rounds one after the other: the commands compared
    share the machine's load of the moment (this machine is shared), as paired runs."""
    samples: dict[str, list[Sample]] = {spec.name: [] for spec in specs}
    for number in range(repeat):
        for spec in specs:
            for _ in range(spec.times):
                if spec.before:
                    subprocess.run(spec.before, cwd=cwd, check=True, capture_output=True)
                samples[spec.name].append(run_once(spec.command, cwd))
                last = samples[spec.name][-1]
                print(
                    f"  round {number + 1}/{repeat} {spec.name}: {last.wall:.2f} s wall, "
                    f"{last.cpu:.2f} CPU-s",
                    file=sys.stderr,
                    flush=True,
                )
    return samples


def median_cpu(samples: Sequence[Sample]) -> float:
    return statistics.median(s.cpu for s in samples)


def median_wall(samples: Sequence[Sample]) -> float:
    return statistics.median(s.wall for s in samples)


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])
