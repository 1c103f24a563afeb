"""unvalidated-env for JavaScript and TypeScript: `process.env` and `import.meta.env` read
raw, not through a validated settings object."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from auditor.plugins import (
    EnvRead,
    Finding,
    Fix,
    OptionValue,
    ParsedFile,
    ProjectFiles,
    RuleContext,
    Severity,
    TreeSitterRule,
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
from rules.javascript._env_examples import INVALID, VALID
from rules.javascript._env_fix_examples import FIX_INVALID, FIX_VALID
from rules.javascript.env_app import disk_loader, is_nextjs
from rules.javascript.env_fix import project_fix
from rules.javascript.env_inventory import js_env_reads
from rules.javascript.env_reads import TRIGGERS, JsEnvAccess, env_accesses
from rules.javascript.env_uses import client_code, stray_client_read
from rules.javascript.env_validators import validation_of, validations
from rules.javascript.paths import matches
from rules.javascript.scope import Scopes

SETTINGS_MODULES = "settings-modules"
# `**/config.{js,ts}`, `**/env.{js,ts}` and `**/*.config.{js,mjs,ts}`, spelt out: the
# globs have .gitignore syntax, without braces (the rule expands braces a user writes).
DEFAULT_SETTINGS_MODULES = (
    "**/config.js",
    "**/config.ts",
    "**/env.js",
    "**/env.ts",
    "**/*.config.js",
    "**/*.config.mjs",
    "**/*.config.ts",
)
ADVICE = "a zod schema, t3-env's createEnv or envalid's cleanEnv"
_PLAIN_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


class JsUnvalidatedEnv(TreeSitterRule):
    """Finds environment variables read raw, not through a validated settings object, in
    JavaScript and TypeScript: `process.env.NAME`, `process.env["NAME"]`,
    `process.env[name]`, destructuring (`const { API_URL, PORT = "3000" } = process.env`,
    also as a parameter's default: `function f({ A } = process.env)`), the same through
    `import.meta.env`, and enumerating the whole environment (`Object.keys(process.env)`,
    `for (k in process.env)`). The environment is seen through TypeScript's casts
    (`(process.env as Env).A`, `process.env!.A`), as `process["env"]`, and through an alias
    (`const env = process.env; env.A`, followed by scope, not when the alias is
    reassigned). `process` is resolved by scope: a parameter or local named `process` is
    not Node's, an import from `process`/`node:process` is. Writes (`process.env.X = "1"`),
    `delete`, `"X" in process.env`, copies (`{ ...process.env }`, a destructuring rest) and
    types (`type T = typeof process.env.X`) are not reported.

    Reads handed to a validator are not findings, each library known by its import: zod
    (`z.object({...}).parse(process.env)`, `safeParse`, through a `const` schema, or
    `schema.parse({ A: process.env.A })`), t3-env's `createEnv` (`@t3-oss/env-core`,
    `@t3-oss/env-nextjs`: the reads in `runtimeEnv` / `experimental__runtimeEnv`),
    envalid's `cleanEnv(process.env, {...})` and znv's `parseEnv(process.env, {...})`.
    `audit env` lists them as validated, typed by the schema (`z.coerce.number()` is a
    number, envalid's `str()` a string).

    Settings modules (the `settings-modules` globs, by default `**/config.{js,ts}`,
    `**/env.{js,ts}` and `**/*.config.{js,mjs,ts}`, and any file that calls a validator)
    are not exempt: a raw read there is reported too, saying that the module validates
    nothing, or which validator it bypasses. `allow-names` exempts variables read
    everywhere on purpose (`NODE_ENV`, `NEXT_RUNTIME`, `CI`, `SKIP_ENV_VALIDATION`, ...:
    the list and why each is in it are in the Python rule's explanation above).

    Why: a variable read where it is used is checked only when that line runs: a missing
    one is `undefined`, which flows on silently (`fetch(undefined + "/orders")`) until
    something fails far away. Declare every variable once in a validated schema so that
    the app fails at startup, and import the typed value.

    Example: `fetch(`${process.env.API_URL}/orders`)` in `app/orders.ts` is flagged; declare
    `API_URL: z.string().url()` in `src/env.ts`'s `createEnv` and use `env.API_URL`.

    Next.js: in client code (a module starting with "use client", or under `pages/`
    outside `pages/api/` and outside `getServerSideProps`/`getStaticProps`/
    `getStaticPaths`) the bundler inlines only `process.env.NEXT_PUBLIC_*` written out,
    so a read of another variable there is its own finding: it is undefined in the
    browser (read it on the server, or make it NEXT_PUBLIC_ if it may be public).

    The fix (unsafe; `audit scan --fix --unsafe-fixes`, `--diff`), per app (the folder of
    the nearest package.json; a file without one gets none): one validated settings
    module holds every variable read raw, and each read becomes `env.NAME`, imported
    through the tsconfig `paths` alias that maps to the module (`~/env`), else a relative
    path. The module is one the app has (a `createEnv` or a zod schema assigned to an
    exported const, at `typescript-settings-module` or `src/env`, `env`, `src/lib/env`,
    `lib/env`, or beside the reads), extended; else a new one at
    `typescript-settings-module` (relative to the app; default `src/env.ts` when the
    reads are under `src/`, else `env.ts`; `.js` without TypeScript): `createEnv` when
    the app depends on `@t3-oss/env-nextjs` or `-core` and zod, a zod schema with zod,
    else a small module whose `checkEnv` throws naming every unset required variable.
    Every field is a string: `process.env.X!` or `as string` is required, `?? "d"` and
    `|| "d"` give the default "d" (`||` stays, as an empty value falls back too; a
    number default only inside `Number(...)`, `parseInt`, `parseFloat`, `+`), otherwise
    optional; where reads disagree the field is required and the fix says so. In a
    Next.js app NEXT_PUBLIC_ variables form the client schema (t3-env's `client` and
    `runtimeEnv`); server variables never enter the browser's bundle, and a client read
    of one is not moved. `.env.example` beside package.json gets the new variables
    (secrets without a value). Moved are `process.env.NAME` and `process.env["NAME"]`;
    destructuring, aliases, computed names and `import.meta.env` stay reported. Unsafe:
    a required variable that is unset now stops the app when it starts, not at first use.

    `audit env` lists every variable the code reads, Python and JS/TS alike, validated
    or not, and writes `.env.example`.
    """

    id = "unvalidated-env"
    url = rule_url(id)
    severity = Severity.HIGH
    languages = frozenset({"javascript", "typescript"})
    message = "environment variable read raw, not through a validated settings object"
    triggers = TRIGGERS
    OPTIONS = {
        SETTINGS_MODULES: DEFAULT_SETTINGS_MODULES,
        ALLOW_NAMES: DEFAULT_ALLOW_NAMES,
        **FIX_OPTIONS,
    }
    # A Next.js app's client code reads only NEXT_PUBLIC_ variables: its package.json says.
    PROJECT_FILES = ("package.json",)
    fix_applicability = "unsafe"

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        patterns = self.options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        self._in_settings = matches(context.path, patterns)
        self._allow = allow_names(self.options)

    @classmethod
    def project_fix(
        cls, findings: Sequence[Finding], files: ProjectFiles, options: Mapping[str, OptionValue]
    ) -> Fix | None:
        return project_fix(findings, files, options)

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> tuple[EnvRead, ...]:
        patterns = options[SETTINGS_MODULES]
        assert isinstance(patterns, tuple)
        return js_env_reads(path, text, matches(path, patterns))

    def begin(self, file: ParsedFile) -> None:
        super().begin(file)
        scopes = Scopes(file)
        found = validations(file, scopes)
        raw: list[JsEnvAccess] = []
        holders: dict[str, str] = {}
        for validation in found:
            for key, _entry in validation.declared:
                holders.setdefault(key, holder(validation.via, None))
        for access in env_accesses(file, scopes):
            validated = validation_of(access.node, found)
            if validated is not None:
                if access.name is not None:
                    holders.setdefault(access.name, holder(validated[0].via, None))
            elif access.kind != "copy" and not allowed(access.name, self._allow):
                raw.append(access)
        in_settings = self._in_settings or bool(found)
        names = tuple(dict.fromkeys(v.name for v in found))
        nextjs: bool | None = None
        for access in raw:
            if nextjs is None and self.context.root is not None:
                nextjs = is_nextjs(disk_loader(self.context.root), self.context.path)
            if nextjs and stray_client_read(file, access):
                self.report(access.node, client_message(access, client_code(file, access.node)))
                continue
            held = holders.get(access.name) if access.name is not None else None
            where = Where(in_settings, names, held, ADVICE) if in_settings else None
            self.report(access.node, describe(access, where))

    VALID = VALID + FIX_VALID
    INVALID = INVALID + FIX_INVALID


def client_message(access: JsEnvAccess, why: str | None) -> str:
    """A read of a variable the browser does not have, in a Next.js app's client code."""
    name = access.name or "with a computed name"
    return (
        f"environment variable {name} is read in client code ({why}), where it is "
        "undefined: Next.js puts only NEXT_PUBLIC_ variables, written out, into the "
        f"browser's bundle; read it on the server, or name it NEXT_PUBLIC_{access.name or 'X'} "
        "if it may be public"
    )


def describe(access: JsEnvAccess, where: Where | None = None) -> str:
    """The finding's message: which variable, what happens when it is missing, and what
    the read bypasses."""
    return env_message(
        access.kind,
        access.name,
        access.default_code,
        None,
        "undefined",
        _PLAIN_NAME,
        access.via,
        where,
    )
