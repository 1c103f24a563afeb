"""`python -m auditor` is `audit`."""

import os
import sys

# `python -m` puts the current folder first on the import path, so a scanned repository's
# `yaml.py` or `libcst/` would be imported in place of ours: never import scanned code
# (as `python -P` does). The installed auditor is found without it.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from auditor.cli import main

main()
