"""Shared fixtures: isolated user folders, and databases on SQLite and real PostgreSQL."""

from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines (DEPENDENCIES.md, trap 4).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from postdesk import logs
from postdesk.storage.database import DatabaseLocation, sqlite_url

if TYPE_CHECKING:
    from postdesk.workflow.service import Workflow

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
def fresh_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No site settings from this machine; the rule pack in force built afresh for the test.

    For tests whose settings (election periods, a department pack) change the findings.
    """
    from postdesk.analysis.report import default_policy
    from postdesk.site_settings import SITE_SETTINGS_ENV

    monkeypatch.setenv(SITE_SETTINGS_ENV, str(tmp_path / "site" / "settings.json"))
    default_policy.cache_clear()
    yield
    default_policy.cache_clear()


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


class Team:
    """People on one database: on SQLite, names; on PostgreSQL, real database logins.

    On PostgreSQL each person connects as their own login role (created for the test and
    granted postdesk_user), so the database's own rules see who they are.
    """

    def __init__(self, location: DatabaseLocation) -> None:
        from postdesk.storage.database import open_database

        self.location = location
        self.database = open_database(location)
        self.is_postgres = not location.is_sqlite
        self._suffix = uuid.uuid4().hex[:6]
        self._engines: dict[str, sa.Engine] = {}
        self._roles: list[str] = []

    def login(self, name: str) -> str:
        """The login this test's `name` has on this backend."""
        return f"{name}_{self._suffix}" if self.is_postgres else name

    def engine(self, name: str) -> sa.Engine:
        """An engine that connects as `name` (the one shared engine on SQLite)."""
        if not self.is_postgres:
            return self.database.engine
        login = self.login(name)
        if login not in self._engines:
            if login not in self._roles:
                with self.database.engine.begin() as connection:
                    connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
                    connection.exec_driver_sql(f'GRANT postdesk_user TO "{login}"')
                self._roles.append(login)
            url = self.location.url.set(username=login)
            self._engines[login] = sa.create_engine(url)
        return self._engines[login]

    def add(self, name: str, *roles: str) -> str:
        """Register `name` with roles (as the database owner, the first admin)."""
        from postdesk.workflow.people import People
        from postdesk.workflow.states import Role

        self.engine(name)  # creates the login role on PostgreSQL
        owner = self.database.current_user
        People(self.database.engine, owner).add(self.login(name), [Role(r) for r in roles])
        return self.login(name)

    def workflow(self, name: str, **options: object) -> Workflow:
        """`name`'s view of the workflow.

        Tests that are not about sign-offs get none to tick (`sign_off_items` overrides
        that); the pack's own items are tested in test_workflow.py.
        """
        from postdesk.workflow.service import Workflow

        options.setdefault("sign_off_items", lambda _role, _text: ())
        return Workflow(self.engine(name), self.login(name), **options)  # type: ignore[arg-type]

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self.database.dispose()
        if self._roles:
            admin = sa.create_engine(os.environ[PG_ADMIN_URL_ENV], isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                # Roles are cluster-wide, unlike the test's database: drop them too.
                for login in self._roles:
                    connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            admin.dispose()


@pytest.fixture
def team(any_location: DatabaseLocation) -> Iterator[Team]:
    """People working on one database, on SQLite and on PostgreSQL."""
    people = Team(any_location)
    yield people
    people.close()


@pytest.fixture
def pg_team(pg_location: DatabaseLocation) -> Iterator[Team]:
    """People on a PostgreSQL database only (rules that need session_user)."""
    people = Team(pg_location)
    yield people
    people.close()
