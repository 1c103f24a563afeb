# ruff: noqa
# type: ignore
"""Names `vulture` cannot see used, each with why (tests/test_dead_code.py runs it on
auditor/, rules/ and reports/ with this file). Anything else it reports is dead: delete it.
Vulture's whitelist format: a bare reference marks a name used."""

_ = object()

# Rule classes are found through entry points (pyproject.toml), not imports.
BareExcept
ConsoleLogging
IgnoredKwargs
PiiLogging
UnvalidatedEnv
UnvalidatedKwargs
JsConsoleLogging
JsEmptyCatch
JsPiiLogging
JsUnvalidatedEnv

# The public rule API (auditor.plugins) for third-party rules: offered, not all used by ours.
_.bool_option
_.int_option
_.number_option
_.insert_before
READ_KINDS  # the values of EnvRead.kind, for plugins that read `audit env`'s model
__getattr__  # auditor.plugins: lazy attributes, so importing it stays cheap

# Called by libraries, not by us.
_.get_visitors  # LibCST's visit_batched asks a rule for its visitor methods
_.on_leave  # LibCST calls a transformer's hook (cst_positions._Swap)
_.list_commands  # click lists a group's commands (auditor.cli.group._Group: lazy imports)
_.included_ranges  # tree-sitter's Parser reads it (auditor.scan.treesitter: a blank start skipped)
statement_local  # deprecated, read by nothing: kept so that rules that set it still load
_.disabled  # lsprotocol CodeAction fields the editor reads
_.is_preferred
_.find_longest_match  # difflib's get_matching_blocks calls it (auditor.track.line_match)

# Fields read by the Jinja templates and the JSON renderers (dataclasses.asdict).
cached_commits
declared_status
missing_commits
files_fixed
first_fix
last_fix
range_start
last_updated
x_range
exit_zero  # click passes options by these names
no_skip_generated

# Used by tests only, kept as the documented seams they test.
_.scan_file  # Engine: one file from disk, as tests and plugins call it
token_key  # auditor.track.identity, documented in pairing.py
DEFAULT_VOCABULARY
holder_of  # rules/_env_message.py: names the settings object a raw read bypasses
