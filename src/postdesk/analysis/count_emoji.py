"""Find the emoji that X counts as 2 each, however many code points they hold.

X's documented rule: an emoji counts 2, skin tones, genders and ZWJ sequences included.
twitter-text 3.1.0 implements it with twemoji-parser's table, which predates Emoji 12,
so newer sequences (🧔‍♂️, 🐦‍🔥, 🏳️‍⚧️) fall apart into pieces there. PostDesk follows the
documented rule with the current Unicode emoji data instead, and otherwise keeps
twemoji-parser's behaviour:

* keycaps (``1⃣``, ``#️⃣``), an emoji with U+FE0F, a skin-tone modifier sequence, a
  single pictograph: one emoji each;
* ``©`` and ``®`` without U+FE0F are text (weight 1), not emoji;
* flags, tag flags (🏴 England) and ZWJ sequences count as one emoji only when they are
  recommended for general interchange (RGI, listed in
  ``resources/counting/emoji_sequences.txt``); otherwise (🐶‍🐱, made-up flags) they
  count piece by piece, each emoji 2 and each ZWJ 1, as twemoji-parser does;
* regional indicators pair left to right, a valid flag taking two, as in twemoji-parser.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import regex

__all__ = ["x_emoji_spans"]

_ZWJ = "\u200d"
_VS16 = "\ufe0f"
# One emoji "element"; ZWJ sequences are elements joined by U+200D.
_ELEMENT = (
    r"(?:[#*0-9]\ufe0f?\u20e3"  # keycap
    r"|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # tag sequence (RGI-checked)
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"  # skin tone
    r"|(?![#*0-9])\p{Emoji}\ufe0f"  # emoji presentation sequence
    r"|(?![\u00a9\u00ae])(?!\p{Regional_Indicator})"
    r"[\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Emoji_Modifier}])"
)
# Either a run of regional indicators (paired later) or a ZWJ chain of elements; no
# element starts with a regional indicator, so the two never compete for a position.
_EMOJI_RUN = regex.compile(
    rf"(?P<regional>\p{{Regional_Indicator}}+)|(?P<chain>{_ELEMENT}(?:\u200d{_ELEMENT})*)"
)
_ELEMENT_ONLY = regex.compile(_ELEMENT)
# Characters every emoji element contains at least one of. The only other \p{Emoji}
# characters are # * 0-9, which need U+FE0F or U+20E3 after them to be emoji.
_MARKER_CLASS = (
    r"[\u20e3\ufe0f\p{Extended_Pictographic}\p{Emoji_Presentation}"
    r"\p{Emoji_Modifier}\p{Regional_Indicator}]"
)


@cache
def _zones() -> re.Pattern[str]:
    """Stretches that can hold emoji: marker characters less than 17 apart.

    The `regex` module tests emoji properties at about 50 ns a character; this `re`
    pattern (BMP markers as a bitmap, every astral character counted as a marker)
    skips plain text about ten times faster, and the exact pattern then runs only
    inside the stretches. Built from the `regex` module's data on first use.
    """
    bmp = "".join(map(chr, range(0x10000)))
    ranges = "".join(
        f"\\u{match.start():04x}-\\u{match.end() - 1:04x}"
        for match in regex.finditer(_MARKER_CLASS + "+", bmp)
    )
    marker = f"[{ranges}\\U00010000-\\U0010ffff]"
    other = f"[^{ranges}\\U00010000-\\U0010ffff]"
    return re.compile(f"{marker}+(?:{other}{{1,16}}{marker}+)*")


@cache
def _rgi() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """RGI ZWJ sequences (without U+FE0F), flag pairs and tag sequences."""
    return _load()[:3]


@cache
def _max_zwj_elements() -> int:
    """The most elements any RGI ZWJ sequence has (4 in Emoji 17: kiss, family)."""
    return _load()[3]


@cache
def _load() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    data = (
        resources.files("postdesk.resources")
        .joinpath("counting/emoji_sequences.txt")
        .read_text("utf-8")
    )
    sections: dict[str, set[str]] = {"zwj": set(), "flag": set(), "tag": set()}
    current: set[str] | None = None
    for raw in data.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections[line[1:-1]]
            continue
        if current is None:
            raise ValueError("emoji_sequences.txt: a sequence before the first section")
        sequence = "".join(chr(int(code, 16)) for code in line.split())
        current.add(sequence.replace(_VS16, "") if current is sections["zwj"] else sequence)
    zwj = frozenset(sections["zwj"])
    longest = max((sequence.count(_ZWJ) + 1 for sequence in zwj), default=1)
    return zwj, frozenset(sections["flag"]), frozenset(sections["tag"]), longest


def _element_spans(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    """Add one span per element of text[start:end] (no ZWJ inside), checking tag flags."""
    _, _, tags = _rgi()
    for match in _ELEMENT_ONLY.finditer(text, start, end):
        element = match.group()
        if element.startswith("\U0001f3f4") and len(element) > 1 and element not in tags:
            # An unknown tag sequence: the black flag is an emoji, the tags count alone.
            out.append((match.start(), match.start() + 1))
        else:
            out.append(match.span())


def _chain_spans(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    """Spans for one ZWJ chain: the longest RGI sequences first, then single elements."""
    if text.find(_ZWJ, start, end) < 0:
        # One element: only an unknown tag flag needs a closer look.
        if text[start] == "\U0001f3f4" and end - start > 1:
            _element_spans(text, start, end, out)
        else:
            out.append((start, end))
        return
    zwj_set, _, _ = _rgi()
    # Element boundaries: the chain holds no ZWJ other than the joiners.
    bounds: list[tuple[int, int]] = []
    begin = start
    while True:
        joiner = text.find(_ZWJ, begin, end)
        if joiner < 0:
            bounds.append((begin, end))
            break
        bounds.append((begin, joiner))
        begin = joiner + 1
    if len(bounds) == 1:
        _element_spans(text, start, end, out)
        return
    longest = _max_zwj_elements()
    index = 0
    while index < len(bounds):
        taken = index
        # Longest first, as twemoji-parser's alternation; bounded so that a chain of
        # thousands of joined emoji stays linear.
        for last in range(min(len(bounds) - 1, index + longest - 1), index, -1):
            candidate = text[bounds[index][0] : bounds[last][1]].replace(_VS16, "")
            if candidate in zwj_set:
                taken = last
                break
        if taken > index:
            out.append((bounds[index][0], bounds[taken][1]))
        else:
            _element_spans(text, bounds[index][0], bounds[index][1], out)
        index = taken + 1


def _regional_spans(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    """Pair regional indicators left to right where the pair is an RGI flag."""
    _, flags, _ = _rgi()
    position = start
    while position < end:
        if position + 1 < end and text[position : position + 2] in flags:
            out.append((position, position + 2))
            position += 2
        else:
            out.append((position, position + 1))
            position += 1


def x_emoji_spans(text: str) -> list[tuple[int, int]]:
    """Where the emoji are that X counts as 2 each.

    Args:
        text: NFC text (X counts after normalising).

    Returns:
        ``(start, end)`` Python index pairs, in order, not overlapping.
    """
    if text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    for zone in _zones().finditer(text):
        # A keycap's digit, '#' or '*' comes just before its marker.
        start = max(zone.start() - 1, 0)
        for match in _EMOJI_RUN.finditer(text, start, zone.end()):
            if match.group("regional") is not None:
                _regional_spans(text, match.start(), match.end(), spans)
            else:
                _chain_spans(text, match.start(), match.end(), spans)
    return spans
