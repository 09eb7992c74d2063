"""A revision approved as a thread goes out as exactly the approved parts, on a real server.

The server is mastodon-mock over real HTTP (tests/publishing/mastodon_peer.py). The
credential store is an in-memory stand-in for the keyring (the real Secret Service is
tested in test_secrets.py and the UI tests).
"""

from __future__ import annotations

from postdesk.analysis.channels import Channel
from postdesk.analysis.splitter import split_thread
from postdesk.publishing.adapter import Account, Platform
from postdesk.publishing.mastodon import MastodonAdapter
from postdesk.publishing.publisher import (
    Publisher,
    add_account,
    list_accounts,
    mastodon_limits,
    split_for,
)
from postdesk.publishing.ready import publish_plan, ready_to_publish
from postdesk.workflow.states import State
from tests.conftest import Team
from tests.publishing.mastodon_peer import MastodonPeer, MastodonUser
from tests.publishing.test_publisher import Keyring

SENTENCE = "The council will close the town hall car park on Monday for resurfacing works. "
LONG = SENTENCE * 8  # about 640 characters: three posts on Mastodon's 500


def _approved(team: Team, body: str, *, as_thread: bool) -> int:
    alice = team.workflow("alice")
    draft = alice.create_draft(body, ["mastodon"])
    alice.set_options(draft.id, as_thread=as_thread, essential=False)
    revision = alice.submit(draft.id)
    team.workflow("bob").approve(draft.id, revision.id)
    return draft.id


def _publisher(team: Team, peer: MastodonPeer, user: MastodonUser) -> tuple[Publisher, Keyring]:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    secrets = Keyring()
    account = Account(Platform.MASTODON, user.handle, peer.base_url)
    adapter = MastodonAdapter()
    add_account(team.engine("bob"), team.login("bob"), account, user.token, adapter, secrets.set)
    publisher = Publisher(
        team.engine("bob"),
        team.login("bob"),
        secrets=secrets,
        adapters={Platform.MASTODON: adapter},
    )
    return publisher, secrets


def test_a_revision_approved_as_a_thread_is_published_as_that_reply_chain(
    team: Team, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    publisher, secrets = _publisher(team, mastodon_peer, mastodon_user)
    draft_id = _approved(team, LONG, as_thread=True)
    expected = [part.text for part in split_thread(LONG, Channel.MASTODON)]
    assert len(expected) >= 2

    (ready,) = ready_to_publish(team.engine("bob"))
    assert ready.as_thread is True
    (plan,) = publish_plan(team.engine("bob"), ready, lambda key: secrets.get(key) is not None)
    assert list(plan.parts) == expected

    (outcome,) = publisher.publish(draft_id)

    assert outcome.published, outcome.error
    assert mastodon_peer.posted_texts(mastodon_user) == expected
    statuses = {str(s["id"]): s for s in mastodon_peer.statuses(mastodon_user)}
    parents = [statuses[post.post_id]["in_reply_to_id"] for post in outcome.posts]
    assert parents == [None, *(post.post_id for post in outcome.posts[:-1])]
    assert team.workflow("bob").get(draft_id).state is State.PUBLISHED


def test_a_revision_approved_as_one_post_is_never_split(
    team: Team, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    publisher, secrets = _publisher(team, mastodon_peer, mastodon_user)
    text = SENTENCE * 3
    draft_id = _approved(team, text, as_thread=False)
    (ready,) = ready_to_publish(team.engine("bob"))
    (plan,) = publish_plan(team.engine("bob"), ready, lambda key: secrets.get(key) is not None)
    assert plan.parts == (text.strip(),)

    (outcome,) = publisher.publish(draft_id)

    assert outcome.published, outcome.error
    assert mastodon_peer.posted_texts(mastodon_user) == [text.strip()]


def test_a_channel_without_an_account_shows_the_thread_at_the_platforms_limits(
    team: Team,
) -> None:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    alice = team.workflow("alice")
    draft = alice.create_draft(LONG, ["x", "linkedin"])
    alice.set_options(draft.id, as_thread=True, essential=False)
    team.workflow("bob").approve(draft.id, alice.submit(draft.id).id)
    (ready,) = ready_to_publish(team.engine("bob"))

    plans = {p.channel: p for p in publish_plan(team.engine("bob"), ready, lambda _key: False)}
    x, linkedin = plans["x"], plans["linkedin"]

    assert list(x.parts) == [part.text for part in split_thread(LONG, Channel.X)]
    assert x.blocker == "No X account is set up: add one in Preferences, Accounts"
    assert linkedin.parts == (LONG.strip(),)  # LinkedIn has no threads
    assert linkedin.label == "LinkedIn"


def test_the_limits_counted_are_those_of_the_account_published_to(
    team: Team, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    assert mastodon_limits(team.engine("bob")) is None  # no account yet: the stock limits
    _publisher(team, mastodon_peer, mastodon_user)
    limits = mastodon_limits(team.engine("bob"))
    assert limits is not None
    (account,) = list_accounts(team.engine("bob"))
    # What the composer and the workflow count with is what the publisher splits with.
    sent = split_for(LONG, account.account, account, True)
    assert list(sent) == [
        part.text for part in split_thread(LONG, Channel.MASTODON, mastodon=limits)
    ]
    assert limits.max_characters == (account.max_characters or 500)
