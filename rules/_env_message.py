"""The unvalidated-env finding's message, one wording for the Python and the JS/TS rule."""

from __future__ import annotations

import re

_MAX_DEFAULT = 40


def env_message(
    kind: str,
    name: str | None,
    default_code: str | None,
    raised: str | None,
    missing: str,
    plain_name: re.Pattern[str],
    via: str | None = None,
) -> str:
    """What an environment read outside a settings module risks, in one message shared by
    the Python and the JS/TS rule: `missing` is what an unset variable becomes (None,
    undefined), `raised` what a required read raises, `via` how it was read, if shown."""
    how = f" ({via})" if via else ""
    if kind == "enumerate":
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
    return (
        f"{subject}{how} is read outside a settings module: if it is unset, this {outcome}; "
        "read and validate it once, in a settings module"
    )
