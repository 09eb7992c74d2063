"""Links, hashtags and emoji in a post, found the same way by every policy rule.

The counting engine has exact, per-platform versions of these (twitter-text's URL
rules, X's emoji weights). Policy rules need something simpler and steadier: where
a reader sees a link, a hashtag or an emoji. Keeping these small finders here means
the policy rules do not change when a platform's counting rules do.

Links:
    ``https://...``, ``http://...``, ``www.`` addresses, and bare domains with a known
    top-level domain (``gov.uk/tax``, ``bit.ly/abc``). A bare domain with no path
    counts only when written in lower case: "GOV.UK" in a sentence is the service's
    name, "leeds.gov.uk" is an address. Trailing punctuation stays outside, and a
    closing bracket only belongs to a link that opened one.
Hashtags:
    ``#`` (or the full-width number sign, U+FF03) after a non-word character, then word characters
    with at least one letter, as X and Mastodon link them.
Emoji:
    an emoji-presentation character or pictograph with U+FE0F, with any skin tone, and
    whole ZWJ sequences, flag pairs, tag flags (🏴 England) and keycaps as one emoji.
    Text-style symbols without U+FE0F ("©", "™", "→") are not emoji.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

__all__ = ["Link", "emoji_spans", "find_links", "hashtag_spans"]

# Top-level domains recognised without a scheme: the common generic ones, the UK public
# sector's own (scot, wales, cymru, nhs, police), and any two-letter country code
# (which covers the link shorteners: bit.ly, ow.ly, goo.gl, is.gd, tiny.cc).
_GENERIC_TLDS = (
    "com|org|net|gov|edu|int|info|biz|app|dev|io|social|online|news|blog|scot|wales|"
    "cymru|london|nhs|police|link|page|site|website|services|care|health|uk"
)
_URL = re.compile(
    rf"""
      (?P<scheme>(?:https?|ftp)://)[^\s<>"]+
    | www\.[^\s<>"]+
    | (?<![\w@./:\-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_GENERIC_TLDS}|[a-z]{{2}})
      (?![\w\-@])(?P<path>[/?\#][^\s<>"]*)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"\u2019\u201d\u2026*"
_LINK_HINT = re.compile(r"\.[^\W_]|://")
_BREAK = re.compile(r'[\s<>"]')
_BREAK_BACKWARDS = regex.compile(r'(?r)[\s<>"]')
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/?#\s]*@)?(?P<host>[^/?#:\s]+)", re.IGNORECASE)

_HASHTAG = re.compile(r"(?<![\w#&/\uff03])[#\uff03](?=\w*[^\W\d_])\w+")

# One emoji element: a presentation-default emoji, or any pictograph or emoji
# character made into an emoji by U+FE0F; either may carry a skin tone.
_ELEMENT = (
    r"(?:(?![#*0-9])\p{Emoji}\ufe0f\p{Emoji_Modifier}?"
    r"|\p{Emoji_Presentation}\p{Emoji_Modifier}?\ufe0f?"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}\ufe0f?)"
)
# After a zero-width joiner, a pictograph is part of the sequence even without U+FE0F
# (as in the woman health worker, U+1F469 U+200D U+2695 U+FE0F).
_JOINED = r"(?:\p{Extended_Pictographic}\ufe0f?\p{Emoji_Modifier}?|" + _ELEMENT + ")"
_EMOJI = regex.compile(
    r"\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # tag flags: England, Scotland, Wales
    r"|\p{Regional_Indicator}{2}"  # a flag
    r"|[#*0-9]\ufe0f?\u20e3"  # a keycap
    rf"|{_ELEMENT}(?:\u200d{_JOINED})*"
)
# Any character that can start or be part of an emoji: a cheap first test.
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c-\u3299\ufe0f\U0001f000-\U0001faff]")


@dataclass(frozen=True, slots=True)
class Link:
    """One link in a post.

    Attributes:
        start: where it starts in the text.
        end: one past where it ends.
        url: the link as written.
        host: its host name, lower case, without ``www.``, port or user name.
        insecure: True when it starts ``http://``.
    """

    start: int
    end: int
    url: str
    host: str
    insecure: bool

    def on_domain(self, domain: str) -> bool:
        """Whether the link is on `domain` or one of its subdomains."""
        domain = domain.lower().strip(".")
        return self.host == domain or self.host.endswith("." + domain)


def find_links(text: str) -> list[Link]:
    """The links in a text, in order.

    Args:
        text: any text.

    Returns:
        The links, not overlapping.
    """
    links: list[Link] = []
    if "." not in text and "://" not in text:
        return links
    for chunk_start, chunk_end in _chunks(text):
        for match in _URL.finditer(text, chunk_start, chunk_end):
            link = _link(text, match)
            if link is not None:
                links.append(link)
    return links


def _chunks(text: str) -> list[tuple[int, int]]:
    """The runs between spaces that could hold a link (``://``, or a dot before a letter).

    No link contains white space, so searching only these runs finds the same links
    as searching the whole text, and a post's ordinary words are never looked at.
    """
    chunks: list[tuple[int, int]] = []
    end = 0
    for hint in _LINK_HINT.finditer(text):
        if hint.start() < end:
            continue
        before = _BREAK_BACKWARDS.search(text, 0, hint.start())
        start = before.end() if before is not None else 0
        after = _BREAK.search(text, hint.end())
        end = after.start() if after is not None else len(text)
        chunks.append((start, end))
    return chunks


def _link(text: str, match: re.Match[str]) -> Link | None:
    start = match.start()
    url = _trim(match.group())
    if not url:
        return None
    end = start + len(url)
    bare = match.group("scheme") is None and not url.lower().startswith("www.")
    if bare and match.group("path") is None and not url.islower():
        return None  # "GOV.UK" as a name, not an address
    if end < len(text) and text[end] == "@":
        return None  # the part of an email address after a dot
    host_match = _HOST.match(url)
    host = host_match.group("host").lower().rstrip(".") if host_match else ""
    host = host.removeprefix("www.")
    return Link(start, end, url, host, url.lower().startswith("http://"))


def _trim(url: str) -> str:
    """Drop trailing punctuation, and a closing bracket the link did not open."""
    opened = {")": url.count("("), "]": url.count("[")}
    closed = {")": url.count(")"), "]": url.count("]")}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in closed and opened[last] < closed[last]:
            closed[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each hashtag, the ``#`` included."""
    if "#" not in text and "\uff03" not in text:
        return []
    return [match.span() for match in _HASHTAG.finditer(text)]


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each emoji, a whole sequence counting as one.

    Args:
        text: any text.

    Returns:
        The spans, in order, not overlapping.
    """
    if text.isascii() or _MAYBE_EMOJI.search(text) is None:
        return []
    return [match.span() for match in _EMOJI.finditer(text)]
