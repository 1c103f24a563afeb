"""The JavaScript/TypeScript backend: parse errors, positions in characters, suppressions,
CRLF, contained crashes, the registry of per-language implementations, and a CLI run over a
mixed Python + TypeScript project."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.config import Config, RuleSettings
from auditor.errors import ConfigError, PluginError
from auditor.model import Location
from auditor.plugins import TreeSitterRule
from auditor.scan.engine import Engine, backend
from auditor.scan.loading import LoadedRule, check_rule_class, load_rules, resolve_rules
from auditor.testing import fix_all, run_rule
from conftest import BARE, Run
from rules.javascript.console_logging import JsConsoleLogging
from rules.javascript.empty_catch import JsEmptyCatch
from rules.javascript.paths import expand_braces
from rules.javascript.unvalidated_env import JsUnvalidatedEnv

LOGGER = {"logger-import": "import { logger } from '@/lib/logger';"}


def _where(findings: list) -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.start.line, f.start.column) for f in findings]


# --- parse errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code", "location", "message"),
    [
        ("a.ts", "const x = ;\nconsole.log(x);\n", (1, 11), "cannot parse: unexpected ';'"),
        ("a.ts", "let é = 'ü'; if (a { console.log(1) }\n", (1, 19), "cannot parse: missing ')'"),
        # Type annotations are TypeScript: in a .js file they do not parse.
        ("a.js", "let n: number = 1;\nconsole.log(n);\n", (1, 5), "cannot parse: unexpected 'n'"),
        # JSX parses in .js and .tsx, and not in .ts, whose `<T>x` is a type assertion.
        ("a.ts", "const a = <div>{console.log(1)}</div>;\n", None, None),
    ],
)
def test_syntax_error_is_a_parse_error_and_no_rule_runs(path, code, location, message) -> None:
    findings = run_rule(JsConsoleLogging, code, path)
    assert [f.rule_id for f in findings] == ["parse-error"]
    if location is not None:
        assert (findings[0].start.line, findings[0].start.column) == location
        assert findings[0].message == message


def test_jsx_in_js_and_tsx_parses() -> None:
    code = "const a = <div>{console.log(1)}</div>;\n"
    assert _where(run_rule(JsConsoleLogging, code, "a.jsx")) == [("console-logging", 1, 17)]
    assert _where(run_rule(JsConsoleLogging, code, "a.tsx")) == [("console-logging", 1, 17)]
    assert _where(run_rule(JsConsoleLogging, "const n = <number>x; console.log(n);\n", "a.ts")) == [
        ("console-logging", 1, 22)
    ]


def test_the_scan_goes_on_after_a_parse_error(project, audit) -> None:
    project(
        {
            "src/broken.ts": "export function f( {\n  console.log(1);\n",
            "src/ok.ts": "try {\n  run();\n} catch {}\n",
        }
    )
    result = audit("scan")
    assert result.code == 2
    assert result.out.splitlines()[:2] == [
        "src/broken.ts:1:8: critical parse-error cannot parse: unexpected 'function f( {'",
        "src/ok.ts:3:3: critical bare-except empty `catch` block swallows the error; "
        "handle, log or rethrow it",
    ]


def test_check_syntax_refuses_error_and_missing_nodes() -> None:
    from auditor.scan.js_backend import JAVASCRIPT as js
    from auditor.scan.js_backend import TYPESCRIPT as ts

    assert js.check_syntax("logger.info(1);\n") is None
    assert js.check_syntax("logger.info(1;\n") == "cannot parse: missing ')' at 1:14"
    assert js.check_syntax("let x: number = 1;\n") == "cannot parse: unexpected 'x' at 1:5"
    assert ts.check_syntax("let x: number = <number>y;\n") is None  # .ts
    assert ts.check_syntax("const a = <div>{x}</div>;\n") is None  # .tsx
    assert ts.check_syntax("const = 1;\n") is not None
    fixed = backend("typescript").check_fix("a;\n", "a(;\n", [], "x.ts")
    assert fixed == "the result does not parse (cannot parse: missing ')' at 1:3)"


# --- positions and edits in characters ----------------------------------------------------


def test_non_ascii_text_before_a_finding_counts_characters() -> None:
    # 'é' is 2 bytes, '€' 3 and the emoji 4 in UTF-8, yet one column each.
    code = "const s = 'é€😀'; console.log(s);\nconst t = '😀'; console.warn(t);\n"
    findings = run_rule(JsConsoleLogging, code, "a.ts", LOGGER)
    assert _where(findings) == [("console-logging", 1, 18), ("console-logging", 2, 16)]
    assert findings[0].end == Location(1, 32)
    assert fix_all(JsConsoleLogging, code, "a.ts", LOGGER) == (
        "import { logger } from '@/lib/logger';\n\n"
        "const s = 'é€😀'; logger.info(s);\nconst t = '😀'; logger.warn(t);\n"
    )


def test_crlf_file_keeps_its_newlines() -> None:
    code = "import a from 'a';\r\n\r\nconsole.log(a);\r\ntry { a(); } catch (e) {\r\n}\r\n"
    assert _where(run_rule(JsConsoleLogging, code, "a.js")) == [("console-logging", 3, 1)]
    assert _where(run_rule(JsEmptyCatch, code, "a.js")) == [("bare-except", 4, 14)]
    assert fix_all(JsConsoleLogging, code, "a.js", LOGGER) == (
        "import a from 'a';\r\nimport { logger } from '@/lib/logger';\r\n\r\n"
        "logger.info(a);\r\ntry { a(); } catch (e) {\r\n}\r\n"
    )


def test_bom_is_decoded_and_kept(project, audit) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.audit]\nextend-safe-fixes = ['console-logging']\n"
            "[tool.audit.rules.console-logging]\n"
            "logger-import = \"import { logger } from './log';\"\n",
            "a.js": b"\xef\xbb\xbfconsole.log('\xc3\xa9');\n",
            # A .js file with no import or export is CommonJS unless package.json says not.
            "package.json": '{"type": "module"}\n',
            "log.js": "export const logger = { info() {} };\n",
        }
    )
    assert audit("scan").out.startswith("a.js:1:1: critical console-logging")
    assert audit("scan", "--fix").code == 0
    assert (root / "a.js").read_bytes() == (
        b"\xef\xbb\xbfimport { logger } from './log';\n\nlogger.info('\xc3\xa9');\n"
    )


# --- suppressions -------------------------------------------------------------------------


def test_suppression_comments_of_both_styles() -> None:
    code = textwrap.dedent(
        """\
        const a = process.env.A; // audit: ignore[unvalidated-env]
        // audit: ignore[unvalidated-env]
        const b = process.env.B;
        const c = process.env.C; /* audit: ignore[unvalidated-env] */
        /* audit: ignore[unvalidated-env, bare-except] */
        const d = process.env.D;
        const e = process.env.E; // audit: ignore[console-logging]
        const f = process.env.F; // audit: ignore
        // audit: ignore[unvalidated-env]

        const g = process.env.G;
        const h = <i>{/* audit: ignore[unvalidated-env] */ process.env.H}</i>;
        """
    )
    findings = run_rule(JsUnvalidatedEnv, code, "a.tsx")
    # E names another rule; G is two lines below its comment.
    assert _where(findings) == [("unvalidated-env", 7, 11), ("unvalidated-env", 11, 11)]


def test_a_jsx_comment_alone_on_its_line_suppresses_the_line_below() -> None:
    code = textwrap.dedent(
        """\
        export const A = ({ x }) => (
          <>
            {/* audit: ignore[console-logging] */}
            {console.log(x)}
            {/* why */ /* audit: ignore[console-logging] */}
            {console.log(x)}
            <b>{/* audit: ignore[console-logging] */}</b>
            {console.log(x)}
            {console.log(x)}{/* audit: ignore[console-logging] */}
          </>
        );
        """
    )
    # The comment on line 7 is not alone on its line: it covers that line only.
    assert _where(run_rule(JsConsoleLogging, code, "a.jsx")) == [("console-logging", 8, 6)]


def test_a_comment_inside_a_string_does_not_suppress() -> None:
    code = "const s = '// audit: ignore'; const a = process.env.A;\n"
    assert _where(run_rule(JsUnvalidatedEnv, code, "a.js")) == [("unvalidated-env", 1, 41)]


# --- rules that crash ---------------------------------------------------------------------

CRASHING = '''
from auditor.model import Severity
from auditor.plugins import Invalid, TreeSitterRule, Valid


class Crashes(TreeSitterRule):
    """Raises on the second call it sees, after reporting the first."""

    id = "crashes"
    severity = Severity.HIGH
    message = "a call"

    def visit_call_expression(self, node):
        if self.reports:
            raise KeyError("oops")
        self.report(node)

    VALID = [Valid("x;\\n", path="a.js")]
    INVALID = [Invalid("f();\\n", path="a.js")]
'''


def test_a_crashing_rule_is_contained(project, audit, trusted) -> None:
    name = f"js_rules_{uuid.uuid4().hex[:8]}"
    project(
        {
            f"{name}.py": CRASHING,
            "pyproject.toml": f"[tool.audit]\nplugins = ['{name}']\n",
            "a.ts": "f();\ng();\ntry { h(); } catch {}\n",
            "b.ts": "f();\n",
        }
    )
    result = audit("scan")
    assert result.code == 2
    assert result.out.splitlines()[:3] == [
        "a.ts:1:1: critical internal-error rule crashes failed on this file (KeyError: 'oops'); "
        "its findings here are missing",
        "a.ts:3:14: critical bare-except empty `catch` block swallows the error; "
        "handle, log or rethrow it",
        "b.ts:1:1: high crashes a call",
    ]


# --- one id, one implementation per language family --------------------------------------


def test_builtin_ids_have_a_python_and_a_js_implementation() -> None:
    registry = load_rules()
    for rule_id, js in (
        ("console-logging", JsConsoleLogging),
        ("unvalidated-env", JsUnvalidatedEnv),
        ("bare-except", JsEmptyCatch),
    ):
        classes = registry[rule_id].classes
        assert len(classes) == 2 and classes[1] is js
        assert "python" in classes[0].languages


def _config(options: dict[str, object]) -> Config:
    return Config(
        root=Path("."),
        rules={"console-logging": RuleSettings(options=options)},  # type: ignore[arg-type]
    )


def test_each_implementation_receives_only_its_own_options() -> None:
    active = resolve_rules(
        _config({"allow": ("scripts/",), "logger-require": "const log = require('x')"}),
        load_rules(),
        select=["console-logging"],
    )
    by_language = {"python" in a.cls.languages: dict(a.options) for a in active}
    assert by_language[False]["allow"] == ("scripts/",)
    assert by_language[False]["logger-require"] == "const log = require('x')"
    assert by_language[True]["allow"] == ("scripts/",)
    assert "logger-require" not in by_language[True]


def test_unknown_option_is_checked_against_every_implementation() -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_rules(_config({"nope": True}), load_rules())
    message = raised.value.message
    assert message.startswith("(defaults): unknown option 'tool.audit.rules.console-logging.nope'")
    assert "logger-import" in message and "stdout-level" in message  # JS's and Python's


def _js_rule(rule_id: str, languages: frozenset[str]) -> type[TreeSitterRule]:
    namespace = {
        "id": rule_id,
        "severity": JsEmptyCatch.severity,
        "message": "m",
        "languages": languages,
    }
    return type("Other", (TreeSitterRule,), namespace)


def test_overlapping_languages_for_one_id_are_refused() -> None:
    from auditor.scan.loading import _register

    registry = {k: v for k, v in load_rules().items()}
    with pytest.raises(PluginError) as raised:
        _register(registry, _js_rule("bare-except", frozenset({"typescript"})), "plugin x")
    assert raised.value.message == (
        "plugin x: rule id 'bare-except' is already defined by auditor[bare-except-js]"
    )
    fresh: dict[str, LoadedRule] = {}
    _register(fresh, _js_rule("only-js", frozenset({"javascript"})), "plugin a")
    _register(fresh, _js_rule("only-js", frozenset({"typescript"})), "plugin b")
    assert fresh["only-js"].languages == {"javascript", "typescript"}
    assert fresh["only-js"].origin == "plugin a,plugin b"


def test_a_js_rule_must_subclass_the_tree_sitter_base() -> None:
    from auditor.plugins import Rule

    libcst_rule = type(
        "Wrong",
        (Rule,),
        {"id": "wrong", "severity": JsEmptyCatch.severity, "message": "m"},
    )
    libcst_rule.languages = frozenset({"typescript"})
    with pytest.raises(PluginError) as raised:
        check_rule_class(libcst_rule, "acme[x]")
    assert raised.value.message == (
        "acme[x]: rule Wrong: a javascript or typescript rule must subclass "
        "auditor.plugins.TreeSitterRule"
    )


def test_rules_lists_one_row_per_id_and_explains_every_implementation(project, audit) -> None:
    project({})
    rows = {line.split()[0]: line.split() for line in audit("rules").out.splitlines()}
    assert rows["console-logging"][1:4] == ["critical", "javascript,python,typescript", "unsafe"]
    assert rows["unvalidated-env"][1:4] == ["high", "javascript,python,typescript", "unsafe"]
    explained = audit("rules", "unvalidated-env").out
    assert "unvalidated-env (high; python; unsafe fix)" in explained
    assert "\nunvalidated-env (high; javascript, typescript; unsafe fix)\n" in explained


# --- the engine ---------------------------------------------------------------------------


def test_a_python_only_scan_never_imports_tree_sitter(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BARE)
    code = (
        "import sys\nfrom auditor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('tree_sitter' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "scan", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert "app.py:3:1: critical bare-except" in done.stdout


def test_file_without_triggers_is_not_parsed() -> None:
    engine = Engine(resolve_rules(Config(root=Path(".")), load_rules(), select=["bare-except"]))
    # No rule's trigger: not even parsed, so no parse error either.
    assert engine.scan_text("a.ts", "typescript", "const = ;\n") == []


def test_brace_globs_expand() -> None:
    assert expand_braces("**/*.config.{js,mjs,ts}") == (
        "**/*.config.js",
        "**/*.config.mjs",
        "**/*.config.ts",
    )
    assert expand_braces("{a,b}/{c,d}.js") == ("a/c.js", "a/d.js", "b/c.js", "b/d.js")
    assert expand_braces("plain.js") == ("plain.js",)


# --- a mixed project from the command line ------------------------------------------------

MIXED_CONFIG = """\
[tool.audit]
extend-safe-fixes = ["console-logging"]

[tool.audit.rules.console-logging]
logger-import = "import { logger } from '@/lib/logger';"
"""

PAGE = """\
'use client';

import { useState } from 'react';

export default function Page({ id }: { id: string }) {
  const [n] = useState(0);
  console.log(`render ${id}`, n);
  return (
    <button
      onClick={() => {
        console.error(
          'clicked',
          id,
        );
      }}
    >
      {n}
    </button>
  );
}
"""

PAGE_FIXED = """\
'use client';

import { useState } from 'react';
import { logger } from '@/lib/logger';

export default function Page({ id }: { id: string }) {
  const [n] = useState(0);
  logger.info(`render ${id}`, n);
  return (
    <button
      onClick={() => {
        logger.error(
          'clicked',
          id,
        );
      }}
    >
      {n}
    </button>
  );
}
"""


def test_cli_fixes_a_mixed_python_and_typescript_project(
    project: Callable[[dict[str, str | bytes]], Path], audit: Callable[..., Run]
) -> None:
    root = project(
        {
            "pyproject.toml": MIXED_CONFIG,
            "backend/app.py": BARE,
            "web/app/page.tsx": PAGE,
            "web/lib/api.ts": "export const url = process.env.API_URL;\n",
            "web/lib/page.test.ts": "console.log('fine in tests');\n",
            # The project's logger, behind the alias `logger-import` names.
            "web/tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./*"]}}}\n',
            "web/lib/logger.ts": "export const logger = {\n  info(...a: unknown[]) {},\n"
            "  error(...a: unknown[]) {},\n};\n",
            # Validated, so not reported (a raw read here would be: settings modules are not
            # exempt).
            "web/config.ts": "import { z } from 'zod';\n"
            "export const { KEY } = z.object({ KEY: z.string() }).parse(process.env);\n",
        }
    )
    before = audit("scan")
    assert before.code == 1
    assert before.out.splitlines()[:4] == [
        "backend/app.py:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt "
        "and SystemExit; name the exceptions",
        "web/app/page.tsx:7:3: critical console-logging `console.log` writes to the console; "
        "use `logger.info`",
        "web/app/page.tsx:11:9: critical console-logging `console.error` writes to the console; "
        "use `logger.error`",
        "web/lib/api.ts:1:20: high unvalidated-env environment variable API_URL (process.env) "
        "is read outside a settings module: if it is unset, this silently gives undefined; "
        "read and validate it once, in a settings module",
    ]
    fixed = audit("scan", "--fix")
    assert fixed.code == 0  # only the high unvalidated-env finding is left
    assert "Fixed 3 findings." in fixed.out
    assert (root / "web/app/page.tsx").read_text() == PAGE_FIXED
    assert "except Exception:" in (root / "backend/app.py").read_text()
    assert (root / "web/lib/page.test.ts").read_text() == "console.log('fine in tests');\n"
    again = audit("scan", "--fix")
    assert "Fixed" not in again.out
    assert (root / "web/app/page.tsx").read_text() == PAGE_FIXED


def test_without_a_logger_the_fix_creates_one_and_says_so(project, audit) -> None:
    root = project({"a.mjs": "console.info('x');\n"})
    out = audit("scan").out.splitlines()[0]
    assert out == (
        "a.mjs:1:1: critical console-logging `console.info` writes to the console; use "
        "`logger.info`, creating the logger module lib/logger.mjs"
    )
    fixed = audit("scan", "--fix", "--unsafe-fixes")
    assert "Fixed 1 finding." in fixed.out
    assert (root / "a.mjs").read_text() == (
        "import { logger } from './lib/logger.mjs';\n\nlogger.info('x');\n"
    )
    assert (
        (root / "lib/logger.mjs").read_text().startswith("// audit: ignore-file[console-logging]")
    )
    assert audit("scan").code == 0  # the created module's console calls are its own


def test_a_bad_logger_import_is_reported_not_guessed(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit.rules.console-logging]\n"
            "logger-import = \"import { a, b } from './log'\"\n",
            "a.js": "console.log(1);\n",
        }
    )
    result = audit("scan")
    assert result.code == 2
    assert result.out.splitlines()[0].startswith(
        "a.js:1:1: critical internal-error rule console-logging failed on this file "
        "(ValueError: logger-import \"import { a, b } from './log'\" must be one import"
    )


def test_findings_carry_their_enclosing_scope_for_fingerprints() -> None:
    code = textwrap.dedent(
        """\
        class Cart {
          total() {
            console.log(1);
          }
        }
        const f = () => {
          console.log(1);
        };
        function g() {
          return function () {
            console.log(1);
          };
        }
        console.log(1);
        """
    )
    findings = run_rule(JsConsoleLogging, code, "a.ts")
    assert [f.scope for f in findings] == ["Cart.total", "f", "g", ""]
    assert len({f.fingerprint for f in findings}) == 4


def test_check_syntax_uses_the_files_own_dialect() -> None:
    from auditor.scan.js_backend import TYPESCRIPT

    cast = "let x = <number>y;\n"  # a type assertion in .ts, an unclosed element in .tsx
    assert TYPESCRIPT.check_syntax(cast, "a.ts") is None
    assert TYPESCRIPT.check_syntax(cast, "a.tsx") is not None
