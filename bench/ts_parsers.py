"""How often a JavaScript/TypeScript parser refuses real files, and how fast it parses them.

    python bench/ts_parsers.py FOLDER [--candidate NAME] [--verdicts FILE] [--show N]
    python bench/ts_parsers.py --kinds [--candidate NAME]

Run it with a Python in which the candidate is installed (each candidate in its own venv):
- `tree-sitter`: py-tree-sitter with tree-sitter-typescript and tree-sitter-javascript,
  the grammars auditor uses;
- `language-pack`: py-tree-sitter with tree-sitter-language-pack's grammars;
- `ast-grep`: ast-grep-py (tree-sitter grammars behind its own API; it shows ERROR nodes,
  not MISSING ones);
- `oxc-python`: oxc-python (the oxc parser; an ESTree-like tree, not tree-sitter's).
`auto` (the default) takes the first of these that imports.

Every .js, .jsx, .ts, .tsx, .mjs, .cjs, .mts and .cts file under FOLDER is read (never
under node_modules) and parsed with the grammar auditor picks for its suffix
(auditor/scan/treesitter.py): `.ts`/`.mts`/`.cts` TypeScript, `.tsx` TSX, every other
suffix JavaScript (with JSX). A file is refused when its tree has an ERROR or MISSING node
(tree-sitter), or when the parser reports an error (oxc). Declaration files (`.d.ts`,
`.d.mts`, `.d.cts`) are counted on a row of their own.

`--verdicts FILE` is a JSON object of paths relative to FOLDER, each mapped to an object
whose "ts" list holds TypeScript's parse diagnostics for that file (empty: TypeScript
accepts it), as a script calling `ts.createSourceFile(...).parseDiagnostics` writes it.
With it, the "valid" column counts the refused files that TypeScript accepts.

Times are wall-clock seconds spent in the parser alone (files already in memory), in this
single process. The `--kinds` mode prints every named node kind of the candidate's three
grammars, one `grammar<TAB>kind` a line, to diff one candidate's node types with another's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")
DECLARATION = (".d.ts", ".d.mts", ".d.cts")
GRAMMAR_OF_SUFFIX = {".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}
GRAMMARS = ("typescript", "tsx", "javascript")
CANDIDATES = ("tree-sitter", "language-pack", "ast-grep", "oxc-python")
SNIPPET = 30

# A parser takes (grammar, text) and returns None when it accepts the text, else where and
# what its first complaint is.
Parse = Callable[[str, str], str | None]


def grammar_of(path: str, js_grammar: str) -> str:
    return GRAMMAR_OF_SUFFIX.get(os.path.splitext(path)[1].lower(), js_grammar)


def row_of(path: str) -> str:
    lower = path.lower()
    declaration = next((s for s in DECLARATION if lower.endswith(s)), None)
    return declaration or os.path.splitext(lower)[1]


def source_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "node_modules")
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES):
                yield Path(root, name)


# --- candidates -------------------------------------------------------------------------


def _tree_sitter_languages(candidate: str) -> dict[str, Any]:
    import tree_sitter as ts

    if candidate == "tree-sitter":
        import tree_sitter_javascript
        import tree_sitter_typescript

        return {
            "typescript": ts.Language(tree_sitter_typescript.language_typescript()),
            "tsx": ts.Language(tree_sitter_typescript.language_tsx()),
            "javascript": ts.Language(tree_sitter_javascript.language()),
        }
    import tree_sitter_language_pack

    return {g: tree_sitter_language_pack.get_language(g) for g in GRAMMARS}


def _first_error(root: Any) -> Any:
    node = root
    while True:
        if node.is_error or node.is_missing:
            return node
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return node
        node = child


def _describe(text: str, line: int, column: int, what: str) -> str:
    lines = text.splitlines()
    rest = lines[line][column:] if line < len(lines) else ""
    return f"{line + 1}:{column + 1} {what} {rest.strip()[:SNIPPET]!r}"


def tree_sitter_parser(candidate: str) -> Parse:
    import tree_sitter as ts

    parsers = {g: ts.Parser(lang) for g, lang in _tree_sitter_languages(candidate).items()}

    def parse(grammar: str, text: str) -> str | None:
        root = parsers[grammar].parse(text.encode("utf-8")).root_node
        if not root.has_error:
            return None
        node = _first_error(root)
        what = f"missing {node.type!r}" if node.is_missing else "error at"
        # The column is in bytes: close enough to find the construct.
        return _describe(text, node.start_point.row, node.start_point.column, what)

    return parse


def ast_grep_parser() -> Parse:
    from ast_grep_py import SgRoot

    def parse(grammar: str, text: str) -> str | None:
        error = SgRoot(text, grammar).root().find(kind="ERROR")
        if error is None:
            return None
        start = error.range().start
        return _describe(text, start.line, start.column, "error at")

    return parse


def oxc_python_parser() -> Parse:
    import oxc_python

    source_types = {"typescript": "ts", "tsx": "tsx", "javascript": "jsx"}

    def parse(grammar: str, text: str) -> str | None:
        result = oxc_python.parse(text, source_type=source_types[grammar])
        if result.is_valid:
            return None
        messages = [getattr(e, "message", str(e)) for e in result.errors]
        return "; ".join(messages)[:120] or "panicked"

    return parse


def make_parser(candidate: str) -> Parse:
    if candidate in ("tree-sitter", "language-pack"):
        return tree_sitter_parser(candidate)
    if candidate == "ast-grep":
        return ast_grep_parser()
    return oxc_python_parser()


def available(candidate: str) -> bool:
    modules = {
        "tree-sitter": ("tree_sitter", "tree_sitter_typescript", "tree_sitter_javascript"),
        "language-pack": ("tree_sitter", "tree_sitter_language_pack"),
        "ast-grep": ("ast_grep_py",),
        "oxc-python": ("oxc_python",),
    }[candidate]
    try:
        for module in modules:
            __import__(module)
    except ImportError:
        return False
    return True


def versions(candidate: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = {
        "tree-sitter": ("tree-sitter", "tree-sitter-typescript", "tree-sitter-javascript"),
        "language-pack": ("tree-sitter", "tree-sitter-language-pack"),
        "ast-grep": ("ast-grep-py",),
        "oxc-python": ("oxc-python",),
    }[candidate]
    found = []
    for name in names:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (version unknown)")
    return " ".join(found)


# --- the measurement --------------------------------------------------------------------


@dataclass
class Row:
    files: int = 0
    refused: int = 0
    refused_valid: int = 0
    invalid: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)


def measure(
    folder: Path,
    parse: Parse,
    verdicts: dict[str, Any] | None,
    js_grammar: str,
    show: int,
) -> dict[str, Row]:
    sources = []
    for path in source_files(folder):
        relative = path.relative_to(folder).as_posix()
        sources.append((relative, path.read_bytes().decode("utf-8", errors="replace")))
    rows: dict[str, Row] = {}
    for relative, text in sources:
        row = rows.setdefault(row_of(relative), Row())
        grammar = grammar_of(relative, js_grammar)
        start = time.perf_counter()
        complaint = parse(grammar, text)
        row.seconds += time.perf_counter() - start
        row.files += 1
        verdict = verdicts.get(relative) if verdicts is not None else None
        valid = verdict is not None and not verdict.get("ts")
        if verdict is not None and not valid:
            row.invalid += 1
        if complaint is None:
            continue
        row.refused += 1
        if valid:
            row.refused_valid += 1
        if len(row.examples) < show and (verdicts is None or valid):
            row.examples.append(f"{relative}:{complaint}")
    return rows


def report(rows: dict[str, Row], with_verdicts: bool) -> None:
    header = f"{'suffix':<8} {'files':>7} {'refused':>8}"
    if with_verdicts:
        header += f" {'valid*':>7} {'ts-err':>7}"
    print(header + f" {'seconds':>8}")
    total = Row()
    for suffix in sorted(rows, key=lambda s: (s in DECLARATION, s)):
        row = rows[suffix]
        line = f"{suffix:<8} {row.files:>7} {row.refused:>8}"
        if with_verdicts:
            line += f" {row.refused_valid:>7} {row.invalid:>7}"
        print(line + f" {row.seconds:>8.2f}")
        if suffix not in DECLARATION:
            total.files += row.files
            total.refused += row.refused
            total.refused_valid += row.refused_valid
            total.invalid += row.invalid
            total.seconds += row.seconds
    line = f"{'all':<8} {total.files:>7} {total.refused:>8}"
    if with_verdicts:
        line += f" {total.refused_valid:>7} {total.invalid:>7}"
    print(line + f" {total.seconds:>8.2f}   (declaration files not in 'all')")
    if with_verdicts:
        print("valid* = refused although TypeScript's parser accepts the file")
    for suffix in sorted(rows):
        for example in rows[suffix].examples:
            print(f"  {example}")


def print_kinds(candidate: str) -> None:
    if candidate not in ("tree-sitter", "language-pack"):
        sys.exit(f"--kinds needs a tree-sitter candidate, not {candidate}")
    for grammar, lang in _tree_sitter_languages(candidate).items():
        kinds = set()
        for kind_id in range(lang.node_kind_count):
            name = lang.node_kind_for_id(kind_id)
            if name and lang.node_kind_is_named(kind_id) and lang.node_kind_is_visible(kind_id):
                kinds.add(name)
        for name in sorted(kinds):
            print(f"{grammar}\t{name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--candidate", choices=("auto", *CANDIDATES), default="auto")
    parser.add_argument("--verdicts", type=Path, help="TypeScript's parse diagnostics (JSON)")
    parser.add_argument("--show", type=int, default=5, help="refused files listed per suffix")
    parser.add_argument(
        "--js-grammar",
        choices=("javascript", "tsx"),
        default="javascript",
        help="grammar for .js/.jsx/.mjs/.cjs (auditor: javascript)",
    )
    parser.add_argument("--kinds", action="store_true", help="print the grammars' node kinds")
    args = parser.parse_args()

    candidate = args.candidate
    if candidate == "auto":
        candidate = next((c for c in CANDIDATES if available(c)), "")
        if not candidate:
            sys.exit("no candidate parser is installed in this Python")
    elif not available(candidate):
        sys.exit(f"{candidate} is not installed in this Python")
    if args.kinds:
        print_kinds(candidate)
        return
    if args.folder is None:
        parser.error("FOLDER is needed unless --kinds is given")
    verdicts = json.loads(args.verdicts.read_text()) if args.verdicts else None
    print(f"candidate: {candidate} ({versions(candidate)}), .js grammar: {args.js_grammar}")
    rows = measure(args.folder, make_parser(candidate), verdicts, args.js_grammar, args.show)
    report(rows, verdicts is not None)


if __name__ == "__main__":
    main()
