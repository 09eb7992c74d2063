"""Alembic environment: PostDesk always passes an open connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from postdesk.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
