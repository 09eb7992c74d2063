"""Tell every listening desktop when a draft changes state (PostgreSQL LISTEN/NOTIFY).

Revision ID: 0003_queue_notify
Revises: 0002_workflow
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision: str = "0003_queue_notify"
down_revision: str | None = "0002_workflow"
branch_labels: str | None = None
depends_on: str | None = None

# The channel name is also in postdesk.storage.changes.PG_CHANNEL.
_CREATE = [
    """
    CREATE FUNCTION postdesk_notify_state() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('postdesk_changes',
                        json_build_object('draft', NEW.id, 'state', NEW.state)::text);
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER drafts_notify_state AFTER UPDATE OF state ON drafts
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION postdesk_notify_state()
    """,
]
_DROP = [
    "DROP TRIGGER IF EXISTS drafts_notify_state ON drafts",
    "DROP FUNCTION IF EXISTS postdesk_notify_state()",
]


def upgrade() -> None:
    # SQLite has no notifications: desktops watch the file's change counter instead.
    if op.get_bind().dialect.name == "postgresql":
        for statement in _CREATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _DROP:
            op.execute(statement)
