"""The database tables, as SQLAlchemy Core metadata.

Alembic migrations in ``postdesk/storage/migrations`` create these tables; this module is
what the code queries. `tests/core/test_migrations.py` proves the two agree.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, func

# Stable constraint names, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # SQLite mode: the operating-system login; PostgreSQL mode: the database login.
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False, server_default=""),
    # The editor's cursor, in UTF-16 code units as Qt counts them, so it is restored exactly.
    Column("cursor_position", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# "My drafts", newest first, and the draft to reopen at start-up.
Index("ix_drafts_author_updated_at", drafts.c.author, drafts.c.updated_at)
