"""`audit env --format json`: schema `auditor.env/1`.

    {
      "schema": "auditor.env/1",
      "tool": {"name": "auditor", "version": "0.1.0"},
      "variables": [                       # sorted by name
        {"name": "DATABASE_URL", "reads": [READ, ...]}
      ],
      "unnamed_reads": [READ, ...],        # computed names and whole-environment reads
      "errors": [                          # files not checked
        {"kind": "parse-error", "path": "x.py", "line": 1, "column": 5, "message": "..."}
      ],
      "summary": {"files": 4, "variables": 1, "reads": 3, "outside_settings": 2, "errors": 0}
    }

    READ = {
      "path": "shop/settings.py",          # posix, relative to the project root
      "line": 5, "column": 6,              # 1-based; column in characters
      "kind": "required",                  # required | optional | default | enumerate | copy
      "via": "os.environ[...]",            # the read, as code
      "default": null,                     # kind "default": the literal default (a string);
                                           # null there means the default is computed
      "in_settings": true                  # inside a settings module
    }

Reads are sorted by path, line and column. Fields are only ever added within a schema
version; a change to the meaning of a field is a new version.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.env.inventory import Inventory
from auditor.model import EnvRead

SCHEMA = "auditor.env/1"


def read_dict(read: EnvRead) -> dict[str, Any]:
    return {
        "path": read.path,
        "line": read.location.line,
        "column": read.location.column,
        "kind": read.kind,
        "via": read.via,
        "default": read.default,
        "in_settings": read.in_settings,
    }


def render(inventory: Inventory, *, version: str) -> str:
    variables = inventory.variables
    document = {
        "schema": SCHEMA,
        "tool": {"name": "auditor", "version": version},
        "variables": [
            {"name": name, "reads": [read_dict(r) for r in reads]}
            for name, reads in variables.items()
        ],
        "unnamed_reads": [read_dict(r) for r in inventory.unnamed],
        "errors": [
            {
                "kind": e.rule_id,
                "path": e.path,
                "line": e.start.line,
                "column": e.start.column,
                "message": e.message,
            }
            for e in inventory.errors
        ],
        "summary": {
            "files": inventory.files,
            "variables": len(variables),
            "reads": len(inventory.reads),
            "outside_settings": sum(1 for r in inventory.reads if not r.in_settings),
            "errors": len(inventory.errors),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
