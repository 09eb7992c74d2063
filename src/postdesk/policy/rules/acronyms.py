"""Kind ``acronym``: acronyms used before they are spelled out.

GOV.UK: "the first time you use an abbreviation or acronym explain it in full on each
page unless it's well known, like UK, DVLA, US, EU, VAT and MP." An acronym here is a
word of ``min_letters`` to ``max_letters`` capitals (default 3 to 6, as GDS's own
Vale rule), optionally with a plural "s" ("GPs"). It is fine when:

- it is widely known: the pack's ``[vocabulary] acronyms`` (data, so a department
  adds its own);
- the post has already spelled it out, as "Ultra Low Emission Zone (ULEZ)" or
  "ULEZ (Ultra Low Emission Zone)";
- it is an ordinary word in capitals ("FREE", "NEW": those are ``block-capitals``
  territory when they come in runs), or a Roman numeral.

Only the first unexplained use of each acronym is flagged: one explanation fixes all.
Web addresses, mentions and hashtags are never searched ("#NHS", "GOV.UK").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from postdesk.analysis.findings import Finding
from postdesk.analysis.sentences import split_sentences
from postdesk.policy.dictionary import is_word
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding
from postdesk.policy.rules.capitals import defined_acronyms, is_roman_numeral, shouted_runs

__all__ = ["SPEC", "AcronymParams"]

_VOWELS = frozenset("AEIOUY")
# One entry per distinct sentence, per pack.
_SENTENCE_CACHE_SIZE = 4096


@dataclass(frozen=True)
class AcronymParams(RuleParams):
    """Settings of an ``acronym`` rule."""

    min_letters: int = 3
    max_letters: int = 6


def _parse(fields: Fields) -> AcronymParams:
    min_letters = fields.integer("min_letters", 3, minimum=2, maximum=10)
    max_letters = fields.integer("max_letters", 6, minimum=2, maximum=12)
    if max_letters < min_letters:
        fields.problem("max_letters", f"is less than min_letters ({min_letters})")
    return AcronymParams(min_letters=min_letters, max_letters=max(min_letters, max_letters))


def _build(rule: Rule, pack: Pack) -> Checkers:
    params = rule.params
    assert isinstance(params, AcronymParams)
    known = frozenset(a.upper() for a in pack.acronyms)
    token = re.compile(
        # Not inside a reference such as "25/01234/FUL" or a code such as "HX7".
        rf"\b(?=[A-Z])(?<![&'\u2019/])(?P<acronym>[A-Z]{{{params.min_letters},{params.max_letters}}})"
        r"(?P<plural>s)?(?![\w&/]|['\u2019](?!s\b)\w)"
    )

    def ordinary_word(acronym: str) -> bool:
        return bool(_VOWELS & set(acronym)) and is_word(acronym.lower())

    @lru_cache(maxsize=_SENTENCE_CACHE_SIZE)
    def sentence(masked: str) -> tuple[tuple[tuple[int, int, str], ...], dict[str, int]]:
        """One sentence's candidate acronyms and definitions (cached: sentences repeat
        from keystroke to keystroke)."""
        defined = defined_acronyms(masked)
        shouting = shouted_runs(masked, known, defined, 2)
        candidates: list[tuple[int, int, str]] = []
        for match in token.finditer(masked):
            acronym = match.group("acronym")
            if acronym in known or (acronym + "S") in known:
                continue
            if is_roman_numeral(acronym) or ordinary_word(acronym):
                continue
            if any(start <= match.start() < end for start, end in shouting):
                continue
            candidates.append((match.start(), match.end(), acronym))
        return tuple(candidates), defined

    def check(data: CheckInput) -> list[Finding]:
        masked = data.masked
        if masked.lower() == masked:
            return []
        parts = [
            (item.start, *sentence(masked[item.start : item.end]))
            for item in split_sentences(data.text)
        ]
        defined: dict[str, int] = {}
        for offset, _candidates, definitions in parts:
            for acronym, position in definitions.items():
                defined.setdefault(acronym, offset + position)
        flagged: set[str] = set()
        findings: list[Finding] = []
        for offset, candidates, _definitions in parts:
            for start, end, acronym in candidates:
                start, end = start + offset, end + offset
                if acronym in flagged or defined.get(acronym, end + 3) <= end + 2:
                    continue
                flagged.add(acronym)
                findings.append(finding(rule, start, end, match=data.text[start:end]))
        return findings

    return Checkers(whole_text=check)


SPEC = KindSpec(
    kind=RuleKind.ACRONYM,
    parse=_parse,
    build=_build,
    default_message=(
        "Explain \u201c{match}\u201d the first time you use it, like \u201cUltra Low Emission "
        "Zone (ULEZ)\u201d, unless it is widely known."
    ),
)
