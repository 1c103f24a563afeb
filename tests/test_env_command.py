"""`audit env` end to end: the inventory as text and JSON, `.env.example` writing and
merging, exit codes; and the pure merge."""

from __future__ import annotations

import json

import pytest

from auditor.env.example_file import merge_env_example
from auditor.env.reads import EnvRead
from auditor.model import Location

PYPROJECT = "[tool.audit]\n"
SETTINGS = """\
import os

DEBUG = os.getenv("DEBUG", "0") == "1"
DATABASE_URL = os.environ["DATABASE_URL"]
"""
BOOKING = """\
from os import environ, getenv


def book(kind):
    key = environ.get("API_KEY")
    url = getenv("DATABASE_URL", "sqlite://")
    for name in environ:
        pass
    return environ[f"PRICE_{kind}"]
"""
RUN = """\
import os
import subprocess

subprocess.run(["ls"], env=os.environ.copy())
"""
SHOP = {
    "pyproject.toml": PYPROJECT,
    "shop/settings.py": SETTINGS,
    "shop/booking.py": BOOKING,
    "shop/run.py": RUN,
    "shop/plain.py": "x = 1\n",
}

TEXT = """\
API_KEY  not validated, read as str | None
  shop/booking.py:5:11  os.environ.get()  optional  inferred str | None
DATABASE_URL  not validated, read as str
  shop/booking.py:6:11  os.getenv()  default "sqlite://"  inferred str
  shop/settings.py:4:16  os.environ[...]  required  inferred str  [settings]
DEBUG  not validated, read as str
  shop/settings.py:3:9  os.getenv()  default "0"  inferred str  [settings]
(computed name)
  shop/booking.py:9:12  os.environ[...]  required
(whole environment)
  shop/booking.py:7:17  for ... in os.environ  every variable
  shop/run.py:4:28  os.environ.copy()  copies every variable
3 variables (0 validated) read in 7 places: 0 validated, 7 raw (5 outside settings modules); 4 files scanned.
"""

EXAMPLE = """\
# Environment variables the code reads; kept up to date by `audit env --write-example`.
# Values written here are kept when the file is rewritten.

# used in shop/booking.py:5
API_KEY=

# used in shop/settings.py:4, shop/booking.py:6
DATABASE_URL=sqlite://

# used in shop/settings.py:3
DEBUG=0
"""


def test_text_inventory_lists_every_variable_sorted_by_name(project, audit) -> None:
    project(SHOP)
    result = audit("env")
    assert (result.code, result.out, result.err) == (0, TEXT, "")


def test_paths_are_shown_relative_to_the_current_directory(
    project, audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"pyproject.toml": PYPROJECT, "shop/settings.py": SETTINGS})
    monkeypatch.chdir(root / "shop")
    result = audit("env")
    assert result.out == (
        "DATABASE_URL  not validated, read as str\n"
        "  settings.py:4:16  os.environ[...]  required  inferred str  [settings]\n"
        "DEBUG  not validated, read as str\n"
        '  settings.py:3:9  os.getenv()  default "0"  inferred str  [settings]\n'
        "2 variables (0 validated) read in 2 places: 0 validated, 2 raw "
        "(0 outside settings modules); 1 file scanned.\n"
    )


def test_json_inventory_schema(project, audit) -> None:
    project(SHOP)
    result = audit("env", "--format", "json")
    assert result.code == 0

    def read(path: str, line: int, column: int, kind: str, via: str, **more: object) -> dict:
        return {
            "path": path,
            "line": line,
            "column": column,
            "kind": kind,
            "via": via,
            "default": more.get("default"),
            "in_settings": more.get("in_settings", False),
            "validated": False,
            "type": None,
            "settings_module": None,
            "inferred_type": more.get("inferred_type"),
        }

    def raw(name: str, *reads: dict) -> dict:
        return {
            "name": name,
            "validated": False,
            "types": [],
            "settings_modules": [],
            "inferred_types": sorted({r["inferred_type"] for r in reads if r["inferred_type"]}),
            "reads": list(reads),
        }

    assert json.loads(result.out) == {
        "schema": "auditor.env/2",
        "tool": {"name": "auditor", "version": "0.1.0"},
        "variables": [
            raw(
                "API_KEY",
                read(
                    "shop/booking.py",
                    5,
                    11,
                    "optional",
                    "os.environ.get()",
                    inferred_type="str | None",
                ),
            ),
            raw(
                "DATABASE_URL",
                read(
                    "shop/booking.py",
                    6,
                    11,
                    "default",
                    "os.getenv()",
                    default="sqlite://",
                    inferred_type="str",
                ),
                read(
                    "shop/settings.py",
                    4,
                    16,
                    "required",
                    "os.environ[...]",
                    in_settings=True,
                    inferred_type="str",
                ),
            ),
            raw(
                "DEBUG",
                read(
                    "shop/settings.py",
                    3,
                    9,
                    "default",
                    "os.getenv()",
                    default="0",
                    in_settings=True,
                    inferred_type="str",
                ),
            ),
        ],
        "unnamed_reads": [
            read("shop/booking.py", 7, 17, "enumerate", "for ... in os.environ"),
            read("shop/booking.py", 9, 12, "required", "os.environ[...]"),
            read("shop/run.py", 4, 28, "copy", "os.environ.copy()"),
        ],
        "errors": [],
        "summary": {
            "files": 4,
            "variables": 3,
            "validated_variables": 0,
            "reads": 7,
            "validated": 0,
            "raw": 7,
            "raw_outside_settings": 5,
            "errors": 0,
        },
    }


def test_no_reads(project, audit) -> None:
    project({"pyproject.toml": PYPROJECT, "app.py": "x = 1\n", "lib.py": "environ = {}\n"})
    result = audit("env")
    assert (result.code, result.out) == (0, "No environment variables read; 2 files scanned.\n")


def test_given_paths_only(project, audit) -> None:
    project(SHOP)
    result = audit("env", "shop/run.py")
    assert result.out == (
        "(whole environment)\n"
        "  shop/run.py:4:28  os.environ.copy()  copies every variable\n"
        "0 variables (0 validated) read in 1 place: 0 validated, 1 raw "
        "(1 outside settings modules); 1 file scanned.\n"
    )


def test_settings_modules_option_decides_in_settings(project, audit) -> None:
    config = PYPROJECT + '[tool.audit.rules.unvalidated-env]\nsettings-modules = ["shop/b*.py"]\n'
    project({**SHOP, "pyproject.toml": config})
    lines = audit("env").out.splitlines()
    assert lines[1] == (
        "  shop/booking.py:5:11  os.environ.get()  optional  inferred str | None  [settings]"
    )
    assert lines[4] == "  shop/settings.py:4:16  os.environ[...]  required  inferred str"
    assert lines[-1] == (
        "3 variables (0 validated) read in 7 places: 0 validated, 7 raw "
        "(3 outside settings modules); 4 files scanned."
    )


VAULT_RULE = """\
import re

import libcst as cst

from auditor.plugins import EnvRead, Location, Rule, Severity

_CALL = re.compile(r"secret\\(['\\"](\\w+)['\\"]")


class VaultSecret(Rule):
    \"\"\"Reads through an in-house `vault.secret("NAME")`, typed by the vault.\"\"\"

    id = "vault-secret"
    severity = Severity.LOW
    message = "read through the vault"
    triggers = ("secret(",)

    def visit_Call(self, node: cst.Call) -> None:
        pass

    @classmethod
    def env_reads(cls, path, text, options):
        return [
            EnvRead(match.group(1), path, Location(n, match.start() + 1), "required", None,
                    path.endswith("settings.py"), "vault secret()", validated=True,
                    type="str", settings_module="shop/vault.py")
            for n, line in enumerate(text.splitlines(), 1)
            for match in _CALL.finditer(line)
        ]
"""


def test_a_plugin_rule_feeds_the_inventory(project, audit, trusted) -> None:
    config = "[tool.audit]\nplugins = ['vault_reads']\n"
    files = {
        **SHOP,
        "pyproject.toml": config,
        "vault_reads.py": VAULT_RULE,
        "shop/plain.py": "from shop import vault\n\nSECRET = vault.secret('SECRET_KEY')\n",
    }
    project(files)
    result = audit("env", "shop")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[7:9] == [
        "SECRET_KEY  validated as str in shop/vault.py",
        "  shop/plain.py:3:16  vault secret()  required  type str  [validated]",
    ]
    assert lines[-1] == (
        "4 variables (1 validated) read in 8 places: 1 validated, 7 raw "
        "(5 outside settings modules); 4 files scanned."
    )


def test_unparseable_file_is_an_error_and_the_rest_is_still_listed(project, audit) -> None:
    project(
        {
            "pyproject.toml": PYPROJECT,
            "broken.py": "import os\nx = (os.environ\n",
            "ok.py": "import os\nx = os.getenv('X')\n",
            "skipped.py": "not python (\n",  # no trigger: never parsed, as in `audit scan`
        }
    )
    result = audit("env")
    assert result.code == 2
    assert result.out == (
        "X  not validated, read as str | None\n"
        "  ok.py:2:5  os.getenv()  optional  inferred str | None\n"
        "broken.py:2:5: critical parse-error cannot parse: '(' was never closed\n"
        "1 variable (0 validated) read in 1 place: 0 validated, 1 raw "
        "(1 outside settings modules); 3 files scanned.\n"
        "1 error (parse-error): some code was not checked.\n"
    )
    document = json.loads(audit("env", "--format", "json").out)
    assert document["errors"] == [
        {
            "kind": "parse-error",
            "path": "broken.py",
            "line": 2,
            "column": 5,
            "message": "cannot parse: '(' was never closed",
        }
    ]
    assert document["summary"]["errors"] == 1


@pytest.mark.parametrize(
    ("config", "error"),
    [
        (
            '[tool.audit.rules.unvalidated-env]\nsettings-modules = "settings.py"\n',
            "audit: error: pyproject.toml:3:1: 'tool.audit.rules.unvalidated-env.settings-modules' "
            "must be a list of strings (got 'settings.py')\n",
        ),
        (
            "[tool.audit.rules.unvalidated-env]\nsetting-modules = []\n",
            "audit: error: pyproject.toml:3:1: unknown option "
            "'tool.audit.rules.unvalidated-env.setting-modules' "
            "(options of unvalidated-env: allow-names, python-settings-module, settings-modules, typescript-settings-module)\n",
        ),
        (
            '[tool.audit.rules.unvalidated-env]\nallow-names = "CI"\n',
            "audit: error: pyproject.toml:3:1: 'tool.audit.rules.unvalidated-env.allow-names' "
            "must be a list of strings (got 'CI')\n",
        ),
    ],
)
def test_config_errors_exit_2(project, audit, config: str, error: str) -> None:
    project({**SHOP, "pyproject.toml": PYPROJECT + config})
    result = audit("env")
    assert (result.code, result.out, result.err) == (2, "", error)


def test_usage_errors_exit_2(project, audit) -> None:
    project(SHOP)
    missing = audit("env", "nowhere")
    assert (missing.code, missing.err) == (2, "audit: error: nowhere: no such file or directory\n")
    bad_format = audit("env", "--format", "sarif")
    assert bad_format.code == 2
    no_config = audit("env", "--config", "missing.toml")
    assert (no_config.code, no_config.err) == (
        2,
        "audit: error: missing.toml: config file not found\n",
    )


# --- .env.example ----------------------------------------------------------------------


def test_write_example_creates_a_sorted_file(project, audit) -> None:
    root = project(SHOP)
    result = audit("env", "--write-example", ".env.example")
    assert (result.code, result.out) == (0, TEXT)
    assert (root / ".env.example").read_text() == EXAMPLE
    again = audit("env", "--write-example", ".env.example", "--format", "json")
    assert again.code == 0
    assert (root / ".env.example").read_text() == EXAMPLE


def test_write_example_keeps_what_the_user_wrote(project, audit) -> None:
    existing = (
        "# Local development settings.\n"
        "\n"
        "# used in shop/old.py:1\n"
        "DEBUG=1\n"
        "# the live database, ask ops\n"
        "export DATABASE_URL='postgres://db/shop'  # not a comment to us\n"
        "LEGACY_TOKEN=abc\n"
        "\n"
        "# trailing note\n"
    )
    root = project({**SHOP, ".env.example": existing})
    assert audit("env", "--write-example", ".env.example").code == 0
    expected = (
        "# Local development settings.\n"
        "\n"
        "# used in shop/booking.py:5\n"
        "API_KEY=\n"
        "\n"
        "# the live database, ask ops\n"
        "# used in shop/settings.py:4, shop/booking.py:6\n"
        "export DATABASE_URL='postgres://db/shop'  # not a comment to us\n"
        "\n"
        "# used in shop/settings.py:3\n"
        "DEBUG=1\n"
        "\n"
        "# Not read by the code any more:\n"
        "\n"
        "LEGACY_TOKEN=abc\n"
        "\n"
        "# trailing note\n"
    )
    assert (root / ".env.example").read_text() == expected
    assert audit("env", "--write-example", ".env.example").code == 0
    assert (root / ".env.example").read_text() == expected


def test_write_example_keeps_crlf_and_bom(project, audit) -> None:
    existing = "\ufeffDEBUG=yes\r\n".encode()
    root = project({**SHOP, ".env.example": existing})
    assert audit("env", "--write-example", ".env.example", "shop/settings.py").code == 0
    assert (root / ".env.example").read_bytes() == (
        "\ufeff# used in shop/settings.py:4\r\nDATABASE_URL=\r\n\r\n"
        "# used in shop/settings.py:3\r\nDEBUG=yes\r\n"
    ).encode()


def test_write_example_errors_exit_2(project, audit) -> None:
    root = project({**SHOP, "bad.env": b"X=\xff\n"})
    unwritable = audit("env", "--write-example", "no/such/dir/.env.example")
    assert unwritable.code == 2
    assert unwritable.err == (
        "audit: error: no/such/dir/.env.example: cannot write: No such file or directory\n"
    )
    undecodable = audit("env", "--write-example", "bad.env")
    assert (undecodable.code, undecodable.out) == (2, "")
    assert undecodable.err == (
        "audit: error: bad.env: not valid utf-8: byte 0xff cannot be decoded\n"
    )
    assert (root / "bad.env").read_bytes() == b"X=\xff\n"


# --- the pure merge --------------------------------------------------------------------


def _read(
    name: str | None,
    path: str,
    line: int,
    *,
    default: str | None = None,
    in_settings: bool = False,
) -> EnvRead:
    kind = "default" if default is not None else "required"
    return EnvRead(name, path, Location(line, 1), kind, default, in_settings, "os.environ[...]")


def test_merge_prefers_settings_defaults_and_quotes_values() -> None:
    reads = [
        _read("PORT", "a.py", 1, default="1"),
        _read("PORT", "z/settings.py", 9, default="8000", in_settings=True),
        _read("GREETING", "a.py", 2, default="hello world # not a comment"),
        _read("QUOTE", "a.py", 3, default="it's"),
        _read("URL", "a.py", 4, default="postgres://u@h:5432/db?x=1"),
        _read("EMPTY", "a.py", 5, default=""),
        _read("EMPTY", "a.py", 5, default=""),
    ]
    assert merge_env_example("", reads).splitlines()[3:] == [
        "# used in a.py:5",
        "EMPTY=",
        "",
        "# used in a.py:2",
        "GREETING='hello world # not a comment'",
        "",
        "# used in z/settings.py:9, a.py:1",
        "PORT=8000",
        "",
        "# used in a.py:3",
        'QUOTE="it\'s"',
        "",
        "# used in a.py:4",
        "URL='postgres://u@h:5432/db?x=1'",
    ]


def test_merge_leaves_out_what_a_dotenv_file_cannot_hold() -> None:
    reads = [_read(None, "a.py", 1), _read("my var", "a.py", 2), _read("1X", "a.py", 3)]
    assert merge_env_example("", reads) == (
        "# Environment variables the code reads; kept up to date by "
        "`audit env --write-example`.\n"
        "# Values written here are kept when the file is rewritten.\n"
    )
    assert merge_env_example("", []) == merge_env_example("", reads)


def test_merge_lists_ten_places_then_counts() -> None:
    reads = [_read("X", f"m{i:02}.py", 1) for i in range(13)]
    places = ", ".join(f"m{i:02}.py:1" for i in range(10))
    assert merge_env_example("", reads).splitlines()[3] == f"# used in {places} and 3 more"


def test_merge_keeps_repeated_assignments_and_unknown_lines() -> None:
    # Lines that are not assignments go with the next assignment, above the generated line.
    existing = "X=1\nnot an assignment\nX=2\n"
    assert merge_env_example(existing, [_read("X", "a.py", 1)]) == (
        "not an assignment\n# used in a.py:1\nX=1\nX=2\n"
    )


# --- validated reads -------------------------------------------------------------------

VALIDATED = {
    "pyproject.toml": PYPROJECT,
    "backend/app/core/config.py": """\
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str
    port: int = 8000


settings = Settings()
""",
    "backend/app/worker.py": """\
import os

QUEUE = os.environ["APP_DATABASE_URL"]
REDIS = os.getenv("REDIS_URL")
""",
    "web/src/env.ts": """\
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

export const env = createEnv({
  server: { REDIS_URL: z.string().url() },
  client: { NEXT_PUBLIC_API_URL: z.string().url() },
  runtimeEnv: {
    REDIS_URL: process.env.REDIS_URL,
    NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,
  },
});
""",
    "web/src/page.tsx": "export const api = process.env.NEXT_PUBLIC_API_URL;\n",
}

VALIDATED_TEXT = """\
APP_DATABASE_URL  validated as str in backend/app/core/config.py
  backend/app/core/config.py:7:5  pydantic-settings Settings.database_url  required  type str  [validated, settings]
  backend/app/worker.py:3:9  os.environ[...]  required  inferred str
APP_PORT  validated as int in backend/app/core/config.py
  backend/app/core/config.py:8:5  pydantic-settings Settings.port  default "8000"  type int  [validated, settings]
NEXT_PUBLIC_API_URL  validated as string in web/src/env.ts
  web/src/env.ts:9:26  t3-env createEnv  required  type string  [validated, settings]
  web/src/page.tsx:1:20  process.env  optional
REDIS_URL  validated as string in web/src/env.ts
  backend/app/worker.py:4:9  os.getenv()  optional  inferred str | None
  web/src/env.ts:8:16  t3-env createEnv  required  type string  [validated, settings]
4 variables (4 validated) read in 7 places: 4 validated, 3 raw (3 outside settings modules); 4 files scanned.
"""


def test_text_inventory_shows_validation_type_and_settings_module(project, audit) -> None:
    project(VALIDATED)
    result = audit("env")
    assert (result.code, result.out, result.err) == (0, VALIDATED_TEXT, "")


def test_json_inventory_of_validated_reads(project, audit) -> None:
    project(VALIDATED)
    document = json.loads(audit("env", "--format", "json").out)
    config = "backend/app/core/config.py"
    assert document["variables"][0] == {
        "name": "APP_DATABASE_URL",
        "validated": True,
        "types": ["str"],
        "settings_modules": [config],
        "inferred_types": ["str"],
        "reads": [
            {
                "path": config,
                "line": 7,
                "column": 5,
                "kind": "required",
                "via": "pydantic-settings Settings.database_url",
                "default": None,
                "in_settings": True,
                "validated": True,
                "type": "str",
                "settings_module": config,
                "inferred_type": None,
            },
            {
                "path": "backend/app/worker.py",
                "line": 3,
                "column": 9,
                "kind": "required",
                "via": "os.environ[...]",
                "default": None,
                "in_settings": False,
                "validated": False,
                "type": None,
                "settings_module": None,
                "inferred_type": "str",
            },
        ],
    }
    assert [(v["name"], v["types"], v["settings_modules"]) for v in document["variables"]] == [
        ("APP_DATABASE_URL", ["str"], [config]),
        ("APP_PORT", ["int"], [config]),
        ("NEXT_PUBLIC_API_URL", ["string"], ["web/src/env.ts"]),
        ("REDIS_URL", ["string"], ["web/src/env.ts"]),
    ]
    assert document["summary"] == {
        "files": 4,
        "variables": 4,
        "validated_variables": 4,
        "reads": 7,
        "validated": 4,
        "raw": 3,
        "raw_outside_settings": 3,
        "errors": 0,
    }


def test_scan_reports_only_the_raw_reads(project, audit) -> None:
    project(VALIDATED)
    out = audit("scan", "--select", "unvalidated-env", "--no-cache").out
    assert out.splitlines()[:3] == [
        "backend/app/worker.py:3:9: high unvalidated-env environment variable APP_DATABASE_URL "
        "is read outside a settings module: if it is unset, this raises KeyError; read and "
        "validate it once, in a settings module",
        "backend/app/worker.py:4:9: high unvalidated-env environment variable REDIS_URL is read "
        "outside a settings module: if it is unset, this silently gives None; read and "
        "validate it once, in a settings module",
        "web/src/page.tsx:1:20: high unvalidated-env environment variable NEXT_PUBLIC_API_URL "
        "(process.env) is read outside a settings module: if it is unset, this silently gives "
        "undefined; read and validate it once, in a settings module",
    ]
    assert "3 findings" in out


def test_write_example_prefers_validated_defaults(project, audit) -> None:
    root = project(
        {
            **VALIDATED,
            "backend/app/cli.py": 'import os\nPORT = os.getenv("APP_PORT", "9000")\n',
        }
    )
    assert audit("env", "--write-example", ".env.example").code == 0
    text = (root / ".env.example").read_text()
    assert "# used in backend/app/core/config.py:8, backend/app/cli.py:2\nAPP_PORT=8000\n" in text
