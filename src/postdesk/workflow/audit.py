"""The audit trail: an append-only, hash-chained record of everything that happened.

Each event's hash covers its id, time, actor, event name, draft, revision, details and the
previous event's hash, so editing or deleting a row breaks the chain from that row on, and
`verify` names the first broken event. The database also refuses UPDATE and DELETE on the
table (migration 0002); the chain catches what a database administrator could still do.

What it cannot catch on its own: removing the newest events (the chain still verifies up
to the new end). An export kept elsewhere, or the count in a records-management system,
shows that.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from postdesk.storage.schema import audit_events

GENESIS_HASH = "0" * 64
# Any constant: serialises appends to the chain across PostgreSQL connections.
_PG_AUDIT_LOCK = 0x61756469  # "audi"
_VERIFY_BATCH = 20_000

EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "event",
    "draft_id",
    "revision_id",
    "details",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AuditEvent:
    """One recorded event."""

    id: int
    occurred_at: datetime
    actor: str
    event: str
    draft_id: int | None
    revision_id: int | None
    details: str
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict with the time in ISO 8601 UTC."""
        return {
            "id": self.id,
            "occurred_at": timestamp(self.occurred_at),
            "actor": self.actor,
            "event": self.event,
            "draft_id": self.draft_id,
            "revision_id": self.revision_id,
            "details": json.loads(self.details),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the whole chain.

    Attributes:
        ok: whether every event is intact.
        checked: how many events were checked.
        broken_id: the first event that does not verify, or None.
        reason: why it does not verify.
    """

    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str | None = None


def timestamp(moment: datetime) -> str:
    """The canonical UTC form hashed into the chain (SQLite returns naive UTC datetimes)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_details(details: dict[str, Any] | None) -> str:
    """Details as canonical JSON: the exact string stored and hashed."""
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(
    prev_hash: str,
    event_id: int,
    occurred_at: datetime,
    actor: str,
    event: str,
    draft_id: int | None,
    revision_id: int | None,
    details: str,
) -> str:
    """The hash of one event, chained to the previous one."""
    payload = json.dumps(
        [event_id, timestamp(occurred_at), actor, event, draft_id, revision_id, details, prev_hash],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def append(
    connection: Connection,
    *,
    actor: str,
    event: str,
    draft_id: int | None = None,
    revision_id: int | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Record an event in the caller's transaction, so it commits or rolls back with it."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_AUDIT_LOCK})")
    # On SQLite the caller's BEGIN IMMEDIATE already holds the only write lock.
    last = connection.execute(
        sa.select(audit_events.c.id, audit_events.c.hash)
        .order_by(audit_events.c.id.desc())
        .limit(1)
    ).first()
    event_id = (last.id + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    moment = occurred_at or datetime.now(UTC)
    detail_text = canonical_details(details)
    digest = event_hash(
        prev_hash, event_id, moment, actor, event, draft_id, revision_id, detail_text
    )
    connection.execute(
        audit_events.insert().values(
            id=event_id,
            occurred_at=moment,
            actor=actor,
            event=event,
            draft_id=draft_id,
            revision_id=revision_id,
            details=detail_text,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    return AuditEvent(
        event_id, moment, actor, event, draft_id, revision_id, detail_text, prev_hash, digest
    )


def record(
    engine: Engine, *, actor: str, event: str, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Record an event that is not part of a draft's transition, in its own transaction."""
    with engine.begin() as connection:
        return append(connection, actor=actor, event=event, details=details)


def events(
    engine: Engine, *, since: datetime | None = None, draft_id: int | None = None
) -> Generator[AuditEvent, None, None]:
    """Events in order, streamed in batches (a million events never sit in memory)."""
    query = sa.select(audit_events).order_by(audit_events.c.id)
    if since is not None:
        query = query.where(audit_events.c.occurred_at >= since)
    if draft_id is not None:
        query = query.where(audit_events.c.draft_id == draft_id)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=_VERIFY_BATCH).execute(query)
        try:
            for row in result:
                yield AuditEvent(*row)
        finally:
            result.close()  # a server-side cursor on PostgreSQL, even if we stop early


def verify(engine: Engine) -> VerifyResult:
    """Recompute the whole chain; report the first event that does not verify."""
    stream = events(engine)
    try:
        return _verify_stream(stream)
    finally:
        stream.close()  # stops the query at once when an early event is broken


def _verify_stream(stream: Iterator[AuditEvent]) -> VerifyResult:
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    for item in stream:
        if item.id != expected_id:
            return VerifyResult(
                False, checked, item.id, f"events {expected_id} to {item.id - 1} are missing"
            )
        if item.prev_hash != expected_prev:
            return VerifyResult(False, checked, item.id, "it does not follow the event before it")
        recomputed = event_hash(
            item.prev_hash,
            item.id,
            item.occurred_at,
            item.actor,
            item.event,
            item.draft_id,
            item.revision_id,
            item.details,
        )
        if recomputed != item.hash:
            return VerifyResult(False, checked, item.id, "its contents were changed")
        expected_prev = item.hash
        expected_id += 1
        checked += 1
    return VerifyResult(True, checked)


def export(engine: Engine, out: TextIO, fmt: str, *, since: datetime | None = None) -> int:
    """Write events as CSV or JSON lines for records management or an FOI request."""
    written = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for item in events(engine, since=since):
            row = item.to_json()
            row["details"] = item.details
            writer.writerow([_csv_cell(row[column]) for column in EXPORT_COLUMNS])
            written += 1
    elif fmt == "jsonl":
        for item in events(engine, since=since):
            out.write(json.dumps(item.to_json(), ensure_ascii=True) + "\n")
            written += 1
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return written


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with =, +, - or @ runs as a formula in spreadsheets.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_to_string(engine: Engine, fmt: str) -> str:
    """The export as a string (for tests and small databases)."""
    buffer = io.StringIO()
    export(engine, buffer, fmt)
    return buffer.getvalue()
