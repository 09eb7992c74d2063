"""Preferences: saved to the settings file, recorded (names only) in the audit trail;
a broken rule pack is refused with its problems; accounts are verified and added;
shortcuts are recorded, checked and applied at once; admins set election periods."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from postdesk import settings
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.main_window import MainWindow
from postdesk.ui.settings_dialog import SecretWriter, SettingsDialog
from postdesk.ui.startup import Startup
from postdesk.workflow import audit
from tests.publishing.mastodon_peer import MastodonPeer, MastodonUser
from tests.ui.conftest import StartApp, open_for_check

PACKS = Path(__file__).resolve().parents[1] / "data" / "policy_packs"


class MemoryKeyring:
    """Stands in for the keyring here; the real one is tested in test_secrets.py."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}

    def writer(self) -> SecretWriter:
        return SecretWriter(self.secrets.__setitem__, self.secrets.__contains__)


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


def _open(qtbot: QtBot, start_app: StartApp, location: DatabaseLocation, keyring: MemoryKeyring):
    window = start_app(location).window
    window.keyring_writer = keyring.writer  # type: ignore[method-assign]
    window.preferences_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    return window, dialog


def test_saving_preferences_writes_the_file_and_audits_names_only(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    window, dialog = _open(qtbot, start_app, sqlite_location, keyring)
    dialog.grammar.setCurrentIndex(dialog.grammar.findData("server"))
    dialog.languagetool_url.setText("https://lt.dept.example:8081")
    dialog.database_url.setText("postgresql+psycopg://ann:s3cret@db.example/postdesk")
    with qtbot.waitSignal(dialog.settings_saved, timeout=3000) as saved:
        dialog.save()
    assert sorted(saved.args[0]) == ["database_url", "grammar_mode", "languagetool_url"]
    written = json.loads(settings.settings_path().read_text())
    assert written["grammar_mode"] == "server"
    assert "restarts" in window.status.text()
    database = open_for_check(sqlite_location)
    try:
        qtbot.waitUntil(
            lambda: any(e.event == "settings_changed" for e in audit.events(database.engine)),
            timeout=3000,
        )
        exported = audit.export_to_string(database.engine, "jsonl")
    finally:
        database.dispose()
    assert "s3cret" not in exported
    assert "lt.dept.example" not in exported


def test_a_broken_rule_pack_is_refused_with_its_problems(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    _window, dialog = _open(qtbot, start_app, sqlite_location, keyring)
    bad = PACKS / "bad-many.toml"
    dialog.rule_pack.setText(str(bad))
    dialog.save()
    assert dialog.isVisible()
    assert f"{bad}:7: levels.hashtag-count" in dialog.message.text()
    assert settings.load().settings.rule_pack_path is None
    dialog.reject()


def test_an_account_is_verified_and_its_token_goes_to_the_keyring(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    keyring: MemoryKeyring,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
) -> None:
    _window, dialog = _open(qtbot, start_app, sqlite_location, keyring)
    database = open_for_check(sqlite_location)
    from postdesk.workflow.people import People
    from postdesk.workflow.states import Role

    People(database.engine, database.current_user).set_roles(
        database.current_user, [Role.ADMIN, Role.AUTHOR, Role.PUBLISHER]
    )
    dialog.platform.setCurrentText("mastodon")
    dialog.handle.setText(mastodon_user.handle)
    dialog.server.setText(mastodon_peer.base_url)
    dialog.token.setText(mastodon_user.token)
    with qtbot.waitSignal(dialog.account_added, timeout=10_000) as added:
        dialog.add_button.click()
    assert added.args == [mastodon_user.display_name]
    assert dialog.token.text() == ""
    assert list(keyring.secrets.values()) == [mastodon_user.token]
    qtbot.waitUntil(lambda: dialog.accounts.count() == 1, timeout=3000)
    assert "token on this computer" in dialog.accounts.item(0).text()
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM channel_accounts").all()
    database.dispose()
    assert mastodon_user.token not in repr(rows)
    dialog.reject()


# -- keyboard and election period --------------------------------------------------------------


def _preferences(
    qtbot: QtBot,
    start_app: StartApp,
    location: DatabaseLocation,
    keyring: MemoryKeyring,
    actor: str | None = None,
) -> tuple[MainWindow, SettingsDialog]:
    """Start PostDesk and open Preferences over the window's actions."""
    startup = start_app(location)
    return startup.window, _dialog(qtbot, startup, keyring, actor)


def _dialog(
    qtbot: QtBot, startup: Startup, keyring: MemoryKeyring, actor: str | None = None
) -> SettingsDialog:
    """Preferences as the window opens it, once the database has said whether the person
    is an admin."""
    assert startup.database is not None
    dialog = SettingsDialog(
        startup.worker,
        startup.database.engine,
        actor or startup.database.current_user,
        secrets=keyring.writer(),
        adapters=dict,
        actions=startup.window.all_actions(),
        parent=startup.window,
    )
    with qtbot.waitSignal(dialog.admin_checked, timeout=5000):
        dialog.open()
    return dialog


def _row(dialog: SettingsDialog, name: str) -> tuple[str, str]:
    table = dialog.shortcut_table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == name:  # type: ignore[union-attr]
            return table.item(row, 1).text(), table.item(row, 2).text()  # type: ignore[union-attr]
    raise AssertionError(f"{name} is not listed")


def _keys_of(window: MainWindow, identity: str) -> list[str]:
    from postdesk.ui.shortcuts import action_id, current_keys

    (action,) = [a for a in window.all_actions() if action_id(a) == identity]
    return current_keys(action)


def test_a_shortcut_is_recorded_checked_saved_and_applied(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    window, dialog = _preferences(qtbot, start_app, sqlite_location, keyring)
    dialog.tabs.setCurrentIndex(2)
    assert _row(dialog, "New draft")[0].startswith("Ctrl+N")
    # The id is not shown, but it is what the table knows each row by.
    assert dialog.shortcut_table.columnCount() == 3
    dialog.select_action("file.new")
    dialog.key_edit.setFocus()
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    QTest.keyClick(dialog.key_edit, Qt.Key.Key_N, ctrl_alt)
    assert _row(dialog, "New draft") == ("Ctrl+Alt+N", "Everywhere")
    assert "New draft" in dialog.message.text()
    assert dialog.message.accessibleDescription() == dialog.message.text()

    # Another action's key is refused, naming that action; nothing changes.
    QTest.keyClick(dialog.key_edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert dialog.message.text() == (
        "\u201cNew draft\u201d not changed: Ctrl+K is already the shortcut for "
        "\u201cCommand palette\u2026\u201d."
    )
    assert _row(dialog, "New draft")[0] == "Ctrl+Alt+N"
    # A key for typing is refused too.
    QTest.keyClick(dialog.key_edit, Qt.Key.Key_N)
    assert "needed for typing" in dialog.message.text()
    # A Write-screen key is free for a Review action, as Ctrl+Return is.
    dialog.select_action("review.reject")
    QTest.keyClick(dialog.key_edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert _row(dialog, "Reject") == ("Ctrl+1", "Review queue")

    assert _keys_of(window, "file.new")[0] == "Ctrl+N"  # nothing applied before saving
    with qtbot.waitSignal(dialog.settings_saved, timeout=3000) as saved:
        dialog.save()
    assert saved.args[0] == ["shortcuts"]
    assert json.loads(settings.settings_path().read_text())["shortcuts"] == {
        "file.new": ["Ctrl+Alt+N"],
        "review.reject": ["Ctrl+1"],
    }
    # Applied at once: the window's action has the new key.
    assert _keys_of(window, "file.new") == ["Ctrl+Alt+N"]
    assert _keys_of(window, "review.reject") == ["Ctrl+1"]


def test_clear_reset_and_reset_all(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    settings.save(
        settings.Settings(
            grammar_mode="off",
            shortcuts={
                "help.palette": ["Ctrl+Shift+K"],
                "findings.next": ["F9"],
                "file.gone": ["Ctrl+G"],  # an action this version does not have
            },
        )
    )
    startup = start_app(sqlite_location)
    window = startup.window
    dialog = _dialog(qtbot, startup, keyring)
    assert _row(dialog, "Command palette…")[0] == "Ctrl+Shift+K"
    assert dialog.message.text() == ""  # an id not in the window may be a dialog's
    dialog.select_action("file.save")
    assert dialog.clear_shortcut()
    assert _row(dialog, "Save now")[0] == ""
    # Command palette's own key is free again, so New can take it.
    dialog.select_action("file.new")
    assert dialog.set_shortcut("Ctrl+K")
    dialog.select_action("help.palette")
    assert not dialog.reset_shortcut()  # Ctrl+K is New's now
    assert "\u201cNew draft\u201d" in dialog.message.text()
    dialog.select_action("findings.next")
    assert dialog.reset_shortcut()
    assert _row(dialog, "Next finding")[0] == "F8"
    with qtbot.waitSignal(dialog.settings_saved, timeout=3000):
        dialog.save()
    assert settings.load().settings.shortcuts == {
        "file.gone": ["Ctrl+G"],  # kept: it may belong to a newer version's action
        "file.new": ["Ctrl+K"],
        "file.save": [],
        "help.palette": ["Ctrl+Shift+K"],
    }
    assert _keys_of(window, "file.save") == []

    # Opened again: Reset all puts every action back to the keys it comes with.
    again = _dialog(qtbot, startup, keyring)
    assert _row(again, "Save now")[0] == ""
    again.reset_all_shortcuts()
    with qtbot.waitSignal(again.settings_saved, timeout=3000):
        again.save()
    assert settings.load().settings.shortcuts == {"file.gone": ["Ctrl+G"]}
    assert _keys_of(window, "file.new")[0] == "Ctrl+N"
    assert _keys_of(window, "help.palette") == ["Ctrl+K"]


def test_the_keyboard_tab_works_by_keyboard_alone(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    _window, dialog = _preferences(qtbot, start_app, sqlite_location, keyring)
    assert QTest.qWaitForWindowActive(dialog)
    dialog.tabs.setFocus()
    QTest.keyClick(dialog.tabs, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # Ke&yboard
    assert dialog.tabs.currentIndex() == 2
    # Alt+O (Acti&ons) goes to the table; arrows choose a row.
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.shortcut_table
    first = dialog.selected_action()
    QTest.keyClick(dialog.shortcut_table, Qt.Key.Key_Down)
    chosen = dialog.selected_action()
    assert chosen is not None
    assert chosen != first
    # Tab leaves the table for the shortcut field, and Tab leaves that field too, without
    # recording Tab as a shortcut (no keyboard trap).
    QTest.keyClick(dialog.shortcut_table, Qt.Key.Key_Tab)
    assert dialog.key_edit.isAncestorOf(dialog.focusWidget()) or (
        dialog.focusWidget() is dialog.key_edit
    )
    keys_before = dialog.keymap.keys[chosen]
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.clear_keys_button
    assert dialog.keymap.keys[chosen] == keys_before
    QTest.keyClick(dialog.clear_keys_button, Qt.Key.Key_Space)
    assert dialog.keymap.keys[chosen] == []
    dialog.reject()


def test_every_preferences_control_has_an_accessible_name(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    from PySide6.QtWidgets import QWidget

    _window, dialog = _preferences(qtbot, start_app, sqlite_location, keyring)
    assert dialog.election_box.isVisible()  # the first person is the admin
    unnamed: set[str] = set()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        unnamed |= {
            f"{type(w).__name__} on tab {index}"
            for w in dialog.findChildren(QWidget)
            if w.focusPolicy() != Qt.FocusPolicy.NoFocus
            and w.isVisibleTo(dialog)
            and not w.accessibleName()
        }
    assert unnamed == set()
    dialog.reject()


def test_an_admin_sets_election_periods(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    from PySide6.QtCore import QDate

    _window, dialog = _preferences(qtbot, start_app, sqlite_location, keyring)
    assert dialog.is_admin
    assert dialog.election_box.isVisible()
    dialog.election_start.setDate(QDate(2026, 5, 7))
    dialog.election_end.setDate(QDate(2026, 4, 1))
    dialog.add_period()
    assert "cannot be before its first day" in dialog.message.text()
    assert dialog.election_list.count() == 0
    dialog.election_start.setDate(QDate(2026, 4, 1))
    dialog.election_end.setDate(QDate(2026, 5, 7))
    dialog.add_period()
    dialog.add_period()
    assert "already in the list" in dialog.message.text()
    dialog.election_start.setDate(QDate(2025, 1, 1))
    dialog.election_end.setDate(QDate(2025, 1, 1))
    dialog.add_period()
    assert [dialog.election_list.item(i).text() for i in range(2)] == [
        "1 January 2025 to 1 January 2025",
        "1 April 2026 to 7 May 2026",
    ]
    dialog.election_list.setCurrentRow(0)
    dialog.remove_period()
    assert dialog.election_list.count() == 1
    with qtbot.waitSignal(dialog.settings_saved, timeout=3000) as saved:
        dialog.save()
    assert saved.args[0] == ["election_periods"]
    assert json.loads(settings.settings_path().read_text())["election_periods"] == [
        ["2026-04-01", "2026-05-07"]
    ]
    # The audit trail records who set which dates.
    database = open_for_check(sqlite_location)
    try:
        qtbot.waitUntil(
            lambda: any(e.event == "settings_changed" for e in audit.events(database.engine)),
            timeout=3000,
        )
        (event,) = [e for e in audit.events(database.engine) if e.event == "settings_changed"]
    finally:
        database.dispose()
    assert json.loads(event.details)["election_periods"] == [["2026-04-01", "2026-05-07"]]
    # And the policy engine uses the period from now on.
    from datetime import date

    from postdesk.analysis.report import analyse, default_policy

    try:
        findings = analyse("Bins are collected on Tuesday.", today=date(2026, 4, 2)).findings
        assert "election-period" in [f.rule for f in findings]
    finally:
        default_policy.cache_clear()  # no election period for the next test


def test_the_election_period_is_hidden_from_anyone_not_an_admin(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation, keyring: MemoryKeyring
) -> None:
    settings.save(
        settings.Settings(
            grammar_mode="off",
            election_periods=((dt.date(2026, 4, 1), dt.date(2026, 5, 7)),),
        )
    )
    _window, dialog = _preferences(qtbot, start_app, sqlite_location, keyring, actor="someone-else")
    assert not dialog.is_admin
    assert not dialog.election_box.isVisibleTo(dialog)
    dialog._periods.clear()  # even if the list were changed, a non-admin's save keeps it
    with qtbot.waitSignal(dialog.settings_saved, timeout=3000) as saved:
        dialog.save()
    assert saved.args[0] == []
    assert settings.load().settings.election_periods == (
        (dt.date(2026, 4, 1), dt.date(2026, 5, 7)),
    )
