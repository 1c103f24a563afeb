"""console-logging (JS/TS): the logger module the fix creates where the project has none.

Levels `debug`, `info`, `warn`, `error`, each `(message, context?)`; `debug` is quiet in
production builds (`process.env.NODE_ENV === "production"`, which bundlers replace and
Node sets; read behind `typeof process`, so a browser without a bundler does not fail).
Its first line, `// audit: ignore-file[console-logging]`, says that its console calls are
the logger's own output: console-logging does not report them (as for any file with that
comment). A TypeScript project without Node's types (`@types/node` in no package.json
up from the module) gets `process` declared in the module.

Where: in the file's package (the folder of its nearest package.json), at `src/lib/logger`
when it has a `src/` folder, else `lib/logger`; `.ts` in a TypeScript project (a
tsconfig.json up from the file, or a `.ts`/`.tsx` file), else `.js` in an ES module
package (`"type": "module"`), else `.mjs`. A CommonJS file gets none (set
`logger-require`)."""

from __future__ import annotations

import posixpath
from pathlib import Path

from rules.javascript._logger_api import LoggerApi, Param
from rules.javascript._logger_discovery import is_typescript_project, package_root
from rules.javascript._project import folders_up, package_type, read_json

MARKER = "// audit: ignore-file[console-logging] -- the logger writes to the console itself\n"
LEVELS = ("debug", "info", "warn", "error")
API = LoggerApi(
    "logger", "own", dict.fromkeys(LEVELS, (Param("message"), Param("context", optional=True)))
)

_TS_HEAD = (
    "type Level = 'debug' | 'info' | 'warn' | 'error';\ntype Context = Record<string, unknown>;\n\n"
)
_NO_NODE_TYPES = "declare const process: { env: Record<string, string | undefined> };\n\n"


def module_path(root: Path, rel: str) -> str:
    base = package_root(root, rel)
    folder = "src/lib" if (root / base / "src").is_dir() else "lib"
    if is_typescript_project(root, rel):
        ext = ".ts"
    else:
        ext = ".js" if package_type(root, rel) == "module" else ".mjs"
    return posixpath.join(base, folder, "logger" + ext)


def module_text(root: Path, path: str, quote: str) -> str:
    typed = path.endswith(".ts")
    q = quote
    level, context = (": Level", ": Context") if typed else ("", "")
    returns = ": void" if typed else ""
    head = _TS_HEAD if typed else ""
    if typed and not _has_node_types(root, path):
        head = _NO_NODE_TYPES + head
    methods = "".join(
        f"  {name}: (message{': string' if typed else ''}, context{'?' if typed else ''}"
        f"{context}){returns} => write({q}{name}{q}, message, context),\n"
        for name in LEVELS
    )
    return (
        MARKER
        + "// The project's logger (created by auditor's console-logging fix): one place\n"
        + "// that decides what is written; debug is quiet in production builds.\n\n"
        + head
        + f"const production =\n  typeof process !== {q}undefined{q} && "
        + f"process.env.NODE_ENV === {q}production{q};\n\n"
        + f"function write(level{level}, message{': string' if typed else ''}, "
        + f"context{'?' if typed else ''}{context}){returns} {{\n"
        + f"  if (level === {q}debug{q} && production) {{\n    return;\n  }}\n"
        + "  if (context === undefined) {\n    console[level](message);\n  } else {\n"
        + "    console[level](message, context);\n  }\n}\n\n"
        + f"export const logger = {{\n{methods}}};\n"
    )


def _has_node_types(root: Path, path: str) -> bool:
    for folder in folders_up(path):
        if (root / folder / "node_modules" / "@types" / "node").is_dir():
            return True
        document = read_json(root / folder / "package.json")
        if isinstance(document, dict):
            for field in ("dependencies", "devDependencies"):
                deps = document.get(field)
                if isinstance(deps, dict) and "@types/node" in deps:
                    return True
    return False
