"""Drafts as the editor sees them: one person's drafts, their text and cursor.

Reads are plain queries; writes go through the workflow (`Workflow.create_draft` and
`Workflow.save_text`), so the editor's autosave obeys the same rules as everything else:
only the author edits, and an edit after submission or approval takes the draft back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from postdesk.storage.errors import DatabaseWriteError
from postdesk.storage.schema import draft_channels, drafts
from postdesk.workflow.errors import WorkflowError
from postdesk.workflow.service import Workflow

_PREVIEW_CHARS = 120
# The channels a new draft starts with; the author toggles them (Ctrl+1 to Ctrl+7).
DEFAULT_CHANNELS = ("bluesky", "mastodon", "x")


@dataclass(frozen=True)
class DraftRecord:
    """A draft's working text and where the cursor was."""

    id: int
    author: str
    body: str
    cursor_position: int
    created_at: datetime
    updated_at: datetime
    # The channel ids it is for, sorted.
    channels: tuple[str, ...] = ()
    # How it goes out (see postdesk.workflow.service.PostOptions).
    as_thread: bool = False
    essential: bool = False
    essential_reason: str = ""


@dataclass(frozen=True)
class DraftSummary:
    """One row of "My drafts": enough to show it without loading the whole text."""

    id: int
    preview: str
    updated_at: datetime


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything PostDesk writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _record(connection: Connection, row: sa.Row[tuple[object, ...]]) -> DraftRecord:
    mapping = row._mapping
    channels = connection.execute(
        sa.select(draft_channels.c.channel)
        .where(draft_channels.c.draft_id == mapping["id"])
        .order_by(draft_channels.c.channel)
    ).scalars()
    return DraftRecord(
        id=mapping["id"],
        author=mapping["author"],
        body=mapping["body"],
        cursor_position=mapping["cursor_position"],
        created_at=_utc(mapping["created_at"]),
        updated_at=_utc(mapping["updated_at"]),
        channels=tuple(channels),
        as_thread=bool(mapping["as_thread"]),
        essential=bool(mapping["essential"]),
        essential_reason=str(mapping["essential_reason"]),
    )


class DraftStore:
    """Reads and writes one person's drafts. Safe to call from a single worker thread."""

    def __init__(self, engine: Engine, author: str) -> None:
        self._engine = engine
        self._author = author
        self._workflow = Workflow(engine, author)

    @property
    def author(self) -> str:
        """Whose drafts these are."""
        return self._author

    def create(self, body: str = "", channels: tuple[str, ...] = DEFAULT_CHANNELS) -> DraftRecord:
        """Start a new draft.

        Raises:
            DatabaseWriteError: the draft could not be created (the reason says why).
        """
        with _write_errors():
            view = self._workflow.create_draft(body, channels)
        record = self.get(view.id)
        assert record is not None
        return record

    def get(self, draft_id: int) -> DraftRecord | None:
        """One draft, or None if it does not exist or is someone else's."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(drafts).where(drafts.c.id == draft_id, drafts.c.author == self._author)
            ).first()
            return _record(connection, row) if row else None

    def latest(self) -> DraftRecord | None:
        """The draft this person changed last: the one to reopen at start-up."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(drafts)
                .where(drafts.c.author == self._author)
                .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
                .limit(1)
            ).first()
            return _record(connection, row) if row else None

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

    def set_channels(self, draft_id: int, channels: tuple[str, ...]) -> None:
        """Choose the channels a draft is for.

        Raises:
            DatabaseWriteError: the change could not be saved.
        """
        with _write_errors():
            self._workflow.set_channels(draft_id, channels)

    def set_options(
        self, draft_id: int, *, as_thread: bool, essential: bool, essential_reason: str
    ) -> None:
        """Choose whether it goes out as a thread, and whether it is essential and why.

        Raises:
            DatabaseWriteError: the change could not be saved.
        """
        with _write_errors():
            self._workflow.set_options(
                draft_id,
                as_thread=as_thread,
                essential=essential,
                essential_reason=essential_reason,
            )

    def save_text(self, draft_id: int, body: str, cursor_position: int) -> datetime:
        """Save the working text and cursor; returns the time saved.

        Raises:
            DatabaseWriteError: the save failed; nothing was changed.
        """
        with _write_errors():
            return self._workflow.save_text(draft_id, body, cursor_position).updated_at


def _preview(head: str) -> str:
    first_line = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return first_line or "(empty draft)"


@contextmanager
def _write_errors() -> Iterator[None]:
    """A refused or failed write, as the one error the editor's callers handle."""
    try:
        yield
    except WorkflowError as exc:
        raise DatabaseWriteError(str(exc)) from None
    except sa.exc.DBAPIError as exc:
        raise DatabaseWriteError(_reason(exc)) from None


def _reason(exc: sa.exc.DBAPIError) -> str:
    # The driver's message only: str(exc) would carry the SQL parameters, i.e. post text.
    message = str(exc.orig).strip()
    return message.splitlines()[0] if message else type(exc.orig).__name__
