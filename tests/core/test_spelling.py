"""Offline en-GB spelling (pyenchant + hunspell en_GB) and UTF-16 offset mapping."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postdesk.analysis import spelling
from postdesk.analysis.findings import Level
from postdesk.analysis.offsets import Utf16Index, scrub_surrogates, utf16_length
from postdesk.analysis.spelling import SpellChecker, SpellingUnavailableError, words_to_check
from tests.helpers.fake_languagetool import utf16_offset

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)


@pytest.fixture(scope="module")
def speller() -> SpellChecker:
    checker = SpellChecker()
    assert checker.warm_up(), checker.unavailable_reason
    return checker


def flagged(speller: SpellChecker, text: str) -> list[str]:
    return [text[f.start : f.end] for f in speller.check(text)]


class TestBritishDictionary:
    @pytest.mark.parametrize(
        "word",
        ["organisation", "colour", "programme", "centre", "licence", "apologise", "neighbours"],
    )
    def test_british_spellings_pass(self, speller: SpellChecker, word: str) -> None:
        assert flagged(speller, f"Our {word} today.") == []

    @pytest.mark.parametrize("word", ["color", "center"])
    def test_american_spellings_are_flagged(self, speller: SpellChecker, word: str) -> None:
        # Proves the dictionary is en_GB. (Debian's en_GB also accepts -ize spellings
        # such as "organization", so those cannot prove it.)
        assert flagged(speller, f"Our {word} today.") == [word]

    def test_typo_with_suggestion(self, speller: SpellChecker) -> None:
        [finding] = speller.check("Read teh guidance.")

        assert (finding.rule, finding.level, finding.start, finding.end) == (
            "spelling",
            Level.WARN,
            5,
            8,
        )
        assert finding.suggestion == "the"
        assert finding.message == "“teh” is not in the British English dictionary."

    def test_offsets_after_emoji_are_python_indices(self, speller: SpellChecker) -> None:
        text = "👩‍👩‍👧‍👦 teh 🎉 recieve"
        assert flagged(speller, text) == ["teh", "recieve"]

    def test_the_dictionary_is_loaded_once(self) -> None:
        first = spelling._load_dictionary(spelling.DEFAULT_LANGUAGE)
        assert spelling._load_dictionary(spelling.DEFAULT_LANGUAGE) is first


class TestSkipped:
    @pytest.mark.parametrize(
        "text",
        [
            "See https://www.gov.uk/guidance/xyzzq-abcdefg?utm=qwzx",
            "See www.exmpl-qwzx.org/pathh",
            "See gov.uk/qwzx-guidance",
            "Email qwzx.abcd@exmpl-council.gov.uk today",
            "Thanks @qwzxcouncil and @Qwzx_Team",
            "Join us #LocalGovQwzx #qwzx",
            "Open 9am-5pm, 3rd floor, COVID-19, 2qwzx",
            "The DVLA and NHS and QWZX and MPs",
            "x y z",
        ],
    )
    def test_not_prose(self, speller: SpellChecker, text: str) -> None:
        assert flagged(speller, text) == []

    def test_words_around_skipped_tokens_are_still_checked(self, speller: SpellChecker) -> None:
        text = "teh https://example.org teh @someone teh #tag teh"
        assert [f.start for f in speller.check(text)] == [0, 24, 37, 46]

    def test_words_to_check_spans(self) -> None:
        text = "Don\u2019t visit https://x.org, travellers' well-organised trip"
        words = [(w.word, text[w.start : w.end]) for w in words_to_check(text)]

        assert words == [
            ("Don\u2019t", "Don\u2019t"),
            ("visit", "visit"),
            ("travellers", "travellers"),
            ("well-organised", "well-organised"),
            ("trip", "trip"),
        ]


class TestHyphensAndApostrophes:
    def test_hyphenated_words_check_each_part(self, speller: SpellChecker) -> None:
        assert flagged(speller, "A well-organised, co-operative, e-mail-based plan.") == []
        assert flagged(speller, "A well-orgnised plan.") == ["orgnised"]

    def test_apostrophes(self, speller: SpellChecker) -> None:
        text = "Don't, don\u2019t, it's, the council\u2019s, travellers' rights"
        assert flagged(speller, text) == []


class TestPersonalWords:
    def test_exact_and_lower_case_entries(self) -> None:
        checker = SpellChecker({"PostDesk", "kirkleesy"})

        assert flagged(checker, "PostDesk Postdesk kirkleesy Kirkleesy KIRKLEESY") == ["Postdesk"]
        assert checker.is_personal("PostDesk")
        assert not checker.is_personal("postdesk")


class TestUnavailable:
    def test_missing_dictionary(self) -> None:
        checker = SpellChecker(language="xx_NOPE")

        assert checker.warm_up() is False
        assert checker.unavailable_reason is not None
        assert "no xx_NOPE spelling dictionary" in checker.unavailable_reason
        with pytest.raises(SpellingUnavailableError):
            checker.check("teh")

    @pytest.fixture
    def no_enchant(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        # A None entry makes `import enchant` raise ImportError, like a missing C library.
        monkeypatch.setitem(sys.modules, "enchant", None)
        spelling._load_dictionary.cache_clear()
        yield
        spelling._load_dictionary.cache_clear()

    @pytest.mark.usefixtures("no_enchant")
    def test_missing_enchant_library(self) -> None:
        checker = SpellChecker()

        assert checker.warm_up() is False
        assert "enchant spelling library is not installed" in (checker.unavailable_reason or "")
        with pytest.raises(SpellingUnavailableError):
            checker.check("teh")


def test_suggestions_can_be_turned_off() -> None:
    [finding] = SpellChecker(suggestion_budget_s=0).check("teh")

    assert finding.suggestion is None


def test_a_3000_character_post_takes_a_few_milliseconds(speller: SpellChecker) -> None:
    sentence = (
        "The organisation will publish its programme for the town centre on Monday; "
        "see https://www.gov.uk/guidance #LocalGov @council 👩‍👩‍👧‍👦. "
    )
    text = (sentence * 40)[:3000]
    speller.check(text)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        speller.check(text)
        timings.append(time.perf_counter() - started)

    # A few ms on the project machines; the bound is loose because CI machines are shared.
    assert min(timings) < 0.05


# No deadline: a first hunspell suggestion for an odd word can take 250 ms on a busy machine.
@settings(deadline=None)
@given(text=ANY_TEXT)
def test_findings_always_lie_within_the_text(speller: SpellChecker, text: str) -> None:
    for finding in speller.check(text):
        assert 0 <= finding.start < finding.end <= len(text)


class TestOffsets:
    def test_family_emoji(self) -> None:
        text = "👩‍👩‍👧‍👦 teh"
        index = Utf16Index(text)

        assert index.utf16_length == utf16_length(text) == 15
        assert index.to_utf16(8) == 12
        assert index.to_python(12) == 8
        assert index.span_to_python(12, 3) == (8, 11)

    def test_mid_pair_offsets_round_down_or_up(self) -> None:
        index = Utf16Index("a🙂b")

        assert (index.to_python(2), index.to_python(2, round_up=True)) == (1, 2)
        assert index.to_python(3) == 2

    def test_clamped(self) -> None:
        index = Utf16Index("ab🙂")

        assert (index.to_python(-3), index.to_python(99)) == (0, 3)
        assert (index.to_utf16(-3), index.to_utf16(99)) == (0, 4)
        assert index.span_to_python(1, -4) == (1, 1)

    def test_scrub_surrogates_keeps_length(self) -> None:
        text = "a\ud83d b \udc00🙂"
        scrubbed = scrub_surrogates(text)

        assert scrubbed == "a\ufffd b \ufffd🙂"
        scrubbed.encode("utf-8")
        assert utf16_length(scrubbed) == utf16_length(text)

    @given(text=ANY_TEXT)
    def test_round_trip_matches_java_counting(self, text: str) -> None:
        index = Utf16Index(text)
        for i in range(len(text) + 1):
            assert index.to_utf16(i) == utf16_offset(text, i)
            assert index.to_python(index.to_utf16(i)) == i
        assert index.utf16_length == utf16_offset(text, len(text))
