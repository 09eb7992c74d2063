"""What a publisher sees before and while publishing: the ready list, the plan, progress."""

from __future__ import annotations

from postdesk.publishing.adapter import Platform
from postdesk.publishing.publisher import ChannelProgress
from postdesk.publishing.ready import publish_plan, ready_to_publish
from postdesk.workflow.states import State
from tests.conftest import Team
from tests.publishing.test_publisher import (
    MASTODON,
    POST,
    X_ACCOUNT,
    FakePlatform,
    Keyring,
    _publisher,
    setup,
)

__all__ = ["setup"]  # the fixture, shared with test_publisher.py

Setup = tuple[Team, dict[Platform, FakePlatform], Keyring, int]


def test_an_approved_draft_is_ready_with_its_exact_text_and_channels(setup: Setup) -> None:
    team, _platforms, _keyring, draft_id = setup
    # A draft still in review is not listed: only approved revisions can be published.
    alice = team.workflow("alice")
    pending = alice.create_draft("Still in review.", ["x"])
    alice.submit(pending.id)

    ready = ready_to_publish(team.database.engine)
    assert [r.draft_id for r in ready] == [draft_id]
    assert ready[0].body == POST
    assert ready[0].channels == ("mastodon", "x")
    assert ready[0].state is State.APPROVED
    assert ready[0].author == team.login("alice")


def test_the_plan_says_which_channels_this_computer_cannot_publish(setup: Setup) -> None:
    team, _platforms, keyring, _draft_id = setup
    del keyring.secrets[X_ACCOUNT.secret_key]
    draft = ready_to_publish(team.database.engine)[0]
    plans = {
        p.channel: p
        for p in publish_plan(team.database.engine, draft, keyring.secrets.__contains__)
    }
    assert plans["mastodon"].blocker is None
    assert plans["mastodon"].parts == (POST,)
    assert plans["mastodon"].status == "ready"
    assert plans["x"].status == "no token"
    assert plans["x"].blocker is not None
    assert X_ACCOUNT.handle in plans["x"].blocker


def test_the_plan_is_exactly_what_is_sent(setup: Setup) -> None:
    team, platforms, keyring, draft_id = setup
    ready = ready_to_publish(team.database.engine)[0]
    plans = publish_plan(team.database.engine, ready, keyring.secrets.__contains__)
    _publisher(team, platforms, keyring).publish(draft_id)
    for plan in plans:
        platform = Platform(plan.channel)
        assert platforms[platform].texts() == list(plan.parts)


def test_a_channel_without_an_account_is_a_blocker_in_words(team: Team) -> None:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    alice = team.workflow("alice")
    draft = alice.create_draft(POST, ["bluesky", "threads"])
    team.workflow("bob").approve(draft.id, alice.submit(draft.id).id)
    ready = ready_to_publish(team.database.engine)[0]
    plans = publish_plan(team.database.engine, ready, lambda _key: True)
    assert [(p.channel, p.status) for p in plans] == [
        ("bluesky", "no account"),
        ("threads", "not supported"),
    ]
    assert all(p.blocker for p in plans)


def test_progress_tells_each_channel_its_tries_and_its_end(setup: Setup) -> None:
    team, platforms, keyring, draft_id = setup
    platforms[Platform.MASTODON].lose_next_answers = 1
    heard: list[ChannelProgress] = []
    _publisher(team, platforms, keyring).publish(draft_id, heard.append)
    assert [(p.channel, p.stage, p.try_number) for p in heard] == [
        ("mastodon", "sending", 1),
        ("mastodon", "retrying", 1),
        ("mastodon", "published", 0),
        ("x", "sending", 1),
        ("x", "published", 0),
    ]
    assert "dropped" in heard[1].message
    assert heard[2].posts
    assert heard[2].posts[0].url.startswith(MASTODON.server_url)
    # A finished draft leaves the list.
    assert ready_to_publish(team.database.engine) == []


def test_a_failed_channel_is_reported_with_its_reason_and_stays_ready(setup: Setup) -> None:
    team, platforms, keyring, draft_id = setup
    platforms[Platform.X].valid_tokens.clear()
    heard: list[ChannelProgress] = []
    _publisher(team, platforms, keyring).publish(draft_id, heard.append)
    failed = [p for p in heard if p.stage == "failed"]
    assert [p.channel for p in failed] == ["x"]
    assert "new token" in failed[0].message
    assert not any(p.stage == "retrying" for p in heard)  # a refused token is not retried
    ready = ready_to_publish(team.database.engine)
    assert [(r.draft_id, r.state) for r in ready] == [(draft_id, State.PARTLY_PUBLISHED)]
    plans = {
        p.channel: p
        for p in publish_plan(team.database.engine, ready[0], keyring.secrets.__contains__)
    }
    assert plans["mastodon"].status == "published"
    assert plans["mastodon"].posts
    assert plans["x"].status == "failed"
    assert "new token" in plans["x"].last_error
