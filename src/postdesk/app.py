"""The composition root: `postdesk` with no command opens the desktop app.

Start-up is ordered for speed: the database opens on a background thread while Qt loads,
and the window is shown before the draft arrives, so the app appears at once.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

from postdesk import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from postdesk.storage.database import Database
    from postdesk.ui.startup import Startup

logger = logging.getLogger(__name__)


STARTUP_REPORT_ENV = "POSTDESK_STARTUP_REPORT"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `postdesk` and `python -m postdesk`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    report = os.environ.get(STARTUP_REPORT_ENV) == "1"
    if not argv:
        # The common case skips building the argument parser: start-up speed.
        return run_gui(startup_report=report)
    from postdesk import cli

    args = cli.build_parser().parse_args(argv)
    if args.self_test:
        from postdesk.selftest import run_self_test

        return run_self_test()
    if args.command is not None:
        return cli.run(args)
    return run_gui(startup_report=report)


def run_gui(*, startup_report: bool = False) -> int:
    """Open the desktop app and run until its window closes; returns the exit status."""
    started = time.perf_counter()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from postdesk.ui.startup import Startup

    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    opening: Future[Database] = Future()
    startup = Startup(app, opening)
    startup.window.show()
    # Settings, logging and the database load once the window is on screen. Loading them
    # while Qt loads would overlap nothing: both are Python imports contending for the
    # GIL (measured: the window then appears ~70 ms later, and the draft no sooner).
    QTimer.singleShot(0, lambda: _open_in_background(opening))
    QTimer.singleShot(0, lambda: _set_icon(app))

    if startup_report:
        _report_startup(startup, started, app)

    _close_on_termination(startup, app)
    # Python signal handlers run only when the interpreter gets control; this timer gives
    # it control four times a second, so SIGTERM and Ctrl+C are noticed while Qt idles.
    keepalive = QTimer()
    keepalive.start(250)
    keepalive.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        startup.shutdown()


def _set_icon(app: QApplication) -> None:
    from postdesk.ui import resources

    app.setWindowIcon(resources.app_icon())


def _open_in_background(opening: Future[Database]) -> None:
    def work() -> None:
        try:
            from postdesk import logs, site_settings
            from postdesk.storage.database import open_database, resolve_location

            logs.configure()
            logger.info("PostDesk %s started (pid %d)", __version__, os.getpid())
            # A bad settings file is logged when loaded and never stops the start.
            loaded = site_settings.load_layered()
            opening.set_result(open_database(resolve_location(loaded.settings.database_url)))
        except BaseException as exc:
            opening.set_exception(exc)
            return
        # Then the analysis engine's dictionaries, so the first keystroke never waits.
        from postdesk.analysis.warmup import warm_up

        warm_up()

    threading.Thread(target=work, name="postdesk-open", daemon=True).start()


def _close_on_termination(startup: Startup, app: QApplication) -> None:
    """SIGTERM (log-out, shutdown) and Ctrl+C close the window, which saves the draft."""
    from PySide6.QtCore import QTimer

    def close_and_quit() -> None:
        startup.window.close()
        app.quit()

    def handler(signum: int, _frame: object) -> None:
        logger.info("Closing on signal %d", signum)
        QTimer.singleShot(0, close_and_quit)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _report_startup(startup: Startup, started: float, app: QApplication) -> None:
    """For benchmarks/startup.py (POSTDESK_STARTUP_REPORT=1): print start-up timings, then quit."""
    from PySide6.QtCore import QTimer

    def shown() -> None:
        print(f"window-shown {time.perf_counter() - started:.4f}", flush=True)  # noqa: T201

    def ready(_draft_id: int) -> None:
        print(f"draft-ready {time.perf_counter() - started:.4f}", flush=True)  # noqa: T201
        app.quit()

    QTimer.singleShot(0, shown)
    startup.window.draft_loaded.connect(ready)
