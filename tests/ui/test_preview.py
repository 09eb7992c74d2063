"""The composer's preview: the post as each platform shows it, in a real widget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLineEdit, QTextBrowser, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel, MastodonServer
from postdesk.analysis.counting import count
from postdesk.analysis.splitter import split_thread
from postdesk.ui.preview import (
    PostPreview,
    choose_colours,
    contrast_ratio,
    preview_html,
)

LONG_URL = "https://www.gov.uk/guidance/road-closures-in-the-north-east-2025"
# Right-to-left text, escaped so the source reads the same in any editor.
# Hebrew "the road is closed today", Arabic "welcome all".
HEBREW = "\u05d4\u05db\u05d1\u05d9\u05e9 \u05e1\u05d2\u05d5\u05e8 \u05d4\u05d9\u05d5\u05dd"
ARABIC = "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u062c\u0645\u064a\u0639"


@pytest.fixture
def preview(qtbot: QtBot) -> Iterator[PostPreview]:
    widget = PostPreview()
    qtbot.addWidget(widget)
    widget.resize(480, 640)
    widget.show()
    yield widget
    widget.shutdown()


def show(
    qtbot: QtBot,
    preview: PostPreview,
    text: str,
    channels: tuple[Channel, ...],
    mastodon: MastodonServer | None = None,
) -> str:
    with qtbot.waitSignal(preview.preview_shown, timeout=10_000):
        preview.show_preview(text, channels, mastodon)
    return preview.shown_text()


def test_a_short_post_on_x_is_one_card_with_its_count(qtbot: QtBot, preview: PostPreview) -> None:
    text = "Bins are collected on Tuesday this week 👍"
    shown = show(qtbot, preview, text, (Channel.X,))
    (card,) = preview.cards()
    assert card.channel is Channel.X
    assert card.total_posts == 1
    assert f"{count(text, Channel.X).length}/280 characters" in shown
    assert "X · 1 post" in shown
    assert "Your organisation" in shown
    assert text in shown
    assert "1/1" not in shown


def test_a_long_post_on_x_is_the_numbered_thread_postdesk_publishes(
    qtbot: QtBot, preview: PostPreview
) -> None:
    sentence = "Flood barriers go up on the river path tonight, so use the high road.  "
    text = (sentence * 10)[:700]
    shown = show(qtbot, preview, text, (Channel.X,))
    (card,) = preview.cards()
    parts = split_thread(text, Channel.X)
    assert card.total_posts == len(parts) >= 3
    assert [post.text for post in card.posts] == [part.text for part in parts]
    for post in card.posts:
        assert post.count.length <= 280
        assert f"{post.index}/{card.total_posts} · {post.count.length}/280 characters" in shown
        assert post.text.endswith(f" {post.index}/{card.total_posts}")
    # The splitter drops only the white space at each break.
    assert " ".join(post.body for post in card.posts).split() == text.split()
    assert f"X · a thread of {card.total_posts} posts" in shown


def test_linkedin_says_plainly_that_a_long_post_is_too_long(
    qtbot: QtBot, preview: PostPreview
) -> None:
    text = "Consultation on the new bus routes. " * 90  # 3,240 characters
    shown = show(qtbot, preview, text, (Channel.LINKEDIN,))
    over = count(text.strip(), Channel.LINKEDIN).length - 3000
    assert f"⚠ Too long for LinkedIn: {over} characters over the 3,000 limit." in shown
    assert "LinkedIn does not publish threads" in shown
    assert "1/2" not in shown


def _cards_text(shown: str, labels: tuple[str, ...]) -> list[str]:
    """Each card's text, cut out of the whole preview by the cards' headings."""
    starts = [shown.index(f"{label} · ") for label in labels]
    return [shown[start:end] for start, end in zip(starts, [*starts[1:], len(shown)], strict=True)]


def test_a_link_is_shown_the_way_each_platform_shortens_it(
    qtbot: QtBot, preview: PostPreview
) -> None:
    text = f"Closures: {LONG_URL}"
    channels = (Channel.X, Channel.MASTODON, Channel.BLUESKY, Channel.INSTAGRAM)
    shown = show(qtbot, preview, text, channels)
    x, mastodon, bluesky, instagram = _cards_text(shown, ("X", "Mastodon", "Bluesky", "Instagram"))
    assert "Closures: gov.uk/guidance/road-…" in x
    assert LONG_URL not in x
    assert "Closures: gov.uk/guidance/road-closures-…" in mastodon
    assert f"Closures: {LONG_URL}" in bluesky
    assert "Links are not clickable in Instagram captions." in instagram
    # Drawn as a link (coloured and underlined), but never one that opens.
    html = preview.browser.toHtml()
    assert "text-decoration: underline" in html
    assert "href" not in html
    assert not preview.browser.openLinks()
    assert not preview.browser.openExternalLinks()


def test_html_in_the_post_is_shown_literally(qtbot: QtBot, preview: PostPreview) -> None:
    text = '<b>bold</b> & <a href="https://evil.example">click</a> <script>x()</script> &amp;'
    shown = show(qtbot, preview, text, (Channel.MASTODON, Channel.LINKEDIN))
    assert shown.count(text) == 2
    anchors = []
    block = preview.browser.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            anchors += (
                [iterator.fragment().text()] if iterator.fragment().charFormat().isAnchor() else []
            )
            iterator += 1
        block = block.next()
    assert anchors == []
    html = preview_html(preview.cards(), choose_colours((255,) * 3, (0,) * 3, (0,) * 3, (0,) * 3))
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        f"{HEBREW}, 12:00\n{ARABIC}\nEnglish line",
        "Families welcome 👨‍👩‍👧‍👦 🏳️‍⚧️ 🧑🏽‍🤝‍🧑🏿 🐦‍🔥 " * 30,
        "Broken \ud800 text \udfff with\x00controls\x07 and \u202e override",
        "\ufeff\ufffe\uffff" + "\u0301" * 3000,
    ],
)
def test_rtl_emoji_and_broken_text_do_not_crash(
    qtbot: QtBot, preview: PostPreview, text: str
) -> None:
    shown = show(qtbot, preview, text, tuple(Channel))
    assert len(preview.cards()) == 7
    assert "\ud800" not in shown
    assert "\udfff" not in shown


def test_a_right_to_left_line_is_laid_out_right_to_left(qtbot: QtBot, preview: PostPreview) -> None:
    show(qtbot, preview, f"Road closed\n{HEBREW}", (Channel.X,))
    directions = {}
    block = preview.browser.document().begin()
    while block.isValid():
        directions[block.text()] = block.textDirection()
        block = block.next()
    assert directions[HEBREW] == Qt.LayoutDirection.RightToLeft
    assert directions["Road closed"] == Qt.LayoutDirection.LeftToRight


def test_a_lone_surrogate_is_shown_as_a_replacement_character(
    qtbot: QtBot, preview: PostPreview
) -> None:
    shown = show(qtbot, preview, "before \ud800 after", (Channel.BLUESKY,))
    assert "before \ufffd after" in shown


def test_a_huge_paste_is_cut_and_says_so(qtbot: QtBot, preview: PostPreview) -> None:
    text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 1755  # ~100,000
    shown = show(qtbot, preview, text, tuple(Channel))
    assert "Preview shows the first 5,000 characters of 100,035" in shown
    x = next(card for card in preview.cards() if card.channel is Channel.X)
    assert x.total_posts > 300
    assert f"posts 1 to {len(x.posts)} of {x.total_posts:,}" in shown
    # Seven cards of at most 5,000 characters each, plus their headings and notes.
    assert len(shown) < 7 * 5_000 + 5_000


def test_the_latest_text_wins(qtbot: QtBot, preview: PostPreview) -> None:
    with qtbot.waitSignal(preview.preview_shown, timeout=10_000):
        preview.show_preview("first " * 5000, (Channel.X, Channel.MASTODON))
        preview.show_preview("second draft", (Channel.X,))
    qtbot.waitUntil(lambda: "second draft" in preview.shown_text(), timeout=10_000)
    qtbot.wait(50)  # a late result for the first text would land here
    assert "first" not in preview.shown_text()
    assert [card.channel for card in preview.cards()] == [Channel.X]


def test_a_hidden_preview_waits_until_it_is_shown(qtbot: QtBot, preview: PostPreview) -> None:
    preview.hide()
    preview.show_preview("Library opening hours change", (Channel.X,))
    assert preview.cards() == ()
    with qtbot.waitSignal(preview.preview_shown, timeout=10_000):
        preview.show()
    assert "Library opening hours change" in preview.shown_text()


def test_no_channel_says_to_pick_one(qtbot: QtBot, preview: PostPreview) -> None:
    assert "Select a channel" in show(qtbot, preview, "Hello", ())


def test_mastodon_uses_the_servers_limit(qtbot: QtBot, preview: PostPreview) -> None:
    shown = show(qtbot, preview, "word " * 150, (Channel.MASTODON,), MastodonServer(1000))
    assert "Mastodon · 1 post" in shown
    assert "/1,000 characters" in shown


def test_the_view_is_a_named_read_only_focusable_browser(preview: PostPreview) -> None:
    view = preview.findChild(QTextBrowser)
    assert view is preview.browser
    assert view.accessibleName() == "Preview as posted"
    assert view.isReadOnly()
    assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert preview.focusProxy() is view
    assert view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard


def test_tab_moves_through_the_preview(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    before, preview, after = QLineEdit(), PostPreview(), QLineEdit()
    layout = QVBoxLayout(window)
    for widget in (before, preview, after):
        layout.addWidget(widget)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert preview.browser.hasFocus()
    qtbot.keyClick(preview.browser, Qt.Key.Key_Tab)
    assert after.hasFocus()
    preview.shutdown()


def test_screen_readers_hear_a_summary(qtbot: QtBot, preview: PostPreview) -> None:
    show(qtbot, preview, "x " * 400, (Channel.X, Channel.LINKEDIN))
    assert preview.browser.accessibleDescription() == "X: a thread of 3 posts. LinkedIn: 1 post."


def _rgb(name: str) -> tuple[int, int, int]:
    colour = QColor(name)
    return colour.red(), colour.green(), colour.blue()


@pytest.mark.parametrize(
    ("base", "text", "link", "mid"),
    [
        ("#ffffff", "#000000", "#0000ff", "#b8b8b8"),  # a light palette, faint borders
        ("#1e1e1e", "#e8e8e8", "#2a62da", "#3a3a3a"),  # a dark palette, a dim link
        ("#000000", "#ffff00", "#00ffff", "#ffffff"),  # high contrast
        ("#777777", "#888888", "#7a7a7a", "#777777"),  # a broken theme
    ],
)
def test_colours_keep_wcag_contrast(base: str, text: str, link: str, mid: str) -> None:
    colours = choose_colours(_rgb(base), _rgb(text), _rgb(link), _rgb(mid))
    background = _rgb(colours.background)
    assert contrast_ratio(_rgb(colours.text), background) >= 4.5
    assert contrast_ratio(_rgb(colours.link), background) >= 4.5
    assert contrast_ratio(_rgb(colours.border), background) >= 3.0


def test_a_dark_palette_redraws_in_readable_colours(qtbot: QtBot, preview: PostPreview) -> None:
    show(qtbot, preview, f"Dark mode {LONG_URL}", (Channel.X,))
    dark = QPalette()
    for role, name in (
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Link, "#2a62da"),
        (QPalette.ColorRole.Mid, "#3a3a3a"),
    ):
        dark.setColor(role, QColor(name))
    preview.setPalette(dark)
    html = preview.browser.toHtml()
    assert "color:#e8e8e8" in html
    assert "color:#2a62da" not in html  # too dim on #1e1e1e: drawn in the text colour
