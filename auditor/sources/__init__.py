"""Findings of other analysers: ruff, mypy and any SARIF 2.1.0 producer (`[tool.audit.sources]`)."""
