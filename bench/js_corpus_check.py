"""console-logging for JavaScript/TypeScript against ESLint's `no-console` on real, pinned
npm packages, and the safety of its fix.

    python bench/js_corpus_check.py [--show-diff] [react-scripts@5.0.1 ...]

For each corpus (fetched with `npm pack` into `$AUDIT_BENCH_CACHE` or
`~/.cache/auditor-bench`, never into the repository; ESLint is installed there with npm):
1. `audit scan --select console-logging` and ESLint with only `no-console` on the same
   files; every ESLint message that auditor does not report is listed with the reason
   (no-console also flags other console methods, uses that are not calls, and test files,
   which console-logging allows), and every auditor finding ESLint lacks is listed too.
   The check fails unless the two agree on everything no-console is meant to share.
2. On a scratch copy, `audit scan --fix` with a configured `logger-import`: every changed
   file must parse without ERROR or MISSING nodes (tree-sitter), no console-logging
   finding may be left, and a second `--fix` must change nothing.
Needs Node.js and npm (Node 20 here) for ESLint and `npm pack`; auditor itself needs
neither.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import cache_dir

BIN = Path(sys.executable).parent
ESLINT_PACKAGES = ("eslint@9.39.5", "@typescript-eslint/parser@8.73.0", "typescript@5.9.3")
METHODS = frozenset({"log", "debug", "info", "warn", "error", "trace", "dir", "table"})
SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx")
TEST_FILE = re.compile(r"(^|/)__tests__/|\.(test|spec)\.[^/]*$")
# What ESLint points at: `console.x`, `console?.x` or `console["x"]`, maybe called.
CONSOLE_USE = re.compile(
    r"console\s*(?:\?\.\s*|\.\s*)?(?:(?P<name>[A-Za-z_$][\w$]*)|\[\s*(?P<q>['\"`])(?P<key>\w+)(?P=q)\s*\])"
    r"(?P<call>\s*(?:\?\.)?\s*\()?"
)


@dataclass(frozen=True)
class NpmCorpus:
    spec: str  # what `npm pack` fetches: an exact version
    root: str  # the folder to scan inside the tarball's `package/`
    # The configured logger: CommonJS code needs `require`, modules an import.
    logger_import: str = "import { logger } from '@/lib/logger';"

    @property
    def slug(self) -> str:
        return (
            self.spec.replace("/", "-").replace("@", "", 1)
            if self.spec.startswith("@")
            else self.spec
        )


# JavaScript with many console calls (CLI scripts), and TypeScript/TSX sources.
REACT_SCRIPTS = NpmCorpus(
    "react-scripts@5.0.1", ".", "const { logger } = require('../lib/logger');"
)
GESTURE_HANDLER = NpmCorpus("react-native-gesture-handler@2.16.2", "src")
CORPORA = {c.spec: c for c in (REACT_SCRIPTS, GESTURE_HANDLER)}


def fetch(corpus: NpmCorpus) -> Path:
    """The extracted package folder to scan (downloaded once, then reused)."""
    target = cache_dir() / "npm" / "src" / corpus.slug
    if not (target / ".complete").exists():
        downloads = cache_dir() / "npm" / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "pack", corpus.spec, "--silent", "--pack-destination", str(downloads)],
            check=True,
            capture_output=True,
            text=True,
        )
        archive = downloads / done.stdout.strip().splitlines()[-1]
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with tarfile.open(archive) as tarred:
            tarred.extractall(target, filter="data")
        (target / ".complete").touch()
    return target / "package" / corpus.root


def eslint_home() -> Path:
    home = cache_dir() / "eslint"
    if not (home / ".complete").exists():
        home.mkdir(parents=True, exist_ok=True)
        (home / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", *ESLINT_PACKAGES],
            cwd=home,
            check=True,
        )
        (home / ".complete").touch()
    return home


def eslint_config(home: Path) -> str:
    parser = home / "node_modules" / "@typescript-eslint" / "parser" / "dist" / "index.js"
    return f"""\
import * as tsParser from {json.dumps(parser.as_uri())};
const jsx = {{ ecmaFeatures: {{ jsx: true }} }};
export default [
  {{ files: ["**/*.js", "**/*.jsx", "**/*.mjs"],
     languageOptions: {{ ecmaVersion: "latest", sourceType: "module", parserOptions: jsx }} }},
  {{ files: ["**/*.cjs"],
     languageOptions: {{ ecmaVersion: "latest", sourceType: "commonjs", parserOptions: jsx }} }},
  {{ files: ["**/*.ts", "**/*.tsx"], languageOptions: {{ parser: tsParser, parserOptions: jsx }} }},
  {{ rules: {{ "no-console": "error" }} }},
];
"""


def source_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name.endswith(SUFFIXES) and not p.name.endswith(".d.ts")
    )


def run_eslint(home: Path, root: Path, files: list[str]) -> tuple[set[tuple[str, int, int]], int]:
    """no-console positions, and how many files ESLint could not parse."""
    config = root / "eslint.config.mjs"
    config.write_text(eslint_config(home))
    done = subprocess.run(
        [
            "node",
            str(home / "node_modules" / "eslint" / "bin" / "eslint.js"),
            "--config",
            str(config),
            "--format",
            "json",
            "--no-ignore",
            *files,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    config.unlink()
    if done.returncode not in (0, 1):
        raise SystemExit(f"eslint failed:\n{done.stderr}")
    found, fatal = set(), 0
    for result in json.loads(done.stdout):
        rel = Path(result["filePath"]).relative_to(root.resolve()).as_posix()
        for message in result["messages"]:
            if message.get("fatal"):
                fatal += 1
                print(f"  eslint cannot parse {rel}: {message['message']}")
            elif message.get("ruleId") == "no-console":
                found.add((rel, message["line"], message["column"]))
    return found, fatal


def run_audit(root: Path, *args: str) -> dict:
    done = subprocess.run(
        [
            str(BIN / "audit"),
            "scan",
            "--select",
            "console-logging",
            "--format",
            "json",
            "--fail-on",
            "none",
            *args,
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"audit failed ({done.returncode}):\n{done.stderr}{done.stdout[:2000]}")
    return json.loads(done.stdout)


def positions(report: dict, rule: str = "console-logging") -> set[tuple[str, int, int]]:
    return {
        (f["path"], f["start"]["line"], f["start"]["column"])
        for f in report["findings"]
        if f["rule_id"] == rule
    }


def why_eslint_only(root: Path, path: str, line: int, column: int) -> str | None:
    """Why console-logging rightly skips what no-console flags; None: no reason known."""
    if TEST_FILE.search(path):
        return "test file (allowed by console-logging)"
    text = (root / path).read_text(encoding="utf-8").splitlines()[line - 1]
    match = CONSOLE_USE.match(text, len(text[: column - 1]))
    if match is None:
        return None
    name = match.group("name") or match.group("key")
    if name not in METHODS:
        return f"console.{name}: not one of the methods console-logging covers"
    if not match.group("call"):
        return f"console.{name} used as a value, not called"
    return None


def write_config(root: Path, *, logger: str | None) -> None:
    lines = ["[tool.audit]", "extend-exclude = ['eslint.config.mjs']"]
    if logger:
        lines += [
            "extend-safe-fixes = ['console-logging']",
            "[tool.audit.rules.console-logging]",
            f"logger-import = {json.dumps(logger)}",
        ]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n")


def check(corpus: NpmCorpus, home: Path) -> bool:
    print(f"== {corpus.spec} ({corpus.root}/)")
    source = fetch(corpus)
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / corpus.slug
        shutil.copytree(source, root)
        files = source_files(root)
        write_config(root, logger=None)
        report = run_audit(root)
        errors = [f for f in report["findings"] if f["rule_id"] != "console-logging"]
        for error in errors:
            print(f"  auditor: {error['path']}:{error['start']['line']}: {error['message']}")
        ours = positions(report)
        eslint, fatal = run_eslint(home, root, files)
        explained: dict[str, int] = {}
        unexplained = []
        for path, line, column in sorted(eslint - ours):
            reason = why_eslint_only(root, path, line, column)
            if reason is None:
                unexplained.append((path, line, column))
            else:
                explained[reason] = explained.get(reason, 0) + 1
                print(f"  eslint only {path}:{line}:{column}: {reason}")
        auditor_only = sorted(ours - eslint)
        for path, line, column in auditor_only:
            print(f"  auditor only {path}:{line}:{column}")
        for path, line, column in unexplained:
            print(f"  eslint only, unexplained {path}:{line}:{column}")
        shared = len(ours & eslint)
        print(
            f"  {len(files)} files; auditor console-logging: {len(ours)}; eslint no-console: "
            f"{len(eslint)} (of which {len(eslint) - sum(explained.values())} are calls "
            f"console-logging covers); equal positions: {shared}"
        )
        ok &= not errors and not fatal and not unexplained and not auditor_only

        write_config(root, logger=corpus.logger_import)
        before = {f: (root / f).read_bytes() for f in files}
        fixed = run_audit(root, "--fix")
        changed = [f for f in files if (root / f).read_bytes() != before[f]]
        broken = [f for f in changed if not _parses(root / f)]
        left = positions(fixed)
        after = {f: (root / f).read_bytes() for f in files}
        again = run_audit(root, "--fix")
        churn = [f for f in files if (root / f).read_bytes() != after[f]]
        print(
            f"  --fix: {fixed['summary']['fixed']} fixed in {len(changed)} files; "
            f"changed files that do not parse: {len(broken)}; console-logging left: "
            f"{len(left)}; second --fix: {again['summary']['fixed']} fixed, "
            f"{len(churn)} files changed"
        )
        for f in broken:
            print(f"  does not parse after --fix: {f}")
        for path, line, column in sorted(left):
            print(f"  left after --fix: {path}:{line}:{column}")
        ok &= not broken and not churn and again["summary"]["fixed"] == 0
        ok &= fixed["summary"]["fixed"] == len(ours)
        if "--show-diff" in sys.argv and changed:
            first = changed[0]
            print(_diff(first, before[first], (root / first).read_bytes()))
    return ok


def _diff(path: str, before: bytes, after: bytes) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), path, path, lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def _parses(path: Path) -> bool:
    from auditor.scan.treesitter import first_error, parsed_file

    text = path.read_bytes().decode("utf-8-sig")
    return first_error(parsed_file(path.name, text).root) is None


def main(argv: list[str]) -> int:
    specs = [a for a in argv if not a.startswith("--")]
    chosen = [CORPORA.get(a) or NpmCorpus(a, ".") for a in specs] or list(CORPORA.values())
    home = eslint_home()
    results = [check(corpus, home) for corpus in chosen]
    print("OK" if all(results) else "MISMATCH")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
