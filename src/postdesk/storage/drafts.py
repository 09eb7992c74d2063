"""Drafts: the working text a person is typing, saved as they type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from postdesk.storage.errors import DatabaseWriteError
from postdesk.storage.schema import drafts
from postdesk.storage.text import storable

_PREVIEW_CHARS = 120


@dataclass(frozen=True)
class DraftRecord:
    """A draft's working text and where the cursor was."""

    id: int
    author: str
    body: str
    cursor_position: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DraftSummary:
    """One row of "My drafts": enough to show it without loading the whole text."""

    id: int
    preview: str
    updated_at: datetime


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything PostDesk writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _record(row: sa.Row[tuple[object, ...]]) -> DraftRecord:
    mapping = row._mapping
    return DraftRecord(
        id=mapping["id"],
        author=mapping["author"],
        body=mapping["body"],
        cursor_position=mapping["cursor_position"],
        created_at=_utc(mapping["created_at"]),
        updated_at=_utc(mapping["updated_at"]),
    )


class DraftStore:
    """Reads and writes one person's drafts. Safe to call from a single worker thread."""

    def __init__(self, engine: Engine, author: str) -> None:
        self._engine = engine
        self._author = author

    @property
    def author(self) -> str:
        """Whose drafts these are."""
        return self._author

    def create(self, body: str = "") -> DraftRecord:
        """Start a new draft."""
        now = datetime.now(UTC)
        try:
            with self._engine.begin() as connection:
                new_id = connection.execute(
                    drafts.insert()
                    .values(
                        author=self._author,
                        body=storable(body),
                        cursor_position=0,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(drafts.c.id)
                ).scalar_one()
        except sa.exc.DBAPIError as exc:
            raise DatabaseWriteError(_reason(exc)) from None
        return DraftRecord(new_id, self._author, storable(body), 0, now, now)

    def get(self, draft_id: int) -> DraftRecord | None:
        """One draft, or None if it does not exist or is someone else's."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(drafts).where(drafts.c.id == draft_id, drafts.c.author == self._author)
            ).first()
        return _record(row) if row else None

    def latest(self) -> DraftRecord | None:
        """The draft this person changed last: the one to reopen at start-up."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(drafts)
                .where(drafts.c.author == self._author)
                .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
                .limit(1)
            ).first()
        return _record(row) if row else None

    def summaries(self, limit: int = 500) -> list[DraftSummary]:
        """This person's drafts, most recently changed first."""
        query = (
            sa.select(
                drafts.c.id,
                sa.func.substr(drafts.c.body, 1, _PREVIEW_CHARS).label("head"),
                drafts.c.updated_at,
            )
            .where(drafts.c.author == self._author)
            .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [DraftSummary(row.id, _preview(row.head), _utc(row.updated_at)) for row in rows]

    def save_text(self, draft_id: int, body: str, cursor_position: int) -> datetime:
        """Save the working text and cursor; returns the time saved.

        Raises:
            DatabaseWriteError: the save failed; nothing was changed.
        """
        now = datetime.now(UTC)
        try:
            with self._engine.begin() as connection:
                result = connection.execute(
                    drafts.update()
                    .where(drafts.c.id == draft_id, drafts.c.author == self._author)
                    .values(body=storable(body), cursor_position=cursor_position, updated_at=now)
                )
                if result.rowcount != 1:
                    raise DatabaseWriteError(f"draft {draft_id} no longer exists")
        except sa.exc.DBAPIError as exc:
            raise DatabaseWriteError(_reason(exc)) from None
        return now


def _preview(head: str) -> str:
    first_line = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return first_line or "(empty draft)"


def _reason(exc: sa.exc.DBAPIError) -> str:
    # The driver's message only: str(exc) would carry the SQL parameters, i.e. post text.
    message = str(exc.orig).strip()
    return message.splitlines()[0] if message else type(exc.orig).__name__
