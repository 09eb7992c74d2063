"""Review workflow: states, revisions, people and roles, decisions, comments, sign-offs,
and the hash-chained audit trail, with the rules the database itself enforces.

Revision ID: 0002_workflow
Revises: 0001_drafts
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from postdesk.storage.migrations import rules_0002

revision: str = "0002_workflow"
down_revision: str | None = "0001_drafts"
branch_labels: str | None = None
depends_on: str | None = None

_NOW = sa.func.now()


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("channels", sa.String(200), nullable=False, server_default=""),
        sa.Column("finding_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(200), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_revisions_draft_id_drafts"),
        sa.UniqueConstraint("draft_id", "number", name="uq_revisions_draft_id_number"),
    )
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("state", sa.String(32), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("current_revision_id", sa.Integer()))
        batch.add_column(sa.Column("approved_revision_id", sa.Integer()))
        batch.add_column(_when("submitted_at", nullable=True))
        batch.add_column(
            sa.Column("essential", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_drafts_current_revision_id_revisions", "revisions", ["current_revision_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_drafts_approved_revision_id_revisions",
            "revisions",
            ["approved_revision_id"],
            ["id"],
        )
        batch.create_check_constraint(
            "state",
            "state IN ('draft', 'in_review', 'changes_requested', 'approved', 'publishing', "
            "'published', 'partly_published', 'failed', 'rejected', 'withdrawn')",
        )
    op.create_index("ix_drafts_state_submitted_at", "drafts", ["state", "submitted_at"])

    op.create_table(
        "draft_channels",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("draft_id", "channel", name="pk_draft_channels"),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["drafts.id"],
            name="fk_draft_channels_draft_id_drafts",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_draft_channels_channel", "draft_channels", ["channel", "draft_id"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("login", name="uq_users_login"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_roles_user_id_users"),
        sa.CheckConstraint(
            "role IN ('author', 'reviewer', 'publisher', 'admin')", name="ck_user_roles_role"
        ),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_decisions_draft_id_drafts"),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name="fk_decisions_revision_id_revisions"
        ),
        sa.CheckConstraint(
            "decision IN ('approved', 'changes_requested', 'rejected')",
            name="ck_decisions_decision",
        ),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer()),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("anchor_start", sa.Integer()),
        sa.Column("anchor_end", sa.Integer()),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_comments_draft_id_drafts"),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name="fk_comments_revision_id_revisions"
        ),
        sa.CheckConstraint(
            "(anchor_start IS NULL AND anchor_end IS NULL) OR "
            "(revision_id IS NOT NULL AND 0 <= anchor_start AND anchor_start <= anchor_end)",
            name="ck_comments_anchor",
        ),
    )
    op.create_index("ix_comments_draft_id", "comments", ["draft_id"])
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=False),
        _when("signed_at"),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_offs"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_sign_offs_draft_id_drafts"),
    )
    op.create_index("ix_sign_offs_draft_id", "sign_offs", ["draft_id"])
    op.create_table(
        "review_views",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        _when("seen_at"),
        sa.PrimaryKeyConstraint("draft_id", "reviewer", name="pk_review_views"),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name="fk_review_views_draft_id_drafts"
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name="fk_review_views_revision_id_revisions"
        ),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        _when("occurred_at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("draft_id", sa.Integer()),
        sa.Column("revision_id", sa.Integer()),
        sa.Column("details", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sa.UniqueConstraint("hash", name="uq_audit_events_hash"),
    )
    op.create_index("ix_audit_events_draft_id", "audit_events", ["draft_id"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])

    bind = op.get_bind()
    for statement in rules_0002.statements(bind.dialect.name):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in rules_0002.drop_statements(bind.dialect.name):
        op.execute(statement)
    for table in (
        "audit_events",
        "review_views",
        "sign_offs",
        "comments",
        "decisions",
        "user_roles",
        "users",
        "draft_channels",
    ):
        op.drop_table(table)
    op.drop_index("ix_drafts_state_submitted_at", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint("ck_drafts_state", type_="check")
        batch.drop_constraint("fk_drafts_approved_revision_id_revisions", type_="foreignkey")
        batch.drop_constraint("fk_drafts_current_revision_id_revisions", type_="foreignkey")
        for column in (
            "essential",
            "submitted_at",
            "approved_revision_id",
            "current_revision_id",
            "state",
        ):
            batch.drop_column(column)
    op.drop_table("revisions")
