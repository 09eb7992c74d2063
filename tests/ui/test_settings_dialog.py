"""Preferences: saved to the settings file, recorded (names only) in the audit trail;
a broken rule pack is refused with its problems; accounts are verified and added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from postdesk import settings
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.settings_dialog import SecretWriter, SettingsDialog
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
