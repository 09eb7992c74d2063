"""The Publish screen: approved drafts, exactly what will be sent, and each channel's progress.

A publisher picks an approved draft and sees the approved text (read-only: it is what
goes out, to the character), each channel with its account, how many posts it makes and
whether this computer holds the account's token. Publishing runs on its own thread (it
can wait minutes on retries and Retry-After) and reports each channel's progress here
through a signal; the database worker is never held up by the network.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from postdesk.publishing.adapter import Adapter, Platform, PostRef
    from postdesk.publishing.publisher import ChannelOutcome, ChannelProgress
    from postdesk.publishing.ready import ChannelPlan, ReadyDraft
    from postdesk.storage.changes import ChangeWatcher
    from postdesk.ui.dbworker import DatabaseWorker


class TokenStore(Protocol):
    """The keyring as the Publish screen uses it: look up a token, or whether one is here."""

    def get(self, account_key: str) -> str | None: ...

    def has(self, account_key: str) -> bool: ...


logger = logging.getLogger(__name__)

# Each stage in words and a symbol, so colour is never the only signal.
_STAGE_WORDS = {
    "ready": "Ready",
    "pending": "Ready (prepared earlier)",
    "sending": "Sending…",
    "retrying": "Trying again…",
    "published": "✓ Published",
    "failed": "✕ Failed",
    "no token": "✕ No token on this computer",
    "no account": "✕ No account set up",
    "not supported": "✕ Not supported yet",
}


def _default_secrets() -> TokenStore:
    from postdesk.publishing.secrets import SecretStore

    store: TokenStore = SecretStore()
    return store


def _default_adapters() -> Mapping[Platform, Adapter]:
    from postdesk.cli_publish import adapters

    return adapters()


class PublishScreen(QWidget):
    """Approved drafts and their publishing, one draft at a time.

    Signals:
        loaded: the list of drafts to publish was (re)loaded (the number of drafts).
        plan_shown: a draft's plan is on screen (its draft id).
        finished: a publish run ended (the draft id).
    """

    loaded = Signal(int)
    plan_shown = Signal(int)
    finished = Signal(int)
    # Progress arrives on the publishing thread; a queued signal brings it here.
    _progress = Signal(object)
    _done = Signal(object)
    _changed_elsewhere = Signal()

    def __init__(
        self,
        worker: DatabaseWorker,
        engine: Engine,
        actor: str,
        *,
        secrets: Callable[[], TokenStore] = _default_secrets,
        adapters: Callable[[], Mapping[Platform, Adapter]] = _default_adapters,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._engine = engine
        self._actor = actor
        self._make_secrets = secrets
        self._make_adapters = adapters
        self._adapters: Mapping[Platform, Adapter] | None = None
        self._secrets: TokenStore | None = None
        # One publish at a time, off the GUI thread and off the database worker.
        self._publishing = ThreadPoolExecutor(1, thread_name_prefix="postdesk-publish")
        self._running: int | None = None
        self._last_finished: int | None = None
        self._closed = False
        self._watcher: ChangeWatcher | None = None
        self._drafts: list[ReadyDraft] = []
        self._current: ReadyDraft | None = None
        self._plans: list[ChannelPlan] = []
        self.confirm_box: QMessageBox | None = None

        self.drafts_table = QTableWidget(0, 4)
        self.drafts_table.setHorizontalHeaderLabels(["Draft", "Author", "State", "Channels"])
        self.drafts_table.setAccessibleName("Approved drafts to publish")
        self.drafts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.drafts_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.drafts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.drafts_table.verticalHeader().hide()
        self.drafts_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.drafts_table.currentCellChanged.connect(self._on_draft_changed)

        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName("Exactly what will be posted")
        self.text_view.setTabChangesFocus(True)
        self.channels_table = QTableWidget(0, 4)
        self.channels_table.setHorizontalHeaderLabels(["Channel", "Account", "Posts", "Status"])
        self.channels_table.setAccessibleName("Channels and their progress")
        self.channels_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.channels_table.verticalHeader().hide()
        self.channels_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.results = QTextBrowser()
        self.results.setAccessibleName("Published links and problems")
        self.results.setOpenExternalLinks(True)

        self.publish_action = QAction("Publish &now…", self)
        self.publish_action.setObjectName("publish.start")
        self.publish_action.setShortcuts([QKeySequence("Ctrl+Shift+P")])
        self.publish_action.setEnabled(False)
        self.publish_action.triggered.connect(self.confirm_publish)
        self.addAction(self.publish_action)
        self.publish_button = QPushButton("Publish &now…")
        self.publish_button.setAccessibleName("Publish now")
        self.publish_button.setToolTip("Publish the approved text to its channels (Ctrl+Shift+P)")
        self.publish_button.setEnabled(False)
        self.publish_button.clicked.connect(self.publish_action.trigger)
        self.publish_action.enabledChanged.connect(self.publish_button.setEnabled)
        self.message = QLabel("")
        self.message.setAccessibleName("Publishing status")
        self.message.setWordWrap(True)

        left = QWidget()
        left_column = QVBoxLayout(left)
        drafts_label = QLabel("&Approved drafts:")
        drafts_label.setBuddy(self.drafts_table)
        left_column.addWidget(drafts_label)
        left_column.addWidget(self.drafts_table, 1)
        right = QWidget()
        right_column = QVBoxLayout(right)
        text_label = QLabel("E&xactly what will be posted (the approved revision):")
        text_label.setBuddy(self.text_view)
        right_column.addWidget(text_label)
        right_column.addWidget(self.text_view, 2)
        channels_label = QLabel("Channe&ls:")
        channels_label.setBuddy(self.channels_table)
        right_column.addWidget(channels_label)
        right_column.addWidget(self.channels_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.publish_button)
        buttons.addStretch(1)
        right_column.addLayout(buttons)
        right_column.addWidget(self.message)
        results_label = QLabel("Re&sults:")
        results_label.setBuddy(self.results)
        right_column.addWidget(results_label)
        right_column.addWidget(self.results, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._progress.connect(self._on_progress)
        self._done.connect(self._on_done)
        self._changed_elsewhere.connect(self.reload)

    # -- wiring ----------------------------------------------------------------------------

    def attach(self, watcher: ChangeWatcher | None = None) -> None:
        """Load the list, and reload it whenever another desktop changes the database."""
        if watcher is not None:
            self._watcher = watcher
            watcher.start(self._changed_elsewhere.emit)
        self.reload()

    def shutdown(self) -> None:
        """Stop watching; let a publish in flight finish on its thread (it records itself)."""
        self._closed = True
        if self._watcher is not None:
            self._watcher.stop()
        self._publishing.shutdown(wait=False)

    @property
    def publishing(self) -> bool:
        """Whether a publish is running now."""
        return self._running is not None

    # -- the list and the plan -------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Read the approved drafts again."""
        if self._closed:
            return
        from postdesk.publishing.ready import ready_to_publish

        engine = self._engine
        self._worker.call(lambda: ready_to_publish(engine), self._on_loaded, self._on_error)

    def _on_loaded(self, drafts: list[ReadyDraft]) -> None:
        from postdesk.analysis.channels import channel_label

        selected = self._current.draft_id if self._current else None
        self._drafts = drafts
        table = self.drafts_table
        table.blockSignals(True)
        table.setRowCount(len(drafts))
        for row, draft in enumerate(drafts):
            head = " ".join(draft.body.split())[:80]
            cells = (
                f"#{draft.draft_id} {head}",
                draft.author,
                draft.state_words,
                ", ".join(channel_label(c) for c in draft.channels),
            )
            for column, value in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(value))
        table.blockSignals(False)
        again = next((i for i, d in enumerate(drafts) if d.draft_id == selected), None)
        if again is None and selected is not None and selected == self._last_finished:
            # Just published everywhere: keep its results on screen until another is picked.
            self.publish_action.setEnabled(False)
            self.loaded.emit(len(drafts))
            return
        if again is None and drafts and not self.publishing:
            again = 0
        if again is not None:
            table.setCurrentCell(again, 0)
            self._show_draft(drafts[again])
        elif not self.publishing:
            self._current = None
            self.text_view.clear()
            self.channels_table.setRowCount(0)
            self.publish_action.setEnabled(False)
            self.message.setText("Nothing is waiting to be published." if not drafts else "")
        self.loaded.emit(len(drafts))

    @Slot(int, int, int, int)
    def _on_draft_changed(self, row: int, _column: int, _old_row: int, _old_column: int) -> None:
        if 0 <= row < len(self._drafts) and not self.publishing:
            self._show_draft(self._drafts[row])

    def _show_draft(self, draft: ReadyDraft) -> None:
        if self.publishing:
            return
        changed = self._current is None or self._current.draft_id != draft.draft_id
        self._current = draft
        if self.text_view.toPlainText() != draft.body:
            self.text_view.setPlainText(draft.body)
        if changed:
            self.results.clear()
            self.message.setText("")
        from postdesk.publishing.ready import publish_plan

        engine, secrets = self._engine, self._token_store()

        actor = self._actor

        def plan() -> tuple[list[ChannelPlan], bool, list[str]]:
            from postdesk.workflow import people
            from postdesk.workflow.service import Workflow
            from postdesk.workflow.states import Role, State

            with engine.connect() as connection:
                person = people.find(connection, actor)
            may_publish = person is not None and person.may(Role.PUBLISHER)
            # A publish that stopped half way carries on whatever the day: it was checked
            # when it started.
            blocks = (
                []
                if draft.state is State.PUBLISHING
                else Workflow(engine, actor).publishing_blocks(draft.draft_id)
            )
            return publish_plan(engine, draft, secrets.has), may_publish, blocks

        self._worker.call(plan, lambda loaded: self._show_plan(draft, *loaded), self._on_error)

    def _show_plan(
        self, draft: ReadyDraft, plans: list[ChannelPlan], may_publish: bool, blocks: list[str]
    ) -> None:
        if self._current is None or self._current.draft_id != draft.draft_id or self.publishing:
            return
        self._plans = plans
        table = self.channels_table
        table.setRowCount(len(plans))
        for row, plan in enumerate(plans):
            account = (
                f"{plan.account.display_name} ({plan.account.account.handle})"
                if plan.account
                else "none"
            )
            posts = "1 post" if len(plan.parts) == 1 else f"a thread of {len(plan.parts)}"
            name = QTableWidgetItem(plan.label)
            name.setData(Qt.ItemDataRole.UserRole, plan.channel)
            table.setItem(row, 0, name)
            table.setItem(row, 1, QTableWidgetItem(account))
            table.setItem(row, 2, QTableWidgetItem(posts))
            self._set_status(row, plan.status, plan.blocker or plan.last_error)
        sendable = [p for p in plans if p.status != "published" and p.blocker is None]
        self.publish_action.setEnabled(bool(sendable) and may_publish and not blocks)
        blockers = [p.blocker for p in plans if p.blocker]
        blockers[:0] = [f"It cannot go out today: {block}" for block in blocks]
        if not may_publish:
            blockers.insert(0, "Only a publisher can publish: ask an admin for the publisher role")
        if blockers:
            self.message.setText("\n".join(f"• {b}" for b in blockers if b))
        self._show_links([(p.channel, p.posts) for p in plans])
        self.plan_shown.emit(draft.draft_id)

    def _set_status(self, row: int, stage: str, detail: str = "") -> None:
        words = _STAGE_WORDS.get(stage, stage)
        item = QTableWidgetItem(f"{words}: {detail}" if detail else words)
        item.setData(Qt.ItemDataRole.UserRole, stage)
        item.setToolTip(detail or words)
        self.channels_table.setItem(row, 3, item)

    def channel_status(self, channel: str) -> str:
        """The stage shown for a channel ("ready", "sending", "published", ...)."""
        for row in range(self.channels_table.rowCount()):
            name = self.channels_table.item(row, 0)
            status = self.channels_table.item(row, 3)
            if (
                name is not None
                and status is not None
                and name.data(Qt.ItemDataRole.UserRole) == channel
            ):
                return str(status.data(Qt.ItemDataRole.UserRole))
        return ""

    def _show_links(self, published: list[tuple[str, tuple[PostRef, ...]]]) -> None:
        """Each channel's post links (a thread's numbered); the view is left as is if none."""
        lines = []
        for channel, posts in published:
            for number, post in enumerate(posts, start=1):
                label = channel + (f" ({number})" if len(posts) > 1 else "")
                url = html.escape(post.url)
                lines.append(f'<li>{html.escape(label)}: <a href="{url}">{url}</a></li>')
        if lines:
            self.results.setHtml(f"<ul>{''.join(lines)}</ul>")

    # -- publishing ------------------------------------------------------------------------

    @Slot()
    def confirm_publish(self) -> None:
        """Ask once, naming the channels and accounts, then publish."""
        draft = self._current
        if draft is None or self.publishing or not self.publish_action.isEnabled():
            return
        targets = [
            f"{p.channel} as {p.account.account.handle}"
            for p in self._plans
            if p.account is not None and p.status != "published" and p.blocker is None
        ]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Publish now?")
        box.setText(f"Publish draft #{draft.draft_id} now?")
        box.setInformativeText(
            "It goes out publicly to:\n"
            + "\n".join(f"• {t}" for t in targets)
            + "\n\nThe text is exactly what is shown. This cannot be undone from PostDesk."
        )
        box.setAccessibleName("Confirm publishing")
        publish = box.addButton("Publish", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(publish)
        box.accepted.connect(self.publish_now)
        box.open()
        self.confirm_box = box

    @Slot()
    def publish_now(self) -> None:
        """Publish the draft shown, on the publishing thread."""
        draft = self._current
        if draft is None or self.publishing or self._closed:
            return
        from postdesk.publishing.publisher import Publisher

        self._running = draft.draft_id
        self.publish_action.setEnabled(False)
        self.drafts_table.setEnabled(False)
        self.message.setText(f"Publishing draft #{draft.draft_id}…")
        publisher = Publisher(
            self._engine,
            self._actor,
            secrets=self._token_store(),
            adapters=self._adapter_set(),
        )
        emit_progress = self._progress.emit

        def run() -> list[ChannelOutcome] | BaseException:
            try:
                return publisher.publish(draft.draft_id, emit_progress)
            except Exception as exc:  # reported on screen, never lost in a thread
                return exc

        future = self._publishing.submit(run)
        future.add_done_callback(lambda done: self._done.emit((draft.draft_id, done.result())))

    @Slot(object)
    def _on_progress(self, progress: ChannelProgress) -> None:
        row = next((i for i, p in enumerate(self._plans) if p.channel == progress.channel), None)
        if row is None:
            return
        detail = progress.message
        if progress.stage == "sending" and progress.try_number > 1:
            detail = f"try {progress.try_number}"
        elif progress.stage == "retrying":
            detail = f"try {progress.try_number} failed: {progress.message}"
        elif progress.stage == "published":
            detail = ", ".join(post.url for post in progress.posts)
        self._set_status(row, progress.stage, detail)

    @Slot(object)
    def _on_done(self, payload: tuple[int, list[ChannelOutcome] | BaseException]) -> None:
        draft_id, result = payload
        self._running = None
        self._last_finished = draft_id
        self.drafts_table.setEnabled(True)
        from postdesk.workflow.errors import NotReady

        if isinstance(result, NotReady):
            # Nothing was sent: the rule pack refuses it today (an election period began).
            self.message.setText(
                "Not published, nothing was sent:\n" + "\n".join(f"• {p}" for p in result.problems)
            )
        elif isinstance(result, BaseException):
            logger.warning("Publishing draft %s stopped: %s", draft_id, result)
            self.message.setText(f"Publishing stopped: {result}")
        else:
            failed = [o for o in result if not o.published]
            if not failed:
                self.message.setText(f"Draft #{draft_id} is published on every channel.")
            else:
                self.message.setText(
                    "Some channels failed; publish again to retry only those:\n"
                    + "\n".join(f"• {o.channel}: {o.error}" for o in failed)
                )
            self._show_links([(o.channel, o.posts) for o in result])
        self.message.setAccessibleDescription(self.message.text())
        self.finished.emit(draft_id)
        self.reload()

    def _token_store(self) -> TokenStore:
        if self._secrets is None:
            self._secrets = self._make_secrets()
        return self._secrets

    def _adapter_set(self) -> Mapping[Platform, Adapter]:
        # Kept for the screen's life: adapters remember what they sent (publish-once guard).
        if self._adapters is None:
            self._adapters = self._make_adapters()
        return self._adapters

    def _on_error(self, error: BaseException) -> None:
        logger.warning("Publish screen: %s", error)
        self.message.setText(str(error))
