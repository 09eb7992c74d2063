"""Sentence splitting for social posts: abbreviations, numbers, web addresses, line breaks."""

from __future__ import annotations

import pytest

from postdesk.analysis.sentences import (
    MAX_ANALYSED_CHARS,
    MAX_SENTENCE_CHARS,
    entity_spans,
    mask_entities,
    split_sentences,
)


def texts(text: str) -> list[str]:
    """The sentences of `text`, as strings."""
    return [sentence.text for sentence in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The deadline is 31 January. Pay online or by phone.",
            ["The deadline is 31 January.", "Pay online or by phone."],
            id="plain",
        ),
        pytest.param(
            "Dr. Patel opens the new surgery today. Appointments start at 9am.",
            ["Dr. Patel opens the new surgery today.", "Appointments start at 9am."],
            id="title-before-name",
        ),
        pytest.param(
            "Bring proof of address, e.g. a council tax bill. We cannot accept photos.",
            ["Bring proof of address, e.g. a council tax bill.", "We cannot accept photos."],
            id="e.g.",
        ),
        pytest.param(
            "Some services, i.e. the tip and the library, close early. Others stay open.",
            ["Some services, i.e. the tip and the library, close early.", "Others stay open."],
            id="i.e.",
        ),
        pytest.param(
            "The vigil is at St. Mary's church. All are welcome.",
            ["The vigil is at St. Mary's church.", "All are welcome."],
            id="saint",
        ),
        pytest.param(
            "The Prime Minister spoke outside No. 10 this morning. Watch the speech online.",
            ["The Prime Minister spoke outside No. 10 this morning.", "Watch the speech online."],
            id="number-10",
        ),
        pytest.param(
            "Prices rose by 2.5% in May. That is 0.3 points lower than April.",
            ["Prices rose by 2.5% in May.", "That is 0.3 points lower than April."],
            id="decimals",
        ),
        pytest.param(
            "Apply at https://www.gov.uk/apply-blue-badge.html?ref=x.y today. It takes 30 minutes.",
            [
                "Apply at https://www.gov.uk/apply-blue-badge.html?ref=x.y today.",
                "It takes 30 minutes.",
            ],
            id="url-inside",
        ),
        pytest.param(
            "Find out more at gov.uk/self-assessment. Lines are busy on Mondays.",
            ["Find out more at gov.uk/self-assessment.", "Lines are busy on Mondays."],
            id="url-at-end",
        ),
        pytest.param(
            "Email planning@leeds.gov.uk. We reply within 10 working days.",
            ["Email planning@leeds.gov.uk.", "We reply within 10 working days."],
            id="email",
        ),
        pytest.param(
            "Thanks to @LeedsCC and @news@mastodon.social. #LocalGov",
            ["Thanks to @LeedsCC and @news@mastodon.social.", "#LocalGov"],
            id="mentions-hashtag",
        ),
        pytest.param(
            "Yellow warning for ice\nTake care on roads and pavements\nStay safe",
            ["Yellow warning for ice", "Take care on roads and pavements", "Stay safe"],
            id="line-breaks-without-punctuation",
        ),
        pytest.param(
            "Storm Bert update\r\n\r\nThe A64 is closed.\r\nUse the diversion.",
            ["Storm Bert update", "The A64 is closed.", "Use the diversion."],
            id="crlf-and-blank-lines",
        ),
        pytest.param(
            "First paragraph\u2029Second line\u2028Third line\x85Fourth",
            ["First paragraph", "Second line", "Third line", "Fourth"],
            id="unicode-line-separators",
        ),
        pytest.param(
            "Is your car taxed? Check now! It only takes a minute.",
            ["Is your car taxed?", "Check now!", "It only takes a minute."],
            id="question-exclamation",
        ),
        pytest.param(
            "Really?! Yes.",
            ["Really?!", "Yes."],
            id="mixed-punctuation",
        ),
        pytest.param(
            "He said \u201cThe bridge is shut.\u201d Then he left.",
            ["He said \u201cThe bridge is shut.\u201d", "Then he left."],
            id="closing-quote",
        ),
        pytest.param(
            "Bins, boxes etc. You can recycle them all.",
            ["Bins, boxes etc.", "You can recycle them all."],
            id="etc-before-capital",
        ),
        pytest.param(
            "Bring bins, boxes etc. to the kerb.",
            ["Bring bins, boxes etc. to the kerb."],
            id="etc-before-lower-case",
        ),
        pytest.param(
            "The hub closes at 5 p.m. Call us before then.",
            ["The hub closes at 5 p.m.", "Call us before then."],
            id="p.m.-then-capital",
        ),
        pytest.param(
            "J. Smith, our chief executive, will answer questions.",
            ["J. Smith, our chief executive, will answer questions."],
            id="initial",
        ),
        pytest.param(
            "It takes approx. two weeks. We will write to you.",
            ["It takes approx. two weeks.", "We will write to you."],
            id="unknown-abbreviation-lower-case-next",
        ),
        pytest.param(
            "If in doubt, say no. Then call us.",
            ["If in doubt, say no.", "Then call us."],
            id="no-as-a-word",
        ),
        pytest.param(
            "Call us on Tel. 0300 123 4567. Lines open at 8am.",
            ["Call us on Tel. 0300 123 4567.", "Lines open at 8am."],
            id="tel-before-number",
        ),
        pytest.param(
            "How to apply:\n1. Check you are eligible\n2. Fill in the form",
            ["How to apply:", "1. Check you are eligible", "2. Fill in the form"],
            id="numbered-list",
        ),
        pytest.param(
            "We waited... and waited... Then the bus came.",
            ["We waited... and waited...", "Then the bus came."],
            id="ellipsis",
        ),
        pytest.param(
            "Flooding on the A1\u2026 Avoid the area.",
            ["Flooding on the A1\u2026", "Avoid the area."],
            id="ellipsis-character",
        ),
    ],
)
def test_splits_like_a_reader_would(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_spans_are_indices_into_the_original_text() -> None:
    text = "  Roadworks start on Monday.\n\n  Expect delays at junction 4!  "
    sentences = split_sentences(text)
    assert [(s.start, s.end) for s in sentences] == [(2, 28), (32, 60)]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize("text", ["", " ", "\n\n\r\n", "\t \u2029 "])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == ()


def test_a_line_of_emoji_is_still_a_sentence_so_no_text_is_lost() -> None:
    assert texts("Happy new year\n\U0001f389\U0001f389") == [
        "Happy new year",
        "\U0001f389\U0001f389",
    ]


def test_a_long_stretch_without_a_sentence_end_is_cut_at_spaces() -> None:
    words = ["consultation"] * 400  # about 5,200 characters, no punctuation
    text = " ".join(words)
    sentences = split_sentences(text)
    assert len(sentences) > 1
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    # Cut only at spaces: every word survives whole.
    assert [word for s in sentences for word in s.text.split()] == words


def test_one_enormous_word_is_cut_hard() -> None:
    text = "x" * (MAX_SENTENCE_CHARS * 3 + 7)
    sentences = split_sentences(text)
    assert "".join(s.text for s in sentences) == text
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)


def test_only_the_first_characters_of_a_huge_text_are_split() -> None:
    text = "Council tax is due. " * (MAX_ANALYSED_CHARS // 10)
    sentences = split_sentences(text)
    assert sentences
    assert sentences[-1].end <= MAX_ANALYSED_CHARS


def test_the_split_is_cached_for_the_same_text() -> None:
    text = "Check your tax code. It is on your payslip."
    assert split_sentences(text) is split_sentences(text)


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("See https://www.gov.uk/vat-rates.", ["https://www.gov.uk/vat-rates"]),
        ("See www.leeds.gov.uk/bins, then", ["www.leeds.gov.uk/bins"]),
        ("Visit gov.uk/self-assessment today", ["gov.uk/self-assessment"]),
        ("Email help@council.gov.uk now", ["help@council.gov.uk"]),
        (
            "Ask @HMRCcustomers or @dvla@social.example.uk.",
            ["@HMRCcustomers", "@dvla@social.example.uk"],
        ),
        ("Follow @nhs.bsky.social.", ["@nhs.bsky.social"]),
        ("#StormBert and #Leeds2025!", ["#StormBert", "#Leeds2025"]),
        ("Prices rose 2.5% (see fig. 3) e.g. buses", []),
        ("The file is report.pdf and the road is the A1.", []),
    ],
)
def test_finds_web_addresses_mentions_and_hashtags(text: str, entities: list[str]) -> None:
    assert [text[start:end] for start, end in entity_spans(text)] == entities


def test_masking_keeps_every_index_in_place() -> None:
    text = "Read gov.uk/tax-codes or ask @HMRC #Tax"
    masked = mask_entities(text)
    assert len(masked) == len(text)
    assert masked.split() == ["Read", "or", "ask"]
    assert masked[:5] == text[:5]
