"""Making any text the editor can hold storable on every backend."""

from __future__ import annotations

import regex

# Lone surrogates (from a bad paste) cannot be encoded as UTF-8, and PostgreSQL text
# cannot hold NUL. Each becomes U+FFFD, one UTF-16 unit for one, so cursor positions and
# span offsets still line up; the policy checks flag the replacement character.
_UNSTORABLE = regex.compile(r"[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """The text with characters no database can store replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)
