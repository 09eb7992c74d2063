"""Passive-voice hints: a form of "to be" followed by a past participle.

GOV.UK asks for the active voice ("we will make a decision", not "a decision will be
made"). Spotting the passive properly needs a parser; this is the usual heuristic
(the one write-good and Hemingway use), so findings are hints at info level:

- a form of "to be": am, is, are, was, were, be, been, being, the negatives isn't,
  aren't, wasn't, weren't, and the contractions 're and 'm;
- then up to two short adverbs or "not" ("was not approved", "is being reviewed",
  "were quickly removed");
- then a past participle: a word ending in "-ed", or an irregular one ("was taken",
  "has been written").

Known limits, chosen to keep false alarms down in public-sector posts:

- Adjectives that look like participles after "be" are not flagged: "we are
  delighted", "I am interested", "you are not alone".
- A few participles usually describe a state rather than an action, so they are only
  flagged when "by" follows: "the road is closed" is fine, "the road was closed by
  police" is passive.
- Participles with a capital letter in lower-case text ("is Ted") are names.
- "It's", "he's" are ambiguous ("it's closed" / "he's left") and are not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.sentences import mask_entities, split_sentences

__all__ = ["RULE", "SOURCE", "passive_voice_findings"]

RULE = "passive-voice"
SOURCE = "https://www.gov.uk/guidance/style-guide/a-to-z"


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(words.split())


# Irregular past participles. Left out because after "be" they are usually something
# else: come, become, gone (adjectival), bet, bound ("bound to"), cost, let, quit, rid,
# set ("set to rise"), upset (an adjective).
_IRREGULAR = _word_set(
    """
    arisen awoken beaten begun bent bid bitten bled blown bought bred broken brought
    built burnt burst cast caught chosen clung crept cut dealt done drawn dreamt driven
    drunk dug eaten fallen fed felt fled flown flung forbidden forecast forgiven
    forgotten forsaken found frozen given ground grown heard held hidden hit hung hurt
    kept knelt known laid leant leapt learnt led left lent lit lost made meant met
    mislaid misled mistaken mown overcome overdone overheard overrun overseen overtaken
    overthrown paid proven put read rebuilt redone remade repaid reset retaken rewritten
    ridden risen run rung said sawn seen sent sewn shaken shed shorn shot shown shrunk
    shut slain slept slid slit sold sought sown spent spilt spoken sped split spoilt
    spread sprung spun stolen stood struck strung stuck stung strewn sung sunk sworn
    swept swollen swum swung taken taught thought thrown thrust told torn trodden
    undergone understood undertaken undone upheld withdrawn withheld withstood woken
    won worn woven wound written wrung
    """
)
# Words ending in -ed that are not participles ("need", "hundred"), and participles
# used as adjectives of feeling after "be" ("we are delighted").
_NOT_PASSIVE = _word_set(
    """
    bed bleed breed creed deed exceed feed fred freed greed heed hundred indeed infrared
    kindred med naked need proceed red reed ragged rugged sacred seed shed shred sled
    speed steed succeed ted tweed weed wicked wretched zed embed unprecedented
    interested tired excited pleased delighted thrilled worried concerned bored scared
    frightened surprised disappointed satisfied supposed ashamed amused annoyed alarmed
    """
)
# Participles that usually describe a state: flagged only when "by" follows.
_STATE_UNLESS_BY = _word_set(
    "closed located situated based involved related qualified married engaged prepared"
)

_PASSIVE = re.compile(
    r"""
    (?<![\w'\u2019])
    (?P<be>am|is|are|was|were|be|been|being
      |isn['\u2019]t|aren['\u2019]t|wasn['\u2019]t|weren['\u2019]t
      |\w+['\u2019](?:re|m))
    (?:\s+(?:not|never|also|always|already|still|often|now|then|just|only|soon|being
        |all|both|[^\W\d_]{2,}ly)){0,2}
    \s+(?P<part>[^\W\d_]+)
    (?![\w'\u2019-])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_BY_FOLLOWS = re.compile(r"\s+by\b", re.IGNORECASE)
# One per distinct sentence; a 60,000-character text has about 600.
_SENTENCE_CACHE_SIZE = 8192


@dataclass(frozen=True, slots=True)
class _Hit:
    """A passive construction inside one sentence, relative to its start."""

    start: int
    end: int
    message: str


def passive_voice_findings(text: str) -> list[Finding]:
    """Hint at passive-voice constructions.

    Args:
        text: the post; never raises, whatever it holds.

    Returns:
        One `passive-voice` finding (info level) per construction, spanning from the
        form of "to be" to the participle ("was approved"), in text order.
    """
    findings: list[Finding] = []
    for sentence in split_sentences(text):
        offset = sentence.start
        for hit in _sentence_hits(sentence.text):
            findings.append(
                Finding(
                    rule=RULE,
                    level=Level.INFO,
                    start=offset + hit.start,
                    end=offset + hit.end,
                    message=hit.message,
                    source=SOURCE,
                )
            )
    return findings


@lru_cache(maxsize=_SENTENCE_CACHE_SIZE)
def _sentence_hits(sentence: str) -> tuple[_Hit, ...]:
    """Passive constructions in one sentence (cached: sentences repeat across edits)."""
    masked = mask_entities(sentence)
    hits: list[_Hit] = []
    for match in _PASSIVE.finditer(masked):
        if _is_participle(masked, match):
            words = sentence[match.start() : match.end()]
            message = (
                f"\u201c{words}\u201d may be the passive voice. Say who does what, if you "
                "can: \u201cwe will make a decision\u201d, not \u201ca decision will be made\u201d."
            )
            hits.append(_Hit(match.start(), match.end(), message))
    return tuple(hits)


def _is_participle(text: str, match: re.Match[str]) -> bool:
    """Whether the word after the form of "to be" is a past participle here."""
    part = match.group("part")
    lowered = part.lower()
    if part[0].isupper() and not part.isupper():
        return False  # a name: "this is Ted"
    if lowered in _NOT_PASSIVE:
        return False
    if lowered in _STATE_UNLESS_BY:
        return _BY_FOLLOWS.match(text, match.end()) is not None
    return lowered in _IRREGULAR or (len(lowered) > 3 and lowered.endswith("ed"))
