"""The review queue as a table: its rows, and a view that keeps each row to one line.

Apart from the review screen so the screen's module is about deciding on a revision, and
the queue's columns and their sizing can be read (and changed) in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from postdesk.ui.review_text import tooltip_html

if TYPE_CHECKING:
    from postdesk.workflow.queue import QueueRow

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Waiting since", "Author", "Post", "Findings")
POST_COLUMN = COLUMNS.index("Post")
AUTHOR_COLUMN = COLUMNS.index("Author")
# The Author column grows with its names up to this many average characters (most logins
# fit) or this share of the table, whichever is less; the rest of the width goes to the
# Post column. Longer names are elided, whole in the tooltip.
_AUTHOR_CHARS = 14
_AUTHOR_SHARE = 0.25


class ReviewQueueModel(QAbstractTableModel):
    """Rows of the review queue: drafts awaiting review, oldest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []

    def set_rows(self, rows: list[QueueRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> QueueRow | None:
        """The queue row shown at `row`."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """Drafts in the queue."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """Submitted, author, post, findings."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Each cell's text."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if not 0 <= index.column() < len(COLUMNS):
            return None
        text = (
            f"{row.submitted_at.astimezone():%d %b %H:%M}",
            row.author,
            row.preview,
            str(row.finding_count) if row.finding_count else "none",
        )[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        # The view elides long text with "…": the whole of it on hover and for screen
        # readers.
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(text)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return text
        return None


class QueueTable(QTableView):
    """The queue, one line a row: the post's words take the width the date, the author
    and the count leave. Long text is cut short with "…", whole in the tooltip, so the
    window never grows for a long post or name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Size the columns: the date and the count to their contents, the author up to
        a limit (and by hand), the post to the rest."""
        super().setModel(model)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AUTHOR_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(POST_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.fit_author_column()

    def fit_author_column(self) -> None:
        """The Author column as wide as its names, up to its limit."""
        if self.model() is None:
            return
        header = self.horizontalHeader()
        limit = min(
            self.fontMetrics().averageCharWidth() * _AUTHOR_CHARS,
            int(self.viewport().width() * _AUTHOR_SHARE),
        )
        wanted = max(self.sizeHintForColumn(AUTHOR_COLUMN), header.sectionSizeHint(AUTHOR_COLUMN))
        header.resizeSection(AUTHOR_COLUMN, max(min(wanted, limit), header.minimumSectionSize()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width: a new limit for the author."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_author_column()

    def changeEvent(self, event: QEvent) -> None:
        """A new text size: names measure differently."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_author_column()
