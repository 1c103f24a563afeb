"""Do a real project's tests still pass after `audit scan --fix --unsafe-fixes`?

    python bench/suite_check.py mpmath==1.3.0 --deps pytest -- mpmath/tests
    python bench/suite_check.py tabulate==0.9.0 --import tabulate -- test

Issue 14's check on a PyPI sdist that ships its tests, in WORK/NAME (default /tmp/suites):
1. download the sdist (`pip download --no-binary :all: --no-deps REQ`), extract it into
   `pristine/`, copy that to `fixed/`;
2. make `venv/` with pytest, pytest-timeout and `--deps`; the project itself is not
   installed: each suite runs in its copy with PYTHONPATH on it (`--pythonpath` for a src
   layout), and the module `--import` names is imported there and its `__file__` printed,
   to prove the tests import the copy under test;
3. run the suite on `pristine/` (JUnit XML), count the fixable findings by rule, run
   `audit scan --fix --unsafe-fixes --fail-on none --no-cache` on `fixed/`, write the
   diff to `fix.diff`, run the fixer again on a copy of `fixed/`: it must change nothing;
4. run the suite on `fixed/` and print a table: outcomes before and after, and every test
   whose outcome changed with the first line of its failure.

The reason for each changed test is for a person to find (reads stdout, or a bug); the
table marks the ones whose failure mentions captured output or a doctest as `stdout?`.
Arguments after `--` go to pytest (run with the venv's python, in the copy's directory).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "audit"
STDOUT_HINTS = ("capsys", "capfd", "capture", "stdout", "doctest", "Expected:", "Got:", ">>>")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    print("$", " ".join(str(c) for c in cmd), file=sys.stderr)
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def fetch_sdist(req: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    found = [p for p in dest.iterdir() if p.suffix in (".gz", ".zip")]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:"]
        proc = run([*cmd, "--no-deps", req, "-d", str(dest)])
        if proc.returncode:
            sys.exit(f"pip download {req} failed:\n{proc.stderr}")
        found = [p for p in dest.iterdir() if p.suffix in (".gz", ".zip")]
    return found[0]


def extract(sdist: Path, dest: Path) -> None:
    """The sdist's single top folder, as `dest`."""
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if sdist.suffix == ".zip":
        with zipfile.ZipFile(sdist) as zf:
            zf.extractall(tmp)
    else:
        with tarfile.open(sdist) as tf:
            tf.extractall(tmp, filter="data")
    (top,) = tmp.iterdir()
    shutil.rmtree(dest, ignore_errors=True)
    top.rename(dest)
    tmp.rmdir()


def make_venv(venv: Path, deps: list[str]) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = run([str(python), "-m", "pip", "install", "-q", "pytest", "pytest-timeout", *deps])
    if proc.returncode:
        sys.exit(f"installing the test dependencies failed:\n{proc.stderr}")
    return python


def env_for(copy: Path, pythonpath: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(copy / pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def prove_import(python: Path, copy: Path, pythonpath: str, module: str) -> str:
    code = f"import {module}; print({module}.__file__)"
    proc = run([str(python), "-c", code], cwd=copy, env=env_for(copy, pythonpath))
    where = proc.stdout.strip() or proc.stderr.strip().splitlines()[-1]
    print(f"  {copy.name}: import {module} -> {where}")
    if not where.startswith(str(copy)):
        sys.exit(f"the tests in {copy} would not import the copy under test")
    return where


def run_suite(python: Path, copy: Path, args: argparse.Namespace, xml: Path) -> dict:
    cmd = [str(python), "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider"]
    cmd += [f"--timeout={args.timeout}", f"--junitxml={xml}", "-o", "junit_family=xunit1"]
    cmd += args.pytest_args
    started = time.monotonic()
    proc = run(cmd, cwd=copy, env=env_for(copy, args.pythonpath))
    log = xml.with_suffix(".log")
    log.write_text(proc.stdout + proc.stderr)
    tail = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"  {copy.name}: exit {proc.returncode}, {time.monotonic() - started:.0f}s: {tail}")
    return read_junit(xml, copy)


def reads_stdout(copy: Path, file: str | None, line: str | None) -> bool:
    """Whether the test's own source (the function at `line`) mentions captured output."""
    if not file or not line:
        return False  # a doctest in a module: read_junit sees its DocTestFailure
    path = copy / file
    if path.suffix != ".py":  # a doctest in a text file
        return True
    try:
        source = path.read_text(errors="replace").splitlines()
    except OSError:
        return False
    start = int(line)
    if start >= len(source):
        return False
    if not source[start].lstrip().startswith(("def ", "async def ", "class ")):
        return True  # a doctest: pytest gives the docstring's line
    indent = len(source[start]) - len(source[start].lstrip())
    body = [source[start]]
    for text in source[start + 1 :]:
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        body.append(text)
    return any(h in "\n".join(body) for h in STDOUT_HINTS)


def read_junit(xml: Path, copy: Path) -> dict[str, tuple[str, str, bool]]:
    """test id -> (outcome, first line of the failure, whether its source reads stdout)."""
    outcomes: dict[str, tuple[str, str, bool]] = {}
    if not xml.exists():
        return outcomes
    for case in ET.parse(xml).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, detail = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                text = child.get("message") or child.text or ""
                detail = (text.strip().splitlines() or [""])[0][:160]
                if child.tag != "skipped" and child.text:
                    detail += " | " + _last_line(child.text)
                break
        stdout = "DocTestFailure" in detail or "[doctest]" in detail
        stdout = stdout or reads_stdout(copy, case.get("file"), case.get("line"))
        outcomes[test_id] = (outcome, detail, stdout)
    return outcomes


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


def findings(copy: Path) -> list[dict]:
    cmd = [str(AUDIT), "scan", "--fail-on", "none", "--no-cache", "--format", "json"]
    proc = run(cmd, cwd=copy)
    return json.loads(proc.stdout)["findings"] if proc.stdout.strip() else []


def by_rule(found: list[dict]) -> collections.Counter[tuple[str, str]]:
    return collections.Counter(
        (f["rule_id"], (f.get("fix") or {}).get("applicability", "no fix")) for f in found
    )


def fix(copy: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(AUDIT), "scan", "--fix", "--unsafe-fixes", "--fail-on", "none", "--no-cache"]
    return run(cmd, cwd=copy)


def counts(outcomes: dict[str, tuple[str, str, bool]]) -> str:
    c = collections.Counter(o[0] for o in outcomes.values())
    return ", ".join(f"{c[k]} {k}" for k in ("passed", "failed", "error", "skipped"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], epilog="-- PYTEST_ARGS: pytest's arguments"
    )
    parser.add_argument("requirement", help="an sdist requirement, e.g. mpmath==1.3.0")
    parser.add_argument("--deps", nargs="*", default=[], help="test dependencies from PyPI")
    parser.add_argument("--import", dest="module", help="module whose __file__ is checked")
    parser.add_argument("--pythonpath", default=".", help="PYTHONPATH inside the copy")
    parser.add_argument("--work", type=Path, default=Path("/tmp/suites"))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per test")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    args.pytest_args = argv[cut + 1 :]
    name = args.requirement.split("==")[0].split("[")[0]
    work = args.work / name
    module = args.module or name.replace("-", "_")

    sdist = fetch_sdist(args.requirement, work / "sdist")
    pristine, fixed, again = work / "pristine", work / "fixed", work / "fixed-again"
    extract(sdist, pristine)
    shutil.rmtree(fixed, ignore_errors=True)
    shutil.copytree(pristine, fixed, symlinks=True)
    python = make_venv(work / "venv", args.deps)
    for copy in (pristine, fixed):
        prove_import(python, copy, args.pythonpath, module)

    print(f"{args.requirement}: baseline")
    before = run_suite(python, pristine, args, work / "pristine.xml")
    if not any(o[0] == "passed" for o in before.values()):
        sys.exit(f"no test passed on the pristine copy: see {work / 'pristine.log'}")

    found = by_rule(findings(fixed))
    proc = fix(fixed)
    (work / "fix.out").write_text(proc.stdout + proc.stderr)
    lines = proc.stdout.splitlines()
    summary = [ln for ln in lines if ln.startswith(("Fixed ", "Found ", "No findings"))]
    errors = [ln for ln in lines if " fix-error " in ln or ln.startswith("audit: error")]
    left = by_rule(findings(fixed))
    diff = run(["diff", "-ru", str(pristine), str(fixed)])
    (work / "fix.diff").write_text(diff.stdout)

    shutil.rmtree(again, ignore_errors=True)
    shutil.copytree(fixed, again, symlinks=True)
    second = fix(again)
    churn = run(["diff", "-ru", str(fixed), str(again)]).stdout
    (work / "second-run.diff").write_text(churn)

    print(f"{args.requirement}: after the fixes")
    after = run_suite(python, fixed, args, work / "fixed.xml")

    print(f"\n## {args.requirement}\n")
    print(f"audit --fix exit {proc.returncode}: " + " / ".join(summary))
    for line in errors:
        print(f"  {line}")
    print("\n| rule | fix | findings before | left after | fixed |\n|---|---|---|---|---|")
    for key in sorted(set(found) | set(left)):
        rule, kind = key
        print(f"| {rule} | {kind} | {found[key]} | {left[key]} | {found[key] - left[key]} |")
    print(f"\nfix.diff: {diff.stdout.count(chr(10))} lines, {work / 'fix.diff'}")
    print(
        f"second run: exit {second.returncode}, "
        + ("changed nothing" if not churn else f"CHANGED FILES, see {work / 'second-run.diff'}")
    )
    print(f"\ntests before: {counts(before)}\ntests after:  {counts(after)}\n")
    changed = sorted(
        t
        for t in set(before) | set(after)
        if before.get(t, ("absent",))[0] != after.get(t, ("absent",))[0]
    )
    print(f"{len(changed)} changed tests\n")
    if changed:
        print("| test | before | after | stdout? | failure |\n|---|---|---|---|---|")
    for test in changed:
        was = before.get(test, ("absent", "", False))
        now = after.get(test, ("absent", "", False))
        hint = "yes" if now[2] or any(h in now[1] for h in STDOUT_HINTS) else ""
        detail = now[1].replace("|", "\\|")
        print(f"| `{test}` | {was[0]} | {now[0]} | {hint} | {detail} |")


if __name__ == "__main__":
    main()
