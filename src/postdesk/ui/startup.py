"""Start-up: show the window at once, open the database in the background, explain bad starts."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.main_window import MainWindow

if TYPE_CHECKING:
    # Start-up imports no SQLAlchemy on the GUI thread: the opening thread loads it.
    from postdesk.storage.database import Database
    from postdesk.ui.startup_problem import StartupProblemBox

logger = logging.getLogger(__name__)

# The exit status when PostDesk could not open its database.
EXIT_DATABASE_PROBLEM = 1


class Startup(QObject):
    """Owns the start-up sequence so tests can drive it with their own QApplication.

    Signals:
        ready: the database is open and attached to the window.
        problem_shown: the database could not be opened; the dialog is on screen.
    """

    ready = Signal()
    problem_shown = Signal(object)

    def __init__(self, app: QApplication, opening: Future[Database]) -> None:
        super().__init__()
        self._app = app
        self.worker = DatabaseWorker()
        self.window = MainWindow(self.worker)
        self.problem_box: StartupProblemBox | None = None
        self.database: Database | None = None
        self.worker.adopt(opening, self._on_opened, self._on_failed)
        # The theme (light, dark or high contrast, as the system says) goes on just after
        # the first frame: two event-loop passes, the first paints the window. Before it,
        # it would cost ~3 ms of start-up, and Qt's own palette is as good for one frame.
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, lambda: self._follow_theme(False)))
        self.window.draft_loaded.connect(self._on_first_draft_loaded)

    def _follow_theme(self, ask_system: bool) -> None:
        from postdesk.ui import theme

        theme.follow_system(self._app, ask_system=ask_system)

    def _on_first_draft_loaded(self, _draft_id: int) -> None:
        # Then ask the system itself (~15 ms, see theme.follow_system), after this event.
        self.window.draft_loaded.disconnect(self._on_first_draft_loaded)
        QTimer.singleShot(0, lambda: self._follow_theme(True))

    def _on_opened(self, database: Database) -> None:
        self.database = database
        self.window.attach(database)
        self.ready.emit()

    def _on_failed(self, error: BaseException) -> None:
        # Imported here: only a bad start needs it, and start-up time counts.
        from postdesk.storage.errors import DatabaseOpenError, OpenProblem

        if not isinstance(error, DatabaseOpenError):
            logger.error("Unexpected error opening the database", exc_info=error)
            error = DatabaseOpenError(
                OpenProblem.UNWRITABLE, "(database)", f"{type(error).__name__}: {error}"
            )
        logger.error("Start-up problem shown: %s (%s)", error.problem.value, error.location)
        self.window.hide()
        from postdesk.ui.startup_problem import StartupProblemBox

        box = self.problem_box = StartupProblemBox(error)
        box.finished.connect(lambda _result: self._app.exit(EXIT_DATABASE_PROBLEM))
        box.open()
        self.problem_shown.emit(error)

    def shutdown(self) -> None:
        """Stop background work and close the database (after the window has closed)."""
        self.worker.shutdown()
        if self.database is not None:
            self.database.dispose()
