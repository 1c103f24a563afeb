"""Environment reads: what a rule's `env_reads` gives `audit env` (auditor.env.inventory),
and what its reports and `.env.example` are made of. Apart from the core values
(auditor.model): a scan does not create them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from auditor.model import Location

# How a read behaves, in words that fit any language:
#   required   a missing variable raises (Python KeyError)
#   optional   a missing variable becomes None (JS: undefined)
#   default    a missing variable falls back to `default` (a literal) or a computed value
#   enumerate  every variable is read (iteration, items())
#   copy       the whole environment is copied, usually to hand to a child process
ReadKind: TypeAlias = Literal["required", "optional", "default", "enumerate", "copy"]
READ_KINDS: tuple[ReadKind, ...] = ("required", "optional", "default", "enumerate", "copy")


@dataclass(frozen=True, slots=True)
class EnvRead:
    name: str | None  # None: a computed name, or the whole environment
    path: str  # posix, relative to the project root
    location: Location  # 1-based line and column of the read expression
    kind: ReadKind
    default: str | None  # kind "default": the literal default; None when it is computed
    in_settings: bool  # inside a module matched by the settings-modules globs
    # The read as code ("os.environ.get()"); for a validated read, the validator and what
    # declares the variable there ("pydantic-settings Settings.port", "createEnv").
    via: str
    # Whether the value passes a schema or a typed parser (pydantic-settings, environs,
    # django-environ, python-decouple; zod, t3-env, envalid, znv) rather than raw.
    validated: bool = False
    # The type the validator gives the value, as it names it ("int", "str | None",
    # "number"); None when unknown, and for raw reads.
    type: str | None = None
    # The posix path of the module that defines the validated object; None for raw reads.
    settings_module: str | None = None
    # A raw read: the type the code's use gives its value, as the unvalidated-env fix
    # declares the field ("int" for `int(os.getenv("PORT", "8000"))`, "str | None" for
    # `os.getenv("X")`); None where the fix would not move the read, and for validated ones.
    inferred_type: str | None = None

    def sort_key(self) -> tuple[bool, str, str, int, int]:
        return (self.name is None, self.name or "", self.path, *self.place)

    @property
    def place(self) -> tuple[int, int]:
        return (self.location.line, self.location.column)
