"""The database tables, as SQLAlchemy Core metadata.

Alembic migrations in ``postdesk/storage/migrations`` create these tables; this module is
what the code queries. `tests/core/test_migrations.py` proves the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

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
    # The workflow state; the allowed moves between states are in postdesk.workflow.states.
    Column("state", String(32), nullable=False, server_default="draft"),
    # The revision under review or decided on last, and the revision approved (if any).
    Column(
        "current_revision_id",
        Integer,
        ForeignKey("revisions.id", use_alter=True, name="fk_drafts_current_revision_id_revisions"),
    ),
    Column(
        "approved_revision_id",
        Integer,
        ForeignKey("revisions.id", use_alter=True, name="fk_drafts_approved_revision_id_revisions"),
    ),
    Column("submitted_at", DateTime(timezone=True)),
    # Marked essential by its author: may be published during an election period.
    Column("essential", Boolean, nullable=False, server_default=text("false")),
    # Why it is essential, in the author's words, for the reviewer and the audit trail.
    Column("essential_reason", Text, nullable=False, server_default=""),
    # Post a text too long for one post as a numbered thread where the channel has threads.
    Column("as_thread", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint(
        "state IN ('draft', 'in_review', 'changes_requested', 'approved', 'publishing', "
        "'published', 'partly_published', 'failed', 'rejected', 'withdrawn')",
        name="state",
    ),
)

# "My drafts", newest first, and the draft to reopen at start-up.
Index("ix_drafts_author_updated_at", drafts.c.author, drafts.c.updated_at)
# The reviewer queue: drafts in review, oldest submission first.
Index("ix_drafts_state_submitted_at", drafts.c.state, drafts.c.submitted_at)

draft_channels = Table(
    "draft_channels",
    metadata,
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(32), nullable=False),
    PrimaryKeyConstraint("draft_id", "channel"),
)
Index("ix_draft_channels_channel", draft_channels.c.channel, draft_channels.c.draft_id)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    # 1, 2, 3... per draft: what people call "revision 2".
    Column("number", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("body_sha256", String(64), nullable=False),
    # The channels it was submitted for, comma-separated channel ids.
    Column("channels", String(200), nullable=False, server_default=""),
    # Whether it had block-level findings when it was frozen (a queue filter).
    Column("finding_count", Integer, nullable=False, server_default="0"),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The draft's post options, frozen with the text: they are part of what is approved.
    Column("as_thread", Boolean, nullable=False, server_default=text("false")),
    Column("essential_reason", Text, nullable=False, server_default=""),
    Column("essential", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("draft_id", "number", name="uq_revisions_draft_id_number"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # SQLite mode: the operating-system login; PostgreSQL mode: the database login.
    Column("login", String(200), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("role", String(32), nullable=False),
    PrimaryKeyConstraint("user_id", "role"),
    CheckConstraint("role IN ('author', 'reviewer', 'publisher', 'admin')", name="role"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("decision", String(32), nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("decision IN ('approved', 'changes_requested', 'rejected')", name="decision"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    # The revision the comment is about; None for a general comment on the draft.
    Column("revision_id", Integer, ForeignKey("revisions.id")),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    # A span of the revision's text (Python string indices), or None for the whole post.
    Column("anchor_start", Integer),
    Column("anchor_end", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "(anchor_start IS NULL AND anchor_end IS NULL) OR "
        "(revision_id IS NOT NULL AND 0 <= anchor_start AND anchor_start <= anchor_end)",
        name="anchor",
    ),
)
Index("ix_comments_draft_id", comments.c.draft_id)

sign_offs = Table(
    "sign_offs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    Column("item_id", String(100), nullable=False),
    Column("signed_by", String(200), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    # The tick holds only for this exact text: any edit changes the hash and clears it.
    Column("text_sha256", String(64), nullable=False),
)
Index("ix_sign_offs_draft_id", sign_offs.c.draft_id)

review_views = Table(
    "review_views",
    metadata,
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    Column("reviewer", String(200), nullable=False),
    # The last revision this reviewer opened: the base of "what changed since you looked".
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("draft_id", "reviewer"),
)

audit_events = Table(
    "audit_events",
    metadata,
    # BIGINT on PostgreSQL; SQLite's rowid alias must be spelled INTEGER.
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("event", String(64), nullable=False),
    Column("draft_id", Integer),
    Column("revision_id", Integer),
    # Event details as canonical JSON (never post text or tokens).
    Column("details", Text, nullable=False, server_default="{}"),
    # Hash chain: each event's hash covers its own fields and the previous event's hash.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)
Index("ix_audit_events_draft_id", audit_events.c.draft_id)
Index("ix_audit_events_occurred_at", audit_events.c.occurred_at)

channel_accounts = Table(
    "channel_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("handle", String(300), nullable=False),
    # The Mastodon server or Bluesky PDS; the API base for X and LinkedIn.
    Column("server_url", String(500), nullable=False),
    Column("display_name", String(300), nullable=False, server_default=""),
    # Mastodon's limits, read from the server when the account was verified.
    Column("max_characters", Integer),
    Column("characters_reserved_per_url", Integer),
    Column("added_by", String(200), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("platform", "handle", "server_url", name="uq_channel_accounts_platform"),
)

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id"), nullable=False),
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("account_id", Integer, ForeignKey("channel_accounts.id"), nullable=False),
    # pending -> sending -> published | failed; "sending" after a crash means "unknown".
    Column("state", String(16), nullable=False, server_default="pending"),
    # Chosen and stored before the first request, reused by every retry (exactly once).
    Column("idempotency_key", String(64), nullable=False),
    # JSON: the exact parts sent, Bluesky's record keys and createdAt, the posts made.
    Column("parts", Text, nullable=False),
    Column("record_keys", Text, nullable=False, server_default="[]"),
    Column("created_ats", Text, nullable=False, server_default="[]"),
    Column("posts", Text, nullable=False, server_default="[]"),
    Column("tries", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("revision_id", "account_id", name="uq_publications_revision_id"),
    CheckConstraint("state IN ('pending', 'sending', 'published', 'failed')", name="state"),
)
Index("ix_publications_draft_id", publications.c.draft_id)
