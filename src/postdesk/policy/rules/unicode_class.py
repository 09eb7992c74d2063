"""Kind ``unicode``: characters of a class, such as "fancy" letters or invisible characters.

Used by ``fancy-text`` (mathematical bold and italic, full-width, circled and small-capital
letters, which screen readers read as symbols or skip) and ``hidden-characters``
(bidirectional overrides and isolates, zero-width spaces, soft hyphens, control
characters). Settings:

``ranges``
    code points as hex, ``"1D400-1D7FF"`` or ``"200B"``.
``categories``
    Unicode general categories, such as ``"Cf"`` (format) and ``"Cc"`` (control).
``exclude``
    ranges taken out again (tab, line feed and carriage return from ``Cc``).
``allow_in_emoji``
    characters inside an emoji are fine: the zero-width joiner and U+FE0F in 👩‍⚕️, the
    tag characters of 🏴 England, the enclosed "P" of 🅿️.
``allow_in_scripts``
    the zero-width joiner and non-joiner between letters of scripts that need them
    (Urdu, Bengali, Punjabi, Hindi: councils post in all of them), a variation
    selector after a non-ASCII character (a standardised variant of an ideograph or a
    maths symbol), and left-to-right and right-to-left marks in a text that has
    right-to-left letters. Isolates and overrides are flagged even there.
``suggest``
    ``"remove"`` (offer to delete), ``"plain"`` (offer the plain letters, via NFKC and
    a small-capitals table) or ``"none"``.
``merge``
    ``"adjacent"`` (touching characters make one finding) or ``"words"`` (a run of
    flagged words separated by spaces is one finding, so "Free event" in
    mathematical bold is one).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import regex

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["SPEC", "UnicodeParams", "plain_letters"]

_RANGE = re.compile(r"([0-9A-Fa-f]{1,6})(?:-([0-9A-Fa-f]{1,6}))?")
_CATEGORIES = frozenset(
    "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp "
    "Cc Cf Cs Co Cn".split()
)
_JOINERS = frozenset("\u200c\u200d")
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_RTL = regex.compile(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}]")
_EMOJI_CHAR = regex.compile(r"\p{Emoji}")
# Small capitals and other look-alikes that NFKC leaves alone.
_SMALL_CAPS = str.maketrans(
    "\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a\u1d0a\u1d0b\u029f\u1d0d"
    "\u0274\u1d0f\u1d18\u0280\ua731\u1d1b\u1d1c\u1d20\u1d21\u028f\u1d22",
    "abcdefghijklmnoprstuvwyz",
)


@dataclass(frozen=True)
class UnicodeParams(RuleParams):
    """Settings of a ``unicode`` rule (see the module docstring)."""

    char_class: str
    allow_in_emoji: bool = True
    allow_in_scripts: bool = False
    suggest: str = "none"
    merge: str = "adjacent"


def plain_letters(text: str) -> str:
    """Plain letters for fancy ones: NFKC folds mathematical, full-width and circled forms."""
    return unicodedata.normalize("NFKC", text).translate(_SMALL_CAPS)


def _ranges(fields: Fields, key: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for index, item in enumerate(fields.strings(key)):
        match = _RANGE.fullmatch(item.strip())
        if match is None:
            fields.problem(key, f'item {index + 1} must be hex like "200B" or "1D400-1D7FF"', index)
            continue
        low = int(match.group(1), 16)
        high = int(match.group(2), 16) if match.group(2) else low
        if low > high or high > 0x10FFFF:
            fields.problem(key, f"item {index + 1} ({item}) is not a valid range", index)
            continue
        out.append((low, high))
    return out


def _class_part(low: int, high: int) -> str:
    return f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}"


def _parse(fields: Fields) -> UnicodeParams:
    ranges = _ranges(fields, "ranges")
    categories = fields.strings("categories")
    for index, category in enumerate(categories):
        if category not in _CATEGORIES:
            fields.problem("categories", f'"{category}" is not a Unicode general category', index)
    exclude = _ranges(fields, "exclude")
    include = "".join(_class_part(low, high) for low, high in ranges)
    include += "".join(f"\\p{{{c}}}" for c in categories if c in _CATEGORIES)
    if not include:
        fields.problem("ranges", "give at least one range or category")
        include = r"\U0010ffff"
    char_class = f"[{include}]"
    if exclude:
        char_class = f"[[{include}]--[{''.join(_class_part(lo, hi) for lo, hi in exclude)}]]"
    return UnicodeParams(
        char_class=char_class,
        allow_in_emoji=fields.boolean("allow_in_emoji", True),
        allow_in_scripts=fields.boolean("allow_in_scripts", False),
        suggest=fields.choice("suggest", ("remove", "plain", "none"), default="none") or "none",
        merge=fields.choice("merge", ("adjacent", "words"), default="adjacent") or "adjacent",
    )


def _complex_letter(char: str) -> bool:
    """A letter or mark of a script beyond Latin (where joiners have a job to do)."""
    if not char or ord(char) < 0x0370 or 0x1E00 <= ord(char) <= 0x1EFF:
        return False
    return unicodedata.category(char)[0] in "LM"


def _in_spans(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _allowed(
    text: str,
    params: UnicodeParams,
    position: int,
    rtl: bool,
    emoji: list[tuple[int, int]],
    starts: list[int],
) -> bool:
    """Whether the character at `position` has a legitimate job where it is."""
    char = text[position]
    if emoji and _in_spans(position, emoji, starts):
        return True
    if not params.allow_in_scripts:
        return False
    before = text[position - 1] if position > 0 else ""
    after = text[position + 1] if position + 1 < len(text) else ""
    if char in _JOINERS:
        return _complex_letter(before) and _complex_letter(after)
    if char in _DIRECTION_MARKS:
        return rtl
    if char in "\ufe0e\ufe0f":
        return bool(before) and _EMOJI_CHAR.match(before) is not None
    if 0xFE00 <= ord(char) <= 0xFE0D or 0xE0100 <= ord(char) <= 0xE01EF:
        return bool(before) and not before.isascii() and not before.isspace()
    return False


def _describe(chars: str) -> str:
    """ "U+200B ZERO WIDTH SPACE", or a count of characters."""
    distinct = sorted(set(chars))
    names = [f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}" for c in distinct[:3]]
    more = f" and {len(distinct) - 3} more" if len(distinct) > 3 else ""
    return ", ".join(names) + more


def _merge(text: str, positions: list[int], mode: str) -> list[tuple[int, int]]:
    """Group flagged positions into spans (touching, or words separated by spaces)."""
    spans: list[tuple[int, int]] = []
    for position in positions:
        end = position + 1
        if spans:
            last_start, last_end = spans[-1]
            gap = text[last_end:position]
            if last_end == position or (
                mode == "words" and len(gap) <= 2 and (gap.isspace() or _plainish(gap))
            ):
                spans[-1] = (last_start, end)
                continue
        spans.append((position, end))
    return spans


def _plainish(gap: str) -> bool:
    """Punctuation and spaces that may sit inside a run of fancy words."""
    return all(char in " '\u2019-.,!?:" for char in gap)


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, UnicodeParams)
    pattern = regex.compile(params.char_class, regex.VERSION1)

    def check(data: CheckInput) -> list[Finding]:
        text = data.text
        candidates = [match.start() for match in pattern.finditer(text)]
        if not candidates:
            return []
        rtl = params.allow_in_scripts and _RTL.search(text) is not None
        emoji = data.emoji if params.allow_in_emoji else []
        starts = [start for start, _ in emoji]
        positions = [p for p in candidates if not _allowed(text, params, p, rtl, emoji, starts)]
        findings: list[Finding] = []
        for start, end in _merge(text, positions, params.merge):
            span = text[start:end]
            flagged = "".join(c for c in span if pattern.match(c))
            suggestion: str | None = None
            if params.suggest == "remove":
                suggestion = "".join(c for c in span if not pattern.match(c))
            elif params.suggest == "plain":
                plain = plain_letters(span)
                suggestion = plain if plain != span else None
            findings.append(
                finding(
                    rule, start, end, suggestion=suggestion, match=span, what=_describe(flagged)
                )
            )
        return findings

    return Checkers(per_sentence=check)


SPEC = KindSpec(
    kind=RuleKind.UNICODE,
    parse=_parse,
    build=_build,
    default_message="This text contains {what}.",
)
