"""auditor: codebase quality audit and remediation tracker."""

# The one place the version is written (pyproject.toml reads it): a constant, because
# asking importlib.metadata costs every command a fifth of its startup.
__version__ = "0.1.0"

# How every process of auditor tunes the cyclic collector (the command line before its
# imports, the workers, the language server, a scan's and a history walk's own process):
# parsing allocates hundreds of thousands of objects that die by reference counting, and
# the default thresholds would run the collector every 700 allocations.
COLLECTOR_THRESHOLDS = (100_000, 50, 100)
