"""One scan: which files, parse once, run the rules, cache, fix, gate."""
