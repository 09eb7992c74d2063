"""The review workflow (Qt-free): drafts, revisions, four-eyes approval, the audit trail."""
