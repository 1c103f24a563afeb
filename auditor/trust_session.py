"""A command's trust session (auditor.trust): whether the user trusts every project for
this run (--trust, AUDIT_TRUST=1), and the refusals noted while it runs, which the CLI
prints at its end. Apart from auditor.trust, which is imported only when a project asks to
run its own code: every command opens a session, few ask for trust."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

ENV_VAR = "AUDIT_TRUST"


class Refusal(Protocol):
    """What a session keeps of a refusal (auditor.trust.Refusal, equal to another when it
    refuses the same setting of the same config): the line that says it."""

    def message(self) -> str: ...


@dataclass(eq=False)  # not compared: no generated __eq__ to compile at import
class Session:
    """One command's trust: whether it was given for the run, and what was refused."""

    override: bool = False
    refused: list[Refusal] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, refusals: Sequence[Refusal]) -> None:
        with self._lock:
            for refusal in refusals:
                if refusal not in self.refused:
                    self.refused.append(refusal)

    def take(self) -> list[Refusal]:
        """The refusals noted so far, forgotten: a long-running server reports them
        itself, per project, instead of at its exit."""
        with self._lock:
            taken, self.refused[:] = list(self.refused), []
        return taken


# One command runs at a time in a process (the CLI; the language server trusts per
# folder, explicitly): a module-level session, not a context variable, so that threads
# started by the command (the language server's analyses) see the same one.
_session = Session()


def current() -> Session:
    return _session


@contextmanager
def session(*, override: bool = False) -> Iterator[Session]:
    """A command's trust session; `override` (--trust) or AUDIT_TRUST=1 trusts every
    project for its duration."""
    global _session
    outer = _session
    # AUDIT_TRUST is read for each command, as --trust is: the user's choice for this run.
    trusted = os.environ.get(ENV_VAR, "") == "1"  # audit: ignore[unvalidated-env]
    _session = Session(override=override or trusted)
    try:
        yield _session
    finally:
        _session = outer


def take_refused() -> list[Refusal]:
    return _session.take()


def trust_for_this_run() -> None:
    """--trust, given on a command's line after the session began."""
    _session.override = True
