"""The reviewer queue and the audit trail at scale: 100,000 drafts, 1,000,000 events.

Run: .venv/bin/python -m benchmarks.workflow_scale [--pg-url URL] [--drafts N] [--events N]

Builds the database once per backend (SQLite in a temporary folder; PostgreSQL at
--pg-url or $POSTDESK_TEST_DATABASE_URL's server, in a new database), then times, as the
median of repeated runs: the queue's first page of 50 with each filter, a text search,
and, as the baseline in the same run, a bare `SELECT ... LIMIT 50` on the drafts table.
Finally `audit verify` over every event.

Targets (issue 5): first page <= 50 ms median, search <= 200 ms, verify < 30 s.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from postdesk.storage.database import DatabaseLocation, open_database, sqlite_url
from postdesk.storage.schema import audit_events, draft_channels, drafts, revisions
from postdesk.workflow import audit
from postdesk.workflow.queue import QueueFilter, review_queue
from postdesk.workflow.service import text_hash

CHANNELS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
WORDS = (
    "council tax bins recycling library roadworks consultation grit winter flood school "
    "parking permit vaccine clinic jobs apprenticeship bus timetable planning park event"
).split()
BATCH = 20_000


def _post(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 45))).capitalize() + "."


def _populate(engine: sa.Engine, n_drafts: int, n_events: int) -> None:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    states = ["in_review"] * 3 + ["draft"] * 3 + ["published"] * 3 + ["approved"]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Bulk load without per-row triggers (a superuser-only switch, for set-up only).
            connection.exec_driver_sql("SET session_replication_role = replica")
        for first in range(1, n_drafts + 1, BATCH):
            ids = range(first, min(first + BATCH, n_drafts + 1))
            draft_rows, revision_rows, channel_rows = [], [], []
            for i in ids:
                body = _post(rng)
                when = start + timedelta(minutes=i)
                draft_rows.append(
                    {
                        "id": i,
                        "author": f"author{i % 50}",
                        "body": body,
                        "cursor_position": 0,
                        "created_at": when,
                        "updated_at": when,
                        "state": rng.choice(states),
                        "submitted_at": when,
                        "essential": False,
                    }
                )
                revision_rows.append(
                    {
                        "id": i,
                        "draft_id": i,
                        "number": 1,
                        "body": body,
                        "body_sha256": text_hash(body),
                        "channels": "",
                        "finding_count": rng.choice((0, 0, 0, 1, 2)),
                        "created_by": f"author{i % 50}",
                        "created_at": when,
                    }
                )
                for channel in rng.sample(CHANNELS, rng.randint(1, 3)):
                    channel_rows.append({"draft_id": i, "channel": channel})
            connection.execute(drafts.insert(), draft_rows)
            connection.execute(revisions.insert(), revision_rows)
            connection.execute(
                drafts.update()
                .where(drafts.c.id.in_(list(ids)))
                .values(current_revision_id=drafts.c.id)
            )
            connection.execute(draft_channels.insert(), channel_rows)
        prev = audit.GENESIS_HASH
        for first in range(1, n_events + 1, BATCH):
            rows = []
            for event_id in range(first, min(first + BATCH, n_events + 1)):
                when = start + timedelta(seconds=event_id)
                actor, draft_id = f"author{event_id % 50}", event_id % n_drafts + 1
                digest = audit.event_hash(
                    prev, event_id, when, actor, "edited", draft_id, None, "{}"
                )
                rows.append(
                    {
                        "id": event_id,
                        "occurred_at": when,
                        "actor": actor,
                        "event": "edited",
                        "draft_id": draft_id,
                        "revision_id": None,
                        "details": "{}",
                        "prev_hash": prev,
                        "hash": digest,
                    }
                )
                prev = digest
            connection.execute(audit_events.insert(), rows)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")


def _median_ms(fn: Callable[[], object], runs: int = 15) -> float:
    fn()  # warm the cache, as a reviewer's second look at the queue would be
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _measure(label: str, location: DatabaseLocation, n_drafts: int, n_events: int) -> None:
    database = open_database(location)
    engine = database.engine
    started = time.perf_counter()
    _populate(engine, n_drafts, n_events)
    print(
        f"\n{label}: built {n_drafts:,} drafts and {n_events:,} events in "
        f"{time.perf_counter() - started:.0f} s"
    )

    def bare() -> object:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT id, author, body FROM drafts LIMIT 50").all()

    base = _median_ms(bare)
    print(f"  {'baseline: bare SELECT ... LIMIT 50':<44}{base:8.1f} ms   1.0x")
    cases = {
        "queue, first page": QueueFilter(),
        "queue, channel = mastodon": QueueFilter(channel="mastodon"),
        "queue, one author": QueueFilter(author="author7"),
        "queue, has findings": QueueFilter(has_findings=True),
        "queue, waiting over 30 days": QueueFilter(
            submitted_before=datetime(2026, 2, 1, tzinfo=UTC)
        ),
        "queue, all filters": QueueFilter(
            channel="x",
            author="author7",
            has_findings=True,
            submitted_before=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        "search 'grit winter'": QueueFilter(search="grit winter"),
        "search, no match": QueueFilter(search="zzzz"),
    }
    for name, where in cases.items():
        ms = _median_ms(functools.partial(review_queue, engine, where))
        print(f"  {name:<44}{ms:8.1f} ms {ms / base:6.1f}x")
    started = time.perf_counter()
    result = audit.verify(engine)
    print(
        f"  audit verify over {result.checked:,} events: {time.perf_counter() - started:.1f} s "
        f"({'OK' if result.ok else 'BROKEN'})"
    )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("POSTDESK_TEST_PG_ADMIN_URL"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="postdesk-scale-"))
    _measure(
        "SQLite",
        DatabaseLocation(sqlite_url(folder / "scale.sqlite3"), "benchmark"),
        args.drafts,
        args.events,
    )
    if args.pg_url:
        admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        name = f"pd_scale_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = sa.make_url(args.pg_url).set(database=name)
            _measure("PostgreSQL", DatabaseLocation(url, "benchmark"), args.drafts, args.events)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.dispose()
    print("\ntargets: first page <= 50 ms median, search <= 200 ms, audit verify < 30 s")


if __name__ == "__main__":
    main()
