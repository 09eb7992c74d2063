"""Shared fixtures: isolated user folders, and databases on SQLite and real PostgreSQL."""

from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines (DEPENDENCIES.md, trap 4).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from postdesk import logs
from postdesk.storage.database import DatabaseLocation, sqlite_url

PG_URL_ENV = "POSTDESK_TEST_DATABASE_URL"
PG_ADMIN_URL_ENV = "POSTDESK_TEST_PG_ADMIN_URL"


@pytest.fixture(autouse=True)
def user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PostDesk's data, config and log folders into the test's own folder."""
    home = tmp_path / "user"
    for variable, name in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(variable, str(home / name))
    monkeypatch.delenv("POSTDESK_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def sqlite_location(tmp_path: Path) -> DatabaseLocation:
    """A SQLite file that does not exist yet."""
    return DatabaseLocation(sqlite_url(tmp_path / "db" / "postdesk.sqlite3"), "test")


@pytest.fixture
def pg_location() -> Iterator[DatabaseLocation]:
    """A fresh, empty database on the throwaway PostgreSQL server that ./dev test starts."""
    url = os.environ.get(PG_URL_ENV)
    admin_url = os.environ.get(PG_ADMIN_URL_ENV)
    if not url or not admin_url:
        pytest.fail(
            f"{PG_URL_ENV} is not set: run the suite with ./dev test, which starts PostgreSQL"
        )
    name = f"pd_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield DatabaseLocation(make_url(url).set(database=name), "test")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_location(request: pytest.FixtureRequest) -> DatabaseLocation:
    """The same test on the embedded SQLite default and on a real PostgreSQL server."""
    fixture = "sqlite_location" if request.param == "sqlite" else "pg_location"
    location: DatabaseLocation = request.getfixturevalue(fixture)
    return location


@pytest.fixture
def log_file(user_folders: Path) -> Iterator[Path]:
    """PostDesk's rotating log file, in the test's own folder, removed afterwards."""
    path = logs.configure()
    assert path == user_folders / "state" / "postdesk" / "log" / "postdesk.log"
    yield path
    root = logging.getLogger("postdesk")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
