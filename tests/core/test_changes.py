"""Other desktops learn within a second that the queue changed."""

from __future__ import annotations

import threading

from postdesk.storage.changes import watcher_for
from tests.conftest import Team


def test_a_submission_elsewhere_is_noticed_within_a_second(team: Team) -> None:
    team.add("alice", "author")
    alice = team.workflow("alice")
    draft = alice.create_draft("Parking permits renew online from 1 June.")
    noticed = threading.Event()
    watcher = watcher_for(team.location.url)
    watcher.start(noticed.set)
    try:
        # Let the watcher settle: on PostgreSQL, LISTEN must be in place before the change.
        assert not noticed.wait(1.2)
        alice.submit(draft.id)
        assert noticed.wait(1.0), "the change was not noticed within a second"
    finally:
        watcher.stop()


def test_typing_in_a_draft_does_not_wake_postgres_listeners(pg_team: Team) -> None:
    pg_team.add("alice", "author")
    alice = pg_team.workflow("alice")
    draft = alice.create_draft("Draft")
    noticed = threading.Event()
    watcher = watcher_for(pg_team.location.url)
    watcher.start(noticed.set)
    try:
        noticed.wait(1.2)
        noticed.clear()
        alice.save_text(draft.id, "Draft, edited")
        assert not noticed.wait(1.5)
        alice.submit(draft.id)
        assert noticed.wait(1.0)
    finally:
        watcher.stop()
