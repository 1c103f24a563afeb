"""Valid JS/TS that tree-sitter's grammars refuse (issue 28 item 2), as found in four real
Next.js apps (dub, midday, papermark, documenso), each reduced to a minimal snippet.

A bare `&` in JSX text or a JSX attribute string is repaired (auditor.scan.jsx_ampersand),
and so are type arguments of a tagged template or of a call the grammar cannot place, an
import type's type arguments, `export type *` and an invalid escape in a tagged template
(auditor.scan.ts_repair): the file is fully checked and fixed. Invalid code around such a
construct stays a parse error."""

from __future__ import annotations

import pytest

CONFIG = (
    "[tool.audit.rules.console-logging]\nlogger-import = \"import { logger } from './logger'\"\n"
)

# papermark components/layouts/breadcrumb.tsx, links-table.tsx; midday login/page.tsx.
AMPERSANDS = """\
export const A = () => (
  <a href="/d?i=7d&type=links" title="Q&amp;A">
    Profit & Loss &{" "}
    {console.log("x")}
  </a>
);
try { f(); } catch {}
"""


def test_a_bare_ampersand_in_jsx_is_fully_checked_and_fixed(project, audit) -> None:
    root = project({"pyproject.toml": CONFIG, "b.tsx": AMPERSANDS, "c.jsx": AMPERSANDS})
    result = audit("scan", "--fail-on", "none")
    assert result.out.splitlines() == [
        f"{name}:{where}"
        for name in ("b.tsx", "c.jsx")
        for where in (
            "4:6: critical console-logging `console.log` writes to the console; as a JSX child "
            "it runs on every render and renders nothing: remove it",
            "7:14: critical bare-except empty `catch` block swallows the error; handle, log or "
            "rethrow it",
        )
    ] + [
        "Found 4 findings (4 critical) in 2 files; 2 files scanned.",
        "2 more fixable with `audit scan --fix --unsafe-fixes`.",
    ]
    audit("scan", "--fix", "--unsafe-fixes", "--fail-on", "none")
    fixed = AMPERSANDS.replace('    {console.log("x")}\n', "")
    assert (root / "b.tsx").read_text() == fixed
    assert (root / "c.jsx").read_text() == fixed
    again = audit("scan", "--fix", "--unsafe-fixes", "--fail-on", "none")
    assert "Fixed" not in again.out
    assert (root / "b.tsx").read_text() == fixed


@pytest.mark.parametrize(
    "code",
    [
        "const a = x & ;\n",  # a `&` of code is never replaced
        "export const A = () => <p>A & B {a & }</p>;\n",
        "export const A = () => <p>A & B</p>\nconst b = <<;\n",  # another error beside it
    ],
)
def test_invalid_code_with_an_ampersand_stays_a_parse_error(project, audit, code) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "a.tsx": code + "console.log(1);\n"})
    result = audit("scan", "--select", "console-logging")
    assert result.code == 2
    assert result.out.splitlines()[0].split(": ")[1].startswith("critical parse-error")


# dub apps/web/lib/api/partners/get-partner-rewind.ts and four more, midday
# db/queries/customers.ts and transactions.ts (type arguments of a tagged template),
# midday banking/src/index.ts (`export type *`), midday banking/src/providers/plaid/plaid-api.ts
# (an import type with type arguments), the issue's `typeof import(...)` as a type argument.
TYPES = """\
export type * from "./types";
export type * as shapes from "./shapes";
import { logger } from "./logger";

export async function rows(prisma: P, sql: S) {
  const stats = await prisma.$queryRaw<
    { start: string; earnings: number }[]
  >`SELECT 1`;
  console.log(await sql<Row[]>`SELECT ${stats.length}`);
  const x = f<typeof import("x")>(console.log("a"));
  try { g(); } catch {}
}

class Plaid {
  async link(): Promise<
    import("axios").AxiosResponse<LinkResponse>
  > {
    console.error("link");
    return this.client.link();
  }
}
"""
# documenso packages/lib/types/name.test.ts: ES2018 allows any escape in a tagged template.
ESCAPES = """\
import { logger } from "./logger";
const s = String.raw`Acme\\u00 Corp ${console.log(1)} \\u{FFFFFFF} \\x4 \\08 \\u{200b`;
try { f(); } catch {}
"""


def test_valid_typescript_the_grammar_refuses_is_fully_checked_and_fixed(project, audit) -> None:
    root = project(
        {
            "pyproject.toml": CONFIG,
            "package.json": '{"type": "module"}\n',
            "logger.ts": "export const logger = { info() {}, error() {} };\n",
            "a.ts": TYPES,
            "b.mjs": ESCAPES,
        }
    )
    result = audit("scan", "--fail-on", "none")
    assert result.out.splitlines() == [
        "a.ts:9:3: critical console-logging `console.log` writes to the console; use `logger.info`",
        "a.ts:10:35: critical console-logging `console.log` writes to the console; use `logger.info`",
        "a.ts:11:16: critical bare-except empty `catch` block swallows the error; handle, log or "
        "rethrow it",
        "a.ts:18:5: critical console-logging `console.error` writes to the console; use "
        "`logger.error`",
        "b.mjs:2:38: critical console-logging `console.log` writes to the console; use "
        "`logger.info`",
        "b.mjs:3:14: critical bare-except empty `catch` block swallows the error; handle, log or "
        "rethrow it",
        "Found 6 findings (6 critical) in 2 files; 3 files scanned.",
        "4 more fixable with `audit scan --fix --unsafe-fixes`.",
    ]
    audit("scan", "--fix", "--unsafe-fixes", "--fail-on", "none")
    # The blanked type arguments and the escapes are the file's own in the fixed file.
    assert (root / "a.ts").read_text() == (
        TYPES.replace("console.log(await", "logger.info(await")
        .replace('console.log("a")', 'logger.info("a")')
        .replace('console.error("link")', 'logger.error("link")')
    )
    assert (root / "b.mjs").read_text() == ESCAPES.replace("console.log(1)", "logger.info(1)")


def test_type_syntax_beside_a_bare_ampersand_is_fully_checked(project, audit) -> None:
    code = "export const A = () => <p>A & B</p>;\nconst r = sql<Row[]>`x`;\nconsole.log(r);\n"
    project({"pyproject.toml": "[tool.audit]\n", "a.tsx": code})
    result = audit("scan", "--select", "console-logging", "--fail-on", "none")
    assert result.out.splitlines()[0] == (
        "a.tsx:3:1: critical console-logging `console.log` writes to the console; use "
        "`logger.debug`, creating the logger module lib/logger.ts"
    )


@pytest.mark.parametrize(
    ("name", "code", "error"),
    [
        # An invalid escape in an untagged template.
        (
            "a.ts",
            "const s = `\\u00`;\n",
            "1:12: critical parse-error cannot parse: unexpected '\\\\u00'",
        ),
        (
            "b.ts",
            "const s = String.raw`a` + `\\u00`;\n",
            "1:28: critical parse-error cannot parse: unexpected '\\\\u00'",
        ),
        # Empty type arguments (tsc: "Type argument list cannot be empty").
        (
            "c.ts",
            'let a: import("x").Y<>;\n',
            "1:21: critical parse-error cannot parse: unexpected '<>'",
        ),
        (
            "d.ts",
            "const r = f<>();\n",
            "1:13: critical parse-error cannot parse: missing 'type_identifier'",
        ),
        # Type arguments in JavaScript.
        (
            "e.js",
            "const r = sql<Row[]>`a`;\n",
            "1:19: critical parse-error cannot parse: missing 'identifier'",
        ),
        (
            "f.ts",
            "export type * from;\n",
            "1:8: critical parse-error cannot parse: unexpected 'type * from'",
        ),
        (
            "g.ts",
            "const r = sql<Row[>`x`;\n",
            "1:14: critical parse-error cannot parse: unexpected '<Row[>`x`;'",
        ),
        # Another error beside a construct that is repaired.
        (
            "h.ts",
            "const r = sql<Row[]>`x`;\nconst b = <<;\n",
            "1:11: critical parse-error cannot parse: unexpected 'sql<Row[]>'",
        ),
    ],
)
def test_invalid_code_beside_refused_typescript_stays_a_parse_error(
    project, audit, name, code, error
) -> None:
    project({"pyproject.toml": "[tool.audit]\n", name: code + "console.log(1);\n"})
    result = audit("scan", "--select", "console-logging")
    assert result.code == 2
    assert result.out.splitlines()[0] == f"{name}:{error}"
