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
# Grammar goes to LanguageTool (maybe another machine): only after a longer pause.
GRAMMAR_DELAY_MS = 800


class LiveAnalysis(QObject):
    """Analyses the editor's text as it changes.

    Signals:
        counts_ready: per-channel counts for the current text (dict[Channel, ChannelCount]).
        report_ready: (text, AnalysisReport) for the most recent text only; the text is
            what the report's offsets index.
    """

    counts_ready = Signal(object)
    report_ready = Signal(object)
    grammar_status = Signal(object)
    _delivered = Signal(object)
    _grammar_delivered = Signal(object)

    def __init__(
        self,
        analyse: Callable[[str, tuple[Channel, ...]], AnalysisReport] | None = None,
        delay_ms: int = REPORT_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._analyse = analyse or _default_analyse
        # With a Mastodon server's own limits, grammar findings or post options (`analyse`,
        # for tests, gets only the text and the channels).
        self._analyse_for = _analyse_for_server
        self._text = ""
        self._channels: tuple[Channel, ...] = ()
        self._mastodon: MastodonServer | None = None
        # The draft's post options: as a thread, essential in an election period.
        self._as_thread = False
        self._essential = False
        self._generation = 0
        self._closed = False
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_report)
        self._delivered.connect(self._on_delivered)
        # Grammar: a GrammarService (its own worker thread), started with start_grammar().
        self._grammar: Any = None
        self._grammar_result: tuple[str, Any] | None = None  # (text, GrammarResult)
        self._grammar_timer = QTimer(self)
        self._grammar_timer.setSingleShot(True)
        self._grammar_timer.setInterval(GRAMMAR_DELAY_MS)
        self._grammar_timer.timeout.connect(self._start_grammar_check)
        self._grammar_delivered.connect(self._on_grammar_delivered)

    def set_channels(self, channels: tuple[Channel, ...]) -> None:
        """Analyse for these channels from now on."""
        self._channels = channels
        self.set_text(self._text)

    def set_options(self, as_thread: bool, essential: bool) -> None:
        """The draft's post options changed: report again with them.

        Args:
            as_thread: post a long text as a thread where the channel has threads (being
                over the limit there is then information, not a block).
            essential: the author marked the post essential, with a reason (it may go
                out in an election period).
        """
        self._as_thread, self._essential = as_thread, essential
        self.set_text(self._text)

    @property
    def options(self) -> tuple[bool, bool]:
        """(as a thread, essential), as the reports are made now."""
        return self._as_thread, self._essential

    def start_grammar(self, config: Any) -> None:
        """Check grammar and spelling with this GrammarConfig, in the background."""
        from postdesk.analysis.grammar import GrammarService

        if self._grammar is not None:
            self._grammar.close(wait=False)
        self._grammar = GrammarService(config)
        self._grammar.warm_up()
        self._grammar_timer.start()

    @property
    def mastodon(self) -> MastodonServer | None:
        """The Mastodon server limits counts use (None: the stock server's)."""
        return self._mastodon

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
        if self._grammar is not None:
            self._grammar_timer.start()
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
        self._closed = True  # a result still on its way is ignored when it lands
        self._timer.stop()
        self._grammar_timer.stop()
        with self._lock:
            self._generation += 1
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._grammar is not None:
            # Never wait for LanguageTool: a check in flight finishes on its own thread.
            self._grammar.close(wait=False)

    @Slot()
    def _start_report(self) -> None:
        if self._closed:
            return
        with self._lock:
            self._generation += 1
            generation = self._generation
        text, channels, server = self._text, self._channels, self._mastodon
        options = (self._as_thread, self._essential)
        grammar = (
            self._grammar_result[1]
            if self._grammar_result and self._grammar_result[0] == text
            else None
        )
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="postdesk-analysis")
        if server is None and grammar is None and not any(options):
            future = self._pool.submit(self._analyse, text, channels)
        else:
            future = self._pool.submit(self._analyse_for, text, channels, server, grammar, *options)
        future.add_done_callback(lambda done: self._delivered.emit((generation, text, done)))

    @Slot()
    def _start_grammar_check(self) -> None:
        service, text = self._grammar, self._text
        if self._closed or service is None or not text.strip():
            return
        future = service.submit(text, replace_pending=True)
        future.add_done_callback(lambda done: self._grammar_delivered.emit((text, done)))

    @Slot(object)
    def _on_grammar_delivered(self, payload: tuple[str, Any]) -> None:
        text, future = payload
        if self._closed or future.cancelled() or text != self._text:
            return  # a newer text is being checked
        if future.exception() is not None:
            logger.error("Grammar check failed", exc_info=future.exception())
            return
        result = future.result()
        self._grammar_result = (text, result)
        self.grammar_status.emit(result)
        self.flush()  # a report with the grammar findings merged in

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


def _analyse_for_server(
    text: str,
    channels: tuple[Channel, ...],
    server: MastodonServer | None,
    grammar: Any,
    as_thread: bool = False,
    essential: bool = False,
) -> Any:
    from postdesk.analysis.channels import DEFAULT_MASTODON
    from postdesk.analysis.report import analyse

    return analyse(
        text,
        channels,
        mastodon=server or DEFAULT_MASTODON,
        grammar=grammar,
        as_thread=as_thread,
        essential=essential,
    )


def _default_analyse(text: str, channels: tuple[Channel, ...]) -> AnalysisReport:
    from postdesk.analysis.report import analyse

    return analyse(text, channels)
