"""The reviewer's screen: the queue as a table, and the selected revision with its actions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.dbworker import DatabaseWorker

if TYPE_CHECKING:
    from postdesk.storage.changes import ChangeWatcher
    from postdesk.workflow.queue import QueueFilter, QueueRow
    from postdesk.workflow.service import ReviewDiff, Workflow

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Waiting since", "Author", "Post", "Findings")
AGES = (("Any age", None), ("Over a day", 1), ("Over 3 days", 3), ("Over a week", 7))
CHANNEL_CHOICES = ("", "x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")


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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                f"{row.submitted_at.astimezone():%d %b %H:%M}",
                row.author,
                row.preview,
                str(row.finding_count) if row.finding_count else "none",
            )[index.column()]
        return None


class ReviewScreen(QWidget):
    """The queue, filters, and the selected revision with approve / changes / reject.

    Signals:
        decided: a decision was recorded (the draft id).
        queue_loaded: the queue was (re)loaded (the number of rows).
    """

    decided = Signal(int)
    queue_loaded = Signal(int)
    _changed_elsewhere = Signal()

    def __init__(self, worker: DatabaseWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._workflow: Workflow | None = None
        self._watcher: ChangeWatcher | None = None
        self._current: QueueRow | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the posts")
        self.search.setAccessibleName("Search the queue")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel filter")
        for choice in CHANNEL_CHOICES:
            self.channel.addItem(choice or "Any channel", choice or None)
        self.author = QLineEdit()
        self.author.setPlaceholderText("Any author")
        self.author.setAccessibleName("Author filter")
        self.age = QComboBox()
        self.age.setAccessibleName("Age filter")
        for label, days in AGES:
            self.age.addItem(label, days)
        self.with_findings = QCheckBox("Only posts with findings")
        for signal in (
            self.search.returnPressed,
            self.author.returnPressed,
            self.channel.currentIndexChanged,
            self.age.currentIndexChanged,
            self.with_findings.toggled,
        ):
            signal.connect(self.reload)

        self.model = ReviewQueueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Review queue")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, header.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self.revision_view = QTextBrowser()
        self.revision_view.setAccessibleName("Revision under review")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment for the author")
        self.comment.setPlaceholderText("Comment (needed to request changes or reject)")
        self.comment.setTabChangesFocus(True)
        self.approve_button = QPushButton("&Approve")
        self.approve_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.approve_button.setToolTip("Approve this revision (Ctrl+Enter)")
        self.changes_button = QPushButton("Request &changes")
        self.reject_button = QPushButton("Re&ject")
        self.approve_button.clicked.connect(lambda: self._decide("approve"))
        self.changes_button.clicked.connect(lambda: self._decide("request_changes"))
        self.reject_button.clicked.connect(lambda: self._decide("reject"))
        self.message = QLabel()
        self.message.setAccessibleName("Review status")
        self.message.setWordWrap(True)

        filters = QFormLayout()
        filters.addRow("&Search:", self.search)
        filters.addRow("C&hannel:", self.channel)
        filters.addRow("A&uthor:", self.author)
        filters.addRow("A&ge:", self.age)
        filters.addRow("", self.with_findings)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addLayout(filters)
        left_column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for button in (self.approve_button, self.changes_button, self.reject_button):
            buttons.addWidget(button)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.addWidget(QLabel("Revision, and what changed since you last looked:"))
        right_column.addWidget(self.revision_view, 3)
        comment_label = QLabel("Co&mment:")
        comment_label.setBuddy(self.comment)
        right_column.addWidget(comment_label)
        right_column.addWidget(self.comment, 1)
        right_column.addLayout(buttons)
        right_column.addWidget(self.message)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._set_actions_enabled(False)
        self._changed_elsewhere.connect(self.reload)

    # -- wiring ----------------------------------------------------------------------------

    def attach(self, workflow: Workflow, watcher: ChangeWatcher | None = None) -> None:
        """Work on this database as this reviewer; reload when others change it."""
        self._workflow = workflow
        if watcher is not None:
            self._watcher = watcher
            # The watcher calls back on its own thread; the signal brings it to this one.
            watcher.start(self._changed_elsewhere.emit)
        self.reload()

    def shutdown(self) -> None:
        """Stop watching for changes."""
        if self._watcher is not None:
            self._watcher.stop()

    def current_filter(self) -> QueueFilter:
        """The filter the controls describe."""
        from postdesk.workflow.queue import QueueFilter

        days = self.age.currentData()
        return QueueFilter(
            channel=self.channel.currentData(),
            author=self.author.text().strip() or None,
            submitted_before=datetime.now(UTC) - timedelta(days=days) if days else None,
            has_findings=True if self.with_findings.isChecked() else None,
            search=self.search.text().strip() or None,
        )

    @Slot()
    def reload(self) -> None:
        """Load the queue's first page with the current filter."""
        workflow = self._workflow
        if workflow is None:
            return
        from postdesk.workflow.queue import review_queue

        where = self.current_filter()
        engine = workflow.engine
        self._worker.call(lambda: review_queue(engine, where), self._on_loaded, self._on_error)

    def _on_loaded(self, rows: list[QueueRow]) -> None:
        selected = self._current.draft_id if self._current else None
        self.model.set_rows(rows)
        for number, row in enumerate(rows):
            if row.draft_id == selected:
                self.table.selectRow(number)
                break
        else:
            self._current = None
            self.revision_view.clear()
            self._set_actions_enabled(False)
        self.queue_loaded.emit(len(rows))

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        workflow = self._workflow
        if row is None or workflow is None:
            return
        self._current = row

        def load() -> tuple[ReviewDiff, list[str]]:
            diff = workflow.diff_since_seen(row.draft_id)
            workflow.mark_seen(row.draft_id, row.revision_id)
            notes = [
                f"{c.author}: {c.body}"
                + (f" (on characters {c.anchor[0]} to {c.anchor[1]})" if c.anchor else "")
                for c in workflow.comments(row.draft_id)
            ]
            return diff, notes

        self._worker.call(load, self._show_revision, self._on_error)

    def _show_revision(self, loaded: tuple[ReviewDiff, list[str]]) -> None:
        diff, notes = loaded
        self.revision_view.setPlainText(
            f"Revision {diff.current.number} by {diff.current.created_by}\n\n{diff.current.body}"
            + ("\n\nChanges since you last looked:\n" + diff.unified() if diff.base else "")
            + ("\n\nComments:\n" + "\n".join(notes) if notes else "")
        )
        self._set_actions_enabled(True)
        self.message.setText("")

    def _decide(self, how: str) -> None:
        row, workflow = self._current, self._workflow
        if row is None or workflow is None:
            return
        comment = self.comment.toPlainText()
        decide = {
            "approve": workflow.approve,
            "request_changes": workflow.request_changes,
            "reject": workflow.reject,
        }[how]
        self._set_actions_enabled(False)

        def done(_view: object) -> None:
            self.comment.clear()
            self.message.setText(f"Recorded: {how.replace('_', ' ')}.")
            self.decided.emit(row.draft_id)
            self.reload()

        def failed(error: BaseException) -> None:
            self._set_actions_enabled(True)
            self.message.setText(str(error))

        self._worker.call(lambda: decide(row.draft_id, row.revision_id, comment), done, failed)

    def _on_error(self, error: BaseException) -> None:
        logger.warning("Review screen: %s", error)
        self.message.setText(str(error))

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.approve_button, self.changes_button, self.reject_button):
            button.setEnabled(enabled)
