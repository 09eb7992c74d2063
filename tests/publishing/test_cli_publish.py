"""`postdesk accounts` and `postdesk publish`, as real processes, to a real Mastodon API
server (mastodon-mock) over loopback, with the token in the real keyring."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postdesk.storage.database import open_database, resolve_location
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role
from tests.helpers import no_sign_offs
from tests.publishing.mastodon_peer import MastodonPeer, MastodonUser

POST = "Recycling centres close at 4pm on Christmas Eve."


def postdesk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


@pytest.fixture
def approved_draft(user_folders: Path) -> int:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("needs a Secret Service: run the suite with ./dev test")
    me = getpass.getuser()
    database = open_database(resolve_location(None))
    try:
        people = People(database.engine, me)
        people.add(me, [Role.ADMIN, Role.PUBLISHER])
        people.add("alice", [Role.AUTHOR])
        people.add("bob", [Role.REVIEWER])
        alice = Workflow(database.engine, "alice", sign_off_items=no_sign_offs)
        draft = alice.create_draft(POST, ["mastodon"])
        revision = alice.submit(draft.id)
        Workflow(database.engine, "bob", sign_off_items=no_sign_offs).approve(draft.id, revision.id)
        return draft.id
    finally:
        database.dispose()


def test_add_an_account_then_publish_once(
    approved_draft: int, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser, tmp_path: Path
) -> None:
    server = mastodon_peer.base_url
    added = postdesk(
        "accounts", "add", "mastodon", mastodon_user.handle, "--server", server,
        stdin=mastodon_user.token + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert mastodon_user.display_name in added.stdout
    listing = postdesk("accounts", "list")
    assert "token here" in listing.stdout

    published = postdesk("publish", str(approved_draft))
    assert published.returncode == 0, published.stdout + published.stderr
    assert published.stdout.startswith("mastodon  published  http")
    again = postdesk("publish", str(approved_draft))
    assert again.returncode == 1
    assert "cannot be published" in again.stderr

    statuses = mastodon_peer.http.get(
        f"{server}/api/v1/accounts/{mastodon_user.account_id}/statuses",
        headers={"Authorization": f"Bearer {mastodon_user.token}"},
    ).json()
    assert [s["content"] for s in statuses].count(f"<p>{POST}</p>") == 1

    for output in (added, listing, published, again):
        assert mastodon_user.token not in output.stdout + output.stderr
    database = Path(os.environ["XDG_DATA_HOME"]) / "postdesk" / "postdesk.sqlite3"
    for path in database.parent.glob("postdesk.sqlite3*"):
        assert mastodon_user.token.encode() not in path.read_bytes()
    log = Path(os.environ["XDG_STATE_HOME"]) / "postdesk" / "log"
    for path in log.glob("*"):
        assert mastodon_user.token not in path.read_text(errors="replace")


def test_a_wrong_token_is_refused_and_not_stored(
    approved_draft: int, mastodon_peer: MastodonPeer
) -> None:
    refused = postdesk(
        "accounts", "add", "mastodon", "@nobody@localhost", "--server", mastodon_peer.base_url,
        stdin="not-a-real-token\n",
    )  # fmt: skip
    assert refused.returncode == 1
    assert "token" in refused.stderr
    assert "not-a-real-token" not in refused.stderr
    assert "@nobody@localhost" not in postdesk("accounts", "list").stdout
