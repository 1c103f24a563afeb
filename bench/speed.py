"""auditor against semgrep and ruff (fixit: --fixit) on the same corpus, in one run, in
CPU-seconds, with the ratios that issue 28 sets as targets.

    python bench/speed.py [--corpus reportlab django large] [--repeat 3] [--fixit]

Corpora: reportlab 3.5.59 (older code, many findings of our rules), Django 5.2.8 (a large
modern code base) and `large`: Django, ansible, SQLAlchemy, sympy and Twisted together (the
package directory of each pinned sdist, about 2.4M lines; see corpora.py). nltk: on demand.

Fetches the pinned sdists from PyPI and installs semgrep (and fixit) into venvs of their own
in the cache folder (never the repository). On a copy of the corpus, in paired rounds (each
command once per round, so that all share the load of the moment; `audit --version` and the
two warm runs, a tenth of a second each, 7 times a round), measures:
the `ast` floor (a fresh interpreter that `ast.parse`s every .py file), `audit --version`
(the interpreter and import floor of `audit`), `audit scan` cold (no cache), semgrep with local rules equivalent to
ours, `ruff check --no-cache`, `audit scan` with one file changed, `audit scan` warm (cache
filled, nothing changed) and ruff warm (its cache filled by a run just before). Prints the
median wall and CPU time and the peak memory (largest single process) of each, then the
targets: cold CPU <= 1/2 semgrep's, warm CPU <= 3x ruff's warm run (also with the floor
taken off auditor's side).

The commands run as a normal install runs them: with their compiled modules (.pyc) on disk.
PYTHONDONTWRITEBYTECODE is taken out of the environment of every command timed here (all
tools alike), so that the unmeasured run that fills audit's cache before the rounds (a cold
scan: it imports the rules and parsers too) writes the .pyc files the measured runs read.
With it set (as in some containers and CI images), every `audit` run compiles each module
it imports from source, ~0.05 CPU-s more on a warm scan, a cost no installed copy pays.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import DJANGO, LARGE, NLTK, REPORTLAB, Corpus, fetch
from speed_tools import (
    AST_FLOOR,
    FIXIT,
    SEMGREP,
    SEMGREP_RULES,
    Sample,
    Spec,
    load_average,
    median_cpu,
    median_wall,
    rounds,
    tool,
)

BIN = Path(sys.executable).parent
SHORT_RUNS = 7  # runs per round of the commands that take a tenth of a second
CORPORA: dict[str, tuple[Corpus, ...]] = {
    "reportlab": (REPORTLAB,),
    "django": (DJANGO,),
    "large": LARGE,
    "nltk": (NLTK,),
}
AST = "ast.parse every file (floor)"
VERSION = "audit --version (floor)"
COLD = "audit scan (cold)"
CHANGED = "audit scan (1 file changed)"
WARM = "audit scan (warm)"
SEMGREP_RUN = "semgrep (4 local rules)"
RUFF_COLD = "ruff --no-cache E722,T201"
RUFF_WARM = "ruff warm E722,T201"
FIXIT_RUN = "fixit lint (1 trivial rule)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--corpus", nargs="+", default=["reportlab", "django", "large"], choices=list(CORPORA)
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fixit", action="store_true", help="measure fixit too")
    parser.add_argument(
        "--syntax-cost",
        action="store_true",
        help="also the cost of compiling the files no rule's trigger is in (issue 16)",
    )
    parser.add_argument("--json", type=Path, help="append each corpus's medians here")
    args = parser.parse_args()
    # Inherited by every command below: see the module's docstring.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    semgrep = tool(SEMGREP, "semgrep")
    fixit = tool(FIXIT, "fixit") if args.fixit else None
    for name in args.corpus:
        result = bench(name, CORPORA[name], semgrep, fixit, args.repeat, args.syntax_cost)
        if args.json is not None:
            with args.json.open("a") as out:
                out.write(json.dumps(result) + "\n")
        print(flush=True)


def copy_corpus(corpora: Sequence[Corpus], target: Path) -> str:
    """The package directories, side by side under `target` when there are several; their
    names and versions, for the report."""
    if len(corpora) == 1:
        shutil.copytree(fetch(corpora[0]) / corpora[0].package, target)
    else:
        for corpus in corpora:
            shutil.copytree(fetch(corpus) / corpus.package, target / corpus.name)
    return " + ".join(f"{c.requirement} {c.package}/" for c in corpora)


def commands(
    target: Path, work: Path, semgrep: Path, fixit: Path | None
) -> tuple[list[Spec], list[str]]:
    """The commands of one round, in order, and the command that fills audit's cache."""
    audit = [str(BIN / "audit"), "scan", str(target), "--fail-on", "none"]
    cache = work / "cache"
    rules_file = work / "semgrep.yml"
    rules_file.write_text(SEMGREP_RULES)
    ruff = [str(BIN / "ruff"), "check", "--isolated", "--select", "E722,T201", "--exit-zero"]
    ruff_warm = (*ruff, "--cache-dir", str(work / "ruff-cache"), str(target))
    touched = next(iter(sorted(target.rglob("*.py"))))
    touch = (
        sys.executable,
        "-c",
        f"import pathlib; p = pathlib.Path({str(touched)!r}); p.write_text(p.read_text() + '\\n')",
    )
    semgrep_scan = [str(semgrep), "scan", "--metrics=off", "--disable-version-check"]
    specs = [
        Spec(AST, (sys.executable, "-c", AST_FLOOR, str(target))),
        Spec(VERSION, (str(BIN / "audit"), "--version"), times=SHORT_RUNS),
        Spec(COLD, (*audit, "--no-cache")),
        Spec(SEMGREP_RUN, (*semgrep_scan, "--config", str(rules_file), "--quiet", str(target))),
        Spec(RUFF_COLD, (*ruff, "--no-cache", str(target))),
        Spec(CHANGED, (*audit, "--cache-dir", str(cache)), touch),
        # Right after the changed file's run, which brought the cache up to date.
        Spec(WARM, (*audit, "--cache-dir", str(cache)), times=SHORT_RUNS),
        # The run before refills ruff's cache for the file changed above.
        Spec(RUFF_WARM, ruff_warm, ruff_warm, times=SHORT_RUNS),
    ]
    if fixit is not None:
        rule = "fixit.rules.avoid_or_in_except"
        specs.append(Spec(FIXIT_RUN, (str(fixit), "--rules", rule, "lint", str(target))))
    return specs, [*audit, "--cache-dir", str(cache)]


def bench(
    label: str,
    corpora: Sequence[Corpus],
    semgrep: Path,
    fixit: Path | None,
    repeat: int,
    syntax_cost: bool,
) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="audit-speed-"))
    try:
        target = work / "corpus"
        described = copy_corpus(corpora, target)
        paths = sorted(target.rglob("*.py"))
        lines = sum(p.read_bytes().count(b"\n") for p in paths)
        specs, fill = commands(target, work, semgrep, fixit)
        subprocess.run(fill, cwd=work, capture_output=True, check=False)
        load_before = load_average()
        started = time.perf_counter()
        samples = rounds(specs, work, repeat)
        elapsed = time.perf_counter() - started
        load_after = load_average()
        note = syntax_check_cost(target, median_cpu(samples[COLD])) if syntax_cost else ""
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{label}: {described}")
    print(
        f"{len(paths)} .py files, {lines:,} lines; {os.cpu_count()} cores; median of {repeat} "
        f"paired round(s) ({SHORT_RUNS} runs a round of `--version` and the warm runs), "
        f"{elapsed:.0f} s; load average {load_before} before, {load_after} after"
    )
    report(samples)
    if note:
        print(note)
    return {
        "corpus": label,
        "described": described,
        "files": len(paths),
        "lines": lines,
        "repeat": repeat,
        "load": [load_before, load_after],
        "cpu": {name: median_cpu(s) for name, s in samples.items()},
        "wall": {name: median_wall(s) for name, s in samples.items()},
        "samples_cpu": {name: [x.cpu for x in s] for name, s in samples.items()},
    }


def report(samples: dict[str, list[Sample]]) -> None:
    cpu = {name: median_cpu(s) for name, s in samples.items()}
    cold = cpu[COLD]
    print(f"{'':32} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'CPU ÷ audit cold':>17}")
    for name, runs in samples.items():
        peak = max(s.rss_mib for s in runs)
        print(
            f"{name:32} {median_wall(runs):8.2f} {cpu[name]:8.2f} {peak:9.0f} "
            f"{cpu[name] / cold:17.3f}"
        )
    floor = cpu[VERSION]
    warm, ruff_warm = cpu[WARM], cpu[RUFF_WARM]
    targets = [
        (
            f"cold / semgrep = {cold:.2f} / {cpu[SEMGREP_RUN]:.2f} = "
            f"{cold / cpu[SEMGREP_RUN]:.2f} (goal <= 0.5)",
            cold <= cpu[SEMGREP_RUN] / 2,
        ),
        (
            f"warm / ruff warm = {warm:.2f} / {ruff_warm:.2f} = {warm / ruff_warm:.1f} (goal <= 3)",
            warm <= 3 * ruff_warm,
        ),
    ]
    print("targets (CPU-s, issue 28):")
    for text, ok in targets:
        print(f"  {text}: {'met' if ok else 'MISSED'}")
    print(
        f"  beside it: floor `audit --version` {floor:.2f} CPU-s; (warm - floor) / ruff warm = "
        f"{(warm - floor) / ruff_warm:.1f}"
    )
    print(
        f"also: cold / ruff cold = {cold / cpu[RUFF_COLD]:.1f}; cold / ast floor = "
        f"{cold / cpu[AST]:.1f}; ruff warm / ruff cold = {ruff_warm / cpu[RUFF_COLD]:.2f}; "
        f"1 file changed / warm = {cpu[CHANGED] / warm:.2f}; peak memory of audit "
        f"{max(s.rss_mib for n in (COLD, WARM, CHANGED) for s in samples[n]):.0f} MiB"
    )


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
        f"{spent:.2f} CPU-s ({spent / cold:.0%} of the cold scan's CPU)"
    )


if __name__ == "__main__":
    main()
