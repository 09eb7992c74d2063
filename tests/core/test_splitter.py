"""The thread splitter: parts fit their channel, break in sensible places, map back."""

from __future__ import annotations

import pytest

from postdesk.analysis.channels import Channel, MastodonServer, limits_for
from postdesk.analysis.counting import count
from postdesk.analysis.splitter import SplitError, ThreadPart, split_thread

NOTICE = (
    "Storm warning for the north coast tonight. Please avoid travel unless essential. "
    "Check https://www.gov.uk/weather-warnings/north-coast for updates, and follow "
    "@metoffice@social.example for live news. #StormAlert "
)


def _assert_consistent(text: str, parts: list[ThreadPart], channel: Channel) -> None:
    assert parts, "expected at least one part"
    previous_end = 0
    for number, part in enumerate(parts, start=1):
        assert (part.index, part.total) == (number, len(parts))
        assert 0 <= previous_end <= part.start < part.end <= len(text)
        assert text[part.start : part.end] == part.body
        assert part.body == part.body.strip()
        assert part.text.startswith(part.body)
        assert part.count.fits, (part.count.length, part.count.limit)
        assert part.count == count(part.text, channel)
        # Only white space is dropped between parts (or nothing, inside a word).
        assert not text[previous_end : part.start].strip()
        previous_end = part.end
    assert not text[previous_end:].strip()


@pytest.mark.parametrize("channel", list(Channel))
def test_long_notice_splits_into_fitting_parts(channel: Channel) -> None:
    text = NOTICE * (limits_for(channel).limit // 100 + 2)  # a little over two parts
    parts = split_thread(text, channel)
    _assert_consistent(text, parts, channel)
    assert len(parts) > 1
    assert " ".join(part.body for part in parts).split() == text.split()
    for part in parts:
        assert part.text == f"{part.body} {part.index}/{part.total}"


def test_short_text_is_one_unnumbered_part() -> None:
    parts = split_thread("  Short notice.  ", Channel.X)
    assert [(p.body, p.text, p.start, p.end) for p in parts] == [
        ("Short notice.", "Short notice.", 2, 15)
    ]
    numbered = split_thread("Short notice.", Channel.X, number_single=True)
    assert numbered[0].text == "Short notice. 1/1"


def test_blank_text_has_no_parts() -> None:
    assert split_thread("", Channel.X) == []
    assert split_thread(" \n\t ", Channel.BLUESKY) == []


def test_prefers_sentence_ends() -> None:
    first = "This first sentence is long enough to fill well over half of a post. " * 3
    text = first + "Second sentence without any full stop and it goes on " * 4
    parts = split_thread(text, Channel.X)
    assert parts[0].body.endswith(".")
    assert parts[0].end == len(first.rstrip())


def test_word_breaks_when_no_sentence_end_fits() -> None:
    text = " ".join(f"word{number}" for number in range(200))
    parts = split_thread(text, Channel.X)
    _assert_consistent(text, parts, Channel.X)
    assert all(part.body.split()[-1].startswith("word") for part in parts)
    assert " ".join(part.body for part in parts).split() == text.split()


def test_numbering_width_is_counted() -> None:
    # Enough parts for two-digit numbering: " 10/12" is one character longer than " 9/12".
    text = " ".join(["abcdefghij"] * 300)
    parts = split_thread(text, Channel.X)
    assert len(parts) >= 10
    _assert_consistent(text, parts, Channel.X)
    assert parts[-1].text.endswith(f" {len(parts)}/{len(parts)}")


def test_custom_and_no_numbering() -> None:
    text = NOTICE * 4
    parts = split_thread(text, Channel.BLUESKY, numbering="({i} of {n})")
    assert parts[1].text.endswith(f" (2 of {len(parts)})")
    bare = split_thread(text, Channel.BLUESKY, numbering=None)
    assert all(part.text == part.body for part in bare)
    with pytest.raises(ValueError, match="numbering"):
        split_thread(text, Channel.X, numbering="{i}/{total}")


def test_never_breaks_inside_urls_mentions_or_hashtags() -> None:
    url = "https://www.gov.uk/guidance/" + "a" * 40
    text = " ".join(["Read", url, "@team@example.social", "#Update"] * 40)
    for channel in (Channel.X, Channel.MASTODON, Channel.BLUESKY):
        parts = split_thread(text, channel)
        _assert_consistent(text, parts, channel)
        for part in parts:
            tokens = part.body.split()
            assert all(
                token in {"Read", url, "@team@example.social", "#Update"} for token in tokens
            )


def test_url_counts_23_on_x_so_a_long_one_stays_whole() -> None:
    url = "https://example.com/" + "p" * 400  # 420 characters, 23 on X
    text = "Look " + url + " now. " + "x " * 200
    parts = split_thread(text, Channel.X)
    _assert_consistent(text, parts, Channel.X)
    assert any(url in part.body for part in parts)


def test_a_word_longer_than_a_part_is_cut_between_graphemes() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    word = ("e\u0301" + family) * 100  # 100 * (1 + 2) = 300 weighted, no white space
    parts = split_thread(word, Channel.X)
    _assert_consistent(word, parts, Channel.X)
    assert len(parts) == 2
    assert "".join(part.body for part in parts) == word
    cut = parts[0].end
    assert word[cut : cut + 2] == "e\u0301" or word[cut:].startswith(family)


def test_a_long_url_that_cannot_fit_is_cut_as_a_last_resort() -> None:
    # Over 4096 characters it is no longer a URL to X, so it counts in full.
    url = "https://example.com/" + "q" * 5000
    parts = split_thread(url, Channel.X)
    _assert_consistent(url, parts, Channel.X)
    assert "".join(part.body for part in parts) == url


def test_a_single_cluster_over_the_limit_is_cut_between_code_points() -> None:
    tower = "e" + "\u0301" * 600  # one grapheme cluster, 601 weighted on X
    parts = split_thread(tower, Channel.X)
    _assert_consistent(tower, parts, Channel.X)
    assert "".join(part.body for part in parts) == tower


def test_mastodon_uses_the_server_limit_and_content_warning() -> None:
    text = NOTICE * 6
    small = MastodonServer(max_characters=200)
    parts = split_thread(text, Channel.MASTODON, mastodon=small, content_warning="Weather")
    for part in parts:
        result = count(part.text, Channel.MASTODON, mastodon=small, content_warning="Weather")
        assert result.fits
        assert result == part.count
    assert len(parts) > len(split_thread(text, Channel.MASTODON))


def test_numbering_that_cannot_fit_raises() -> None:
    tiny = MastodonServer(max_characters=3)
    with pytest.raises(SplitError):
        split_thread("hello world again", Channel.MASTODON, mastodon=tiny)


def test_offsets_with_leading_space_newlines_and_crlf() -> None:
    text = "\n\n  " + ("First line of the notice.\r\nSecond line here.\r\n\r\n" * 20)
    parts = split_thread(text, Channel.X)
    _assert_consistent(text, parts, Channel.X)
    assert parts[0].start == 4
