"""Channel accounts (credentials stay in the OS keyring) and per-channel publications.

Revision ID: 0004_publishing
Revises: 0003_queue_notify
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_publishing"
down_revision: str | None = "0003_queue_notify"
branch_labels: str | None = None
depends_on: str | None = None

_SQLITE = [
    """
    CREATE TRIGGER publications_only_approved BEFORE INSERT ON publications
    WHEN NEW.revision_id IS NOT (SELECT approved_revision_id FROM drafts WHERE id = NEW.draft_id)
    BEGIN SELECT RAISE(ABORT, 'only the approved revision can be published'); END
    """,
]
_POSTGRES = [
    """
    CREATE FUNCTION postdesk_check_publication() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.revision_id IS DISTINCT FROM
         (SELECT approved_revision_id FROM drafts WHERE id = NEW.draft_id) THEN
        RAISE EXCEPTION 'only the approved revision can be published'
          USING ERRCODE = 'check_violation';
      END IF;
      IF NOT postdesk_has_role(session_user, 'publisher') AND NOT postdesk_is_owner(session_user)
      THEN
        RAISE EXCEPTION 'only a publisher can publish (% is not one)', session_user
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER publications_check BEFORE INSERT OR UPDATE OF revision_id ON publications
    FOR EACH ROW EXECUTE FUNCTION postdesk_check_publication()
    """,
    "GRANT SELECT, INSERT, UPDATE ON channel_accounts, publications TO postdesk_user",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO postdesk_user",
]


def upgrade() -> None:
    op.create_table(
        "channel_accounts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("server_url", sa.String(500), nullable=False),
        sa.Column("display_name", sa.String(300), nullable=False, server_default=""),
        sa.Column("max_characters", sa.Integer()),
        sa.Column("characters_reserved_per_url", sa.Integer()),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_channel_accounts"),
        sa.UniqueConstraint(
            "platform", "handle", "server_url", name="uq_channel_accounts_platform"
        ),
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("record_keys", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("created_ats", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("posts", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("tries", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name="fk_publications_draft_id_drafts"
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name="fk_publications_revision_id_revisions"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["channel_accounts.id"],
            name="fk_publications_account_id_channel_accounts",
        ),
        sa.UniqueConstraint("revision_id", "account_id", name="uq_publications_revision_id"),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'published', 'failed')",
            name="ck_publications_state",
        ),
    )
    op.create_index("ix_publications_draft_id", "publications", ["draft_id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS publications_check ON publications")
        op.execute("DROP FUNCTION IF EXISTS postdesk_check_publication()")
    else:
        op.execute("DROP TRIGGER IF EXISTS publications_only_approved")
    op.drop_index("ix_publications_draft_id", table_name="publications")
    op.drop_table("publications")
    op.drop_table("channel_accounts")
