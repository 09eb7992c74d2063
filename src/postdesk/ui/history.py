"""A draft's history: its revisions, what changed between them, comments and audit events;
and the Published screen: every published post with its links."""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.dbworker import DatabaseWorker

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from postdesk.workflow.audit import AuditEvent
    from postdesk.workflow.service import Comment, Revision, Workflow


@dataclass(frozen=True)
class DraftHistory:
    """Everything recorded about one draft."""

    revisions: list[Revision]
    comments: list[Comment]
    events: list[AuditEvent]


def load_history(workflow: Workflow, draft_id: int) -> DraftHistory:
    """Read a draft's revisions, comments and audit events (on the database thread)."""
    from postdesk.workflow import audit

    events = list(audit.events(workflow.engine, draft_id=draft_id))
    return DraftHistory(workflow.revisions(draft_id), workflow.comments(draft_id), events)


def history_html(history: DraftHistory) -> str:
    """The history as simple, accessible HTML: headings, lists and marked changes."""
    parts = ["<h2>Revisions</h2>"]
    previous = ""
    for revision in history.revisions:
        parts.append(
            f"<h3>Revision {revision.number}, by {html.escape(revision.created_by)}, "
            f"{revision.created_at.astimezone():%d %b %Y %H:%M}</h3>"
        )
        parts.append(f"<p>{_marked_changes(previous, revision.body)}</p>")
        parts.append(f"<p>{html.escape(_how_it_goes_out(revision))}</p>")
        previous = revision.body
    if not history.revisions:
        parts.append("<p>Not submitted yet.</p>")
    parts.append("<h2>Comments</h2><ul>")
    parts.extend(
        f"<li><b>{html.escape(c.author)}</b>: {html.escape(c.body)}"
        + (f" (on characters {c.anchor[0]} to {c.anchor[1]})" if c.anchor else "")
        + "</li>"
        for c in history.comments
    )
    parts.append("</ul><h2>Audit trail</h2><ul>")
    parts.extend(
        f"<li>{e.occurred_at.astimezone():%d %b %Y %H:%M:%S} {html.escape(e.actor)}: "
        f"{html.escape(e.event.replace('_', ' '))}</li>"
        for e in history.events
    )
    parts.append("</ul>")
    return "".join(parts)


def _how_it_goes_out(revision: Revision) -> str:
    """Its channels, whether it goes as a thread, and any election-period claim, in the
    words the review screen uses."""
    from postdesk.ui.review_text import channels_text, essential_text, thread_text

    said = (
        channels_text(revision),
        thread_text(revision, {}),
        # Isolated, so a right-to-left reason stays in its place; no break points: the
        # history is copied and flows as HTML.
        essential_text(revision, isolate=True, wrap=False),
    )
    return " ".join(part for part in said if part)


def _marked_changes(before: str, after: str) -> str:
    """`after`, with words added since `before` underlined and removed ones struck out,
    and said in words too (colour is never the only signal)."""
    old, new = before.split(), after.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "delete") and before:
            out.append(f"<s>[removed: {html.escape(' '.join(old[i1:i2]))}]</s>")
        if tag in ("replace", "insert") and before:
            out.append(f"<u>[added: {html.escape(' '.join(new[j1:j2]))}]</u>")
        if tag == "equal" or not before:
            out.append(html.escape(" ".join(new[j1:j2])))
    return " ".join(out)


class HistoryDialog(QDialog):
    """A draft's history (Ctrl+H)."""

    def __init__(
        self, worker: DatabaseWorker, workflow: Workflow, draft_id: int, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Draft history")
        self.setAccessibleName("Draft history")
        self.view = QTextBrowser()
        self.view.setAccessibleName("History of this draft")
        self.view.setPlainText("Loading…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(700, 600)
        worker.call(
            lambda: load_history(workflow, draft_id),
            lambda history: self.view.setHtml(history_html(history)),
            lambda error: self.view.setPlainText(f"Could not load the history: {error}"),
        )


def published_html(engine: Engine) -> str:
    """Every published post with its links (on the database thread)."""
    import json

    import sqlalchemy as sa

    from postdesk.storage.schema import channel_accounts, publications, revisions

    query = (
        sa.select(
            publications.c.draft_id,
            publications.c.posts,
            publications.c.updated_at,
            channel_accounts.c.platform,
            channel_accounts.c.handle,
            sa.func.substr(revisions.c.body, 1, 140).label("head"),
        )
        .join(channel_accounts, channel_accounts.c.id == publications.c.account_id)
        .join(revisions, revisions.c.id == publications.c.revision_id)
        .where(publications.c.state == "published")
        .order_by(publications.c.updated_at.desc())
        .limit(200)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows:
        return "<p>Nothing has been published yet.</p>"
    items = []
    for row in rows:
        links = " ".join(
            f'<a href="{html.escape(p["url"])}">{html.escape(p["url"])}</a>'
            for p in json.loads(row.posts)
        )
        items.append(
            f"<li><b>{html.escape(row.platform)}</b> ({html.escape(row.handle)}): "
            f"{html.escape(' '.join(row.head.split()))}<br>{links}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


class PublishedScreen(QTextBrowser):
    """Published posts, newest first, with links that open in the browser."""

    def __init__(self, worker: DatabaseWorker, engine: Engine) -> None:
        super().__init__()
        self.setAccessibleName("Published posts")
        self.setOpenExternalLinks(True)
        self._worker, self._engine = worker, engine
        self.reload()

    def reload(self) -> None:
        """Read the published posts again."""
        engine = self._engine
        self._worker.call(lambda: published_html(engine), self.setHtml)
