"""Drafts: the working text and cursor, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from postdesk.storage.database import Database, DatabaseLocation, open_database
from postdesk.storage.errors import DatabaseWriteError
from postdesk.workflow.drafts import DraftStore
from postdesk.workflow.people import People
from postdesk.workflow.states import Role


@pytest.fixture
def database(any_location: DatabaseLocation) -> Iterator[Database]:
    database = open_database(any_location)
    people = People(database.engine, database.current_user)
    for login in ("alice", "bob"):
        people.add(login, [Role.AUTHOR])
    yield database
    database.dispose()


def test_create_save_and_reopen(database: Database, any_location: DatabaseLocation) -> None:
    store = DraftStore(database.engine, "alice")
    draft = store.create()
    saved_at = store.save_text(draft.id, "Apply for your licence by 31 January.", 12)
    database.dispose()

    reopened = open_database(any_location)  # a new process, as it were
    try:
        latest = DraftStore(reopened.engine, "alice").latest()
    finally:
        reopened.dispose()
    assert latest is not None
    assert latest.id == draft.id
    assert latest.body == "Apply for your licence by 31 January."
    assert latest.cursor_position == 12
    assert latest.updated_at == saved_at


def test_latest_and_summaries_are_newest_first(database: Database) -> None:
    store = DraftStore(database.engine, "alice")
    first, second = store.create("First post"), store.create("\n\n  Second post\nmore")
    store.save_text(first.id, "First post, edited", 0)
    latest = store.latest()
    assert latest is not None
    assert latest.id == first.id
    assert [(s.id, s.preview) for s in store.summaries()] == [
        (first.id, "First post, edited"),
        (second.id, "Second post"),
    ]


def test_people_only_see_their_own_drafts(database: Database) -> None:
    alice, bob = DraftStore(database.engine, "alice"), DraftStore(database.engine, "bob")
    draft = alice.create("Alice's words")
    assert bob.get(draft.id) is None
    assert bob.latest() is None
    assert bob.summaries() == []
    with pytest.raises(DatabaseWriteError):
        bob.save_text(draft.id, "overwritten", 0)
    saved = alice.get(draft.id)
    assert saved is not None
    assert saved.body == "Alice's words"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("emoji 👩‍👩‍👧‍👦 and RTL مرحبا", "emoji 👩‍👩‍👧‍👦 and RTL مرحبا"),
        ("nul\x00here", "nul\ufffdhere"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("zero\u200bwidth\u202eoverride", "zero\u200bwidth\u202eoverride"),
        ("crlf\r\nline", "crlf\r\nline"),
    ],
)
def test_odd_unicode_is_stored_without_losing_the_draft(
    database: Database, typed: str, stored: str
) -> None:
    store = DraftStore(database.engine, "alice")
    draft = store.create()
    store.save_text(draft.id, typed, len(typed))
    saved = store.get(draft.id)
    assert saved is not None
    assert saved.body == stored
    assert len(saved.body) == len(typed)


def test_a_one_megabyte_paste_is_saved(database: Database) -> None:
    store = DraftStore(database.engine, "alice")
    draft = store.create()
    huge = "Plain English helps everyone. " * 35_000
    store.save_text(draft.id, huge, 5)
    saved = store.get(draft.id)
    assert saved is not None
    assert saved.body == huge
    assert store.summaries()[0].preview == huge[:120].strip()
