"""Reviewers' comments on a draft, with a way to jump to the words an anchored one is about.

Used on the author's side (beside the editor) and on the reviewer's screen. Independent of
the composer: it only shows comments and says, by a signal, which span to show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from postdesk.workflow.service import Comment

# Qt.ItemDataRole.UserRole as a number: this module may load before the first frame, and
# `from PySide6.QtCore import Qt` builds Qt's whole enum namespace (start-up speed).
_COMMENT_ROLE = 256
_QUOTE_LIMIT = 80


def quoted_span(text: str, start: int, end: int, limit: int = _QUOTE_LIMIT) -> str | None:
    """The words `text[start:end]` on one line, in quotation marks, shortened if long.

    None when the span is not inside the text (a comment about a different revision).
    """
    if not 0 <= start <= end <= len(text):
        return None
    words = " ".join(text[start:end].split())
    if len(words) > limit:
        words = words[: limit - 1].rstrip() + "…"
    return f"“{words}”"


def comment_text(comment: Comment, quote: str | None, *, earlier: bool) -> str:
    """How a comment reads in a list: who, when, what it is about, and what they said."""
    when = f"{comment.created_at.astimezone():%d %b %H:%M}"
    about = ""
    if comment.anchor is not None:
        where = "an earlier revision" if earlier else "the text"
        about = f", on {quote} in {where}" if quote else f", on words in {where}"
    return f"{comment.author}, {when}{about}:\n{comment.body}"


class CommentsPanel(QWidget):
    """A list of comments, newest first; anchored ones can be shown in the text.

    Enter (or a double-click, or "Show in the text") on an anchored comment emits
    `anchor_activated`; the owner moves its editor there.

    Signals:
        anchor_activated: (start, end, revision id): code-point offsets into the body of
            the revision the comment is about.
        comment_selected: the comment now current in the list (a Comment), or None.
    """

    anchor_activated = Signal(int, int, int)
    comment_selected = Signal(object)

    def __init__(self, title: str = "Reviewers' comments", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.list = QListWidget()
        self.list.setAccessibleName(title.replace("&", ""))
        self.list.setAccessibleDescription(
            "Press Enter on a comment about particular words to show them in the text."
        )
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.title.setBuddy(self.list)
        self.empty = QLabel("No comments yet.")
        self.show_button = QPushButton("Show in the te&xt")
        self.show_button.setAccessibleName("Show the words this comment is about in the text")
        self.show_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.show_button)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.itemActivated.connect(self._on_activated)
        self.show_button.clicked.connect(self.activate_current)
        self.show_comments("", [])

    def show_comments(
        self,
        body: str,
        comments: Sequence[Comment],
        *,
        revision_id: int | None = None,
        revision_bodies: Mapping[int, str] | None = None,
    ) -> None:
        """List `comments`, newest first.

        Args:
            body: the text of the revision the comments are about (to quote the words).
            comments: the draft's comments, in any order.
            revision_id: which revision `body` is; comments about other revisions are
                marked as being about an earlier one. None: all are taken to be about `body`.
            revision_bodies: other revisions' texts by id, to quote comments about them.
        """
        bodies = dict(revision_bodies or {})
        self.list.clear()
        for comment in sorted(comments, key=lambda c: (c.created_at, c.id), reverse=True):
            earlier = revision_id is not None and comment.revision_id != revision_id
            text = body
            if earlier and comment.revision_id is not None:
                text = bodies.get(comment.revision_id, "")
            quote = quoted_span(text, *comment.anchor) if comment.anchor else None
            item = QListWidgetItem(comment_text(comment, quote, earlier=earlier))
            item.setData(_COMMENT_ROLE, comment)
            self.list.addItem(item)
        self.empty.setVisible(not comments)
        self.list.setVisible(bool(comments))
        self.show_button.setEnabled(False)
        self.comment_selected.emit(None)

    def comments(self) -> list[Comment]:
        """The comments as listed, top to bottom."""
        return [self._comment_of(self.list.item(row)) for row in range(self.list.count())]

    def current_comment(self) -> Comment | None:
        """The comment the list's cursor is on."""
        item = self.list.currentItem()
        return self._comment_of(item) if item is not None else None

    @Slot()
    def activate_current(self) -> None:
        """Show the current comment's words (if it is about particular words)."""
        comment = self.current_comment()
        if comment is not None and comment.anchor is not None and comment.revision_id is not None:
            self.anchor_activated.emit(comment.anchor[0], comment.anchor[1], comment.revision_id)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        comment = self._comment_of(current) if current is not None else None
        self.show_button.setEnabled(comment is not None and comment.anchor is not None)
        self.comment_selected.emit(comment)

    @Slot(QListWidgetItem)
    def _on_activated(self, item: QListWidgetItem) -> None:
        self.list.setCurrentItem(item)
        self.activate_current()

    @staticmethod
    def _comment_of(item: QListWidgetItem) -> Comment:
        comment: Comment = item.data(_COMMENT_ROLE)
        return comment
