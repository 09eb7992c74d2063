"""The shortcut registry: defaults, the user's overrides, and no two actions on one key."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow, QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from postdesk.ui.main_window import MainWindow
from postdesk.ui.shortcuts import (
    Keymap,
    Scope,
    action_id,
    apply_saved_shortcuts,
    apply_shortcuts,
    conflicts,
    current_keys,
    default_keys,
    normalised,
    scope_of,
    typing_key_reason,
)
from tests.ui.conftest import StartApp


def assert_no_conflicts(actions: Iterable[QAction]) -> None:
    """The check the real window must pass; it fails, naming both actions, on a clash."""
    found = conflicts(actions)
    assert found == [], "\n".join(str(conflict) for conflict in found)


def _window(start_app: StartApp, location: DatabaseLocation) -> MainWindow:
    window = start_app(location).window
    # The Review (and Publish) screens, with their actions, come with the first draft.
    assert window.review is not None
    return window


def _keys(window: MainWindow) -> dict[str, list[str]]:
    return {action_id(a): current_keys(a) for a in window.all_actions() if action_id(a)}


def _action(window: MainWindow, identity: str) -> QAction:
    found = [a for a in window.all_actions() if action_id(a) == identity]
    assert len(found) == 1, identity
    return found[0]


# -- the real window -----------------------------------------------------------------------


def test_every_action_with_a_shortcut_has_one_unique_id(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    with_keys = [a for a in window.all_actions() if a.shortcuts()]
    assert [a.text() for a in with_keys if not action_id(a)] == []
    ids = [action_id(a) for a in with_keys]
    assert sorted(ids) == sorted(set(ids))
    # The screens' actions are there, so the check below covers them.
    assert {"draft.submit", "review.approve", "help.palette", "findings.next"} <= set(ids)


def test_no_two_actions_in_the_main_window_share_a_shortcut(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    actions = window.all_actions()
    assert_no_conflicts(actions)
    # Applying the defaults finds nothing wrong either (no menu-only screen action).
    assert apply_shortcuts(actions, {}) == []
    assert_no_conflicts(actions)
    # Ctrl+Return is on two actions, on two screens: the check above allowed that.
    on_ctrl_return = sorted(i for i, keys in _keys(window).items() if "Ctrl+Return" in keys)
    assert on_ctrl_return == ["draft.submit", "review.approve"]


def test_the_check_fails_when_two_actions_share_a_shortcut(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    extra = QAction("Open the palette too", window)
    extra.setObjectName("help.palette_again")
    extra.setShortcuts([QKeySequence("Ctrl+K")])
    with pytest.raises(AssertionError, match="Ctrl\\+K is used by both") as failure:
        assert_no_conflicts(window.all_actions())
    assert "help.palette" in str(failure.value)
    assert "help.palette_again" in str(failure.value)

    # A global action on a screen's key clashes with the screen actions on that key.
    extra.setShortcuts([QKeySequence("Ctrl+Return")])
    clashing = {(c.first, c.second) for c in conflicts(window.all_actions())}
    assert clashing == {
        ("draft.submit", "help.palette_again"),
        ("help.palette_again", "review.approve"),
    }
    # Two actions of one screen clash; a Write and a Review action do not.
    extra.setObjectName("review.approve_again")
    extra.setShortcuts([QKeySequence("Ctrl+1")])
    assert conflicts(window.all_actions()) == []
    extra.setShortcuts([QKeySequence("Ctrl+Shift+Return")])
    assert [(c.first, c.second) for c in conflicts(window.all_actions())] == [
        ("review.approve_again", "review.request_changes")
    ]


def test_ctrl_return_submits_on_write_and_never_on_review(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    assert apply_shortcuts(window.all_actions(), {}) == []
    submitted: list[bool] = []
    window.submit_action.triggered.connect(lambda: submitted.append(True))
    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert submitted == [True]

    assert window.review is not None
    window.tabs.setCurrentWidget(window.review)
    window.review.setFocus()
    focused = window.focusWidget() or window.review
    approve = _action(window, "review.approve")
    # As when a revision is shown (with none really shown, approving does nothing).
    approve.setEnabled(True)
    approved: list[bool] = []
    approve.triggered.connect(lambda: approved.append(True))
    QTest.keyClick(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert submitted == [True]  # the File menu's Submit did not fire on the Review screen
    assert approved == [True]


# -- overrides ------------------------------------------------------------------------------


def test_overrides_apply_and_the_defaults_come_back(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    defaults = _keys(window)
    problems = apply_shortcuts(
        window.all_actions(),
        {"help.palette": ["ctrl+shift+k"], "findings.next": [], "file.new": ["Ctrl+Alt+N"]},
    )
    assert problems == []
    now = _keys(window)
    assert now["help.palette"] == ["Ctrl+Shift+K"]
    assert now["findings.next"] == []
    assert now["file.new"] == ["Ctrl+Alt+N"]
    assert default_keys(_action(window, "help.palette")) == ["Ctrl+K"]

    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.dialog is None or not window.dialog.isVisible()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window.editor, Qt.Key.Key_K, modifiers)
    assert window.dialog is not None
    assert window.dialog.isVisible()
    window.dialog.close()

    assert apply_shortcuts(window.all_actions(), {}) == []
    assert _keys(window) == defaults


def test_two_actions_can_swap_keys(start_app: StartApp, sqlite_location: DatabaseLocation) -> None:
    window = _window(start_app, sqlite_location)
    problems = apply_shortcuts(
        window.all_actions(), {"channel.x": ["Ctrl+2"], "channel.bluesky": ["Ctrl+1"]}
    )
    assert problems == []
    assert _keys(window)["channel.x"] == ["Ctrl+2"]
    assert _keys(window)["channel.bluesky"] == ["Ctrl+1"]
    assert_no_conflicts(window.all_actions())


def test_unusable_overrides_are_skipped_and_reported(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    defaults = _keys(window)
    problems = apply_shortcuts(
        window.all_actions(),
        {
            "file.gone": ["Ctrl+G"],  # no such action
            "file.save": ["Ctrl+Banana"],  # not a key
            "file.quit": ["Q"],  # a typing key
            "file.new": ["Ctrl+C"],  # the editor's Copy
            "draft.history": ["Ctrl+K"],  # the palette's
            "help.shortcuts": ["Ctrl+\u200b"],  # an invisible key
            "channel.x": ["\ud800", "Ctrl+\u202e"],  # a lone surrogate, a direction mark
            "findings.apply": ["Ctrl+Return"],  # Submit's, on the same screen
            "review.approve": ["Ctrl+1"],  # a Write key, on the Review screen: fine
        },
    )
    text = "\n".join(problems)
    assert "'file.gone' ignored: no such action" in text
    assert "'Ctrl+Banana' is not a key sequence" in text
    assert "Q is needed for typing" in text
    assert "Ctrl+C is the text editor's Copy" in text
    assert "'draft.history' ignored: Ctrl+K is used by both" in text
    assert "\u201cCommand palette\u2026\u201d" in text
    assert "'help.shortcuts' ignored" in text
    assert "'channel.x' ignored" in text
    assert "'findings.apply' ignored: Ctrl+Return is used by both" in text
    assert len(problems) == 8
    now = _keys(window)
    assert now["review.approve"] == ["Ctrl+1"]
    assert {i: k for i, k in now.items() if i != "review.approve"} == {
        i: k for i, k in defaults.items() if i != "review.approve"
    }
    assert_no_conflicts(window.all_actions())
    assert apply_shortcuts(window.all_actions(), {"file.gone": []}, report_unknown=False) == []


def test_a_screen_action_only_in_a_menu_is_reported(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    action = QAction("Approve", window)
    action.setObjectName("review.approve")
    action.setShortcuts([QKeySequence("Ctrl+Return")])
    window.menuBar().addMenu("&Review").addAction(action)
    problems = apply_shortcuts([action], {})
    assert problems == [
        "review.approve is on the review screen but attached to no widget of it, so its "
        "shortcut reaches every screen: add it to the screen widget with addAction()"
    ]


# The first key press shows the problem: Qt warns that Ctrl+Return is ambiguous.
@pytest.mark.qt_log_ignore("Ambiguous shortcut overload")
def test_screen_shortcuts_stay_on_their_screen_even_from_a_menu(qtbot: QtBot) -> None:
    """Why apply_shortcuts confines screen actions: a menu entry reaches every screen."""
    window = QMainWindow()
    qtbot.addWidget(window)
    tabs = QTabWidget()
    window.setCentralWidget(tabs)
    screens: list[QWidget] = []
    pages: list[QPlainTextEdit] = []
    for title in ("Write", "Review"):
        screen = QWidget()
        editor = QPlainTextEdit()
        editor.setAccessibleName(title)
        QVBoxLayout(screen).addWidget(editor)
        tabs.addTab(screen, title)
        screens.append(screen)
        pages.append(editor)
    fired: list[str] = []
    submit = QAction("Submit", window)
    submit.setObjectName("draft.submit")
    approve = QAction("Approve", window)
    approve.setObjectName("review.approve")
    for action, screen in zip((submit, approve), screens, strict=True):
        action.setShortcuts([QKeySequence("Ctrl+Return")])
        action.triggered.connect(lambda _checked=False, a=action: fired.append(a.text()))
        screen.addAction(action)
    window.menuBar().addMenu("&File").addAction(submit)
    window.show()
    window.activateWindow()
    # The focus context needs real focus, which needs the active window.
    assert QTest.qWaitForWindowActive(window)

    def press_on(index: int) -> list[str]:
        fired.clear()
        tabs.setCurrentIndex(index)
        pages[index].setFocus()
        QTest.keyClick(pages[index], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return list(fired)

    # As Qt does it by default: from the menu, Submit is active on the Review screen too,
    # so Ctrl+Return there is ambiguous and does nothing.
    assert press_on(1) == []
    assert apply_shortcuts([submit, approve], {}) == []
    assert press_on(0) == ["Submit"]
    assert press_on(1) == ["Approve"]


# -- the keymap Preferences edits ---------------------------------------------------------


def test_keymap_refuses_a_clash_naming_the_other_action(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _window(start_app, sqlite_location)
    keymap = Keymap(window.all_actions(), {})
    assert keymap.assign("file.new", ["Ctrl+K"]) == (
        "Ctrl+K is already the shortcut for \u201cCommand palette\u2026\u201d"
    )
    assert keymap.keys["file.new"] == default_keys(_action(window, "file.new"))
    # A chord that starts with another action's key clashes too.
    assert keymap.assign("file.new", ["Ctrl+K, Ctrl+N"]) is not None
    assert keymap.assign("file.new", ["Ctrl+Alt+N"]) is None
    assert keymap.overrides() == {"file.new": ["Ctrl+Alt+N"]}
    # Another action may now take New's old key; New can then not go back to it.
    assert keymap.assign("help.palette", ["Ctrl+N"]) is None
    assert keymap.reset("file.new") == (
        "Ctrl+N is already the shortcut for \u201cCommand palette\u2026\u201d"
    )
    assert keymap.assign("help.palette", []) is None
    assert keymap.reset("file.new") is None
    keymap.reset_all()
    assert keymap.overrides() == {}


def test_scopes_come_from_the_ids() -> None:
    assert scope_of("draft.submit") is Scope.WRITE
    assert scope_of("channel.x") is Scope.WRITE
    assert scope_of("editor.bold") is Scope.WRITE
    assert scope_of("review.reject") is Scope.REVIEW
    assert scope_of("publish.start") is Scope.PUBLISH
    assert scope_of("draft.history") is Scope.GLOBAL
    assert scope_of("") is Scope.GLOBAL


def test_key_text_is_normalised_and_typing_keys_are_refused(qapp: object) -> None:
    assert normalised("ctrl+shift+k") == "Ctrl+Shift+K"
    assert normalised("Ctrl+K, Ctrl+C") == "Ctrl+K, Ctrl+C"
    for bad in ("", "Ctrl+Banana", "Ctrl+\u00a0", "\u202eCtrl+K", "x" * 10_000, "Ctrl+\U0001f469"):
        assert normalised(bad) is None, bad
    for typing in ("A", "Shift+A", "Space", "Tab", "Return", "Left", "Ж"):
        assert typing_key_reason(typing) is not None, typing
    assert typing_key_reason("Alt+F") == (
        "Alt+F is kept for the underlined letters of menus and labels"
    )
    for fine in ("F5", "Ctrl+Shift+A", "Alt+Left", "Alt+Shift+F", "Ctrl+Ж", "Ctrl+Return"):
        assert typing_key_reason(fine) is None, fine


def test_the_saved_shortcuts_are_applied_and_problems_logged(
    start_app: StartApp, sqlite_location: DatabaseLocation, caplog: pytest.LogCaptureFixture
) -> None:
    from postdesk import settings

    window = _window(start_app, sqlite_location)
    settings.save(
        settings.Settings(
            grammar_mode="off", shortcuts={"help.shortcuts": ["F2"], "file.new": ["Ctrl+K"]}
        )
    )
    with caplog.at_level("WARNING", logger="postdesk.ui.shortcuts"):
        problems = apply_saved_shortcuts(window.all_actions())
    assert _keys(window)["help.shortcuts"] == ["F2"]
    assert _keys(window)["file.new"][0] == "Ctrl+N"
    assert len(problems) == 1
    assert f"Shortcut not applied: {problems[0]}" in caplog.text


def test_a_dialogs_own_shortcut_never_clashes_with_the_windows(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from PySide6.QtWidgets import QDialog

    window = _window(start_app, sqlite_location)
    assert window.review is not None
    dialog = QDialog(window.review)  # as the anchored-comment dialog is made
    save = QAction("Save comment", dialog)
    save.setObjectName("review.save_comment")
    save.setShortcuts([QKeySequence("Ctrl+Return")])
    dialog.addAction(save)
    assert conflicts([*window.all_actions(), save]) == []
    # Its shortcut only fires in the dialog: no menu, nothing to report.
    assert apply_shortcuts([save], {"file.new": []}, report_unknown=False) == []
    # In the same window it would clash.
    save.setParent(window.review)
    assert [c.keys for c in conflicts([*window.all_actions(), save])] == ["Ctrl+Return"]
    dialog.deleteLater()


def test_preferences_lists_the_comment_dialogs_save_before_any_comment_is_made(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from postdesk import settings
    from postdesk.ui.comment_dialog import SAVE_COMMENT_ID
    from postdesk.ui.settings_dialog import SettingsDialog

    settings.save(settings.Settings(grammar_mode="off", shortcuts={SAVE_COMMENT_ID: ["Ctrl+S"]}))
    with caplog.at_level("WARNING", logger="postdesk.ui.shortcuts"):
        window = _window(start_app, sqlite_location)
    assert caplog.records == []  # a dialog's action is known at start-up, not "unknown"
    assert SAVE_COMMENT_ID not in _keys(window)  # no comment dialog yet

    window.open_preferences()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    assert SAVE_COMMENT_ID in dialog.keymap.ids()
    assert dialog.keymap.keys[SAVE_COMMENT_ID] == ["Ctrl+S"]  # the user's keys, not the default
    # Listed for Preferences only: not a window action, so the palette cannot run it.
    assert SAVE_COMMENT_ID not in _keys(window)
    dialog.close()
