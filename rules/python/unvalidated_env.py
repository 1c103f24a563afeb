"""unvalidated-env: environment variables read raw, not through a validated settings
object (Python)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import libcst as cst

from auditor.plugins import (
    AstIndex,
    EnvRead,
    Invalid,
    OptionValue,
    Rule,
    RuleContext,
    Severity,
    Valid,
    globs,
)
from rules._docs import rule_url
from rules._env_message import (
    ALLOW_NAMES,
    DEFAULT_ALLOW_NAMES,
    Where,
    allow_names,
    allowed,
    env_message,
    holder,
)
from rules.python._env_inventory import python_env_reads
from rules.python._env_reads import TRIGGERS, EnvAccess, EnvReadVisitor, may_read_env
from rules.python._env_validated import ValidatedAccess, ValidatedReadVisitor

SETTINGS_MODULES = "settings-modules"
DEFAULT_SETTINGS_MODULES = ("**/settings.py", "**/config.py", "**/conf.py", "**/settings/**")
ADVICE = "a pydantic-settings BaseSettings class, environs or django-environ"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def in_settings_module(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether `path` (posix, relative to the root) is where settings live."""
    return globs(patterns).match(path)


def settings_modules(options: Mapping[str, OptionValue]) -> tuple[str, ...]:
    """The rule's `settings-modules` globs; merge_options has checked their type."""
    value = options.get(SETTINGS_MODULES, DEFAULT_SETTINGS_MODULES)
    assert isinstance(value, tuple)
    return value


class UnvalidatedEnv(ValidatedReadVisitor, EnvReadVisitor, Rule):
    """Finds environment variables read raw, not through a validated settings object:
    `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`,
    `os.environ.setdefault(...)`, a used `os.environ.pop(...)`, and iteration over the
    whole environment (`for`, `.items()`, `.keys()`, `.values()`), through any import or
    alias (`from os import environ as ENV`, `import os as o`, `env = os.environ`). Names are
    resolved by scope: a parameter or local variable called `environ` (a WSGI `environ`,
    say) is not the environment. Writes (`os.environ["X"] = "1"`), deletes, membership
    tests and copies of the whole environment (`os.environ.copy()`, `dict(os.environ)`,
    `{**os.environ}`, which usually go to a child process) are not reported.

    Validated reads are not findings: the fields of a pydantic-settings `BaseSettings`
    class (`env_prefix`, `alias`, `validation_alias`, `case_sensitive` understood),
    environs (`env = Env(); env.int("PORT")`), django-environ (`env = environ.Env();
    env.bool("DEBUG")`, `env.db()`) and python-decouple (`config("X", cast=int)`; a
    `config("X")` without `cast=` too: decouple fails at once, naming the variable, when it
    is unset and has no default). `audit env` lists them as validated, with their type.

    Settings modules (the `settings-modules` globs, and any module that defines a
    validated settings object) are not exempt: a raw read there is reported too, saying
    that the module validates nothing, or which of its settings objects the read
    bypasses (and, when one of them validates the same variable, which).

    `allow-names` exempts variables read everywhere on purpose, which are not the app's
    configuration; exact names, or shell-style patterns with `*` (`VERCEL_*`). The
    default list: `NODE_ENV` (the build mode, which bundlers replace by a literal),
    `NEXT_RUNTIME` (set by Next.js, inlined the same way), `CI` (set by every CI
    service), `SKIP_ENV_VALIDATION` (t3-env's switch, read beside the schema by design),
    `DJANGO_SETTINGS_MODULE` (which settings module Django loads: `manage.py`, `wsgi.py`
    and `asgi.py` set a default for it, and no settings module can hold it), `HOME`,
    `PATH` and `TERM` (the machine and the shell, not the app), `NO_COLOR` and
    `FORCE_COLOR` (terminal conventions any CLI honours), `TZ`, `LANG` and `LC_ALL` (the
    process's time zone and locale). `DEBUG` is not in it: it is app configuration.

    Why: configuration read where it is used is checked only when that line runs. A missing
    or malformed variable then fails late, at the first request that needs it, with a bare
    KeyError, or not at all: `os.environ.get("X")` silently gives None and the program
    carries on with it. Declare every variable once in a validated settings object and
    fail at startup.

    Example: `timeout = int(os.environ["PAYMENT_TIMEOUT"])` in a view is flagged; declare
    `payment_timeout: int` in the project's `Settings(BaseSettings)` and use
    `settings.payment_timeout`.

    No fix yet. `audit env` lists every variable the code reads and where, validated or
    not, and `audit env --write-example .env.example` writes a file documenting them.
    """

    id = "unvalidated-env"
    statement_local = True
    url = rule_url(id)
    severity = Severity.HIGH
    message = "environment variable read raw, not through a validated settings object"
    triggers = TRIGGERS
    OPTIONS = MappingProxyType(
        {SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES, ALLOW_NAMES: DEFAULT_ALLOW_NAMES}
    )

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        return may_read_env(tree)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._in_settings = in_settings_module(context.path, settings_modules(self.options))
        self._allow = allow_names(self.options)
        self._raw: list[EnvAccess] = []
        self._validators: list[str] = []
        self._holders: dict[str, str] = {}

    def visit_Call(self, node: cst.Call) -> None:
        EnvReadVisitor.visit_Call(self, node)
        ValidatedReadVisitor.visit_Call(self, node)

    def on_env_read(self, access: EnvAccess) -> None:
        if access.kind != "copy" and not allowed(access.name, self._allow):
            self._raw.append(access)

    # Only what the module's outline keeps decides a message: the rule is statement-local.

    def on_validated_read(self, access: ValidatedAccess) -> None:
        if access.visible and access.name is not None:
            self._holders.setdefault(access.name, holder(access.via, None))

    def on_validator(self, name: str, visible: bool) -> None:
        if visible and name not in self._validators:
            self._validators.append(name)

    def leave_Module(self, original_node: cst.Module) -> None:
        in_settings = self._in_settings or bool(self._validators or self._holders)
        validators = tuple(self._validators)
        for access in self._raw:
            held = self._holders.get(access.name) if access.name is not None else None
            where = Where(in_settings, validators, held, ADVICE) if in_settings else None
            self.report(access.node, describe(access, where))

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> tuple[EnvRead, ...]:
        return python_env_reads(path, text, in_settings_module(path, settings_modules(options)))

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
        Invalid('import os\nurl = os.environ["DATABASE_URL"]\n', line=2, column=7),
        Invalid(
            'import os\n\ndef debug():\n    return os.environ.get("DEBUG")\n', line=4, column=12
        ),
        Invalid('import os\nport = os.environ.get("PORT", "8000")\n', line=2, column=8),
        Invalid('import os\ncache = os.getenv("CACHE_DIR")\n', line=2, column=9),
        Invalid(
            'from os import environ, getenv\na = environ["A"]\nb = getenv("B", "x")\n',
            line=2,
            column=5,
            count=2,
        ),
        Invalid('import os as o\nkey = o.environ["KEY"]\n', line=2, column=7),
        Invalid('from os import environ as ENV\nkey = ENV.get("KEY")\n', line=2, column=7),
        Invalid('import os\nenv = os.environ\nkey = env["KEY"]\n', line=3, column=7),
        Invalid('import os\nos.environ.setdefault("LOCALE_DIR", "/srv")\n', line=2, column=1),
        Invalid('import os\nos.environ["PLUGIN_PATH"] += ":/opt/plugins"\n', line=2, column=1),
        Invalid('import os\nname = "X"\nvalue = os.environ[name]\n', line=3, column=9),
        Invalid(
            "import os\nfor key, value in os.environ.items():\n    print(key, value)\n",
            line=2,
            column=19,
        ),
        Invalid('import os\nDB = os.environ["DB"]\n', path="app/db.py", line=2, column=6),
        # Raw reads in settings modules, which validate nothing.
        Invalid(
            'import os\nDEBUG = os.environ.get("DEBUG", "")\n',
            path="app/settings.py",
            line=2,
            column=9,
        ),
        Invalid(
            'import os\nDB = os.environ["DB"]\n', path="app/settings/base.py", line=2, column=6
        ),
        Invalid('import os\nDB = os.environ["DB"]\n', path="config.py", line=2, column=6),
        Invalid(
            'import os\nDB = os.environ["DB"]\n',
            path="shop/env.py",
            options={SETTINGS_MODULES: ("shop/env.py",)},
            line=2,
            column=6,
        ),
        Invalid(
            'import os\nDB = os.environ["DB"]\n',
            path="app/settings.py",
            options={SETTINGS_MODULES: ("shop/env.py",)},
            line=2,
            column=6,
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
        ),
        Invalid(
            "import os\n\nfrom environs import Env\n\n"
            'env = Env()\nPORT = env.int("PORT")\nHOST = os.environ["HOST"]\n',
            path="shop/config.py",
            line=7,
            column=8,
        ),
        # An emptied allow-names exempts nothing.
        Invalid('import os\nci = os.getenv("CI")\n', options={ALLOW_NAMES: ()}, line=2, column=6),
    )


def describe(access: EnvAccess, where: Where | None = None) -> str:
    """The finding's message: which variable, what happens when it is missing, and what
    the read bypasses."""
    raised = f"raises {access.raises}" if access.kind == "required" else None
    via = access.via if access.kind == "enumerate" else None  # how is obvious for one name
    return env_message(
        access.kind, access.name, access.default_code, raised, "None", _PLAIN_NAME, via, where
    )
