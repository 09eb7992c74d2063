"""Alembic migrations, run from code against an open engine (no alembic.ini needed)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

# Any constant works; it keeps two PostDesk instances from migrating one database at once.
_PG_MIGRATION_LOCK = 0x706F7374  # "post"


def _config() -> Config:
    config = Config()
    location = resources.files("postdesk.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def revisions() -> list[str]:
    """Every revision in the migration history, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(engine: Engine, target: str = "head") -> None:
    """Apply migrations up to `target` in one transaction."""
    config = _config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    logger.info("Database schema upgraded to %s", target)


def backup_sqlite(path: Path, revision: str) -> Path:
    """Copy a SQLite file (consistently, with the backup API) before migrating it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-from-{revision}-{stamp}{path.suffix}")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    logger.info("Backed up the database before upgrading it: %s", target)
    return target
