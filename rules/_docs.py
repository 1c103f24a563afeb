"""Where the built-in rules are documented: README's rules section (`audit rules ID` prints
each one's full explanation)."""

from __future__ import annotations

RULES_URL = "https://github.com/auditor-dev/auditor#rules"
