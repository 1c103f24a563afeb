"""The prefilters must never hide a finding: every rule, run on every file of the pinned
corpora with and without them, gives the same findings. Also prints what each stage keeps.

    python bench/prefilter_check.py [django reportlab nltk]

Stages, per rule: the files of its language, those containing its text triggers, those its
`could_match` accepts from the `ast` tree (only these reach LibCST), and those with findings.
Exits 1 on any difference.
"""

from __future__ import annotations

import ast
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import DJANGO, NLTK, REPORTLAB, fetch

from auditor.plugins import Rule, RuleContext
from auditor.scan.ast_index import AstIndex
from auditor.scan.engine import Engine, _triggered
from auditor.scan.run import open_project

CORPORA = {c.name: c for c in (DJANGO, REPORTLAB, NLTK)}


def check(name: str) -> bool:
    root = fetch(CORPORA[name]) / CORPORA[name].package
    project = open_project(Path(__file__).resolve().parent.parent)
    rules = [r for r in project.rules if "python" in r.cls.languages]
    files = sorted(p for p in root.rglob("*.py") if p.is_file())
    texts = {p.relative_to(root).as_posix(): p.read_text("utf-8", "replace") for p in files}
    stages = {r.id: [0, 0, 0, 0] for r in rules}
    same = True
    for rel, text in texts.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                index: AstIndex | None = AstIndex(ast.parse(text))
            except (SyntaxError, ValueError):
                index = None
        for active in rules:
            counts = stages[active.id]
            counts[0] += 1
            if not _triggered(active, text):
                continue
            counts[1] += 1
            cls = active.cls
            assert issubclass(cls, Rule)
            if index is None or cls.could_match(index, RuleContext(rel, active.options)):
                counts[2] += 1
            unfiltered = Engine([active], prefilter=False).scan_text(rel, "python", text)
            counts[3] += bool(unfiltered)
            filtered = Engine([active]).scan_text(rel, "python", text)
            if filtered != unfiltered:
                same = False
                print(f"DIFFERENT {name} {rel} {active.id}: {len(unfiltered)} vs {len(filtered)}")
    print(f"{CORPORA[name].requirement}: {len(files)} files")
    print(f"  {'rule':20} {'files':>6} {'triggers':>9} {'ast check':>10} {'with findings':>14}")
    for rule_id, (n, triggered, candidates, found) in stages.items():
        print(f"  {rule_id:20} {n:6} {triggered:9} {candidates:10} {found:14}")
    return same


def main() -> int:
    names = sys.argv[1:] or list(CORPORA)
    results = [check(name) for name in names]
    print("prefilters hide nothing" if all(results) else "PREFILTERS HIDE FINDINGS")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
