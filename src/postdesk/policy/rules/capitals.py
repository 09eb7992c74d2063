"""Kind ``block-capitals``: runs of words in capitals that are not acronyms.

GOV.UK: "Do not use block capitals for large amounts of text as it's quite hard to
read"; people with dyslexia and screen-reader users find them harder still. A run is
flagged when it has at least ``min_words`` (default 2) shouted words: words in
capitals that are dictionary words ("ROAD CLOSED", "PLEASE SHARE"), and not widely
known acronyms (the pack's ``[vocabulary] acronyms``), nor acronyms the post spells
out ("Ultra Low Emission Zone (ULEZ)"), nor Roman numerals. Acronyms inside a run
stay in it ("ROAD CLOSED BY DVLA ORDER"); acronyms on their own are never a run
("HMRC VAT deadline", "DWP PIP").

The suggestion is the run in lower case, with acronyms kept and a capital at the start
of a sentence.

The helpers here (capital words, defined acronyms, shouted runs) are shared with the
``acronym`` kind, which must not call "ROAD" an unexplained acronym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postdesk.analysis.findings import Finding
from postdesk.policy.dictionary import is_word
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = [
    "SPEC",
    "BlockCapitalsParams",
    "defined_acronyms",
    "is_roman_numeral",
    "shouted_runs",
    "shouted_word",
]

_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# A whole word in capitals (with inner apostrophes: "DON'T"), not touching a letter or
# digit ("5PM", "McDONALD", "NHS111" are not capital words). The cheap test first.
_CAPS = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_CAPITAL_WORD = re.compile(
    rf"(?=[{_CAPS}])(?<![^\W_])[{_CAPS}]+(?:['\u2019][{_CAPS}]+)*(?![^\W_]|['\u2019][^\W_])"
)
_ROMAN = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# "Ultra Low Emission Zone (ULEZ)": an acronym in brackets is being defined.
_IN_BRACKETS = re.compile(r"\((?P<acronym>[A-Z][A-Za-z&]{1,9}?)s?\)")
# "ULEZ (Ultra Low Emission Zone)": an acronym followed by its words in brackets.
_BEFORE_BRACKETS = re.compile(
    r"\b(?=[A-Z])(?<!&)(?P<acronym>[A-Z][A-Za-z&]{1,9}?)s?[ \u00a0]*"
    r"\((?=[^()]{0,80}\b[A-Z]\w*\W+\w)"
)
_VOWELS = frozenset("aeiouy")
# What may separate the words of one run: spaces and light punctuation, no line break.
_RUN_GAP = re.compile(r"[ \t\u00a0,;:&/'\u2019\"\-\u2013\u2014!?.()]{1,4}")


@dataclass(frozen=True)
class BlockCapitalsParams(RuleParams):
    """Settings of a ``block-capitals`` rule."""

    min_words: int = 2


def is_roman_numeral(word: str) -> bool:
    """ "II", "XIV": a Roman numeral, which is written in capitals."""
    return bool(word) and _ROMAN.fullmatch(word) is not None


def defined_acronyms(text: str) -> dict[str, int]:
    """Acronyms the text spells out, with the index where each is first defined."""
    found: dict[str, int] = {}
    for pattern in (_IN_BRACKETS, _BEFORE_BRACKETS):
        for match in pattern.finditer(text):
            acronym = match.group("acronym").upper()
            if acronym not in found or match.start() < found[acronym]:
                found[acronym] = match.start()
    return found


def shouted_word(word: str, acronyms: frozenset[str], defined: dict[str, int]) -> bool:
    """A word in capitals that is an ordinary word, not an acronym or a numeral."""
    if len(word) < 2 or not word.isupper():
        return False
    bare = word.replace("\u2019", "'")
    if bare in acronyms or bare in defined or bare.rstrip("S") in acronyms:
        return False
    if is_roman_numeral(bare):
        return False
    lower = bare.lower()
    return bool(_VOWELS & set(lower)) and is_word(lower)


def shouted_runs(
    masked: str, acronyms: frozenset[str], defined: dict[str, int], min_words: int
) -> list[tuple[int, int]]:
    """Spans of runs of capital words with at least `min_words` shouted words.

    Args:
        masked: the text with links, mentions and hashtags blanked out.
        acronyms: acronyms that are never shouting, upper case.
        defined: acronyms the text defines.
        min_words: shouted words a run needs.
    """
    runs: list[tuple[int, int]] = []
    current: list[tuple[int, int, bool]] = []  # (start, end, shouted) per capital word

    def close() -> None:
        shouted = [item for item in current if item[2]]
        if len(shouted) >= min_words:
            runs.append((shouted[0][0], shouted[-1][1]))
        current.clear()

    for match in _CAPITAL_WORD.finditer(masked):
        start, end = match.span()
        if current and _RUN_GAP.fullmatch(masked, current[-1][1], start) is None:
            close()
        current.append((start, end, shouted_word(match.group(), acronyms, defined)))
    close()
    return runs


def _parse(fields: Fields) -> BlockCapitalsParams:
    return BlockCapitalsParams(min_words=fields.integer("min_words", 2, minimum=1, maximum=20))


def _suggest(
    text: str, start: int, end: int, acronyms: frozenset[str], defined: dict[str, int]
) -> str:
    """The run in lower case, acronyms kept, capitalised at a sentence start."""

    def lower(match: re.Match[str]) -> str:
        word = match.group()
        return word.lower() if shouted_word(word, acronyms, defined) else word

    fixed = _TOKEN.sub(lower, text[start:end])
    before = text[max(0, start - 20) : start].rstrip(" \t\u00a0")
    at_sentence_start = not before or before[-1] in ".!?:\n\r"
    if at_sentence_start and fixed[:1].islower():
        fixed = fixed[0].upper() + fixed[1:]
    return fixed


def _build(rule: Rule, pack: Pack) -> Checkers:
    params = rule.params
    assert isinstance(params, BlockCapitalsParams)
    acronyms = frozenset(a.upper() for a in pack.acronyms)

    def check(data: CheckInput) -> list[Finding]:
        masked = data.masked
        if masked.lower() == masked:
            return []  # no capitals at all: the common case, decided in C
        defined = defined_acronyms(masked)
        findings: list[Finding] = []
        for start, end in shouted_runs(masked, acronyms, defined, params.min_words):
            suggestion = _suggest(data.text, start, end, acronyms, defined)
            findings.append(
                finding(rule, start, end, suggestion=suggestion, match=data.text[start:end])
            )
        return findings

    return Checkers(per_sentence=check)


SPEC = KindSpec(
    kind=RuleKind.BLOCK_CAPITALS,
    parse=_parse,
    build=_build,
    default_message="Block capitals are hard to read. Use sentence case.",
)
