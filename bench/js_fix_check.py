"""The JS/TS console-logging fix on a real application, checked by TypeScript, esbuild and
Node.

    python bench/js_fix_check.py APP_DIR --logger-import "import { logger } from '@/lib/logger'"
        [--logger-require "const { logger } = require('./lib/logger')"]
        [--logger-module lib/logger.ts] [--option 'logger-style = "structured"'] [--work DIR]
        [--node-modules DIR] [--samples 20]

APP_DIR is a checkout (or an extracted tree) of the application; it is never written. Two
copies are made under --work (default: a temporary folder): `pristine/` and `app/`, both
with a `pyproject.toml` that configures the fix (and the logger module given with
--logger-module, created with console calls of its own, which the fix must leave alone).
1. `audit scan --no-cache --fail-on none --format json` on `app/`: findings by rule,
   `parse-error` findings (each checked by TypeScript: one on a file TypeScript accepts is
   a failure) and `parse-limit` warnings (tree-sitter refuses a file oxc accepts: fine).
2. `audit scan --fix --unsafe-fixes --fail-on none --no-cache`: fixes applied, files changed.
3. Every changed file, before and after: TypeScript's parse diagnostics
   (`ts.createSourceFile`), `ts.transpileModule` with `isolatedModules`, an esbuild
   transform and, for a CommonJS or ES module JavaScript file, `node --check`; then one
   `tsc --noEmit --isolatedModules --skipLibCheck --noResolve` run over the changed files,
   keeping only its syntax errors (TS1xxx). A check fails when the fixed file has
   diagnostics the pristine one had not. Also: a changed file that defines or exports
   the logger (it would call itself), an `import` added to a CommonJS file, a logger
   statement added where it is not a top-level statement (inside a comment or a
   template), a statement without `;` before a line that would continue it (`(`, `[`,
   a template...), and a console-logging finding with a fix left after the fix.
4. The same `--fix` again: it must change nothing.
Needs Node.js with `typescript` and `esbuild` installed in --node-modules (`npm install
typescript esbuild` in any folder).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

AUDIT = Path(sys.executable).parent / "audit"
SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
SKIP_DIRS = {"node_modules", ".git", ".audit_cache"}

# Reads {"files": [[rel, pristine, fixed, kind, specs]], ...} on stdin, prints one result
# per file: TypeScript, isolatedModules transpile and esbuild messages for both versions,
# and whether each logger module specifier is the source of a top-level statement.
NODE_CHECK = r"""
const ts = require("typescript"), esbuild = require("esbuild"), fs = require("fs");
const KIND = {".ts": ts.ScriptKind.TS, ".mts": ts.ScriptKind.TS, ".cts": ts.ScriptKind.TS,
  ".tsx": ts.ScriptKind.TSX, ".jsx": ts.ScriptKind.JSX};
const LOADER = {".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx"};
function where(sf, pos) {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return `${lc.line + 1}:${lc.character + 1}`;
}
function tsParse(name, text, ext) {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true,
    KIND[ext] ?? ts.ScriptKind.JS);
  return [sf, sf.parseDiagnostics.map(d =>
    `${where(sf, d.start)} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`)];
}
function transpile(name, text) {
  const out = ts.transpileModule(text, {fileName: name, reportDiagnostics: true,
    compilerOptions: {isolatedModules: true, jsx: ts.JsxEmit.Preserve, allowJs: true,
      target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext}});
  return (out.diagnostics || []).map(d =>
    `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}
async function esb(name, text, ext) {
  try {
    await esbuild.transform(text, {loader: LOADER[ext] ?? "jsx", sourcefile: name,
      logLevel: "silent"});
    return [];
  } catch (e) {
    return (e.errors || [{text: String(e)}]).map(x =>
      `${x.location ? x.location.line + ":" + (x.location.column + 1) + " " : ""}${x.text}`);
  }
}
function sourceOf(node) {
  // The module of `import ... from 'x'`, `import x = require('x')` or a declaration whose
  // initializer is `require('x')` (maybe `.name`-ed).
  if (ts.isImportDeclaration(node)) return node.moduleSpecifier.text;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
    return node.moduleReference.expression.text;
  if (ts.isVariableStatement(node)) {
    for (const d of node.declarationList.declarations) {
      let e = d.initializer;
      while (e && ts.isPropertyAccessExpression(e)) e = e.expression;
      if (e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) &&
          e.expression.text === "require" && e.arguments.length === 1 &&
          ts.isStringLiteralLike(e.arguments[0])) return e.arguments[0].text;
    }
  }
  return null;
}
(async () => {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const [rel, before, after, ext, specs] of job.files) {
    const res = {rel};
    for (const [key, path] of [["before", before], ["after", after]]) {
      const text = fs.readFileSync(path, "utf8");
      const [sf, parse] = tsParse(rel, text, ext);
      res[key] = {ts: parse, transpile: transpile(rel, text), esbuild: await esb(rel, text, ext)};
      if (key === "after") {
        const top = new Set(sf.statements.map(sourceOf).filter(s => s !== null));
        res.topLevel = Object.fromEntries(specs.map(s => [s, top.has(s)]));
      }
    }
    out.push(res);
  }
  process.stdout.write(JSON.stringify(out));
})();
"""

MODULE_SYNTAX = re.compile(r"^\s*(import\s*[\w{*'\"]|export\s)", re.M)
COMMONJS_SYNTAX = re.compile(r"\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=")
LEADING_COMMENTS = re.compile(r"\A(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
LOGGER_DEFINITION = (
    r"export\s+(?:const|let|var|function|class)\s+{name}\b"
    r"|export\s*\{{[^}}]*\bas\s+{name}\b"
    r"|export\s*\{{[^}}]*\b{name}\b[^}}]*\}}(?!\s*from)"
    r"|module\.exports\s*=\s*\{{[^}}]*\b{name}\b"
    r"|(?:module\.)?exports\.{name}\s*="
)


def run(cmd: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


def sources(root: Path) -> dict[str, bytes]:
    """Every file below root (relative path -> bytes), skipping dependency and cache dirs."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def changed(before: dict[str, bytes], root: Path) -> list[str]:
    after = sources(root)
    extra = sorted(set(after) ^ set(before))
    if extra:
        print(f"  files added or removed: {extra[:10]}")
    return sorted(rel for rel in before.keys() & after.keys() if before[rel] != after[rel])


def spec_of(statement: str) -> str | None:
    match = re.search(r"(?:from|require\s*\()\s*(['\"])(.+?)\1", statement)
    return match.group(2) if match else None


def bound_name(statement: str) -> str:
    match = re.search(r"(?:import|const|let|var)\s+\{?\s*(?:\w+\s+as\s+)?([\w$]+)", statement)
    return match.group(1) if match else "logger"


def package_type(path: Path, root: Path) -> str | None:
    for folder in path.parents:
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                return json.loads(manifest.read_text()).get("type", "commonjs")
            except (ValueError, AttributeError):
                return None
        if folder == root:
            break
    return None


def is_commonjs(rel: str, text: str, root: Path) -> bool:
    """A file Node or a bundler reads as CommonJS, judged on its pristine text."""
    ext = Path(rel).suffix
    if ext in (".cjs", ".cts"):
        return True
    if ext != ".js":
        return False
    if MODULE_SYNTAX.search(text):
        return False
    return bool(COMMONJS_SYNTAX.search(text)) or package_type(root / rel, root) == "commonjs"


def node_check(path: Path, ext: str) -> str:
    if ext not in (".js", ".cjs", ".mjs"):
        return ""
    done = run(["node", "--check", str(path)], path.parent)
    if done.returncode == 0:
        return ""
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    return next((ln for ln in lines if "Error" in ln), lines[-1] if lines else "failed")


def logger_module_text(ext: str, name: str) -> str:
    if ext in (".cjs", ".js"):
        return (
            f"const {name} = {{\n  info: (...a) => console.log(...a),\n"
            "  warn: (...a) => console.warn(...a),\n  error: (...a) => console.error(...a),\n"
            f"  debug: (...a) => console.debug(...a),\n}};\nmodule.exports = {{ {name} }};\n"
        )
    return (
        f"export const {name} = {{\n  info: (...a: unknown[]) => console.log(...a),\n"
        "  warn: (...a: unknown[]) => console.warn(...a),\n"
        "  error: (...a: unknown[]) => console.error(...a),\n"
        "  debug: (...a: unknown[]) => console.debug(...a),\n};\n"
    )


def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    pristine, app = work / "pristine", work / "app"
    for target in (pristine, app):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(args.app, target, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_DIRS))
        options = [f"logger-import = {json.dumps(args.logger_import)}"]
        if args.logger_require:
            options.append(f"logger-require = {json.dumps(args.logger_require)}")
        options += args.option
        (target / "pyproject.toml").write_text(
            "[tool.audit]\nfail-on = 'none'\n\n[tool.audit.rules.console-logging]\n"
            + "\n".join(options)
            + "\n"
        )
        for module in args.logger_module:
            path = target / module
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(logger_module_text(path.suffix, bound_name(args.logger_import)))
    return pristine, app


def scan(app: Path, *extra: str) -> dict:
    done = run(
        [str(AUDIT), "scan", "--no-cache", "--fail-on", "none", "--format", "json", *extra], app
    )
    if not done.stdout.strip():
        sys.exit(f"audit scan {' '.join(extra)} failed ({done.returncode}): {done.stderr[-2000:]}")
    if done.stderr.strip():
        print(f"  audit stderr: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def ts_accepts(app: Path, rels: list[str], node_env: dict[str, str]) -> dict[str, list[str]]:
    """TypeScript's parse diagnostics for each file (an empty list: TypeScript accepts it)."""
    job = {"files": [[rel, str(app / rel), str(app / rel), Path(rel).suffix, []] for rel in rels]}
    done = run(["node", "-e", NODE_CHECK], app, input=json.dumps(job), env=node_env)
    if done.returncode:
        sys.exit(f"node check failed: {done.stderr[-2000:]}")
    return {r["rel"]: r["before"]["ts"] for r in json.loads(done.stdout)}


def tsc_syntax(root: Path, rels: list[str], tsc: Path) -> dict[str, set[str]]:
    """TS1xxx errors of `tsc --noEmit --isolatedModules --noResolve` per file."""
    if not rels:
        return {}
    cmd = [str(tsc), "--noEmit", "--isolatedModules", "--skipLibCheck", "--noResolve"]
    cmd += ["--allowJs", "--jsx", "preserve", "--target", "esnext", "--module", "esnext"]
    cmd += ["--moduleResolution", "bundler", "--pretty", "false"]
    done = run(cmd + rels, root)
    errors: dict[str, set[str]] = collections.defaultdict(set)
    for line in done.stdout.splitlines():
        match = re.match(r"(.+?)\((\d+),(\d+)\): error (TS1\d{3}): (.*)", line)
        if match:
            errors[match.group(1)].add(f"{match.group(4)} {match.group(5)}")
    return errors


def unified(pristine: Path, app: Path, rel: str) -> str:
    a = (pristine / rel).read_text(errors="replace").splitlines(keepends=True)
    b = (app / rel).read_text(errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"a/{rel}", f"b/{rel}", n=2))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("app", type=Path)
    parser.add_argument("--logger-import", required=True)
    parser.add_argument("--logger-require", default="")
    parser.add_argument(
        "--logger-module", action="append", default=[], help="create this logger module"
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        help='another option, as TOML: logger-style = "structured"',
    )
    parser.add_argument("--work", type=Path)
    parser.add_argument("--node-modules", type=Path, default=Path("/tmp/tsgt/node_modules"))
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    args.app = args.app.resolve()
    work = args.work or Path(tempfile.mkdtemp(prefix="js-fix-check-"))
    work.mkdir(parents=True, exist_ok=True)
    node_env = {**os.environ, "NODE_PATH": str(args.node_modules)}
    tsc = args.node_modules / ".bin" / "tsc"
    pristine, app = prepare(args, work)
    failures: list[str] = []
    print(f"app {args.app.name}: work in {work}")

    # 1. The scan before any fix.
    report = scan(app)
    findings = report["findings"]
    by_rule = collections.Counter(f["rule_id"] for f in findings)
    print(
        f"1. files {report['summary']['files']}, findings by rule: {dict(sorted(by_rule.items()))}"
    )
    parse_errors = [f for f in findings if f["rule_id"] == "parse-error"]
    limits = [f for f in findings if f["rule_id"] == "parse-limit"]
    verdict = ts_accepts(app, sorted({f["path"] for f in parse_errors}), node_env)
    valid = [f for f in parse_errors if not verdict.get(f["path"])]
    print(f"   parse-error: {len(parse_errors)}, on files TypeScript accepts: {len(valid)}")
    for f in valid:
        failures.append(
            f"parse-error on a valid file: {f['path']}:{f['start']['line']} {f['message']}"
        )
    print(f"   parse-limit warnings: {len(limits)}")
    for f in limits:
        print(f"     {f['path']}:{f['start']['line']}: {f['message'][:110]}")
    for f in findings:
        if f["rule_id"] in ("read-error", "internal-error", "fix-error"):
            print(f"   {f['rule_id']}: {f['path']}: {f['message'][:140]}")
    pristine_files = sources(pristine)

    # 2. The fix.
    fixed = scan(app, "--fix", "--unsafe-fixes")
    rels = changed(pristine_files, app)
    print(f"2. fixed {fixed['summary']['fixed']}, files changed: {len(rels)}")
    for f in fixed["findings"]:
        if f["rule_id"] in ("fix-error", "internal-error", "parse-error"):
            failures.append(f"{f['rule_id']} during --fix: {f['path']}: {f['message']}")
        elif f["rule_id"] == "console-logging" and f.get("fix"):
            failures.append(f"fixable finding left: {f['path']}:{f['start']['line']}")
    left = collections.Counter(f["rule_id"] for f in fixed["findings"])
    print(f"   findings left by rule: {dict(sorted(left.items()))}")

    # 3. The changed files.
    specs = [s for s in (spec_of(args.logger_import), spec_of(args.logger_require)) if s]
    code = [rel for rel in rels if rel.endswith(SUFFIXES)]
    job = {
        "files": [
            [rel, str(pristine / rel), str(app / rel), Path(rel).suffix, specs] for rel in code
        ]
    }
    done = run(["node", "-e", NODE_CHECK], app, input=json.dumps(job), env=node_env)
    if done.returncode:
        sys.exit(f"node check failed: {done.stderr[-2000:]}")
    results = {r["rel"]: r for r in json.loads(done.stdout)}
    tsc_before, tsc_after = tsc_syntax(pristine, code, tsc), tsc_syntax(app, code, tsc)
    fails: dict[str, list[str]] = collections.defaultdict(list)
    logger_name = bound_name(args.logger_import)
    definition = re.compile(LOGGER_DEFINITION.format(name=re.escape(logger_name)))
    commonjs_files = 0
    for rel in code:
        res, ext = results[rel], Path(rel).suffix
        for check in ("ts", "transpile", "esbuild"):
            new = set(res["after"][check]) - set(res["before"][check])
            if new:
                fails[check].append(f"{rel}: {sorted(new)[0]}")
        new_tsc = tsc_after.get(rel, set()) - tsc_before.get(rel, set())
        if new_tsc:
            fails["tsc TS1xxx"].append(f"{rel}: {sorted(new_tsc)[0]}")
        before_text = (pristine / rel).read_text(errors="replace")
        after_text = (app / rel).read_text(errors="replace")
        after_node = node_check(app / rel, ext)
        if after_node and not node_check(pristine / rel, ext):
            fails["node --check"].append(f"{rel}: {after_node}")
        added = [
            ln[1:]
            for ln in difflib.unified_diff(
                before_text.splitlines(), after_text.splitlines(), lineterm="", n=0
            )
            if ln.startswith("+") and not ln.startswith("+++")
        ]
        if definition.search(before_text) or rel in args.logger_module:
            fails["defines the logger"].append(rel)
        if is_commonjs(rel, before_text, pristine):
            commonjs_files += 1
            if any(re.match(r"\s*import\s*[\w{*'\"]", ln) and "require(" not in ln for ln in added):
                fails["ESM import in CommonJS"].append(rel)
        lines = after_text.splitlines()
        for i, line in enumerate(lines):
            statement = line.strip()
            if statement in (args.logger_import, args.logger_require) and line in added:
                following = LEADING_COMMENTS.sub("", "\n".join(lines[i + 1 :]))
                if not statement.endswith(";") and following[:1] in ("(", "[", "`", "+", "-", "/"):
                    fails["ASI hazard"].append(f"{rel}:{i + 1}: next line {following[:40]!r}")
        for spec in specs:
            quoted = (f"'{spec}'", f'"{spec}"')
            if any(q in ln for ln in added for q in quoted) and not res["topLevel"].get(spec):
                fails["statement not top-level"].append(f"{rel}: {spec}")
    print(f"3. checked {len(code)} changed files ({commonjs_files} CommonJS)")
    for check in (
        "ts",
        "transpile",
        "esbuild",
        "tsc TS1xxx",
        "node --check",
        "defines the logger",
        "ESM import in CommonJS",
        "statement not top-level",
        "ASI hazard",
    ):
        print(f"   {check}: {len(fails[check])} failing")
        for line in fails[check]:
            print(f"     {line}")
            failures.append(f"{check}: {line}")
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(code, min(args.samples, len(code))))
    (work / "sample.diff").write_text("".join(unified(pristine, app, rel) for rel in sample))
    (work / "all.diff").write_text("".join(unified(pristine, app, rel) for rel in rels))
    print(f"   {len(sample)} sampled diffs in {work / 'sample.diff'}, all in {work / 'all.diff'}")

    # 4. A second fix changes nothing.
    fixed_files = sources(app)
    again = scan(app, "--fix", "--unsafe-fixes")
    second = changed(fixed_files, app)
    print(f"4. second --fix: fixed {again['summary']['fixed']}, files changed: {len(second)}")
    for rel in second:
        failures.append(f"second --fix changed {rel}")
    print(f"{'FAIL' if failures else 'OK'}: {len(failures)} problems")
    for line in failures:
        print(f"  {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
