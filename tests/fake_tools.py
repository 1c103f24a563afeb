"""Stand-ins for ruff, mypy, tsc, ESLint and a SARIF tool, written into a test's folder as
a source's `command`: CI need not have tsc. Each reports one finding per line that calls
`bad(` in the .py and .ts files below its working folder (the project root), in its
tool's own output format and with its tool's exit codes, and appends the folder it ran
in to runs.log beside itself (with `node_modules` and `setup-ran` when they are there)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = ("ruff", "mypy", "tsc", "eslint", "sarif")
CODES = {"ruff": "B1", "mypy": "bad-call", "tsc": "TS7006", "eslint": "no-bad", "sarif": "BAD1"}

_SCRIPT = r"""
import json, os, sys
from pathlib import Path

kind = {kind!r}
with open({log!r}, "a", encoding="utf-8") as log:
    marks = [m for m in ("node_modules", "setup-ran") if os.path.exists(m)]
    log.write(" ".join([os.getcwd(), *marks]) + "\n")
root = Path.cwd()
found = []
for directory, subdirs, files in os.walk(root):
    subdirs[:] = sorted(d for d in subdirs if d not in (".git", "node_modules", ".venv"))
    for name in sorted(files):
        if not name.endswith((".py", ".ts")):
            continue
        path = Path(directory, name)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            column = line.find("bad(")
            if column >= 0:
                found.append((path, number, column + 1))
if kind == "ruff":
    print(json.dumps([
        {{"code": "B1", "filename": str(p), "message": "bad call",
          "location": {{"row": n, "column": c}}, "end_location": {{"row": n, "column": c + 3}}}}
        for p, n, c in found
    ]))
elif kind == "mypy":
    for p, n, c in found:
        print(json.dumps({{"file": str(p.relative_to(root)), "line": n, "column": c - 1,
                           "message": "bad call", "code": "bad-call", "severity": "error"}}))
    sys.exit(1 if found else 0)
elif kind == "tsc":
    for p, n, c in found:
        print(f"{{p.relative_to(root)}}({{n}},{{c}}): error TS7006: bad call")
    sys.exit(2 if found else 0)
elif kind == "eslint":
    print(json.dumps([
        {{"filePath": str(p), "messages": [{{"ruleId": "no-bad", "line": n, "column": c,
                                             "message": "bad call", "severity": 2}}]}}
        for p, n, c in found
    ]))
    sys.exit(1 if found else 0)
else:
    results = [
        {{"ruleId": "BAD1", "level": "error", "message": {{"text": "bad call"}},
          "locations": [{{"physicalLocation": {{
              "artifactLocation": {{"uri": p.relative_to(root).as_posix()}},
              "region": {{"startLine": n, "startColumn": c}}}}}}]}}
        for p, n, c in found
    ]
    print(json.dumps({{"version": "2.1.0", "runs": [
        {{"tool": {{"driver": {{"name": "fake"}}}}, "results": results}}]}}))
"""


def write_tool(folder: Path, kind: str) -> list[str]:
    """A fake `kind` in `folder`; returns the command that runs it."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"fake_{kind}.py"
    script.write_text(_SCRIPT.format(kind=kind, log=str(folder / "runs.log")), encoding="utf-8")
    return [sys.executable, str(script)]


def runs(folder: Path) -> list[str]:
    """The folders the fake tools ran in, in order."""
    log = folder / "runs.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def source_toml(kind: str, command: list[str], name: str = "tool") -> str:
    return f"[tool.audit.sources.{name}]\nkind = '{kind}'\ncommand = {json.dumps(command)}\n"
