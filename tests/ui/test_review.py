"""Submitting from the composer, and the reviewer's queue updating by itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from postdesk.storage.changes import watcher_for
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.review_queue import ReviewScreen
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role, State
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text


@pytest.fixture
def review_screen(qtbot: QtBot) -> Iterator[ReviewScreen]:
    worker = DatabaseWorker()
    screen = ReviewScreen(worker)
    qtbot.addWidget(screen)
    yield screen
    screen.shutdown()
    worker.shutdown()


def test_ctrl_enter_submits_and_a_reviewer_sends_it_back_with_a_comment(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    review_screen: ReviewScreen,
) -> None:
    window = start_app(sqlite_location).window
    database = open_for_check(sqlite_location)
    People(database.engine, database.current_user).add("bob", [Role.REVIEWER])
    with qtbot.waitSignal(window.draft_saved, timeout=5000):
        type_text(window.editor, "Libraries open late on Thursdays from March.")
    checklist = window.compose
    qtbot.waitUntil(lambda: checklist.sign_off_box("facts-checked") is not None, timeout=5000)
    for item in ("facts-checked", "alt-text", "image-consent"):
        box = checklist.sign_off_box(item)
        if box is not None and box.isEnabled():
            box.setChecked(True)  # as a click or Space would
            qtbot.waitUntil(lambda: window.status.text() == "Signed off", timeout=5000)
            window.status.setText("")
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Submitted for review" in window.status.text(), timeout=5000)

    review_screen.show()
    with qtbot.waitSignal(review_screen.queue_loaded, timeout=5000) as loaded:
        review_screen.attach(Workflow(database.engine, "bob"))
    assert loaded.args == [1]
    review_screen.table.selectRow(0)
    qtbot.waitUntil(lambda: review_screen.approve_button.isEnabled(), timeout=5000)
    assert "Libraries open late on Thursdays" in review_screen.revision_view.toPlainText()
    review_screen.comment.setPlainText("Which libraries?")
    with qtbot.waitSignal(review_screen.decided, timeout=5000):
        qtbot.mouseClick(review_screen.changes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review_screen.model.rowCount() == 0, timeout=5000)
    draft_id = window.autosave.draft_id
    assert draft_id is not None
    view = Workflow(database.engine, "bob").get(draft_id)
    assert view.state is State.CHANGES_REQUESTED
    database.dispose()

    unnamed = [
        type(w).__name__
        for w in review_screen.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(review_screen)
        and not w.accessibleName()
        and type(w).__name__ not in ("QCheckBox", "QPushButton")  # named by their own text
    ]
    assert unnamed == []


def test_a_submission_elsewhere_appears_in_the_queue_by_itself(
    qtbot: QtBot, sqlite_location: DatabaseLocation, review_screen: ReviewScreen
) -> None:
    database = open_for_check(sqlite_location)
    people = People(database.engine, "alice")
    people.add("alice", [Role.AUTHOR])
    people.add("bob", [Role.REVIEWER])
    with qtbot.waitSignal(review_screen.queue_loaded, timeout=5000):
        review_screen.attach(Workflow(database.engine, "bob"), watcher_for(sqlite_location.url))
    assert review_screen.model.rowCount() == 0
    alice = Workflow(database.engine, "alice", sign_off_items=lambda _role, _text: ())
    draft = alice.create_draft("Park run cancelled this Saturday.", ["x"])
    with qtbot.waitSignal(
        review_screen.queue_loaded, timeout=3000, check_params_cb=lambda n: n == 1
    ):
        alice.submit(draft.id)
    database.dispose()


def test_submitting_a_post_that_does_not_fit_lists_what_to_fix(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    window.editor.setPlainText("Roadworks. " * 30)  # 330 characters: too long for X
    window.submit_for_review()
    qtbot.waitUntil(lambda: window.refusal is not None and window.refusal.isVisible(), timeout=5000)
    assert window.refusal is not None
    assert "Too long for X" in window.refusal.informativeText()
    window.refusal.close()
