"""TypeScript and ESLint as sources (issue 16, point 16): `tsc` and `eslint` kinds, found in
the project's node_modules/.bin first, their findings namespaced (`tsc:TS7006`,
`eslint:no-console`) like ruff's and mypy's. The real tools come from the npm registry;
without npm (or the registry) those tests are skipped, saying so."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.sources.eslint import parse_eslint
from auditor.sources.tsc import parse_tsc

# Plugins and sources run only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


TSC_OUTPUT = """\
src/a.ts(1,19): error TS7006: Parameter 'x' implicitly has an 'any' type.
src/b.ts(4,3): error TS2322: Type 'string' is not assignable to type 'number'.
  The expected type comes from property 'n'.
error TS5083: Cannot read file 'tsconfig.base.json'.
Found 3 errors.
"""

ESLINT_OUTPUT = """[
 {"filePath": "/p/src/a.js", "messages": [
   {"ruleId": "no-console", "severity": 2, "message": "Unexpected console statement.",
    "line": 2, "column": 1, "endLine": 2, "endColumn": 12},
   {"ruleId": null, "fatal": true, "severity": 2, "message": "Parsing error: Unexpected token",
    "line": 5, "column": 3}
 ]},
 {"filePath": "/p/src/b.js", "messages": []}
]"""


def test_tsc_output_is_parsed() -> None:
    raws = parse_tsc(TSC_OUTPUT).raws
    assert [(r.code, r.path, r.line, r.column, r.level) for r in raws] == [
        ("TS7006", "src/a.ts", 1, 19, "error"),
        ("TS2322", "src/b.ts", 4, 3, "error"),
        ("TS5083", "tsconfig.json", None, None, "error"),
    ]
    assert raws[1].message == (
        "Type 'string' is not assignable to type 'number'. The expected type comes from "
        "property 'n'."
    )
    assert all(r.utf16 for r in raws[:2])  # TypeScript counts UTF-16 code units


def test_eslint_output_is_parsed() -> None:
    raws = parse_eslint(ESLINT_OUTPUT).raws
    assert [(r.code, r.path, r.line, r.column, r.end_column, r.level) for r in raws] == [
        ("no-console", "/p/src/a.js", 2, 1, 12, "error"),
        ("parse-error", "/p/src/a.js", 5, 3, None, "error"),
    ]


@pytest.fixture(scope="module")
def node_tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """typescript and eslint from the npm registry, once for this module."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the real tsc and eslint cannot be fetched")
    target = tmp_path_factory.mktemp("node-tools")
    done = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "typescript@5.6", "eslint@9"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install typescript and eslint: {done.stderr.strip()[:200]}")
    return target / "node_modules"


def _project(project, node_modules: Path, files: dict[str, str]) -> Path:
    root = project(files)
    (root / "node_modules").symlink_to(node_modules)
    return root


def test_real_tsc_findings(project, audit, node_tools: Path) -> None:
    config = '[tool.audit]\n[tool.audit.sources.tsc]\nkind = "tsc"\n'
    _project(
        project,
        node_tools,
        {
            "pyproject.toml": config,
            "tsconfig.json": '{"compilerOptions": {"strict": true}, "include": ["src"]}\n',
            "src/a.ts": "export function f(x) {\n  return x;\n}\n",
        },
    )
    result = audit("scan", "--sources", "--fail-on", "none")
    assert result.out.splitlines()[:2] == [
        "src/a.ts:1:19: high tsc:TS7006 Parameter 'x' implicitly has an 'any' type.",
        "Sources: tsc 1 finding.",
    ]


def test_real_eslint_findings(project, audit, node_tools: Path) -> None:
    config = '[tool.audit]\n[tool.audit.sources.eslint]\nkind = "eslint"\npaths = ["src"]\n'
    _project(
        project,
        node_tools,
        {
            "pyproject.toml": config,
            "eslint.config.js": 'module.exports = [{ rules: { "no-console": "error" } }];\n',
            "src/a.js": "const a = 1;\nconsole.log(a);\n",
        },
    )
    result = audit("scan", "--sources", "--fail-on", "none", "--select", "bare-except")
    assert result.out.splitlines()[:2] == [
        "src/a.js:2:1: high eslint:no-console Unexpected console statement.",
        "Sources: eslint 1 finding.",
    ]
