"""Opening the database: the URL, SQLite settings, PostgreSQL, and every bad start."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from postdesk.storage.database import (
    BUSY_TIMEOUT_MS,
    DATABASE_URL_ENV,
    HEAD_REVISION,
    DatabaseLocation,
    open_database,
    resolve_location,
    sqlite_url,
)
from postdesk.storage.errors import DatabaseOpenError, OpenProblem
from postdesk.workflow.drafts import DraftStore
from postdesk.workflow.people import ensure_first_person
from tests.helpers.sqlite import sqlite_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite_path(location: DatabaseLocation) -> Path:
    return Path(location.url.database or "")


class TestLocation:
    def test_default_is_sqlite_in_the_user_data_folder(self, user_folders: Path) -> None:
        location = resolve_location(None)
        assert location.source == "default"
        assert location.is_sqlite
        assert location.display == str(user_folders / "data" / "postdesk" / "postdesk.sqlite3")

    def test_setting_beats_default_and_environment_beats_setting(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert resolve_location("sqlite:////srv/team.sqlite3").source == "settings"
        monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://ann:s3cret@db.example/pd")
        location = resolve_location("sqlite:////srv/team.sqlite3")
        assert location.source == "environment"
        assert not location.is_sqlite
        assert "s3cret" not in location.display
        assert location.display == "postgresql+psycopg://ann:***@db.example/pd"


class TestSqlite:
    def test_new_file_is_created_in_wal_mode_with_foreign_keys_and_busy_timeout(
        self, sqlite_location: DatabaseLocation
    ) -> None:
        database = open_database(sqlite_location)
        try:
            with database.engine.connect() as connection:
                pragma = connection.exec_driver_sql
                assert pragma("PRAGMA journal_mode").scalar() == "wal"
                assert pragma("PRAGMA foreign_keys").scalar() == 1
                assert pragma("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        finally:
            database.dispose()
        assert _sqlite_path(sqlite_location).exists()

    def test_older_schema_is_backed_up_then_upgraded(
        self, sqlite_location: DatabaseLocation, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import postdesk.storage.database as database_module

        path = _sqlite_path(sqlite_location)
        open_database(sqlite_location).dispose()
        # Pretend this version knows a newer revision than the file has.
        with sqlite_file(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '0000_older'")
        monkeypatch.setattr(database_module, "KNOWN_REVISIONS", ("0000_older", HEAD_REVISION))

        with pytest.raises(DatabaseOpenError) as refused:
            open_database(sqlite_location, upgrade=False)
        assert refused.value.problem is OpenProblem.OLDER_SCHEMA

        from postdesk.storage import migrate

        upgraded: list[str] = []
        monkeypatch.setattr(
            migrate, "upgrade", lambda engine, target="head": upgraded.append(target)
        )
        open_database(sqlite_location).dispose()
        assert upgraded == ["head"]
        backups = list(path.parent.glob("postdesk.before-upgrade-from-0000_older-*.sqlite3"))
        assert len(backups) == 1
        with sqlite_file(backups[0]) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (
                "0000_older",
            )


@pytest.fixture
def existing_db(sqlite_location: DatabaseLocation) -> Path:
    database = open_database(sqlite_location)
    ensure_first_person(database.engine, "alice")
    store = DraftStore(database.engine, "alice")
    store.save_text(store.create().id, "Precious draft text", 3)
    database.dispose()
    return _sqlite_path(sqlite_location)


class TestBadStarts:
    """Each bad start is named, and the file is never written to."""

    def _refused(self, location: DatabaseLocation, problem: OpenProblem) -> DatabaseOpenError:
        path = _sqlite_path(location)
        before = _digest(path)
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(location)
        assert refused.value.problem is problem
        assert refused.value.location == str(path)
        assert _digest(path) == before, "a refused database file must not be changed"
        return refused.value

    def test_garbage_file(self, sqlite_location: DatabaseLocation) -> None:
        path = _sqlite_path(sqlite_location)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"This is a spreadsheet, not a database.\n" * 100)
        error = self._refused(sqlite_location, OpenProblem.CORRUPT)
        assert "damaged" in error.title

    def test_truncated_file(self, existing_db: Path, sqlite_location: DatabaseLocation) -> None:
        # Grow the file past one page so truncation cuts real content.
        database = open_database(sqlite_location)
        store = DraftStore(database.engine, "alice")
        for _ in range(40):
            store.create("x" * 3000)
        database.dispose()
        data = existing_db.read_bytes()
        existing_db.write_bytes(data[: len(data) // 2])
        self._refused(sqlite_location, OpenProblem.CORRUPT)

    def test_scribbled_pages(self, existing_db: Path, sqlite_location: DatabaseLocation) -> None:
        data = bytearray(existing_db.read_bytes())
        for offset in range(4096, len(data), 97):
            data[offset] = 0xA5
        existing_db.write_bytes(bytes(data))
        self._refused(sqlite_location, OpenProblem.CORRUPT)

    def test_someone_elses_database(self, sqlite_location: DatabaseLocation) -> None:
        path = _sqlite_path(sqlite_location)
        path.parent.mkdir(parents=True)
        with sqlite_file(path) as connection:
            connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        self._refused(sqlite_location, OpenProblem.NOT_POSTDESK)

    def test_newer_schema(self, existing_db: Path, sqlite_location: DatabaseLocation) -> None:
        with sqlite_file(existing_db) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        error = self._refused(sqlite_location, OpenProblem.NEWER_SCHEMA)
        assert "9999_from_the_future" in error.detail
        assert "newer version" in error.title

    @pytest.fixture
    def lock_holder(self, existing_db: Path) -> Iterator[subprocess.Popen[str]]:
        """Another program holding an exclusive lock on the file."""
        script = (
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(existing_db)!r}, isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode=DELETE')\n"
            "c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute('CREATE TABLE IF NOT EXISTS holder (x)')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n"
        )
        holder = subprocess.Popen(
            [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with holder:
            yield holder
            holder.kill()

    def test_locked_by_another_program(
        self,
        existing_db: Path,
        sqlite_location: DatabaseLocation,
        lock_holder: subprocess.Popen[str],
    ) -> None:
        # The holder has the file half-written inside its transaction; compare the bytes
        # on disk before and after our attempt, which must not touch them.
        started = time.monotonic()
        error = self._refused(sqlite_location, OpenProblem.LOCKED)
        assert time.monotonic() - started < 10
        assert "locked" in error.title

    def test_unwritable_folder(self, tmp_path: Path) -> None:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where a folder should be")
        location = DatabaseLocation(sqlite_url(blocker / "postdesk.sqlite3"), "test")
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(location)
        assert refused.value.problem is OpenProblem.UNWRITABLE


@pytest.mark.postgres
class TestPostgres:
    def test_current_user_is_the_database_login(self, pg_location: DatabaseLocation) -> None:
        database = open_database(pg_location)
        try:
            assert database.current_user == pg_location.url.username
        finally:
            database.dispose()

    def test_unreachable_server_is_named_without_its_password(self) -> None:
        location = DatabaseLocation(
            make_url("postgresql+psycopg://ann:s3cret-pw@127.0.0.1:1/postdesk"), "test"
        )
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(location)
        assert refused.value.problem is OpenProblem.UNREACHABLE
        assert "s3cret-pw" not in str(refused.value)
        assert "s3cret-pw" not in refused.value.location
        assert "127.0.0.1:1" in refused.value.location

    def test_newer_schema_on_the_team_database(self, pg_location: DatabaseLocation) -> None:
        open_database(pg_location).dispose()
        database = open_database(pg_location)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
        database.dispose()
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(pg_location)
        assert refused.value.problem is OpenProblem.NEWER_SCHEMA
