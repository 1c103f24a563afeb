"""The server's settings, from initializationOptions or workspace/didChangeConfiguration:
{"unsafeFixes": bool, "debounceMs": number}, flat or under an "audit" key. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_DEBOUNCE = 0.15  # seconds between the last keystroke and a scan


@dataclass(frozen=True, slots=True)
class Settings:
    unsafe_fixes: bool = False  # source.fixAll.audit applies unsafe fixes too
    debounce: float = DEFAULT_DEBOUNCE


def updated(settings: Settings, options: object) -> Settings:
    """`settings` with what `options` sets; anything else in it is ignored."""
    if not isinstance(options, dict):
        return settings
    nested = options.get("audit")
    values = nested if isinstance(nested, dict) else options
    unsafe = values.get("unsafeFixes")
    if isinstance(unsafe, bool):
        settings = replace(settings, unsafe_fixes=unsafe)
    debounce = values.get("debounceMs")
    if isinstance(debounce, int | float) and not isinstance(debounce, bool) and debounce >= 0:
        settings = replace(settings, debounce=debounce / 1000)
    return settings
