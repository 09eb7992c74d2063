"""The reviewer's screen: the queue as a table, and the selected revision with its actions.

The revision's exact text is shown in a read-only editor whose positions map onto the
revision's body, so a reviewer can select words by keyboard or mouse and comment on exactly
that span; what changed since they last looked is shown beside it, marked in words.
"""

from __future__ import annotations

import difflib
import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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

from postdesk.ui.checklist import SignOffChecklist
from postdesk.ui.comments_panel import CommentsPanel, quoted_span
from postdesk.ui.composer import qt_position
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.workflow.checklist import ChecklistItem, checklist
from postdesk.workflow.states import Role

if TYPE_CHECKING:
    from postdesk.storage.changes import ChangeWatcher
    from postdesk.workflow.queue import QueueFilter, QueueRow
    from postdesk.workflow.service import Comment, ReviewDiff, Revision, Workflow

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Waiting since", "Author", "Post", "Findings")
AGES = (("Any age", None), ("Over a day", 1), ("Over 3 days", 3), ("Over a week", 7))
CHANNEL_CHOICES = ("", "x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
# A carriage return would become a line break in the text view, and "\r\n" one position
# where the body has two code points: shown as a symbol, positions stay one for one.
_CARRIAGE_RETURN_SYMBOL = "\u240d"
# The highlighted span of a comment: explicit text and background colours (contrast over
# 10:1 in each palette), underlined so the span is marked by shape as well as colour; the
# comment list names the words too.
_HIGHLIGHT_LIGHT = ("#1b1b1b", "#ffe58a")
_HIGHLIGHT_DARK = ("#ffffff", "#5c4a00")
_KEPT_DIFFS = 500
_TOKENS = re.compile(r"\s+|\S+")


def code_point_index(text: str, position: int, *, round_up: bool = False) -> int:
    """The code-point offset into `text` of a Qt position (UTF-16 units).

    A position inside a surrogate pair (never on a grapheme boundary, but setPosition
    allows it) rounds down to the character's start, or up past it with `round_up`.
    """
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > position:
            return index + 1 if round_up else index
    return len(text)


def display_text(body: str) -> str:
    """The body as the text view holds it: the same code points, one position each."""
    return body.replace("\r", _CARRIAGE_RETURN_SYMBOL)


def changes_html(diff: ReviewDiff) -> str:
    """What changed since the reviewer last looked, word by word, marked in words too."""
    current = diff.current
    if diff.base is None:
        return (
            f"<p>You have not looked at this draft before: all of revision {current.number} "
            "is new to you.</p>"
        )
    if diff.base.id == current.id:
        return f"<p>No changes since you last looked (revision {current.number}).</p>"
    before, after = _TOKENS.findall(diff.base.body), _TOKENS.findall(current.body)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(html.escape("".join(after[j1:j2])))
            continue
        if tag in ("replace", "delete"):
            out.append(f"<s>[removed: {html.escape(''.join(before[i1:i2]))}]</s>")
        if tag in ("replace", "insert"):
            out.append(f"<u><b>[added: {html.escape(''.join(after[j1:j2]))}]</b></u>")
    return (
        f"<p>From revision {diff.base.number}, which you last looked at, to revision "
        f"{current.number}. Added words are underlined, removed ones struck through.</p>"
        f'<p style="white-space: pre-wrap">{"".join(out)}</p>'
    )


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


@dataclass(frozen=True)
class _Loaded:
    """A revision as the screen shows it, read on the database thread."""

    diff: ReviewDiff
    comments: list[Comment]
    bodies: dict[int, str]
    # The reviewer's sign-off items for this revision, ticked or not.
    checklist: list[ChecklistItem]


class AnchoredCommentDialog(QDialog):
    """A small editor for a comment on the selected words, shown with those words.

    It stays open until the comment is saved, so a refusal never loses what was typed.

    Signals:
        save_requested: the reviewer asked to save (the comment's text).
    """

    save_requested = Signal(str)

    def __init__(self, quote: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Comment on the selected words")
        self.setAccessibleName("Comment on the selected words")
        self.quote = QLabel(quote)
        self.quote.setWordWrap(True)
        self.quote.setAccessibleName("The words you are commenting on")
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Your comment on these words")
        self.editor.setTabChangesFocus(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Comment status")
        # Ctrl+Enter in the box saves, as it sends a message in most chat and mail tools.
        # A key of the box, not an action: actions are screen-wide and user-assignable, and
        # Ctrl+Enter already approves on the Review screen.
        self.editor.installEventFilter(self)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "&Save comment", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Save comment")
        self.save_button.setToolTip("Save the comment (Ctrl+Enter in the comment box)")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel the comment")
        buttons.accepted.connect(self.request_save)
        buttons.rejected.connect(self.reject)
        label = QLabel("&Comment:")
        label.setBuddy(self.editor)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("On these words in the revision:"))
        layout.addWidget(self.quote)
        layout.addWidget(label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.editor.setFocus()
        self.resize(440, 260)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the comment box saves the comment."""
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.request_save()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def request_save(self) -> None:
        """Ask for the comment to be saved (once at a time)."""
        if self.save_button.isEnabled():
            self.save_requested.emit(self.editor.toPlainText())

    def set_busy(self, busy: bool) -> None:
        """While saving: no second save, and the text stays as it was sent."""
        self.save_button.setEnabled(not busy)
        self.editor.setReadOnly(busy)
        self._say("Saving…" if busy else "")

    def refuse(self, reason: str) -> None:
        """The comment was not saved: say why and let the reviewer fix it."""
        self.set_busy(False)
        self._say(reason)
        self.editor.setFocus()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)


class ReviewScreen(QWidget):
    """The queue, filters, and the selected revision with approve / changes / reject.

    Signals:
        decided: a decision was recorded (the draft id).
        queue_loaded: the queue was (re)loaded (the number of rows).
        revision_shown: a revision is on screen and can be decided on (its id).
        comments_shown: the comment list was (re)filled (the number of comments).
        comment_saved: an anchored comment was saved (the Comment).
    """

    decided = Signal(int)
    queue_loaded = Signal(int)
    revision_shown = Signal(int)
    comments_shown = Signal(int)
    comment_saved = Signal(object)
    _changed_elsewhere = Signal()

    def __init__(self, worker: DatabaseWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._workflow: Workflow | None = None
        self._watcher: ChangeWatcher | None = None
        self._current: QueueRow | None = None
        # The revision on screen: what decisions and comments are about.
        self._shown: Revision | None = None
        self._shown_text = ""
        self._loading = 0  # latest wins: a slow load for a row left behind is dropped
        self._deciding = False
        # What changed, as first seen, by revision id (see _on_row_changed).
        self._diffs: dict[int, ReviewDiff] = {}
        self.comment_dialog: AnchoredCommentDialog | None = None

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

        self._build_actions()
        self.heading = QLabel("Choose a draft in the queue to review it.")
        self.heading.setWordWrap(True)
        self.revision_view = QPlainTextEdit()
        self.revision_view.setReadOnly(True)
        # Read-only editors select by mouse only: the keyboard must be able to, too.
        self.revision_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.revision_view.setTabChangesFocus(True)
        self.revision_view.setAccessibleName("Revision under review")
        self.revision_view.setAccessibleDescription(
            f"The exact text of the revision. Select words with Shift and the arrow keys, "
            f"then press {_keys(self.comment_action)} to comment on them."
        )
        self.revision_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.revision_view.customContextMenuRequested.connect(self._revision_menu)
        self.diff_view = QTextBrowser()
        self.diff_view.setAccessibleName("What changed since you last looked")
        self.comments_panel = CommentsPanel("Comments on this &draft")
        self.comments_panel.comment_selected.connect(self._highlight)
        self.comments_panel.anchor_activated.connect(self._go_to_span)
        self.anchor_note = QLabel()
        self.anchor_note.setWordWrap(True)
        self.anchor_note.setAccessibleName("Highlighted words")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment for the author")
        self.comment.setPlaceholderText("Comment (needed to request changes or reject)")
        self.comment.setTabChangesFocus(True)
        self.comment_button = self._button_for(self.comment_action)
        self.approve_button = self._button_for(self.approve_action)
        self.changes_button = self._button_for(self.request_changes_action)
        self.reject_button = self._button_for(self.reject_action)
        self.message = QLabel()
        self.message.setAccessibleName("Review status")
        self.message.setWordWrap(True)
        self.checklist = SignOffChecklist(
            "Before you approve, confirm:", "Your sign-off checklist as reviewer"
        )
        self.checklist.ticked.connect(self._on_sign_off_ticked)

        self._lay_out()
        self._set_actions_enabled(False)
        self._changed_elsewhere.connect(self.reload)

    def _build_actions(self) -> None:
        self.comment_action = self._action(
            "C&omment on selection…",
            "review.comment_selection",
            "Ctrl+Alt+M",
            "Comment on the words selected in the revision",
            self.comment_on_selection,
        )
        self.approve_action = self._action(
            "&Approve", "review.approve", "Ctrl+Return", "Approve this revision", self.approve
        )
        self.request_changes_action = self._action(
            "Request cha&nges",
            "review.request_changes",
            "Ctrl+Shift+Return",
            "Send this revision back to its author, saying why in the comment",
            self.request_changes,
        )
        self.reject_action = self._action(
            "Re&ject",
            "review.reject",
            "Ctrl+Alt+Return",
            "Reject this revision for good, saying why in the comment",
            self.reject,
        )

    def _action(self, text: str, name: str, keys: str, tip: str, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(keys)])
        action.setToolTip(tip)
        # Live only while the focus is on this screen, even if the action is also put in a
        # menu (a menu bar is visible on every screen): Ctrl+Enter approves here and
        # submits on the Write screen.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _button_for(self, action: QAction) -> QPushButton:
        """A push button that shows and runs `action`, its shortcut in the tooltip."""
        button = QPushButton()

        def follow() -> None:
            button.setText(action.text())
            button.setAccessibleName(action.text().replace("&", ""))
            keys = _keys(action)
            button.setToolTip(f"{action.toolTip()} ({keys})" if keys else action.toolTip())
            button.setEnabled(action.isEnabled())

        follow()
        action.changed.connect(follow)
        button.clicked.connect(action.trigger)
        return button

    def _lay_out(self) -> None:
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

        text_label = QLabel(
            f"Revision &text (select words, then {_keys(self.comment_action)} to comment):"
        )
        text_label.setBuddy(self.revision_view)
        text_box = _column(text_label, self.revision_view)
        changes_label = QLabel("What changed since you last &looked:")
        changes_label.setBuddy(self.diff_view)
        changes_box = _column(changes_label, self.diff_view)
        comments_box = _column(self.comments_panel, self.anchor_note)
        parts = QSplitter(Qt.Orientation.Vertical)
        for box in (text_box, changes_box, comments_box):
            parts.addWidget(box)
        parts.setStretchFactor(0, 3)
        parts.setStretchFactor(1, 2)
        parts.setStretchFactor(2, 3)
        parts.setSizes([240, 150, 230])

        buttons = QHBoxLayout()
        buttons.addWidget(self.comment_button)
        buttons.addStretch(1)
        for button in (self.approve_button, self.changes_button, self.reject_button):
            buttons.addWidget(button)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.addWidget(self.heading)
        right_column.addWidget(parts, 5)
        comment_label = QLabel("Co&mment with your decision:")
        comment_label.setBuddy(self.comment)
        right_column.addWidget(comment_label)
        right_column.addWidget(self.comment, 1)
        right_column.addWidget(self.checklist)
        # A few lines are enough to say why; the room goes to the text and the comments.
        self.comment.setMaximumHeight(self.comment.fontMetrics().lineSpacing() * 6)
        right_column.addLayout(buttons)
        right_column.addWidget(self.message)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        split.setSizes([400, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        chain = (
            self.search,
            self.channel,
            self.author,
            self.age,
            self.with_findings,
            self.table,
            self.revision_view,
            self.diff_view,
            self.comments_panel.list,
            self.comments_panel.show_button,
            self.comment,
            self.comment_button,
            self.approve_button,
            self.changes_button,
            self.reject_button,
        )
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

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

    @property
    def shown_revision(self) -> Revision | None:
        """The revision on screen, which decisions and comments are about."""
        return self._shown

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
            self._clear_revision()
        self.queue_loaded.emit(len(rows))

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        workflow = self._workflow
        if row is None or workflow is None:
            return
        self._current = row
        shown = self._shown
        if shown is not None and (shown.draft_id, shown.id) == (row.draft_id, row.revision_id):
            # The queue reloaded around the revision on screen: keep the view (and its
            # "what changed"), and pick up comments others may have added.
            self._load_comments()
            return
        self._loading += 1
        serial = self._loading
        diffs = self._diffs

        def load() -> _Loaded:
            # Looking at a revision marks it seen, so a second look (a reload racing this
            # one, or coming back to the draft) would find nothing changed: the first
            # look's diff is kept for as long as that revision is under review. Loads run
            # one at a time on the database thread, so the second finds the first's.
            diff = diffs.get(row.revision_id)
            if diff is None:
                diff = workflow.diff_since_seen(row.draft_id)
                workflow.mark_seen(row.draft_id, diff.current.id)
                if len(diffs) > _KEPT_DIFFS:
                    diffs.clear()
                diffs[diff.current.id] = diff
            items = checklist(workflow, row.draft_id, Role.REVIEWER)
            return _Loaded(diff, *_comments_and_bodies(workflow, row.draft_id), items)

        self._worker.call(load, lambda loaded: self._show_revision(serial, loaded), self._on_error)

    def _show_revision(self, serial: int, loaded: _Loaded) -> None:
        if serial != self._loading:
            return  # the reviewer has moved on to another row
        revision = loaded.diff.current
        previous = self._shown
        self._shown = revision
        self._shown_text = display_text(revision.body)
        self.heading.setText(
            f"Revision {revision.number} by {revision.created_by}, submitted "
            f"{revision.created_at.astimezone():%d %b %Y %H:%M}"
        )
        self.revision_view.setPlainText(self._shown_text)
        self.diff_view.setHtml(changes_html(loaded.diff))
        self._fill_comments(loaded.comments, loaded.bodies)
        self.checklist.show_items(loaded.checklist)
        self._set_actions_enabled(True)
        if (
            previous is not None
            and previous.draft_id == revision.draft_id
            and previous.id != revision.id
        ):
            self._say(f"Revision {revision.number} arrived: decide on this one.")
        else:
            self._say("")
        self.revision_shown.emit(revision.id)

    def _clear_revision(self) -> None:
        """Nothing to decide on; the comment typed so far stays in its box."""
        self._loading += 1
        self._shown = None
        self._shown_text = ""
        self.heading.setText("Choose a draft in the queue to review it.")
        self.revision_view.clear()
        self.diff_view.clear()
        self.comments_panel.show_comments("", [])
        self.checklist.show_items([])
        self._set_actions_enabled(False)

    # -- comments --------------------------------------------------------------------------

    def _load_comments(self) -> None:
        revision, workflow = self._shown, self._workflow
        if revision is None or workflow is None:
            return

        def shown(loaded: tuple[list[Comment], dict[int, str]]) -> None:
            if self._shown is not None and self._shown.id == revision.id:
                self._fill_comments(*loaded)

        self._worker.call(
            lambda: _comments_and_bodies(workflow, revision.draft_id), shown, self._on_error
        )

    def _fill_comments(self, comments: list[Comment], bodies: dict[int, str]) -> None:
        revision = self._shown
        if revision is None:
            return
        self.comments_panel.show_comments(
            revision.body, comments, revision_id=revision.id, revision_bodies=bodies
        )
        self.comments_shown.emit(len(comments))

    @Slot()
    def comment_on_selection(self) -> None:
        """Ctrl+Alt+M: comment on exactly the words selected in the revision's text."""
        revision = self._shown
        if revision is None or self._workflow is None:
            self._say("Choose a draft in the queue first, then select words in its text.")
            return
        cursor = self.revision_view.textCursor()
        text = self._shown_text
        start = code_point_index(text, cursor.selectionStart())
        end = code_point_index(text, cursor.selectionEnd(), round_up=True)
        if not cursor.hasSelection() or start == end:
            self._say(
                "Nothing is selected: select the words in the revision text (Shift and the "
                f"arrow keys, or the mouse), then press {_keys(self.comment_action)}."
            )
            self.revision_view.setFocus()
            return
        quote = quoted_span(revision.body, start, end, limit=300) or ""
        if self.comment_dialog is not None:
            self.comment_dialog.close()
            self.comment_dialog.deleteLater()
        dialog = self.comment_dialog = AnchoredCommentDialog(quote, self)
        dialog.save_requested.connect(
            lambda body: self._save_anchored(dialog, revision, (start, end), body)
        )
        dialog.open()

    def _save_anchored(
        self, dialog: AnchoredCommentDialog, revision: Revision, span: tuple[int, int], body: str
    ) -> None:
        workflow = self._workflow
        if workflow is None:
            return
        dialog.set_busy(True)

        def saved(comment: Comment) -> None:
            if dialog is self.comment_dialog and dialog.isVisible():
                dialog.accept()
                self.revision_view.setFocus()
            self._say(f"Comment saved on {quoted_span(revision.body, *span) or 'the words'}.")
            self.comment_saved.emit(comment)
            self._load_comments()

        def refused(error: BaseException) -> None:
            if dialog is not self.comment_dialog:
                self._say(f"A comment was not saved: {_reason(error)}")
                return
            dialog.refuse(f"Not saved: {_reason(error)}")
            if not dialog.isVisible():
                dialog.open()  # closed while saving: bring the typed text back

        self._worker.call(
            lambda: workflow.comment(revision.draft_id, body, revision_id=revision.id, anchor=span),
            saved,
            refused,
        )

    @Slot(object)
    def _highlight(self, comment: Comment | None) -> None:
        """Mark the words a selected comment is about, in colour, by underline and in words."""
        revision = self._shown
        if comment is None or comment.anchor is None or revision is None:
            self.revision_view.setExtraSelections([])
            self.anchor_note.setText("")
            return
        if comment.revision_id != revision.id:
            self.revision_view.setExtraSelections([])
            self.anchor_note.setText(
                "This comment is about words in an earlier revision, not highlighted here."
            )
            return
        start, end = comment.anchor
        quote = quoted_span(revision.body, start, end)
        if quote is None:
            self.revision_view.setExtraSelections([])
            self.anchor_note.setText("The words this comment is about are not in this text.")
            return
        from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
        from PySide6.QtWidgets import QTextEdit

        text = self._shown_text
        cursor = QTextCursor(self.revision_view.document())
        cursor.setPosition(qt_position(text, start))
        cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
        base = self.revision_view.palette().color(QPalette.ColorRole.Base)
        ink, paper = _HIGHLIGHT_DARK if base.lightness() < 128 else _HIGHLIGHT_LIGHT
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = QTextCharFormat()
        selection.format.setForeground(QColor(ink))
        selection.format.setBackground(QColor(paper))
        selection.format.setFontUnderline(True)
        self.revision_view.setExtraSelections([selection])
        if not self.revision_view.hasFocus():
            # Scroll the words into view without taking the reviewer's place in the list.
            caret = QTextCursor(self.revision_view.document())
            caret.setPosition(qt_position(text, start))
            self.revision_view.setTextCursor(caret)
            self.revision_view.ensureCursorVisible()
        self.anchor_note.setText(f"Highlighted and underlined in the revision text: {quote}")

    @Slot(int, int, int)
    def _go_to_span(self, start: int, end: int, revision_id: int) -> None:
        """Enter on an anchored comment: select its words in the text and go there."""
        revision = self._shown
        if revision is None or revision_id != revision.id:
            return
        from PySide6.QtGui import QTextCursor

        text = self._shown_text
        last = len(text)
        cursor = self.revision_view.textCursor()
        cursor.setPosition(qt_position(text, min(start, last)))
        cursor.setPosition(qt_position(text, min(end, last)), QTextCursor.MoveMode.KeepAnchor)
        self.revision_view.setTextCursor(cursor)
        self.revision_view.setFocus()

    @Slot(QPoint)
    def _revision_menu(self, where: QPoint) -> None:
        menu = self.revision_view.createStandardContextMenu(where)
        menu.addSeparator()
        menu.addAction(self.comment_action)
        menu.exec(self.revision_view.viewport().mapToGlobal(where))
        menu.deleteLater()

    # -- decisions -------------------------------------------------------------------------

    @Slot()
    @Slot(str)
    def _on_sign_off_ticked(self, item_id: str) -> None:
        revision, workflow = self._shown, self._workflow
        if revision is None or workflow is None:
            return

        def refused(error: BaseException) -> None:
            box = self.checklist.box(item_id)
            if box is not None:
                box.blockSignals(True)
                box.setChecked(False)
                box.setEnabled(True)
                box.blockSignals(False)
            self._say(f"Not signed off: {_reason(error)}")

        self._worker.call(
            lambda: workflow.sign_off(revision.draft_id, item_id),
            lambda _none: self._say("Signed off."),
            refused,
        )

    def approve(self) -> None:
        """Ctrl+Enter: approve the revision shown, with the comment if there is one."""
        self._decide("approve")

    @Slot()
    def request_changes(self) -> None:
        """Send the revision shown back to its author, with the comment saying why."""
        self._decide("request_changes")

    @Slot()
    def reject(self) -> None:
        """Reject the revision shown for good, with the comment saying why."""
        self._decide("reject")

    def _decide(self, how: str) -> None:
        revision, workflow = self._shown, self._workflow
        if revision is None or workflow is None or self._deciding:
            return
        comment = self.comment.toPlainText()
        decide = {
            "approve": workflow.approve,
            "request_changes": workflow.request_changes,
            "reject": workflow.reject,
        }[how]
        done_words, refused_words = _DECISION_WORDS[how]
        self._deciding = True
        self._set_actions_enabled(False)
        self._say(f"Recording your decision on revision {revision.number}…")

        def done(_view: object) -> None:
            self._deciding = False
            if self.comment.toPlainText() == comment:
                self.comment.clear()
            self._say(f"Recorded: revision {revision.number} {done_words}.")
            self.decided.emit(revision.draft_id)
            self.reload()

        def failed(error: BaseException) -> None:
            from postdesk.workflow.errors import NotReady

            self._deciding = False
            self._set_actions_enabled(self._shown is not None)
            kept = " Your comment is still in the box." if comment.strip() else ""
            self._say(f"Not {refused_words}: {_reason(error)}.{kept}")
            if isinstance(error, NotReady) and not comment.strip():
                self.comment.setFocus()

        self._worker.call(lambda: decide(revision.draft_id, revision.id, comment), done, failed)

    def _on_error(self, error: BaseException) -> None:
        logger.warning("Review screen: %s", error)
        self._say(str(error))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for action in (self.approve_action, self.request_changes_action, self.reject_action):
            action.setEnabled(enabled and not self._deciding)
        self.comment_action.setEnabled(enabled)


_DECISION_WORDS = {
    "approve": ("approved", "approved"),
    "request_changes": ("sent back to its author", "sent back"),
    "reject": ("rejected", "rejected"),
}


def _reason(error: BaseException) -> str:
    """Why the workflow refused, as the end of a sentence."""
    from postdesk.workflow.errors import NotReady

    if isinstance(error, NotReady) and error.problems:
        return "; ".join(error.problems)
    return str(error).rstrip(".")


def _keys(action: QAction) -> str:
    """An action's shortcuts as the platform writes them."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def _column(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _comments_and_bodies(workflow: Workflow, draft_id: int) -> tuple[list[Comment], dict[int, str]]:
    """A draft's comments, and its revisions' texts to quote them (on the database thread)."""
    bodies = {revision.id: revision.body for revision in workflow.revisions(draft_id)}
    return workflow.comments(draft_id), bodies
