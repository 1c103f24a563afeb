"""What the unvalidated-env rules share across languages: the finding's message, the
`allow-names` option, and the seam through which a read learns which validated settings
object already holds its variable."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from auditor.plugins import EnvRead, OptionValue

_MAX_DEFAULT = 40

ALLOW_NAMES = "allow-names"
# Read everywhere on purpose, and not the app's configuration: each is documented in the
# Python rule's docstring (`audit rules unvalidated-env`).
DEFAULT_ALLOW_NAMES = (
    "NODE_ENV",
    "NEXT_RUNTIME",
    "CI",
    "SKIP_ENV_VALIDATION",
    "DJANGO_SETTINGS_MODULE",
    "HOME",
    "PATH",
    "TERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TZ",
    "LANG",
    "LC_ALL",
)
_GLOB = re.compile(r"[*?\[]")

# Where the unsafe fix writes the settings module, per language, relative to the app's
# root (the folder of its pyproject.toml / package.json). One table for every
# implementation of the rule id: each language adds its key here, and each class spreads
# the table into its OPTIONS. "" is the documented default of each language (the Python
# rule's docstring says which: `<package>/settings.py`, else `settings.py`; the JS/TS
# rule's: `src/env.ts`, else `env.ts`, `.js` without TypeScript).
PYTHON_SETTINGS_MODULE = "python-settings-module"
TYPESCRIPT_SETTINGS_MODULE = "typescript-settings-module"
FIX_OPTIONS: dict[str, OptionValue] = {PYTHON_SETTINGS_MODULE: "", TYPESCRIPT_SETTINGS_MODULE: ""}


def allow_names(options: Mapping[str, OptionValue]) -> tuple[str, ...]:
    """The rule's `allow-names`; merge_options has checked their type."""
    value = options.get(ALLOW_NAMES, DEFAULT_ALLOW_NAMES)
    assert isinstance(value, tuple)
    return value


def allowed(name: str | None, patterns: tuple[str, ...]) -> bool:
    """Whether a read of `name` is exempt: it equals one of `patterns`, or matches one
    that has `*`, `?` or `[...]` (shell-style, case-sensitive)."""
    if name is None:
        return False
    return any(
        name == pattern or (_GLOB.search(pattern) is not None and fnmatchcase(name, pattern))
        for pattern in patterns
    )


@dataclass(frozen=True, slots=True)
class Where:
    """Where a raw read is, as far as settings go.

    `in_settings`: the module is a settings module, by the `settings-modules` globs or
    because it defines a validated settings object. `validators`: the validated objects
    it defines ("Settings", "createEnv"). `holder`: what validates this very variable
    already (see `holder_of`), so the raw read bypasses it. `advice`: the validators of
    the language, suggested where a settings module validates nothing."""

    in_settings: bool
    validators: tuple[str, ...]
    holder: str | None
    advice: str


def holder_of(name: str | None, validated: Iterable[EnvRead], here: str) -> str | None:
    """What validates the variable `name` among `validated` reads, for a raw read of it
    in the module `here`: "Settings.port" when that is in `here`, "Settings.port
    (app/config.py)" when elsewhere. Given the validated reads of the whole project, this
    names the settings object a raw read in any file bypasses; the rules give it what
    their own file validates."""
    if name is None:
        return None
    for read in validated:
        if read.validated and read.name == name:
            return holder(read.via, None if read.path == here else read.path)
    return None


def holder(via: str, module: str | None) -> str:
    """A validated read's `via` without its library ("pydantic-settings Settings.port" ->
    "Settings.port"), with the module that holds it when that is another one."""
    what = via.split(" ", 1)[1] if " " in via else via
    return f"{what} ({module})" if module else what


def env_message(
    kind: str,
    name: str | None,
    default_code: str | None,
    raised: str | None,
    missing: str,
    plain_name: re.Pattern[str],
    via: str | None = None,
    where: Where | None = None,
) -> str:
    """What a raw environment read risks, in one message shared by the Python and the
    JS/TS rule: `missing` is what an unset variable becomes (None, undefined), `raised`
    what a required read raises, `via` how it was read, if shown; `where` says whether
    the read is in a settings module and what it bypasses (None: outside one)."""
    how = f" ({via})" if via else ""
    if kind == "enumerate":
        if where is not None and where.in_settings:
            through = ", ".join(where.validators) or where.advice
            return (
                f"every environment variable is read{how} in a settings module; "
                f"read the ones you need through a validated settings object ({through})"
            )
        return (
            f"every environment variable is read{how} outside a settings module; "
            "read the ones you need, and validate them, in a settings module"
        )
    if name is None:
        subject = "an environment variable with a computed name"
    elif plain_name.match(name):
        subject = f"environment variable {name}"
    else:
        subject = f"environment variable {name!r}"
    if raised is not None:
        outcome = raised
    elif kind == "optional":
        outcome = f"silently gives {missing}"
    elif default_code is None:
        outcome = "falls back to a computed default"
    else:
        code = default_code
        if len(code) > _MAX_DEFAULT:
            code = code[: _MAX_DEFAULT - 3] + "..."
        outcome = f"falls back to the default {code}"
    if where is not None and where.holder is not None:
        return (
            f"{subject}{how} is read raw although {where.holder} validates it: "
            f"if it is unset, this {outcome}; use the validated value instead"
        )
    if where is not None and where.validators:
        names = ", ".join(where.validators)
        return (
            f"{subject}{how} is read raw in a settings module, bypassing its validation "
            f"({names}): if it is unset, this {outcome}; declare it there, to be validated "
            "at startup"
        )
    if where is not None and where.in_settings:
        return (
            f"{subject}{how} is read raw in a settings module that validates nothing: "
            f"if it is unset, this {outcome}; declare it in a validated settings object "
            f"({where.advice}), checked at startup"
        )
    return (
        f"{subject}{how} is read outside a settings module: if it is unset, this {outcome}; "
        "read and validate it once, in a settings module"
    )
