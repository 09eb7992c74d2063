"""The composer's preview: the post as each selected platform would show it.

A read-only view over `postdesk.analysis.preview_parts`: one card per selected channel
with the platform's name, a placeholder author, and the text as posted (links shortened
the platform's way, mentions and hashtags drawn as links, the numbered thread when the
text is long). It never opens a link: it is a preview.

Splitting a long text into a thread is the costly part (about 0.4 s for all four
threading channels at 60,000 characters), so the cards are worked out on a worker thread
and drawn when they arrive; a result for an older text is dropped. While the preview is
hidden (another tab is showing) only the latest text is kept, and the work is done when
it is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from PySide6.QtGui import QColor, QPalette, QShowEvent

    from postdesk.analysis.channels import Channel, MastodonServer
    from postdesk.analysis.preview_parts import ChannelPreview, PreviewLine, PreviewPost

logger = logging.getLogger(__name__)

ACCESSIBLE_NAME = "Preview as posted"
# WCAG 2.2 AA: text 4.5:1, the card borders (non-text) 3:1.
TEXT_CONTRAST = 4.5
BORDER_CONTRAST = 3.0
_INFO = "\u2139"  # INFORMATION SOURCE, before a note

# The text, its channels, the Mastodon limits, and whether a long text goes as a thread.
_Request = tuple[str, tuple["Channel", ...], "MastodonServer | None", bool]


# -- colours --------------------------------------------------------------------------


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two sRGB colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True, slots=True)
class PreviewColours:
    """The colours the cards are drawn in, as "#rrggbb".

    Attributes:
        text: body text, at least 4.5:1 on `background`.
        link: links, mentions and hashtags, at least 4.5:1 on `background` (they are
            underlined as well, so colour is not the only sign).
        border: the card borders, at least 3:1 on `background`.
        background: the preview's background (the palette's Base).
    """

    text: str
    link: str
    border: str
    background: str


def _mix(
    start: tuple[int, int, int], end: tuple[int, int, int], share: float
) -> tuple[int, int, int]:
    """`share` of the way from `start` to `end`."""
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return red, green, blue


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def choose_colours(
    background: tuple[int, int, int],
    text: tuple[int, int, int],
    link: tuple[int, int, int],
    border: tuple[int, int, int],
) -> PreviewColours:
    """The palette's colours, each replaced when it would be too faint on `background`.

    Text falls back to black or white (whichever reads better), a link to the text
    colour, a border moves towards the text colour: a theme with a faint link colour
    still gives a readable preview.
    """
    if contrast_ratio(text, background) < TEXT_CONTRAST:
        black, white = (0, 0, 0), (255, 255, 255)
        text = max(black, white, key=lambda candidate: contrast_ratio(candidate, background))
    if contrast_ratio(link, background) < TEXT_CONTRAST:
        link = text
    # A faint border moves towards the text colour just far enough to show (a black
    # frame round every card would shout).
    for step in range(11):
        mixed = _mix(border, text, step / 10)
        if contrast_ratio(mixed, background) >= BORDER_CONTRAST:
            border = mixed
            break
    return PreviewColours(_hex(text), _hex(link), _hex(border), _hex(background))


def palette_colours(palette: QPalette) -> PreviewColours:
    """`choose_colours` for a widget palette (Base, Text, Link and Mid of its active group)."""
    from PySide6.QtGui import QPalette

    def rgb(role: QPalette.ColorRole) -> tuple[int, int, int]:
        colour: QColor = palette.color(QPalette.ColorGroup.Active, role)
        return colour.red(), colour.green(), colour.blue()

    roles = QPalette.ColorRole
    return choose_colours(rgb(roles.Base), rgb(roles.Text), rgb(roles.Link), rgb(roles.Mid))


# -- HTML -----------------------------------------------------------------------------


# html.escape's table, without importing html (and its 2,000 entities) before the
# first frame.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _e(text: str) -> str:
    """`text` safe inside HTML text and attribute values."""
    return text.translate(_ESCAPES)


def _count_words(post: PreviewPost) -> str:
    from postdesk.analysis.channels import Unit

    unit = "bytes" if post.count.unit is Unit.UTF8_BYTES else "characters"
    return f"{post.count.length:,}/{post.count.limit:,} {unit}"


def _line_html(line: PreviewLine, colours: PreviewColours) -> str:
    style = "margin:0; white-space:pre-wrap"
    direction = f' dir="{line.direction}"' if line.direction else ""
    if not line.segments:
        return f'<p style="{style}">&nbsp;</p>'
    runs = []
    for segment in line.segments:
        if segment.kind == "text":
            runs.append(_e(segment.text))
        else:
            runs.append(
                f'<span style="color:{colours.link}; text-decoration:underline">'
                f"{_e(segment.text)}</span>"
            )
    return f'<p{direction} style="{style}">{"".join(runs)}</p>'


def _post_html(card: ChannelPreview, post: PreviewPost, colours: PreviewColours) -> str:
    numbering = f" · {post.index}/{post.total}" if card.is_thread else ""
    header = (
        f'<p style="margin-top:10px; margin-bottom:4px"><b>{_e(_author())}</b>'
        f"{_e(numbering)} · {_e(_count_words(post))}</p>"
    )
    lines = "".join(_line_html(line, colours) for line in post.lines)
    clipped = '<p style="margin:0">…</p>' if post.clipped else ""
    return header + lines + clipped


def _author() -> str:
    from postdesk.analysis.preview_parts import AUTHOR

    return AUTHOR


def card_summary(card: ChannelPreview) -> str:
    """What the card's heading says after the platform's name, in words."""
    if card.problem is not None:
        return "cannot be published"
    if card.too_long is not None:
        return "too long"
    if card.total_posts == 0:
        return "empty"
    if card.is_thread:
        return f"a thread of {card.total_posts:,} posts"
    return "1 post"


def _notice(text: str) -> str:
    # A warning sign and bold words: never colour alone.
    return f'<p style="margin-top:8px"><b>⚠ {_e(text)}</b></p>'


def _card_html(card: ChannelPreview, colours: PreviewColours) -> str:
    from postdesk.analysis.preview_parts import too_long_words

    label = card.channel.label
    parts = [
        f'<p style="margin:0"><span style="font-size:large; font-weight:600">{_e(label)}</span>'
        f" · {_e(card_summary(card))}</p>"
    ]
    if card.problem is not None:
        parts.append(_notice(card.problem))
    elif card.total_posts == 0:
        parts.append('<p style="margin-top:8px">Nothing to preview: the post is empty.</p>')
    parts.extend(_post_html(card, post, colours) for post in card.posts)
    too_long = too_long_words(card)
    if too_long is not None:
        parts.append(_notice(too_long))
    if card.shown_chars is not None:
        shown = f"Preview shows the first {card.shown_chars:,} characters of {card.length:,}"
        if card.is_thread:
            shown += f": posts 1 to {len(card.posts):,} of {card.total_posts:,}"
        parts.append(f'<p style="margin-top:8px"><i>{_e(shown)}.</i></p>')
    parts.extend(f'<p style="margin-top:8px">{_INFO} {_e(note)}</p>' for note in card.notes)
    return (
        f'<table width="100%" border="1" cellspacing="0" cellpadding="10" '
        f'style="border-style:solid; border-color:{colours.border}; border-collapse:collapse; '
        f'margin-bottom:12px">'
        f"<tr><td>{''.join(parts)}</td></tr></table>"
    )


def preview_html(cards: Sequence[ChannelPreview], colours: PreviewColours) -> str:
    """The whole preview as Qt rich text; every piece of the post is HTML-escaped."""
    if not cards:
        body = "<p>Select a channel to see how the post will look there.</p>"
    else:
        body = "".join(_card_html(card, colours) for card in cards)
    return f'<html><body style="color:{colours.text}">{body}</body></html>'


def preview_summary(cards: Iterable[ChannelPreview]) -> str:
    """One sentence per card for screen readers ("X: a thread of 3 posts.")."""
    return " ".join(f"{card.channel.label}: {card_summary(card)}." for card in cards)


# -- the widget -----------------------------------------------------------------------


def _build(request: _Request, current: Callable[[], bool]) -> tuple[ChannelPreview, ...] | None:
    """The cards for `request`, one channel at a time; None once a newer text came."""
    from postdesk.analysis.preview_parts import build_previews

    text, channels, mastodon, as_thread = request
    cards: list[ChannelPreview] = []
    for channel in channels:
        if not current():
            return None
        cards.extend(build_previews(text, (channel,), mastodon, as_thread=as_thread))
    return tuple(cards)


class PostPreview(QWidget):
    """The post as each selected platform would show it, thread split included.

    Call `show_preview` when the analysis settles (the composer's report_ready), not
    on every keystroke. The cards appear a moment later, on `preview_shown`.

    Signals:
        preview_shown: the preview now shows the latest text given to `show_preview`.
    """

    preview_shown = Signal()
    _delivered = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCore import Qt

        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName(ACCESSIBLE_NAME)
        self.browser.setReadOnly(True)
        # A preview: links are drawn, never followed.
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.browser.setTabChangesFocus(True)  # Tab moves on: nothing here to type into
        self.setFocusProxy(self.browser)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)

        self._request: _Request = ("", (), None, True)
        self._generation = 0
        self._stale = False
        self._closed = False
        self._cards: tuple[ChannelPreview, ...] = ()
        self._pool: ThreadPoolExecutor | None = None
        self._queued: Future[Any] | None = None
        self._delivered.connect(self._on_delivered)
        self._render()
        self.browser.installEventFilter(self)

    # -- public ---------------------------------------------------------------------------

    def show_preview(
        self,
        text: str,
        channels: tuple[Channel, ...],
        mastodon: MastodonServer | None = None,
        *,
        as_thread: bool = True,
    ) -> None:
        """Preview `text` on `channels` (in this order), Mastodon with `mastodon`'s limits,
        split into a thread where the channel has threads when `as_thread`.

        Returns at once; the cards are worked out on a worker thread and drawn when
        ready (`preview_shown`). While the widget is hidden, the work waits until it is
        shown.
        """
        self._request = (text, tuple(channels), mastodon, as_thread)
        self._generation += 1
        if self.isVisible():
            self._start()
        else:
            self._stale = True

    def cards(self) -> tuple[ChannelPreview, ...]:
        """The cards shown now (one per channel, in order)."""
        return self._cards

    def shown_text(self) -> str:
        """The preview as plain text, as a screen reader reads it."""
        return self.browser.toPlainText()

    def shutdown(self) -> None:
        """Stop the worker; a preview still being worked out is dropped."""
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- Qt -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Work out a preview that was asked for while hidden."""
        super().showEvent(event)
        if self._stale:
            self._start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Redraw in the new colours when the view's palette or style changes (dark mode).

        Watched on the view itself: its palette is the one the cards are drawn on, and it
        has changed by the time it hears of it (this widget hears first).
        """
        if watched is self.browser and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._render()
        return False

    # -- work -----------------------------------------------------------------------------

    def _start(self) -> None:
        self._stale = False
        if self._closed:
            return
        generation = self._generation
        if not self._request[1]:
            self._show((), generation)
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="postdesk-preview")
        if self._queued is not None:
            self._queued.cancel()  # still waiting behind a running one: never needed now
        future = self._pool.submit(_build, self._request, lambda: generation == self._generation)
        future.add_done_callback(lambda done: self._deliver(generation, done))
        self._queued = future

    def _deliver(self, generation: int, future: Future[Any]) -> None:
        # On the worker thread: hand over to the GUI thread through a queued signal.
        if self._closed or future.cancelled():
            return
        with suppress(RuntimeError):  # the widget was deleted while this ran
            self._delivered.emit((generation, future))

    @Slot(object)
    def _on_delivered(self, payload: tuple[int, Future[Any]]) -> None:
        generation, future = payload
        if self._closed or generation != self._generation:
            return  # a newer text is on its way
        error = future.exception()
        if error is not None:
            logger.error("Preview failed", exc_info=error)
            self.browser.setPlainText("The preview could not be made for this text.")
            self.preview_shown.emit()
            return
        cards = future.result()
        if cards is not None:
            self._show(cards, generation)

    def _show(self, cards: tuple[ChannelPreview, ...], generation: int) -> None:
        if generation != self._generation:
            return
        self._cards = cards
        self._render()
        self.preview_shown.emit()

    def _render(self) -> None:
        scroll = self.browser.verticalScrollBar()
        position = scroll.value()  # keep the reader's place across updates while typing
        self.browser.setHtml(preview_html(self._cards, palette_colours(self.browser.palette())))
        self.browser.setAccessibleDescription(preview_summary(self._cards))
        scroll.setValue(min(position, scroll.maximum()))
