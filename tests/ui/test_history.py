"""A draft's history (Ctrl+H), and the Published screen with its links."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from postdesk.storage.schema import channel_accounts, publications
from postdesk.ui.history import HistoryDialog
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role
from tests.helpers import no_sign_offs
from tests.ui.conftest import StartApp, open_for_check


def test_ctrl_h_shows_revisions_changes_comments_and_the_audit_trail(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    draft_id = window.autosave.draft_id
    assert draft_id is not None
    database = open_for_check(sqlite_location)
    People(database.engine, database.current_user).add("bob", [Role.REVIEWER])
    me = Workflow(database.engine, database.current_user, sign_off_items=no_sign_offs)
    me.save_text(draft_id, "Bins go out on Tuesday.")
    first = me.submit(draft_id)
    Workflow(database.engine, "bob", sign_off_items=no_sign_offs).request_changes(
        draft_id, first.id, "Say which week."
    )
    me.save_text(draft_id, "Bins go out on Tuesday next week.")
    me.submit(draft_id)
    database.dispose()

    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, HistoryDialog)
    qtbot.waitUntil(lambda: "Revision 2" in dialog.view.toPlainText(), timeout=5000)
    text = dialog.view.toPlainText()
    assert "Revision 1" in text
    assert "[added: Tuesday next week.]" in text
    assert "bob: Say which week." in text
    assert "changes requested" in text
    dialog.close()


def test_the_published_screen_lists_posts_with_links(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    draft_id = window.autosave.draft_id
    assert draft_id is not None
    database = open_for_check(sqlite_location)
    me = database.current_user
    People(database.engine, me).set_roles(me, [Role.ADMIN, Role.AUTHOR, Role.PUBLISHER])
    People(database.engine, me).add("bob", [Role.REVIEWER])
    author = Workflow(database.engine, me, sign_off_items=no_sign_offs)
    author.save_text(draft_id, "Polling stations open at 7am.")
    revision = author.submit(draft_id)
    Workflow(database.engine, "bob", sign_off_items=no_sign_offs).approve(draft_id, revision.id)
    now = datetime.now(UTC)
    with database.engine.begin() as connection:  # as the publisher records a success
        account_id = connection.execute(
            channel_accounts.insert()
            .values(
                platform="mastodon", handle="@council@social.example", server_url="https://s.ex",
                display_name="Council", added_by=me, added_at=now,
            )
            .returning(channel_accounts.c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            publications.insert().values(
                draft_id=draft_id, revision_id=revision.id, account_id=account_id,
                state="published", idempotency_key="k", parts=json.dumps(["x"]),
                posts=json.dumps([{"post_id": "9", "url": "https://social.example/@council/9"}]),
                updated_at=now,
            )
        )  # fmt: skip
    database.dispose()
    published = window.published
    assert published is not None
    window.tabs.setCurrentWidget(published)
    qtbot.waitUntil(lambda: "Polling stations" in published.toPlainText(), timeout=5000)
    assert "https://social.example/@council/9" in published.toHtml()


def test_each_revision_says_how_it_goes_out_in_plain_words() -> None:
    from postdesk.ui.history import DraftHistory, history_html
    from postdesk.workflow.service import Revision

    now = datetime.now(UTC)
    plain = Revision(1, 7, 1, "Bins on Tuesday.", ("x",), "alice", now)
    options = Revision(
        2, 7, 2, "Bins on Tuesday.", ("x", "mastodon"), "alice", now,
        as_thread=True, essential=True, essential_reason="<b>Flooding</b> \u202eclosures",
    )  # fmt: skip
    unexplained = Revision(3, 7, 3, "Bins.", (), "alice", now, essential=True)
    shown = history_html(DraftHistory([plain, options, unexplained], [], []))
    assert "<p>Channels: X.</p>" in shown
    assert (
        "<p>Channels: none chosen. Marked essential for the election period, but with no "
        "reason given.</p>"
    ) in shown
    assert (
        "Channels: X, Mastodon. Will post as a thread where it is too long for one post. "
        "Marked essential for the election period: \u2068&lt;b&gt;Flooding&lt;/b&gt; "
        "\u202eclosures\u2069"
    ) in shown
