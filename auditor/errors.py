"""Errors that stop a command. Each carries one line that names the file and the problem;
the CLI prints it and exits with code 2."""

from __future__ import annotations


class AuditError(Exception):
    """Base of the errors a user can cause and fix: bad config, bad plugin, bad path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(AuditError):
    pass


class PluginError(AuditError):
    pass


class UsageError(AuditError):
    pass
