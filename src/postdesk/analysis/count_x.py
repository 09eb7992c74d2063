"""X's weighted length: twitter-text 3.1.0's ``parseTweet``, in Python.

The text is NFC-normalised first. Then, left to right: a URL that starts here weighs 23;
otherwise an emoji that starts here weighs 2; otherwise one code point weighs 1 if it is
in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F or U+2032-U+2037 and 2 if not (config
v2/v3 ranges). The post is valid when its weighted length is 1-280 and it holds none of
U+FFFE, U+FEFF, U+FFFF. See ``/shared/design/COUNTING.md``.

The total is computed in bulk (one regular expression counts the heavy characters);
only when the post is too long is it walked unit by unit to find where the overflow
starts, and that walk stops at the 281st weight unit.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from postdesk.analysis.count_emoji import x_emoji_spans
from postdesk.analysis.count_unicode import cluster_start, nfc
from postdesk.analysis.urls import extract_x_urls

__all__ = ["X_DEFAULT", "X_V2", "X_V3", "XConfig", "XCount", "count_x"]

_INVALID = re.compile("[\ufffe\ufeff\uffff]")
_V3_RANGES: tuple[tuple[int, int, int], ...] = (
    (0x0000, 0x10FF, 100),
    (0x2000, 0x200D, 100),
    (0x2010, 0x201F, 100),
    (0x2032, 0x2037, 100),
)


@dataclass(frozen=True, slots=True)
class XConfig:
    """A twitter-text configuration (``config/v2.json``, ``v3.json``).

    Attributes:
        max_weighted_length: the limit, in weight units divided by `scale`.
        scale: the divisor that turns weights into characters.
        default_weight: the weight of a code point outside every range.
        transformed_url_length: what every URL counts, before scaling.
        ranges: ``(first, last, weight)`` code point ranges, not overlapping.
        emoji_parsing: count each emoji as `default_weight` (v3) or per code point (v2).
    """

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    ranges: tuple[tuple[int, int, int], ...] = field(default=_V3_RANGES)
    emoji_parsing: bool = True

    def __post_init__(self) -> None:
        if self.scale <= 0 or self.max_weighted_length < 0 or self.default_weight < 0:
            raise ValueError("XConfig: scale must be positive, limits and weights >= 0")
        ordered = sorted(self.ranges)
        for (_, last, weight), (first, _, _) in itertools.pairwise(ordered):
            if first <= last or weight < 0:
                raise ValueError("XConfig: ranges must not overlap")


X_V2 = XConfig(emoji_parsing=False)
"""``config/v2.json``: 280 weighted, no emoji parsing (WeightedTweetsCounterTest)."""
X_V3 = XConfig()
"""``config/v3.json``: v2 plus emoji parsing."""
X_DEFAULT = X_V3
"""twitter-text's default configuration, v3."""


@dataclass(frozen=True, slots=True)
class XCount:
    """The result of weighing a post for X.

    Attributes:
        weighted_length: the length X shows (280 is the limit).
        limit: the configuration's maximum.
        overflow_at: index into the original text where the part over the limit starts
            (a grapheme cluster start), or None when it fits.
        invalid_characters: indices into the original text of U+FFFE, U+FEFF, U+FFFF.
    """

    weighted_length: int
    limit: int
    overflow_at: int | None
    invalid_characters: tuple[int, ...]

    @property
    def fits(self) -> bool:
        """Whether the weighted length is within the limit."""
        return self.weighted_length <= self.limit

    @property
    def valid(self) -> bool:
        """twitter-text's ``valid``: 1 to 280 weighted, and no invalid characters."""
        return self.fits and self.weighted_length > 0 and not self.invalid_characters


@dataclass(frozen=True, slots=True)
class _Weigher:
    """Per-configuration character weights, with one bulk pattern per non-default weight."""

    config: XConfig
    classes: tuple[tuple[re.Pattern[str], int], ...]
    ascii_weight: int | None  # the weight of every ASCII character, if one range has them

    def weight(self, text: str) -> int:
        """Total scaled weight of the code points of `text` (no URLs, no emoji)."""
        if not text:
            return 0
        if self.ascii_weight is not None and text.isascii():
            return len(text) * self.ascii_weight
        total = len(text) * self.config.default_weight
        for pattern, weight in self.classes:
            matched = len("".join(pattern.findall(text)))
            total += matched * (weight - self.config.default_weight)
        return total

    def char_weight(self, char: str) -> int:
        """Scaled weight of one code point."""
        code = ord(char)
        for first, last, weight in self.config.ranges:
            if first <= code <= last:
                return weight
        return self.config.default_weight


@cache
def _weigher(config: XConfig) -> _Weigher:
    by_weight: dict[int, list[str]] = {}
    for first, last, weight in config.ranges:
        if weight != config.default_weight:
            by_weight.setdefault(weight, []).append(f"{_escape(first)}-{_escape(last)}")
    classes = tuple(
        (re.compile("[" + "".join(parts) + "]+"), weight) for weight, parts in by_weight.items()
    )
    ascii_weight = next(
        (weight for first, last, weight in config.ranges if first <= 0 and last >= 0x7F), None
    )
    if ascii_weight is None and not any(first <= 0x7F for first, _, _ in config.ranges):
        ascii_weight = config.default_weight
    return _Weigher(config, classes, ascii_weight)


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


def _entities(text: str, config: XConfig) -> list[tuple[int, int, int]]:
    """URL and emoji spans as parseTweet consumes them, with their scaled weights.

    At each index a URL that starts there wins over an emoji; anything that starts
    inside an entity already taken is skipped.
    """
    url_weight = config.transformed_url_length * config.scale
    events = [(start, 0, end, url_weight) for start, end in extract_x_urls(text)]
    if config.emoji_parsing:
        events.extend((start, 1, end, config.default_weight) for start, end in x_emoji_spans(text))
    events.sort()
    taken: list[tuple[int, int, int]] = []
    position = 0
    for start, _, end, weight in events:
        if start < position:
            continue
        taken.append((start, end, weight))
        position = end
    return taken


def _overflow_index(
    text: str, entities: list[tuple[int, int, int]], weigher: _Weigher, budget: int
) -> int:
    """The first index of the NFC text whose unit pushes the total over `budget`."""
    total = 0
    position = 0
    for start, end, weight in [*entities, (len(text), len(text), 0)]:
        if position < start:
            gap = weigher.weight(text[position:start])
            if total + gap > budget:
                for index in range(position, start):
                    total += weigher.char_weight(text[index])
                    if total > budget:
                        return index
            total += gap
        if start < end:
            total += weight
            if total > budget:
                return start
        position = end
    return len(text)  # not reached when the total is over budget


def count_x(text: str, config: XConfig = X_DEFAULT) -> XCount:
    """Weigh a post as X does.

    Args:
        text: the post as typed; never raises, whatever it holds.
        config: the twitter-text configuration (default v3, with current emoji data).

    Returns:
        The weighted length, where it overflows, and any invalid characters.
    """
    normalized = nfc(text)
    plain = normalized.text
    weigher = _weigher(config)
    entities = _entities(plain, config)
    # Entities replace the weight of their code points with their own.
    total = weigher.weight(plain) - weigher.weight("".join(plain[a:b] for a, b, _ in entities))
    total += sum(weight for _, _, weight in entities)
    budget = config.max_weighted_length * config.scale
    overflow_at: int | None = None
    if total > budget:
        index = _overflow_index(plain, entities, weigher, budget)
        overflow_at = cluster_start(text, normalized.to_original(index))
    invalid = tuple(match.start() for match in _INVALID.finditer(text))
    # Weights are whole multiples of the scale in every published configuration;
    # anything else rounds up, so the shown length never understates.
    return XCount(-(-total // config.scale), config.max_weighted_length, overflow_at, invalid)
