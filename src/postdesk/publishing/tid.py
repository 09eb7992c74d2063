"""Record keys and timestamps for Bluesky, chosen once before the first attempt.

A TID is the AT Protocol's timestamp identifier: 53 bits of microseconds since the epoch
and a 10-bit clock id, written in base32-sortable (13 characters), so keys sort by time.
A retried putRecord with the same key and the same record is a no-op on the PDS, which is
what makes a Bluesky post exactly-once.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_lock = threading.Lock()
_last = 0


def _tid(microseconds: int, clock_id: int) -> str:
    value = (microseconds << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_record_keys(count: int) -> tuple[str, ...]:
    """`count` TIDs, strictly increasing, never repeated within this process."""
    global _last
    clock_id = random.randrange(1024)
    keys = []
    with _lock:
        for _ in range(count):
            now = max(time.time_ns() // 1000, _last + 1)
            _last = now
            keys.append(_tid(now, clock_id))
    return tuple(keys)


def new_created_at(count: int) -> tuple[str, ...]:
    """createdAt values for `count` records, one millisecond apart, in ISO 8601 UTC."""
    start = datetime.now(UTC)
    return tuple(
        datetime.fromtimestamp(start.timestamp() + i / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
        for i in range(count)
    )
