"""The Python unvalidated-env fix's examples where keeping behaviour shapes the fix: reads
that disagree only in their defaults, a read whose default differs from the field the
settings class declares already, and a script that cannot import the settings module."""

from __future__ import annotations

from auditor.plugins import Invalid
from rules.python._env_examples import PYD, stdlib_settings

_HEAD = (
    "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n"
    "# Values written here are kept when the file is rewritten.\n\n"
)

INVALID = (
    # Reads that disagree only in their defaults: an optional str, each read keeping its
    # own default at the read (parenthesised where an operand goes), so none changes.
    Invalid(
        'import os\n\nUSER = os.getenv("DB_USER", "postgres")\n',
        path="app/postgres.py",
        line=3,
        column=8,
        files={
            "app/__init__.py": "",
            "app/mysql.py": 'import os\n\nUSER = os.getenv("DB_USER", "root").strip()\n',
        },
        fixed_files={
            ".env.example": f"{_HEAD}# used in app/settings.py:20\nDB_USER=\n",
            "app/mysql.py": "from app.settings import settings\n\n"
            'USER = (settings.db_user if settings.db_user is not None else "root").strip()\n',
            "app/postgres.py": "from app.settings import settings\n\n"
            'USER = settings.db_user if settings.db_user is not None else "postgres"\n',
            "app/settings.py": stdlib_settings(
                '    db_user: str | None = field(default=None, metadata={"env": "DB_USER"})\n'
            ),
        },
    ),
    # The settings class declares the variable already: a read whose default differs
    # from the field's stays (the fix's description says why); an optional field takes
    # the read's default at the read.
    Invalid(
        'import os\n\nNAME = os.getenv("POSTGRES_DB", "app")\n'
        'USER = os.getenv("POSTGRES_USER", "postgres")\n',
        path="shop/db.py",
        line=3,
        column=8,
        count=2,
        files={
            "pyproject.toml": PYD,
            "shop/__init__.py": "",
            "shop/config.py": "from pydantic_settings import BaseSettings\n\n\n"
            'class Settings(BaseSettings):\n    postgres_db: str = ""\n'
            "    postgres_user: str | None = None\n\n\nsettings = Settings()\n",
        },
        fixed_files={
            ".env.example": f"{_HEAD}# used in shop/config.py:5\nPOSTGRES_DB=\n\n"
            "# used in shop/config.py:6\nPOSTGRES_USER=\n",
            "shop/db.py": "import os\n\nfrom shop.config import settings\n\n"
            'NAME = os.getenv("POSTGRES_DB", "app")\n'
            "USER = settings.postgres_user if settings.postgres_user is not None "
            'else "postgres"\n',
        },
    ),
    # A script (`#!`) in a folder that is no package, run as `python docker/probe.py`,
    # cannot import the settings module: its read stays; the app's reads move.
    Invalid(
        '#!/usr/bin/env python\nimport os\n\nROOT = os.getenv("SITE_ROOT", "http://localhost")\n',
        path="docker/probe.py",
        line=4,
        column=8,
        files={
            "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n',
            "app/__init__.py": "",
            "app/main.py": 'import os\n\nSECRET = os.environ["APP_SECRET"]\n',
        },
        fixed_files={
            ".env.example": f"{_HEAD}# used in app/settings.py:20\nAPP_SECRET=\n",
            "app/main.py": "from app.settings import settings\n\nSECRET = settings.app_secret\n",
            "app/settings.py": stdlib_settings(
                '    app_secret: str = field(repr=False, metadata={"env": "APP_SECRET"})\n'
            ),
        },
    ),
)
