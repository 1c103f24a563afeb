"""unvalidated-env: environment variables read raw, not through a validated settings
object (Python)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from auditor.plugins import (
    AstIndex,
    AstRule,
    EnvRead,
    Finding,
    Fix,
    OptionValue,
    ProjectFiles,
    RuleContext,
    Severity,
    globs,
)
from rules._docs import rule_url
from rules._env_message import (
    ALLOW_NAMES,
    DEFAULT_ALLOW_NAMES,
    FIX_OPTIONS,
    Where,
    allow_names,
    allowed,
    env_message,
    holder,
)
from rules.python import _env_examples as examples
from rules.python import _env_keep_examples as keep_examples
from rules.python._env_ast_names import Names, relevant_names
from rules.python._env_ast_reads import RESOLVED as RAW_RESOLVED
from rules.python._env_ast_reads import TRIGGERS, EnvAccess, RawReads, may_read_env
from rules.python._env_ast_source import Source
from rules.python._env_ast_uses import FIX_DESCRIPTION
from rules.python._env_ast_validated import RESOLVED as VALIDATED_RESOLVED
from rules.python._env_ast_validated import Order, ValidatedAccess, ValidatedReads
from rules.python._env_inventory import python_env_reads

SETTINGS_MODULES = "settings-modules"
DEFAULT_SETTINGS_MODULES = ("**/settings.py", "**/config.py", "**/conf.py", "**/settings/**")
ADVICE = "a pydantic-settings BaseSettings class, environs or django-environ"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESOLVED = RAW_RESOLVED | VALIDATED_RESOLVED


def in_settings_module(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether `path` (posix, relative to the root) is where settings live."""
    return globs(patterns).match(path)


def settings_modules(options: Mapping[str, OptionValue]) -> tuple[str, ...]:
    """The rule's `settings-modules` globs; merge_options has checked their type."""
    value = options.get(SETTINGS_MODULES, DEFAULT_SETTINGS_MODULES)
    assert isinstance(value, tuple)
    return value


class UnvalidatedEnv(RawReads, ValidatedReads, AstRule):
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

    The fix (unsafe: `--fix --unsafe-fixes`, shown by `--diff`) moves the reads into one
    settings module per app (the folder of the nearest `pyproject.toml`, `setup.cfg` or
    `setup.py`): the app's pydantic-settings class when it has one (extended); else a new
    `BaseSettings` class when pydantic-settings is a dependency of the app (pyproject,
    poetry, requirements*.txt, setup.cfg/setup.py); else a standard-library module, a
    frozen dataclass whose fields name their variables (`field(metadata={"env": "X"})`,
    recognised as validated) built by `load_settings()`, which reads and converts every
    variable and raises one `SettingsError` naming each missing or invalid one. Where it
    goes: `python-settings-module`, relative to the app's root; by default
    `<package>/settings.py` when the reads are all in one top-level package, else
    `settings.py` (`env_settings.py` beside it when that name is taken, by a Django
    settings module say). One field per variable, typed as the code reads it:
    `int(os.getenv("PORT", "8000"))` -> `port: int = 8000` (the `int()` goes),
    `os.environ["X"]` -> required, `os.getenv("X")` -> `str | None = None` (`Optional`
    when the app supports Python before 3.10); other conversions (`== "true"`, splitting
    a list) stay at the read, on a `str` field. Secrets (`*_KEY`, `*_SECRET`, `*TOKEN*`,
    `*PASSWORD*`) are `SecretStr` with pydantic (the read gets `.get_secret_value()`),
    kept out of the dataclass's repr without. Reads that disagree (a default in one,
    none in another; `int` and `str`) make a `str`, named in the fix's description:
    required when one of them requires the variable, else optional, each read keeping
    its own default (`settings.x if settings.x is not None else "d"`), so none changes.
    A read whose default differs from that of the field an existing settings class
    declares stays, and the description says why (an optional field takes the read's
    default at the read instead). A script (a `#!` line) in a folder that is no package
    stays too: run as `python docker/probe.py`, it cannot import the module. Each read
    becomes `settings.<field>` (imported; `env_settings` when the module has a
    `settings` of its own), and `.env.example` beside the app's marker gets
    every variable it lacks (secrets without a value). Reads with a computed name or
    default, `setdefault`, `pop`, `+=` and `os.environb` stay. Unsafe because a required
    variable now fails when the app starts rather than at its first use, and a default
    or conversion now runs once, at startup. `audit env` lists every variable the code
    reads and where, validated or not, and `audit env --write-example .env.example`
    writes a file documenting them.
    """

    id = "unvalidated-env"
    url = rule_url(id)
    severity = Severity.HIGH
    message = "environment variable read raw, not through a validated settings object"
    triggers = TRIGGERS
    OPTIONS = MappingProxyType(
        {
            SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES,
            ALLOW_NAMES: DEFAULT_ALLOW_NAMES,
            **FIX_OPTIONS,
        }
    )
    fix_applicability = "unsafe"
    fix_description = FIX_DESCRIPTION

    @classmethod
    def project_fix(
        cls,
        findings: Sequence[Finding],
        files: ProjectFiles,
        options: Mapping[str, OptionValue],
    ) -> Fix | None:
        # LibCST rewrites the files, and is imported only when a fix is written.
        from rules.python._env_fix import project_fix

        return project_fix(findings, files, options)

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        return may_read_env(tree)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._in_settings = in_settings_module(context.path, settings_modules(self.options))
        self._allow = allow_names(self.options)
        self._raw: list[EnvAccess] = []
        # What the module validates, with where LibCST's walk met each (`Order`): the
        # first validated read of a variable names its holder.
        self._validators: list[tuple[Order, str]] = []
        self._holders: list[tuple[Order, str, str]] = []

    def visit_Module(self, node: ast.Module) -> None:
        self.names = Names(
            Source(self.text), lambda: self.scopes, lambda: relevant_names(self.index, _RESOLVED)
        )
        self.start_validated()

    def visit_Call(self, node: ast.Call) -> None:
        self.raw_call(node)
        self.validated_call(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        self.raw_dict(node)

    def on_env_read(self, access: EnvAccess) -> None:
        if access.kind != "copy" and not allowed(access.name, self._allow):
            self._raw.append(access)

    # Only what the module's outline keeps (not function bodies) decides a message, as when
    # the rule was statement-local on LibCST; on `ast` it sees the whole module each time.

    def on_validated_read(self, access: ValidatedAccess) -> None:
        if access.visible and access.name is not None:
            self._holders.append((access.order, access.name, holder(access.via, None)))

    def on_validator(self, name: str, visible: bool, order: Order) -> None:
        if visible:
            self._validators.append((order, name))

    def leave_Module(self, node: ast.Module) -> None:
        holders: dict[str, str] = {}
        for _, name, via in sorted(self._holders, key=lambda found: found[0]):
            holders.setdefault(name, via)
        validators = tuple(
            dict.fromkeys(name for _, name in sorted(self._validators, key=lambda v: v[0]))
        )
        in_settings = self._in_settings or bool(validators or holders)
        # In source order, as LibCST's walk found them (ast's visits a dict's keys first).
        for access in sorted(self._raw, key=lambda a: (a.node.lineno, a.node.col_offset)):
            held = holders.get(access.name) if access.name is not None else None
            where = Where(in_settings, validators, held, ADVICE) if in_settings else None
            self.report(access.node, describe(access, where))

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> tuple[EnvRead, ...]:
        return python_env_reads(path, text, in_settings_module(path, settings_modules(options)))

    VALID = examples.VALID
    INVALID = examples.INVALID + keep_examples.INVALID


def describe(access: EnvAccess, where: Where | None = None) -> str:
    """The finding's message: which variable, what happens when it is missing, and what
    the read bypasses."""
    raised = f"raises {access.raises}" if access.kind == "required" else None
    via = access.via if access.kind == "enumerate" else None  # how is obvious for one name
    return env_message(
        access.kind, access.name, access.default_code, raised, "None", _PLAIN_NAME, via, where
    )
