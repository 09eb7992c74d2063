"""Readability: textstat-compatible scores from cached per-sentence counts."""

from __future__ import annotations

import gc
import json
import math

import pytest
from textstat.backend import counts, metrics

from postdesk.analysis import readability as readability_module
from postdesk.analysis.findings import Level
from postdesk.analysis.readability import (
    Difficulty,
    ReadabilityReport,
    readability,
    readability_findings,
    warm_up,
)
from postdesk.analysis.sentences import MAX_ANALYSED_CHARS, mask_entities, split_sentences

# Realistic posts whose sentences all end in punctuation, have three words or more and
# hold no abbreviations: here textstat and PostDesk count the same sentences, so the
# scores must agree exactly.
SAME_SENTENCES = {
    "tax-deadline": (
        "The deadline for online Self Assessment tax returns is 31 January. You must pay "
        "any tax you owe by the same date. If you miss the deadline, you will have to pay a "
        "penalty of 100 pounds. Find out how to register and file your return at "
        "https://www.gov.uk/self-assessment-tax-returns today."
    ),
    "consultation": (
        "We want to hear what you think about our plans for the town centre. The "
        "consultation is open until Friday 14 June. You can answer the questions online or "
        "pick up a paper copy from any library. Your views will help us decide how to spend "
        "the money. #HaveYourSay"
    ),
    "weather-warning": (
        "The Met Office has issued a yellow warning for snow and ice from 6pm tonight. "
        "Roads and pavements are likely to be icy in the morning. Please allow extra time "
        "for your journey and check on elderly neighbours. Our gritters will be out on the "
        "main routes overnight, say @LeedsCC."
    ),
    "bin-collections": (
        "Bin collections will change over the Christmas holidays. Your collection day may "
        "move by one or two days. Check your new collection date on our website before you "
        "put your bins out. Please put your bin out by 7am on the day of collection."
    ),
    "service-launch": (
        "From today you can apply for a blue badge online. The new service takes about 30 "
        "minutes to complete. You will need a recent digital photo and your National "
        "Insurance number. We will tell you our decision within 12 weeks of your "
        "application. If you need help, call our contact centre on 0113 222 4444."
    ),
}

# Posts where the two sentence counts differ, on purpose: line breaks without
# punctuation, abbreviations, and short sentences that textstat ignores.
DIFFERENT_SENTENCES = {
    "line-breaks": (
        "Amber warning for wind\nGusts of 70mph are expected on the coast from 6am\n"
        "Stay away from sea fronts and check before you travel"
    ),
    "abbreviations": (
        "Dr. Amir Khan will open the new clinic at St. James's Hospital. Bring ID, e.g. a "
        "passport or driving licence. The clinic is next to No. 10 Park Row."
    ),
    "short-sentences": (
        "Apply now. The scheme closes on 1 March and there are only 200 places left for "
        "small businesses in the county. Thank you."
    ),
}


def textstat_scores(text: str) -> tuple[float, float]:
    """textstat's own scores for the text PostDesk scores (entities blanked out)."""
    scored = mask_entities(text)
    return (
        metrics.flesch_reading_ease(scored, "en_GB"),
        metrics.flesch_kincaid_grade(scored, "en_GB"),
    )


@pytest.mark.parametrize("name", sorted(SAME_SENTENCES))
def test_scores_match_textstat_when_the_sentences_are_the_same(name: str) -> None:
    text = SAME_SENTENCES[name]
    report = readability(text)
    scored = mask_entities(text)
    assert report.sentence_count == counts.count_sentences(scored)
    ease, grade = textstat_scores(text)
    # Same counts, same formula: only floating-point summation order can differ.
    assert report.flesch_reading_ease == pytest.approx(ease, abs=1e-9)
    assert report.flesch_kincaid_grade == pytest.approx(grade, abs=1e-9)


@pytest.mark.parametrize("name", sorted(DIFFERENT_SENTENCES))
def test_words_and_syllables_match_textstat_and_only_the_sentence_count_differs(
    name: str,
) -> None:
    text = DIFFERENT_SENTENCES[name]
    report = readability(text)
    scored = mask_entities(text)
    words = counts.count_words(scored)
    syllables = counts.count_syllables(scored, "en_GB")
    assert (report.word_count, report.syllable_count) == (words, syllables)
    # The documented difference really is present in these samples...
    assert report.sentence_count != counts.count_sentences(scored)
    # ...and explains the whole score difference: textstat's formula with our count.
    per_sentence = words / report.sentence_count
    per_word = syllables / words
    assert report.flesch_reading_ease == pytest.approx(
        206.835 - 1.015 * per_sentence - 84.6 * per_word, abs=1e-9
    )
    assert report.flesch_kincaid_grade == pytest.approx(
        0.39 * per_sentence + 11.8 * per_word - 15.59, abs=1e-9
    )


def test_line_breaks_count_as_sentence_ends() -> None:
    report = readability(DIFFERENT_SENTENCES["line-breaks"])
    assert report.sentence_count == 3
    assert [s.word_count for s in report.sentences] == [4, 10, 10]


def test_web_addresses_mentions_and_hashtags_are_not_scored() -> None:
    plain = readability("Pay your council tax online.")
    noisy = readability(
        "Pay your council tax online https://www.leeds.gov.uk/council-tax/pay-online "
        "@LeedsCC #CouncilTax."
    )
    assert (noisy.word_count, noisy.syllable_count) == (plain.word_count, plain.syllable_count)
    assert noisy.flesch_reading_ease == plain.flesch_reading_ease


def test_short_posts_are_approximate_and_say_so() -> None:
    report = readability(SAME_SENTENCES["bin-collections"])
    assert report.word_count < 100
    assert report.approximate
    assert report.note is not None
    assert "100 words" in report.note
    assert f"{report.word_count} words" in report.note


def test_long_texts_are_not_approximate() -> None:
    text = " ".join(SAME_SENTENCES.values())
    report = readability(text)
    assert report.word_count >= 100
    assert not report.approximate
    assert report.note is None


@pytest.mark.parametrize("text", ["", "   \n", "\U0001f389 #LocalGov https://gov.uk"])
def test_text_without_words_has_no_scores(text: str) -> None:
    report = readability(text)
    assert report.flesch_reading_ease is None
    assert report.flesch_kincaid_grade is None
    assert report.reading_age is None
    assert (report.word_count, report.sentence_count, report.sentences) == (0, 0, ())
    assert report.approximate
    assert report.note == "There are no words to score yet."


def test_words_without_syllables_are_not_scored() -> None:
    # CMUdict gives "hmm" and "shh" no vowels; textstat would return a meaningless 0.0.
    report = readability("Hmm. Shh.")
    assert (report.word_count, report.sentence_count, report.syllable_count) == (2, 2, 0)
    assert report.flesch_reading_ease is None
    assert report.reading_age is None
    assert report.note == "Too little text to score."


def test_reading_age_is_the_grade_plus_five_rounded() -> None:
    report = readability(SAME_SENTENCES["service-launch"])
    assert report.flesch_kincaid_grade is not None
    assert report.reading_age == math.floor(report.flesch_kincaid_grade + 5 + 0.5)


def test_reading_age_is_never_below_five() -> None:
    report = readability("Go now. Be safe. Stay in.")
    assert report.flesch_kincaid_grade is not None
    assert report.flesch_kincaid_grade < 0
    assert report.reading_age == 5


# 28 words of long words: ARI level 40.
VERY_HARD = (
    "Notwithstanding the aforementioned considerations, the administration anticipates "
    "substantial organisational restructuring affecting departmental responsibilities, "
    "operational arrangements, procurement frameworks and interdepartmental communication "
    "procedures throughout the forthcoming financial year and beyond."
)
# 21 words, 105 letters: 4.71 * 5 + 0.5 * 21 - 21.43 = 12.62, level 13 (the top of "hard").
HARD = (
    "Residents who need help with their energy bills this winter should contact the "
    "council advice team before the end of December."
)
# 12 words of long words, level 18: too short to count as hard at all.
SHORT_BUT_DENSE = (
    "Households struggling with energy bills should contact our dedicated advice service "
    "immediately."
)


@pytest.mark.parametrize(
    ("text", "level", "difficulty"),
    [
        (VERY_HARD, 40, Difficulty.VERY_HARD),
        (HARD, 13, Difficulty.HARD),
        (SHORT_BUT_DENSE, 18, Difficulty.NORMAL),
        (
            "Households struggling with their energy bills this winter should contact our "
            "dedicated advice service before Christmas.",
            17,
            Difficulty.VERY_HARD,
        ),
        (
            "You can now pay your council tax online at any time of the day or night.",
            3,
            Difficulty.NORMAL,
        ),
    ],
)
def test_hemingway_levels(text: str, level: int, difficulty: Difficulty) -> None:
    (sentence,) = readability(text).sentences
    expected_level = round(
        4.71 * sentence.letter_count / sentence.word_count + 0.5 * sentence.word_count - 21.43
    )
    assert sentence.level == max(0, expected_level) == level
    assert sentence.difficulty is difficulty


def test_findings_for_long_and_hard_sentences() -> None:
    text = f"Storm update\n{VERY_HARD} {HARD} Stay safe."
    report = readability(text)
    findings = readability_findings(report, text)
    summary = [(f.rule, f.level, text[f.start : f.end]) for f in findings]
    assert summary == [
        ("sentence-length", Level.WARN, VERY_HARD),
        ("very-hard-sentence", Level.WARN, VERY_HARD),
        ("hard-sentence", Level.INFO, HARD),
    ]
    assert "28 words" in findings[0].message
    assert all(f.source and f.source.startswith("https://") for f in findings)
    assert all(f.suggestion is None for f in findings)


def test_twenty_five_words_is_not_too_long_but_twenty_six_is() -> None:
    words = ["bin"] * 24  # short words, so neither sentence is hard
    text_25 = "Put " + " ".join(words) + "."
    text_26 = "Put out " + " ".join(words) + "."
    assert [f.rule for f in readability_findings(readability(text_25), text_25)] == []
    assert [f.rule for f in readability_findings(readability(text_26), text_26)] == [
        "sentence-length"
    ]


def test_findings_from_a_stale_report_stay_inside_the_text() -> None:
    report = readability(VERY_HARD)
    shorter = VERY_HARD[:40]
    findings = readability_findings(report, shorter)
    assert findings
    assert all(0 <= f.start < f.end <= len(shorter) for f in findings)
    assert readability_findings(report, "") == []


def test_an_edit_rescores_only_the_edited_sentence() -> None:
    text = " ".join(SAME_SENTENCES.values())
    readability(text)
    before = readability_module._sentence_counts.cache_info()
    edited = text.replace("yellow warning", "yellow warnings", 1)
    report = readability(edited)
    after = readability_module._sentence_counts.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == len(split_sentences(edited)) - 1
    # The cache never changes the answer.
    readability_module._sentence_counts.cache_clear()
    readability.cache_clear()
    assert readability(edited) == report


def test_report_to_json_is_json_safe() -> None:
    report = readability(SAME_SENTENCES["consultation"])
    data = report.to_json()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["flesch_reading_ease"] == round(report.flesch_reading_ease or 0.0, 2)
    assert data["reading_age_basis"].startswith("Flesch-Kincaid grade + 5")
    assert data["sentence_count"] == len(data["sentences"]) == 4
    assert data["sentences"][0] == {
        "start": 0,
        "end": 67,
        "word_count": 14,
        "syllable_count": 17,  # CMUdict's first "our" has two: AW1 ER0
        "letter_count": 53,
        "level": 3,
        "difficulty": "normal",
        "too_long": False,
    }


def test_empty_report_to_json_has_nulls_not_nan() -> None:
    data = readability("").to_json()
    assert data["flesch_reading_ease"] is None
    assert data["reading_age"] is None
    json.dumps(data, allow_nan=False)


def test_a_huge_text_is_checked_only_up_to_the_limit_and_says_so() -> None:
    text = SAME_SENTENCES["tax-deadline"] + " " + "More detail follows. " * 6000
    assert len(text) > MAX_ANALYSED_CHARS
    report = readability(text)
    assert report.sentences[-1].end <= MAX_ANALYSED_CHARS
    assert report.note == f"Only the first {MAX_ANALYSED_CHARS:,} characters were checked."


def test_warm_up_loads_everything_and_freezes_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    warm_up(freeze_gc=False)
    assert frozen == []
    warm_up()
    assert frozen == [True]
    assert isinstance(readability("Warmed up."), ReadabilityReport)
