"""No post text reaches the log at INFO, however the draft is typed, saved and closed."""

from __future__ import annotations

import logging
from pathlib import Path

from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from tests.ui.conftest import StartApp

SECRET_DRAFT = "Embargoed until 9am: Project Kestrel funding"


def test_typing_saving_and_closing_never_logs_the_text(
    log_file: Path, qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    with qtbot.waitSignal(startup.window.draft_saved, timeout=3000):
        qtbot.keyClicks(startup.window.editor, SECRET_DRAFT)
    startup.window.close()
    for handler in logging.getLogger("postdesk").handlers:
        handler.flush()
    written = log_file.read_text(encoding="utf-8")
    assert "Opened draft" in written  # the log is really being written
    assert "Kestrel" not in written
    assert "Embargoed" not in written
