"""The unvalidated-env fix for JavaScript/TypeScript through the command line: `--diff`
shows the new settings module and writes nothing, `--fix --unsafe-fixes` writes it, every
read and `.env.example` exactly, a second run finds and changes nothing; the module
written throws at once naming every unset required variable; a Next.js client module's
read guarded by `typeof window` is the server's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FILES = {
    "package.json": '{"type": "module", "dependencies": {"express": "^4.21.0"}}\n',
    "src/server.js": (
        "import http from 'node:http';\n\n"
        "const port = Number(process.env.PORT || 8080);\n"
        "http.createServer(handle).listen(port, process.env.HOST);\n"
    ),
    "src/db.js": "export const url = process.env.DATABASE_URL ?? process.env.DB_FALLBACK;\n",
    "src/auth.js": "export const secret = process.env.SESSION_SECRET;\n",
}
SERVER_AFTER = (
    "import http from 'node:http';\nimport { env } from './env.js';\n\n"
    "const port = Number(env.PORT || 8080);\n"
    "http.createServer(handle).listen(port, env.HOST);\n"
)
ENV_AFTER = (
    "// The environment variables the app reads, checked once when it starts.\n\n"
    "/** The values, each required one checked: throws naming every one that is unset. */\n"
    "function checkEnv(values, required) {\n"
    "  const missing = required.filter((name) => values[name] === undefined);\n"
    "  if (missing.length > 0) {\n"
    '    throw new Error(`Missing environment variables: ${missing.join(", ")}`);\n'
    "  }\n"
    "  return values;\n"
    "}\n\n"
    "export const env = checkEnv(\n"
    "  {\n"
    "    DATABASE_URL: process.env.DATABASE_URL,\n"
    "    DB_FALLBACK: process.env.DB_FALLBACK,\n"
    "    HOST: process.env.HOST,\n"
    '    PORT: process.env.PORT ?? "8080",\n'
    "    SESSION_SECRET: process.env.SESSION_SECRET,\n"
    "  },\n"
    "  [],\n"
    ");\n"
)


def test_diff_shows_the_new_module_and_writes_nothing(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--select", "unvalidated-env", "--diff", "--unsafe-fixes", ".")
    assert run.code == 0
    assert run.err == "Would fix 5 findings in 3 files, creating .env.example, src/env.js.\n"
    assert "+++ b/src/env.js\n" in run.out
    assert "-const port = Number(process.env.PORT || 8080);\n" in run.out
    assert "+const port = Number(env.PORT || 8080);\n" in run.out
    assert not (root / "src/env.js").exists()
    assert (root / "src/server.js").read_text() == FILES["src/server.js"]


def test_safe_fix_alone_leaves_the_reads(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--select", "unvalidated-env", "--fix", ".")
    assert run.out.endswith("Found 5 findings (5 high) in 3 files; 3 files scanned.\n")
    assert not (root / "src/env.js").exists()


def test_unsafe_fix_writes_module_reads_and_example_then_changes_nothing(project, audit) -> None:
    root = project(FILES)
    run = audit("scan", "--select", "unvalidated-env", "--fix", "--unsafe-fixes", ".")
    assert run.code == 0
    assert (root / "src/env.js").read_text() == ENV_AFTER
    assert (root / "src/server.js").read_text() == SERVER_AFTER
    assert (root / "src/db.js").read_text() == (
        'import { env } from "./env.js";\n\n'
        "export const url = env.DATABASE_URL ?? env.DB_FALLBACK;\n"
    )
    assert (root / ".env.example").read_text() == (
        "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n"
        "# Values written here are kept when the file is rewritten.\n\n"
        "# used in src/db.js:1\nDATABASE_URL=\n\n"
        "# used in src/db.js:1\nDB_FALLBACK=\n\n"
        "# used in src/server.js:4\nHOST=\n\n"
        "# used in src/server.js:3\nPORT=8080\n\n"
        "# used in src/auth.js:1\nSESSION_SECRET=\n"
    )
    snapshot = _files(root)
    again = audit("scan", "--select", "unvalidated-env", "--fix", "--unsafe-fixes", ".")
    assert again.out == "No findings; 4 files scanned.\n"
    assert _files(root) == snapshot
    listed = audit("env", ".")
    assert listed.out.endswith(
        "5 variables (5 validated) read in 5 places: 5 validated, 0 raw "
        "(0 outside settings modules); 4 files scanned.\n"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_module_written_names_every_unset_required_variable(project, audit) -> None:
    root = project(
        {
            "package.json": '{"type": "module"}\n',
            "tsconfig.json": "{}\n",
            "app.ts": "export const a = process.env.API_URL!;\n"
            "export const b = process.env.TOKEN as string;\n",
        }
    )
    audit("scan", "--select", "unvalidated-env", "--fix", "--unsafe-fixes", ".")
    module = (root / "env.ts").read_text()
    assert '  ["API_URL", "TOKEN"],\n' in module
    # Node 20 runs no TypeScript: the module's few types taken out.
    plain = (
        module.replace("): T & { [P in K]: string } {", ") {")
        .replace("<T extends Record<string, string | undefined>, K extends keyof T>", "")
        .replace("values: T,", "values,")
        .replace("required: readonly K[],", "required,")
        .replace(" as T & { [P in K]: string }", "")
    )
    (root / "env.mjs").write_text(plain)
    done = subprocess.run(
        ["node", "env.mjs"], cwd=root, capture_output=True, text=True, env={"TOKEN": "t"}
    )
    assert done.returncode == 1
    assert "Error: Missing environment variables: API_URL\n" in done.stderr


def test_a_read_guarded_by_typeof_window_is_the_servers(project, audit) -> None:
    files = {
        "package.json": '{"dependencies": {"next": "15.1.0"}}\n',
        "src/trpc/react.tsx": (
            '"use client";\n\nfunction getBaseUrl() {\n'
            '  if (typeof window !== "undefined") return window.location.origin;\n'
            "  return `http://localhost:${process.env.PORT ?? 3000}`;\n}\n"
            "export const key = process.env.SECRET_KEY;\n"
        ),
    }
    project(files)
    run = audit("scan", "--select", "unvalidated-env", ".")
    assert "src/trpc/react.tsx:5:30: high unvalidated-env environment variable PORT " in run.out
    assert "PORT is read in client code" not in run.out
    assert (
        "src/trpc/react.tsx:7:20: high unvalidated-env environment variable SECRET_KEY is read "
        'in client code (a "use client" module), where it is undefined' in run.out
    )


def _files(root: Path) -> dict[str, bytes]:
    """The project's files, auditor's cache left out."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".audit_cache" not in p.parts
    }
