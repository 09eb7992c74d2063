"""The "My drafts" list: a list model over the store's draft summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex

if TYPE_CHECKING:
    from postdesk.workflow.drafts import DraftSummary

# NOTE: the Qt namespace (`from PySide6.QtCore import Qt`) costs ~15 ms to import, as it
# builds ~90 enums; this module is on the path to the first frame, so it uses the role
# numbers, which are fixed in Qt's ABI, and imports Qt only once rows exist.
_DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
_TOOLTIP_ROLE = 3  # Qt.ItemDataRole.ToolTipRole
DRAFT_ID_ROLE = 256 + 1  # Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class DraftListModel(QAbstractListModel):
    """One row per draft, most recently changed first."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DraftSummary] = []

    def set_drafts(self, rows: list[DraftSummary]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def draft_id_at(self, index: _Index) -> int | None:
        """The id of the draft shown at `index`."""
        draft_id = self.data(index, DRAFT_ID_ROLE)
        return draft_id if isinstance(draft_id, int) else None

    def row_of(self, draft_id: int) -> int | None:
        """The row showing `draft_id`, if it is listed."""
        return next((i for i, row in enumerate(self._rows) if row.id == draft_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """Number of drafts (a list has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = _DISPLAY_ROLE) -> Any:
        """The preview line, its full text as a tooltip, or the draft id."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == _DISPLAY_ROLE:
            return row.preview
        if role == _TOOLTIP_ROLE:
            return f"{row.preview}\nChanged {row.updated_at.astimezone():%d %b %Y %H:%M}"
        if role == DRAFT_ID_ROLE:
            return row.id
        return None
