"""Post as a thread: over-limit becomes "a thread of N" only where the channel has threads."""

from __future__ import annotations

from postdesk.analysis.channels import Channel, MastodonServer
from postdesk.analysis.counting import count_all
from postdesk.analysis.findings import Level
from postdesk.analysis.preview_parts import build_previews, too_long_words
from postdesk.analysis.report import analyse
from postdesk.analysis.splitter import split_thread
from postdesk.analysis.threads import THREAD_RULE, thread_lengths

SENTENCE = "The council will close the town hall car park on Monday for resurfacing works. "


def rules(text: str, channels: tuple[Channel, ...], **options: object) -> list[tuple[str, str]]:
    report = analyse(text, channels, **options)  # type: ignore[arg-type]
    return [
        (f.rule, f.level.value) for f in report.findings if f.rule in {"over-limit", THREAD_RULE}
    ]


def test_without_the_option_over_the_limit_is_a_block() -> None:
    assert rules(SENTENCE * 6, (Channel.X,)) == [("over-limit", "block")]


def test_as_a_thread_it_says_how_many_posts_the_publisher_will_send() -> None:
    text = SENTENCE * 8  # about 640 characters: over X's 280 and Mastodon's 500
    report = analyse(text, (Channel.X, Channel.MASTODON, Channel.FACEBOOK), as_thread=True)
    expected = {
        Channel.X: len(split_thread(text, Channel.X)),
        Channel.MASTODON: len(split_thread(text, Channel.MASTODON)),
    }
    assert report.threads == expected
    assert expected[Channel.X] >= 2
    messages = [f.message for f in report.findings if f.rule == THREAD_RULE]
    assert messages == [
        f"Will post to X as a thread of {expected[Channel.X]}.",
        f"Will post to Mastodon as a thread of {expected[Channel.MASTODON]}.",
    ]
    assert all(f.level is Level.INFO for f in report.findings if f.rule == THREAD_RULE)
    assert not report.blocked
    assert report.to_json()["counts"]["x"]["thread_posts"] == expected[Channel.X]
    assert report.to_json()["counts"]["facebook"]["thread_posts"] is None


def test_a_channel_without_threads_stays_blocked() -> None:
    text = SENTENCE * 40  # over LinkedIn's 3,000 characters
    # The thread finding covers the whole text, so it comes first.
    assert rules(text, (Channel.LINKEDIN, Channel.BLUESKY), as_thread=True) == [
        (THREAD_RULE, "info"),
        ("over-limit", "block"),
    ]


def test_a_text_that_fits_is_not_a_thread() -> None:
    report = analyse(SENTENCE, (Channel.X,), as_thread=True)
    assert report.threads == {}
    assert rules(SENTENCE, (Channel.X,), as_thread=True) == []


def test_characters_x_refuses_are_still_found_in_a_thread() -> None:
    text = SENTENCE * 6 + "\ufeffhidden"
    report = analyse(text, (Channel.X,), as_thread=True)
    assert "x-invalid-character" in {f.rule for f in report.findings}
    assert report.blocked


def test_a_text_the_splitter_cannot_split_keeps_its_block() -> None:
    # A content warning that fills the whole server limit leaves no room for any part.
    counts = count_all(
        SENTENCE * 3,
        (Channel.MASTODON,),
        mastodon=MastodonServer(max_characters=60),
        content_warning="w" * 60,
    )
    assert (
        thread_lengths(
            SENTENCE * 3,
            counts.values(),
            mastodon=MastodonServer(max_characters=60),
            content_warning="w" * 60,
        )
        == {}
    )
    assert rules(
        SENTENCE * 3,
        (Channel.MASTODON,),
        as_thread=True,
        mastodon=MastodonServer(max_characters=60),
        content_warning="w" * 60,
    ) == [("over-limit", "block")]


def test_odd_unicode_splits_without_error() -> None:
    text = "\U0001f468\u200d\U0001f469\u200d\U0001f467 \u05e9\u05dc\u05d5\u05dd \u200b" * 60
    report = analyse(text, (Channel.X, Channel.BLUESKY, Channel.THREADS), as_thread=True)
    # Threads counts UTF-8 bytes, so these four-byte emoji fill it fastest.
    assert set(report.threads) == {Channel.X, Channel.BLUESKY, Channel.THREADS}
    assert report.threads[Channel.THREADS] == len(split_thread(text, Channel.THREADS))
    assert not report.blocked


def test_the_preview_shows_one_post_until_the_author_chooses_a_thread() -> None:
    text = SENTENCE * 6
    (single,) = build_previews(text, (Channel.X,), as_thread=False)
    assert len(single.posts) == 1
    assert too_long_words(single) is not None
    assert "post it as a thread" in (too_long_words(single) or "")
    (thread,) = build_previews(text, (Channel.X,), as_thread=True)
    # Exactly the posts the publisher sends (publisher.split_for uses split_thread too).
    assert [post.text for post in thread.posts] == [p.text for p in split_thread(text, Channel.X)]
