"""The live counters: "X 241/280" per selected channel, in words as well as colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount

# Near the limit from this share of it.
NEAR = 0.9
# QEvent.Type.PaletteChange, as a number: the enum costs start-up time (as in draft_list.py).
_PALETTE_CHANGE = 39


def counter_state(count: ChannelCount) -> str:
    """'over', 'near' or 'fits'."""
    if not count.fits:
        return "over"
    if count.limit and count.length >= NEAR * count.limit:
        return "near"
    return "fits"


def counter_words(count: ChannelCount) -> tuple[str, str]:
    """The label's text and its spoken description."""
    label = count.channel.label
    state = counter_state(count)
    shown = f"{label} {count.length}/{count.limit}"
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
        width = sum(item.sizeHint().width() for item in self._items)
        width += gap * max(0, len(self._items) - 1)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:
        """The widest item: no narrower, or it would be cut."""
        size = QSize(0, 0)
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size + self._margins()

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
        x, y, line_height = left, top, 0
        for item in self._items:
            hint = item.sizeHint()
            if x > left and x + hint.width() > right:
                x, y, line_height = left, y + line_height + gap // 2, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


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

    def show_counts(self, counts: dict[Channel, ChannelCount]) -> None:
        """Show these counts, adding or removing labels as channels change."""
        for channel in [c for c in self._labels if c not in counts]:
            self._labels.pop(channel).deleteLater()
        for channel, count in counts.items():
            label = self._labels.get(channel)
            if label is None:
                label = self._labels[channel] = QLabel()
                label.setAccessibleName(f"{channel.label} length")
                self._layout.addWidget(label)
            text, spoken = counter_words(count)
            state = counter_state(count)
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
        # bold as well when it is not "fits", so the state is not in the colour alone.
        # The label's own palette, not a style sheet: a style sheet would hide later
        # theme changes from it.
        # Imported here: the theme loads after the first frame (start-up time).
        from PySide6.QtGui import QColor, QPalette

        from postdesk.ui import theme

        colour = QColor(theme.colours(self).counter(state))
        palette = label.palette()
        if palette.color(QPalette.ColorRole.WindowText) != colour:
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            label.setPalette(palette)
        font = label.font()
        if font.bold() != (state != "fits"):
            font.setBold(state != "fits")
            label.setFont(font)
