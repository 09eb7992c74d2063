"""The database enforces the workflow's key rules against clients that bypass PostDesk.

On PostgreSQL each statement below is what an author could type into psql, connected as
their own login: the server itself refuses it. On SQLite the same rules are triggers that
catch mistakes (whoever can open the file can do anything; the audit chain shows it).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import Team

POST = "Bin collections move to Tuesdays from 6 April."


def _submit(team: Team) -> tuple[Team, int, int]:
    team.add("alice", "author", "reviewer")  # an author who also reviews others' posts
    team.add("bob", "reviewer", "publisher")
    alice = team.workflow("alice")
    draft = alice.create_draft(POST)
    revision = alice.submit(draft.id)
    return team, draft.id, revision.id


@pytest.fixture
def submitted(team: Team) -> tuple[Team, int, int]:
    return _submit(team)


@pytest.fixture
def pg_submitted(pg_team: Team) -> tuple[Team, int, int]:
    return _submit(pg_team)


def _as(team: Team, name: str, sql: str) -> None:
    with team.engine(name).begin() as connection:
        connection.exec_driver_sql(sql)


def _state(team: Team, draft_id: int) -> str:
    with team.database.engine.connect() as connection:
        return str(
            connection.exec_driver_sql(f"SELECT state FROM drafts WHERE id = {draft_id}").scalar()
        )


def test_an_author_cannot_record_an_approval_of_their_own_draft(
    submitted: tuple[Team, int, int],
) -> None:
    team, draft_id, revision_id = submitted
    alice = team.login("alice")
    with pytest.raises(sa.exc.DBAPIError, match="four-eyes"):
        _as(
            team,
            "alice",
            "INSERT INTO decisions (draft_id, revision_id, reviewer, decision, comment, created_at)"
            f" VALUES ({draft_id}, {revision_id}, '{alice}', 'approved', '', CURRENT_TIMESTAMP)",
        )
    with pytest.raises(sa.exc.DBAPIError, match=r"four-eyes|approval"):
        _as(
            team,
            "alice",
            f"UPDATE drafts SET state = 'approved', approved_revision_id = {revision_id} "
            f"WHERE id = {draft_id}",
        )
    assert _state(team, draft_id) == "in_review"


def test_only_the_approved_revision_can_be_published(submitted: tuple[Team, int, int]) -> None:
    team, draft_id, revision_id = submitted
    with pytest.raises(sa.exc.DBAPIError, match="only the approved revision"):
        _as(team, "bob", f"UPDATE drafts SET state = 'publishing' WHERE id = {draft_id}")
    team.workflow("bob").approve(draft_id, revision_id)
    with pytest.raises(sa.exc.DBAPIError):
        # Swap in a different revision (here: none) while starting to publish.
        _as(
            team,
            "bob",
            "UPDATE drafts SET state = 'publishing', approved_revision_id = NULL "
            f"WHERE id = {draft_id}",
        )
    assert _state(team, draft_id) == "approved"


def test_revisions_cannot_be_rewritten(submitted: tuple[Team, int, int]) -> None:
    team, _draft_id, revision_id = submitted
    with pytest.raises(sa.exc.DBAPIError, match="cannot be changed"):
        _as(team, "alice", f"UPDATE revisions SET body = 'Sneaky' WHERE id = {revision_id}")


@pytest.mark.postgres
class TestOnlyOnPostgres:
    """Identity rules need session_user, which only PostgreSQL has."""

    def test_nobody_records_a_decision_as_someone_else(
        self, pg_submitted: tuple[Team, int, int]
    ) -> None:
        team, draft_id, revision_id = pg_submitted
        bob = team.login("bob")
        with pytest.raises(sa.exc.DBAPIError, match="recorded as their reviewer"):
            _as(
                team,
                "alice",
                "INSERT INTO decisions (draft_id, revision_id, reviewer, decision, comment, "
                f"created_at) VALUES ({draft_id}, {revision_id}, '{bob}', 'approved', '', "
                "CURRENT_TIMESTAMP)",
            )

    def test_an_author_cannot_grant_themselves_a_role(
        self, pg_submitted: tuple[Team, int, int]
    ) -> None:
        team, _draft_id, _revision_id = pg_submitted
        alice = team.login("alice")
        with pytest.raises(sa.exc.DBAPIError, match="only an admin"):
            _as(
                team,
                "alice",
                "INSERT INTO user_roles (user_id, role) "
                f"SELECT id, 'publisher' FROM users WHERE login = '{alice}'",
            )

    def test_the_author_of_a_draft_cannot_be_changed(
        self, pg_submitted: tuple[Team, int, int]
    ) -> None:
        team, draft_id, _revision_id = pg_submitted
        bob = team.login("bob")
        with pytest.raises(sa.exc.DBAPIError, match="author cannot change"):
            _as(team, "alice", f"UPDATE drafts SET author = '{bob}' WHERE id = {draft_id}")

    def test_audit_events_are_written_as_oneself_and_never_changed(
        self, pg_submitted: tuple[Team, int, int]
    ) -> None:
        team, _draft_id, _revision_id = pg_submitted
        bob = team.login("bob")
        with pytest.raises(sa.exc.DBAPIError, match="written as their author"):
            _as(
                team,
                "alice",
                "INSERT INTO audit_events (id, occurred_at, actor, event, details, prev_hash, "
                f"hash) VALUES (999, now(), '{bob}', 'approved', '{{}}', 'x', 'y')",
            )
        with pytest.raises(sa.exc.DBAPIError, match=r"permission denied|cannot be changed"):
            _as(team, "alice", "DELETE FROM audit_events")

    def test_a_non_publisher_cannot_start_publishing(
        self, pg_submitted: tuple[Team, int, int]
    ) -> None:
        team, draft_id, revision_id = pg_submitted
        team.workflow("bob").approve(draft_id, revision_id)
        with pytest.raises(sa.exc.DBAPIError, match="only a publisher"):
            _as(team, "alice", f"UPDATE drafts SET state = 'publishing' WHERE id = {draft_id}")
