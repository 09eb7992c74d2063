"""The walking skeleton: type, autosave, reopen; closing never loses text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from postdesk.recovery import recovery_dir
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.autosave import SAVE_DELAY_MS
from postdesk.workflow.drafts import DraftStore
from tests.helpers.sqlite import sqlite_file
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text


def _saved_text(location: DatabaseLocation) -> tuple[str, int] | None:
    database = open_for_check(location)
    try:
        draft = DraftStore(database.engine, database.current_user).latest()
    finally:
        database.dispose()
    return (draft.body, draft.cursor_position) if draft else None


def test_typed_text_is_autosaved_and_back_with_its_cursor_in_a_new_window(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    first = start_app(sqlite_location)
    editor = first.window.editor
    assert editor.hasFocus() or not editor.isReadOnly()
    with qtbot.waitSignal(first.window.draft_saved, timeout=3000):
        type_text(editor, "Roadworks on the A1(M) from Monday 👷 plan ahead")
    for _ in range(11):  # put the cursor before "plan ahead"
        qtbot.keyClick(editor, Qt.Key.Key_Left)
    cursor_before = editor.textCursor().position()
    with qtbot.waitSignal(first.window.draft_saved, timeout=3000):
        pass
    assert _saved_text(sqlite_location) == (
        "Roadworks on the A1(M) from Monday 👷 plan ahead",
        cursor_before,
    )

    second = start_app(sqlite_location)
    assert second.window.editor.toPlainText() == "Roadworks on the A1(M) from Monday 👷 plan ahead"
    assert second.window.editor.textCursor().position() == cursor_before


def test_save_happens_within_a_second_of_the_last_keystroke(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    qtbot.keyClicks(startup.window.editor, "Consultation closes Friday")
    qtbot.waitUntil(
        lambda: (_saved_text(sqlite_location) or ("",))[0] == "Consultation closes Friday",
        timeout=1000,
    )
    assert SAVE_DELAY_MS < 1000


def test_closing_straight_after_typing_keeps_the_text(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    qtbot.keyClicks(startup.window.editor, "Typed then closed at once")
    assert startup.window.autosave.has_unsaved_changes()
    startup.window.close()
    assert _saved_text(sqlite_location) == ("Typed then closed at once", 25)


def test_new_draft_and_switching_keep_each_text(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    window = startup.window
    qtbot.keyClicks(window.editor, "First draft")
    with qtbot.waitSignal(window.draft_loaded, timeout=3000):
        qtbot.keyClick(window.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == ""
    qtbot.keyClicks(window.editor, "Second draft")
    with qtbot.waitSignal(window.draft_saved, timeout=3000):
        pass
    qtbot.waitUntil(lambda: window.drafts_model.rowCount() == 2, timeout=3000)
    first_row = next(
        row
        for row in range(window.drafts_model.rowCount())
        if window.drafts_model.index(row).data() == "First draft"
    )
    with qtbot.waitSignal(window.draft_loaded, timeout=3000):
        window.drafts_view.clicked.emit(window.drafts_model.index(first_row))
    assert window.editor.toPlainText() == "First draft"


def test_when_the_final_save_fails_the_text_goes_to_a_recovery_file(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    startup = start_app(sqlite_location)
    qtbot.keyClicks(startup.window.editor, "Words that must survive")
    # Another program breaks the database under us, so the real save fails.
    with sqlite_file(sqlite_location.url.database or "") as other:
        other.execute("ALTER TABLE drafts RENAME TO drafts_gone")
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text: warnings.append(f"{title}\n{text}")
    )
    startup.window.close()
    files = list(recovery_dir().glob("draft-*.txt"))
    assert len(files) == 1
    assert files[0].read_text(encoding="utf-8") == "Words that must survive"
    assert warnings
    assert str(files[0]) in warnings[0]


def test_failed_autosave_says_so_and_keeps_the_text(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    with sqlite_file(sqlite_location.url.database or "") as other:
        other.execute("ALTER TABLE drafts RENAME TO drafts_gone")
    with qtbot.waitSignal(startup.window.autosave.failed, timeout=3000):
        qtbot.keyClicks(startup.window.editor, "Still here")
    assert "Not saved" in startup.window.status.text()
    assert startup.window.editor.toPlainText() == "Still here"
    with sqlite_file(sqlite_location.url.database or "") as other:
        other.execute("ALTER TABLE drafts_gone RENAME TO drafts")
    with qtbot.waitSignal(startup.window.draft_saved, timeout=6000):
        pass
    assert _saved_text(sqlite_location) == ("Still here", 10)


def test_every_focusable_control_has_an_accessible_name(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    unnamed = [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in startup.window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisibleTo(startup.window)
        and not widget.accessibleName()
    ]
    assert unnamed == []


def test_recovery_folder_is_in_the_user_data_folder(user_folders: Path) -> None:
    assert recovery_dir() == user_folders / "data" / "postdesk" / "recovered"


def test_icon_loads_from_package_data(qapp: object) -> None:
    from postdesk.ui import resources

    icon = resources.app_icon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).width() == 64


def test_draft_list_role_numbers_match_qt(qapp: object) -> None:
    from PySide6.QtCore import Qt

    from postdesk.ui import draft_list

    assert Qt.ItemDataRole.DisplayRole.value == draft_list._DISPLAY_ROLE
    assert Qt.ItemDataRole.ToolTipRole.value == draft_list._TOOLTIP_ROLE
    assert Qt.ItemDataRole.UserRole.value + 1 == draft_list.DRAFT_ID_ROLE
