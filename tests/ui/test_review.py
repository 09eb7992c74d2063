"""The reviewer's screen: the live queue, anchored comments and decisions by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from postdesk.storage.changes import watcher_for
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.comment_dialog import SAVE_COMMENT_ID
from postdesk.ui.composer import qt_position
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.review_queue import ReviewScreen
from postdesk.ui.review_text import code_point_index
from postdesk.ui.shortcuts import Scope, conflicts, current_keys, default_keys, scope_of
from postdesk.workflow.people import People
from postdesk.workflow.service import Comment, Workflow
from postdesk.workflow.states import Role, State
from tests.conftest import Team
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


# -- anchored comments and decisions by keyboard -------------------------------------------


@pytest.fixture
def people(sqlite_location: DatabaseLocation) -> Iterator[Team]:
    """Alice writes; Bob reviews; Carol does both (to meet the four-eyes rule herself)."""
    team = Team(sqlite_location)
    team.add("alice", "author")
    team.add("bob", "reviewer")
    team.add("carol", "author", "reviewer")
    yield team
    team.close()


def submit(team: Team, body: str, author: str = "alice") -> int:
    """A draft by `author`, submitted for review; its id."""
    workflow = team.workflow(author)
    draft = workflow.create_draft(body, ["mastodon"])
    workflow.submit(draft.id)
    return draft.id


def open_first_draft(qtbot: QtBot, screen: ReviewScreen, workflow: Workflow) -> int:
    """Show the screen as `workflow`'s person, pick the first draft; the revision id."""
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    with qtbot.waitSignal(screen.queue_loaded, timeout=5000):
        screen.attach(workflow)
    with qtbot.waitSignal(screen.revision_shown, timeout=5000) as shown:
        screen.table.selectRow(0)
    revision_id: int = shown.args[0]
    return revision_id


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key, *modifiers: Qt.KeyboardModifier) -> None:
    combined = Qt.KeyboardModifier.NoModifier
    for modifier in modifiers:
        combined |= modifier
    qtbot.keyClick(widget, key, combined)


CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)


def write_anchored_comment(qtbot: QtBot, screen: ReviewScreen, text: str) -> Comment:
    """Ctrl+Alt+M, type the comment, Ctrl+Enter: the comment as saved."""
    press(qtbot, screen.revision_view, Qt.Key.Key_M, CTRL, ALT)
    dialog = screen.comment_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    type_text(dialog.editor, text)
    with qtbot.waitSignal(screen.comment_saved, timeout=5000) as saved:
        press(qtbot, dialog.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    # A window manager gives the screen back its activation; the offscreen platform does not.
    with qtbot.waitActive(screen):
        screen.activateWindow()
    comment: Comment = saved.args[0]
    return comment


def test_a_phrase_selected_with_shift_and_arrows_after_emoji_gets_an_anchored_comment(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    body = "🎉👩‍👩‍👧 Libraries in Leeds open late on Thursdays."
    draft_id = submit(people, body)
    revision_id = open_first_draft(qtbot, review_screen, people.workflow("bob"))
    view = review_screen.revision_view
    view.setFocus()
    press(qtbot, view, Qt.Key.Key_Home, CTRL)
    for _ in range(3):  # past 🎉, the family (one cluster of five code points) and a space
        press(qtbot, view, Qt.Key.Key_Right)
    for _ in range(len("Libraries")):
        press(qtbot, view, Qt.Key.Key_Right, SHIFT)
    assert view.textCursor().selectedText() == "Libraries"

    saved = write_anchored_comment(qtbot, review_screen, "Which libraries?")

    start = body.index("Libraries")
    # In UTF-16 units it starts 4 later (four astral emoji): what a careless conversion stores.
    assert len(body[:start].encode("utf-16-le")) // 2 == start + 4
    stored = people.workflow("bob").comments(draft_id)
    assert [(c.body, c.revision_id, c.anchor) for c in stored] == [
        ("Which libraries?", revision_id, (start, start + len("Libraries")))
    ]
    assert saved.anchor == stored[0].anchor
    qtbot.waitUntil(lambda: len(review_screen.comments_panel.comments()) == 1, timeout=5000)
    assert "“Libraries”" in review_screen.comments_panel.list.item(0).text()
    assert "Comment saved on “Libraries”" in review_screen.message.text()


def test_a_span_set_by_the_text_cursor_maps_to_the_body_despite_crlf_rtl_and_emoji(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    body = "سلام\r\nParking 🅿️ e\u0301\u0301 \u202eabc\u202c is free\u2028after 6pm 👨‍👩‍👧‍👦."
    draft_id = submit(people, body)
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    view = review_screen.revision_view
    # One position per UTF-16 unit of the body, so every later position lines up.
    assert view.document().characterCount() - 1 == len(body.encode("utf-16-le")) // 2
    for phrase in ("free", "6pm 👨‍👩‍👧‍👦"):
        found = view.document().find(phrase)  # as a mouse drag over the words would
        assert not found.isNull()
        view.setTextCursor(found)
        write_anchored_comment(qtbot, review_screen, f"About {phrase}")
    start, end = body.index("free"), body.index("6pm")
    assert [c.anchor for c in people.workflow("bob").comments(draft_id)] == [
        (start, start + 4),
        (end, end + len("6pm 👨‍👩‍👧‍👦")),
    ]


def test_commenting_with_nothing_selected_says_what_to_do_and_saves_nothing(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Bins are collected on Tuesdays.")
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    review_screen.revision_view.setFocus()
    press(qtbot, review_screen.revision_view, Qt.Key.Key_M, CTRL, ALT)
    assert "Nothing is selected" in review_screen.message.text()
    assert "Ctrl+Alt+M" in review_screen.message.text()
    assert review_screen.comment_dialog is None
    assert people.workflow("bob").comments(draft_id) == []


def test_a_live_reload_keeps_the_words_the_reviewer_selected(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    submit(people, "Bins are collected on Tuesdays.")
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    view = review_screen.revision_view
    view.setTextCursor(view.document().find("Tuesdays"))
    submit(people, "Parks close at dusk in winter.")  # someone else's submission arrives
    with qtbot.waitSignal(review_screen.comments_shown, timeout=5000):
        review_screen.reload()
    assert review_screen.model.rowCount() == 2
    assert view.textCursor().selectedText() == "Tuesdays"


def test_a_refused_anchored_comment_keeps_its_dialog_and_text(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Bins are collected on Tuesdays.")
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    review_screen.revision_view.setTextCursor(review_screen.revision_view.document().find("Bins"))
    review_screen.comment_on_selection()
    dialog = review_screen.comment_dialog
    assert dialog is not None
    assert dialog.quote.text() == "“Bins”"
    type_text(dialog.editor, "   ")
    dialog.request_save()
    qtbot.waitUntil(lambda: "write the comment" in dialog.status.text(), timeout=5000)
    assert dialog.isVisible()
    assert dialog.editor.toPlainText() == "   "
    type_text(dialog.editor, "Which bins?")
    with qtbot.waitSignal(review_screen.comment_saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [c.body for c in people.workflow("bob").comments(draft_id)] == ["   Which bins?"]


def test_the_comment_dialog_saves_with_the_keys_the_user_chose_and_not_the_old_ones(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen, caplog: pytest.LogCaptureFixture
) -> None:
    from postdesk import settings

    # The user's keys for the dialog's Save, and one for a window action it does not have.
    overrides = {SAVE_COMMENT_ID: ["Ctrl+S"], "file.new": ["Ctrl+Shift+N"]}
    settings.save(settings.Settings(grammar_mode="off", shortcuts=overrides))
    draft_id = submit(people, "Bins are collected on Tuesdays.")
    bob = people.workflow("bob")
    open_first_draft(qtbot, review_screen, bob)
    view = review_screen.revision_view
    view.setTextCursor(view.document().find("Bins"))
    with caplog.at_level("WARNING", logger="postdesk.ui.shortcuts"):
        press(qtbot, view, Qt.Key.Key_M, CTRL, ALT)
    assert caplog.records == []  # the window's own actions are not the dialog's business
    dialog = review_screen.comment_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    save = dialog.save_action
    assert [a.objectName() for a in dialog.actions()] == [SAVE_COMMENT_ID]
    assert scope_of(SAVE_COMMENT_ID) is Scope.REVIEW
    assert default_keys(save) == ["Ctrl+Return"]
    assert current_keys(save) == ["Ctrl+S"]
    native = QKeySequence("Ctrl+S").toString(QKeySequence.SequenceFormat.NativeText)
    assert native in dialog.save_button.toolTip()
    # Ctrl+Return saves in the dialog and approves on the screen: different windows.
    assert conflicts(review_screen.findChildren(QAction)) == []

    type_text(dialog.editor, "Which bins?")
    with qtbot.assertNotEmitted(dialog.save_requested, wait=100):
        press(qtbot, dialog.editor, Qt.Key.Key_Return, CTRL)  # the old keys: nothing
    assert dialog.isVisible()
    with qtbot.waitSignal(review_screen.comment_saved, timeout=5000):
        press(qtbot, dialog.editor, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert [c.body.strip() for c in bob.comments(draft_id)] == ["Which bins?"]
    assert bob.get(draft_id).state is State.IN_REVIEW  # nor did Ctrl+Return approve
    # Closed, the dialog's Save cannot run from a list of every action.
    assert not save.isEnabled()
    with qtbot.assertNotEmitted(dialog.save_requested, wait=100):
        save.trigger()


def test_the_comment_dialog_saves_with_ctrl_and_the_keypad_enter_by_default(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Bins are collected on Tuesdays.")
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    view = review_screen.revision_view
    view.setTextCursor(view.document().find("Tuesdays"))
    review_screen.comment_on_selection()
    dialog = review_screen.comment_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    type_text(dialog.editor, "Every Tuesday?")
    with qtbot.waitSignal(review_screen.comment_saved, timeout=5000):
        press(qtbot, dialog.editor, Qt.Key.Key_Enter, CTRL, Qt.KeyboardModifier.KeypadModifier)
    assert [c.body for c in people.workflow("bob").comments(draft_id)] == ["Every Tuesday?"]


def test_choosing_an_anchored_comment_highlights_its_words(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    body = "🎉👩‍👩‍👧 Libraries open late on Thursdays."
    draft_id = submit(people, body)
    bob = people.workflow("bob")
    revision_id = bob.get(draft_id).current_revision_id
    start = body.index("late")
    bob.comment(draft_id, "Until when?", revision_id=revision_id, anchor=(start, start + 4))
    bob.comment(draft_id, "Nice news.")
    with qtbot.waitSignal(review_screen.comments_shown, timeout=5000):
        open_first_draft(qtbot, review_screen, bob)
    panel = review_screen.comments_panel
    panel.list.setFocus()
    panel.list.setCurrentRow(0)  # the newest: the general one
    assert review_screen.revision_view.extraSelections() == []
    press(qtbot, panel.list, Qt.Key.Key_Down)
    (highlight,) = review_screen.revision_view.extraSelections()
    assert highlight.cursor.selectedText() == "late"
    assert highlight.format.fontUnderline()  # marked by shape, not colour alone
    assert "“late”" in review_screen.anchor_note.text()
    assert panel.list.hasFocus()  # highlighting does not take the reviewer's place

    press(qtbot, panel.list, Qt.Key.Key_Return)  # go to the words
    assert review_screen.revision_view.hasFocus()
    assert review_screen.revision_view.textCursor().selectedText() == "late"


@pytest.mark.parametrize(
    ("keys", "comment", "state", "said"),
    [
        ((CTRL,), "", State.APPROVED, "approved"),
        ((CTRL, SHIFT), "Say which libraries.", State.CHANGES_REQUESTED, "sent back"),
        ((CTRL, ALT), "Not for this account.", State.REJECTED, "rejected"),
    ],
    ids=["approve", "request-changes", "reject"],
)
def test_each_decision_is_made_by_its_shortcut_on_the_revision_shown(
    qtbot: QtBot,
    people: Team,
    review_screen: ReviewScreen,
    keys: tuple[Qt.KeyboardModifier, ...],
    comment: str,
    state: State,
    said: str,
) -> None:
    draft_id = submit(people, "Libraries open late on Thursdays from March.")
    bob = people.workflow("bob")
    revision_id = open_first_draft(qtbot, review_screen, bob)
    review_screen.comment.setFocus()
    type_text(review_screen.comment, comment)
    with qtbot.waitSignal(review_screen.decided, timeout=5000):
        press(qtbot, review_screen.comment, Qt.Key.Key_Return, *keys)
    assert bob.get(draft_id).state is state
    assert f"revision 1 {said}" in review_screen.message.text()
    assert review_screen.comment.toPlainText() == ""
    if comment:
        assert [(c.body, c.revision_id) for c in bob.comments(draft_id)] == [(comment, revision_id)]
    qtbot.waitUntil(lambda: review_screen.model.rowCount() == 0, timeout=5000)
    assert not review_screen.approve_action.isEnabled()


def test_deciding_on_ones_own_draft_is_refused_and_the_comment_kept(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Parks close at dusk in winter.", author="carol")
    carol = people.workflow("carol")
    open_first_draft(qtbot, review_screen, carol)
    review_screen.comment.setFocus()
    type_text(review_screen.comment, "Looks right to me.")
    press(qtbot, review_screen.comment, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "Not approved" in review_screen.message.text(), timeout=5000)
    assert "four-eyes" in review_screen.message.text()
    assert "Your comment is still in the box" in review_screen.message.text()
    assert review_screen.comment.toPlainText() == "Looks right to me."
    assert review_screen.approve_button.isEnabled()
    assert carol.get(draft_id).state is State.IN_REVIEW


def test_sending_back_without_a_comment_is_refused_with_what_to_do(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Parks close at dusk in winter.")
    bob = people.workflow("bob")
    open_first_draft(qtbot, review_screen, bob)
    review_screen.table.setFocus()
    press(qtbot, review_screen.table, Qt.Key.Key_Return, CTRL, SHIFT)
    qtbot.waitUntil(lambda: "Not sent back" in review_screen.message.text(), timeout=5000)
    assert "say why in a comment" in review_screen.message.text()
    assert review_screen.comment.hasFocus()
    assert bob.get(draft_id).state is State.IN_REVIEW


def test_a_decision_on_a_stale_revision_is_refused_and_the_comment_kept(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Parks close at dusk in winter.")
    bob = people.workflow("bob")
    open_first_draft(qtbot, review_screen, bob)
    people.workflow("alice").save_text(draft_id, "Parks close at 4pm in winter.")
    review_screen.comment.setPlainText("Which parks?")
    review_screen.comment.setFocus()
    press(qtbot, review_screen.comment, Qt.Key.Key_Return, CTRL, SHIFT)
    qtbot.waitUntil(lambda: "Not sent back" in review_screen.message.text(), timeout=5000)
    assert "no longer the one under review" in review_screen.message.text()
    assert review_screen.comment.toPlainText() == "Which parks?"
    assert bob.get(draft_id).state is State.DRAFT


def test_what_changed_since_the_reviewer_looked_is_shown_beside_the_text(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    draft_id = submit(people, "Parks close at dusk in winter.")
    submit(people, "Bins are collected on Tuesdays.")
    bob = people.workflow("bob")
    open_first_draft(qtbot, review_screen, bob)  # the parks, waiting longest
    assert "not looked at this draft before" in review_screen.diff_view.toPlainText()
    review_screen.comment.setPlainText("Give a time.")
    with qtbot.waitSignal(review_screen.decided, timeout=5000):
        review_screen.request_changes_action.trigger()
    qtbot.waitUntil(lambda: review_screen.model.rowCount() == 1, timeout=5000)
    alice = people.workflow("alice")
    alice.save_text(draft_id, "Parks close at 4pm in winter.")
    alice.submit(draft_id)
    with qtbot.waitSignal(review_screen.queue_loaded, timeout=5000):
        review_screen.reload()
    with qtbot.waitSignal(review_screen.revision_shown, timeout=5000):
        review_screen.table.selectRow(1)  # resubmitted, so now after the bins
    changes = review_screen.diff_view.toPlainText()
    assert "[removed: dusk]" in changes
    assert "[added: 4pm]" in changes
    assert review_screen.revision_view.toPlainText() == "Parks close at 4pm in winter."

    # Looking at another draft and coming back, or the queue reloading around the
    # revision, keeps what changed on screen (looking marked it seen in the database).
    with qtbot.waitSignal(review_screen.revision_shown, timeout=5000):
        review_screen.table.selectRow(0)
    assert "not looked at this draft before" in review_screen.diff_view.toPlainText()
    with qtbot.waitSignal(review_screen.revision_shown, timeout=5000):
        review_screen.table.selectRow(1)
    assert "[added: 4pm]" in review_screen.diff_view.toPlainText()
    with qtbot.waitSignal(review_screen.comments_shown, timeout=5000):
        review_screen.reload()
    assert "[added: 4pm]" in review_screen.diff_view.toPlainText()
    assert review_screen.shown_revision is not None
    assert review_screen.shown_revision.number == 2


def test_decisions_are_named_actions_on_buttons_that_show_their_shortcuts(
    review_screen: ReviewScreen,
) -> None:
    expected = {
        "review.comment_selection": (review_screen.comment_button, "Ctrl+Alt+M"),
        "review.approve": (review_screen.approve_button, "Ctrl+Return"),
        "review.request_changes": (review_screen.changes_button, "Ctrl+Shift+Return"),
        "review.reject": (review_screen.reject_button, "Ctrl+Alt+Return"),
    }
    actions = {a.objectName(): a for a in review_screen.actions()}
    assert set(actions) == set(expected)
    for name, (button, keys) in expected.items():
        action = actions[name]
        portable = [
            k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()
        ]
        assert portable == [keys]
        assert button.text() == action.text()
        native = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
        assert native in button.toolTip()
        assert not action.isEnabled()  # nothing to decide on yet
        assert not button.isEnabled()


def test_the_review_screen_and_comment_dialog_name_every_control(
    qtbot: QtBot, people: Team, review_screen: ReviewScreen
) -> None:
    submit(people, "Bins are collected on Tuesdays.")
    open_first_draft(qtbot, review_screen, people.workflow("bob"))
    review_screen.revision_view.setTextCursor(review_screen.revision_view.document().find("Bins"))
    review_screen.comment_on_selection()
    dialog = review_screen.comment_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    for top in (review_screen, dialog):
        unnamed = [
            type(w).__name__
            for w in top.findChildren(QWidget)
            if w.focusPolicy() != Qt.FocusPolicy.NoFocus
            and w.isVisibleTo(top)
            and not w.accessibleName()
            and type(w).__name__ not in ("QCheckBox", "QPushButton")  # named by their text
        ]
        assert unnamed == []
    dialog.reject()


@given(st.text(max_size=60))
def test_code_point_offsets_and_qt_positions_convert_both_ways(text: str) -> None:
    for index in range(len(text) + 1):
        assert code_point_index(text, qt_position(text, index)) == index
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:  # a position between the two halves of a surrogate pair
            inside = qt_position(text, index) + 1
            assert code_point_index(text, inside) == index
            assert code_point_index(text, inside, round_up=True) == index + 1
