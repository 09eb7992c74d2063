"""The Publish screen: exact text, per-channel progress and results, against mastodon-mock.

Tokens live in the real Secret Service (gnome-keyring in ./dev test's private D-Bus
session), and posts go over real HTTP to mastodon-mock on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import keyring.backend
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from postdesk import settings
from postdesk.analysis.channels import Channel
from postdesk.analysis.splitter import split_thread
from postdesk.publishing.adapter import Account, Platform
from postdesk.publishing.mastodon import MastodonAdapter
from postdesk.publishing.publisher import add_account, publications_of
from postdesk.publishing.secrets import SecretStore
from postdesk.storage.database import Database, DatabaseLocation
from postdesk.ui.main_window import MainWindow
from postdesk.ui.publish_screen import PublishScreen
from postdesk.workflow import audit
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role, State
from tests.helpers import no_sign_offs
from tests.publishing.mastodon_peer import MastodonPeer, MastodonUser
from tests.publishing.test_secrets import secret_service
from tests.ui.conftest import StartApp, open_for_check

__all__ = ["secret_service"]  # the fixture

POST = "Bin collections move to Saturday this week because of the bank holiday. 🚮"


def _approved(
    database: Database,
    *,
    roles: tuple[Role, ...],
    channels: list[str],
    body: str = POST,
    as_thread: bool = False,
) -> int:
    me = database.current_user
    people = People(database.engine, me)
    people.add(me, [Role.ADMIN, *roles])
    people.add("alice", [Role.AUTHOR])
    people.add("bob", [Role.REVIEWER])
    alice = Workflow(database.engine, "alice", sign_off_items=no_sign_offs)
    draft = alice.create_draft(body, channels)
    alice.set_options(draft.id, as_thread=as_thread, essential=False)
    Workflow(database.engine, "bob", sign_off_items=no_sign_offs).approve(
        draft.id, alice.submit(draft.id).id
    )
    return draft.id


@pytest.fixture
def store(secret_service: keyring.backend.KeyringBackend) -> Iterator[SecretStore]:
    """The real Secret Service, which the app's default keyring also finds; emptied after."""
    secrets = SecretStore(secret_service)
    yield secrets
    for key in added_keys:
        secrets.delete(key)
    added_keys.clear()


# Keyring items a test made, for the fixture to delete.
added_keys: list[str] = []


def _add_mastodon(
    database: Database, peer: MastodonPeer, user: MastodonUser, store: SecretStore
) -> Account:
    account = Account(Platform.MASTODON, user.handle, peer.base_url)
    add_account(
        database.engine, database.current_user, account, user.token, MastodonAdapter(), store.set
    )
    added_keys.append(account.secret_key)
    return account


def _publish_screen(qtbot: QtBot, window: MainWindow) -> PublishScreen:
    qtbot.waitUntil(lambda: window.publish is not None, timeout=10_000)
    screen = window.publish
    assert screen is not None
    return screen


def _show(qtbot: QtBot, window: MainWindow, screen: PublishScreen, draft_id: int) -> None:
    with qtbot.waitSignal(screen.plan_shown, timeout=10_000) as shown:
        window.tabs.setCurrentWidget(screen)
    assert shown.args == [draft_id]


def _open(
    qtbot: QtBot, start_app: StartApp, location: DatabaseLocation, draft_id: int
) -> PublishScreen:
    """Start PostDesk as the publisher and show the Publish screen with `draft_id`'s plan."""
    window = start_app(location, wait=False).window
    screen = _publish_screen(qtbot, window)
    _show(qtbot, window, screen, draft_id)
    return screen


def _statuses(peer: MastodonPeer, user: MastodonUser) -> list[str]:
    answer = peer.http.get(
        f"{peer.base_url}/api/v1/accounts/{user.account_id}/statuses",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    return [status["content"] for status in answer.json()]


def test_a_publisher_sees_the_exact_text_confirms_and_sees_the_link(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    database = open_for_check(sqlite_location)
    draft_id = _approved(database, roles=(Role.PUBLISHER,), channels=["mastodon"])
    _add_mastodon(database, mastodon_peer, mastodon_user, store)
    screen = _open(qtbot, start_app, sqlite_location, draft_id)

    assert screen.text_view.toPlainText() == POST
    assert screen.text_view.isReadOnly()
    assert screen.channel_status("mastodon") == "ready"
    assert screen.publish_action.isEnabled()

    screen.drafts_table.setFocus()
    qtbot.keyClick(
        screen.drafts_table,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    box = screen.confirm_box
    assert box is not None
    assert box.isVisible()
    assert mastodon_user.handle in box.informativeText()
    with qtbot.waitSignal(screen.finished, timeout=30_000):
        default = box.defaultButton()
        assert default is not None
        assert default.text() == "Publish"
        default.click()
    qtbot.waitUntil(lambda: screen.channel_status("mastodon") == "published", timeout=10_000)
    assert "published on every channel" in screen.message.text()
    posts = json.loads(publications_of(database.engine, draft_id)[0]["posts"])
    assert len(posts) == 1
    assert posts[0]["url"] in screen.results.toPlainText()
    assert _statuses(mastodon_peer, mastodon_user).count(f"<p>{POST}</p>") == 1
    assert Workflow(database.engine, database.current_user).get(draft_id).state is State.PUBLISHED
    events = [e.event for e in audit.events(database.engine, draft_id=draft_id)]
    assert events[-3:] == ["publish_try", "published_to_channel", "published"]
    # Nothing else to publish, and pressing the shortcut again sends nothing.
    qtbot.waitUntil(lambda: not screen.publish_action.isEnabled(), timeout=5000)
    screen.publish_action.trigger()
    assert _statuses(mastodon_peer, mastodon_user).count(f"<p>{POST}</p>") == 1
    assert mastodon_user.token not in screen.results.toPlainText() + screen.message.text()


def test_a_thread_shows_its_posts_and_goes_out_as_that_reply_chain(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    long_post = "Gritters are out tonight on every A road and the main bus routes. " * 10
    database = open_for_check(sqlite_location)
    draft_id = _approved(
        database,
        roles=(Role.PUBLISHER,),
        channels=["mastodon"],
        body=long_post,
        as_thread=True,
    )
    _add_mastodon(database, mastodon_peer, mastodon_user, store)
    screen = _open(qtbot, start_app, sqlite_location, draft_id)
    expected = [part.text for part in split_thread(long_post, Channel.MASTODON)]
    posts_cell = screen.channels_table.item(0, 2)
    assert posts_cell is not None
    assert posts_cell.text() == f"a thread of {len(expected)}"

    screen.publish_now()

    qtbot.waitUntil(lambda: screen.channel_status("mastodon") == "published", timeout=30_000)
    assert mastodon_peer.posted_texts(mastodon_user) == expected
    posts = json.loads(publications_of(database.engine, draft_id)[0]["posts"])
    assert [post["url"] for post in posts] == [
        url for url in screen.results.toPlainText().split() if url.startswith("http")
    ]


def test_a_channel_this_computer_has_no_token_for_is_named_and_not_sent(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    database = open_for_check(sqlite_location)
    draft_id = _approved(database, roles=(Role.PUBLISHER,), channels=["mastodon"])
    account = _add_mastodon(database, mastodon_peer, mastodon_user, store)
    store.delete(account.secret_key)  # the token lives on another computer
    screen = _open(qtbot, start_app, sqlite_location, draft_id)

    assert screen.channel_status("mastodon") == "no token"
    assert not screen.publish_action.isEnabled()
    assert mastodon_user.handle in screen.message.text()
    assert "Preferences, Accounts" in screen.message.text()


def test_a_revoked_token_fails_the_channel_in_words_and_keeps_the_draft_ready(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    database = open_for_check(sqlite_location)
    draft_id = _approved(database, roles=(Role.PUBLISHER,), channels=["mastodon"])
    account = _add_mastodon(database, mastodon_peer, mastodon_user, store)
    store.set(account.secret_key, "revoked-" + mastodon_user.token[::-1])
    screen = _open(qtbot, start_app, sqlite_location, draft_id)

    with qtbot.waitSignal(screen.finished, timeout=30_000):
        screen.publish_now()
    qtbot.waitUntil(lambda: screen.channel_status("mastodon") == "failed", timeout=10_000)
    assert "new token" in screen.message.text()
    assert _statuses(mastodon_peer, mastodon_user) == []
    assert Workflow(database.engine, database.current_user).get(draft_id).state is State.FAILED

    # Still listed, so it can be published once the token is replaced.
    def state_shown() -> str:
        item = screen.drafts_table.item(0, 2)
        return item.text() if item is not None else ""

    qtbot.waitUntil(lambda: state_shown() == "Publishing failed", timeout=5000)
    assert screen.drafts_table.rowCount() == 1


def test_only_a_publisher_can_publish(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    database = open_for_check(sqlite_location)
    draft_id = _approved(database, roles=(), channels=["mastodon"])
    People(database.engine, database.current_user).add("pat", [Role.PUBLISHER])
    account = Account(Platform.MASTODON, mastodon_user.handle, mastodon_peer.base_url)
    add_account(database.engine, "pat", account, mastodon_user.token, MastodonAdapter(), store.set)
    added_keys.append(account.secret_key)
    screen = _open(qtbot, start_app, sqlite_location, draft_id)

    assert not screen.publish_action.isEnabled()
    assert "Only a publisher can publish" in screen.message.text()


def test_in_an_election_period_a_post_not_marked_essential_is_not_sent(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    store: SecretStore,
) -> None:
    database = open_for_check(sqlite_location)
    draft_id = _approved(database, roles=(Role.PUBLISHER,), channels=["mastodon"])
    _add_mastodon(database, mastodon_peer, mastodon_user, store)
    # The period began after it was approved.
    today = date.today()
    settings.save(settings.Settings(grammar_mode="off", election_periods=((today, today),)))
    screen = _open(qtbot, start_app, sqlite_location, draft_id)

    # Said before anyone presses Publish, and the action is off.
    assert not screen.publish_action.isEnabled()
    assert "It cannot go out today: Election period" in screen.message.text()
    # Run anyway (as a second window might), the publisher refuses and sends nothing.
    with qtbot.waitSignal(screen.finished, timeout=30_000):
        screen.publish_now()

    assert "Not published, nothing was sent" in screen.message.text()
    assert "Election period" in screen.message.text()
    assert _statuses(mastodon_peer, mastodon_user) == []
    assert Workflow(database.engine, database.current_user).get(draft_id).state is State.APPROVED
