"""The remediation tracker: issues.yaml, the history walked once, the state reports render."""
