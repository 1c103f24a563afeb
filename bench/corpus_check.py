"""Recall and fix safety of the Python rules on real, pinned code bases.

    python bench/corpus_check.py [reportlab nltk django]

For each corpus:
1. `bare-except` findings against every `except:` handler counted with the `ast` module
   (ruff's E722 skips handlers that re-raise, so it is only a lower bound);
2. `console-logging` findings against ruff's T201 minus the allowed places (test files and
   `if __name__ == "__main__":` blocks, found here with `ast`), every difference listed;
3. on a scratch copy: `audit scan --fix --unsafe-fixes`, then every changed file must compile,
   every changed module that imported before must still import, a second run must change
   nothing, and ruff E722 must report nothing.

It executes the corpus's code (the import check) in subprocesses; auditor itself never does.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import DJANGO, NLTK, REPORTLAB, Corpus, cache_dir, fetch

BIN = Path(sys.executable).parent
# The allowed places the console-logging spec names: test_*.py, *_test.py, tests/, conftest.py.
TEST_FILE = re.compile(r"(^|/)(tests/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


def python_files(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in root.rglob("*.py") if p.is_file())


def parse(path: Path) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            return None


def ast_bare_excepts(root: Path) -> set[tuple[str, int, int]]:
    found = set()
    for path in python_files(root):
        tree = parse(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ExceptHandler) and node.type is None:
                found.add((path.relative_to(root).as_posix(), node.lineno, node.col_offset + 1))
    return found


def _is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round, and nothing looser."""
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    strings = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(strings) == 1


def main_block_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def audit_findings(root: Path, rule: str) -> set[tuple[str, int, int]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "scan",
            str(root),
            "--select",
            rule,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    document = json.loads(done.stdout)
    base = _audit_root(root)
    return {
        ((base / f["path"]).relative_to(root).as_posix(), f["start"]["line"], f["start"]["column"])
        for f in document["findings"]
        # Python only: the counts are compared with ast and ruff, which read no JS/TS.
        if f["rule_id"] == rule and f["path"].endswith((".py", ".pyi"))
    }


def _audit_root(root: Path) -> Path:
    """audit reports paths relative to its project root: the git work tree here, if any."""
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True
    )
    return Path(done.stdout.strip()) if done.returncode == 0 else root


def ruff(root: Path, select: str) -> set[tuple[str, int, int]]:
    done = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            select,
            "--output-format",
            "json",
            "--exit-zero",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        (
            Path(d["filename"]).resolve().relative_to(root.resolve()).as_posix(),
            d["location"]["row"],
            d["location"]["column"],
        )
        for d in json.loads(done.stdout)
    }


def allowed_print(root: Path, path: str, line: int) -> str | None:
    if TEST_FILE.search(path):
        return "test file"
    tree = parse(root / path)
    if tree is not None and line in main_block_lines(tree):
        return "__main__ block"
    return None


def importable(import_roots: list[Path], modules: list[str]) -> set[str]:
    script = (
        "import importlib, json, signal, sys\n"
        "ok = []\n"
        "signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError()))\n"
        "for name in sys.argv[1:]:\n"
        "    signal.alarm(20)\n"
        "    try:\n"
        "        importlib.import_module(name); ok.append(name)\n"
        "    except BaseException:\n"
        "        pass\n"
        "    finally:\n"
        "        signal.alarm(0)\n"
        "sys.__stdout__.write('\\n' + json.dumps(ok))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *modules],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(map(str, import_roots)),
            "MPLBACKEND": "Agg",
        },
        stdin=subprocess.DEVNULL,
        timeout=3600,
    )
    lines = done.stdout.strip().splitlines()
    return set(json.loads(lines[-1])) if lines else set()


def install_dependencies(corpus: Corpus) -> Path:
    """The corpus's runtime dependencies in a folder of their own (cached), so that its
    modules can be imported from the scratch copy rather than from an installed release."""
    target = cache_dir() / "deps" / corpus.requirement
    if corpus.dependencies and not (target / ".complete").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--target",
                str(target),
                *corpus.dependencies,
            ],
            check=True,
        )
        (target / ".complete").touch()
    return target


def module_name(import_root: Path, path: Path) -> str:
    parts = list(path.relative_to(import_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in python_files(root)}


def check(corpus: Corpus) -> bool:
    top = fetch(corpus)
    package = top / corpus.package
    print(
        f"\n## {corpus.requirement}  ({sum(1 for _ in python_files(package))} files in {corpus.package}/)"
    )
    good = True

    expected = ast_bare_excepts(package)
    ours = audit_findings(package, "bare-except")
    e722 = ruff(package, "E722")
    print(
        f"bare-except: audit {len(ours)}, ast `except:` handlers {len(expected)}, ruff E722 {len(e722)}"
    )
    for item in sorted(expected ^ ours):
        side = "missed by audit" if item in expected else "not an ast handler"
        print(f"  {side}: {item[0]}:{item[1]}:{item[2]}")
        good = False

    t201 = ruff(package, "T201")
    allowed = {item: why for item in t201 if (why := allowed_print(package, item[0], item[1]))}
    prints = audit_findings(package, "console-logging")
    wanted = t201 - set(allowed)
    reasons = {why: sum(1 for w in allowed.values() if w == why) for why in set(allowed.values())}
    print(
        f"console-logging: audit {len(prints)}, ruff T201 {len(t201)} minus allowed {len(allowed)} {reasons} = {len(wanted)}"
    )
    for item in sorted(wanted ^ prints):
        side = "missed by audit (T201)" if item in wanted else "flagged by audit, not by T201"
        print(f"  {side}: {item[0]}:{item[1]}:{item[2]}")
        good = False

    scratch = Path(tempfile.mkdtemp(prefix=f"audit-{corpus.name}-"))
    try:
        copy = scratch / "corpus"
        shutil.copytree(top, copy, symlinks=True)
        target = copy / corpus.package
        import_root = copy / corpus.import_root
        before = snapshot(target)
        modules = sorted(module_name(import_root, p) for p in before)
        deps = install_dependencies(corpus)
        imported_before = importable([import_root, deps], modules)
        fix = [
            sys.executable,
            "-m",
            "auditor",
            "scan",
            str(target),
            "--fix",
            "--unsafe-fixes",
            "--fail-on",
            "none",
        ]
        first = subprocess.run(fix, capture_output=True, text=True, check=False)
        after = snapshot(target)
        changed = sorted(p for p in before if before[p] != after.get(p))
        out = first.stdout.splitlines()
        applied = next((int(line.split()[1]) for line in out if line.startswith("Fixed ")), 0)
        crashes = [line for line in out if " internal-error " in line]
        refused = [line for line in out if " fix-error " in line]
        errors = crashes + refused
        print(
            f"fix: {len(before)} files scanned, {applied} fixes applied, {len(changed)} files "
            f"changed, {len(crashes)} crashes, {len(refused)} refused fixes; audit exit {first.returncode}"
        )
        print(f"  left: {out[-1] if out else ''}")
        for line in errors:
            print(f"  {line}")
        compiled = subprocess.run(
            [sys.executable, "-m", "compileall", "-q", *map(str, changed)],
            capture_output=True,
            text=True,
        )
        print(f"compileall on changed files: {'ok' if compiled.returncode == 0 else 'FAILED'}")
        if compiled.returncode:
            print(compiled.stdout[-2000:])
        changed_modules = [module_name(import_root, p) for p in changed]
        imported_after = importable([import_root, deps], changed_modules)
        broken = sorted(set(changed_modules) & imported_before - imported_after)
        print(
            f"imports: {len(set(changed_modules) & imported_before)} changed modules imported before, {len(broken)} broken after"
        )
        for name in broken:
            print(f"  import broken: {name}")
        second = subprocess.run(fix, capture_output=True, text=True, check=False)
        again = sorted(p for p, data in snapshot(target).items() if data != after.get(p))
        print(f"second --fix: {len(again)} files changed")
        left = ruff(target, "E722")
        print(f"ruff E722 after fixing: {len(left)}")
        good = good and not (
            errors or compiled.returncode or broken or again or left or second.returncode == 2
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return good


def main(argv: list[str]) -> int:
    chosen = [
        c for c in (REPORTLAB, NLTK, DJANGO) if not argv or c.requirement in argv or c.name in argv
    ]
    results = [check(c) for c in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
