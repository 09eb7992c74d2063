"""The channels PostDesk counts for, their limits and the unit each one counts in.

Sources and caveats per platform are in ``/shared/design/COUNTING.md``. In short:

======== ============ =========================================================
channel  limit        unit
======== ============ =========================================================
X        280          twitter-text weighted length (URLs 23, emoji 2, CJK 2)
Bluesky  300 and 3000 grapheme clusters and UTF-8 bytes (both must hold)
Mastodon 500 (server) grapheme clusters, URLs 23 (server), ``@user@domain`` as ``@user``
Threads  500          UTF-8 bytes (Meta documents emoji as their UTF-8 bytes)
LinkedIn 3000         UTF-16 code units (undocumented; the most conservative unit)
Facebook 63206        UTF-16 code units (undocumented)
Instagram 2200        UTF-16 code units (undocumented)
======== ============ =========================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DEFAULT_MASTODON",
    "PROFILES",
    "Channel",
    "ChannelLimits",
    "MastodonServer",
    "Unit",
    "channel_label",
    "limits_for",
]


class Channel(StrEnum):
    """A platform a post can be published to. The values are stable ids."""

    X = "x"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    THREADS = "threads"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"

    @property
    def label(self) -> str:
        """The platform's name as people write it."""
        return _LABELS[self]


_LABELS = {
    Channel.X: "X",
    Channel.BLUESKY: "Bluesky",
    Channel.MASTODON: "Mastodon",
    Channel.THREADS: "Threads",
    Channel.LINKEDIN: "LinkedIn",
    Channel.FACEBOOK: "Facebook",
    Channel.INSTAGRAM: "Instagram",
}


class Unit(StrEnum):
    """What a length is measured in."""

    WEIGHTED = "weighted"  # twitter-text weighted characters
    GRAPHEMES = "graphemes"  # user-perceived characters (extended grapheme clusters)
    UTF8_BYTES = "utf8_bytes"
    UTF16_UNITS = "utf16_units"


@dataclass(frozen=True, slots=True)
class MastodonServer:
    """The limits of one Mastodon server, from ``GET /api/v2/instance``.

    Attributes:
        max_characters: ``configuration.statuses.max_characters`` (500 on stock servers;
            forks change it).
        characters_reserved_per_url: ``configuration.statuses.characters_reserved_per_url``.
    """

    max_characters: int = 500
    characters_reserved_per_url: int = 23

    def __post_init__(self) -> None:
        if self.max_characters < 1 or self.characters_reserved_per_url < 0:
            raise ValueError(
                "MastodonServer: max_characters must be >= 1 and characters_reserved_per_url >= 0"
            )


DEFAULT_MASTODON = MastodonServer()


def channel_label(channel: str) -> str:
    """A channel id's name as people write it ("x" is "X"); an unknown id as it is."""
    known = Channel._value2member_map_.get(channel)
    return known.label if isinstance(known, Channel) else channel


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """The limits a channel enforces.

    Attributes:
        channel: the channel.
        unit: the unit of `limit`.
        limit: the maximum length in `unit`.
        byte_limit: a second limit in UTF-8 bytes that must hold too (Bluesky), or None.
    """

    channel: Channel
    unit: Unit
    limit: int
    byte_limit: int | None = None


PROFILES: dict[Channel, ChannelLimits] = {
    Channel.X: ChannelLimits(Channel.X, Unit.WEIGHTED, 280),
    Channel.BLUESKY: ChannelLimits(Channel.BLUESKY, Unit.GRAPHEMES, 300, byte_limit=3000),
    Channel.MASTODON: ChannelLimits(Channel.MASTODON, Unit.GRAPHEMES, 500),
    Channel.THREADS: ChannelLimits(Channel.THREADS, Unit.UTF8_BYTES, 500),
    Channel.LINKEDIN: ChannelLimits(Channel.LINKEDIN, Unit.UTF16_UNITS, 3000),
    Channel.FACEBOOK: ChannelLimits(Channel.FACEBOOK, Unit.UTF16_UNITS, 63206),
    Channel.INSTAGRAM: ChannelLimits(Channel.INSTAGRAM, Unit.UTF16_UNITS, 2200),
}
"""Each channel's limits; Mastodon's is the stock server's (see `limits_for`)."""


def limits_for(channel: Channel, mastodon: MastodonServer = DEFAULT_MASTODON) -> ChannelLimits:
    """The limits of `channel`, with Mastodon's taken from the given server.

    Args:
        channel: the channel.
        mastodon: the Mastodon server's limits (only used for Mastodon).

    Returns:
        The channel's limits.
    """
    if channel is Channel.MASTODON:
        return ChannelLimits(Channel.MASTODON, Unit.GRAPHEMES, mastodon.max_characters)
    return PROFILES[channel]
