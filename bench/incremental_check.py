"""Whether the language server's incremental scan of a Python document gives exactly the
findings of a full scan, on real code: random keystroke-sized edits (a character typed
or deleted, a line added, removed or repeated) of a corpus's files, each edit scanned
both ways by the same rules; and how long each way took.

    .venv/bin/python bench/incremental_check.py [--files 100] [--edits 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpora

from auditor.scan import python
from auditor.scan.python_document import Document
from auditor.scan.run import open_project


def edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(True)
    if not lines:
        return "x = 1\n"
    at = rng.randrange(len(lines))
    line = lines[at]
    kind = rng.randrange(6)
    if kind == 0:  # a character typed
        column = rng.randrange(len(line)) if line else 0
        lines[at] = line[:column] + rng.choice("x_ (:#'\"0") + line[column:]
    elif kind == 1 and len(line) > 1:  # one deleted
        column = rng.randrange(len(line) - 1)
        lines[at] = line[:column] + line[column + 1 :]
    elif kind == 2:
        lines.insert(at, "\n")
    elif kind == 3:
        del lines[at]
    elif kind == 4:
        lines.insert(at, line)
    else:  # a statement at the line's indentation
        indent = line[: len(line) - len(line.lstrip())]
        lines.insert(at, indent + rng.choice(["print(x)\n", "pass\n", "logger = 1\n"]))
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    corpora.add_source_arguments(parser)
    args = parser.parse_args()
    top = corpora.source_root(args)
    engine = open_project(top).realized().engine()
    rng = random.Random(args.seed)
    files = sorted(top.rglob("*.py"))
    rng.shuffle(files)
    counts = {"files": 0, "edits": 0, "spliced": 0, "outlined": 0, "differ": 0}
    full_times: list[float] = []
    doc_times: list[float] = []
    for file in files[: args.files]:
        rel = file.relative_to(top).as_posix()
        rules = engine.rules_for(rel, "python")
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        document = Document()
        document.run(rel, text, rules, engine.prefilter, top)
        counts["files"] += 1
        for _ in range(args.edits):
            valid, text = text, edit(text, rng)
            before, outlined = document.spliced, document.outlined
            start = time.perf_counter()
            incremental = document.run(rel, text, rules, engine.prefilter, top)
            middle = time.perf_counter()
            full = python.run(rel, text, rules, engine.prefilter, top)
            end = time.perf_counter()
            counts["edits"] += 1
            counts["outlined"] += document.outlined - outlined
            if document.spliced > before:
                counts["spliced"] += 1
                doc_times.append(middle - start)
                full_times.append(end - middle)
            key = lambda f: (f.start.line, f.start.column, f.rule_id, f.message)  # noqa: E731
            if sorted(incremental, key=key) != sorted(full, key=key):
                counts["differ"] += 1
                print(f"differs: {rel}", file=sys.stderr)
                Path("/tmp/incremental-differs.py").write_text(text)
            if any(f.rule_id == "parse-error" for f in full):
                text = valid  # typed on: the next edit starts from code that parses
    print(counts)
    if doc_times:
        print(
            f"spliced edits: incremental median {statistics.median(doc_times) * 1000:.1f} ms, "
            f"full median {statistics.median(full_times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
