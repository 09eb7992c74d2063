"""Kind ``hashtag-case``: multi-word hashtags written without CamelCase.

A screen reader reads "#mentalhealthawareness" as one long made-up word; it reads
"#MentalHealthAwareness" as three words. A hashtag is flagged when its letters are all
lower case, all capitals, or capitalised only at the start, and they split into two
or more dictionary words (`postdesk.policy.dictionary`) while not being one word
themselves. The suggestion is the CamelCase form.

Not flagged: one-word hashtags ("#recycling"), place names the dictionary lacks or
would split ("#kirklees", "#calderdale": the pack's ``[vocabulary] single_words``),
short all-capital acronyms ("#NHS", "#SEND") and hashtags that already have inner
capitals ("#NHSJobs", "#costOfLiving").

Settings:

``min_letters``
    runs of fewer letters are never checked (default 5).
``function_words``
    short words (under 3 letters) that may be pieces: "we", "of", "to"...
``not_words``
    dictionary entries that are really word endings and must not be pieces
    ("ers", "shire"), so "#carers" is not "car ers".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from postdesk.analysis.findings import Finding
from postdesk.policy.dictionary import is_word
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["SPEC", "HashtagCaseParams", "split_words"]

_LETTER_RUN = re.compile(r"[^\W\d_]+")
# Long runs are not worth the quadratic split (and no real hashtag is this long).
_MAX_LETTERS = 60
_MAX_ACRONYM_LETTERS = 5
_MIN_PIECE = 3
_CACHE = 4096


@dataclass(frozen=True)
class HashtagCaseParams(RuleParams):
    """Settings of a ``hashtag-case`` rule (see the module docstring)."""

    min_letters: int = 5
    function_words: frozenset[str] = frozenset()
    not_words: frozenset[str] = frozenset()


def _parse(fields: Fields) -> HashtagCaseParams:
    return HashtagCaseParams(
        min_letters=fields.integer("min_letters", 5, minimum=2, maximum=50),
        function_words=frozenset(w.lower() for w in fields.strings("function_words")),
        not_words=frozenset(w.lower() for w in fields.strings("not_words")),
    )


def split_words(
    run: str,
    *,
    function_words: frozenset[str],
    not_words: frozenset[str],
    extra: frozenset[str],
) -> tuple[str, ...] | None:
    """The fewest dictionary words that make up a lower-case run, or None.

    Args:
        run: lower-case letters.
        function_words: short words allowed as pieces.
        not_words: entries never allowed as pieces.
        extra: more allowed pieces (place names, acronyms), lower case.
    """

    def piece_ok(piece: str) -> bool:
        if piece in extra or piece in function_words:
            return True
        return len(piece) >= _MIN_PIECE and piece not in not_words and is_word(piece)

    length = len(run)
    # best[i]: the fewest pieces that make up run[i:], or None.
    best: list[tuple[str, ...] | None] = [None] * (length + 1)
    best[length] = ()
    for start in range(length - 1, -1, -1):
        choice: tuple[str, ...] | None = None
        for end in range(length, start, -1):
            rest = best[end]
            if rest is None or (choice is not None and len(rest) + 1 >= len(choice)):
                continue
            piece = run[start:end]
            if piece_ok(piece):
                choice = (piece, *rest)
        best[start] = choice
    return best[0]


def _build(rule: Rule, pack: Pack) -> Checkers:
    params = rule.params
    assert isinstance(params, HashtagCaseParams)
    acronyms = frozenset(a.lower() for a in pack.acronyms if a.isalpha())
    single = pack.single_words
    extra = acronyms | single

    @lru_cache(maxsize=_CACHE)
    def camel(tag: str) -> str | None:
        """The CamelCase form of a hashtag body, or None when it is fine as it is."""
        letters = "".join(_LETTER_RUN.findall(tag))
        if not letters:
            return None
        inner = letters[1:]
        if any(c.isupper() for c in inner) and not letters.isupper():
            return None  # already has inner capitals
        if letters.isupper() and (
            len(letters) <= _MAX_ACRONYM_LETTERS or letters.lower() in acronyms
        ):
            return None  # an acronym
        changed = False
        pieces: list[str] = []
        position = 0
        for match in _LETTER_RUN.finditer(tag):
            pieces.append(tag[position : match.start()])
            run = match.group()
            lower = run.lower()
            fixed = run
            if (
                params.min_letters <= len(run) <= _MAX_LETTERS
                and lower not in single
                and not is_word(lower)
            ):
                words = split_words(
                    lower,
                    function_words=params.function_words,
                    not_words=params.not_words,
                    extra=extra,
                )
                if words is not None and len(words) >= 2:
                    fixed = "".join(w.upper() if w in acronyms else w.capitalize() for w in words)
                    changed = True
            pieces.append(fixed)
            position = match.end()
        pieces.append(tag[position:])
        return "".join(pieces) if changed else None

    def check(data: CheckInput) -> list[Finding]:
        findings: list[Finding] = []
        for start, end in data.hashtags:
            fixed = camel(data.text[start + 1 : end])
            if fixed is not None:
                suggestion = data.text[start] + fixed
                findings.append(
                    finding(
                        rule,
                        start,
                        end,
                        suggestion=suggestion,
                        match=data.text[start:end],
                        what=suggestion,
                    )
                )
        return findings

    return Checkers(per_sentence=check)


SPEC = KindSpec(
    kind=RuleKind.HASHTAG_CASE,
    parse=_parse,
    build=_build,
    default_message=(
        "Write multi-word hashtags in CamelCase ({what}) so screen readers say the words."
    ),
)
