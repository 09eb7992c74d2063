"""Two reviewers deciding the same revision at the same moment, from separate processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from postdesk.workflow import audit
from postdesk.workflow.states import State
from tests.conftest import Team

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 25


def _worker(team: Team, name: str, mode: str) -> subprocess.Popen[str]:
    url = team.engine(name).url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.decision_worker", url, team.login(name), mode],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_exactly_one_of_two_racing_reviewers_wins_every_round(team: Team) -> None:
    team.add("alice", "author")
    team.add("bob", "reviewer")
    team.add("carol", "reviewer")
    alice = team.workflow("alice")
    workers = [_worker(team, "bob", "approve"), _worker(team, "carol", "request_changes")]
    try:
        for number in range(ROUNDS):
            draft = alice.create_draft(f"Round {number}: libraries open late on Thursdays.")
            revision = alice.submit(draft.id)
            start_at = time.time() + 0.15
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write(f"{draft.id} {revision.id} {start_at}\n")
                worker.stdin.flush()
            lines = [w.stdout.readline().strip() for w in workers if w.stdout is not None]
            winners = [line for line in lines if line.startswith("won")]
            assert len(winners) == 1, lines
            loser = next(line for line in lines if line.startswith("conflict"))
            assert "already" in loser or "same moment" in loser or "no longer" in loser
            final = alice.get(draft.id).state
            expected = State.APPROVED if lines[0].startswith("won") else State.CHANGES_REQUESTED
            assert final is expected
    finally:
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait(timeout=30)
            if worker.stdout is not None:
                worker.stdout.close()

    with team.database.engine.connect() as connection:
        per_draft = connection.exec_driver_sql(
            "SELECT draft_id, count(*) FROM decisions GROUP BY draft_id"
        ).all()
    assert len(per_draft) == ROUNDS
    assert all(count == 1 for _draft, count in per_draft), "a decision was doubled"
    assert audit.verify(team.database.engine).ok


def test_a_process_killed_inside_a_decision_changes_nothing(team: Team) -> None:
    team.add("alice", "author")
    team.add("bob", "reviewer")
    alice = team.workflow("alice")
    draft = alice.create_draft("Swimming pool closed for repairs until 3 May.")
    revision = alice.submit(draft.id)
    events_before = len(list(audit.events(team.database.engine)))

    worker = _worker(team, "bob", "hang")
    assert worker.stdin is not None
    assert worker.stdout is not None
    worker.stdin.write(f"{draft.id} {revision.id} 0\n")
    worker.stdin.flush()
    assert worker.stdout.readline().strip() == "inside"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    worker.stdin.close()
    worker.stdout.close()

    after = alice.get(draft.id)
    assert after.state is State.IN_REVIEW
    assert after.approved_revision_id is None
    with team.database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar() == 0
    assert len(list(audit.events(team.database.engine))) == events_before
    assert audit.verify(team.database.engine).ok
    # And the draft can still be decided normally.
    assert team.workflow("bob").approve(draft.id, revision.id).state is State.APPROVED
