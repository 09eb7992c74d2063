"""Database calls on one background thread, with results delivered on the GUI thread.

SQLite serialises writers anyway, and one thread keeps saves in the order they were
typed. The GUI thread never waits on the disk, except for the final save on close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

T = TypeVar("T")
OnError = Callable[[BaseException], None]


class DatabaseWorker(QObject):
    """Runs callables one at a time off the GUI thread.

    Signals:
        _delivered: internal; carries a finished future and its callbacks to the GUI thread.
    """

    _delivered = Signal(object)

    def __init__(self, executor: ThreadPoolExecutor | None = None) -> None:
        super().__init__()
        # Created on first use: the thread is not needed to show the first frame.
        self._executor = executor
        self._closed = False
        self._delivered.connect(self._on_delivered)

    def call(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> Future[T]:
        """Run `fn` on the database thread; a callback then runs on the GUI thread.

        After `shutdown` (the window is closing) nothing new runs: a late follow-up,
        such as a refresh after the last save, is dropped.
        """
        if self._closed:
            logger.debug("Database call after shut-down dropped")
            dropped: Future[T] = Future()
            dropped.cancel()
            return dropped
        future = self._pool().submit(fn)
        self.adopt(future, on_success, on_error)
        return future

    def adopt(
        self,
        future: Future[T],
        on_success: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> None:
        """Deliver the outcome of a future started elsewhere (the start-up open)."""
        future.add_done_callback(lambda done: self._forward((done, on_success, on_error)))

    def run_now(self, fn: Callable[[], T], timeout: float) -> T:
        """Run `fn` after everything queued, and wait for it: only for the save on close."""
        return self._pool().submit(fn).result(timeout=timeout)

    def shutdown(self) -> None:
        """Finish queued work and stop the thread."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(1, thread_name_prefix="postdesk-db")
        return self._executor

    def _forward(self, payload: tuple[Future[Any], Callable[[Any], None], OnError | None]) -> None:
        if QThread.currentThread() is self.thread():
            # A future that was already done calls back at once, on the GUI thread: defer,
            # so callbacks always run from the event loop and never inside the caller.
            QTimer.singleShot(0, lambda: self._on_delivered(payload))
        else:
            self._delivered.emit(payload)  # queued to the GUI thread by Qt

    @Slot(object)
    def _on_delivered(
        self, payload: tuple[Future[Any], Callable[[Any], None], OnError | None]
    ) -> None:
        future, on_success, on_error = payload
        error = future.exception()
        if error is None:
            on_success(future.result())
        elif on_error is not None:
            on_error(error)
        else:
            logger.error("Unhandled database error", exc_info=error)
