"""auditor: codebase quality audit and remediation tracker."""

# The one place the version is written (pyproject.toml reads it): a constant, because
# asking importlib.metadata costs every command a fifth of its startup.
__version__ = "0.1.0"
