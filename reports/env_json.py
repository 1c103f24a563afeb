"""`audit env --format json`: schema `auditor.env/2`.

    {
      "schema": "auditor.env/2",
      "tool": {"name": "auditor", "version": "0.1.0"},
      "variables": [                       # sorted by name
        {
          "name": "DATABASE_URL",
          "validated": true,               # some read of it is validated
          "types": ["PostgresDsn"],        # the validated reads' types, sorted
          "settings_modules": ["shop/settings.py"],  # where they are validated, sorted
          "inferred_types": [],            # the raw reads' inferred types, sorted
          "reads": [READ, ...]
        }
      ],
      "unnamed_reads": [READ, ...],        # computed names and whole-environment reads
      "errors": [                          # files not checked
        {"kind": "parse-error", "path": "x.py", "line": 1, "column": 5, "message": "..."}
      ],
      "summary": {
        "files": 4, "variables": 1, "validated_variables": 1, "reads": 3,
        "validated": 1,                    # reads through a validator
        "raw": 2,                          # the others
        "raw_outside_settings": 1,         # raw reads outside settings modules
        "errors": 0
      }
    }

    READ = {
      "path": "shop/settings.py",          # posix, relative to the project root
      "line": 5, "column": 6,              # 1-based; column in characters
      "kind": "required",                  # required | optional | default | enumerate | copy
      "via": "os.environ[...]",            # the read, as code
      "default": null,                     # kind "default": the literal default (a string);
                                           # null there means the default is computed
      "in_settings": true,                 # inside a module the settings-modules globs match
      "validated": true,                   # the value passes a schema or typed parser
      "type": "PostgresDsn",               # the type the validator gives it; null if unknown
      "settings_module": "shop/settings.py",  # the module defining the validator; null if raw
      "inferred_type": null                # a raw read: the type the code's use gives it, as
                                           # the unvalidated-env fix would declare it ("int",
                                           # "str | None"); null where the fix leaves the read
    }

For a validated read, `via` names the validator ("pydantic-settings Settings.port",
"environs env.int()", "t3-env createEnv", "zod envSchema.parse()") and the place is the
field, the parser call, or the read handed to the validator.

Reads are sorted by path, line and column. Fields are only ever added within a schema
version; a change to the meaning of a field is a new version. Version 2 (from 1): reads
gained `validated`, `type` and `settings_module`, variables `validated`, `types` and
`settings_modules`; the summary's `outside_settings` (every read outside settings modules)
became `raw_outside_settings` (raw reads only), beside new `validated_variables`,
`validated` and `raw`. Added within version 2: reads' `inferred_type` and variables'
`inferred_types` (`type` keeps its meaning: the validator's type, null for raw reads).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.env.inventory import Inventory
from auditor.env.reads import EnvRead

SCHEMA = "auditor.env/2"


def read_dict(read: EnvRead) -> dict[str, Any]:
    return {
        "path": read.path,
        "line": read.location.line,
        "column": read.location.column,
        "kind": read.kind,
        "via": read.via,
        "default": read.default,
        "in_settings": read.in_settings,
        "validated": read.validated,
        "type": read.type,
        "settings_module": read.settings_module,
        "inferred_type": read.inferred_type,
    }


def variable_dict(name: str, reads: tuple[EnvRead, ...]) -> dict[str, Any]:
    validated = [r for r in reads if r.validated]
    return {
        "name": name,
        "validated": bool(validated),
        "types": sorted({r.type for r in validated if r.type is not None}),
        "settings_modules": sorted({r.settings_module for r in validated if r.settings_module}),
        "inferred_types": sorted({r.inferred_type for r in reads if r.inferred_type}),
        "reads": [read_dict(r) for r in reads],
    }


def render(inventory: Inventory, *, version: str) -> str:
    variables = inventory.variables
    validated = sum(1 for r in inventory.reads if r.validated)
    document = {
        "schema": SCHEMA,
        "tool": {"name": "auditor", "version": version},
        "variables": [variable_dict(name, reads) for name, reads in variables.items()],
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
            "validated_variables": sum(
                1 for reads in variables.values() if any(r.validated for r in reads)
            ),
            "reads": len(inventory.reads),
            "validated": validated,
            "raw": len(inventory.reads) - validated,
            "raw_outside_settings": sum(
                1 for r in inventory.reads if not r.validated and not r.in_settings
            ),
            "errors": len(inventory.errors),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
