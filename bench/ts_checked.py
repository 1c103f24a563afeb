"""Whether every JS/TS file that TypeScript's parser accepts is fully checked by auditor.

    python bench/ts_checked.py --node-modules DIR FOLDER [FOLDER ...]

For each FOLDER (an app's checkout), every .js, .jsx, .ts, .tsx, .mjs, .cjs, .mts and .cts
file (never under node_modules) is parsed by TypeScript (`ts.createSourceFile`, the kind
from the file's name; parsed = `parseDiagnostics` empty), run by Node.js from DIR's
`typescript` (`npm install typescript@5` in any folder), and by auditor as a scan parses
it (auditor.scan.treesitter.parsed_file: tree-sitter with its repairs). A file is fully
checked when auditor's tree has no ERROR or MISSING node; every file TypeScript parses
that auditor refuses is listed with tree-sitter's first complaint. `--verdicts-out DIR`
keeps TypeScript's verdicts as the JSON bench/ts_parsers.py's `--verdicts` reads.
Exit 1 when some parsed file is not fully checked.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from auditor.scan import treesitter

VERDICTS_JS = r"""
const ts = require(process.argv[2]);
const fs = require("fs"), path = require("path");
const [root, out] = process.argv.slice(3);
const SUFFIXES = [".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"];
const verdicts = {};
function walk(dir) {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== "node_modules") walk(p); continue; }
    if (!e.isFile() || !SUFFIXES.some((s) => e.name.toLowerCase().endsWith(s))) continue;
    const sf = ts.createSourceFile(p, fs.readFileSync(p, "utf8"), ts.ScriptTarget.Latest);
    verdicts[path.relative(root, p).split(path.sep).join("/")] = {
      ts: sf.parseDiagnostics.map((d) => {
        const lc = sf.getLineAndCharacterOfPosition(d.start);
        const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
        return `${lc.line + 1}:${lc.character + 1} TS${d.code} ${text}`;
      }),
    };
  }
}
walk(root);
fs.writeFileSync(out, JSON.stringify(verdicts));
console.log(ts.version);
"""


def typescript_verdicts(node_modules: Path, folder: Path, out: Path) -> str:
    """Writes TypeScript's verdict on each file of `folder` to `out`; its version."""
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as script:
        script.write(VERDICTS_JS)
    try:
        done = subprocess.run(
            ["node", script.name, str(node_modules / "typescript"), str(folder), str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(script.name).unlink()
    return done.stdout.strip()


def refusals(folder: Path, parsed: list[str]) -> list[str]:
    found = []
    for relative in parsed:
        text = (folder / relative).read_bytes().decode("utf-8", errors="replace")
        file = treesitter.parsed_file(relative, text)
        error = treesitter.parse_error(file)
        if error is not None:
            found.append(f"{relative}:{error.start.line}:{error.start.column}: {error.message}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--node-modules", type=Path, required=True)
    parser.add_argument("--verdicts-out", type=Path)
    args = parser.parse_args()
    failed = False
    print(f"{'app':<14} {'files':>6} {'ts-parsed':>9} {'checked':>8} {'refused':>8}")
    for folder in args.folders:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch, "verdicts.json")
            version = typescript_verdicts(args.node_modules, folder, out)
            verdicts = json.loads(out.read_text())
        if args.verdicts_out is not None:
            args.verdicts_out.mkdir(parents=True, exist_ok=True)
            (args.verdicts_out / f"{folder.name}.json").write_text(json.dumps(verdicts))
        parsed = [path for path, verdict in verdicts.items() if not verdict["ts"]]
        refused = refusals(folder, parsed)
        failed = failed or bool(refused)
        checked = len(parsed) - len(refused)
        print(
            f"{folder.name:<14} {len(verdicts):>6} {len(parsed):>9} {checked:>8} "
            f"{len(refused):>8}   (TypeScript {version})"
        )
        for line in refused:
            print(f"  {line}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
