"""What a finding is, as opposed to how its code is printed: the flagged code as tokens.

Formatters (black, ruff format, Prettier, Biome) change quotes, spacing, trailing commas and
line wrapping; none of that changes what the code says. A token key keeps what it says:
string literals by value, no whitespace or comments, no trailing comma before a closing
bracket, and only the first logical line (a handler's body is not the handler). Both
languages share one small tokenizer: it only has to tell strings, comments and brackets
apart, never to parse.
"""

from __future__ import annotations

import ast
import re

# Python string prefixes (r, b, f, u and their pairs) are kept apart from the literal so
# that `'a'` and `"a"` agree while `b'a'` and `'a'` do not.
_TOKEN = re.compile(
    r"""
    (?P<nl>\\\r?\n|\r?\n)
  | (?P<space>[ \t\f\v]+)
  | (?P<comment>\#[^\r\n]*|//[^\r\n]*|/\*.*?\*/)
  | (?P<string>
        (?P<prefix>[rRbBuUfFtT]{0,2})
        (?: '''(?:\\.|[^\\])*?'''
          | \"\"\"(?:\\.|[^\\])*?\"\"\"
          | '(?:\\.|[^'\\\r\n])*'
          | "(?:\\.|[^"\\\r\n])*"
          | `(?:\\.|[^`\\])*`
        )
    )
  | (?P<word>[A-Za-z_$][\w$]*|\d[\w.]*)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
MAX_TOKENS = 200  # a key is an identity, not a copy of the code


def token_key(code: str) -> str:
    """The code's first logical line as normalised tokens, joined by spaces."""
    return token_lines(code, 0, 1)[0]


def token_lines(text: str, start: int, count: int, end: int | None = None) -> list[str]:
    """The `count` logical lines of `text[start:end]`, each as normalised tokens (an empty
    string past the end). A logical line ends at a newline outside brackets;
    semicolons are dropped, so JavaScript with and without them agrees."""
    stop = len(text) if end is None else end
    lines = []
    for _ in range(count):
        line, start = _line_from(text, start, stop)
        lines.append(line)
    return lines


class LineReader:
    """`token_lines(text, start, 2)` at many starts of one text, each logical line read
    once: the line after one start's is the first line of another start."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, tuple[str, int]] = {}  # offset -> its line, the offset after

    def first_two(self, start: int) -> tuple[str, str]:
        line, following = self._line_at(start)
        return line, self._line_at(following)[0]

    def _line_at(self, offset: int) -> tuple[str, int]:
        found = self._lines.get(offset)
        if found is None:
            found = self._lines[offset] = _line_from(self.text, offset, len(self.text))
        return found


def _line_from(text: str, start: int, end: int) -> tuple[str, int]:
    """The first logical line of `text[start:end]` as tokens ("" past the end), and
    where the next begins."""
    tokens: list[str] = []
    depth = 0
    for match in _TOKEN.finditer(text, start, end):
        kind = match.lastgroup  # the outer group: `string`, not its `prefix`
        if kind == "nl":
            if match.group().startswith("\\"):
                continue  # a backslash continuation joins lines
            if depth <= 0 and tokens:
                return " ".join(tokens), match.end()
            continue
        if kind in ("space", "comment"):
            continue
        value = match.group()
        if kind == "string":
            value = _string_value(match.group("prefix") or "", value)
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if tokens and tokens[-1] == ",":
                tokens.pop()  # a trailing comma says nothing
        elif value == ";":
            continue
        tokens.append(value)
        if len(tokens) >= MAX_TOKENS:
            return " ".join(tokens), match.end()
    return " ".join(tokens), end


def _plain(prefix: str, literal: str) -> bool:
    """A quoted string without prefix, escape, carriage return (the parser reads one as a
    newline), NUL (refused) or non-ASCII character (a lone surrogate is refused)."""
    return (
        not prefix
        and literal[0] != "`"
        and literal.isascii()
        and "\\" not in literal
        and "\r" not in literal
        and "\0" not in literal
    )


def _string_value(prefix: str, literal: str) -> str:
    if _plain(prefix, literal):
        # The value is the text between the quotes, as `ast.literal_eval` has it (which
        # parses the literal): most strings are these.
        quote = 3 if literal[:3] in ("'''", '"""') else 1
        return repr(literal[quote:-quote])
    body = literal[len(prefix) :]
    kind = "".join(sorted(prefix.lower().replace("u", "")))
    if "f" not in kind and "t" not in kind and not body.startswith("`"):
        try:
            value = ast.literal_eval(literal if kind else body)
        except (SyntaxError, ValueError):
            pass
        else:
            return f"{kind}{value!r}"
    # f-strings and template literals: their text, whatever the quotes.
    quote = 3 if body[:3] in ("'''", '"""') else 1
    marker = "`" if body.startswith("`") else "~"
    return f"{kind}{marker}{body[quote:-quote]!r}"
