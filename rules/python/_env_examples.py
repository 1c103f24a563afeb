"""The Python unvalidated-env rule's examples: reads found or not, and what the fix writes
(multi-file: the settings module it creates or extends, `.env.example`, each read)."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid
from rules._env_message import ALLOW_NAMES

SETTINGS_MODULES = "settings-modules"
PYD = (
    '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.11"\n'
    'dependencies = ["pydantic-settings>=2"]\n'
)


def stdlib_settings(fields: str) -> str:
    """The standard-library settings module the fix creates, declaring `fields` (the
    class body's lines): written out once here, the examples give only their fields."""
    return (
        '"""The app\'s settings, read from the environment once, when the app starts.\n\n'
        "Written by auditor's unvalidated-env fix: declare each environment variable here and\n"
        'use `settings.<name>`, so that a missing or invalid one fails at startup."""\n\n'
        "from __future__ import annotations\n\n"
        "import os\n"
        "from collections.abc import Mapping\n"
        "from dataclasses import MISSING, dataclass, field, fields\n"
        "from typing import Any\n\n\n"
        "class SettingsError(RuntimeError):\n"
        '    """Environment variables missing or invalid, each named."""\n\n\n'
        "@dataclass(frozen=True)\n"
        "class Settings:\n"
        f"{fields}\n\n"
        "# The conversion of each field type named in Settings; any other type is a str.\n"
        '_CONVERSIONS: dict[str, Any] = {"int": int, "float": float}\n\n\n'
        "def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:\n"
        '    """Reads the variable of every field (`metadata["env"]`), converts it to the\n'
        "    field's type, and raises one SettingsError naming every variable that is\n"
        '    missing or invalid."""\n'
        "    values: dict[str, Any] = {}\n"
        "    problems: list[str] = []\n"
        "    for spec in fields(Settings):\n"
        '        name = spec.metadata["env"]\n'
        "        raw = environ.get(name)\n"
        "        if raw is None:\n"
        "            if spec.default is MISSING:\n"
        '                problems.append(f"{name} is not set")\n'
        "            continue\n"
        "        kind = str(spec.type)  # the annotation's text: annotations are postponed\n"
        "        try:\n"
        "            values[spec.name] = _CONVERSIONS.get(kind, str)(raw)\n"
        "        except ValueError:\n"
        '            problems.append(f"{name} is not a valid {kind}: {raw!r}")\n'
        "    if problems:\n"
        '        raise SettingsError("invalid environment: " + "; ".join(problems))\n'
        "    return Settings(**values)\n\n\n"
        "settings = load_settings()\n"
    )


VALID = (
    Valid('import os\nos.environ["DEBUG"] = "1"\n'),
    Valid('import os\ndel os.environ["DEBUG"]\n'),
    Valid('import os\nos.environ["A"], [os.environ["B"], *rest] = "1", ["2"]\n'),
    Valid('import os\nfor os.environ["STEP"] in ("1", "2"):\n    run()\n'),
    Valid('import os\nos.environ.pop("DEBUG", None)\nos.environ.update(A="1")\n'),
    Valid('import os\nif "DEBUG" in os.environ:\n    pass\n'),
    Valid("import os\nimport subprocess\nsubprocess.run(['ls'], env=os.environ.copy())\n"),
    Valid("import os\nchild = {**os.environ, 'LANG': 'C'}\nsame = dict(os.environ)\n"),
    Valid('environ = {"DEBUG": "1"}\ndebug = environ["DEBUG"]\n'),
    Valid('def app(environ, start_response):\n    return environ["PATH_INFO"]\n'),
    Valid('from os import environ\n\ndef f(environ):\n    return environ.get("X")\n'),
    Valid('import os\nenv = {}\nenv["X"]\nos.environ["Y"] = env.get("X")\n'),
    Valid("text = \"os.environ['X'] and os.getenv('Y')\"\n"),
    # Validated: pydantic-settings, environs, django-environ, python-decouple.
    Valid(
        "from pydantic import Field\n"
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
        "class Settings(BaseSettings):\n"
        '    model_config = SettingsConfigDict(env_prefix="SHOP_")\n\n'
        "    database_url: str\n"
        "    port: int = 8000\n"
        '    api_token: str = Field(alias="API_TOKEN")\n\n\n'
        "settings = Settings()\n",
        path="shop/settings.py",
    ),
    Valid(
        "from environs import Env\n\n"
        "env = Env()\n"
        "env.read_env()\n"
        'PORT = env.int("PORT", 8000)\n'
        'DEBUG = env.bool("DEBUG", False)\n'
        'with env.prefixed("REDIS_"):\n'
        '    REDIS_HOST = env("HOST")\n',
        path="shop/config.py",
    ),
    Valid(
        "import environ\n\n"
        "env = environ.Env(DEBUG=(bool, False))\n"
        'DEBUG = env("DEBUG")\n'
        'DATABASES = {"default": env.db()}\n'
        'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])\n',
        path="mysite/settings.py",
    ),
    Valid(
        "from decouple import Csv, config\n\n"
        'SECRET_KEY = config("SECRET_KEY")\n'
        'DEBUG = config("DEBUG", default=False, cast=bool)\n'
        'ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=Csv())\n',
        path="mysite/settings.py",
    ),
    # Copies are no reads, in a settings module too.
    Valid("import os\nchild = dict(os.environ)\n", path="app/settings.py"),
    # allow-names: read everywhere on purpose; patterns with `*` too.
    Valid(
        'import os\nif os.environ.get("CI"):\n    retries = 2\n'
        'mode = os.getenv("NODE_ENV", "development")\nos.environ.setdefault("LANG", "C")\n'
    ),
    Valid(
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "application = get_wsgi_application()\n",
        path="mysite/wsgi.py",
    ),
    Valid(
        'import os\nregion = os.environ["VERCEL_REGION"]\n',
        options={ALLOW_NAMES: ("VERCEL_*",)},
    ),
)

INVALID = (
    Invalid(
        'import os\nurl = os.environ["DATABASE_URL"]\n',
        line=2,
        column=7,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDATABASE_URL=\n",
            "example.py": "from settings import settings\n\nurl = settings.database_url\n",
            "settings.py": stdlib_settings(
                '    database_url: str = field(metadata={"env": "DATABASE_URL"})\n'
            ),
        },
    ),
    Invalid(
        'import os\n\ndef debug():\n    return os.environ.get("DEBUG")\n',
        line=4,
        column=12,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDEBUG=\n",
            "example.py": "from settings import settings\n\ndef debug():\n    return settings.debug\n",
            "settings.py": stdlib_settings(
                '    debug: str | None = field(default=None, metadata={"env": "DEBUG"})\n'
            ),
        },
    ),
    Invalid(
        'import os\nport = os.environ.get("PORT", "8000")\n',
        line=2,
        column=8,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nPORT=8000\n",
            "example.py": "from settings import settings\n\nport = settings.port\n",
            "settings.py": stdlib_settings(
                '    port: str = field(default="8000", metadata={"env": "PORT"})\n'
            ),
        },
    ),
    Invalid(
        'import os\ncache = os.getenv("CACHE_DIR")\n',
        line=2,
        column=9,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nCACHE_DIR=\n",
            "example.py": "from settings import settings\n\ncache = settings.cache_dir\n",
            "settings.py": stdlib_settings(
                '    cache_dir: str | None = field(default=None, metadata={"env": "CACHE_DIR"})\n'
            ),
        },
    ),
    Invalid(
        'from os import environ, getenv\na = environ["A"]\nb = getenv("B", "x")\n',
        line=2,
        column=5,
        count=2,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nA=\n\n# used in settings.py:21\nB=x\n",
            "example.py": "from settings import settings\n\na = settings.a\nb = settings.b\n",
            "settings.py": stdlib_settings(
                '    a: str = field(metadata={"env": "A"})\n    b: str = field(default="x", metadata={"env": "B"})\n'
            ),
        },
    ),
    Invalid(
        'import os as o\nkey = o.environ["KEY"]\n',
        line=2,
        column=7,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nKEY=\n",
            "example.py": "from settings import settings\n\nkey = settings.key\n",
            "settings.py": stdlib_settings('    key: str = field(metadata={"env": "KEY"})\n'),
        },
    ),
    Invalid(
        'from os import environ as ENV\nkey = ENV.get("KEY")\n',
        line=2,
        column=7,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nKEY=\n",
            "example.py": "from settings import settings\n\nkey = settings.key\n",
            "settings.py": stdlib_settings(
                '    key: str | None = field(default=None, metadata={"env": "KEY"})\n'
            ),
        },
    ),
    Invalid(
        'import os\nenv = os.environ\nkey = env["KEY"]\n',
        line=3,
        column=7,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nKEY=\n",
            "example.py": "import os\n\nfrom settings import settings\n\nenv = os.environ\nkey = settings.key\n",
            "settings.py": stdlib_settings('    key: str = field(metadata={"env": "KEY"})\n'),
        },
    ),
    Invalid('import os\nos.environ.setdefault("LOCALE_DIR", "/srv")\n', line=2, column=1),
    Invalid('import os\nos.environ["PLUGIN_PATH"] += ":/opt/plugins"\n', line=2, column=1),
    Invalid('import os\nname = "X"\nvalue = os.environ[name]\n', line=3, column=9),
    Invalid(
        "import os\nfor key, value in os.environ.items():\n    print(key, value)\n",
        line=2,
        column=19,
    ),
    Invalid(
        'import os\nDB = os.environ["DB"]\n',
        path="app/db.py",
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDB=\n",
            "app/db.py": "from settings import settings\n\nDB = settings.db\n",
            "settings.py": stdlib_settings('    db: str = field(metadata={"env": "DB"})\n'),
        },
    ),
    # Raw reads in settings modules, which validate nothing.
    Invalid(
        'import os\nDEBUG = os.environ.get("DEBUG", "")\n',
        path="app/settings.py",
        line=2,
        column=9,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDEBUG=\n",
            "app/settings.py": "from settings import settings\n\nDEBUG = settings.debug\n",
            "settings.py": stdlib_settings(
                '    debug: str = field(default="", metadata={"env": "DEBUG"})\n'
            ),
        },
    ),
    Invalid(
        'import os\nDB = os.environ["DB"]\n',
        path="app/settings/base.py",
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDB=\n",
            "app/settings/base.py": "from settings import settings\n\nDB = settings.db\n",
            "settings.py": stdlib_settings('    db: str = field(metadata={"env": "DB"})\n'),
        },
    ),
    Invalid(
        'import os\nDB = os.environ["DB"]\n',
        path="config.py",
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDB=\n",
            "config.py": "from settings import settings\n\nDB = settings.db\n",
            "settings.py": stdlib_settings('    db: str = field(metadata={"env": "DB"})\n'),
        },
    ),
    Invalid(
        'import os\nDB = os.environ["DB"]\n',
        path="shop/env.py",
        options={SETTINGS_MODULES: ("shop/env.py",)},
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDB=\n",
            "settings.py": stdlib_settings('    db: str = field(metadata={"env": "DB"})\n'),
            "shop/env.py": "from settings import settings\n\nDB = settings.db\n",
        },
    ),
    Invalid(
        'import os\nDB = os.environ["DB"]\n',
        path="app/settings.py",
        options={SETTINGS_MODULES: ("shop/env.py",)},
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nDB=\n",
            "app/settings.py": "from settings import settings\n\nDB = settings.db\n",
            "settings.py": stdlib_settings('    db: str = field(metadata={"env": "DB"})\n'),
        },
    ),
    Invalid(
        "import os\nfor name in os.environ:\n    print(name)\n",
        path="app/settings.py",
        line=2,
        column=13,
    ),
    # Raw reads beside validated settings: bypassing them.
    Invalid(
        "import os\n\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    port: int = 8000\n\n\n"
        'settings = Settings()\nPORT = os.environ["PORT"]\nREDIS = os.getenv("REDIS_URL")\n',
        path="shop/env.py",
        line=11,
        column=8,
        count=2,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in shop/env.py:7\nPORT=8000\n\n# used in shop/env.py:8\nREDIS_URL=\n",
            "shop/env.py": "from typing import Optional\n\nfrom pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    port: int = 8000\n    redis_url: Optional[str] = None\n\n\nsettings = Settings()\nPORT = str(settings.port)\nREDIS = settings.redis_url\n",
        },
    ),
    Invalid(
        "import os\n\nfrom environs import Env\n\n"
        'env = Env()\nPORT = env.int("PORT")\nHOST = os.environ["HOST"]\n',
        path="shop/config.py",
        line=7,
        column=8,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nHOST=\n",
            "settings.py": stdlib_settings('    host: str = field(metadata={"env": "HOST"})\n'),
            "shop/config.py": 'from environs import Env\n\nfrom settings import settings\n\nenv = Env()\nPORT = env.int("PORT")\nHOST = settings.host\n',
        },
    ),
    # An emptied allow-names exempts nothing.
    Invalid(
        'import os\nci = os.getenv("CI")\n',
        options={ALLOW_NAMES: ()},
        line=2,
        column=6,
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in settings.py:20\nCI=\n",
            "example.py": "from settings import settings\n\nci = settings.ci\n",
            "settings.py": stdlib_settings(
                '    ci: str | None = field(default=None, metadata={"env": "CI"})\n'
            ),
        },
    ),
    # pydantic-settings app with a Settings class: extended, the read made its field.
    Invalid(
        'import os\n\n\ndef connect() -> str:\n    return os.environ["DATABASE_URL"] + os.getenv("DB_SCHEMA", "public")\n',
        path="shop/db.py",
        line=5,
        column=12,
        count=2,
        files={
            "pyproject.toml": PYD,
            "shop/__init__.py": "",
            "shop/config.py": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    database_url: str\n\n\nsettings = Settings()\n",
        },
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in shop/config.py:5\nDATABASE_URL=\n\n# used in shop/config.py:6\nDB_SCHEMA=public\n",
            "shop/config.py": 'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    database_url: str\n    db_schema: str = "public"\n\n\nsettings = Settings()\n',
            "shop/db.py": "from shop.config import settings\n\n\ndef connect() -> str:\n    return settings.database_url + settings.db_schema\n",
        },
    ),
    # pydantic-settings a dependency, no class yet: one is created; secrets are SecretStr.
    Invalid(
        'import os\n\nTOKEN = os.environ["API_TOKEN"]\nSENTRY = os.getenv("SENTRY_DSN")\nSIGNING = os.getenv("SIGNING_KEY")\nTIMEOUT = float(os.getenv("TIMEOUT", "2.5"))\n',
        path="shop/client.py",
        line=3,
        column=9,
        count=4,
        files={"pyproject.toml": PYD, "shop/__init__.py": ""},
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in shop/settings.py:11\nAPI_TOKEN=\n\n# used in shop/settings.py:12\nSENTRY_DSN=\n\n# used in shop/settings.py:13\nSIGNING_KEY=\n\n# used in shop/settings.py:14\nTIMEOUT=2.5\n",
            "shop/client.py": "from shop.settings import settings\n\nTOKEN = settings.api_token.get_secret_value()\nSENTRY = settings.sentry_dsn\nSIGNING = settings.signing_key.get_secret_value() if settings.signing_key is not None else None\nTIMEOUT = settings.timeout\n",
            "shop/settings.py": '"""The app\'s settings, read from the environment once, when the app starts.\n\nWritten by auditor\'s unvalidated-env fix: declare each environment variable here and\nuse `settings.<name>`, so that a missing or invalid one fails at startup."""\n\nfrom pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    api_token: SecretStr\n    sentry_dsn: str | None = None\n    signing_key: SecretStr | None = None\n    timeout: float = 2.5\n\n\nsettings = Settings()\n',
        },
    ),
    # int and bool defaults: int converted by the field, the bool test stays at the read.
    Invalid(
        'import os\n\nPORT = int(os.getenv("PORT", "8000"))\nDEBUG = os.getenv("DEBUG", "0") in ("1", "true")\n',
        path="app/main.py",
        line=3,
        column=12,
        count=2,
        files={"app/__init__.py": ""},
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in app/settings.py:20\nDEBUG=0\n\n# used in app/settings.py:21\nPORT=8000\n",
            "app/main.py": 'from app.settings import settings\n\nPORT = settings.port\nDEBUG = settings.debug in ("1", "true")\n',
            "app/settings.py": stdlib_settings(
                '    debug: str = field(default="0", metadata={"env": "DEBUG"})\n    port: int = field(default=8000, metadata={"env": "PORT"})\n'
            ),
        },
    ),
    # Reads that disagree: a required str, the conversion kept at the read.
    Invalid(
        'import os\n\nPORT = int(os.getenv("PORT", "8000"))\n',
        path="app/server.py",
        line=3,
        column=12,
        files={
            "app/__init__.py": "",
            "app/health.py": 'import os\n\n\ndef port() -> str:\n    return os.environ["PORT"]\n',
        },
        fixed_files={
            ".env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in app/settings.py:20\nPORT=\n",
            "app/health.py": "from app.settings import settings\n\n\ndef port() -> str:\n    return settings.port\n",
            "app/server.py": "from app.settings import settings\n\nPORT = int(settings.port)\n",
            "app/settings.py": stdlib_settings('    port: str = field(metadata={"env": "PORT"})\n'),
        },
    ),
    # Two apps in one repository: one settings module each, in each one's style.
    Invalid(
        'import os\n\nURL = os.environ["API_URL"]\n',
        path="api/api/main.py",
        line=3,
        column=7,
        files={
            "api/pyproject.toml": PYD.replace('"shop"', '"api"'),
            "api/api/__init__.py": "",
            "worker/setup.py": 'from setuptools import setup\n\nsetup(name="worker")\n',
            "worker/worker/__init__.py": "",
            "worker/worker/jobs.py": 'import os\n\nQUEUE = os.getenv("QUEUE", "default")\n',
        },
        fixed_files={
            "api/.env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in api/api/settings.py:10\nAPI_URL=\n",
            "api/api/main.py": "from api.settings import settings\n\nURL = settings.api_url\n",
            "api/api/settings.py": '"""The app\'s settings, read from the environment once, when the app starts.\n\nWritten by auditor\'s unvalidated-env fix: declare each environment variable here and\nuse `settings.<name>`, so that a missing or invalid one fails at startup."""\n\nfrom pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    api_url: str\n\n\nsettings = Settings()\n',
            "worker/.env.example": "# Environment variables the code reads; kept up to date by `audit env --write-example`.\n# Values written here are kept when the file is rewritten.\n\n# used in worker/worker/settings.py:20\nQUEUE=default\n",
            "worker/worker/jobs.py": "from worker.settings import settings\n\nQUEUE = settings.queue\n",
            "worker/worker/settings.py": stdlib_settings(
                '    queue: str = field(default="default", metadata={"env": "QUEUE"})\n'
            ),
        },
    ),
)
