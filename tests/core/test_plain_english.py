"""Plain English word lists and passive-voice hints."""

from __future__ import annotations

from typing import Any

import pytest

from postdesk.analysis import passive, plain_english
from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.plain_english import (
    load_word_list,
    match_case,
    passive_voice_findings,
    plain_english_findings,
)

WORDS_TO_AVOID = "https://www.gov.uk/guidance/style-guide/a-to-z"
TOO_WORDY = "https://github.com/alphagov/gds-vale-styles/blob/master/GDS/PlainEnglish/TooWordy.yml"


def spans(findings: list[Finding], text: str) -> list[tuple[str, str | None]]:
    """Each finding as (the text it covers, its suggestion)."""
    return [(text[f.start : f.end], f.suggestion) for f in findings]


# --- the word lists -----------------------------------------------------------------


def test_the_shipped_lists_load_and_cover_the_govuk_seeds() -> None:
    entries = {entry.phrase: entry for entry in load_word_list()}
    for phrase, suggestion in [
        ("utilise", "use"),
        ("facilitate", "help"),
        ("in order to", "to"),
        ("commence", "start"),
        ("going forward", "from now on"),
        ("prior to", "before"),
        ("purchase", "buy"),
    ]:
        assert entries[phrase].suggestions[0] == suggestion
    assert entries["utilise"].forms["utilised"] == ("used",)
    assert entries["utilise"].level is Level.WARN
    assert entries["commence"].level is Level.INFO


def test_every_entry_names_its_source_and_level() -> None:
    entries = load_word_list()
    assert len(entries) > 150
    for entry in entries:
        assert entry.source in (WORDS_TO_AVOID, TOO_WORDY)
        assert entry.level in (Level.WARN, Level.INFO)
        assert entry.phrase == entry.phrase.lower().strip()
        assert all(s and s == s.strip() for s in entry.suggestions)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"entry": []}, "reason"),
        ({"reason": "r", "entry": [{"phrase": "x", "level": "warn"}]}, "https source"),
        (
            {"reason": "r", "entry": [{"phrase": "x", "level": "loud", "source": "https://a"}]},
            "level",
        ),
        (
            {
                "reason": "r",
                "entry": [
                    {"phrase": "x", "level": "info", "source": "https://a", "suggestions": "y"}
                ],
            },
            "list of words",
        ),
        (
            {
                "reason": "r",
                "entry": [
                    {"phrase": "x", "level": "info", "source": "https://a", "forms": {"?": []}}
                ],
            },
            "form without words",
        ),
        ({"reason": "r", "entry": [{"phrase": "x", "level": ["warn"]}]}, "level"),
    ],
)
def test_a_malformed_list_is_refused(data: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        plain_english._parse_list(data, "bad.toml")


# --- matching -----------------------------------------------------------------------


def test_inflections_match_with_their_own_suggestions_and_capitalisation() -> None:
    text = "We will UTILISE new tools. Utilised, utilising and utilises."
    assert spans(plain_english_findings(text), text) == [
        ("UTILISE", "USE"),
        ("Utilised", "Used"),
        ("utilising", "using"),
        ("utilises", "uses"),
    ]


def test_a_phrase_at_the_start_of_a_sentence_keeps_its_capital() -> None:
    text = "In order to apply, you need your National Insurance number."
    (finding,) = plain_english_findings(text)
    assert (finding.start, finding.end, finding.suggestion) == (0, 11, "To")
    assert finding.rule == "plain-english"
    assert finding.level is Level.WARN
    assert finding.source == WORDS_TO_AVOID
    assert finding.message == (
        "\u201cIn order to\u201d is on the GOV.UK list of words to avoid. It is superfluous. "
        "Try \u201cTo\u201d."
    )


def test_several_suggestions_are_all_named_and_the_first_is_offered() -> None:
    text = "Work will commence on Monday."
    (finding,) = plain_english_findings(text)
    assert finding.suggestion == "start"
    assert "\u201cstart\u201d or \u201cbegin\u201d" in finding.message
    assert finding.level is Level.INFO
    assert finding.source == TOO_WORDY


def test_an_entry_without_suggestions_gives_advice_and_no_fix() -> None:
    text = "Our new one-stop shop opens on Monday."
    (finding,) = plain_english_findings(text)
    assert text[finding.start : finding.end] == "one-stop shop"
    assert finding.suggestion is None
    assert "not a retail outlet" in finding.message


def test_phrase_words_may_be_joined_by_hyphens_or_several_spaces() -> None:
    text = "The money is ring-fenced. It is   ring  fenced for schools."
    assert spans(plain_english_findings(text), text) == [
        ("ring-fenced", None),
        ("ring  fenced", None),
    ]


def test_the_longest_phrase_wins() -> None:
    text = "In addition to the grant, in addition, there is a loan."
    assert spans(plain_english_findings(text), text) == [
        ("In addition to", "As well as"),
        ("in addition", "also"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Key-worker parking is free.",  # part of a hyphenated compound
        "Use the keyboard shortcut.",  # inside a longer word
        "Read gov.uk/facilitate-access first.",  # inside a web address
        "Thanks to @facilitate and #Utilise.",  # mentions and hashtags
        "Email utilise@example.org for help.",  # inside an email address
        "The commencements were delayed.",  # a form the list does not give
    ],
)
def test_whole_words_only_and_never_in_entities(text: str) -> None:
    assert plain_english_findings(text) == []


def test_curly_apostrophes_match_straight_ones() -> None:
    text = "As far as I\u2019m concerned, the plan works."
    assert spans(plain_english_findings(text), text) == [("As far as I\u2019m concerned", None)]


def test_offsets_point_into_the_original_text_across_sentences() -> None:
    text = (
        "Storm Bert update\n"
        "Our crews are working to facilitate repairs. Prior to travelling, check "
        "https://www.leeds.gov.uk/roads for closures.\n"
        "Going forward we will post updates every hour."
    )
    findings = plain_english_findings(text)
    assert spans(findings, text) == [
        ("facilitate", "help"),
        ("Prior to", "Before"),
        ("Going forward", "From now on"),
    ]
    assert [f.level for f in findings] == [Level.WARN, Level.INFO, Level.WARN]


def test_results_do_not_depend_on_the_cache() -> None:
    text = "We will utilise the remainder of the budget in order to purchase gritters."
    first = plain_english_findings(text)
    plain_english._sentence_hits.cache_clear()
    assert plain_english_findings(text) == first
    assert len(first) == 4


@pytest.mark.parametrize(
    ("original", "replacement", "expected"),
    [
        ("utilise", "use", "use"),
        ("Utilise", "use", "Use"),
        ("UTILISE", "use", "USE"),
        ("In order to", "to", "To"),
        ("IN ORDER TO", "to", "TO"),
        ("\u201cutilise", "use", "use"),
        ("", "use", "use"),
        ("Utilise", "", ""),
    ],
)
def test_match_case(original: str, replacement: str, expected: str) -> None:
    assert match_case(original, replacement) == expected


# --- passive voice ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your application was approved on Monday.", ["was approved"]),
        ("Your claim is being reviewed by our team.", ["is being reviewed"]),
        ("Bins were not collected in Headingley.", ["were not collected"]),
        ("The form has been quickly sent back.", ["been quickly sent"]),
        ("Decisions will be made by the cabinet.", ["be made"]),
        ("The bridge was built in 1890 and was repaired in 2010.", ["was built", "was repaired"]),
        ("They\u2019re expected to arrive at noon.", ["They\u2019re expected"]),
        ("The road was closed by police.", ["was closed"]),
        ("Applications aren't accepted after 5pm.", ["aren't accepted"]),
    ],
)
def test_passive_constructions_are_found(text: str, expected: list[str]) -> None:
    assert [t for t, _ in spans(passive_voice_findings(text), text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "We are delighted to welcome you.",  # an adjective of feeling
        "The road is closed until Friday.",  # a state, with no "by"
        "The office is based in Leeds.",
        "This is Ted, our new caretaker.",  # a name
        "Nothing is need here.",  # not a participle
        "We approved your application.",  # active
        "It is a hundred years old.",
        "See https://example.org/was-approved and #wasTaken.",  # inside entities
    ],
)
def test_active_sentences_and_adjectives_are_not_flagged(text: str) -> None:
    assert passive_voice_findings(text) == []


def test_passive_findings_are_info_level_hints_with_a_source() -> None:
    text = "Storm update\nTrees have been brought down. The A64 was closed by police."
    findings = passive_voice_findings(text)
    assert [(text[f.start : f.end], f.level) for f in findings] == [
        ("been brought", Level.INFO),
        ("was closed", Level.INFO),
    ]
    for finding in findings:
        assert finding.rule == "passive-voice"
        assert finding.source == WORDS_TO_AVOID
        assert finding.suggestion is None
        assert text[finding.start : finding.end] in finding.message


def test_passive_results_do_not_depend_on_the_cache() -> None:
    text = "The consultation was launched in May. Responses are being analysed."
    first = passive_voice_findings(text)
    passive._sentence_hits.cache_clear()
    assert passive_voice_findings(text) == first
    assert len(first) == 2
