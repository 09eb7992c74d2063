"""Properties: bad input never raises, spans stay inside the text, counts are sane."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postdesk.analysis import passive, plain_english
from postdesk.analysis import readability as readability_module
from postdesk.analysis.findings import Finding
from postdesk.analysis.plain_english import passive_voice_findings, plain_english_findings
from postdesk.analysis.readability import readability, readability_findings, warm_up
from postdesk.analysis.sentences import MAX_ANALYSED_CHARS, split_sentences

# Pieces that exercise the tricky paths: abbreviations, numbers, entities, line breaks
# of every kind, and hostile Unicode (NUL, lone surrogates, bidi controls, joiners,
# combining marks).
PIECES = [
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x1c",
    ".",
    "...",
    "\u2026",
    "!",
    "?",
    "?!",
    "\u201d",
    "'",
    ")",
    "(",
    "-",
    "\u2011",
    "e.g.",
    "i.e.",
    "Dr.",
    "St.",
    "No. 10",
    "2.5%",
    "p.m.",
    "etc.",
    "J.",
    "1.",
    "approx.",
    "https://www.gov.uk/a.b?c=d.",
    "gov.uk/tax.",
    "@user",
    "@user@mastodon.social",
    "@a.bsky.social.",
    "#LocalGov",
    "help@council.gov.uk",
    "utilise",
    "Utilised",
    "in order to",
    "in-order-to",
    "one-stop shop",
    "ring-fenced",
    "was taken",
    "is being reviewed",
    "were not collected",
    "key-worker",
    "The council will collect bins on Monday.",
    "Storm warning",
    "\x00",
    "\x07",
    "\x7f",
    "\ud800",
    "\udfff",
    "a\ud800b",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200d",
    "\u200b",
    "\ufeff",
    "\u0301\u0316\u0327\u0301\u0316\u0327",
    "Z\u0335\u0321\u0327",
    "\U0001f469\u200d\U0001f4bb",
    "\U0001f389",
    "\u0130",
    "\u00df",
    "\uff01",
    "\u3002",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(max_size=8),
        st.text(alphabet=st.characters(exclude_categories=()), max_size=4),
    ),
    max_size=60,
).map("".join)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load CMUdict once, so no example pays for it."""
    warm_up(freeze_gc=False)


def all_findings(text: str) -> list[Finding]:
    """Everything the three checks report for `text`."""
    report = readability(text)
    return (
        readability_findings(report, text)
        + plain_english_findings(text)
        + passive_voice_findings(text)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_sentences_cover_every_character_in_order(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for sentence in sentences:
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        assert not sentence.text[0].isspace()
        assert not sentence.text[-1].isspace()
        previous_end = sentence.end
    # Nothing but whitespace falls between sentences (within the analysed part).
    covered = [False] * len(text)
    for sentence in sentences:
        covered[sentence.start : sentence.end] = [True] * (sentence.end - sentence.start)
    limit = min(len(text), MAX_ANALYSED_CHARS)
    assert all(covered[i] or text[i].isspace() for i in range(limit))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_readability_never_raises_and_counts_are_sane(text: str) -> None:
    report = readability(text)
    assert report.word_count >= 0
    assert report.sentence_count == len(report.sentences) >= 0
    assert report.syllable_count >= 0  # CMUdict gives "hmm" and "shh" none
    assert report.word_count == sum(s.word_count for s in report.sentences)
    assert report.approximate == (report.word_count < 100)
    for sentence in report.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert sentence.word_count > 0
        assert sentence.syllable_count >= 0
        assert sentence.letter_count >= 0
        assert sentence.level >= 0
    if report.syllable_count:
        assert report.reading_age is not None
        assert report.reading_age >= 5
    else:
        assert report.flesch_reading_ease is None
        assert report.reading_age is None
    json.dumps(report.to_json(), allow_nan=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_findings_never_raise_and_stay_inside_the_text(text: str) -> None:
    for finding in all_findings(text):
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.message
        json.dumps(finding.to_json())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.data())
def test_a_one_character_edit_gives_the_same_result_as_a_cold_start(
    text: str, data: st.DataObject
) -> None:
    all_findings(text)  # warm every cache with the text before the edit
    position = data.draw(st.integers(0, len(text)))
    inserted = data.draw(st.sampled_from([" ", ".", "\n", "a", "\ud800", ""]))
    edited = text[:position] + inserted + text[position + (inserted == "") :]
    warm_report, warm_findings = readability(edited), all_findings(edited)
    for cached in (
        split_sentences,
        readability,
        readability_module._sentence_counts,
        plain_english._sentence_hits,
        passive._sentence_hits,
    ):
        cached.cache_clear()
    assert readability(edited) == warm_report
    assert all_findings(edited) == warm_findings


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00" * 1000,
        "a\ud800b. \udfff\ud800",
        "\u202eevil\u202c text \u2066isolate\u2069",
        "Z" + "\u0301\u0316\u0327" * 5000,
        "line\r\nline\r\n" * 2000,
        "x" * 1_000_000,
        "The council will utilise the bins. " * 30_000,  # 1 MB of repeated sentences
        ". " * 500_000,
    ],
    ids=[
        "empty",
        "nul",
        "surrogates",
        "bidi",
        "combining-tower",
        "crlf",
        "1mb-one-word",
        "1mb-sentences",
        "1mb-full-stops",
    ],
)
def test_hostile_inputs_are_handled(text: str) -> None:
    for finding in all_findings(text):
        assert 0 <= finding.start < finding.end <= len(text)
    report = readability(text)
    assert all(0 <= s.start < s.end <= len(text) for s in report.sentences)
