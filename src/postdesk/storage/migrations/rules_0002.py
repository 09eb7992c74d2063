"""The database-side workflow rules created by migration 0002, frozen with it.

PostDesk checks every rule in Python first (postdesk.workflow); these triggers make the
database refuse the same things from any client. On PostgreSQL they are the real line of
defence: an author who connects with psql and bypasses PostDesk still cannot approve
their own draft, publish anything but the approved revision, rewrite a revision, act as
someone else, or edit the audit trail. On SQLite, where whoever can open the file can do
anything, they catch mistakes, and the audit trail's hash chain detects tampering.
"""

from __future__ import annotations

# Rules shared by both backends, written in SQLite's trigger dialect.
_SQLITE = [
    *(
        f"""
        CREATE TRIGGER {table}_{verb.lower()}_refused BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} are {what}: they cannot be changed'); END
        """
        for table, what in (
            ("revisions", "immutable"),
            ("decisions", "immutable"),
            ("audit_events", "append-only"),
        )
        for verb in ("UPDATE", "DELETE")
    ),
    """
    CREATE TRIGGER decisions_four_eyes BEFORE INSERT ON decisions
    WHEN NEW.reviewer = (SELECT author FROM drafts WHERE id = NEW.draft_id)
    BEGIN SELECT RAISE(ABORT, 'four-eyes rule: nobody decides on their own draft'); END
    """,
    """
    CREATE TRIGGER drafts_author_fixed BEFORE UPDATE OF author ON drafts
    WHEN NEW.author <> OLD.author
    BEGIN SELECT RAISE(ABORT, 'a draft''s author cannot change'); END
    """,
    """
    CREATE TRIGGER drafts_approval_needs_decision BEFORE UPDATE OF state ON drafts
    WHEN NEW.state = 'approved' AND OLD.state <> 'approved' AND (
        NEW.approved_revision_id IS NULL
        OR NEW.approved_revision_id IS NOT NEW.current_revision_id
        OR NOT EXISTS (
            SELECT 1 FROM decisions d
            WHERE d.draft_id = NEW.id AND d.revision_id = NEW.approved_revision_id
              AND d.decision = 'approved' AND d.reviewer <> NEW.author))
    BEGIN SELECT RAISE(ABORT, 'four-eyes rule: approval needs another person''s decision'); END
    """,
    """
    CREATE TRIGGER drafts_publish_only_approved BEFORE UPDATE OF state ON drafts
    WHEN NEW.state = 'publishing' AND (
        NEW.approved_revision_id IS NULL
        OR NEW.approved_revision_id IS NOT OLD.approved_revision_id
        OR OLD.state NOT IN ('approved', 'publishing', 'partly_published', 'failed'))
    BEGIN SELECT RAISE(ABORT, 'only the approved revision can be published'); END
    """,
]

_SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_{verb}_refused"
        for table in ("revisions", "decisions", "audit_events")
        for verb in ("update", "delete")
    ),
    "DROP TRIGGER IF EXISTS decisions_four_eyes",
    "DROP TRIGGER IF EXISTS drafts_author_fixed",
    "DROP TRIGGER IF EXISTS drafts_approval_needs_decision",
    "DROP TRIGGER IF EXISTS drafts_publish_only_approved",
]

# PostgreSQL: the same rules, plus identity: every row a client writes is written as its
# own database login (session_user), and roles come from PostDesk's users table.
_POSTGRES = [
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postdesk_user') THEN
        CREATE ROLE postdesk_user NOLOGIN;
      END IF;
    END $$
    """,
    """
    CREATE FUNCTION postdesk_has_role(who text, wanted text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
      SELECT EXISTS (
        SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
        WHERE u.login = who AND r.role = wanted AND NOT u.disabled)
    $$
    """,
    """
    CREATE FUNCTION postdesk_is_owner(who text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
      SELECT who = (SELECT tableowner::text FROM pg_tables
                    WHERE schemaname = current_schema() AND tablename = 'drafts')
    $$
    """,
    """
    CREATE FUNCTION postdesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% rows cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION postdesk_refuse_change()
        """
        for table in ("revisions", "decisions", "audit_events")
    ),
    """
    CREATE FUNCTION postdesk_check_draft() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE me text := session_user;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.author <> me AND NOT postdesk_is_owner(me) THEN
          RAISE EXCEPTION 'drafts are created as their author (%), not as %', me, NEW.author
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.state <> 'draft' OR NEW.approved_revision_id IS NOT NULL THEN
          RAISE EXCEPTION 'a new draft starts in the draft state'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END IF;
      IF NEW.author <> OLD.author THEN
        RAISE EXCEPTION 'a draft''s author cannot change' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.state = 'approved' AND OLD.state <> 'approved' THEN
        IF me = NEW.author THEN
          RAISE EXCEPTION 'four-eyes rule: % cannot approve their own draft', me
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT postdesk_has_role(me, 'reviewer') THEN
          RAISE EXCEPTION 'only a reviewer can approve (% is not one)', me
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.approved_revision_id IS NULL
           OR NEW.approved_revision_id IS DISTINCT FROM NEW.current_revision_id
           OR NOT EXISTS (SELECT 1 FROM decisions d
                          WHERE d.draft_id = NEW.id AND d.revision_id = NEW.approved_revision_id
                            AND d.decision = 'approved' AND d.reviewer = me) THEN
          RAISE EXCEPTION 'approval must name the revision under review and record the decision'
            USING ERRCODE = 'check_violation';
        END IF;
      ELSIF NEW.approved_revision_id IS DISTINCT FROM OLD.approved_revision_id
            AND NEW.approved_revision_id IS NOT NULL THEN
        RAISE EXCEPTION 'only an approval can set the approved revision'
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'publishing' AND OLD.state <> 'publishing' THEN
        IF NEW.approved_revision_id IS NULL
           OR NEW.approved_revision_id IS DISTINCT FROM OLD.approved_revision_id
           OR OLD.state NOT IN ('approved', 'partly_published', 'failed') THEN
          RAISE EXCEPTION 'only the approved revision can be published'
            USING ERRCODE = 'check_violation';
        END IF;
        IF NOT postdesk_has_role(me, 'publisher') THEN
          RAISE EXCEPTION 'only a publisher can publish (% is not one)', me
            USING ERRCODE = 'insufficient_privilege';
        END IF;
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER drafts_check BEFORE INSERT OR UPDATE ON drafts
    FOR EACH ROW EXECUTE FUNCTION postdesk_check_draft()
    """,
    """
    CREATE FUNCTION postdesk_check_decision() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE me text := session_user;
    BEGIN
      IF NEW.reviewer <> me THEN
        RAISE EXCEPTION 'decisions are recorded as their reviewer (%), not as %', me, NEW.reviewer
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF me = (SELECT author FROM drafts WHERE id = NEW.draft_id) THEN
        RAISE EXCEPTION 'four-eyes rule: % cannot decide on their own draft', me
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NOT postdesk_has_role(me, 'reviewer') THEN
        RAISE EXCEPTION 'only a reviewer can decide (% is not one)', me
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER decisions_check BEFORE INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION postdesk_check_decision()
    """,
    """
    CREATE FUNCTION postdesk_check_actor() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE me text := session_user; claimed text := to_jsonb(NEW) ->> TG_ARGV[0];
    BEGIN
      IF claimed <> me AND NOT postdesk_is_owner(me) THEN
        RAISE EXCEPTION '% rows are written as their author (%), not as %', TG_TABLE_NAME, me,
          claimed USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_actor BEFORE INSERT ON {table}
        FOR EACH ROW EXECUTE FUNCTION postdesk_check_actor('{column}')
        """
        for table, column in (
            ("revisions", "created_by"),
            ("comments", "author"),
            ("sign_offs", "signed_by"),
            ("review_views", "reviewer"),
            ("audit_events", "actor"),
        )
    ),
    """
    CREATE FUNCTION postdesk_check_admin() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE me text := session_user;
    BEGIN
      IF postdesk_is_owner(me) OR postdesk_has_role(me, 'admin')
         OR NOT EXISTS (SELECT 1 FROM user_roles WHERE role = 'admin') THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'only an admin can change people and roles (% is not one)', me
        USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_admin_only BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION postdesk_check_admin()
        """
        for table in ("users", "user_roles")
    ),
    """
    GRANT SELECT, INSERT, UPDATE ON drafts, draft_channels, revisions, decisions, comments,
      sign_offs, review_views, users, user_roles TO postdesk_user
    """,
    "GRANT DELETE ON draft_channels, user_roles TO postdesk_user",
    "GRANT SELECT, INSERT ON audit_events TO postdesk_user",
    "GRANT SELECT ON alembic_version TO postdesk_user",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO postdesk_user",
]

_POSTGRES_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
        for trigger, table in (
            ("revisions_refuse_change", "revisions"),
            ("decisions_refuse_change", "decisions"),
            ("audit_events_refuse_change", "audit_events"),
            ("drafts_check", "drafts"),
            ("decisions_check", "decisions"),
            ("revisions_actor", "revisions"),
            ("comments_actor", "comments"),
            ("sign_offs_actor", "sign_offs"),
            ("review_views_actor", "review_views"),
            ("audit_events_actor", "audit_events"),
            ("users_admin_only", "users"),
            ("user_roles_admin_only", "user_roles"),
        )
    ),
    *(
        f"DROP FUNCTION IF EXISTS {function}"
        for function in (
            "postdesk_check_admin()",
            "postdesk_check_actor()",
            "postdesk_check_decision()",
            "postdesk_check_draft()",
            "postdesk_refuse_change()",
            "postdesk_is_owner(text)",
            "postdesk_has_role(text, text)",
        )
    ),
]


def statements(dialect: str) -> list[str]:
    """The statements that create the rules on this backend."""
    return _POSTGRES if dialect == "postgresql" else _SQLITE


def drop_statements(dialect: str) -> list[str]:
    """The statements that remove them (downgrade)."""
    return _POSTGRES_DROP if dialect == "postgresql" else _SQLITE_DROP
