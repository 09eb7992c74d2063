"""Sign-off ticks bound to the exact text they were given for.

A sign-off item (``[[sign_off]]`` in a pack) is a check no program can make: "this
post is politically impartial", "no legal risk: contempt of court, defamation,
copyright", "images have useful alt text". The author ticks the author's items before
submitting; the reviewer ticks the reviewer's before approving.

A tick (`SignOff`) records who ticked and when, and the SHA-256 of the exact text it
was given for. A tick whose hash differs from the current text's does not count, so
any edit, even one character, clears every tick (PRODUCT-ANCHORS W2: "any edit resets
to needs review"). This module is a pure model: storing ticks is the workflow's job.

An item with ``triggers`` is needed only when the text contains one of them (whole
words, any case): "announce" or "new policy" bring up "announced to Parliament
first"; "charged" or "trial" bring up the contempt-of-court check.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from postdesk.policy.model import Pack, Signer, SignOffItem

__all__ = [
    "SignOff",
    "outstanding_sign_offs",
    "required_sign_offs",
    "sign",
    "text_hash",
]

_TRIGGER_CACHE = 256


@dataclass(frozen=True, slots=True)
class SignOff:
    """One tick of one sign-off item.

    Attributes:
        item_id: the sign-off item's id.
        signed_by: who ticked it (a user name or id; the workflow decides which).
        signed_at: when, timezone-aware.
        text_hash: `text_hash` of the exact text ticked.
    """

    item_id: str
    signed_by: str
    signed_at: datetime
    text_hash: str

    def valid_for(self, text: str) -> bool:
        """Whether this tick was given for exactly `text`."""
        return self.text_hash == text_hash(text)


def text_hash(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, as 64 hex digits.

    Lone surrogates (which a paste can bring in) are encoded with ``surrogatepass`` so
    that any Python string has a hash and two different strings never share one.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sign(item_id: str, signed_by: str, text: str, at: datetime | None = None) -> SignOff:
    """A tick of `item_id` by `signed_by` for exactly `text`.

    Args:
        item_id: the item ticked.
        signed_by: who ticked it.
        text: the text as it stands when ticked.
        at: when (default: now, UTC).
    """
    return SignOff(item_id, signed_by, at or datetime.now(UTC), text_hash(text))


@lru_cache(maxsize=_TRIGGER_CACHE)
def _trigger_pattern(triggers: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = (
        r"(?<!\w)" + r"[\s\-]+".join(re.escape(word) for word in trigger.split()) + r"(?!\w)"
        for trigger in sorted(triggers, key=len, reverse=True)
        if trigger.split()
    )
    return re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE)


def triggered(item: SignOffItem, text: str) -> bool:
    """Whether `item` is needed for `text` (always, when it has no triggers)."""
    if not item.triggers:
        return True
    return _trigger_pattern(item.triggers).search(text) is not None


def required_sign_offs(pack: Pack, role: Signer | str, text: str) -> list[SignOffItem]:
    """The items `role` must tick for `text`, in pack order.

    Args:
        pack: the pack in force.
        role: ``author`` or ``reviewer``.
        text: the post.
    """
    who = Signer(role)
    return [item for item in pack.sign_offs if item.who is who and triggered(item, text)]


def outstanding_sign_offs(
    pack: Pack, role: Signer | str, text: str, ticks: Iterable[SignOff]
) -> list[SignOffItem]:
    """The items `role` must still tick for `text`.

    A tick counts only when it is for the same item and its hash is the hash of
    exactly this text: an edit after ticking clears the tick.

    Args:
        pack: the pack in force.
        role: ``author`` or ``reviewer``.
        text: the post as it stands.
        ticks: the ticks recorded so far (any items, any texts).

    Returns:
        The required items without a valid tick, in pack order; empty when done.
    """
    current = text_hash(text)
    done = {tick.item_id for tick in ticks if tick.text_hash == current}
    return [item for item in required_sign_offs(pack, role, text) if item.id not in done]
