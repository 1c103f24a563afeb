"""unvalidated-env: environment variables read outside the settings modules (Python)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

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
from rules._docs import RULES_URL
from rules._env_message import env_message
from rules.python._env_reads import (
    TRIGGERS,
    EnvAccess,
    EnvReadVisitor,
    may_read_env,
    python_env_reads,
)

SETTINGS_MODULES = "settings-modules"
DEFAULT_SETTINGS_MODULES = ("**/settings.py", "**/config.py", "**/conf.py", "**/settings/**")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def in_settings_module(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether `path` (posix, relative to the root) is where reading the environment
    belongs."""
    return globs(patterns).match(path)


def settings_modules(options: Mapping[str, OptionValue]) -> tuple[str, ...]:
    """The rule's `settings-modules` globs; merge_options has checked their type."""
    value = options.get(SETTINGS_MODULES, DEFAULT_SETTINGS_MODULES)
    assert isinstance(value, tuple)
    return value


class UnvalidatedEnv(EnvReadVisitor, Rule):
    """Finds environment variables read outside the settings modules: `os.environ[...]`,
    `os.environ.get(...)`, `os.getenv(...)`, `os.environ.setdefault(...)`, a used
    `os.environ.pop(...)`, and iteration over the whole environment (`for`, `.items()`,
    `.keys()`, `.values()`), through any import or alias (`from os import environ as ENV`,
    `import os as o`, `env = os.environ`). Names are resolved by scope: a parameter or local
    variable called `environ` (a WSGI `environ`, say) is not the environment. Writes
    (`os.environ["X"] = "1"`), deletes, membership tests and copies of the whole
    environment (`os.environ.copy()`, `dict(os.environ)`, `{**os.environ}`, which usually
    go to a child process) are not reported.

    Why: configuration read where it is used is checked only when that line runs. A missing
    or malformed variable then fails late, at the first request that needs it, with a bare
    KeyError, or not at all: `os.environ.get("X")` silently gives None and the program
    carries on with it. Read every variable once, in a settings module (the
    `settings-modules` option), validate and convert it there, and fail at startup.

    Example: `timeout = int(os.environ["PAYMENT_TIMEOUT"])` in a view is flagged; move it to
    `shop/settings.py` and import the validated value.

    No fix: where the value belongs is a design decision. `audit env` lists every variable
    the code reads and where, and `audit env --write-example .env.example` writes a file
    documenting them, which helps to centralise them.
    """

    id = "unvalidated-env"
    statement_local = True
    url = RULES_URL
    severity = Severity.HIGH
    message = "environment variable read outside a settings module"
    triggers = TRIGGERS
    OPTIONS = MappingProxyType({SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES})

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        if in_settings_module(context.path, settings_modules(context.options)):
            return False
        return may_read_env(tree)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._in_settings = in_settings_module(context.path, settings_modules(self.options))

    def on_env_read(self, access: EnvAccess) -> None:
        if self._in_settings or access.kind == "copy":
            return
        self.report(access.node, describe(access))

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
        Valid('import os\nDEBUG = os.environ.get("DEBUG", "")\n', path="app/settings.py"),
        Valid('import os\nDB = os.environ["DB"]\n', path="app/settings/base.py"),
        Valid('import os\nDB = os.environ["DB"]\n', path="config.py"),
        Valid(
            'import os\nDB = os.environ["DB"]\n',
            path="shop/env.py",
            options={SETTINGS_MODULES: ("shop/env.py",)},
        ),
        Valid("text = \"os.environ['X'] and os.getenv('Y')\"\n"),
    )

    INVALID = (
        Invalid('import os\nurl = os.environ["DATABASE_URL"]\n', line=2, column=7),
        Invalid(
            'import os\n\ndef debug():\n    return os.environ.get("DEBUG")\n', line=4, column=12
        ),
        Invalid('import os\nport = os.environ.get("PORT", "8000")\n', line=2, column=8),
        Invalid('import os\nhome = os.getenv("HOME")\n', line=2, column=8),
        Invalid(
            'from os import environ, getenv\na = environ["A"]\nb = getenv("B", "x")\n',
            line=2,
            column=5,
            count=2,
        ),
        Invalid('import os as o\nkey = o.environ["KEY"]\n', line=2, column=7),
        Invalid('from os import environ as ENV\nkey = ENV.get("KEY")\n', line=2, column=7),
        Invalid('import os\nenv = os.environ\nkey = env["KEY"]\n', line=3, column=7),
        Invalid('import os\nos.environ.setdefault("LANG", "C")\n', line=2, column=1),
        Invalid('import os\nos.environ["PATH"] += ":/opt/bin"\n', line=2, column=1),
        Invalid('import os\nname = "X"\nvalue = os.environ[name]\n', line=3, column=9),
        Invalid(
            "import os\nfor key, value in os.environ.items():\n    print(key, value)\n",
            line=2,
            column=19,
        ),
        Invalid(
            'import os\nDB = os.environ["DB"]\n',
            path="app/settings.py",
            options={SETTINGS_MODULES: ("shop/env.py",)},
            line=2,
            column=6,
        ),
        Invalid('import os\nDB = os.environ["DB"]\n', path="app/db.py", line=2, column=6),
    )


def describe(access: EnvAccess) -> str:
    """The finding's message: which variable, and what happens when it is missing."""
    raised = f"raises {access.raises}" if access.kind == "required" else None
    via = access.via if access.kind == "enumerate" else None  # how is obvious for one name
    return env_message(
        access.kind, access.name, access.default_code, raised, "None", _PLAIN_NAME, via
    )
