"""Built-in rule plugins, registered through the `auditor.rules` entry-point group."""
