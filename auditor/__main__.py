"""`python -m auditor` is `audit`."""

from auditor.cli import main

main()
