"""The reviewer queue: drafts awaiting review, oldest first, with filters and search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from postdesk.storage.schema import draft_channels, drafts, revisions
from postdesk.workflow.states import State

PAGE_SIZE = 50
_PREVIEW_CHARS = 140


@dataclass(frozen=True)
class QueueFilter:
    """What the reviewer wants to see. Every field narrows the queue; None means any.

    Attributes:
        channel: only drafts for this channel id.
        author: only this author's drafts.
        submitted_before: only drafts waiting since before this time (their age).
        has_findings: only drafts whose revision had findings (True) or none (False).
        search: only drafts whose revision text contains this, ignoring case.
    """

    channel: str | None = None
    author: str | None = None
    submitted_before: datetime | None = None
    has_findings: bool | None = None
    search: str | None = None


@dataclass(frozen=True)
class QueueRow:
    """One draft waiting for review."""

    draft_id: int
    author: str
    submitted_at: datetime
    revision_id: int
    revision_number: int
    preview: str
    finding_count: int


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def review_queue(
    engine: Engine, where: QueueFilter = QueueFilter(), *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[QueueRow]:
    """A page of the queue, oldest submission first."""
    query = (
        sa.select(
            drafts.c.id,
            drafts.c.author,
            drafts.c.submitted_at,
            revisions.c.id.label("revision_id"),
            revisions.c.number,
            sa.func.substr(revisions.c.body, 1, _PREVIEW_CHARS).label("head"),
            revisions.c.finding_count,
        )
        .join(revisions, revisions.c.id == drafts.c.current_revision_id)
        .where(drafts.c.state == State.IN_REVIEW.value)
        .order_by(drafts.c.submitted_at, drafts.c.id)
        .limit(limit)
        .offset(offset)
    )
    if where.channel is not None:
        query = query.where(
            sa.exists().where(
                draft_channels.c.draft_id == drafts.c.id, draft_channels.c.channel == where.channel
            )
        )
    if where.author is not None:
        query = query.where(drafts.c.author == where.author)
    if where.submitted_before is not None:
        query = query.where(drafts.c.submitted_at <= where.submitted_before)
    if where.has_findings is not None:
        query = query.where(
            revisions.c.finding_count > 0 if where.has_findings else revisions.c.finding_count == 0
        )
    if where.search:
        query = query.where(revisions.c.body.ilike(f"%{_escape_like(where.search)}%", escape="\\"))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        QueueRow(
            row.id,
            row.author,
            row.submitted_at if row.submitted_at.tzinfo else row.submitted_at.replace(tzinfo=UTC),
            row.revision_id,
            row.number,
            " ".join(row.head.split()),
            row.finding_count,
        )
        for row in rows
    ]
