"""Post options on drafts and revisions: post as a thread, and essential in an election period.

Both change what goes out, so a revision freezes them with its text: the reviewer
approves "this text, as a thread of 3", not the text alone. Existing rows get False: a
draft could not be submitted over a channel's limit before threads were an option, and
nothing could be marked essential.

Revision ID: 0005_post_options
Revises: 0004_publishing
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_post_options"
down_revision: str | None = "0004_publishing"
branch_labels: str | None = None
depends_on: str | None = None


def _options(*, essential: bool) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("as_thread", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("essential_reason", sa.Text(), nullable=False, server_default=""),
    ]
    if essential:
        columns.append(
            sa.Column("essential", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    return columns


def upgrade() -> None:
    # drafts.essential exists since 0002; revisions gain all three.
    for column in _options(essential=False):
        op.add_column("drafts", column)
    for column in _options(essential=True):
        op.add_column("revisions", column)


def downgrade() -> None:
    for table, names in (
        ("revisions", ("as_thread", "essential_reason", "essential")),
        ("drafts", ("as_thread", "essential_reason")),
    ):
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.drop_column(name)
