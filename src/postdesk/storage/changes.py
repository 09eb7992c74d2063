"""Knowing when someone else changed the database, so queues update by themselves.

PostgreSQL: a dedicated connection LISTENs on a channel that a trigger NOTIFYs when a
draft changes state (migration 0003). The thread blocks on the socket; nothing polls the
server. SQLite: a thread reads the file's change counter (PRAGMA data_version, which moves
only when another connection commits) twice a second: a cheap local read, no query.

The callback runs on the watcher's thread; a Qt caller forwards it with a signal.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine.url import URL

logger = logging.getLogger(__name__)

PG_CHANNEL = "postdesk_changes"
SQLITE_INTERVAL_S = 0.5
_PG_WAKE_S = 1.0  # how often the listener checks whether it was asked to stop


class ChangeWatcher(Protocol):
    """Calls back when another connection changed the database."""

    def start(self, on_change: Callable[[], None]) -> None:
        """Start watching on a background thread."""

    def stop(self) -> None:
        """Stop watching and wait for the thread to end."""


class _ThreadedWatcher(ABC):
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_change: Callable[[], None]) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(on_change,), name=type(self).__name__, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @abstractmethod
    def _run(self, on_change: Callable[[], None]) -> None:
        """Watch until asked to stop, calling `on_change` after each change."""


class SqliteChangeWatcher(_ThreadedWatcher):
    """Watches a SQLite file's change counter."""

    def __init__(self, path: str, interval_s: float = SQLITE_INTERVAL_S) -> None:
        super().__init__()
        self._path = path
        self._interval_s = interval_s

    def _run(self, on_change: Callable[[], None]) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False)
        try:
            last = connection.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(self._interval_s):
                try:
                    now = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error as exc:
                    logger.warning("Could not read the database's change counter: %s", exc)
                    continue
                if now != last:
                    last = now
                    on_change()
        finally:
            connection.close()


class PostgresChangeWatcher(_ThreadedWatcher):
    """LISTENs for the state-change notifications of migration 0003."""

    def __init__(self, url: URL) -> None:
        super().__init__()
        # psycopg takes a libpq URL: the same address without SQLAlchemy's "+psycopg".
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run(self, on_change: Callable[[], None]) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {PG_CHANNEL}")
                    while not self._stop.is_set():
                        for _notice in connection.notifies(timeout=_PG_WAKE_S, stop_after=1):
                            on_change()
            except psycopg.Error as exc:
                # The team database went away; try again shortly, quietly.
                logger.warning("Change notifications lost (%s); reconnecting", type(exc).__name__)
                self._stop.wait(5)


def watcher_for(url: URL) -> ChangeWatcher:
    """The right watcher for a database URL."""
    if url.get_backend_name() == "sqlite":
        return SqliteChangeWatcher(url.database or "")
    return PostgresChangeWatcher(url)
