"""A real PostDesk process that types a draft and then idles until it is killed.

Used by tests/ui/test_process.py to kill PostDesk with SIGKILL at a chosen moment. It runs
the same start-up objects as `postdesk` (settings, database location, background open,
Startup, MainWindow, Autosave); only the keyboard is simulated. Prints "typed" when done.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtWidgets import QApplication

from postdesk import logs, settings
from postdesk.storage.database import open_database, resolve_location
from postdesk.ui.startup import Startup
from tests.ui.keyboard import type_text


def main() -> int:
    text = sys.argv[1]
    logs.configure()
    location = resolve_location(settings.load().settings.database_url)
    opening = ThreadPoolExecutor(1).submit(open_database, location)
    app = QApplication(sys.argv[:1])
    startup = Startup(app, opening)

    def type_draft(_draft_id: int) -> None:
        type_text(startup.window.editor, text)
        print("typed", flush=True)

    startup.window.draft_loaded.connect(type_draft)
    startup.window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
