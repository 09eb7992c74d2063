"""Line numbers for the keys of a TOML file, which `tomllib` does not give.

`tomllib` reports the line of a syntax error, but once a file parses it returns plain
dicts and lists with no positions. A pack's semantic problems (an unknown level, a
misspelt rule id) must still name a line, so this module scans the text once more and
records where each table, key and array element starts:

- ``[levels]`` is recorded as ``("levels",)``;
- the third ``[[rules]]`` table as ``("rules", 2)``, and its ``level = ...`` key as
  ``("rules", 2, "level")``;
- ``embargo-term = ["a", "b"]`` under ``[words]`` as ``("words", "embargo-term")``, and
  its elements as ``("words", "embargo-term", 0)`` and ``("words", "embargo-term", 1)``
  (useful when the array spans lines).

The scanner only runs on text that `tomllib` has accepted, so it can be small: it
knows the four string forms, comments, brackets and commas, and nothing else. For a
path it has not recorded, `KeyLines.line` walks up to the nearest recorded parent, so
a problem always gets the best line there is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["KeyLines", "Path", "scan"]

Path = tuple[str | int, ...]

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class KeyLines:
    """Where each recorded path starts in one TOML text.

    Attributes:
        lines: path to 1-based line number.
    """

    lines: Mapping[Path, int]

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest recorded parent, or None."""
        for length in range(len(path), 0, -1):
            found = self.lines.get(path[:length])
            if found is not None:
                return found
        return None


class _Scanner:
    """A cursor over the text that tracks the line number."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[Path, int] = {}
        self.table: Path = ()
        self.array_counts: dict[Path, int] = {}

    # -- low-level movement ------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.pos >= len(self.text):
                return
            if self.text[self.pos] == "\n":
                self.line += 1
            self.pos += 1

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs and comments (and line breaks when `newlines`)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                while self.pos < len(self.text) and self.text[self.pos] != "\n":
                    self.advance()
            else:
                return

    def skip_line(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] != "\n":
            self.advance()

    def read_string(self) -> str:
        """Read one string of any of the four forms; returns its raw contents."""
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            self.advance(3)
            end = self.text.find(quote * 3, self.pos)
            while end >= 0 and quote == '"' and _escaped(self.text, end):
                end = self.text.find(quote * 3, end + 1)
            end = len(self.text) if end < 0 else end
            # A closing delimiter may be followed by up to two more quotes.
            while self.text.startswith(quote, end + 3):
                end += 1
            value = self.text[self.pos : end]
            self.advance(end + 3 - self.pos)
            return value
        self.advance()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in (quote, "\n"):
            if quote == '"' and self.text[self.pos] == "\\":
                self.advance()
            self.advance()
        value = self.text[start : self.pos]
        self.advance()
        return value

    # -- TOML structure ---------------------------------------------------------------

    def read_key(self) -> list[str]:
        """Read a possibly dotted key, stopping before ``=`` or ``]``."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char in ('"', "'"):
                parts.append(self.read_string())
            else:
                start = self.pos
                while self.peek() and self.peek() in _BARE_KEY_CHARS:
                    self.advance()
                if self.pos == start:
                    return parts
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def header(self) -> None:
        line = self.line
        double = self.text.startswith("[[", self.pos)
        self.advance(2 if double else 1)
        name = tuple(self.read_key())
        self.skip_line()
        if double:
            index = self.array_counts.get(name, 0)
            self.array_counts[name] = index + 1
            self.table = (*name, index)
        else:
            self.table = name
        self.found.setdefault(self.table, line)

    def key_value(self) -> None:
        line = self.line
        path: Path = (*self.table, *self.read_key())
        self.found.setdefault(path, line)
        self.skip_blank(newlines=False)
        if self.peek() == "=":
            self.advance()
        self.skip_blank(newlines=False)
        self.value(path)

    def value(self, path: Path) -> None:
        """Skip one value, recording the line of each element of a top-level array."""
        char = self.peek()
        if char in ('"', "'"):
            self.read_string()
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:
            while self.peek() and self.peek() not in ",]}\n#":
                self.advance()

    def array(self, path: Path) -> None:
        self.advance()  # [
        index = 0
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char in ("", "]"):
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            self.found.setdefault((*path, index), self.line)
            self.value((*path, index))
            index += 1

    def inline_table(self, path: Path) -> None:
        self.advance()  # {
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char in ("", "}"):
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            line = self.line
            key = (*path, *self.read_key())
            if len(key) == len(path):
                self.advance()  # not a key: step over it rather than loop forever
                continue
            self.found.setdefault(key, line)
            self.skip_blank(newlines=False)
            if self.peek() == "=":
                self.advance()
            self.skip_blank(newlines=False)
            self.value(key)

    def run(self) -> dict[Path, int]:
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            char = self.peek()
            if not char:
                break
            if char == "[":
                self.header()
            elif char in _BARE_KEY_CHARS or char in ('"', "'"):
                self.key_value()
                self.skip_line()
            else:
                self.skip_line()
        return self.found


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` is escaped by an odd run of backslashes."""
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def scan(text: str) -> KeyLines:
    """Record the line of every table, key and array element in a TOML text.

    Args:
        text: TOML that `tomllib` accepted (other text gives partial, never wrong-typed,
            results and never raises).

    Returns:
        The lines found.
    """
    try:
        return KeyLines(_Scanner(text).run())
    except (IndexError, ValueError):  # pragma: no cover - defensive: never fail a load
        return KeyLines({})
