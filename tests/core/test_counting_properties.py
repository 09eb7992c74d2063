"""Property tests: counting and splitting never raise and stay inside the text."""

from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postdesk.analysis import count_unicode
from postdesk.analysis.channels import Channel
from postdesk.analysis.counting import count, count_all
from postdesk.analysis.splitter import split_thread

# Awkward pieces mixed into generated text: URLs, mentions, emoji sequences, marks,
# bidi and zero-width characters, lone surrogates, line breaks.
_PIECES = [
    "https://www.gov.uk/guidance",
    "gov.uk",
    "example.com/a(b)c.",
    "gemini://x.org",
    "@alice@mastodon.social",
    "#Tag",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f44d\U0001f3fd",
    "\U0001f1ec\U0001f1e7",
    "1\ufe0f\u20e3",
    "e\u0301",
    "\u0915\u094d\u0937\u093f",
    "\u202e",
    "\u200d",
    "\ufeff",
    "\ud800",
    "\r\n",
    "\x00",
    "\u3000",
    "\u65e5\u672c",
    ". ",
    "\n\n",
]
_TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(_PIECES)), max_size=40).map(
    "".join
)
_GRAPHEME = regex.compile(r"\X")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.text(max_size=20))
def test_counting_never_raises_and_stays_in_bounds(text: str, warning: str) -> None:
    results = count_all(text, content_warning=warning)
    assert set(results) == set(Channel)
    for result in results.values():
        assert result.length >= 0
        assert all(measure.length >= 0 for measure in result.measures)
        assert result.fits is all(measure.length <= measure.limit for measure in result.measures)
        if result.fits:
            assert result.overflow_at is None
        else:
            assert result.overflow_at is not None
            assert 0 <= result.overflow_at <= len(text)
        assert all(0 <= index < len(text) for index in result.invalid_characters)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_overflow_falls_on_a_grapheme_boundary(text: str) -> None:
    repeated = text * 40
    starts = {match.start() for match in _GRAPHEME.finditer(repeated)} | {len(repeated)}
    for channel in (Channel.X, Channel.BLUESKY, Channel.THREADS, Channel.INSTAGRAM):
        overflow = count(repeated, channel).overflow_at
        assert overflow is None or overflow in starts


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_grapheme_helpers_match_regex(text: str) -> None:
    starts = [match.start() for match in _GRAPHEME.finditer(text)]
    assert count_unicode.grapheme_count(text) == len(starts)
    for number in range(0, len(starts) + 1, 3):
        expected = starts[number] if number < len(starts) else None
        assert count_unicode.nth_cluster_start(text, number) == expected
    for index in range(0, len(text), 2):
        assert count_unicode.cluster_start(text, index) == max(s for s in starts if s <= index)


# Words short enough that none has to be cut: then the parts hold exactly the words.
_WORD = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Zs", "Zl", "Zp", "Cc", "Cs"]),
        min_size=1,
        max_size=15,
    ),
    st.sampled_from([piece.strip() for piece in _PIECES if piece.strip()]),
)
_PROSE = st.lists(
    st.tuples(_WORD, st.sampled_from([" ", " ", "  ", "\n", ". ", "\n\n"])), max_size=150
).map(lambda pairs: "".join(word + gap for word, gap in pairs))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PROSE, st.sampled_from([Channel.X, Channel.BLUESKY, Channel.MASTODON, Channel.THREADS]))
def test_split_parts_fit_and_rejoin_to_the_words(text: str, channel: Channel) -> None:
    parts = split_thread(text, channel)
    assert all(part.count.fits for part in parts)
    bodies = [part.body for part in parts]
    assert " ".join(bodies).split() == text.split()
    for part in parts:
        assert 0 <= part.start < part.end <= len(text)
        assert text[part.start : part.end] == part.body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT.map(lambda text: text * 12), st.sampled_from(list(Channel)))
def test_split_any_text_covers_it_in_order(text: str, channel: Channel) -> None:
    parts = split_thread(text, channel)
    position = 0
    for part in parts:
        assert part.count.fits
        assert position <= part.start < part.end <= len(text)
        assert text[part.start : part.end] == part.body
        # Between parts only white space is dropped (nothing, when a word was cut).
        assert not text[position : part.start].strip()
        position = part.end
    assert not text[position:].strip()
