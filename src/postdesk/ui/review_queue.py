"""The reviewer's screen: the queue as a table, and the selected revision with its actions.

The revision's exact text is shown in a read-only editor whose positions map onto the
revision's body, so a reviewer can select words by keyboard or mouse and comment on exactly
that span; what changed since they last looked is shown beside it, marked in words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.checklist import SignOffChecklist
from postdesk.ui.comment_dialog import AnchoredCommentDialog
from postdesk.ui.comments_panel import CommentsPanel, quoted_span
from postdesk.ui.composer import qt_position
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.palette import shortcut_text
from postdesk.ui.review_table import QueueTable, ReviewQueueModel
from postdesk.ui.review_text import (
    breakable,
    changes_html,
    channels_text,
    code_point_index,
    display_text,
    essential_text,
    thread_text,
)
from postdesk.workflow.checklist import ChecklistItem, checklist
from postdesk.workflow.states import Role

if TYPE_CHECKING:
    from postdesk.storage.changes import ChangeWatcher
    from postdesk.workflow.queue import QueueFilter, QueueRow
    from postdesk.workflow.service import Comment, ReviewDiff, Revision, Workflow

logger = logging.getLogger(__name__)

AGES = (("Any age", None), ("Over a day", 1), ("Over 3 days", 3), ("Over a week", 7))
CHANNEL_CHOICES = ("", "x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
# The highlighted span of a comment: explicit text and background colours (contrast over
# 10:1 in each palette), underlined so the span is marked by shape as well as colour; the
# comment list names the words too.
_HIGHLIGHT_LIGHT = ("#1b1b1b", "#ffe58a")
_HIGHLIGHT_DARK = ("#ffffff", "#5c4a00")
_KEPT_DIFFS = 500


@dataclass(frozen=True)
class _Loaded:
    """A revision as the screen shows it, read on the database thread."""

    diff: ReviewDiff
    comments: list[Comment]
    bodies: dict[int, str]
    # The reviewer's sign-off items for this revision, ticked or not.
    checklist: list[ChecklistItem]
    # Posted as a thread: how many posts on each channel it does not fit in one of
    # (channel name -> posts), as the publisher will split it.
    thread_posts: dict[str, int]


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
        self.table = QueueTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Review queue")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self._build_actions()
        self.heading = QLabel("Choose a draft in the queue to review it.")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # the author's name, as typed
        self.heading.setWordWrap(True)
        # How the revision goes out, in words: its channels, as a thread or not, and
        # whether its author claims it may go out in an election period.
        self.channels_label = _info_label("The channels this revision goes to")
        self.thread_label = _info_label("Whether it goes out as a thread")
        self.essential_label = _info_label("Whether it is marked essential for an election")
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
            f"then press {shortcut_text(self.comment_action)} to comment on them."
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
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # quotes the revision's words
        self.message.setAccessibleName("Review status")
        self.message.setWordWrap(True)
        self.anchor_note.setTextFormat(Qt.TextFormat.PlainText)
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
            keys = shortcut_text(action)
            button.setToolTip(f"{action.toolTip()} ({keys})" if keys else action.toolTip())
            button.setEnabled(action.isEnabled())

        follow()
        action.changed.connect(follow)
        button.clicked.connect(action.trigger)
        return button

    def _lay_out(self) -> None:
        filters = QFormLayout()
        filters.addRow("&Search:", self.search)
        filters.addRow("Chann&el:", self.channel)
        filters.addRow("Au&thor:", self.author)
        filters.addRow("A&ge:", self.age)
        filters.addRow("", self.with_findings)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addLayout(filters)
        left_column.addWidget(self.table, 1)

        text_label = QLabel(
            f"Re&vision text (select words, then {shortcut_text(self.comment_action)} to comment):"
        )
        text_label.setWordWrap(True)
        text_label.setBuddy(self.revision_view)
        text_box = _column(text_label, self.revision_view)
        changes_label = QLabel("What changed since you last &looked:")
        changes_label.setWordWrap(True)
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

        # The buttons in a row while it fits, wrapping onto a second line when it does
        # not (large text, a narrow window) rather than widening the window.
        from postdesk.ui.counters import FlowLayout

        buttons = QWidget()
        buttons.setAccessibleName("Your decision")
        row = FlowLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.comment_button,
            self.approve_button,
            self.changes_button,
            self.reject_button,
        ):
            row.addWidget(button)
        policy = buttons.sizePolicy()
        policy.setHeightForWidth(True)
        buttons.setSizePolicy(policy)
        right = _Column()
        right_column = QVBoxLayout(right)
        right_column.addWidget(self.heading)
        for label in (self.channels_label, self.thread_label, self.essential_label):
            right_column.addWidget(label)
        right_column.addWidget(parts, 5)
        comment_label = QLabel("Co&mment with your decision:")
        comment_label.setWordWrap(True)
        comment_label.setBuddy(self.comment)
        right_column.addWidget(comment_label)
        right_column.addWidget(self.comment, 1)
        right_column.addWidget(self.checklist)
        # A few lines are enough to say why; the room goes to the text and the comments.
        self.comment.setMaximumHeight(self.comment.fontMetrics().lineSpacing() * 6)
        right_column.addWidget(buttons)
        right_column.addWidget(self.message)
        # Everything about the revision scrolls up and down as one column when it is
        # taller than the window (large text, a long checklist or reason), and is never
        # wider than its widest word or button: it wraps instead.
        self.revision_area = _VerticalScrollArea(right)
        self.revision_area.setAccessibleName("The revision under review")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.revision_area)
        split.setStretchFactor(1, 2)
        # The queue wide enough for a phrase of each post beside the date and the author.
        split.setSizes([480, 720])
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
        self.table.fit_author_column()
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
            posts = _thread_posts(workflow, diff.current)
            return _Loaded(diff, *_comments_and_bodies(workflow, row.draft_id), items, posts)

        self._worker.call(load, lambda loaded: self._show_revision(serial, loaded), self._on_error)

    def _show_revision(self, serial: int, loaded: _Loaded) -> None:
        if serial != self._loading:
            return  # the reviewer has moved on to another row
        revision = loaded.diff.current
        previous = self._shown
        self._shown = revision
        self._shown_text = display_text(revision.body)
        heading = (
            f"Revision {revision.number} by {{}}, submitted "
            f"{revision.created_at.astimezone():%d %b %Y %H:%M}"
        )
        # A long name (an e-mail address, say) wraps rather than widening the window.
        self.heading.setText(heading.format(breakable(revision.created_by)))
        self.heading.setAccessibleName(heading.format(revision.created_by))
        _show_info(self.channels_label, channels_text(revision))
        _show_info(self.thread_label, thread_text(revision, loaded.thread_posts))
        _show_info(
            self.essential_label,
            essential_text(revision),
            essential_text(revision, isolate=True),
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
        self.heading.setAccessibleName("")
        for label in (self.channels_label, self.thread_label, self.essential_label):
            _show_info(label, "")
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
                f"arrow keys, or the mouse), then press {shortcut_text(self.comment_action)}."
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


def _info_label(about: str) -> QLabel:
    """A line of facts about the revision: plain text (parts are user text), wrapped."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAccessibleDescription(about)
    label.setVisible(False)
    return label


def _show_info(label: QLabel, text: str, shown: str | None = None) -> None:
    """Show a fact in words, or hide the label for "".

    Screen readers hear `text` as the label's name; the label may show it with break
    points and direction isolates added (`shown`), which are not read out.
    """
    label.setText(shown if shown is not None else text)
    label.setAccessibleName(text)
    label.setVisible(bool(text))


def _thread_posts(workflow: Workflow, revision: Revision) -> dict[str, int]:
    """Posts per channel for a revision posted as a thread (on the database thread)."""
    if not revision.as_thread:
        return {}
    from postdesk.analysis.channels import Channel, MastodonServer
    from postdesk.analysis.counting import count_all
    from postdesk.analysis.threads import thread_lengths

    chosen = [channel for channel in Channel if channel.value in revision.channels]
    server = MastodonServer()
    if Channel.MASTODON in chosen:
        # Split as the publisher will: with the organisation's Mastodon server's limits.
        from postdesk.publishing.publisher import mastodon_limits

        server = mastodon_limits(workflow.engine) or server
    counts = count_all(revision.body, chosen, mastodon=server)
    lengths = thread_lengths(revision.body, counts.values(), mastodon=server)
    return {channel.label: posts for channel, posts in lengths.items()}


class _Column(QWidget):
    """A column whose height at a width is the least its contents need there: in a
    scroll area it fills the view, and scrolls only when that least is taller."""

    def heightForWidth(self, width: int) -> int:
        """The contents' minimum height at `width` (wrapped labels take more lines)."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return super().heightForWidth(width)
        return layout.totalMinimumHeightForWidth(width)


class _VerticalScrollArea(QScrollArea):
    """Scrolls its widget up and down, never sideways: as wide as the widget needs, as
    tall as its content when there is room, and a few lines when there is not."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a stop of its own: Tab goes to the controls in it, which it scrolls into view.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        widget.setAutoFillBackground(False)
        self.viewport().setAutoFillBackground(False)

    def _content_height(self, width: int) -> int:
        inner = self.widget()
        if inner is None:
            return 0
        if inner.hasHeightForWidth():
            return max(inner.heightForWidth(width), inner.minimumSizeHint().height())
        return inner.sizeHint().height()

    def sizeHint(self) -> QSize:
        """The content's width, and its height at the width it has now."""
        inner = self.widget()
        bar = self.verticalScrollBar().sizeHint().width()
        width = inner.sizeHint().width() + bar if inner is not None else bar
        return QSize(width, self._content_height(self.width()))

    def minimumSizeHint(self) -> QSize:
        """As narrow as the content can be (it never scrolls sideways), a few lines high."""
        inner = self.widget()
        bar = self.verticalScrollBar().sizeHint().width()
        width = (inner.minimumSizeHint().width() if inner is not None else 0) + bar
        lines = self.fontMetrics().lineSpacing() * 4
        return QSize(width, min(lines, self._content_height(self.width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width wraps the content to a new height: ask the layout for it."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """New content (a longer name, a new checklist) changes what this area needs:
        tell the layout it sits in, which does not see inside a scroll area by itself."""
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)
