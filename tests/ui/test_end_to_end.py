"""A post's whole life, driven as the people would drive it: keys, ticks and clicks.

An author writes in the real main window, sees the counter change, fixes a block finding
and ticks their sign-offs; a reviewer (a second person, on their own review screen) asks
for changes with a comment anchored to the words they selected; the author edits and
resubmits; the reviewer ticks their own checklist and approves; a publisher publishes to
the local Mastodon server (mastodon-mock) with a token from the real Secret Service. The
audit trail shows every step, and its hash chain verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring.backend
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.publishing.adapter import Account, Platform
from postdesk.publishing.mastodon import MastodonAdapter
from postdesk.publishing.publisher import add_account
from postdesk.publishing.secrets import SecretStore
from postdesk.storage.changes import watcher_for
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.main_window import MainWindow
from postdesk.ui.publish_screen import PublishScreen
from postdesk.ui.review_queue import ReviewScreen
from postdesk.workflow import audit
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role, State
from tests.publishing.mastodon_peer import MastodonPeer, MastodonUser
from tests.publishing.test_secrets import secret_service
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text

__all__ = ["secret_service"]  # the fixture

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
# Pasted from a "fancy text" site: mathematical bold letters, which screen readers garble.
FANCY = "\U0001d41f\U0001d425\U0001d42e"  # "flu" in mathematical bold
PASTED = f"Free {FANCY} jabs for over-65s at the town hall this Saturday, 9am to 1pm."
FIXED = "Free flu jabs for over-65s at the town hall this Saturday, 9am to 1pm."
FINAL = "Free flu jabs for over-65s at Ryde Town Hall this Saturday, 9am to 1pm."


def _activate(qtbot: QtBot, widget: QWidget) -> None:
    """Bring a person's window to the front, as clicking on it would."""
    window = widget.window()
    if window.isActiveWindow():
        return
    with qtbot.waitActive(window):
        window.activateWindow()


def _tick_all(
    qtbot: QtBot, box_for: Callable[[str], QCheckBox | None], items: list[str], status: QLabel
) -> None:
    """Tick each item from the keyboard (focus, Space) and wait until it is recorded."""
    for item in items:

        def ready(item: str = item) -> bool:
            box = box_for(item)
            return box is not None and box.isEnabled()

        qtbot.waitUntil(ready, timeout=5000)
        box = box_for(item)
        assert box is not None
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "Signed off" in status.text(), timeout=5000)
        status.setText("")


@pytest.fixture
def reviewer_screen(qtbot: QtBot) -> Iterator[tuple[ReviewScreen, DatabaseWorker]]:
    worker = DatabaseWorker()
    screen = ReviewScreen(worker)
    qtbot.addWidget(screen)
    screen.resize(1100, 760)
    yield screen, worker
    screen.shutdown()
    worker.shutdown()


def test_draft_review_changes_approve_and_publish_with_every_step_audited(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    reviewer_screen: tuple[ReviewScreen, DatabaseWorker],
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    secret_service: keyring.backend.KeyringBackend,
) -> None:
    database = open_for_check(sqlite_location)
    me = database.current_user
    people = People(database.engine, me)
    people.add(me, [Role.ADMIN, Role.AUTHOR])
    people.add("bob", [Role.REVIEWER])
    people.add("pat", [Role.PUBLISHER])
    store = SecretStore(secret_service)
    account = Account(Platform.MASTODON, mastodon_user.handle, mastodon_peer.base_url)
    add_account(database.engine, "pat", account, mastodon_user.token, MastodonAdapter(), store.set)

    try:
        # -- the author writes --------------------------------------------------------------
        window: MainWindow = start_app(sqlite_location).window
        _activate(qtbot, window)
        editor = window.editor
        editor.setFocus()
        # Only Mastodon: Ctrl+1 and Ctrl+2 switch X and Bluesky off.
        qtbot.keyClick(editor, Qt.Key.Key_1, CTRL)
        qtbot.keyClick(editor, Qt.Key.Key_2, CTRL)
        assert window.compose.channels() == ("mastodon",)
        counter = window.compose.counters.label_for(Channel.MASTODON)
        assert counter is not None
        before = counter.text()
        QApplication.clipboard().setText(PASTED)
        qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)
        assert editor.toPlainText() == PASTED
        qtbot.waitUntil(lambda: counter.text() != before, timeout=2000)
        assert f"{len(PASTED)}/500" in counter.text()

        # F8 goes to the block finding; Ctrl+. applies its suggestion.
        with qtbot.waitSignal(window.compose.report_shown, timeout=5000):
            pass
        qtbot.waitUntil(
            lambda: any(f.rule == "fancy-text" for f in window.compose.findings.findings),
            timeout=5000,
        )
        qtbot.keyClick(editor, Qt.Key.Key_Home, CTRL)
        qtbot.keyClick(editor, Qt.Key.Key_F8)
        assert editor.textCursor().selectedText() == FANCY
        qtbot.keyClick(editor, Qt.Key.Key_Period, CTRL)
        assert editor.toPlainText() == FIXED
        qtbot.waitUntil(
            lambda: not any(f.rule == "fancy-text" for f in window.compose.findings.findings),
            timeout=5000,
        )
        with qtbot.waitSignal(window.draft_saved, timeout=5000):
            pass

        compose = window.compose
        qtbot.waitUntil(lambda: compose.sign_off_box("facts-checked") is not None, timeout=5000)
        author_items = ["facts-checked", "alt-text", "image-consent"]
        _tick_all(qtbot, compose.sign_off_box, author_items, window.status)
        editor.setFocus()
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: "Submitted for review" in window.status.text(), timeout=5000)
        draft_id = window.autosave.draft_id
        assert draft_id is not None

        # -- the reviewer asks for changes, on the words they select -------------------------
        review, _worker = reviewer_screen
        review.show()
        _activate(qtbot, review)
        with qtbot.waitSignal(review.queue_loaded, timeout=5000) as loaded:
            review.attach(Workflow(database.engine, "bob"), watcher_for(sqlite_location.url))
        assert loaded.args == [1]
        with qtbot.waitSignal(review.revision_shown, timeout=5000):
            review.table.selectRow(0)
        assert review.revision_view.toPlainText() == FIXED
        found = review.revision_view.document().find("the town hall")
        assert not found.isNull()
        review.revision_view.setTextCursor(found)
        review.revision_view.setFocus()
        qtbot.keyClick(review.revision_view, Qt.Key.Key_M, CTRL | ALT)
        dialog = review.comment_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible, timeout=2000)
        type_text(dialog.editor, "Which hall? Name it, please.")
        with qtbot.waitSignal(review.comment_saved, timeout=5000) as saved:
            qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, CTRL)
        anchored = saved.args[0]
        assert FIXED[anchored.anchor[0] : anchored.anchor[1]] == "the town hall"
        _activate(qtbot, review)
        review.comment.setFocus()
        type_text(review.comment, "Nearly there: see my comment on the place.")
        with qtbot.waitSignal(review.decided, timeout=5000):
            qtbot.keyClick(review.comment, Qt.Key.Key_Return, CTRL | SHIFT)
        bob = Workflow(database.engine, "bob")
        assert bob.get(draft_id).state is State.CHANGES_REQUESTED

        # -- the author edits and resubmits ------------------------------------------------
        _activate(qtbot, window)
        cursor = editor.document().find("the town hall")
        assert not cursor.isNull()
        editor.setTextCursor(cursor)
        editor.setFocus()
        with qtbot.waitSignal(window.draft_saved, timeout=5000):
            type_text(editor, "Ryde Town Hall")
        assert editor.toPlainText() == FINAL
        # The edit voided the ticks: they are back, unticked, for the new text.
        qtbot.waitUntil(
            lambda: all(
                (box := compose.sign_off_box(i)) is not None and box.isEnabled()
                for i in author_items
            ),
            timeout=5000,
        )
        _tick_all(qtbot, compose.sign_off_box, author_items, window.status)
        editor.setFocus()
        window.status.setText("")
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: "revision 2" in window.status.text(), timeout=5000)

        # -- the reviewer ticks their checklist and approves -----------------------------------
        _activate(qtbot, review)
        qtbot.waitUntil(lambda: review.model.rowCount() == 1, timeout=5000)  # live update
        with qtbot.waitSignal(review.revision_shown, timeout=5000):
            review.table.selectRow(0)
        assert review.revision_view.toPlainText() == FINAL
        qtbot.waitUntil(lambda: bool(review.checklist.outstanding()), timeout=5000)
        reviewer_items = review.checklist.outstanding()
        assert {"politically-impartial", "legal-risk"} <= set(reviewer_items)
        _tick_all(qtbot, review.checklist.box, reviewer_items, review.message)
        review.comment.setFocus()
        with qtbot.waitSignal(review.decided, timeout=5000):
            qtbot.keyClick(review.comment, Qt.Key.Key_Return, CTRL)
        assert bob.get(draft_id).state is State.APPROVED

        # -- the publisher publishes ---------------------------------------------------------
        publisher_worker = DatabaseWorker()
        publish = PublishScreen(publisher_worker, database.engine, "pat")
        qtbot.addWidget(publish)
        publish.show()
        _activate(qtbot, publish)
        with qtbot.waitSignal(publish.plan_shown, timeout=10_000):
            publish.attach()
        assert publish.text_view.toPlainText() == FINAL
        assert publish.channel_status("mastodon") == "ready"
        publish.drafts_table.setFocus()
        qtbot.keyClick(publish.drafts_table, Qt.Key.Key_P, CTRL | SHIFT)
        box = publish.confirm_box
        assert box is not None
        default = box.defaultButton()
        assert default is not None
        with qtbot.waitSignal(publish.finished, timeout=30_000):
            qtbot.keyClick(default, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: publish.channel_status("mastodon") == "published", timeout=5000)
        publish.shutdown()
        publisher_worker.shutdown()

        answer = mastodon_peer.http.get(
            f"{mastodon_peer.base_url}/api/v1/accounts/{mastodon_user.account_id}/statuses",
            headers={"Authorization": f"Bearer {mastodon_user.token}"},
        ).json()
        assert [s["content"] for s in answer] == [f"<p>{FINAL}</p>"]
        assert bob.get(draft_id).state is State.PUBLISHED

        # -- the audit trail shows every step ----------------------------------------------
        events = [(e.event, e.actor) for e in audit.events(database.engine, draft_id=draft_id)]
        expected = [
            ("sign_off_ticked", me),
            ("submitted", me),
            ("commented", "bob"),
            ("changes_requested", "bob"),
            ("edited", me),
            ("sign_off_ticked", me),
            ("submitted", me),
            ("sign_off_ticked", "bob"),
            ("approved", "bob"),
            ("publish_attempted", "pat"),
            ("publish_try", "pat"),
            ("published_to_channel", "pat"),
            ("published", "pat"),
        ]
        remaining = iter(events)
        missing = [step for step in expected if step not in remaining]  # in this order
        assert missing == [], events
        assert audit.verify(database.engine).ok
    finally:
        store.delete(account.secret_key)
        database.dispose()
