"""unvalidated-env (JS/TS), the fix: the settings module it writes for an app without one.

With t3-env (`@t3-oss/env-nextjs` or `-core`, and zod) a `createEnv`; with zod alone a
`z.object` schema parsed once; with neither, a small module that checks every required
variable and throws naming all those missing at once. Every field is a string (a
conversion stays where the code makes it), required, optional or with a default, as the
reads asked (rules/javascript/env_uses.py). In a Next.js app the NEXT_PUBLIC_ variables
form the client schema, each read written out (`process.env.NEXT_PUBLIC_X`), the only
form the bundler inlines; the server's variables are never read in the browser's copy.
The module exports `env`; an ES module (TypeScript, "type": "module", a bundler) or
CommonJS as the app is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rules.javascript.env_app import Flavour
from rules.javascript.env_uses import Field

BINDING = "env"
_HEADER = "// The environment variables the app reads, checked once when it starts."


@dataclass(frozen=True, slots=True)
class Style:
    typescript: bool
    esm: bool


def quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def zod_field(field: Field) -> str:
    if field.kind == "default" and field.default is not None:
        return f"z.string().default({quoted(field.default)})"
    return "z.string().optional()" if field.kind == "optional" else "z.string()"


def runtime_entry(name: str) -> str:
    return f"{name}: process.env.{name},"


def module_text(flavour: Flavour, fields: Sequence[Field], style: Style) -> str:
    if flavour in {"t3-nextjs", "t3-core"}:
        body = _t3(flavour, fields, style)
    elif flavour == "zod":
        body = _zod(fields, style)
    else:
        body = _plain(fields, style)
    return "\n".join([_HEADER, *body]) + "\n"


def _import(names: str, source: str, style: Style) -> str:
    if style.esm:
        return f'import {{ {names} }} from "{source}";'
    return f'const {{ {names} }} = require("{source}");'


def _export(style: Style, value: list[str]) -> list[str]:
    if style.esm:
        return [f"export const {BINDING} = {value[0]}", *value[1:]]
    return [f"const {BINDING} = {value[0]}", *value[1:], "", f"module.exports = {{ {BINDING} }};"]


def _block(name: str, lines: Sequence[str], indent: str = "  ") -> list[str]:
    return [f"{indent}{name}: {{", *(f"{indent}  {line}" for line in lines), f"{indent}}},"]


def _t3(flavour: Flavour, fields: Sequence[Field], style: Style) -> list[str]:
    package = "@t3-oss/env-nextjs" if flavour == "t3-nextjs" else "@t3-oss/env-core"
    server = [f"{f.name}: {zod_field(f)}," for f in fields if not f.public]
    client = [f"{f.name}: {zod_field(f)}," for f in fields if f.public]
    options: list[str] = []
    if server:
        options += _block("server", server)
    if client and flavour == "t3-core":
        options.append('  clientPrefix: "NEXT_PUBLIC_",')
    if client:
        options += _block("client", client)
    if flavour == "t3-core" and not client:
        options.append("  runtimeEnv: process.env,")
    else:
        options += _block("runtimeEnv", [runtime_entry(f.name) for f in fields])
    return [
        _import("createEnv", package, style),
        _import("z", "zod", style),
        "",
        *_export(style, ["createEnv({", *options, "});"]),
    ]


def _zod(fields: Sequence[Field], style: Style) -> list[str]:
    server = [f"  {f.name}: {zod_field(f)}," for f in fields if not f.public]
    client = [f"  {f.name}: {zod_field(f)}," for f in fields if f.public]
    head = [_import("z", "zod", style), ""]
    if not client:
        return [
            *head,
            "const schema = z.object({",
            *server,
            "});",
            "",
            *_export(style, ["schema.parse(process.env);"]),
        ]
    empty = "({} as z.infer<typeof server>)" if style.typescript else "{}"
    values = [f"    {runtime_entry(f.name)}" for f in fields if f.public]
    return [
        *head,
        "const server = z.object({",
        *server,
        "});",
        "",
        "const client = z.object({",
        *client,
        "});",
        "",
        "// Next.js inlines only `process.env.NEXT_PUBLIC_*` written out; the server's",
        "// variables are checked on the server alone.",
        *_export(
            style,
            [
                "{",
                "  ...client.parse({",
                *values,
                "  }),",
                '  ...(typeof window === "undefined" ? server.parse(process.env) : ' + empty + "),",
                "};",
            ],
        ),
    ]


_CHECK_TS = """\
/** The values, each required one checked: throws naming every one that is unset. */
function checkEnv<T extends Record<string, string | undefined>, K extends keyof T>(
  values: T,
  required: readonly K[],
): T & { [P in K]: string } {
  const missing = required.filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`Missing environment variables: ${missing.join(", ")}`);
  }
  return values as T & { [P in K]: string };
}
"""

_CHECK_JS = """\
/** The values, each required one checked: throws naming every one that is unset. */
function checkEnv(values, required) {
  const missing = required.filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`Missing environment variables: ${missing.join(", ")}`);
  }
  return values;
}
"""


def _plain(fields: Sequence[Field], style: Style) -> list[str]:
    values = []
    for f in fields:
        default = (
            f" ?? {quoted(f.default)}" if f.kind == "default" and f.default is not None else ""
        )
        values.append(f"    {f.name}: process.env.{f.name}{default},")
    required = [quoted(f.name) for f in fields if f.kind == "required"]
    public = [quoted(f.name) for f in fields if f.kind == "required" and f.public]
    if len(public) < len(required) and any(f.public for f in fields):
        # In the browser only the public ones are there to check.
        check = (
            f'  typeof window === "undefined" ? [{", ".join(required)}] : [{", ".join(public)}],'
        )
    else:
        check = f"  [{', '.join(required)}],"
    helper = (_CHECK_TS if style.typescript else _CHECK_JS).rstrip("\n").split("\n")
    return [
        "",
        *helper,
        "",
        *_export(style, ["checkEnv(", "  {", *values, "  },", check, ");"]),
    ]
