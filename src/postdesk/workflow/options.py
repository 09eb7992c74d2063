"""How a draft goes out beyond its text and channels: as a thread, and essential or not.

Kept apart from the workflow service (and free of SQLAlchemy) so the composer can use the
same rule for "a reason was given" at start-up cost of nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Enough for a sentence or two; the field is a reason, not a second post. Counted in
# UTF-16 units, as the composer's field counts its maximum length, so what the author
# sees in the field is exactly what is kept.
MAX_REASON_CHARS = 1_000
# What storage puts in place of characters it cannot keep (NUL, a lone surrogate).
_REPLACEMENT = "\ufffd"


def reason_given(reason: str) -> bool:
    """Whether a reason says anything: a letter, digit, punctuation mark or symbol.

    Spaces, zero-width characters, direction marks and lone combining marks are not a
    reason, however many there are; nor is U+FFFD, which is what a NUL or a lone
    surrogate becomes once stored.
    """
    return any(
        unicodedata.category(character)[0] in "LNPS" and character != _REPLACEMENT
        for character in reason
    )


def clipped_reason(reason: str) -> str:
    """The reason cut to `MAX_REASON_CHARS` UTF-16 units, never inside a surrogate pair."""
    units = reason.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_REASON_CHARS:
        return reason
    # "ignore" drops the half of a pair the cut would leave.
    return units[: 2 * MAX_REASON_CHARS].decode("utf-16-le", "ignore")


@dataclass(frozen=True)
class PostOptions:
    """How a draft goes out, beyond its text and channels; frozen into each revision.

    Attributes:
        as_thread: post a text too long for one post as a numbered thread, on the
            channels that have threads.
        essential: the author marked it essential, so it may go out during an election
            period.
        essential_reason: why, in the author's words (required for it to count).
    """

    as_thread: bool = False
    essential: bool = False
    essential_reason: str = ""

    @property
    def counts_as_essential(self) -> bool:
        """Marked essential with a reason: a tick without one does not lift the block."""
        return self.essential and reason_given(self.essential_reason)
