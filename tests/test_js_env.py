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
        "API_URL  not validated",
        '  web/api.tsx:1:20  process.env  default "http://localhost"',
        "  web/config.ts:1:20  process.env  optional  [settings]",
        "DATABASE_URL  not validated, read as str",
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
    # Not exempt: a raw read in a settings module is reported, and says so.
    scan = audit("scan", "--select", "unvalidated-env").out.splitlines()
    assert scan[0].startswith(
        "web/config.ts:1:20: high unvalidated-env environment variable API_URL (process.env) "
        "is read outside a settings module"
    )
    assert scan[1] == (
        "web/env/server.ts:1:20: high unvalidated-env environment variable KEY (process.env) "
        "is read raw in a settings module that validates nothing: if it is unset, this "
        "silently gives undefined; declare it in a validated settings object (a zod schema, "
        "t3-env's createEnv or envalid's cleanEnv), checked at startup"
    )


def test_a_js_file_that_does_not_parse_is_an_inventory_error(project, audit) -> None:
    project({"a.js": "const x = process.env.X +;\n", "b.js": "process.env.B;\n"})
    result = audit("env")
    assert result.code == 2
    assert "B  not validated\n  b.js:1:1  process.env  optional" in result.out
    assert "a.js:1:25: critical parse-error cannot parse: unexpected '+'" in result.out


def _reads(path: str, text: str) -> list[tuple[str | None, int, int, str, str | None]]:
    reads = JsUnvalidatedEnv.env_reads(path, text, JsUnvalidatedEnv.OPTIONS)
    return [(r.name, r.location.line, r.location.column, r.kind, r.default) for r in reads]


def test_reads_through_typescript_casts_and_non_null() -> None:
    text = (
        "const a = (process.env as Env).API_URL;\n"
        "const b = (<Env>process.env).KEY ?? 'k';\n"
        "const c = (process.env satisfies Env).MODE;\n"
        "const d = process.env!.SECRET;\n"
        "const { PORT = '3000' } = process.env as Env;\n"
    )
    assert _reads("src/app.ts", text) == [
        ("API_URL", 1, 11, "optional", None),
        ("KEY", 2, 11, "default", "k"),
        ("MODE", 3, 11, "optional", None),
        ("SECRET", 4, 11, "optional", None),
        ("PORT", 5, 9, "default", "3000"),
    ]


def test_reads_through_process_env_as_a_subscript() -> None:
    text = "process['env'].A;\nprocess[\"env\"]['B'];\nprocess[`env`].C;\nprocess['envs'].D;\n"
    assert _reads("src/app.js", text) == [
        ("A", 1, 1, "optional", None),
        ("B", 2, 1, "optional", None),
        ("C", 3, 1, "optional", None),
    ]


def test_reads_through_an_alias_followed_by_scope() -> None:
    text = (
        "const env = process.env;\n"
        "export function api() {\n"
        "  const { API_URL, PORT = '3000' } = env;\n"
        "  let e = env;\n"
        "  return [e.HOST, env['TOKEN'] || 'none'];\n"
        "}\n"
        "function other(env: Env) {\n"
        "  return env.NOT_A_READ;\n"
        "}\n"
        "let moved = process.env;\n"
        "moved = load();\n"
        "moved.REASSIGNED;\n"
    )
    assert _reads("src/app.ts", text) == [
        ("API_URL", 3, 11, "optional", None),
        ("PORT", 3, 20, "default", "3000"),
        ("HOST", 5, 11, "optional", None),
        ("TOKEN", 5, 19, "default", "none"),
    ]


def test_reads_in_a_destructuring_parameter_default() -> None:
    text = (
        "function f({ A = 'x' } = process.env) {\n  return A;\n}\n"
        "const g = ({ B }: Env = process.env) => B;\n"
    )
    assert _reads("src/app.ts", text) == [
        ("A", 1, 14, "default", "x"),
        ("B", 4, 14, "optional", None),
    ]
    assert _reads("src/app.js", "const g = ({ B } = process.env) => B;\n") == [
        ("B", 1, 14, "optional", None)
    ]


def test_typeof_in_a_type_is_no_read_in_a_value_it_is() -> None:
    text = (
        "type T = typeof process.env.X;\n"
        "let a: typeof process.env.Y;\n"
        "export type K = keyof typeof process.env;\n"
        "if (typeof process.env.Z === 'string') run();\n"
    )
    assert _reads("src/app.ts", text) == [("Z", 4, 12, "optional", None)]
    assert _reads("src/page.tsx", "let a: typeof process.env.Y = null;\n") == []


def test_allow_names_is_shared_with_python(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit.rules.unvalidated-env]\nallow-names = ['APP_*']\n",
            "web/a.ts": "export const a = [process.env.APP_MODE, process.env.NODE_ENV];\n",
            "app/b.py": "import os\nMODE = os.getenv('APP_MODE')\nCI = os.getenv('CI')\n",
        }
    )
    # The list replaces the default one: CI and NODE_ENV are reported again.
    scan = audit("scan", "--select", "unvalidated-env", "--no-cache").out
    assert [line.split(": ", 1)[0] for line in scan.splitlines()[:2]] == [
        "app/b.py:3:6",
        "web/a.ts:1:41",
    ]
    assert "2 findings" in scan
