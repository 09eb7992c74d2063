"""Ctrl+K finds and runs any command; F1 lists every shortcut."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from postdesk.ui.palette import CommandPalette, ShortcutSheet
from tests.ui.conftest import StartApp


def test_ctrl_k_lists_every_action_with_its_shortcut_and_runs_one(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.dialog
    assert isinstance(palette, CommandPalette)
    shown = palette.shown_commands()
    # Standard keys list every binding the platform has (Ctrl+N and the New media key).
    assert any(row.startswith("New draft    Ctrl+N") for row in shown)
    assert "Next finding    F8" in shown
    assert "LinkedIn    Ctrl+5" in shown
    qtbot.keyClicks(palette.filter, "linked")
    assert palette.shown_commands() == ["LinkedIn    Ctrl+5"]
    assert "linkedin" not in window.compose.channels()
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    assert "linkedin" in window.compose.channels()
    assert not palette.isVisible()


def test_f1_shows_the_shortcut_sheet(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_F1)
    sheet = window.dialog
    assert isinstance(sheet, ShortcutSheet)
    rows = {
        sheet.table.item(r, 0).text(): sheet.table.item(r, 1).text()  # type: ignore[union-attr]
        for r in range(sheet.table.rowCount())
    }
    assert rows["Command palette…"] == "Ctrl+K"
    assert rows["Submit for review"] == "Ctrl+Return"
    assert rows["Previous finding"] == "Shift+F8"
    sheet.close()


def test_both_show_the_users_own_shortcuts_and_where_they_work(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from postdesk.ui.shortcuts import apply_shortcuts

    window = start_app(sqlite_location).window
    overrides = {"help.palette": ["Ctrl+Shift+K"], "channel.linkedin": []}
    assert apply_shortcuts(window.all_actions(), overrides) == []
    window.editor.setFocus()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.editor, Qt.Key.Key_K, modifiers)
    palette = window.dialog
    assert isinstance(palette, CommandPalette)
    shown = palette.shown_commands()
    assert "Command palette…    Ctrl+Shift+K" in shown
    assert "LinkedIn" in shown  # still listed, now without keys
    palette.close()

    qtbot.keyClick(window.editor, Qt.Key.Key_F1)
    sheet = window.dialog
    assert isinstance(sheet, ShortcutSheet)
    rows = {
        sheet.table.item(r, 0).text(): (  # type: ignore[union-attr]
            sheet.table.item(r, 1).text(),  # type: ignore[union-attr]
            sheet.table.item(r, 2).text(),  # type: ignore[union-attr]
        )
        for r in range(sheet.table.rowCount())
    }
    assert rows["Command palette…"] == ("Ctrl+Shift+K", "Everywhere")
    assert "LinkedIn" not in rows
    # One key, two screens: the sheet says where each works.
    assert rows["Submit for review"] == ("Ctrl+Return", "Write")
    assert rows["Approve"] == ("Ctrl+Return", "Review queue")
    sheet.close()
