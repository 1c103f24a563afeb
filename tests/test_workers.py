"""The worker processes (auditor.workers): one pool for every caller, and workers that die
with their parent, even when it is killed with SIGKILL (issue 23 item 5, issue 29 item 3).
Before, `kill -9` of `audit scan` left its workers scanning on, for good.

Processes are found through /proc (PPid in /proc/<pid>/status): Linux only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor import workers
from conftest import BARE, write_tree

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="finds a process's children through /proc"
)
DEADLINE = 60.0  # seconds: generous, as the machine may be busy; the polls end sooner


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for init to reap it."""
    state = _status(pid).get("State", "")
    return bool(state) and not state.startswith(("Z", "X"))


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _status(int(entry)).get("PPid", "").strip() == str(parent):
            found.append(int(entry))
    return found


def _poll(condition: Callable[[], bool], deadline: float = DEADLINE) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _workers_of(process: subprocess.Popen[bytes], count: int) -> list[int]:
    """The pids of `count` worker processes of `process`, once they have all started."""
    found: list[int] = []

    def started() -> bool:
        assert process.poll() is None, "the run ended before its workers could be seen"
        found[:] = [pid for pid in _children(process.pid) if _alive(pid)]
        return len(found) >= count

    assert _poll(started), f"no {count} workers of {process.pid} within {DEADLINE} s"
    return found


@pytest.fixture
def reaped() -> Iterator[list[int]]:
    """Pids of processes this test made: any still alive at the end is killed."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _kill_and_check(main: subprocess.Popen[bytes], pids: list[int]) -> None:
    assert all(_alive(pid) for pid in pids)  # at work when their parent is killed
    main.send_signal(signal.SIGKILL)
    main.wait()
    assert main.returncode == -signal.SIGKILL  # killed, not ended by itself
    assert _poll(lambda: not any(_alive(pid) for pid in pids)), [pid for pid in pids if _alive(pid)]


@needs_proc
def test_killing_audit_scan_kills_its_workers(tmp_path: Path, reaped: list[int]) -> None:
    # Chains of 1,500 terms: valid Python that LibCST takes a while over, so the two
    # workers are still busy with 80 such files when the main process is killed.
    chain = "x = " + "+".join(["1"] * 1_500) + "\n"
    files: dict[str, str | bytes] = {f"pkg/mod_{i}.py": BARE + chain for i in range(80)}
    write_tree(tmp_path, {"pyproject.toml": "[tool.audit]\n", **files})
    main = subprocess.Popen(
        [sys.executable, "-c", "from auditor.cli import main; main()", "scan", "--jobs", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    reaped.append(main.pid)
    try:
        pids = _workers_of(main, 2)
        reaped.extend(pids)
        _kill_and_check(main, pids)
    finally:
        if main.poll() is None:
            main.kill()
            main.wait()


WATCHED = """
import sys, time
from auditor import workers

if sys.argv[1] == "watch":
    workers._death_signal = lambda: False  # as on a system without PR_SET_PDEATHSIG

def nap(seconds):
    time.sleep(seconds)
    return seconds

def nothing(state):
    pass

pool = workers.start(2, nothing, None)
pending = pool.submit(nap, [600, 600])
print("ready", flush=True)
pending()
"""


@needs_proc
@pytest.mark.parametrize("how", ["signal", "watch"])
def test_a_pools_workers_die_with_their_parent(tmp_path: Path, reaped: list[int], how: str) -> None:
    """Both ways: the kernel's signal (Linux), and the watching thread (elsewhere)."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(WATCHED))
    main = subprocess.Popen(
        [sys.executable, str(script), how], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    reaped.append(main.pid)
    try:
        assert main.stdout is not None and main.stdout.readline() == b"ready\n"
        pids = _workers_of(main, 2)
        reaped.extend(pids)
        _kill_and_check(main, pids)
    finally:
        if main.poll() is None:
            main.kill()
            main.wait()


def _double(x: int) -> int:
    return 2 * x


def _remember(state: str) -> None:
    os.environ["AUDIT_TEST_WORKER_STATE"] = state


def _state(_: int) -> str:
    return os.environ.get("AUDIT_TEST_WORKER_STATE", "")


def test_the_pool_keeps_order_and_gives_each_worker_its_state() -> None:
    pool = workers.start(2, _remember, "ready")
    if pool is None:
        pytest.skip("processes cannot fork here: there is no pool")
    with pool:
        assert list(pool.map(_double, range(20))) == [2 * x for x in range(20)]
        assert pool.submit(_double, [5, 1, 3])() == [10, 2, 6]
        assert set(pool.map(_state, range(8))) == {"ready"}


def test_one_job_is_no_pool() -> None:
    assert workers.start(1, _remember, "x") is None
    assert workers.default_jobs() >= 1
