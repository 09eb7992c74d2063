"""The review workflow on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from postdesk.analysis.findings import Finding, Level
from postdesk.workflow import audit
from postdesk.workflow.errors import NotAllowed, NotReady, StaleRevision, WrongState
from postdesk.workflow.options import PostOptions
from postdesk.workflow.states import Action, Role, State
from tests.conftest import Team

POST = "Our new recycling collection days start on Monday 2 March."


def blocks_the_word_embargo(
    text: str, _channels: tuple[str, ...], _options: PostOptions
) -> Sequence[Finding]:
    """A stand-in for the policy pack: 'EMBARGO' is a block-level finding."""
    at = text.find("EMBARGO")
    if at < 0:
        return []
    return [Finding("embargo-term", Level.BLOCK, at, at + 7, "Embargoed term")]


@pytest.fixture
def people(team: Team) -> Team:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    team.add("carol", "author", "reviewer", "admin")
    return team


def _submitted(team: Team, body: str = POST) -> tuple[int, int]:
    alice = team.workflow("alice")
    draft = alice.create_draft(body, ["x", "mastodon"])
    revision = alice.submit(draft.id)
    return draft.id, revision.id


def test_draft_to_published_with_every_step_in_the_audit_trail(people: Team) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    draft = alice.create_draft("Recycling", ["x"])
    alice.save_text(draft.id, POST, 10)
    revision = alice.submit(draft.id)
    assert alice.get(draft.id).state is State.IN_REVIEW
    assert revision.number == 1
    assert revision.body == POST

    bob.approve(draft.id, revision.id, "Clear and accurate")
    approved = bob.get(draft.id)
    assert approved.state is State.APPROVED
    assert approved.approved_revision_id == revision.id

    to_send = bob.start_publishing(draft.id)
    assert to_send.body == POST
    bob.finish_publishing(draft.id, Action.FINISH_PUBLISHED, {"x": "1234"})
    assert bob.get(draft.id).state is State.PUBLISHED

    trail = [(e.actor, e.event) for e in audit.events(people.database.engine, draft_id=draft.id)]
    a, b = people.login("alice"), people.login("bob")
    assert trail == [
        (a, "created"),
        (a, "edited"),
        (a, "submitted"),
        (b, "approved"),
        (b, "publish_attempted"),
        (b, "published"),
    ]
    assert audit.verify(people.database.engine).ok


def test_nobody_approves_their_own_draft_not_even_an_admin(people: Team) -> None:
    carol = people.workflow("carol")  # author, reviewer and admin
    draft = carol.create_draft(POST)
    revision = carol.submit(draft.id)
    with pytest.raises(NotAllowed, match="four-eyes"):
        carol.approve(draft.id, revision.id)
    with pytest.raises(NotAllowed, match="four-eyes"):
        carol.reject(draft.id, revision.id, "no")
    assert carol.get(draft.id).state is State.IN_REVIEW


def test_missing_user_or_role_is_refused(people: Team) -> None:
    draft_id, revision_id = _submitted(people)
    people.engine("dave")  # a login that exists but is not a PostDesk user
    with pytest.raises(NotAllowed, match="not a PostDesk user"):
        people.workflow("dave").approve(draft_id, revision_id)
    with pytest.raises(NotAllowed, match="reviewer role"):
        people.workflow("alice").create_draft("x") and people.workflow("alice").approve(
            draft_id, revision_id
        )
    with pytest.raises(NotAllowed, match="author role"):
        people.workflow("bob").create_draft("Bob is not an author")


def test_a_disabled_reviewer_can_do_nothing(people: Team) -> None:
    from postdesk.workflow.people import People

    draft_id, revision_id = _submitted(people)
    People(people.engine("carol"), people.login("carol")).disable(people.login("bob"))
    with pytest.raises(NotAllowed, match="disabled"):
        people.workflow("bob").approve(draft_id, revision_id)


def test_a_decision_on_a_stale_revision_is_refused(people: Team) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    draft_id, first = _submitted(people)
    bob.request_changes(draft_id, first, "Add the date")
    alice.save_text(draft_id, POST + " From 9am.")
    second = alice.submit(draft_id).id
    with pytest.raises(StaleRevision, match="no longer the one under review"):
        bob.approve(draft_id, first)
    bob.approve(draft_id, second)
    with pytest.raises(StaleRevision, match="already approved"):
        people.workflow("carol").reject(draft_id, second, "Too late")


def test_any_edit_after_approval_voids_it(people: Team) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    draft_id, revision_id = _submitted(people)
    bob.approve(draft_id, revision_id)
    voided = alice.save_text(draft_id, POST + "!")
    assert voided.state is State.DRAFT
    assert voided.approved_revision_id is None
    with pytest.raises(WrongState):
        bob.start_publishing(draft_id)
    events = [e.event for e in audit.events(people.database.engine, draft_id=draft_id)]
    assert events[-1] == "edited"


def test_only_the_approved_revision_is_published(people: Team) -> None:
    bob = people.workflow("bob")
    draft_id, revision_id = _submitted(people)
    with pytest.raises(WrongState):
        bob.start_publishing(draft_id)  # in review, not approved
    bob.approve(draft_id, revision_id)
    # Saving the same text again changes nothing: the approval stands.
    people.workflow("alice").save_text(draft_id, POST, 3)
    assert bob.start_publishing(draft_id).body == POST
    with pytest.raises(NotAllowed, match="publisher"):
        people.workflow("carol").finish_publishing(draft_id, Action.FINISH_PUBLISHED)


def test_block_findings_stop_submission_with_a_list_of_what_to_fix(people: Team) -> None:
    alice = people.workflow("alice", analyser=blocks_the_word_embargo)
    draft = alice.create_draft("Announcing EMBARGO project funding")
    with pytest.raises(NotReady) as refused:
        alice.submit(draft.id)
    assert refused.value.problems == ["Embargoed term (embargo-term)"]
    alice.save_text(draft.id, "Announcing new project funding")
    assert alice.submit(draft.id).number == 1


def test_sign_offs_are_bound_to_the_exact_text(people: Team) -> None:
    items = {Role.AUTHOR: ["facts-checked"], Role.REVIEWER: ["impartial"]}
    alice = people.workflow("alice", sign_off_items=lambda role, _text: items.get(role, []))
    bob = people.workflow("bob", sign_off_items=lambda role, _text: items.get(role, []))
    draft = alice.create_draft(POST)
    with pytest.raises(NotReady, match="facts-checked"):
        alice.submit(draft.id)
    alice.sign_off(draft.id, "facts-checked")
    alice.save_text(draft.id, POST + " Thank you.")  # any edit clears the tick
    assert alice.outstanding_sign_offs(draft.id, Role.AUTHOR) == ["facts-checked"]
    alice.sign_off(draft.id, "facts-checked")
    revision = alice.submit(draft.id)
    with pytest.raises(NotReady, match="impartial"):
        bob.approve(draft.id, revision.id)
    bob.sign_off(draft.id, "impartial")
    assert bob.approve(draft.id, revision.id).state is State.APPROVED


def test_comments_general_and_anchored_and_the_diff_since_last_seen(people: Team) -> None:
    alice, bob = people.workflow("alice"), people.workflow("bob")
    draft_id, first = _submitted(people)
    bob.comment(draft_id, "Which streets?", revision_id=first, anchor=(0, 28))
    with pytest.raises(NotReady, match="outside"):
        bob.comment(draft_id, "Bad span", revision_id=first, anchor=(5, 5000))
    bob.request_changes(draft_id, first, "Please name the streets")
    assert alice.get(draft_id).state is State.CHANGES_REQUESTED
    notes = alice.comments(draft_id)
    assert [(c.body, c.anchor) for c in notes] == [
        ("Which streets?", (0, 28)),
        ("Please name the streets", None),
    ]

    alice.save_text(draft_id, POST + " Streets: High St and Mill Lane.")
    second = alice.submit(draft_id)
    diff = bob.diff_since_seen(draft_id)
    assert diff.base is not None
    assert diff.base.id == first
    assert diff.current.id == second.id
    inserted = [
        diff.current.body[j1:j2] for tag, _i1, _i2, j1, j2 in diff.opcodes if tag == "insert"
    ]
    assert inserted == [" Streets: High St and Mill Lane."]
    assert "+" + POST + " Streets" in diff.unified()


def test_withdrawn_drafts_stay_withdrawn(people: Team) -> None:
    alice = people.workflow("alice")
    draft_id, revision_id = _submitted(people)
    alice.withdraw(draft_id)
    with pytest.raises(StaleRevision):
        people.workflow("bob").approve(draft_id, revision_id)
    with pytest.raises(WrongState):
        alice.submit(draft_id)


class TestAuditTrail:
    def test_tampering_with_an_event_is_detected(self, people: Team) -> None:
        _submitted(people)
        engine = people.database.engine
        assert audit.verify(engine).ok
        victim = next(e for e in audit.events(engine) if e.event == "submitted")
        with engine.begin() as connection:
            _drop_audit_guards(connection)
            connection.exec_driver_sql(
                f"UPDATE audit_events SET actor = 'mallory' WHERE id = {victim.id}"
            )
        result = audit.verify(engine)
        assert not result.ok
        assert result.broken_id == victim.id
        assert result.reason == "its contents were changed"

    def test_deleting_an_event_is_detected(self, people: Team) -> None:
        _submitted(people)
        engine = people.database.engine
        victim = list(audit.events(engine))[2]
        with engine.begin() as connection:
            _drop_audit_guards(connection)
            connection.exec_driver_sql(f"DELETE FROM audit_events WHERE id = {victim.id}")
        result = audit.verify(engine)
        assert not result.ok
        assert result.broken_id == victim.id + 1

    def test_the_database_refuses_to_change_the_trail(self, people: Team) -> None:
        import sqlalchemy as sa

        _submitted(people)
        engine = people.database.engine
        with pytest.raises(sa.exc.DBAPIError, match="cannot be changed"), engine.begin() as db:
            db.exec_driver_sql("UPDATE audit_events SET actor = 'mallory'")
        with pytest.raises(sa.exc.DBAPIError, match="cannot be changed"), engine.begin() as db:
            db.exec_driver_sql("DELETE FROM revisions")

    def test_export_as_csv_and_json_lines(self, people: Team) -> None:
        import csv
        import io
        import json

        _submitted(people)
        engine = people.database.engine
        rows = list(csv.DictReader(io.StringIO(audit.export_to_string(engine, "csv"))))
        lines = [json.loads(line) for line in audit.export_to_string(engine, "jsonl").splitlines()]
        assert len(rows) == len(lines) == len(list(audit.events(engine)))
        assert rows[-1]["event"] == lines[-1]["event"] == "submitted"
        assert lines[-1]["occurred_at"].endswith("Z")
        assert rows[-1]["hash"] == lines[-1]["hash"]


def _drop_audit_guards(connection) -> None:
    """What a database administrator with full rights could do; the chain still tells."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_events_update_refused")
        connection.exec_driver_sql("DROP TRIGGER audit_events_delete_refused")


def test_by_default_the_analysis_engine_decides_what_blocks(people: Team) -> None:
    alice = people.workflow("alice")  # the real analysis engine, no stand-in
    draft = alice.create_draft("Bins. " * 60, ["x"])  # 360 characters: too long for X
    with pytest.raises(NotReady) as refused:
        alice.submit(draft.id)
    assert any("Too long for X" in problem for problem in refused.value.problems)
    alice.set_channels(draft.id, ["mastodon"])  # 500 characters there: it fits
    assert alice.submit(draft.id).channels == ("mastodon",)


def test_by_default_the_rule_pack_says_what_to_sign_off(team: Team) -> None:
    from postdesk.workflow.service import Workflow

    team.add("alice", "author")
    team.add("bob", "reviewer")
    alice = Workflow(team.engine("alice"), team.login("alice"))  # the pack's own items
    bob = Workflow(team.engine("bob"), team.login("bob"))
    draft = alice.create_draft("The new leisure centre opens on 4 May.", ["x"])
    needed = alice.outstanding_sign_offs(draft.id, Role.AUTHOR)
    assert "facts-checked" in needed
    with pytest.raises(NotReady, match="facts-checked"):
        alice.submit(draft.id)
    for item in needed:
        alice.sign_off(draft.id, item)
    revision = alice.submit(draft.id)
    reviewer_items = bob.outstanding_sign_offs(draft.id, Role.REVIEWER)
    assert "politically-impartial" in reviewer_items
    with pytest.raises(NotReady, match="politically-impartial"):
        bob.approve(draft.id, revision.id)
    for item in reviewer_items:
        bob.sign_off(draft.id, item)
    assert bob.approve(draft.id, revision.id).state is State.APPROVED
