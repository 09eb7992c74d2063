"""Per-channel post length: how long a post is on each platform and where it overflows.

This is what the editor's live counters call on every keystroke::

    counts = count_all(text, [Channel.X, Channel.BLUESKY], mastodon=server_limits)
    counts[Channel.X].length, counts[Channel.X].fits, counts[Channel.X].overflow_at

Every function here accepts any string (empty, megabytes long, lone surrogates, control,
bidi and zero-width characters) without raising; counts are never negative and every
index is within ``[0, len(text)]``. ``overflow_at`` always indexes the text as passed in
(before NFC or stripping) and falls on a grapheme cluster start, so highlighting
``text[overflow_at:]`` never splits an emoji or an accented letter.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from enum import StrEnum

from postdesk.analysis.channels import (
    DEFAULT_MASTODON,
    Channel,
    MastodonServer,
    Unit,
    limits_for,
)
from postdesk.analysis.count_mastodon import count_mastodon
from postdesk.analysis.count_unicode import (
    cluster_start,
    grapheme_count,
    nth_cluster_start,
    prefix_within,
    utf8_length,
    utf16_length,
)
from postdesk.analysis.count_x import count_x
from postdesk.analysis.findings import Finding, Level

__all__ = [
    "ChannelCount",
    "Measure",
    "Reason",
    "count",
    "count_all",
    "length_findings",
    "warm_up",
]


class Reason(StrEnum):
    """Why a post cannot be published to a channel as it stands."""

    TOO_LONG = "too_long"
    TOO_MANY_BYTES = "too_many_bytes"  # Bluesky's second limit
    EMPTY = "empty"  # X refuses an empty post
    INVALID_CHARACTER = "invalid_character"  # X refuses U+FFFE, U+FEFF, U+FFFF


@dataclass(frozen=True, slots=True)
class Measure:
    """One length and the limit it must stay within.

    Attributes:
        unit: what `length` counts.
        length: the length, >= 0.
        limit: the maximum.
    """

    unit: Unit
    length: int
    limit: int

    @property
    def fits(self) -> bool:
        """Whether the length is within the limit."""
        return self.length <= self.limit


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """A post's length on one channel.

    Attributes:
        channel: the channel.
        length: the length in `unit`, the number the channel shows against `limit`.
        limit: the channel's limit in `unit`.
        unit: what `length` counts.
        fits: whether every limit holds (Bluesky has two, see `measures`).
        overflow_at: the index into the original text where the part that does not fit
            starts, or None when it fits.
        reasons: why the post cannot be published there; empty when it can.
        measures: every length the channel checks, the main one first.
        invalid_characters: indices of characters the channel refuses (X only).
    """

    channel: Channel
    length: int
    limit: int
    unit: Unit
    fits: bool
    overflow_at: int | None
    reasons: tuple[Reason, ...] = ()
    measures: tuple[Measure, ...] = ()
    invalid_characters: tuple[int, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the channel would accept the text as it is."""
        return not self.reasons

    @property
    def remaining(self) -> int:
        """How much of the limit is left; negative when over."""
        return self.limit - self.length


def _x(text: str) -> ChannelCount:
    result = count_x(text)
    reasons: list[Reason] = []
    if result.invalid_characters:
        reasons.append(Reason.INVALID_CHARACTER)
    if not result.fits:
        reasons.append(Reason.TOO_LONG)
    if result.weighted_length == 0:
        reasons.append(Reason.EMPTY)
    measure = Measure(Unit.WEIGHTED, result.weighted_length, result.limit)
    return ChannelCount(
        Channel.X,
        result.weighted_length,
        result.limit,
        Unit.WEIGHTED,
        result.fits,
        result.overflow_at,
        tuple(reasons),
        (measure,),
        result.invalid_characters,
    )


def _bluesky(text: str) -> ChannelCount:
    limits = limits_for(Channel.BLUESKY)
    byte_limit = limits.byte_limit or 0
    graphemes = Measure(Unit.GRAPHEMES, grapheme_count(text), limits.limit)
    size = Measure(Unit.UTF8_BYTES, utf8_length(text), byte_limit)
    reasons: list[Reason] = []
    candidates: list[int] = []
    if not graphemes.fits:
        reasons.append(Reason.TOO_LONG)
        first = nth_cluster_start(text, limits.limit)
        candidates.append(len(text) if first is None else first)
    if not size.fits:
        reasons.append(Reason.TOO_MANY_BYTES)
        candidates.append(cluster_start(text, prefix_within(text, byte_limit, utf8_length)))
    overflow_at = min(candidates) if candidates else None
    return ChannelCount(
        Channel.BLUESKY,
        graphemes.length,
        graphemes.limit,
        Unit.GRAPHEMES,
        not reasons,
        overflow_at,
        tuple(reasons),
        (graphemes, size),
    )


def _mastodon(text: str, server: MastodonServer, content_warning: str) -> ChannelCount:
    result = count_mastodon(
        text,
        content_warning=content_warning,
        limit=server.max_characters,
        url_length=server.characters_reserved_per_url,
    )
    measure = Measure(Unit.GRAPHEMES, result.length, result.limit)
    return ChannelCount(
        Channel.MASTODON,
        result.length,
        result.limit,
        Unit.GRAPHEMES,
        result.fits,
        result.overflow_at,
        () if result.fits else (Reason.TOO_LONG,),
        (measure,),
    )


def _sized(text: str, channel: Channel) -> ChannelCount:
    """Threads (UTF-8 bytes) and LinkedIn, Facebook, Instagram (UTF-16 units)."""
    limits = limits_for(channel)
    measure_of = utf8_length if limits.unit is Unit.UTF8_BYTES else utf16_length
    length = measure_of(text)
    fits = length <= limits.limit
    overflow_at = None
    if not fits:
        overflow_at = cluster_start(text, prefix_within(text, limits.limit, measure_of))
    return ChannelCount(
        channel,
        length,
        limits.limit,
        limits.unit,
        fits,
        overflow_at,
        () if fits else (Reason.TOO_LONG,),
        (Measure(limits.unit, length, limits.limit),),
    )


def count(
    text: str,
    channel: Channel,
    *,
    mastodon: MastodonServer = DEFAULT_MASTODON,
    content_warning: str = "",
) -> ChannelCount:
    """Measure a post for one channel.

    Args:
        text: the post as typed (LF line breaks, as Qt's ``toPlainText`` gives).
        channel: the channel.
        mastodon: the Mastodon server's limits (only used for Mastodon).
        content_warning: Mastodon's content warning, which counts against its limit
            (ignored for other channels).

    Returns:
        The length, the limit and where the text overflows.
    """
    channel = Channel(channel)
    if channel is Channel.X:
        return _x(text)
    if channel is Channel.BLUESKY:
        return _bluesky(text)
    if channel is Channel.MASTODON:
        return _mastodon(text, mastodon, content_warning)
    return _sized(text, channel)


def count_all(
    text: str,
    channels: Iterable[Channel] = tuple(Channel),
    *,
    mastodon: MastodonServer = DEFAULT_MASTODON,
    content_warning: str = "",
) -> dict[Channel, ChannelCount]:
    """Measure a post for several channels (all seven by default).

    Args:
        text: the post as typed.
        channels: the channels, in the order the result should keep.
        mastodon: the Mastodon server's limits.
        content_warning: Mastodon's content warning.

    Returns:
        One count per channel.
    """
    return {
        Channel(channel): count(
            text, Channel(channel), mastodon=mastodon, content_warning=content_warning
        )
        for channel in channels
    }


def warm_up() -> None:
    """Load the TLD and emoji data and compile the URL expressions (about 0.15 s).

    Everything loads on first use anyway; an app can call this from a worker thread
    at start-up so that the first keystroke does not wait for it.
    """
    count_all("warm up https://www.example.com gov.uk @a@b.example 👍🏽 é")


def length_findings(
    text: str, counts: Iterable[ChannelCount], *, threaded: Container[Channel] = ()
) -> list[Finding]:
    """Turn counts into findings for the editor's findings list.

    A post over a channel's limit gets an ``over-limit`` finding (one per channel) over
    the part that does not fit; each character X refuses gets an ``x-invalid-character``
    finding with an empty replacement as its suggestion. Both are `Level.BLOCK`: the
    channel would refuse the post.

    Args:
        text: the text that was counted.
        counts: counts of that text.
        threaded: channels the text goes to as a thread, where being over the limit is
            not a finding here (`postdesk.analysis.threads` says how many posts instead).

    Returns:
        The findings, in the order of `counts`.
    """
    findings: list[Finding] = []
    for result in counts:
        label = result.channel.label
        if result.overflow_at is not None and result.channel not in threaded:
            over = ", ".join(
                f"{measure.length - measure.limit} {_UNIT_WORDS[measure.unit]}"
                for measure in result.measures
                if not measure.fits
            )
            findings.append(
                Finding(
                    rule="over-limit",
                    level=Level.BLOCK,
                    start=result.overflow_at,
                    end=len(text),
                    message=f"Too long for {label}: {over} over the limit.",
                )
            )
        findings.extend(
            Finding(
                rule="x-invalid-character",
                level=Level.BLOCK,
                start=index,
                end=index + 1,
                message=f"{label} refuses this invisible character (U+{ord(text[index]):04X}).",
                suggestion="",
            )
            for index in result.invalid_characters
        )
    return findings


_UNIT_WORDS = {
    Unit.WEIGHTED: "characters",
    Unit.GRAPHEMES: "characters",
    Unit.UTF8_BYTES: "bytes",
    Unit.UTF16_UNITS: "characters",
}
