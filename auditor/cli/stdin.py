"""`audit scan -`: where config discovery starts for the one document read from stdin,
scanned as the project would scan the file `--stdin-filename` names (the scan itself:
auditor/scan/use_case.py, scan_document)."""

from __future__ import annotations

import os
from pathlib import Path


def stdin_start(path: Path) -> Path:
    """Where config discovery starts for a document that may not exist on disk: the
    nearest existing directory of its path."""
    directory = Path(os.path.abspath(path)).parent
    while not directory.is_dir() and directory.parent != directory:
        directory = directory.parent
    return directory
