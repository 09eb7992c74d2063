"""The live counters: "X 241/280" per selected channel, in words as well as colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:
    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount

# Near the limit from this share of it.
NEAR = 0.9
# Text colours with at least 4.5:1 contrast on white (WCAG 2.2 AA): GOV.UK's palette.
_COLOURS = {"fits": "#0b0c0c", "near": "#8a4b00", "over": "#b10e1e"}


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


class ChannelCounters(QWidget):
    """One label per selected channel; screen readers hear each label's state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
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
            weight = "bold" if state != "fits" else "normal"
            label.setStyleSheet(f"color: {_COLOURS[state]}; font-weight: {weight};")
