"""`audit scan --fix` (safe fixes only) on a copy of the CPython standard library must keep
its behaviour: CPython's own tests of `unittest`, `doctest` and `code` give the same result
with the fixed copy, and a second `audit scan --fix` changes nothing (issue 14).

    python bench/stdlib_check.py /root/.pyenv/versions/3.12.1/bin/python3.12 [--work DIR]

Steps, for the given interpreter:
1. copy its stdlib (without site-packages, __pycache__) to WORK/pristine/lib/pythonX.Y and
   WORK/fixed/lib/pythonX.Y, make WORK/fixed a project (`[tool.audit]` in pyproject.toml) and run
   `audit scan --fix --fail-on none --no-cache` there;
2. compare the trees: every changed line must be `except:` -> `except Exception:` or
   `except BaseException:`; each changed handler is then classified with the target
   interpreter's `ast` (it parses syntax newer than auditor's Python) and the doubtful ones
   are listed; the bare `except:` handlers left are accounted for;
3. copy WORK/fixed to WORK/second, run the same scan there: nothing may change;
4. run the tests against each copy, made a prefix: a copy of the interpreter's executable
   in WORK/<copy>/bin finds WORK/<copy>/lib/pythonX.Y as its stdlib, even with -I and in
   the subprocesses the tests start (-X frozen_modules=off too; a symlinked lib folder
   would not do: unittest's discovery compares real and linked paths). The installed
   interpreter runs them too, as a reference. Each
   run prints where `unittest`, `doctest`, `code` and `test` come from. The tests run twice:
   with a unittest runner that records every test's outcome (compared test by test), and
   with `python -m test` (CPython's regrtest, its summary is shown).

Exits 1 on any difference in the tests, a change of another kind, a change flagged as
wrong, or a second run that changes something.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

AUDIT = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "audit"
TESTS = ("test_unittest", "test_doctest", "test_code_module")
# Names of exceptions that are not an Exception.
SIGNALS = {"KeyboardInterrupt", "SystemExit", "GeneratorExit", "BaseException"}
# auditor's default exclude (auditor/config.py) that can match stdlib folders.
EXCLUDED_PARTS = {"venv", "build", "dist", "site-packages"}
OLD = re.compile(r"^(\s*)except\s*:(.*)$", re.S)
NEW = re.compile(r"^(\s*)except (Exception|BaseException):(.*)$", re.S)
FINDING = re.compile(
    r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>\w+) (?P<rule>\S+) (?P<msg>.*)$"
)
REPORTS = re.compile(
    r"exc_info|print_exc|format_exc|print_exception|format_exception|showtraceback|"
    r"\.exception\(|_addError|addError|addFailure|report_|traceback|_make_failed|errors\.append"
)
EXITS = re.compile(r"sys\.exit|\bexit\(|SystemExit|KeyboardInterrupt|interrupt_main|_exit\(")

# Runs in the interpreter under test: where the modules come from, then the tests with a
# result that records each outcome; written at exit, so a run ended by a stray SystemExit
# still leaves what ran (and "completed": false).
RUNNER = r"""
import atexit, json, sys, traceback, unittest
out, names = sys.argv[1], sys.argv[2:]
import code, doctest, test
import _imp
files = {m.__name__: m.__file__ for m in (unittest, doctest, code, test)}
print("modules:", json.dumps(files), flush=True)
frozen = sorted(getattr(_imp, "_frozen_module_names", lambda: [])())
state = {"files": files, "frozen": frozen, "completed": False, "tests": {}, "started": []}
atexit.register(lambda: open(out, "w").write(json.dumps(state)))

class Recording(unittest.TextTestResult):
    def _put(self, test, outcome, err=None):
        text = self._exc_info_to_string(err, test) if isinstance(err, tuple) else err
        state["tests"][test.id()] = [outcome, text]
    def startTest(self, test):
        state["started"].append(test.id())
        super().startTest(test)
    def addSuccess(self, test):
        super().addSuccess(test); self._put(test, "ok")
    def addFailure(self, test, err):
        super().addFailure(test, err); self._put(test, "FAIL", err)
    def addError(self, test, err):
        super().addError(test, err); self._put(test, "ERROR", err)
    def addSkip(self, test, reason):
        super().addSkip(test, reason); self._put(test, "skipped", reason)
    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err); self._put(test, "expected failure")
    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test); self._put(test, "unexpected success")
    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._put(subtest, "FAIL" if failed else "ERROR", err)

loader = unittest.TestLoader()
suite = unittest.TestSuite(loader.loadTestsFromName("test." + n) for n in names)
result = unittest.TextTestRunner(resultclass=Recording, verbosity=0).run(suite)
state["completed"] = True
state["summary"] = [result.testsRun, len(result.failures), len(result.errors)]
"""
REGRTEST = r"""
import json, runpy, sys, unittest, doctest, code, test
files = {m.__name__: m.__file__ for m in (unittest, doctest, code, test)}
print("modules:", json.dumps(files), flush=True)
sys.argv[0] = "-m test"
runpy.run_module("test", run_name="__main__", alter_sys=True)
"""


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


def stdlib_of(python: str) -> tuple[str, Path]:
    code = "import sys, sysconfig; print(sys.version.split()[0]); print(sysconfig.get_paths()['stdlib'])"
    version, stdlib = run([python, "-I", "-c", code]).stdout.split("\n")[:2]
    return version, Path(stdlib)


def copy_tree(src: Path, dst: Path) -> None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(
        src, dst, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "__pycache__")
    )


def scan(project: Path) -> tuple[list[str], list[dict[str, str]]]:
    """`audit scan --fix` in project: its summary lines and its findings."""
    proc = run([str(AUDIT), "scan", "--fix", "--fail-on", "none", "--no-cache"], cwd=project)
    findings, summary = [], []
    for line in proc.stdout.splitlines():
        match = FINDING.match(line)
        if match:
            findings.append(match.groupdict())
        elif line and not line.startswith(" "):
            summary.append(line)
    summary += [f"stderr: {line}" for line in proc.stderr.splitlines()[-5:]]
    return [*summary, f"exit code {proc.returncode}"], findings


def files_of(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def compare(a: Path, b: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Files that differ between two trees and, for the changed lines, each change."""
    fa, fb = files_of(a), files_of(b)
    differ = sorted(set(fa) ^ set(fb))
    changes: list[dict[str, object]] = []
    for rel in sorted(set(fa) & set(fb)):
        old, new = fa[rel].read_bytes(), fb[rel].read_bytes()
        if old == new:
            continue
        differ.append(rel)
        olds = old.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        news = new.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(None, olds, news, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = list(zip(olds[i1:i2], news[j1:j2], strict=False)) if i2 - i1 == j2 - j1 else []
            kinds = [_kind(o, n) for o, n in pairs]
            if pairs and all(kinds):
                for k, (o, n) in enumerate(pairs):
                    changes.append(
                        {"path": rel, "line": j1 + k + 1, "kind": kinds[k], "old": o, "new": n}
                    )
            else:
                text = "".join(olds[i1:i2]) + " ->\n" + "".join(news[j1:j2])
                changes.append(
                    {"path": rel, "line": j1 + 1, "kind": "other", "old": text, "new": ""}
                )
    return sorted(set(differ)), changes


def _kind(old: str, new: str) -> str | None:
    o, n = OLD.match(old), NEW.match(new)
    if o and n and o.group(1) == n.group(1) and o.group(2) == n.group(3):
        return f"except: -> except {n.group(2)}:"
    return None


# --- classification, run by the interpreter under test (`--classify`) ---


def classify_main(pristine: Path, fixed: Path, changes_file: Path) -> None:
    changes = json.loads(changes_file.read_text())
    trees: dict[str, ast.Module | None] = {}
    for change in changes:
        if change["kind"] == "other":
            continue
        rel = change["path"]
        if rel not in trees:
            trees[rel] = _parse(fixed / rel)
        tree = trees[rel]
        change.update(
            _classify(tree, (fixed / rel).read_text("utf-8", "replace"), change["line"])
            if tree
            else {"flags": ["file does not parse"]}
        )
    bare: dict[str, list[tuple[str, int]]] = {}
    for label, root in (("pristine", pristine), ("fixed", fixed)):
        bare[label] = []
        for path in sorted(root.rglob("*.py")):
            tree = _parse(path)
            for node in ast.walk(tree) if tree else ():
                if isinstance(node, ast.ExceptHandler) and node.type is None:
                    bare[label].append((path.relative_to(root).as_posix(), node.lineno))
    print(json.dumps({"changes": changes, "bare": bare}))


def _parse(path: Path) -> ast.Module | None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            return None


def _classify(tree: ast.Module, source: str, line: int) -> dict[str, object]:
    found = None
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if isinstance(node, ast.Try | ast.TryStar):
            for index, handler in enumerate(node.handlers):
                if handler.lineno == line and handler.type is not None:
                    found = node, index, handler
    if found is None:
        return {"flags": ["no handler found at this line"]}
    node, index, handler = found
    caught = ast.unparse(handler.type)  # type: ignore[arg-type]
    earlier = [ast.unparse(h.type) for h in node.handlers[:index] if h.type is not None]
    deliberate = [e for e in earlier if _names(e) & SIGNALS]
    body_text = "\n".join(ast.unparse(s) for s in handler.body)
    try_text = "\n".join(ast.unparse(s) for s in node.body)
    reraise = _ends_in_reraise(handler.body)
    some_raise = any(isinstance(n, ast.Raise) and n.exc is None for n in _walk_local(handler.body))
    flags: list[str] = []
    if caught == "BaseException":
        if deliberate:
            reason = f"deliberate catch-all (after {', '.join(deliberate)})"
        elif reraise:
            reason = "re-raises on every path"
        elif some_raise:
            reason = "re-raises (paths too complex for this check)"
            flags.append("REVIEW: BaseException, re-raise on every path not confirmed")
        else:
            reason = "none found"
            flags.append("WRONG?: BaseException without a deliberate catch-all or a re-raise")
    else:
        reason = "plain"
        if deliberate:
            flags.append(f"WRONG: Exception after {', '.join(deliberate)}")
        if reraise:
            flags.append(
                "REVIEW: Exception, but by this script's simpler check every path re-raises"
            )
        elif some_raise:
            flags.append(
                "review: re-raises on some paths; its cleanup is now skipped for KeyboardInterrupt/SystemExit"
            )
        if REPORTS.search(body_text):
            flags.append(
                "review: reports/records the exception; SystemExit/KeyboardInterrupt now escape it"
            )
        if any(
            isinstance(n, ast.Yield | ast.YieldFrom | ast.Await) for n in _walk_local(node.body)
        ):
            flags.append(
                "review: the try body yields/awaits; GeneratorExit/CancelledError now escape it"
            )
        if EXITS.search(try_text):
            flags.append("review: the try body can raise SystemExit/KeyboardInterrupt")
    if any(
        isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
        for n in ast.walk(tree)
    ):
        flags.append("WRONG: safe fix in a module with `from m import *`")
    if _binds(tree, caught):
        flags.append(f"WRONG?: the module binds the name `{caught}` somewhere")
    first = handler.body[0]
    if isinstance(first, ast.Pass) and len(handler.body) == 1:
        body = "pass"
    elif reraise:
        body = "re-raise"
    elif all(isinstance(s, ast.Return | ast.Continue | ast.Break | ast.Pass) for s in handler.body):
        body = "return/continue/break"
    else:
        body = "other statements"
    lines = source.splitlines()
    start = max(node.lineno, line - 4)
    context = lines[start - 1 : min(len(lines), handler.body[-1].end_lineno or line, line + 4)]
    return {"caught": caught, "reason": reason, "body": body, "flags": flags, "context": context}


def _names(text: str) -> set[str]:
    return {part.strip().removeprefix("builtins.") for part in text.strip("()").split(",")}


def _walk_local(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of body, not entering nested functions, lambdas or classes."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _ends_in_reraise(body: list[ast.stmt]) -> bool:
    """A simple, independent check: the block's last statement is a bare `raise`, or an
    `if`/`else` or `try` each of whose ways out ends in one (a `return`, `break` or
    `continue` anywhere before means no)."""
    if any(isinstance(n, ast.Return | ast.Break | ast.Continue) for n in _walk_local(body)):
        return False
    last = body[-1]
    if isinstance(last, ast.Raise):
        return last.exc is None
    if isinstance(last, ast.If):
        return bool(last.orelse) and _ends_in_reraise(last.body) and _ends_in_reraise(last.orelse)
    if isinstance(last, ast.With):
        return _ends_in_reraise(last.body)
    if isinstance(last, ast.Try):
        if last.finalbody and _ends_in_reraise(last.finalbody):
            return True
        tail = last.orelse or last.body
        return _ends_in_reraise(tail) and all(_ends_in_reraise(h.body) for h in last.handlers)
    return False


def _binds(tree: ast.Module, name: str) -> bool:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == name
        ):
            return True
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name).split(".")[0] == name:
            return True
        if isinstance(node, ast.arg) and node.arg == name:
            return True
    return False


# --- the tests ---


def as_prefix(python: str, root: Path) -> Path:
    """root/bin/pythonX.Y, a copy of the executable, takes root/lib/pythonX.Y as its stdlib."""
    (root / "bin").mkdir(exist_ok=True)
    exe = root / "bin" / Path(python).resolve().name
    shutil.copy2(Path(python).resolve(), exe)
    return exe


def run_tests(exe: Path, work: Path, label: str) -> dict[str, object]:
    flags = ["-X", "frozen_modules=off", "-X", f"pycache_prefix={work / 'pycache' / label}", "-I"]
    out = work / f"tests-{label}.json"
    out.unlink(missing_ok=True)
    proc = run([str(exe), *flags, "-c", RUNNER, str(out), *TESTS], timeout=1800)
    state: dict[str, object] = (
        json.loads(out.read_text()) if out.exists() else {"tests": {}, "completed": False}
    )
    state["rc"] = proc.returncode
    state["tail"] = (proc.stdout + proc.stderr).splitlines()[-6:]
    regr = run([str(exe), *flags, "-c", REGRTEST, *TESTS], timeout=1800)
    (work / f"regrtest-{label}.txt").write_text(regr.stdout + regr.stderr)
    lines = (regr.stdout + regr.stderr).splitlines()
    keep = re.compile(
        r"^(modules:|== Tests result|Tests result|Total tests|Result:|\d+ tests? (OK|failed)|All \d+ tests)"
    )
    state["regrtest"] = [ln for ln in lines if keep.match(ln)] + [f"exit code {regr.returncode}"]
    return state


def counts(state: dict[str, object]) -> Counter[str]:
    tests = state["tests"]
    assert isinstance(tests, dict)
    return Counter(outcome for outcome, _ in tests.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("python", nargs="?", help="the interpreter whose stdlib and tests are used")
    parser.add_argument("--work", type=Path, help="scratch folder [/tmp/stdlib-check/<version>]")
    parser.add_argument("--sample", type=int, default=30, help="changes shown in full [30]")
    parser.add_argument("--no-tests", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the trees and run 1 of an earlier run"
    )
    parser.add_argument("--classify", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.classify:
        classify_main(*args.classify)
        return 0
    if not args.python:
        parser.error("the python to check is required")
    python = shutil.which(args.python) or args.python
    version, stdlib = stdlib_of(python)
    work = (args.work or Path("/tmp/stdlib-check") / version).resolve()
    print(f"# CPython {version}: {stdlib} -> {work}")
    pristine, fixed, second = work / "pristine", work / "fixed", work / "second"
    lib = f"lib/python{'.'.join(version.split('.')[:2])}"
    run1 = work / "run1.json"
    if not (args.reuse and run1.exists()):
        copy_tree(stdlib, pristine / lib)
        copy_tree(stdlib, fixed / lib)
        (fixed / "pyproject.toml").write_text("[tool.audit]\n")
        run1.write_text(json.dumps(scan(fixed)))
    summary, findings = json.loads(run1.read_text())
    bad = False

    print("\n## run 1: audit scan --fix --fail-on none --no-cache")
    print("\n".join(f"    {line}" for line in summary))
    differ, changes = compare(pristine / lib, fixed / lib)
    kinds = Counter(str(c["kind"]) for c in changes)
    print(f"files changed: {len(differ)}; changed lines: {len(changes)}")
    for kind, n in kinds.most_common():
        print(f"    {n:5}  {kind}")
    bad |= "other" in kinds

    changes_file = work / "changes.json"
    changes_file.write_text(json.dumps(changes))
    cls = run(
        [
            python,
            "-I",
            str(Path(__file__).resolve()),
            "--classify",
            str(pristine / lib),
            str(fixed / lib),
            str(changes_file),
        ]
    )
    if cls.returncode:
        print(cls.stderr)
        return 1
    classified = json.loads(cls.stdout)
    changes = classified["changes"]
    (work / "changes.json").write_text(json.dumps(changes, indent=1))
    print("\n## why each fix chose its type")
    for (caught, reason), n in Counter(
        (c.get("caught"), c.get("reason")) for c in changes
    ).most_common():
        print(f"    {n:5}  {caught}: {reason}")
    print("  handler bodies:")
    for (caught, body), n in Counter(
        (c.get("caught"), c.get("body")) for c in changes
    ).most_common():
        print(f"    {n:5}  {caught}: {body}")
    print("\n## flagged changes")
    flag_count: Counter[str] = Counter()
    for c in changes:
        for flag in c.get("flags", []):
            flag_count[flag.split(";")[0]] += 1
            bad |= flag.startswith("WRONG")
            print(f"  {c['path']}:{c['line']}: {flag}")
            if flag.startswith(("WRONG", "REVIEW")):
                print("\n".join(f"        | {ln}" for ln in c.get("context", [])))
    for flag, n in flag_count.most_common():
        print(f"    {n:5}  {flag}")
    if kinds.get("other"):
        for c in changes:
            if c["kind"] == "other":
                print(f"  {c['path']}:{c['line']}: other change:\n{c['old']}")

    print(f"\n## a sample of {args.sample} changes")
    for c in sorted(
        random.Random(14).sample(changes, min(args.sample, len(changes))),
        key=lambda c: (c["path"], c["line"]),
    ):
        print(f"  {c['path']}:{c['line']}: {c['kind']} [{c.get('reason')}; {c.get('body')}]")
        print("\n".join(f"        | {ln}" for ln in c.get("context", [])))

    print("\n## bare `except:` handlers (ast of the interpreter under test)")
    before, after = classified["bare"]["pristine"], classified["bare"]["fixed"]
    print(
        f"  pristine {len(before)}, fixed by run 1 {len(changes) - kinds.get('other', 0)}, left {len(after)}"
    )
    reported = {
        (f["path"].removeprefix(f"{lib}/"), int(f["line"])): f
        for f in findings
        if f["rule"] == "bare-except"
    }
    unparsed = {
        f["path"].removeprefix(f"{lib}/"): f
        for f in findings
        if f["rule"] in ("parse-error", "parse-limit")
    }
    left: Counter[str] = Counter()
    for rel, line in after:
        if (rel, line) in reported:
            msg = reported[rel, line]["msg"]
            why = "reported, no safe fix: " + (
                msg[msg.index("(") :] if "(" in msg else "(unsafe fix)"
            )
        elif rel in unparsed:
            why = f"not checked: {unparsed[rel]['rule']} {unparsed[rel]['msg'][:60]}"
        elif EXCLUDED_PARTS & set(rel.split("/")[:-1]):
            why = "not checked: in a folder auditor excludes by default"
        else:
            why = "MISSED"
            bad = True
        left[why] += 1
        if why == "MISSED" or why.startswith("not checked"):
            print(f"    {rel}:{line}: {why}")
    for why, n in left.most_common():
        print(f"    {n:5}  {why}")

    print("\n## run 2 on a copy of the fixed tree")
    copy_tree(fixed, second)
    summary2, _ = scan(second)
    print("\n".join(f"    {line}" for line in summary2))
    differ2, changes2 = compare(fixed / lib, second / lib)
    print(f"files changed by run 2: {len(differ2)}")
    for c in changes2[:20]:
        print(f"  {c['path']}:{c['line']}: {c['kind']}: {c['old']!r} -> {c['new']!r}")
    bad |= bool(differ2)

    if args.no_tests:
        return int(bad)
    print(f"\n## tests: {' '.join(TESTS)}")
    results = {}
    for label, tree in (("installed", None), ("pristine", pristine), ("fixed", fixed)):
        exe = as_prefix(python, tree) if tree else Path(python)
        results[label] = state = run_tests(exe, work, label)
        frozen = set(state.get("frozen", []))  # type: ignore[call-overload]
        print(f"  {label}: {exe}")
        print(f"    modules: {state.get('files')}")
        if label == "fixed" and (changed := sorted(frozen & {_module(p) for p in differ})):
            print(f"    changed modules that are frozen (-X frozen_modules=off here): {changed}")
        print(f"    recorded: completed={state['completed']}, exit code {state['rc']}")
        print("\n".join(f"    regrtest: {ln}" for ln in state["regrtest"]))  # type: ignore[attr-defined]
        if not state["completed"]:
            bad = True
            print("\n".join(f"    | {ln}" for ln in state["tail"]))  # type: ignore[attr-defined]
    tests = {label: state["tests"] for label, state in results.items()}
    print(f"\n    {'outcome':20}" + "".join(f"{label:>11}" for label in results))
    table = {label: counts(state) for label, state in results.items()}
    for outcome in sorted(set().union(*table.values())):
        print(f"    {outcome:20}" + "".join(f"{c[outcome]:11}" for c in table.values()))
    print(f"    {'total':20}" + "".join(f"{len(t):11}" for t in tests.values()))  # type: ignore[arg-type]
    for one, other in (("installed", "pristine"), ("pristine", "fixed")):
        a, b = tests[one], tests[other]
        assert isinstance(a, dict) and isinstance(b, dict)
        differing = [t for t in sorted(set(a) | set(b)) if _outcome(a, t) != _outcome(b, t)]
        print(f"tests whose outcome differs, {one} -> {other}: {len(differing)}")
        for test in differing:
            bad |= other == "fixed"
            print(f"  {test}: {_outcome(a, test)} -> {_outcome(b, test)}")
            detail = (b.get(test) or a.get(test) or ["", ""])[1]
            if detail:
                print("\n".join(f"      | {ln}" for ln in str(detail).splitlines()[-15:]))
    print(f"\nresult: {'DIFFERENCES' if bad else 'same behaviour, second run clean'}")
    return int(bad)


def _outcome(tests: dict[str, list[str]], test: str) -> str:
    return tests[test][0] if test in tests else "missing"


def _module(rel: str) -> str:
    return rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


if __name__ == "__main__":
    sys.exit(main())
