"""Posting a long text as a thread: which channels can, and what the length check says then.

Without "post as a thread" a text over a channel's limit is a block finding: the channel
would refuse it. With it, X, Bluesky, Mastodon and Threads take the text as a numbered
reply chain, split exactly as the publisher splits it (`postdesk.analysis.splitter`), so
the finding becomes information: how many posts it will be. LinkedIn, Facebook and
Instagram have no threads, so an over-limit text stays blocked there.
"""

from __future__ import annotations

from collections.abc import Iterable

from postdesk.analysis.channels import DEFAULT_MASTODON, Channel, MastodonServer
from postdesk.analysis.counting import ChannelCount
from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.splitter import SplitError, split_thread

__all__ = ["THREADING_CHANNELS", "THREAD_RULE", "thread_findings", "thread_lengths"]

THREADING_CHANNELS = frozenset({Channel.X, Channel.BLUESKY, Channel.MASTODON, Channel.THREADS})
"""Channels where a long post goes out as a numbered thread (a reply chain)."""

THREAD_RULE = "thread-split"
"""The rule id of the "will post as a thread of N" finding."""


def thread_lengths(
    text: str,
    counts: Iterable[ChannelCount],
    *,
    mastodon: MastodonServer = DEFAULT_MASTODON,
    content_warning: str = "",
) -> dict[Channel, int]:
    """How many posts the text becomes on each threading channel it does not fit.

    Channels it fits, channels without threads, and texts the splitter cannot split
    (numbering or a content warning that leaves no room) are left out: for those the
    over-limit finding stands.
    """
    lengths: dict[Channel, int] = {}
    for result in counts:
        if result.fits or result.channel not in THREADING_CHANNELS:
            continue
        try:
            parts = split_thread(
                text, result.channel, mastodon=mastodon, content_warning=content_warning
            )
        except SplitError:
            continue
        if len(parts) > 1:
            lengths[result.channel] = len(parts)
    return lengths


def thread_findings(text: str, lengths: dict[Channel, int]) -> list[Finding]:
    """One info finding per channel the text will go to as a thread, over the whole text."""
    return [
        Finding(
            rule=THREAD_RULE,
            level=Level.INFO,
            start=0,
            end=len(text),
            message=f"Will post to {channel.label} as a thread of {posts}.",
        )
        for channel, posts in lengths.items()
    ]
