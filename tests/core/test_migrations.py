"""Migrations: start-up's list of revisions matches Alembic, and the schema matches the code."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from postdesk.storage import migrate
from postdesk.storage.database import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    DatabaseLocation,
    open_database,
)
from postdesk.storage.schema import metadata


def test_known_revisions_match_alembic_history() -> None:
    assert list(KNOWN_REVISIONS) == migrate.revisions()
    assert migrate.revisions()[-1] == HEAD_REVISION


def test_migrated_schema_matches_the_tables_the_code_uses(any_location: DatabaseLocation) -> None:
    database = open_database(any_location)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, metadata)
        assert differences == []
        with database.engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == HEAD_REVISION
    finally:
        database.dispose()
