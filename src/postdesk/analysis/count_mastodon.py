"""Mastodon's server-side length rule (``StatusLengthValidator``), in Python.

::

    length = graphemes( strip(spoiler_text) + countable_text( strip(text) ) )
    countable_text: "" if blank; else every URL with a scheme becomes "x" * 23 (the
    server's ``characters_reserved_per_url``) and every ``@user@domain`` becomes ``@user``

``strip`` is Ruby's ``String#strip`` (ASCII white space and NUL only), "blank" is
ActiveSupport's (only Unicode white space), and clusters follow Ruby 3.4 (Unicode 15.0:
no GB9c, so Indic conjuncts count 2). Mastodon's web composer runs a different
JavaScript approximation; only this rule decides whether a post is accepted.

A Ruby string cannot hold a lone surrogate (Mastodon never sees one), so PostDesk counts
each as U+FFFD, the character it becomes when the text is encoded for sending.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from postdesk.analysis.count_unicode import grapheme_count_ruby34, nth_cluster_start
from postdesk.analysis.urls import extract_mastodon_urls

__all__ = ["MastodonCount", "count_mastodon", "extract_mentions"]

_RUBY_STRIP = "\x00\t\n\x0b\x0c\r "
_BLANK = regex.compile(r"[\p{White_Space}]*")
_SURROGATE = regex.compile("[\ud800-\udfff]")
# Onigmo's [[:word:]]: Letter, Mark, Decimal_Number, Connector_Punctuation.
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
# Account::MENTION_RE; USERNAME_RE carries its own /i.
_MENTION = regex.compile(
    rf"(?<![=/{_WORD}])@((?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?)"
)
# twitter-text's end_mention_match: no mention when '@', a Latin accent or '://' follows.
_END_MENTION = regex.compile(
    r"(?i)(?:[@\uff20]|[\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257"
    r"\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://)"
)
_MAX_DOMAIN_LENGTH = 253


@dataclass(frozen=True, slots=True)
class MastodonCount:
    """The result of counting a post for a Mastodon server.

    Attributes:
        length: the count the server compares with its limit.
        limit: the server's ``max_characters``.
        overflow_at: index into the original text where the part over the limit starts,
            or None when it fits. When the content warning alone is over the limit, this
            is where the counted text starts (0 if nothing of it counts).
    """

    length: int
    limit: int
    overflow_at: int | None

    @property
    def fits(self) -> bool:
        """Whether the post is within the server's limit."""
        return self.length <= self.limit


def extract_mentions(text: str) -> list[tuple[int, int, str]]:
    """Mastodon's ``extract_mentions_or_lists_with_indices``.

    Args:
        text: any text.

    Returns:
        ``(start, end, username)`` for each mention: the span covers ``@user@domain``,
        and `username` is the part before the second ``@``.
    """
    if "@" not in text and "\uff20" not in text:
        return []
    mentions: list[tuple[int, int, str]] = []
    # Ruby's scan, jumping from '@' to '@' (much faster than a regex scan of the text);
    # like scan, the search goes on after the end of each match, kept or not.
    position = text.find("@")
    while position >= 0:
        match = _MENTION.match(text, position)
        if match is None:
            position = text.find("@", position + 1)
            continue
        position = text.find("@", match.end())
        if _END_MENTION.match(text, match.end()):
            continue
        username, _, domain = match.group(1).partition("@")
        if len(domain) > _MAX_DOMAIN_LENGTH:
            continue
        mentions.append((match.start(), match.end(), username))
    return mentions


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of the countable text and the original index it came from."""

    start: int  # in the countable text
    end: int
    orig_start: int
    literal: bool  # copied character for character (else a replacement)


def _countable(text: str, offset: int, url_length: int) -> tuple[str, list[_Piece]]:
    """``countable_text``: URLs and remote mentions replaced, with an offset map."""
    entities: list[tuple[int, int, str]] = [
        (start, end, "x" * url_length) for start, end in extract_mastodon_urls(text)
    ]
    entities.extend((start, end, "@" + name) for start, end, name in extract_mentions(text))
    # remove_overlapping_entities: sort by start, drop any that overlaps the last kept.
    entities.sort(key=lambda entity: entity[0])
    out: list[str] = []
    pieces: list[_Piece] = []
    produced = 0
    position = 0
    for start, end, replacement in entities:
        if start < position:
            continue
        if position < start:
            out.append(text[position:start])
            pieces.append(_Piece(produced, produced + start - position, offset + position, True))
            produced += start - position
        out.append(replacement)
        pieces.append(_Piece(produced, produced + len(replacement), offset + start, False))
        produced += len(replacement)
        position = end
    if position < len(text):
        out.append(text[position:])
        pieces.append(_Piece(produced, produced + len(text) - position, offset + position, True))
    return "".join(out), pieces


def _to_original(pieces: list[_Piece], index: int, fallback: int) -> int:
    for piece in pieces:
        if piece.start <= index < piece.end:
            return piece.orig_start + (index - piece.start if piece.literal else 0)
    return fallback


def count_mastodon(
    text: str, *, content_warning: str = "", limit: int = 500, url_length: int = 23
) -> MastodonCount:
    """Count a post as a Mastodon server does.

    Args:
        text: the post as typed; never raises, whatever it holds.
        content_warning: the spoiler text, which counts against the same limit.
        limit: the server's ``configuration.statuses.max_characters``.
        url_length: the server's ``characters_reserved_per_url``.

    Returns:
        The server's count and where the text overflows.
    """
    clean = _SURROGATE.sub("\ufffd", text) if not text.isascii() else text
    warning = content_warning.strip(_RUBY_STRIP)
    if not content_warning.isascii():
        warning = _SURROGATE.sub("\ufffd", warning)
    stripped = clean.strip(_RUBY_STRIP)
    offset = len(clean) - len(clean.lstrip(_RUBY_STRIP))
    pieces: list[_Piece] = []
    countable = ""
    if stripped and not _BLANK.fullmatch(stripped):
        countable, pieces = _countable(stripped, offset, url_length)
    combined = warning + countable
    length = grapheme_count_ruby34(combined)
    overflow_at: int | None = None
    if length > limit:
        first = nth_cluster_start(combined, limit, ruby34=True)
        start_of_text = offset if pieces else 0
        if first is None or first < len(warning):
            overflow_at = start_of_text
        else:
            # A cluster start of the countable text is one of the original too (or the
            # start of a replaced URL or mention), so no further snapping is needed.
            overflow_at = _to_original(pieces, first - len(warning), len(text))
    return MastodonCount(length, limit, overflow_at)
