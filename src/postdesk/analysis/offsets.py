"""Map between Python string indices and UTF-16 code unit offsets.

Python indexes a string by code point. LanguageTool (a Java program) and Qt's
``QTextCursor`` count UTF-16 code units, where every character outside the Basic
Multilingual Plane (most emoji, for example) takes two units. Without a mapping, every
finding after an emoji would be highlighted one place too far to the right.

Lone surrogates (which Python strings may hold, for example from a broken paste) count
as one unit on both sides, so they never shift offsets; `scrub_surrogates` replaces
them before text is sent anywhere that must encode it as UTF-8.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["Utf16Index", "scrub_surrogates", "utf16_length"]

# Characters that UTF-16 stores as a surrogate pair (two code units).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Surrogate code points on their own: UTF-8 cannot encode them.
_SURROGATE = re.compile("[\ud800-\udfff]")
_REPLACEMENT = "\ufffd"


def utf16_length(text: str) -> int:
    """The length of `text` in UTF-16 code units."""
    return len(text) + sum(1 for _ in _ASTRAL.finditer(text))


def scrub_surrogates(text: str) -> str:
    """Replace lone surrogates with U+FFFD so the text can be encoded as UTF-8.

    Both are one UTF-16 unit and one Python index, so offsets stay the same.
    """
    return _SURROGATE.sub(_REPLACEMENT, text)


class Utf16Index:
    """Converts offsets in one text between Python indices and UTF-16 units.

    Build it once per text and convert many offsets: each conversion is a binary
    search over the positions of astral characters, and free when there are none.

    Args:
        text: the text the offsets refer to.
    """

    __slots__ = ("_astral", "_length", "_unit_starts")

    def __init__(self, text: str) -> None:
        self._length = len(text)
        # Python indices of the astral characters, in order.
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # The UTF-16 offset where each astral character starts: the k-th one is
        # preceded by k earlier astral characters, each one unit longer than in Python.
        self._unit_starts = [index + k for k, index in enumerate(self._astral)]

    @property
    def utf16_length(self) -> int:
        """The length of the text in UTF-16 code units."""
        return self._length + len(self._astral)

    def to_utf16(self, index: int) -> int:
        """The UTF-16 offset of a Python index, clamped to the text.

        Args:
            index: a Python string index.

        Returns:
            The matching UTF-16 offset, for Qt or LanguageTool.
        """
        index = min(max(index, 0), self._length)
        if not self._astral:
            return index
        return index + bisect_right(self._astral, index - 1)

    def to_python(self, offset: int, *, round_up: bool = False) -> int:
        """The Python index of a UTF-16 offset, clamped to the text.

        Args:
            offset: a UTF-16 code unit offset.
            round_up: where an offset falls between the two halves of a surrogate
                pair (only a faulty server would send one), return the index after
                the character instead of the one before it. Use it for span ends so
                a span never shrinks to miss the character.

        Returns:
            The matching Python string index.
        """
        offset = min(max(offset, 0), self.utf16_length)
        if not self._astral:
            return offset
        # Astral characters that start before the offset.
        before = bisect_right(self._unit_starts, offset - 1)
        if before and self._unit_starts[before - 1] == offset - 1:
            # The offset points at the low half of a surrogate pair.
            start = self._astral[before - 1]
            return start + 1 if round_up else start
        return offset - before

    def span_to_python(self, offset: int, length: int) -> tuple[int, int]:
        """A UTF-16 (offset, length) span as Python (start, end), inside the text.

        Args:
            offset: the UTF-16 offset of the span.
            length: the span length in UTF-16 units (negative counts as zero).

        Returns:
            ``(start, end)`` with ``0 <= start <= end <= len(text)``.
        """
        start = self.to_python(offset)
        end = self.to_python(offset + max(length, 0), round_up=True)
        return start, max(start, end)
