"""The built-in rules for Python, on LibCST (and the `ast` index for their prefilters)."""
