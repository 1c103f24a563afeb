"""auditor: codebase quality audit and remediation tracker."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("auditor")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
