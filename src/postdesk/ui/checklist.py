"""A sign-off checklist: one tick box per item, for the author's or the reviewer's items.

A tick is a signed statement about the exact text on screen: it cannot be taken back
here, only voided by an edit, so a ticked box is disabled.

Each item is a tick box without text and a word-wrapped label beside it: a QCheckBox
cannot wrap its own text, and the items are whole sentences, so with text at 200% one
box would need a line wider than the screen (WCAG 1.4.4, 1.4.10). The label is the box's
buddy and a click on it ticks the box, as a click on a box's own text does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QMouseEvent

    from postdesk.workflow.checklist import ChecklistItem


class ItemLabel(QLabel):
    """The words of one item: wraps, and ticks its box when clicked.

    It takes no keyboard focus (the box does), and carries the same accessible name, so
    a screen reader's review of the page reads the item once as a label and once as
    the box it belongs to.
    """

    def __init__(self, text: str, box: QCheckBox, parent: QWidget | None = None) -> None:
        # "&&": with a buddy, one "&" would be read as a mnemonic and vanish from the words.
        super().__init__(text.replace("&", "&&"), parent)
        self._box = box
        self.setBuddy(box)
        self.setWordWrap(True)
        self.setAccessibleName(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click on the words ticks the box, as on a box's own text."""
        from PySide6.QtCore import Qt

        super().mouseReleaseEvent(event)
        inside = self.rect().contains(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and inside and self._box.isEnabled():
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
            self._box.click()  # toggles and emits as a click on the box would


class SignOffChecklist(QGroupBox):
    """Tick boxes for sign-off items.

    Signals:
        ticked: the person ticked an item (its id); the view records it.
    """

    ticked = Signal(str)

    def __init__(self, title: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAccessibleName(accessible_name)
        self._layout = QVBoxLayout(self)
        self._rows: list[QWidget] = []
        self._boxes: dict[str, QCheckBox] = {}
        self._labels: dict[str, ItemLabel] = {}
        self.setVisible(False)

    def show_items(self, items: list[ChecklistItem]) -> None:
        """Show exactly these items, ticked as the database says."""
        # Imported here: items arrive after the first frame (start-up time).
        from PySide6.QtCore import Qt

        for row in self._rows:
            row.hide()  # at once: deleteLater waits for the event loop
            row.deleteLater()
        self._rows, self._boxes, self._labels = [], {}, {}
        for item in items:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            box = QCheckBox(row)
            box.setAccessibleName(item.label)
            label = ItemLabel(item.label, box, row)
            if item.help:
                for widget in (box, label):
                    widget.setToolTip(item.help)
                    widget.setAccessibleDescription(item.help)
            box.setChecked(item.ticked)
            box.setEnabled(not item.ticked)
            box.toggled.connect(lambda checked, item_id=item.id: self._on_toggled(item_id, checked))
            # The box beside the label's first line, however many lines the label takes.
            line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(label, 1)
            self._layout.addWidget(row)
            self._rows.append(row)
            self._boxes[item.id] = box
            self._labels[item.id] = label
        self.setVisible(bool(items))

    def box(self, item_id: str) -> QCheckBox | None:
        """The tick box for an item (for tests and keyboard focus)."""
        return self._boxes.get(item_id)

    def label(self, item_id: str) -> QLabel | None:
        """The words beside an item's box (for tests)."""
        return self._labels.get(item_id)

    def boxes(self) -> list[QCheckBox]:
        """The tick boxes, top to bottom (for the focus chain)."""
        return list(self._boxes.values())

    def outstanding(self) -> list[str]:
        """The ids of the items not ticked yet."""
        return [item_id for item_id, box in self._boxes.items() if not box.isChecked()]

    def _on_toggled(self, item_id: str, checked: bool) -> None:
        if checked:
            self._boxes[item_id].setEnabled(False)
            self.ticked.emit(item_id)
