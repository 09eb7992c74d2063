"""Properties: bad input never raises, spans stay inside the text, big pastes stay fast."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postdesk.analysis.findings import Finding
from postdesk.policy import (
    MAX_ANALYSED_CHARS,
    PolicyEngine,
    load_pack_data,
    outstanding_sign_offs,
    sign,
    text_hash,
)
from postdesk.policy.features import emoji_spans, find_links, hashtag_spans

# A department pack that turns everything on, so every rule is exercised.
EVERYTHING = PolicyEngine(
    load_pack_data(
        {
            "election": {"start": "2026-01-01", "end": "2026-12-31"},
            "links": {"allow": ["gov.uk"]},
            "words": {"embargo-term": ["Project Heron", "e.g."]},
            "rules": [
                {
                    "id": "case-reference",
                    "kind": "pattern",
                    "level": "warn",
                    "patterns": [r"\bCR-\d{6}\b", r"(x|xx)+y"],
                }
            ],
        },
        "everything",
    )
)
TODAY = date(2026, 6, 1)

# Pieces that exercise the tricky paths: hostile Unicode (NUL, lone surrogates, bidi
# controls, joiners, combining marks), line breaks of every kind, and the things the
# rules look for.
PIECES = [
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u2028",
    "\x85",
    "\x00",
    "\x1c",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufe0f",
    "\ufeff",
    "\u00ad",
    "e\u0301\u0301\u0301\u0301\u0301\u0301",
    "\U0001f469\u200d\u2695\ufe0f",
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "\U0001f1ec\U0001f1e7",
    "1\ufe0f\u20e3",
    "\U0001f389",
    "\U0001d5e1\U0001d5d8\U0001d5ea",
    "\uff26\uff32",
    "#",
    "#staysafe",
    "#NHS",
    "@",
    "@user",
    "a.b@gmail.com",
    "http://",
    "https://bit.ly/x",
    "gov.uk/tax",
    "www.",
    ".",
    "(",
    ")",
    "07700 900123",
    "+44 7700",
    "943 476 5919",
    "JT 44 21 87 B",
    "14 Acacia Avenue, Leeds LS6 2AB",
    "Flat 2,",
    "born 3 March 1926",
    "ROAD CLOSED",
    "ULEZ",
    "(ULEZ)",
    "e.g.",
    "click here",
    "bollocks",
    "Lib Dems",
    "Project Heron",
    "CR-123456",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "\u0648\u06cc\u06a9",
    "word",
    "A",
]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=30).map("".join),
)


def _assert_sane(findings: list[Finding], text: str) -> None:
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding
        assert finding.message
        finding.to_json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, essential=st.booleans())
def test_checks_never_raise_and_spans_stay_inside(text: str, essential: bool) -> None:
    _assert_sane(EVERYTHING.check(text, essential=essential, today=TODAY), text)
    _assert_sane(EVERYTHING.run(text, essential=essential, today=TODAY), text)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_sentence_cache_never_changes_the_answer(text: str) -> None:
    warm = EVERYTHING.check(text + " tail", today=TODAY)
    del warm
    assert EVERYTHING.check(text, today=TODAY) == PolicyEngine(EVERYTHING.pack).check(
        text, today=TODAY
    )


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_feature_finders_stay_inside(text: str) -> None:
    for start, end in [*hashtag_spans(text), *emoji_spans(text)]:
        assert 0 <= start < end <= len(text)
    for link in find_links(text):
        assert 0 <= link.start < link.end <= len(text)
        assert text[link.start : link.end] == link.url


@settings(max_examples=100, deadline=None)
@given(text=texts, edit=st.text(min_size=1, max_size=3))
def test_any_edit_clears_a_tick(text: str, edit: str) -> None:
    tick = sign("facts-checked", "me", text)
    pack = EVERYTHING.pack
    assert tick.text_hash == text_hash(text)
    assert outstanding_sign_offs(pack, "author", text, [tick])[0].id != "facts-checked"
    assert "facts-checked" in [
        i.id for i in outstanding_sign_offs(pack, "author", text + edit, [tick])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00" * 1000,
        "\ud800\udc00\ud800",
        "\u202e" * 500 + "abc",
        "e" + "\u0301" * 5000,
        "\U0001f469\u200d" * 2000,
        "line\r\n" * 2000,
        "#" * 5000,
        "(" * 5000 + "https://x.uk/" + ")" * 5000,
        "@" * 5000 + "a@b.co",
        "A " * 20000,
    ],
)
def test_hostile_inputs(text: str) -> None:
    _assert_sane(EVERYTHING.check(text, today=TODAY), text)


@pytest.mark.parametrize(
    "unit",
    [
        "a",
        "Self Assessment is due on 31 January. ROAD CLOSED e.g. #staysafe \U0001f389 ",
        "http://bit.ly/" + "x" * 50 + " ",
        "\u200b",
        "aaaa.",
        "07700 900123 ",
    ],
)
def test_a_one_megabyte_paste_stays_responsive(unit: str) -> None:
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    started = time.perf_counter()
    found = EVERYTHING.check(text, today=TODAY)
    elapsed = time.perf_counter() - started
    _assert_sane(found, text)
    assert all(f.end <= MAX_ANALYSED_CHARS for f in found)  # only the first 100,000 are checked
    assert elapsed < 5.0, f"{elapsed:.2f} s"  # measured at 0.01 to 0.5 s; generous for CI load
