"""What the Python unvalidated-env fix says where it keeps behaviour (its description, as
an editor's code action shows it), and the type `audit env` shows for raw reads: the one
the fix would declare."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.testing import run_rule
from rules.python.unvalidated_env import UnvalidatedEnv

PYPROJECT = (
    '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.11"\n'
    'dependencies = ["pydantic-settings>=2"]\n'
)
CONFIG = (
    "from pydantic_settings import BaseSettings\n\n\n"
    'class Settings(BaseSettings):\n    POSTGRES_DB: str = ""\n'
    "    POSTGRES_PORT: int = 5432\n\n\nsettings = Settings()\n"
)


@dataclass(frozen=True)
class _Files:
    """The project's files on disk, as the project-wide fix phase hands them to a rule."""

    root: Path

    def read(self, path: str) -> str | None:
        file = self.root / path
        return file.read_text() if file.is_file() else None

    def paths(self) -> Sequence[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.py"))


def _description(root: Path, files: dict[str, str]) -> str:
    """The description of the fix `audit scan --fix --unsafe-fixes` applies to `files`."""
    findings = []
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, text in sorted(files.items()):
        if name.endswith(".py"):
            findings += run_rule(UnvalidatedEnv, text, name, root=root)
    fix = UnvalidatedEnv.project_fix(findings, _Files(root), {"python-settings-module": ""})
    assert fix is not None
    return fix.description


def test_a_default_that_differs_from_the_field_is_named_and_the_read_stays(
    tmp_path: Path,
) -> None:
    db = (
        "import os\n\n"
        'NAME = os.getenv("POSTGRES_DB", "app")\n'
        'PORT = int(os.getenv("POSTGRES_PORT", "5432"))\n'
        'HOST = os.getenv("POSTGRES_DB")\n'
    )
    files = {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/config.py": CONFIG}
    description = _description(tmp_path, {**files, "shop/db.py": db})
    assert description == (
        "declare the variables in a validated settings module and read them from it; "
        'POSTGRES_DB at shop/db.py:3 stays: it defaults to "app", the field POSTGRES_DB '
        'to ""; POSTGRES_DB at shop/db.py:5 stays: it gives None when unset, the field '
        'POSTGRES_DB defaults to ""'
    )


def test_reads_that_disagree_in_defaults_are_named_and_keep_them(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/a.py": 'import os\n\nA = os.getenv("DB_USER", "postgres")\n',
        "app/b.py": 'import os\n\nB = os.getenv("DB_USER", "root")\n',
        "docker/probe.py": '#!/usr/bin/env python\nimport os\n\nR = os.getenv("DB_USER")\n',
    }
    assert _description(tmp_path, files) == (
        "declare the variables in a validated settings module and read them from it; "
        "docker/probe.py stays: a script outside the app's packages cannot import the "
        "settings module; "
        'DB_USER is read in ways that disagree (str with default "postgres" at app/a.py:3; '
        'str with default "root" at app/b.py:3): declared an optional str, each read '
        "keeping its own default"
    )


def test_audit_env_shows_the_type_the_fix_would_declare_for_raw_reads(project, audit) -> None:
    project(
        {
            "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
            "shop/app.py": (
                "import os\n\n"
                'PORT = int(os.getenv("PORT", "8000"))\n'
                'RATIO = float(os.environ["RATIO"])\n'
                'HOST = os.getenv("HOST")\n'
                'NAME = os.getenv("NAME", HOST)\n'
                'PORT_TEXT = os.environ["PORT"]\n'
            ),
        }
    )
    run = audit("env", ".")
    assert (run.code, run.out) == (
        0,
        "HOST  not validated, read as str | None\n"
        "  shop/app.py:5:8  os.getenv()  optional  inferred str | None\n"
        "NAME  not validated\n"
        "  shop/app.py:6:8  os.getenv()  computed default\n"
        "PORT  not validated, read as int or str\n"
        '  shop/app.py:3:12  os.getenv()  default "8000"  inferred int\n'
        "  shop/app.py:7:13  os.environ[...]  required  inferred str\n"
        "RATIO  not validated, read as float\n"
        "  shop/app.py:4:15  os.environ[...]  required  inferred float\n"
        "4 variables (0 validated) read in 5 places: 0 validated, 5 raw "
        "(5 outside settings modules); 1 file scanned.\n",
    )
    document = json.loads(audit("env", "--format", "json", ".").out)
    port = document["variables"][2]
    assert (port["name"], port["types"], port["inferred_types"]) == ("PORT", [], ["int", "str"])
    assert [(r["line"], r["type"], r["inferred_type"]) for r in port["reads"]] == [
        (3, None, "int"),
        (7, None, "str"),
    ]
    assert document["variables"][1]["reads"][0]["inferred_type"] is None  # NAME: stays
