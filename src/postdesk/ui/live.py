"""Live analysis: counts at once on every keystroke; the full report after a pause.

Counting is cheap (well under a millisecond for a post), so counters update on every
keystroke, on the GUI thread. The full report (readability, plain English, findings) runs
on a worker thread after typing pauses; a result for text that has changed since is
dropped (a generation number), so the panels never show findings for old text.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from postdesk.analysis.channels import Channel, MastodonServer
    from postdesk.analysis.counting import ChannelCount
    from postdesk.analysis.report import AnalysisReport

logger = logging.getLogger(__name__)

REPORT_DELAY_MS = 250


class LiveAnalysis(QObject):
    """Analyses the editor's text as it changes.

    Signals:
        counts_ready: per-channel counts for the current text (dict[Channel, ChannelCount]).
        report_ready: (text, AnalysisReport) for the most recent text only; the text is
            what the report's offsets index.
    """

    counts_ready = Signal(object)
    report_ready = Signal(object)
    _delivered = Signal(object)

    def __init__(
        self,
        analyse: Callable[[str, tuple[Channel, ...]], AnalysisReport] | None = None,
        delay_ms: int = REPORT_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._analyse = analyse or _default_analyse
        # With a Mastodon server's own limits (the injected `analyse` is for tests).
        self._analyse_for = _analyse_for_server
        self._text = ""
        self._channels: tuple[Channel, ...] = ()
        self._mastodon: MastodonServer | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_report)
        self._delivered.connect(self._on_delivered)

    def set_channels(self, channels: tuple[Channel, ...]) -> None:
        """Analyse for these channels from now on."""
        self._channels = channels
        self.set_text(self._text)

    def set_mastodon(self, server: MastodonServer) -> None:
        """Count Mastodon against this server's own limits (read when its account was added)."""
        self._mastodon = server
        self.set_text(self._text)

    def set_text(self, text: str) -> None:
        """The text changed: count now, report after a pause."""
        from postdesk.analysis.counting import count_all

        self._text = text
        with self._lock:
            self._generation += 1  # any report still running is now for old text
        counts: dict[Channel, ChannelCount] = (
            count_all(text, self._channels, mastodon=self._mastodon)
            if self._mastodon is not None
            else count_all(text, self._channels)
        )
        self.counts_ready.emit(counts)
        self._timer.start()  # restarting the timer is the debounce

    def flush(self) -> None:
        """Start the report now instead of after the pause."""
        self._timer.stop()
        self._start_report()

    def shutdown(self) -> None:
        """Stop the worker (pending results are dropped)."""
        self._timer.stop()
        with self._lock:
            self._generation += 1
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    @Slot()
    def _start_report(self) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        text, channels, server = self._text, self._channels, self._mastodon
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="postdesk-analysis")
        future = (
            self._pool.submit(self._analyse, text, channels)
            if server is None
            else self._pool.submit(self._analyse_for, text, channels, server)
        )
        future.add_done_callback(lambda done: self._delivered.emit((generation, text, done)))

    @Slot(object)
    def _on_delivered(self, payload: tuple[int, str, Any]) -> None:
        generation, text, future = payload
        if generation != self._generation:
            return  # the text changed while this ran: a newer report is coming
        error = future.exception()
        if error is not None:
            logger.error("Analysis failed", exc_info=error)
            return
        self.report_ready.emit((text, future.result()))


def _analyse_for_server(text: str, channels: tuple[Channel, ...], server: MastodonServer) -> Any:
    from postdesk.analysis.report import analyse

    return analyse(text, channels, mastodon=server)


def _default_analyse(text: str, channels: tuple[Channel, ...]) -> AnalysisReport:
    from postdesk.analysis.report import analyse

    return analyse(text, channels)
