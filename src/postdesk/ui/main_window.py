"""The main window: "My drafts" beside the editor, with autosave."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postdesk import APP_NAME
from postdesk.ui.autosave import Autosave
from postdesk.ui.composer import ComposeWidget
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.draft_list import DraftListModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMessageBox

    from postdesk.analysis.channels import MastodonServer
    from postdesk.analysis.grammar import GrammarConfig
    from postdesk.storage.database import Database
    from postdesk.ui.comments_panel import CommentsPanel
    from postdesk.ui.history import PublishedScreen
    from postdesk.ui.preview import PostPreview
    from postdesk.ui.publish_screen import PublishScreen
    from postdesk.ui.review_queue import ReviewScreen
    from postdesk.ui.settings_dialog import SecretWriter
    from postdesk.workflow.checklist import ChecklistItem
    from postdesk.workflow.drafts import DraftRecord, DraftStore, DraftSummary
    from postdesk.workflow.service import Comment, Revision, Workflow

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Drafts list and editor. Shown before the database is open, then filled in.

    Signals:
        draft_loaded: a draft is in the editor and can be typed into (its id).
        draft_saved: the draft in the editor was saved (its id).
    """

    draft_loaded = Signal(int)
    draft_saved = Signal(int)
    # Set by attach(), once the database is open.
    workflow: Workflow

    def __init__(self, worker: DatabaseWorker) -> None:
        super().__init__()
        self._worker = worker
        self._database: Database | None = None
        self._store: DraftStore | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 720)

        self.drafts_model = DraftListModel()
        self.drafts_view = QListView()
        self.drafts_view.setModel(self.drafts_model)
        self.drafts_view.setAccessibleName("My drafts")
        self.drafts_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.drafts_view.activated.connect(self._on_draft_chosen)
        self.drafts_view.clicked.connect(self._on_draft_chosen)

        self.compose = ComposeWidget()
        self.compose.channels_changed.connect(self._on_channels_changed)
        self.compose.sign_off_ticked.connect(self._on_sign_off_ticked)
        self.compose.options_changed.connect(self._on_options_changed)
        self.editor = self.compose.editor
        self.editor.setPlaceholderText("Opening your drafts…")
        self.editor.setReadOnly(True)

        self.autosave = Autosave(self.editor, worker, self)
        self.autosave.saved.connect(self._on_saved)
        self.autosave.failed.connect(self._on_save_failed)

        self.status = QLabel("Opening database…")
        self.status.setAccessibleName("Save status")
        self.statusBar().addWidget(self.status, 1)

        splitter = QSplitter()
        splitter.addWidget(_labelled("&My drafts", self.drafts_view))
        splitter.addWidget(self.compose)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 1040])
        # Screens: writing now; the review queue arrives with the database (attach).
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Screens")
        self.tabs.tabBar().setAccessibleName("Screens: Write, Review queue")
        self.write_screen = splitter
        self.tabs.addTab(splitter, "&Write")
        self.review: ReviewScreen | None = None
        self.published: PublishedScreen | None = None
        self.preview: PostPreview | None = None
        self.comments: CommentsPanel | None = None
        self.publish: PublishScreen | None = None
        self.refusal: QMessageBox | None = None
        self.setCentralWidget(self.tabs)
        # Tab: the screens' tab bar, My drafts, then the composer in its own order.
        QWidget.setTabOrder(self.tabs, self.drafts_view)
        QWidget.setTabOrder(self.drafts_view, self.compose.focus_chain()[0])
        self._comment_bodies: dict[int, str] = {}
        # Until the rule pack says otherwise, no election period: "Essential" is hidden.
        self.compose.show_essential_option(False)
        self._build_menus()
        # Write-screen keys work wherever focus is on that screen (the list too).
        self.write_screen.addActions(
            [
                self.submit_action,
                *self.compose.channel_actions,
                *self.compose.option_actions,
                self.compose.next_finding_action,
                self.compose.previous_finding_action,
                self.compose.apply_suggestion_action,
            ]
        )

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = QAction("&New draft", self)
        self.new_action.setObjectName("file.new")
        self.new_action.setShortcuts(QKeySequence.StandardKey.New)
        self.new_action.setEnabled(False)
        self.new_action.triggered.connect(self.new_draft)
        self.save_action = QAction("&Save now", self)
        self.save_action.setObjectName("file.save")
        self.save_action.setShortcuts(QKeySequence.StandardKey.Save)
        self.save_action.setEnabled(False)
        self.save_action.triggered.connect(self._save_now)
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("file.quit")
        quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        if not quit_action.shortcuts():
            # Some platforms (and Qt's offscreen one) define no Quit key: use the usual one.
            quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        quit_action.triggered.connect(self.close)
        self.submit_action = QAction("Su&bmit for review", self)
        self.submit_action.setObjectName("draft.submit")
        self.submit_action.setShortcuts([QKeySequence("Ctrl+Return")])
        self.submit_action.setEnabled(False)
        self.submit_action.triggered.connect(self.submit_for_review)
        # Ctrl+Enter submits on the Write screen and approves on the Review screen.
        self.compose.addAction(self.submit_action)
        self.history_action = QAction("Draft &history…", self)
        self.history_action.setObjectName("draft.history")
        self.history_action.setShortcuts([QKeySequence("Ctrl+H")])
        self.history_action.setEnabled(False)
        self.history_action.triggered.connect(self.open_history)
        self.preferences_action = QAction("&Preferences…", self)
        self.preferences_action.setObjectName("app.preferences")
        self.preferences_action.setShortcuts(QKeySequence.StandardKey.Preferences)
        if not self.preferences_action.shortcuts():
            self.preferences_action.setShortcuts([QKeySequence("Ctrl+,")])
        self.preferences_action.setEnabled(False)
        self.preferences_action.triggered.connect(self.open_preferences)
        for action in (self.new_action, self.save_action, self.submit_action, self.history_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        channels_menu = self.menuBar().addMenu("&Channels")
        for action in self.compose.channel_actions:
            channels_menu.addAction(action)
        channels_menu.addSeparator()
        for action in self.compose.option_actions:
            channels_menu.addAction(action)
        findings_menu = self.menuBar().addMenu("F&indings")
        for action in (
            self.compose.next_finding_action,
            self.compose.previous_finding_action,
            self.compose.apply_suggestion_action,
        ):
            findings_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        self.palette_action = QAction("Command &palette…", self)
        self.palette_action.setObjectName("help.palette")
        self.palette_action.setShortcuts([QKeySequence("Ctrl+K")])
        self.palette_action.triggered.connect(self.open_palette)
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setObjectName("help.shortcuts")
        self.shortcuts_action.setShortcuts([QKeySequence("F1")])
        self.shortcuts_action.triggered.connect(self.open_shortcut_sheet)
        help_menu.addAction(self.palette_action)
        help_menu.addAction(self.shortcuts_action)
        self.dialog: QDialog | None = None

    # -- opening ---------------------------------------------------------------------------

    def attach(self, database: Database) -> None:
        """Use this open database: load the latest draft, or start one."""
        # Imported here, not at the top: SQLAlchemy is loaded by then (start-up speed).
        from postdesk.workflow import people
        from postdesk.workflow.drafts import DraftStore
        from postdesk.workflow.errors import NotAllowed
        from postdesk.workflow.people import ensure_first_person
        from postdesk.workflow.states import Role

        self.drafts_model = DraftListModel()
        self.drafts_view.setModel(self.drafts_model)
        from postdesk.workflow.service import Workflow

        self._database = database
        store = self._store = DraftStore(database.engine, database.current_user)
        self.workflow = Workflow(database.engine, database.current_user)

        def load() -> tuple[DraftRecord, list[DraftSummary]]:
            if database.location.is_sqlite:
                # The embedded database belongs to whoever opens it first.
                ensure_first_person(database.engine, database.current_user)
            with database.engine.connect() as connection:
                person = people.find(connection, database.current_user)
            if person is None or not person.may(Role.AUTHOR):
                raise NotAllowed(f"{database.current_user} does not have the author role")
            draft = store.latest() or store.create()
            return draft, store.summaries()

        self._worker.call(load, self._on_initial_load, self._on_load_failed)

    def _on_initial_load(self, loaded: tuple[DraftRecord, list[DraftSummary]]) -> None:
        draft, summaries = loaded
        self.drafts_model.set_drafts(summaries)
        self._show_draft(draft)
        self._add_side_panels()
        self.new_action.setEnabled(True)
        self.save_action.setEnabled(True)
        self.submit_action.setEnabled(True)
        self.preferences_action.setEnabled(True)
        self.history_action.setEnabled(True)
        self._open_review_screen()
        self._use_mastodon_limits()
        self._start_grammar()
        self._offer_essential()
        self._refresh_sign_offs()
        self._set_status(f"Signed in as {self._store.author if self._store else ''}")

    def _add_side_panels(self) -> None:
        """The preview and the reviewers' comments, beside the findings (after start-up)."""
        if self.preview is not None:
            return
        from postdesk.ui.comments_panel import CommentsPanel
        from postdesk.ui.preview import PostPreview

        self.preview = PostPreview()
        self.compose.add_side_panel(self.preview, "Pre&view")
        self.compose.live.report_ready.connect(self._on_report_for_preview)
        self.comments = CommentsPanel()
        self.compose.add_side_panel(self.comments, "C&omments")
        self.comments.anchor_activated.connect(self._show_commented_words)

    @Slot(object)
    def _on_report_for_preview(self, payload: tuple[str, object]) -> None:
        from postdesk.analysis.channels import Channel

        if self.preview is not None:
            channels = tuple(Channel(c) for c in self.compose.channels())
            as_thread = self.compose.options()[0]
            self.preview.show_preview(
                payload[0], channels, self.compose.live.mastodon, as_thread=as_thread
            )

    def _refresh_comments(self) -> None:
        """The reviewers' comments on this draft, for its author."""
        draft_id, panel = self.autosave.draft_id, self.comments
        if draft_id is None or panel is None or self._database is None:
            return
        workflow = self.workflow

        def load() -> tuple[list[Comment], dict[int, str]]:
            bodies = {r.id: r.body for r in workflow.revisions(draft_id)}
            return workflow.comments(draft_id), bodies

        def show(loaded: tuple[list[Comment], dict[int, str]]) -> None:
            comments, bodies = loaded
            latest = max(bodies) if bodies else None
            self._comment_bodies = bodies
            panel.show_comments(
                bodies[latest] if latest is not None else "",
                comments,
                revision_id=latest,
                revision_bodies=bodies,
            )

        self._worker.call(load, show, self._on_load_failed)

    @Slot(int, int, int)
    def _show_commented_words(self, start: int, end: int, revision_id: int) -> None:
        """Select the words a reviewer commented on, where they are in the text now."""
        from PySide6.QtGui import QTextCursor

        from postdesk.ui.composer import qt_position

        words = self._comment_bodies.get(revision_id, "")[start:end]
        text = self.editor.toPlainText()
        found = text.find(words) if words else -1
        if found < 0:
            self._set_status("Those words are no longer in the text.")
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(qt_position(text, found))
        cursor.setPosition(qt_position(text, found + len(words)), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def _on_load_failed(self, error: BaseException) -> None:
        from postdesk.workflow.errors import NotAllowed

        if isinstance(error, NotAllowed) and self.autosave.draft_id is None:
            # A reviewer or publisher who does not write posts: the other screens work.
            self.editor.setPlaceholderText(f"You cannot write posts here: {error}.")
            self.preferences_action.setEnabled(True)
            self._open_review_screen()
            if self.review is not None:
                self.tabs.setCurrentWidget(self.review)
            self._set_status(f"Signed in as {self._store.author if self._store else ''}")
            return
        logger.error("Could not load drafts: %s", error)
        self._set_status(f"Could not load your drafts: {error}")
        if self.autosave.draft_id is None:
            self.editor.setPlaceholderText(f"PostDesk cannot open your drafts: {error}")

    def _show_draft(self, draft: DraftRecord) -> None:
        assert self._store is not None
        # Track first, so loading the text is not mistaken for an edit.
        self.autosave.track(self._store, draft.id, draft.body, draft.cursor_position)
        self.compose.set_channels(draft.channels)
        self.compose.set_options(draft.as_thread, draft.essential, draft.essential_reason)
        self.editor.setPlainText(draft.body)
        cursor = self.editor.textCursor()
        # Qt positions count UTF-16 units; the last valid one is characterCount() - 1.
        last = self.editor.document().characterCount() - 1
        cursor.setPosition(max(0, min(draft.cursor_position, last)))
        self.editor.setTextCursor(cursor)
        self.autosave.track(
            self._store, draft.id, self.editor.toPlainText(), self.editor.textCursor().position()
        )
        self.editor.setPlaceholderText("Write your post here.")
        self.editor.setReadOnly(False)
        self.editor.ensureCursorVisible()
        self.editor.setFocus()
        self._select_in_list(draft.id)
        self._refresh_comments()
        logger.info("Opened draft %s", draft.id)
        self.draft_loaded.emit(draft.id)

    def _select_in_list(self, draft_id: int) -> None:
        row = self.drafts_model.row_of(draft_id)
        if row is not None:
            self.drafts_view.selectionModel().setCurrentIndex(
                self.drafts_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    # -- drafts ----------------------------------------------------------------------------

    @Slot()
    def new_draft(self) -> None:
        """Save the current draft, then start a new empty one."""
        store = self._store
        if store is None or not self._save_before_switching():
            return

        def create() -> tuple[DraftRecord, list[DraftSummary]]:
            draft = store.create()
            return draft, store.summaries()

        self._worker.call(create, self._on_initial_load, self._on_load_failed)

    @Slot(QModelIndex)
    def _on_draft_chosen(self, index: QModelIndex) -> None:
        store = self._store
        draft_id = self.drafts_model.draft_id_at(index)
        if store is None or draft_id is None or draft_id == self.autosave.draft_id:
            return
        if not self._save_before_switching():
            return

        def load() -> DraftRecord | None:
            return store.get(draft_id)

        self._worker.call(load, self._on_chosen_loaded, self._on_load_failed)

    def _on_chosen_loaded(self, draft: DraftRecord | None) -> None:
        if draft is None:
            self._set_status("That draft no longer exists.")
            self._refresh_list()
            return
        self._show_draft(draft)

    def _open_review_screen(self) -> None:
        if self.review is not None or self._database is None:
            return
        from postdesk.storage.changes import watcher_for
        from postdesk.ui.history import PublishedScreen
        from postdesk.ui.publish_screen import PublishScreen
        from postdesk.ui.review_queue import ReviewScreen

        self.review = ReviewScreen(self._worker)
        self.tabs.addTab(self.review, "&Review queue")
        self.review.attach(self.workflow, watcher_for(self._database.location.url))
        self.publish = PublishScreen(
            self._worker, self._database.engine, self._database.current_user
        )
        self.tabs.addTab(self.publish, "&Publish")
        self.publish.attach(watcher_for(self._database.location.url))
        self.publish.finished.connect(lambda _draft_id: self._refresh_list())
        self.published = PublishedScreen(self._worker, self._database.engine)
        self.tabs.addTab(self.published, "P&ublished")
        self.tabs.tabBar().setAccessibleName("Screens: Write, Review queue, Publish, Published")
        self.tabs.currentChanged.connect(self._on_screen_changed)
        # Every screen exists now: the user's shortcuts, each live on its own screen only.
        # With the dialogs' own actions too (copies, dropped after), so a saved key for
        # one is known, not reported as an unknown action at every start.
        from postdesk.ui.shortcuts import apply_saved_shortcuts

        apply_saved_shortcuts(self._with_dialog_actions(keyed=False)[0])

    @Slot(int)
    def _on_screen_changed(self, index: int) -> None:
        shown = self.tabs.widget(index)
        if shown is self.published and self.published is not None:
            self.published.reload()
        elif shown is self.publish and self.publish is not None:
            self.publish.reload()

    @Slot()
    def open_history(self) -> None:
        """Ctrl+H: the draft's revisions, changes, comments and audit events."""
        from postdesk.ui.history import HistoryDialog

        draft_id = self.autosave.draft_id
        if draft_id is None or self._database is None:
            return
        self.dialog = HistoryDialog(self._worker, self.workflow, draft_id, self)
        self.dialog.open()

    @Slot()
    def submit_for_review(self) -> None:
        """Save, then freeze the text as a revision and send it to the reviewers."""
        draft_id = self.autosave.draft_id
        if draft_id is None or not self._save_before_switching():
            return
        workflow = self.workflow
        self._worker.call(
            lambda: workflow.submit(draft_id), self._on_submitted, self._on_submit_refused
        )

    def _on_submitted(self, revision: Revision) -> None:
        self._set_status(f"Submitted for review as revision {revision.number}")

    def _on_submit_refused(self, error: BaseException) -> None:
        from postdesk.workflow.errors import NotReady

        if isinstance(error, NotReady):
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Not ready for review")
            box.setText("Fix these before submitting:")
            box.setInformativeText("\n".join(f"• {problem}" for problem in error.problems))
            box.setAccessibleName("Not ready for review")
            box.open()
            self.refusal = box
        self._set_status(f"Not submitted: {error}")

    def _offer_essential(self) -> None:
        """Show "Essential" while an election period is on (the rule pack in force says)."""

        def election_period_on() -> bool:
            # Imported here, on the worker: the policy stack is a long import for the
            # GUI thread to wait on.
            from postdesk.analysis.report import default_policy

            return default_policy().election_period_on()

        self._worker.call(
            election_period_on,
            self._on_election_period,
            lambda error: logger.error("Could not read the election periods: %s", error),
        )

    def _on_election_period(self, on: bool) -> None:
        self.compose.show_essential_option(on)

    def _start_grammar(self) -> None:
        """Grammar and spelling as the settings say (LanguageTool, or offline spelling)."""

        def configure() -> GrammarConfig:
            # On the worker: the settings files and the grammar module (with its HTTP
            # client) are disk work the GUI thread should not wait on.
            from postdesk import site_settings
            from postdesk.analysis.grammar import GrammarConfig

            chosen = site_settings.load_layered().settings
            mode = chosen.grammar_mode
            if mode not in ("off", "local", "server"):
                mode = "off"
            if mode == "server" and not chosen.languagetool_url:
                mode = "off"
            return GrammarConfig(mode=mode, server_url=chosen.languagetool_url)  # type: ignore[arg-type]

        self._worker.call(
            configure,
            self.compose.live.start_grammar,
            lambda error: logger.error("Could not start the grammar check: %s", error),
        )

    def _use_mastodon_limits(self) -> None:
        """Count Mastodon as the organisation's own server does (its limits can differ)."""
        if self._database is None:
            return
        engine = self._database.engine

        def load() -> MastodonServer | None:
            from postdesk.publishing.publisher import mastodon_limits

            return mastodon_limits(engine)

        def use(limits: MastodonServer | None) -> None:
            from postdesk.analysis.channels import DEFAULT_MASTODON

            # The account gone: back to the stock server's limits, as the review screen.
            if limits is not None or self.compose.live.mastodon is not None:
                self.compose.live.set_mastodon(limits or DEFAULT_MASTODON)

        self._worker.call(load, use, self._on_load_failed)

    def keyring_writer(self) -> SecretWriter:
        """Where account credentials go: this computer's keyring."""
        from postdesk.publishing.secrets import SecretStore
        from postdesk.ui.settings_dialog import SecretWriter

        store = SecretStore()
        return SecretWriter(store.set, store.has)

    @Slot()
    def open_preferences(self) -> None:
        """Preferences (and channel accounts)."""
        from postdesk.cli_publish import adapters
        from postdesk.ui.settings_dialog import SettingsDialog

        if self._database is None:
            return
        secrets = self.keyring_writer()
        actions, dialogs_own = self._with_dialog_actions()
        dialog = SettingsDialog(
            self._worker,
            self._database.engine,
            self._database.current_user,
            secrets=secrets,
            adapters=adapters,
            actions=actions,
            parent=self,
        )
        for action in dialogs_own:
            action.setParent(dialog)
        dialog.settings_saved.connect(self._on_settings_saved)
        self.dialog = dialog
        dialog.open()

    @Slot(list)
    def _on_settings_saved(self, changed: list[str]) -> None:
        if {"rule_pack_path", "election_periods"} & set(changed):
            from postdesk.analysis.report import default_policy

            default_policy.cache_clear()
            self.compose.live.flush()
            self._offer_essential()
        note = (
            " The team database applies when PostDesk restarts."
            if "database_url" in changed
            else ""
        )
        self._set_status("Preferences saved." + note)
        self._use_mastodon_limits()
        if {"grammar_mode", "languagetool_url"} & set(changed):
            self._start_grammar()

    def all_actions(self) -> list[QAction]:
        """Every action of this window, for the palette, the shortcut sheet and Preferences.

        Not a dialog's own (the comment dialog's Save): it fires only in its dialog, and
        the palette could not run it (`_with_dialog_actions` adds copies where keys are shown).
        """
        return [
            action
            for action in self.findChildren(QAction)
            if not isinstance(parent := action.parent(), QWidget) or parent.window() is self
        ]

    def _with_dialog_actions(self, *, keyed: bool = True) -> tuple[list[QAction], list[QAction]]:
        """This window's actions with copies of its dialogs' own (the comment dialog's
        Save, with the user's keys), so Preferences and the shortcut sheet list them even
        when no such dialog is open; and the copies apart, for the view that shows them to
        keep (`setParent`). A dialog reads the saved keys when it opens. `keyed=False`
        leaves the copies' keys to the caller, which applies the settings to all at once."""
        copies: list[QAction] = []
        if self.review is not None:
            from postdesk.ui.comment_dialog import save_comment_action
            from postdesk.ui.shortcuts import apply_saved_shortcuts

            copies.append(save_comment_action(None))
            if keyed:
                apply_saved_shortcuts(copies, report_unknown=False)
        return [*self.all_actions(), *copies], copies

    @Slot()
    def open_palette(self) -> None:
        """Ctrl+K: find any command by typing part of its name."""
        from postdesk.ui.palette import CommandPalette

        self.dialog = CommandPalette(self.all_actions(), self)
        self.dialog.open()

    @Slot()
    def open_shortcut_sheet(self) -> None:
        """F1: every shortcut in one table."""
        from postdesk.ui.palette import ShortcutSheet

        actions, dialogs_own = self._with_dialog_actions()
        self.dialog = ShortcutSheet(actions, self)
        for action in dialogs_own:
            action.setParent(self.dialog)
        self.dialog.open()

    def _refresh_sign_offs(self) -> None:
        """Show the author's checklist for the saved text (an edit clears the ticks)."""
        draft_id = self.autosave.draft_id
        if draft_id is None or self._database is None:
            return
        workflow = self.workflow

        def load() -> list[ChecklistItem]:
            from postdesk.workflow.checklist import checklist
            from postdesk.workflow.states import Role

            return checklist(workflow, draft_id, Role.AUTHOR)

        self._worker.call(load, self.compose.show_sign_offs, self._on_load_failed)

    @Slot(str)
    def _on_sign_off_ticked(self, item_id: str) -> None:
        draft_id = self.autosave.draft_id
        if draft_id is None or not self._save_before_switching():
            return
        workflow = self.workflow
        self._worker.call(
            lambda: workflow.sign_off(draft_id, item_id),
            lambda _none: self._set_status("Signed off"),
            lambda error: self._set_status(f"Not signed off: {error}"),
        )

    @Slot(bool, bool, str)
    def _on_options_changed(self, as_thread: bool, essential: bool, reason: str) -> None:
        store, draft_id = self._store, self.autosave.draft_id
        if store is None or draft_id is None:
            return
        self._worker.call(
            lambda: store.set_options(
                draft_id, as_thread=as_thread, essential=essential, essential_reason=reason
            ),
            lambda _none: self._set_status("Post options saved"),
            lambda error: self._on_options_refused(draft_id, (as_thread, essential, reason), error),
        )

    def _on_options_refused(
        self, draft_id: int, refused: tuple[bool, bool, str], error: BaseException
    ) -> None:
        """Say so, and show the options as they are stored: a toggle that looks on but is
        not saved would mislead the author and the reviewer."""
        self._set_status(f"Post options not saved: {error}")
        store = self._store
        if store is None:
            return

        def show(draft: DraftRecord | None) -> None:
            # Only if the author has not changed them since: never undo their typing.
            if (
                draft is not None
                and self.autosave.draft_id == draft_id
                and self.compose.options() == refused
            ):
                self.compose.set_options(draft.as_thread, draft.essential, draft.essential_reason)

        self._worker.call(lambda: store.get(draft_id), show, self._on_load_failed)

    @Slot(tuple)
    def _on_channels_changed(self, channels: tuple[str, ...]) -> None:
        store, draft_id = self._store, self.autosave.draft_id
        if store is None or draft_id is None:
            return
        self._worker.call(
            lambda: store.set_channels(draft_id, channels),
            lambda _none: self._set_status("Channels saved"),
            lambda error: self._set_status(f"Channels not saved: {error}"),
        )

    def _save_before_switching(self) -> bool:
        # Queued before whatever follows (a submit, another draft), so it is saved first.
        self.compose.flush_options()
        try:
            self.autosave.save_now()
        except Exception as exc:
            self._set_status(f"Not saved: {exc}. Your text is still here.")
            return False
        return True

    @Slot()
    def _save_now(self) -> None:
        if self._save_before_switching():
            self._set_status("Saved")
            self._refresh_list()

    def _refresh_list(self) -> None:
        store = self._store
        if store is None:
            return
        current = self.autosave.draft_id

        def refreshed(rows: list[DraftSummary]) -> None:
            self.drafts_model.set_drafts(rows)
            if current is not None:
                self._select_in_list(current)

        self._worker.call(store.summaries, refreshed, self._on_load_failed)

    @Slot(object)
    def _on_saved(self, when: datetime) -> None:
        self._set_status(f"Saved at {when.astimezone():%H:%M:%S}")
        self._refresh_sign_offs()
        if self.autosave.draft_id is not None:
            self.draft_saved.emit(self.autosave.draft_id)
        self._refresh_list()

    @Slot(str)
    def _on_save_failed(self, reason: str) -> None:
        self._set_status(f"Not saved yet ({reason}). Your text is safe here; retrying.")

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save before closing; if that fails, keep a recovery copy. Never lose text."""
        if self.review is not None:
            self.review.shutdown()
        if self.publish is not None:
            self.publish.shutdown()
        self.compose.live.shutdown()
        if self.preview is not None:
            self.preview.shutdown()
        # Queued on the database worker, which finishes its queue before it stops.
        self.compose.flush_options()
        if self.autosave.has_unsaved_changes():
            try:
                self.autosave.save_now()
            except Exception as exc:
                self._rescue(exc)
        event.accept()

    def _rescue(self, error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from postdesk.recovery import write_recovery_copy

        text = self.editor.toPlainText()
        logger.error("Final save failed (%s); writing a recovery copy", error)
        try:
            path = write_recovery_copy(self.autosave.draft_id, text)
        except OSError as exc:
            QMessageBox.critical(
                self,
                "Your draft could not be saved",
                f"PostDesk could not save your draft ({error}) or write a recovery copy ({exc}).",
            )
            return
        QMessageBox.warning(
            self,
            "Your draft was saved to a recovery file",
            f"PostDesk could not save to its database ({error}).\n\n"
            f"Your text is safe in this file:\n{path}",
        )


def _labelled(text: str, widget: QWidget) -> QWidget:
    """A widget with a visible label that is also its keyboard shortcut (buddy)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    label = QLabel(text)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box
