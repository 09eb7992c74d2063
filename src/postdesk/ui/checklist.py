"""A sign-off checklist: one tick box per item, for the author's or the reviewer's items.

A tick is a signed statement about the exact text on screen: it cannot be taken back
here, only voided by an edit, so a ticked box is disabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from postdesk.workflow.checklist import ChecklistItem


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
        self._boxes: dict[str, QCheckBox] = {}
        self.setVisible(False)

    def show_items(self, items: list[ChecklistItem]) -> None:
        """Show exactly these items, ticked as the database says."""
        for box in self._boxes.values():
            box.deleteLater()
        self._boxes = {}
        for item in items:
            box = QCheckBox(item.label)
            box.setAccessibleName(item.label)
            if item.help:
                box.setToolTip(item.help)
                box.setAccessibleDescription(item.help)
            box.setChecked(item.ticked)
            box.setEnabled(not item.ticked)
            box.toggled.connect(lambda checked, item_id=item.id: self._on_toggled(item_id, checked))
            self._layout.addWidget(box)
            self._boxes[item.id] = box
        self.setVisible(bool(items))

    def box(self, item_id: str) -> QCheckBox | None:
        """The tick box for an item (for tests and keyboard focus)."""
        return self._boxes.get(item_id)

    def outstanding(self) -> list[str]:
        """The ids of the items not ticked yet."""
        return [item_id for item_id, box in self._boxes.items() if not box.isChecked()]

    def _on_toggled(self, item_id: str, checked: bool) -> None:
        if checked:
            self._boxes[item_id].setEnabled(False)
            self.ticked.emit(item_id)
