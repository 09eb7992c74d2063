"""The live counters: "X 241/280" per selected channel, in words as well as colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QWidget

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtCore import QEvent

    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount

# Near the limit from this share of it.
NEAR = 0.9
# The state of a counter over its limit when the post goes out as a thread there.
THREAD = "thread"
# QEvent.Type.PaletteChange, as a number: the enum costs start-up time (as in draft_list.py).
_PALETTE_CHANGE = 39


def counter_state(count: ChannelCount, *, thread: bool = False) -> str:
    """'over', 'near', 'fits', or 'thread': over the limit, but it goes out as a thread.

    Args:
        count: the text's length on one channel.
        thread: the author chose to post it as a thread and this channel takes threads.
    """
    if not count.fits:
        return THREAD if thread else "over"
    if count.limit and count.length >= NEAR * count.limit:
        return "near"
    return "fits"


def counter_words(
    count: ChannelCount, *, thread: bool = False, posts: int | None = None
) -> tuple[str, str]:
    """The label's text and its spoken description.

    Args:
        count: the text's length on one channel.
        thread: as for `counter_state`.
        posts: how many posts the thread will be, once a report has said (None: not yet).
    """
    label = count.channel.label
    state = counter_state(count, thread=thread)
    shown = f"{label} {count.length}/{count.limit}"
    if state == THREAD:
        # Not an error: no "over", no cross. Words say what will happen instead.
        if posts:
            return (
                f"{shown}, thread of {posts}",
                f"{label}: {count.length} characters, will post as a thread of {posts}",
            )
        return f"{shown}, as a thread", f"{label}: {count.length} characters, will post as a thread"
    if state == "over":
        over = count.length - count.limit
        if count.length <= count.limit:  # Bluesky over its byte limit, not its grapheme one
            return f"✕ {shown} too long", f"{label}: too long ({count.reasons[0].value})"
        return f"✕ {shown}", f"{label}: {count.length} of {count.limit}, {over} over the limit"
    if state == "near":
        return f"⚠ {shown}", f"{label}: {count.length} of {count.limit}, near the limit"
    return f"{shown}", f"{label}: {count.length} of {count.limit}, fits"


class FlowLayout(QLayout):
    """Left to right, wrapping onto another line when a line is full, as words do.

    Seven counters in one row need ~650 px with text at 200%: wrapping keeps each one
    whole in a narrow editor column instead of forcing the window wider than the screen.
    Any row of short widgets can use it (a nested layout works too).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    def addItem(self, item: QLayoutItem) -> None:
        """Qt adds each widget through this."""
        self._items.append(item)

    def count(self) -> int:
        """How many items."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index` (Qt calls this when a label is deleted)."""
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        """The height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height of the lines at this width."""
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        """Place the items in `rect`."""
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        gap = self._gap()
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += gap * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:
        """The widest item: no narrower, or it would be cut."""
        size = QSize(0, 0)
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size + self._margins()

    def _shown(self) -> list[QLayoutItem]:
        # A hidden widget's item is empty: it takes no place on a line.
        return [item for item in self._items if not item.isEmpty()]

    def _margins(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _gap(self) -> int:
        # Two spaces of the counters' own font: it grows with the text.
        parent = self.parentWidget()
        return parent.fontMetrics().horizontalAdvance("  ") if parent is not None else 8

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        left, top = rect.x() + margins.left(), rect.y() + margins.top()
        right = rect.x() + rect.width() - margins.right()
        gap = self._gap()
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = left
        for item in self._shown():
            hint = item.sizeHint()
            if x > left and x + hint.width() > right:
                lines.append([])
                x = left
            lines[-1].append((item, hint))
            x += hint.width() + gap
        y = top
        for line in lines:
            line_height = max((hint.height() for _item, hint in line), default=0)
            if place:
                x = left
                for item, hint in line:
                    # Centred on the line, so a label sits level with the buttons beside it.
                    offset = (line_height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, y + offset), hint))
                    x += hint.width() + gap
            y += line_height + gap // 2
        if not lines[0]:
            return margins.top() + margins.bottom()
        return y - gap // 2 - rect.y() + margins.bottom()


class ChannelCounters(QWidget):
    """One label per selected channel; screen readers hear each label's state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)  # as many lines as the width needs
        self.setSizePolicy(policy)
        self._labels: dict[Channel, QLabel] = {}
        self.setAccessibleName("Length on each channel")

    def label_for(self, channel: Channel) -> QLabel | None:
        """The label showing `channel` (for tests and focus)."""
        return self._labels.get(channel)

    def show_counts(
        self,
        counts: dict[Channel, ChannelCount],
        threads: Mapping[Channel, int | None] | None = None,
    ) -> None:
        """Show these counts, adding or removing labels as channels change.

        Args:
            counts: the length on each selected channel.
            threads: the channels the post goes to as a thread, each with how many posts
                (None until a report has said); over the limit there is not an error.
        """
        threads = threads or {}
        for channel in [c for c in self._labels if c not in counts]:
            self._labels.pop(channel).deleteLater()
        for channel, count in counts.items():
            label = self._labels.get(channel)
            if label is None:
                label = self._labels[channel] = QLabel()
                label.setAccessibleName(f"{channel.label} length")
                self._layout.addWidget(label)
            thread = channel in threads
            text, spoken = counter_words(count, thread=thread, posts=threads.get(channel))
            state = counter_state(count, thread=thread)
            label.setText(text)
            label.setAccessibleDescription(spoken)
            label.setToolTip(spoken)
            label.setProperty("state", state)
            self._colour(label, state)

    def changeEvent(self, event: QEvent) -> None:
        """Recolour the labels when the theme (the palette) changes."""
        super().changeEvent(event)
        if event.type() == _PALETTE_CHANGE:
            for label in self._labels.values():
                self._colour(label, str(label.property("state")))

    def _colour(self, label: QLabel, state: str) -> None:
        # The theme's colour for this state, readable on this widget's background (4.5:1);
        # bold as well when near or over, so the state is not in the colour alone.
        # The label's own palette, not a style sheet: a style sheet would hide later
        # theme changes from it.
        # Imported here: the theme loads after the first frame (start-up time).
        from PySide6.QtGui import QColor, QPalette

        from postdesk.ui import theme

        # A thread is how the post goes out, not a problem: the colour of text that fits.
        colour = QColor(theme.colours(self).counter("fits" if state == THREAD else state))
        palette = label.palette()
        if palette.color(QPalette.ColorRole.WindowText) != colour:
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            label.setPalette(palette)
        bold = state in ("near", "over")
        font = label.font()
        if font.bold() != bold:
            font.setBold(bold)
            label.setFont(font)
