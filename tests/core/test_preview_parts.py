"""What the preview shows per platform: posts, shortened links, entities, safe text."""

from __future__ import annotations

import pytest

from postdesk.analysis.channels import Channel, MastodonServer
from postdesk.analysis.counting import count
from postdesk.analysis.preview_parts import (
    ChannelPreview,
    Segment,
    build_previews,
    display_url,
    line_direction,
    rich_lines,
    safe_text,
    too_long_words,
)
from postdesk.analysis.splitter import split_thread

LONG_URL = "https://www.gov.uk/guidance/road-closures-in-the-north-east-2025"
HEBREW = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"  # "hello world", escaped
ARABIC = "\u0645\u0631\u062d\u0628\u0627"  # "hello", escaped


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # display_url values from X API responses for these expanded URLs.
        ("https://dev.twitter.com/terms/display-guidelines", "dev.twitter.com/terms/display-…"),
        ("http://www.youtube.com/watch?v=6agp_W-rqgQ&sns=tw", "youtube.com/watch?v=6agp_W…"),
        ("http://www.southwark.gov.uk/innovate", "southwark.gov.uk/innovate"),
        ("http://www.nytimes.com/", "nytimes.com"),
        ("gov.uk", "gov.uk"),
        (LONG_URL, "gov.uk/guidance/road-…"),
    ],
)
def test_x_shows_a_link_without_scheme_and_cut_after_fifteen_path_characters(
    url: str, shown: str
) -> None:
    assert display_url(url, Channel.X) == shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (LONG_URL, "gov.uk/guidance/road-closures-…"),
        ("https://example.com/" + "a" * 11, "example.com/" + "a" * 11),  # 23: whole
        ("https://example.com/" + "a" * 18, "example.com/" + "a" * 18),  # 30: whole
        # 31: Mastodon shows the last character rather than an ellipsis in its place.
        ("https://example.com/" + "a" * 19, "example.com/" + "a" * 19),
        ("https://example.com/" + "a" * 20, "example.com/" + "a" * 18 + "…"),
        ("gemini://example.com/page", "gemini://example.com/page"),  # no prefix removed
    ],
)
def test_mastodon_shows_thirty_characters_after_the_scheme(url: str, shown: str) -> None:
    assert display_url(url, Channel.MASTODON) == shown


@pytest.mark.parametrize("channel", [Channel.BLUESKY, Channel.LINKEDIN, Channel.THREADS])
def test_other_platforms_show_a_link_as_typed(channel: Channel) -> None:
    assert display_url(LONG_URL, channel) == LONG_URL


def _kinds(text: str, channel: Channel) -> list[tuple[str, str]]:
    return [
        (segment.kind, segment.text)
        for line in rich_lines(text, channel)
        for segment in line.segments
        if segment.kind != "text"
    ]


def test_each_platform_links_what_it_links() -> None:
    text = f"See {LONG_URL} @council_roads #roadworks #2025"
    assert _kinds(text, Channel.X) == [
        ("link", "gov.uk/guidance/road-…"),
        ("mention", "@council_roads"),
        ("tag", "#roadworks"),  # "#2025" is not a hashtag: no letter
    ]
    # PostDesk escapes '#' and '@' for LinkedIn: only the link is a link there.
    assert _kinds(text, Channel.LINKEDIN) == [("link", LONG_URL)]
    # Instagram captions do not link URLs.
    assert _kinds(text, Channel.INSTAGRAM) == [
        ("mention", "@council_roads"),
        ("tag", "#roadworks"),
    ]


def test_mastodon_shows_a_remote_mention_by_its_username() -> None:
    lines = rich_lines("Thanks @metoffice@social.example!", Channel.MASTODON)
    assert lines[0].segments[1] == Segment("mention", "@metoffice", "@metoffice@social.example")


def test_an_address_is_not_an_x_mention() -> None:
    # Nor a URL: twitter-text takes no URL straight after "@".
    assert _kinds("mail @alice@example.com", Channel.X) == []


def test_bluesky_links_what_postdesk_publishes_as_facets() -> None:
    assert _kinds("Read gov.uk/roads and ask @council.bsky.social", Channel.BLUESKY) == [
        ("link", "gov.uk/roads"),
        ("mention", "@council.bsky.social"),
    ]


def test_lines_keep_breaks_and_their_own_direction() -> None:
    lines = rich_lines(f"Hello\n\n{HEBREW}\n123", Channel.X)
    assert [line.direction for line in lines] == ["ltr", None, "rtl", None]
    assert lines[1].segments == ()
    assert line_direction(f"{ARABIC} hello") == "rtl"


def test_undrawable_characters_become_replacement_characters_one_for_one() -> None:
    text = "a\ud800b\x00c\x07d\te\U0001f468\u200d\U0001f469"
    assert safe_text(text) == "a\ufffdb\ufffdc\ufffdd\te\U0001f468\u200d\U0001f469"
    assert len(safe_text(text)) == len(text)
    shown = rich_lines("x \udfff y", Channel.MASTODON)
    assert shown[0].segments == (Segment("text", "x \ufffd y"),)


def _joined(card: ChannelPreview) -> str:
    return " ".join(post.body for post in card.posts)


def test_a_long_post_is_the_thread_postdesk_publishes() -> None:
    text = ("Storm warning for the north coast tonight. Avoid travel if you can. " * 11).strip()
    (card,) = build_previews(text, (Channel.X,))
    parts = split_thread(text, Channel.X)
    assert card.is_thread
    assert card.total_posts == len(parts) == len(card.posts)
    assert [post.text for post in card.posts] == [part.text for part in parts]
    assert _joined(card).split() == text.split()
    assert all(post.count.length <= 280 for post in card.posts)
    assert card.posts[0].text.endswith(f" 1/{len(parts)}")
    assert card.shown_chars is None


def test_mastodon_is_split_by_the_servers_own_limit() -> None:
    text = "word " * 150  # 750 characters
    (stock,) = build_previews(text, (Channel.MASTODON,))
    (roomy,) = build_previews(text, (Channel.MASTODON,), MastodonServer(max_characters=1000))
    assert stock.total_posts == 2
    assert roomy.total_posts == 1


def test_a_platform_without_threads_says_how_much_too_long() -> None:
    text = "a" * 3100
    (card,) = build_previews(text, (Channel.LINKEDIN,))
    assert card.total_posts == 1
    assert card.too_long is not None
    assert card.too_long == count(text, Channel.LINKEDIN)
    words = too_long_words(card)
    assert words is not None
    assert words.startswith("Too long for LinkedIn: 100 characters over the 3,000 limit.")


def test_instagram_notes_that_links_are_not_clickable() -> None:
    (card,) = build_previews("Hello", (Channel.INSTAGRAM,))
    assert "Links are not clickable in Instagram captions." in card.notes
    assert too_long_words(card) is None


def test_a_huge_paste_is_cut_for_drawing_but_counted_whole() -> None:
    text = "Lorem ipsum dolor sit amet. " * 4000  # 112,000 characters
    cards = build_previews(text, (Channel.FACEBOOK, Channel.BLUESKY), max_chars=2000)
    facebook, bluesky = cards
    assert facebook.shown_chars == 2000
    assert facebook.length == len(text)
    assert facebook.posts[0].clipped
    assert facebook.posts[0].count == count(text.strip(), Channel.FACEBOOK)
    drawn = sum(
        len(segment.text)
        for post in facebook.posts
        for line in post.lines
        for segment in line.segments
    )
    assert drawn == 2000
    assert bluesky.total_posts > len(bluesky.posts) > 1
    assert bluesky.shown_chars is not None
    assert bluesky.shown_chars < 2100


def test_a_cut_never_splits_an_emoji() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    (card,) = build_previews(family * 10, (Channel.LINKEDIN,), max_chars=7)
    drawn = "".join(s.text for line in card.posts[0].lines for s in line.segments)
    assert drawn == family


def test_empty_text_and_no_room_are_said_not_raised() -> None:
    assert build_previews("  \n ", (Channel.X, Channel.LINKEDIN)) == (
        ChannelPreview(Channel.X, (), 0, 4),
        ChannelPreview(Channel.LINKEDIN, (), 0, 4),
    )
    (card,) = build_previews("word " * 5, (Channel.MASTODON,), MastodonServer(max_characters=3))
    assert card.problem is not None
    assert card.posts == ()


@pytest.mark.parametrize(
    "text",
    [
        "\ud800",
        "\udc00 lone low surrogate and \x00 NUL",
        "\u202eevil override " * 50,
        "\U0001f3f3\ufe0f\u200d\u26a7\ufe0f" * 300,
        "\ufeff\ufffe\uffff",
        "#" * 5000 + "1" * 5000,
        "@" * 3000,
        "a" + "\u0301" * 4000,
    ],
)
def test_hostile_text_never_raises(text: str) -> None:
    for card in build_previews(text, tuple(Channel)):
        for post in card.posts:
            for line in post.lines:
                for segment in line.segments:
                    assert safe_text(segment.text) == segment.text
