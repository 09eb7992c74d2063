"""What a post looks like on each platform: its posts, its links and where it is too long.

The composer's preview shows, per selected channel, the post as that platform would show
it. Everything it needs to decide is here, free of Qt, so it can be tested without a
display and computed on a worker thread:

* **which posts**: for channels that publish threads (X, Bluesky, Mastodon, Threads) the
  parts `postdesk.analysis.splitter.split_thread` makes, exactly as
  ``postdesk.publishing.publisher.split_for`` calls it; for LinkedIn, Facebook and
  Instagram, which have no threads, the text as one post and, when it does not fit, by
  how much it is over.
* **how links, mentions and hashtags look**: each platform's own rules where they are
  known (see `display_url`); what each platform links is in `_ENTITY_RULES`.
* **what is safe to draw**: lone surrogates and control characters become U+FFFD (one
  code point for one, so offsets never move), and a huge paste is cut to
  `PREVIEW_CHARS` characters per channel at a grapheme cluster boundary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import regex

from postdesk.analysis.channels import DEFAULT_MASTODON, Channel, MastodonServer, Unit
from postdesk.analysis.count_mastodon import extract_mentions
from postdesk.analysis.count_unicode import cluster_start
from postdesk.analysis.counting import ChannelCount, Reason, count
from postdesk.analysis.splitter import SplitError, split_thread
from postdesk.analysis.threads import THREADING_CHANNELS
from postdesk.analysis.urls import extract_mastodon_urls, extract_x_urls

__all__ = [
    "AUTHOR",
    "PREVIEW_CHARS",
    "THREADING_CHANNELS",
    "ChannelPreview",
    "PreviewLine",
    "PreviewPost",
    "Segment",
    "SegmentKind",
    "build_previews",
    "display_url",
    "line_direction",
    "rich_lines",
    "safe_text",
    "too_long_words",
]

AUTHOR = "Your organisation"
"""The placeholder author line on every card."""

PREVIEW_CHARS = 5_000
"""At most this many characters of a post (or of a thread, all parts together) are shown
per channel: enough for any LinkedIn or Instagram post and a thread of about 18 posts on X,
small enough that a 100,000-character paste lays out in a few milliseconds."""

# X's display_url: the host without scheme and "www.", then this much of the rest. X does
# not document it; every display_url in X API samples we found fits it exactly
# ("dev.twitter.com/terms/display-…", "youtube.com/watch?v=6agp_W…", "nytimes.com").
X_DISPLAY_PATH = 15
# Mastodon's TextFormatter.shortened_link: after "http(s)://" (and "www.") or "xmpp:",
# show 30 characters and then an ellipsis, unless only one more would follow.
MASTODON_DISPLAY = 30
ELLIPSIS = "\u2026"

SegmentKind = Literal["text", "link", "mention", "tag"]

_X_SCHEME = re.compile(r"\Ahttps?://", re.IGNORECASE)
_X_WWW = re.compile(r"\Awww\.", re.IGNORECASE)
_HOST_END = re.compile(r"[/?#]")
# Mastodon's URL_PREFIX_REGEX (case-sensitive in Ruby too).
_MASTODON_PREFIX = re.compile(r"\A(?:https?://(?:www\.)?|xmpp:)")
# Lines end where str.splitlines ends them (LF, CR, CR LF, VT, FF, FS-RS, NEL, U+2028/9).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What cannot be drawn: lone surrogates and control characters other than the tab.
_UNDRAWABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
_REPLACEMENT = "\ufffd"
# twitter-text's mention: up to 20 of [A-Za-z0-9_], not after a word character or one of
# !#$%&*@, and not followed by @, a Latin accent or "://" (then it is not a mention).
_X_MENTION = regex.compile(
    r"(?<![A-Za-z0-9_!#$%&*@\uff20])[@\uff20][A-Za-z0-9_]{1,20}+"
    r"(?![@\uff20\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]|://)"
)
# A handle on Threads and Instagram: up to 30 letters, digits, '_' and '.', not ending in
# '.' (a full stop after it is punctuation), and no mention at all when '@' follows.
_DOTTED_MENTION = regex.compile(
    r"(?<![\p{L}\p{M}\p{Nd}_@\uff20])[@\uff20][A-Za-z0-9_][A-Za-z0-9_.]{0,29}+(?![@\uff20])"
)
# A hashtag: '#' not after a word character or '&', then word characters of which at
# least one is a letter ("#2025" is not a hashtag anywhere). The letter check is done
# separately so that a long run of digits cannot make the expression backtrack.
_HASHTAG = regex.compile(
    r"(?<![\p{L}\p{M}\p{Nd}_&])[#\uff03](?![\ufe0f\u20e3])[\p{L}\p{M}\p{Nd}_]+"
)
_LETTER = regex.compile(r"[\p{L}\p{M}]")
_WHITE_SPACE = re.compile(r"\s")

_UNIT_WORDS = {
    Unit.WEIGHTED: "characters",
    Unit.GRAPHEMES: "characters",
    Unit.UTF8_BYTES: "bytes",
    Unit.UTF16_UNITS: "characters",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a line, drawn one way.

    Attributes:
        kind: "text", or "link", "mention" or "tag" (drawn as a link).
        text: what the platform shows (a shortened URL, "@user" for "@user@host"),
            safe to draw (see `safe_text`).
        target: the full URL, handle or tag it stands for ("" for text).
    """

    kind: SegmentKind
    text: str
    target: str = ""


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One line of a post.

    Attributes:
        direction: "rtl" or "ltr" from the line's first strong character, or None when
            it has none (the line then follows its surroundings).
        segments: the line's runs, in order; empty for a blank line.
    """

    direction: Literal["rtl", "ltr"] | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class PreviewPost:
    """One post as the platform shows it.

    Attributes:
        index: its 1-based position in the thread.
        total: the number of posts in the thread (1 when not a thread).
        text: what PostDesk publishes, numbering included.
        body: the part of the draft it carries (`text` without the numbering).
        count: the channel's count of `text`.
        lines: `text` (or as much of it as the preview shows) as drawn lines.
        clipped: only the start of `text` is in `lines`.
    """

    index: int
    total: int
    text: str
    body: str
    count: ChannelCount
    lines: tuple[PreviewLine, ...]
    clipped: bool = False


@dataclass(frozen=True, slots=True)
class ChannelPreview:
    """A channel's card.

    Attributes:
        channel: the channel.
        posts: the posts shown, in order (a thread may have more, see `total_posts`).
        total_posts: how many posts PostDesk would publish (0 for an empty text).
        length: the number of characters of the text (for "shows the first N of M").
        shown_chars: how many characters of the text the posts show, when that is fewer
            than all of them; None when everything is shown.
        too_long: for a channel without threads, the count of a text that does not fit.
        problem: why the text cannot be published there at all, or None.
        notes: what else the reader should know about the platform, in words.
    """

    channel: Channel
    posts: tuple[PreviewPost, ...]
    total_posts: int
    length: int
    shown_chars: int | None = None
    too_long: ChannelCount | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_thread(self) -> bool:
        """Whether PostDesk would publish the text as more than one post."""
        return self.total_posts > 1


def safe_text(text: str) -> str:
    """`text` with lone surrogates and control characters (but tabs) as U+FFFD.

    One code point becomes one, so every index into `text` is still right. Line breaks
    are control characters too: split lines first (`rich_lines` does).
    """
    return _UNDRAWABLE.sub(_REPLACEMENT, text)


def line_direction(line: str) -> Literal["rtl", "ltr"] | None:
    """The direction of a line from its first strong character (HTML's dir="auto").

    Args:
        line: one line of text.

    Returns:
        "rtl" for Hebrew, Arabic and other right-to-left scripts, "ltr" for a left-to-right
        letter, None when the line has no strong character (digits, emoji, punctuation).
    """
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def display_url(url: str, channel: Channel) -> str:
    """How `channel` shows a URL found in a post.

    * X: without scheme and "www.", the host and the first 15 characters of the rest,
      then "…" (from X API samples; X does not document it); a bare "/" path is dropped.
    * Mastodon: without "http(s)://" (and "www.") or "xmpp:", 30 characters, then "…"
      unless only one more would follow (``TextFormatter.shortened_link``).
    * Everywhere else as typed: Bluesky shows the text PostDesk posts (its facets only
      mark it as a link), and the others do not document any shortening.

    Args:
        url: the URL as it appears in the text.
        channel: the channel.

    Returns:
        The text the platform shows for the link.
    """
    if channel is Channel.X:
        rest = _X_WWW.sub("", _X_SCHEME.sub("", url))
        found = _HOST_END.search(rest)
        if found is None:
            return rest
        host, path = rest[: found.start()], rest[found.start() :]
        if path == "/":
            return host
        if len(path) > X_DISPLAY_PATH:
            return host + path[:X_DISPLAY_PATH] + ELLIPSIS
        return host + path
    if channel is Channel.MASTODON:
        prefix = _MASTODON_PREFIX.match(url)
        rest = url[prefix.end() :] if prefix else url
        if len(rest) > MASTODON_DISPLAY + 1:
            return rest[:MASTODON_DISPLAY] + ELLIPSIS
        return rest
    return url


# -- entities: what each platform draws as a link --------------------------------------

_Entity = tuple[int, int, SegmentKind, str, str]  # start, end, kind, shown, target
_Finder = Callable[[str], list[_Entity]]


def _x_urls(text: str) -> list[_Entity]:
    return [
        (start, end, "link", display_url(text[start:end], Channel.X), text[start:end])
        for start, end in extract_x_urls(text)
    ]


def _typed_urls(text: str) -> list[_Entity]:
    """URLs (found as X finds them) shown as typed: for platforms with no known rule."""
    return [
        (start, end, "link", text[start:end], text[start:end])
        for start, end in extract_x_urls(text)
    ]


def _mastodon_urls(text: str) -> list[_Entity]:
    return [
        (start, end, "link", display_url(text[start:end], Channel.MASTODON), text[start:end])
        for start, end in extract_mastodon_urls(text)
    ]


def _mastodon_mentions(text: str) -> list[_Entity]:
    # Mastodon shows a mention of a known account as "@user", the domain left out.
    return [
        (start, end, "mention", "@" + username, text[start:end])
        for start, end, username in extract_mentions(text)
    ]


def _x_mentions(text: str) -> list[_Entity]:
    return [
        (match.start(), match.end(), "mention", match.group(), match.group())
        for match in _X_MENTION.finditer(text)
    ]


def _dotted_mentions(text: str) -> list[_Entity]:
    found: list[_Entity] = []
    for match in _DOTTED_MENTION.finditer(text):
        handle = match.group().rstrip(".")
        end = match.start() + len(handle)
        found.append((match.start(), end, "mention", handle, handle))
    return found


def _hashtags(text: str) -> list[_Entity]:
    if "#" not in text and "\uff03" not in text:
        return []
    return [
        (match.start(), match.end(), "tag", match.group(), match.group())
        for match in _HASHTAG.finditer(text)
        if _LETTER.search(match.group(), 1)
    ]


def _bluesky(text: str) -> list[_Entity]:
    # The facets PostDesk publishes: Bluesky links exactly these (a mention only when
    # the handle exists, which the preview cannot know). Imported here because the
    # publishing package builds on analysis, not the other way round.
    from postdesk.publishing.richtext import detect

    return [
        (span.start, span.end, span.kind, text[span.start : span.end], span.value)
        for span in detect(text)
    ]


_ENTITY_RULES: dict[Channel, tuple[_Finder, ...]] = {
    Channel.X: (_x_urls, _x_mentions, _hashtags),
    Channel.MASTODON: (_mastodon_urls, _mastodon_mentions, _hashtags),
    Channel.BLUESKY: (_bluesky,),
    Channel.THREADS: (_typed_urls, _dotted_mentions, _hashtags),
    # PostDesk escapes '#' and '@' for LinkedIn's little text format: both stay text.
    Channel.LINKEDIN: (_typed_urls,),
    # A Graph API post tags nobody from "@name" text.
    Channel.FACEBOOK: (_typed_urls, _hashtags),
    # Links in captions are not clickable; hashtags and @handles are.
    Channel.INSTAGRAM: (_dotted_mentions, _hashtags),
}


def _entities(text: str, channel: Channel) -> list[_Entity]:
    """Non-overlapping entities, sorted; earlier finders (URLs first) win overlaps."""
    kept: list[_Entity] = []
    taken: list[tuple[int, int]] = []
    for finder in _ENTITY_RULES[channel]:
        for entity in finder(text):
            start, end = entity[0], entity[1]
            if end <= start or any(start < high and low < end for low, high in taken):
                continue
            kept.append(entity)
            taken.append((start, end))
    return sorted(kept, key=lambda entity: entity[0])


def rich_lines(text: str, channel: Channel, limit: int | None = None) -> tuple[PreviewLine, ...]:
    """`text` as `channel` draws it: lines of text, links, mentions and hashtags.

    Args:
        text: one post's text.
        channel: the platform.
        limit: draw only the first this many characters (None: all of it).

    Returns:
        The lines, each with its direction; every character drawn is safe to draw.
    """
    end = len(text) if limit is None else min(limit, len(text))
    # Look for entities a little past the cut so the last visible one is found whole,
    # but not through the rest of a huge text.
    after = _WHITE_SPACE.search(text, end)
    scanned = text if after is None else text[: after.start()]
    runs: list[Segment] = []
    position = 0
    for start, stop, kind, shown, target in _entities(scanned, channel):
        if start >= end:
            break
        if start > position:
            runs.append(Segment("text", text[position:start]))
        runs.append(Segment(kind, shown if stop <= end else text[start:end], target))
        position = min(stop, end)
    if position < end:
        runs.append(Segment("text", text[position:end]))
    return _into_lines(runs)


def _into_lines(runs: Iterable[Segment]) -> tuple[PreviewLine, ...]:
    lines: list[list[Segment]] = [[]]
    for run in runs:
        pieces = _LINE_BREAK.split(run.text)
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
            if piece:
                lines[-1].append(Segment(run.kind, safe_text(piece), run.target))
    return tuple(
        PreviewLine(line_direction("".join(segment.text for segment in line)), tuple(line))
        for line in lines
    )


# -- the cards ------------------------------------------------------------------------


def _cut(text: str, budget: int) -> int:
    """Where to stop drawing `text` within `budget` characters: a cluster boundary."""
    if len(text) <= budget:
        return len(text)
    return cluster_start(text, budget) or budget


def _over_words(result: ChannelCount) -> str:
    parts = [
        f"{measure.length - measure.limit:,} {_UNIT_WORDS[measure.unit]} over "
        f"the {measure.limit:,} limit"
        for measure in result.measures
        if not measure.fits
    ]
    return " and ".join(parts) or "over the limit"


def _notes(channel: Channel, posts: Iterable[PreviewPost]) -> tuple[str, ...]:
    notes: list[str] = []
    if channel is Channel.INSTAGRAM:
        notes.append("Links are not clickable in Instagram captions.")
    if channel is Channel.LINKEDIN:
        notes.append("PostDesk sends #hashtags and @mentions to LinkedIn as plain text.")
    if any(Reason.INVALID_CHARACTER in post.count.reasons for post in posts):
        notes.append(
            f"{channel.label} refuses this post: it contains an invisible character "
            f"{channel.label} does not accept (see Findings)."
        )
    return tuple(notes)


def _thread_card(
    text: str, channel: Channel, server: MastodonServer, budget: int
) -> ChannelPreview:
    try:
        parts = split_thread(text, channel, mastodon=server)
    except SplitError as error:
        return ChannelPreview(
            channel, (), 0, len(text), problem=f"PostDesk cannot split this post: {error}."
        )
    posts: list[PreviewPost] = []
    left = budget
    shown = 0
    for part in parts:
        if left <= 0:
            break
        end = _cut(part.text, left)
        posts.append(
            PreviewPost(
                part.index,
                part.total,
                part.text,
                part.body,
                part.count,
                rich_lines(part.text, channel, end),
                clipped=end < len(part.text),
            )
        )
        left -= end
        shown = part.start + min(end, len(part.body))
    everything = len(posts) == len(parts) and not (posts and posts[-1].clipped)
    return ChannelPreview(
        channel,
        tuple(posts),
        len(parts),
        len(text),
        shown_chars=None if everything else shown,
        notes=_notes(channel, posts),
    )


def _single_card(text: str, channel: Channel, budget: int) -> ChannelPreview:
    # Published as split_thread would leave it (no white space at either end), but never
    # as a thread: LinkedIn, Facebook and Instagram have none.
    start = len(text) - len(text.lstrip())
    body = text[start : len(text.rstrip())]
    if not body:
        return ChannelPreview(channel, (), 0, len(text))
    result = count(body, channel)
    end = _cut(body, budget)
    post = PreviewPost(
        1, 1, body, body, result, rich_lines(body, channel, end), clipped=end < len(body)
    )
    return ChannelPreview(
        channel,
        (post,),
        1,
        len(text),
        shown_chars=start + end if post.clipped else None,
        too_long=None if result.fits else result,
        notes=_notes(channel, (post,)),
    )


def too_long_words(preview: ChannelPreview) -> str | None:
    """ "Too long for LinkedIn: 512 characters over the 3,000 limit. …", or None."""
    if preview.too_long is None:
        return None
    label = preview.channel.label
    if preview.channel in THREADING_CHANNELS:
        remedy = "Shorten the post, or post it as a thread."
    else:
        remedy = f"{label} does not publish threads, so shorten the post."
    return f"Too long for {label}: {_over_words(preview.too_long)}. {remedy}"


def build_previews(
    text: str,
    channels: Iterable[Channel],
    mastodon: MastodonServer | None = None,
    *,
    max_chars: int = PREVIEW_CHARS,
    as_thread: bool = True,
) -> tuple[ChannelPreview, ...]:
    """Every selected channel's card, in the given order.

    Args:
        text: the draft as typed.
        channels: the selected channels, in display order.
        mastodon: the Mastodon server's limits (the stock server's when None).
        max_chars: draw at most this many characters per channel.
        as_thread: split a long post into a thread where the channel has threads, as
            the publisher will; when False every channel shows one post.

    Returns:
        One card per channel. Never raises for any text.
    """
    server = mastodon or DEFAULT_MASTODON
    cards: list[ChannelPreview] = []
    for channel in channels:
        channel = Channel(channel)
        if as_thread and channel in THREADING_CHANNELS:
            cards.append(_thread_card(text, channel, server, max_chars))
        else:
            cards.append(_single_card(text, channel, max_chars))
    return tuple(cards)
