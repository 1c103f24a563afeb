"""`audit env` over JavaScript and TypeScript: the same reads the JS/TS unvalidated-env rule
reports, in the inventory and in `.env.example`."""

from __future__ import annotations

from auditor.testing import run_rule
from rules.javascript.unvalidated_env import JsUnvalidatedEnv

API = """\
export const API = process.env.API_URL ?? 'http://localhost';
const { PORT = '3000', SECRET, ...rest } = process.env;
process.env.WRITTEN = '1';
export const Banner = () => <p>{import.meta.env.VITE_TITLE}</p>;
for (const key in process.env) check(key);
"""


def test_inventory_holds_what_the_rule_reports() -> None:
    reads = JsUnvalidatedEnv.env_reads("web/api.tsx", API, JsUnvalidatedEnv.OPTIONS)
    assert [(r.name, r.location.line, r.location.column, r.kind, r.default) for r in reads] == [
        ("API_URL", 1, 20, "default", "http://localhost"),
        ("PORT", 2, 9, "default", "3000"),
        ("SECRET", 2, 24, "optional", None),
        (None, 2, 32, "copy", None),
        ("VITE_TITLE", 4, 33, "optional", None),
        (None, 5, 19, "enumerate", None),
    ]
    findings = run_rule(JsUnvalidatedEnv, API, "web/api.tsx")
    reported = {(f.start.line, f.start.column) for f in findings}
    assert reported == {(r.location.line, r.location.column) for r in reads if r.kind != "copy"}


def test_audit_env_lists_python_and_js_variables(project, audit) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "src/app.py": 'import os\nDB = os.environ["DATABASE_URL"]\n',
            "web/api.tsx": API,
            "web/config.ts": "export const API = process.env.API_URL;\n",
        }
    )
    result = audit("env", "--write-example", ".env.example")
    assert result.code == 0
    assert result.out.splitlines()[:4] == [
        "API_URL",
        '  web/api.tsx:1:20  process.env  default "http://localhost"',
        "  web/config.ts:1:20  process.env  optional  [settings]",
        "DATABASE_URL",
    ]
    example = (root / ".env.example").read_text()
    assert "# used in web/config.ts:1, web/api.tsx:1\nAPI_URL=http://localhost\n" in example
    assert "\nPORT=3000\n" in example and "\nVITE_TITLE=\n" in example
    assert "WRITTEN" not in example


def test_configured_settings_modules_apply_to_js_too(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit.rules.unvalidated-env]\n"
            "settings-modules = ['**/settings.py', 'web/env/*.{js,ts}']\n",
            "web/env/server.ts": "export const KEY = process.env.KEY;\n",
            "web/config.ts": "export const API = process.env.API_URL;\n",
        }
    )
    out = audit("env").out.splitlines()
    assert "  web/env/server.ts:1:20  process.env  optional  [settings]" in out
    assert "  web/config.ts:1:20  process.env  optional" in out
    scan = audit("scan", "--select", "unvalidated-env").out
    assert scan.startswith("web/config.ts:1:20: high unvalidated-env environment variable API_URL")
    assert "server.ts" not in scan


def test_a_js_file_that_does_not_parse_is_an_inventory_error(project, audit) -> None:
    project({"a.js": "const x = process.env.X +;\n", "b.js": "process.env.B;\n"})
    result = audit("env")
    assert result.code == 2
    assert "B\n  b.js:1:1  process.env  optional" in result.out
    assert "a.js:1:25: critical parse-error cannot parse: unexpected '+'" in result.out
