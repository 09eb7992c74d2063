"""Autosave: the editor's text is saved within a second of the last keystroke.

Saving is debounced (a pause in typing triggers it) and also throttled, so someone who
types without pausing still has their work saved every few seconds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit

from postdesk.ui.dbworker import DatabaseWorker

if TYPE_CHECKING:
    from datetime import datetime

    from postdesk.workflow.drafts import DraftStore

logger = logging.getLogger(__name__)

SAVE_DELAY_MS = 400
MAX_UNSAVED_S = 5.0
RETRY_DELAY_MS = 3000
CLOSE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class _Snapshot:
    draft_id: int
    text: str
    cursor: int


class Autosave(QObject):
    """Keeps one editor's draft saved.

    Signals:
        saved: a save finished (the time it was saved).
        failed: a save failed (a reason to show); the text stays in the editor and is retried.
    """

    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, editor: QPlainTextEdit, worker: DatabaseWorker, parent: QObject) -> None:
        super().__init__(parent)
        self._editor = editor
        self._worker = worker
        self._store: DraftStore | None = None
        self._draft_id: int | None = None
        self._last_saved: _Snapshot | None = None
        self._dirty_since: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self._save_in_background)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_DELAY_MS)
        self._retry.timeout.connect(self._save_in_background)
        editor.textChanged.connect(self._on_edited)
        editor.cursorPositionChanged.connect(self._on_edited)

    @property
    def draft_id(self) -> int | None:
        """The draft being saved, if any."""
        return self._draft_id

    def has_unsaved_changes(self) -> bool:
        """Whether the editor differs from what was last saved."""
        return self._draft_id is not None and self._snapshot() != self._last_saved

    def track(self, store: DraftStore, draft_id: int, text: str, cursor: int) -> None:
        """Watch the editor for this draft, whose saved state is `text` and `cursor`."""
        self._timer.stop()
        self._retry.stop()
        self._store = store
        self._draft_id = draft_id
        self._last_saved = _Snapshot(draft_id, text, cursor)
        self._dirty_since = None

    @Slot()
    def _on_edited(self) -> None:
        if self._draft_id is None or not self.has_unsaved_changes():
            return
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        if now - self._dirty_since >= MAX_UNSAVED_S:
            self._save_in_background()
        else:
            self._timer.start()

    def _snapshot(self) -> _Snapshot | None:
        if self._draft_id is None:
            return None
        return _Snapshot(
            self._draft_id, self._editor.toPlainText(), self._editor.textCursor().position()
        )

    @Slot()
    def _save_in_background(self) -> None:
        self._timer.stop()
        self._retry.stop()
        snapshot, store = self._snapshot(), self._store
        if snapshot is None or store is None or snapshot == self._last_saved:
            return
        self._dirty_since = None
        self._worker.call(
            lambda: store.save_text(snapshot.draft_id, snapshot.text, snapshot.cursor),
            lambda when: self._on_saved(snapshot, when),
            self._on_failed,
        )

    def _on_saved(self, snapshot: _Snapshot, when: datetime) -> None:
        if snapshot.draft_id == self._draft_id:
            self._last_saved = snapshot
        logger.debug("Saved draft %s (%d characters)", snapshot.draft_id, len(snapshot.text))
        self.saved.emit(when)

    def _on_failed(self, error: BaseException) -> None:
        logger.warning("Autosave failed: %s", error)
        self.failed.emit(str(error))
        if self._dirty_since is None:
            self._dirty_since = time.monotonic()
        self._retry.start()

    def save_now(self) -> None:
        """Save at once and wait (before switching drafts or closing).

        Raises:
            Exception: the save failed; the caller still has the text in the editor.
        """
        self._timer.stop()
        self._retry.stop()
        snapshot, store = self._snapshot(), self._store
        if snapshot is None or store is None or snapshot == self._last_saved:
            return
        self._worker.run_now(
            lambda: store.save_text(snapshot.draft_id, snapshot.text, snapshot.cursor),
            timeout=CLOSE_TIMEOUT_S,
        )
        self._last_saved = snapshot
        self._dirty_since = None
