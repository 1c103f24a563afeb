"""Whether the rules that declare `statement_local` keep their promise on real code:
for each sampled top-level statement of a corpus's files, what each such rule finds in
it on the module's outline (the statement in full) against what it finds there in the
whole module, fixes included. Statements with findings are always sampled.

    .venv/bin/python bench/statement_local_check.py [--corpus django] [--files 300]
    .venv/bin/python bench/statement_local_check.py --root /usr/lib/python3.11
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpora
import libcst as cst

from auditor.scan import python
from auditor.scan.python_document import statement_findings
from auditor.scan.python_splice import statement_starts
from auditor.scan.run import open_project
from auditor.scan.source import LineIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpora.add_source_arguments(parser)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--sample", type=int, default=5, help="statements without findings")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    top = corpora.source_root(args)
    engine = open_project(top).realized().engine()
    rng = random.Random(args.seed)
    files = sorted(top.rglob("*.py"))
    rng.shuffle(files)
    counts: Counter[str] = Counter()
    for file in files[: args.files]:
        rel = file.relative_to(top).as_posix()
        rules = [r for r in engine.rules_for(rel, "python") if r.cls.statement_local]
        try:
            text = file.read_text(encoding="utf-8")
            module = cst.parse_module(text)
        except Exception:
            continue
        starts = statement_starts(module, text)
        if starts is None:
            continue
        whole = python.run(rel, text, rules, False, top)
        index = LineIndex(text)
        flagged = {
            next(i for i in range(len(starts) - 1) if starts[i + 1] > index.offset(f.start))
            for f in whole
            if f.is_finding
        }
        others = [i for i in range(len(module.body)) if i not in flagged]
        sampled = sorted(flagged | set(rng.sample(others, min(args.sample, len(others)))))
        counts["files"] += 1
        for statement in sampled:
            found = statement_findings(rel, text, rules, statement)
            if found is None:
                counts["unplaced"] += 1
                continue
            low, high = starts[statement], starts[statement + 1]
            expected = [f for f in whole if low <= index.offset(f.start) < high]
            counts["statements"] += 1
            counts["findings"] += len(expected)
            if sorted(found, key=repr) != sorted(expected, key=repr):
                counts["differ"] += 1
                print(f"differs: {rel} statement {statement + 1} (line {index.location(low).line})")
                for f in sorted({*found} ^ {*expected}, key=repr):
                    side = "outline" if f in found else "module"
                    print(f"    {side}: {f.rule_id} {f.start.line}:{f.start.column} {f.message}")
    print(dict(counts))


if __name__ == "__main__":
    main()
