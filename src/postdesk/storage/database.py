"""Opening the database: the URL, the engine, bad-start detection and migrations.

The embedded default is a SQLite file in the user data folder, in WAL mode with foreign
keys on and a busy timeout. A team points every desktop at one PostgreSQL database with
``POSTDESK_DATABASE_URL=postgresql+psycopg://...``. The same code and the same Alembic
migrations serve both.

Before anything is written, an existing SQLite file is probed read-only: a locked,
damaged or foreign file, or one from a newer PostDesk, is reported and left untouched.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL

from postdesk import paths
from postdesk.storage.errors import DatabaseOpenError, OpenProblem

logger = logging.getLogger(__name__)

DATABASE_URL_ENV = "POSTDESK_DATABASE_URL"
# Every migration this version knows, oldest first. tests/core/test_migrations.py checks
# this against Alembic's own history, so start-up can decide "up to date", "needs an
# upgrade" or "from a newer PostDesk" without importing Alembic (it costs ~0.4 s).
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_drafts",
    "0002_workflow",
    "0003_queue_notify",
    "0004_publishing",
    "0005_post_options",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]

BUSY_TIMEOUT_MS = 5000
# At start-up a lock held this long means another program is holding the file.
_PROBE_TIMEOUT_S = 2.0
# quick_check reads every page; above this size the start-up cost outweighs the check and
# damage is reported by the first query that touches it instead.
_QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class DatabaseLocation:
    """Which database to use and why."""

    url: URL
    # "environment", "settings" or "default": shown in Settings and in bug reports.
    source: str

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite backend."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def display(self) -> str:
        """The file path, or the URL with any password hidden."""
        if self.is_sqlite and self.url.database:
            return str(Path(self.url.database))
        return self.url.render_as_string(hide_password=True)


def resolve_location(setting: str | None = None) -> DatabaseLocation:
    """The environment wins over the setting, which wins over the embedded default."""
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return DatabaseLocation(make_url(from_env), "environment")
    if setting:
        return DatabaseLocation(make_url(setting), "settings")
    path = paths.default_database_path()
    return DatabaseLocation(make_url(f"sqlite:///{path}"), "default")


def sqlite_url(path: Path) -> URL:
    """The SQLAlchemy URL of a SQLite file."""
    return make_url(f"sqlite:///{path}")


@dataclass
class Database:
    """An open, migrated database and who is using it."""

    engine: Engine
    location: DatabaseLocation
    # SQLite: the operating-system login. PostgreSQL: the database login (session_user).
    current_user: str

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def create_engine(url: URL) -> Engine:
    """An engine with PostDesk's connection settings for the backend."""
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions over from the sqlite3 module, so BEGIN is ours (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # In WAL mode NORMAL survives a killed process; only a power cut can lose the
        # last commit, and the autosave repeats it within a second of the next keystroke.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock at the start, so two writers wait on the busy
        # timeout instead of failing with "database is locked" half way through.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_database(location: DatabaseLocation, *, upgrade: bool = True) -> Database:
    """Open the database, apply pending migrations, and say who the user is.

    Raises:
        DatabaseOpenError: the database cannot be used. Nothing has been written to it.
    """
    if location.is_sqlite:
        revision = _probe_sqlite(location)
    engine = create_engine(location.url)
    try:
        with engine.connect() as connection:
            if not location.is_sqlite:
                revision = _read_revision(connection, location)
            current_user = _current_user(connection)
            connection.rollback()
        if revision != HEAD_REVISION:
            if not upgrade:
                raise DatabaseOpenError(
                    OpenProblem.OLDER_SCHEMA,
                    location.display,
                    f"schema revision {revision or 'none'}, expected {HEAD_REVISION}",
                )
            _upgrade(engine, location, revision)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except sa.exc.OperationalError as exc:
        engine.dispose()
        problem = OpenProblem.LOCKED if _is_locked(exc) else OpenProblem.UNREACHABLE
        if location.is_sqlite and problem is OpenProblem.UNREACHABLE:
            problem = OpenProblem.UNWRITABLE
        raise DatabaseOpenError(problem, location.display, _safe_detail(exc)) from None
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise DatabaseOpenError(
            OpenProblem.CORRUPT if location.is_sqlite else OpenProblem.UNREACHABLE,
            location.display,
            _safe_detail(exc),
        ) from None
    logger.info("Opened %s database (%s)", location.url.get_backend_name(), location.source)
    return Database(engine, location, current_user)


def _probe_sqlite(location: DatabaseLocation) -> str | None:
    """Read an existing SQLite file without writing: its migration revision, or None if new."""
    path = Path(location.url.database or "")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseOpenError(OpenProblem.UNWRITABLE, str(path), str(exc)) from None
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseOpenError(OpenProblem.UNWRITABLE, str(path), str(exc)) from None
    if header and header != _SQLITE_HEADER:
        raise DatabaseOpenError(OpenProblem.CORRUPT, str(path), "the file is not a SQLite file")
    try:
        probe = sqlite3.connect(
            f"{path.as_uri()}?mode=ro", uri=True, timeout=_PROBE_TIMEOUT_S, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise DatabaseOpenError(OpenProblem.UNWRITABLE, str(path), str(exc)) from None
    try:
        if path.stat().st_size <= _QUICK_CHECK_MAX_BYTES:
            # Reads every page once: a truncated or scribbled file fails here, not later.
            check = probe.execute("PRAGMA quick_check(1)").fetchone()
            if check is None or check[0] != "ok":
                raise DatabaseOpenError(OpenProblem.CORRUPT, str(path), str(check and check[0]))
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseOpenError(
                    OpenProblem.NOT_POSTDESK, str(path), "it has tables but no PostDesk schema"
                )
            return None
        row = probe.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        problem = OpenProblem.LOCKED if "locked" in str(exc) else OpenProblem.CORRUPT
        raise DatabaseOpenError(problem, str(path), str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseOpenError(OpenProblem.CORRUPT, str(path), str(exc)) from None
    finally:
        probe.close()
    revision = row[0] if row else None
    _check_known(revision, location)
    return revision


def _read_revision(connection: Connection, location: DatabaseLocation) -> str | None:
    inspector = sa.inspect(connection)
    if not inspector.has_table("alembic_version"):
        if inspector.get_table_names():
            raise DatabaseOpenError(
                OpenProblem.NOT_POSTDESK, location.display, "it has tables but no PostDesk schema"
            )
        return None
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    _check_known(revision, location)
    return revision


def _check_known(revision: str | None, location: DatabaseLocation) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseOpenError(
            OpenProblem.NEWER_SCHEMA,
            location.display,
            f"schema revision {revision!r} is not one this version ({HEAD_REVISION}) knows",
        )


def _current_user(connection: Connection) -> str:
    if connection.dialect.name == "postgresql":
        return str(connection.exec_driver_sql("SELECT session_user").scalar_one())
    return getpass.getuser()


def _upgrade(engine: Engine, location: DatabaseLocation, revision: str | None) -> None:
    # Imported here: only a new or older database pays for Alembic at start-up.
    from postdesk.storage import migrate

    if location.is_sqlite and revision is not None:
        migrate.backup_sqlite(Path(location.url.database or ""), revision)
    migrate.upgrade(engine)


def _is_locked(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def _safe_detail(exc: sa.exc.DBAPIError) -> str:
    # str(exc) includes the SQL statement and parameters (post text); the driver's own
    # message does not. psycopg never puts the password in its messages.
    return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
