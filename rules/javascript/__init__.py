"""The built-in rules for JavaScript and TypeScript, on tree-sitter."""
