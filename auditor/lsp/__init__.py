"""The language server (`audit lsp`): diagnostics and code actions for the documents an editor holds."""
