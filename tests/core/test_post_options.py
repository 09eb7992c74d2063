"""Post options (as a thread; essential in an election period) on SQLite and PostgreSQL.

The real analysis engine decides here, not a stand-in: the point is that a text too
long for X can go for review as a thread, and that a post in an election period can go
only when marked essential with a reason.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from postdesk import settings
from postdesk.storage.errors import DatabaseWriteError
from postdesk.storage.schema import channel_accounts
from postdesk.workflow import audit
from postdesk.workflow.drafts import DraftStore
from postdesk.workflow.errors import NotAllowed, NotReady, StaleRevision, WrongState
from postdesk.workflow.options import MAX_REASON_CHARS, PostOptions
from postdesk.workflow.states import State
from tests.conftest import Team

SENTENCE = "The council will close the town hall car park on Monday for resurfacing works. "
LONG = SENTENCE * 6  # about 480 characters: over X, Bluesky, Mastodon and Threads
SHORT = "Bins are collected on Tuesday this week."


pytestmark = pytest.mark.usefixtures("fresh_policy")


@pytest.fixture
def people(team: Team) -> Team:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    return team


def _trail(team: Team, draft_id: int) -> list[tuple[str, object]]:
    return [
        (e.event, json.loads(e.details))
        for e in audit.events(team.database.engine, draft_id=draft_id)
    ]


def _in_an_election_period() -> None:
    today = date.today()
    settings.save(
        settings.Settings(election_periods=((today - timedelta(days=3), today + timedelta(3)),))
    )


def test_a_text_too_long_for_x_goes_for_review_only_as_a_thread(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(LONG, ["x", "bluesky"])
    with pytest.raises(NotReady) as refused:
        alice.submit(draft.id)
    assert any("Too long for X" in problem for problem in refused.value.problems)

    alice.set_options(draft.id, as_thread=True, essential=False)
    revision = alice.submit(draft.id)

    assert revision.as_thread is True
    assert revision.options == PostOptions(as_thread=True)
    bob = people.workflow("bob")
    # The reviewer's check runs on the revision's own options: approval is not refused.
    assert bob.approve(draft.id, revision.id).state is State.APPROVED


def test_a_thread_does_not_help_a_channel_without_threads(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(SENTENCE * 40, ["x", "linkedin"])  # over LinkedIn's 3,000
    alice.set_options(draft.id, as_thread=True, essential=False)
    with pytest.raises(NotReady) as refused:
        alice.submit(draft.id)
    problems = refused.value.problems
    assert any("Too long for LinkedIn" in problem for problem in problems)
    assert not any("Too long for X" in problem for problem in problems)


def test_changing_the_options_after_submission_takes_the_draft_back(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(LONG, ["x"])
    alice.set_options(draft.id, as_thread=True, essential=False)
    revision = alice.submit(draft.id)

    back = alice.set_options(draft.id, as_thread=False, essential=False)

    assert back.state is State.DRAFT
    assert back.as_thread is False
    # The revision keeps what was submitted; the reviewer's decision on it is now stale.
    assert alice.revision(revision.id).as_thread is True
    with pytest.raises(StaleRevision):
        people.workflow("bob").approve(draft.id, revision.id)
    events = _trail(people, draft.id)
    assert (
        "options_changed",
        {"as_thread": False, "essential": False, "reason": "", "from": "in_review", "to": "draft"},
    ) in events


def test_setting_the_same_options_again_records_nothing(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(SHORT, ["x"])
    alice.set_options(draft.id, as_thread=True, essential=False)
    alice.set_options(draft.id, as_thread=True, essential=False)
    events = [e.event for e in audit.events(people.database.engine, draft_id=draft.id)]
    assert events.count("options_changed") == 1


def test_only_the_author_sets_the_options(people: Team) -> None:
    draft = people.workflow("alice").create_draft(SHORT, ["x"])
    with pytest.raises(NotAllowed):
        people.workflow("bob").set_options(draft.id, as_thread=True, essential=False)
    assert people.workflow("alice").get(draft.id).as_thread is False


def test_in_an_election_period_only_an_essential_post_with_a_reason_goes(people: Team) -> None:
    _in_an_election_period()
    alice = people.workflow("alice")
    draft = alice.create_draft(SHORT, ["x"])
    with pytest.raises(NotReady) as refused:
        alice.submit(draft.id)
    assert any("(election-period)" in problem for problem in refused.value.problems)

    # Ticked without a reason (blank or invisible): the claim is not made; the block stays.
    alice.set_options(draft.id, as_thread=False, essential=True, essential_reason=" \u200b\u200e ")
    assert alice.get(draft.id).options.counts_as_essential is False
    with pytest.raises(NotReady):
        alice.submit(draft.id)

    reason = "Service disruption: bin rounds moved by the bank holiday."
    alice.set_options(draft.id, as_thread=False, essential=True, essential_reason=reason)
    revision = alice.submit(draft.id)

    assert (revision.essential, revision.essential_reason) == (True, reason)
    events = _trail(people, draft.id)
    assert ("options_changed", {"as_thread": False, "essential": True, "reason": reason}) in (
        events
    )
    assert people.workflow("bob").approve(draft.id, revision.id).state is State.APPROVED


def test_an_odd_or_huge_reason_is_stored_safely_and_cut(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(SHORT, ["x"])
    odd = "\u202eRTL\u202c \U0001f468\u200d\U0001f469\u200d\U0001f467 nul\x00 lone\ud800 "
    view = alice.set_options(draft.id, as_thread=False, essential=True, essential_reason=odd)
    assert "\x00" not in view.essential_reason
    assert "\ud800" not in view.essential_reason
    assert view.essential_reason.startswith("\u202eRTL")
    huge = alice.set_options(
        draft.id, as_thread=False, essential=True, essential_reason="because " * 1000
    )
    assert len(huge.essential_reason) == MAX_REASON_CHARS
    # Counted as the composer's field counts (UTF-16 units), never splitting an emoji.
    emoji = alice.set_options(
        draft.id, as_thread=False, essential=True, essential_reason="a" + "\U0001f30a" * 600
    )
    assert emoji.essential_reason == "a" + "\U0001f30a" * 499  # 999 units: the next is 2


def test_unticking_essential_forgets_the_reason(people: Team) -> None:
    alice = people.workflow("alice")
    draft = alice.create_draft(SHORT, ["x"])
    alice.set_options(draft.id, as_thread=False, essential=True, essential_reason="Flooding")
    view = alice.set_options(draft.id, as_thread=False, essential=False, essential_reason="x")
    assert (view.essential, view.essential_reason) == (False, "")


def test_the_editors_store_reads_and_writes_the_options(people: Team) -> None:
    alice = DraftStore(people.engine("alice"), people.login("alice"))
    draft = alice.create(SHORT, ("x",))
    alice.set_options(draft.id, as_thread=True, essential=True, essential_reason="Flooding")
    again = alice.get(draft.id)
    assert again is not None
    assert (again.as_thread, again.essential, again.essential_reason) == (True, True, "Flooding")
    bob = DraftStore(people.engine("bob"), people.login("bob"))
    with pytest.raises(DatabaseWriteError, match="author"):
        bob.set_options(draft.id, as_thread=False, essential=False, essential_reason="")


def test_a_post_approved_before_an_election_period_does_not_go_out_during_it(
    people: Team,
) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    plain = alice.create_draft(SHORT, ["x"])
    bob.approve(plain.id, alice.submit(plain.id).id)
    essential = alice.create_draft("Roads closed by flooding: use the A483.", ["x"])
    alice.set_options(essential.id, as_thread=False, essential=True, essential_reason="Safety")
    bob.approve(essential.id, alice.submit(essential.id).id)

    _in_an_election_period()

    with pytest.raises(NotReady) as refused:
        bob.start_publishing(plain.id)
    assert any("(election-period)" in problem for problem in refused.value.problems)
    assert bob.get(plain.id).state is State.APPROVED  # nothing moved, nothing sent
    assert bob.start_publishing(essential.id).essential_reason == "Safety"
    assert bob.publishing_blocks(plain.id) == refused.value.problems


def test_adding_a_channel_after_approval_takes_the_draft_back_to_review(people: Team) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    draft = alice.create_draft(SHORT, ["mastodon"])
    revision = alice.submit(draft.id)
    bob.approve(draft.id, revision.id)

    back = alice.set_channels(draft.id, ["mastodon", "instagram"])

    assert back.state is State.DRAFT
    assert back.approved_revision_id is None
    assert (
        "channels_changed",
        {"channels": ["instagram", "mastodon"], "from": "approved", "to": "draft"},
    ) in _trail(people, draft.id)
    with pytest.raises(WrongState):
        bob.start_publishing(draft.id)
    # The same channels again (in another order) change nothing.
    alice.set_channels(draft.id, ["instagram", "mastodon"])
    assert [e for e, _ in _trail(people, draft.id)].count("channels_changed") == 1


def test_mastodon_is_counted_with_the_limits_of_the_account_published_to(people: Team) -> None:
    alice = people.workflow("alice")
    text = "Roadworks on the A470. " * 30  # 690 characters: over the stock 500
    draft = alice.create_draft(text, ["mastodon"])
    with pytest.raises(NotReady, match="Too long for Mastodon"):
        alice.submit(draft.id)
    # The account as `postdesk publish --add-account` records it, with its server's limit.
    with people.database.engine.begin() as connection:
        connection.execute(
            channel_accounts.insert().values(
                platform="mastodon",
                handle="@roads@social.example.gov.uk",
                server_url="https://social.example.gov.uk",
                display_name="Roads",
                max_characters=1000,
                added_by=people.login("bob"),
                added_at=datetime.now(UTC),
            )
        )
    assert alice.submit(draft.id).channels == ("mastodon",)
