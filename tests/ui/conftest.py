"""Fixtures that start PostDesk's real start-up sequence inside the test's QApplication."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from postdesk.storage.database import Database, DatabaseLocation, open_database
from postdesk.ui.startup import Startup


class StartApp(Protocol):
    """Starts PostDesk on a database; by default waits until the draft is in the editor."""

    def __call__(self, location: DatabaseLocation, *, wait: bool = True) -> Startup: ...


@pytest.fixture
def start_app(qtbot: QtBot, qapp: QApplication) -> Iterator[StartApp]:
    """Start PostDesk on a database as app.run_gui does, and wait for the draft to load."""
    started: list[Startup] = []
    executor = ThreadPoolExecutor(1)

    def start(location: DatabaseLocation, *, wait: bool = True) -> Startup:
        from postdesk import settings

        if not settings.settings_path().exists():
            # Grammar off unless a test sets it up: no LanguageTool download attempts.
            settings.save(settings.Settings(grammar_mode="off"))
        opening = executor.submit(open_database, location)
        startup = Startup(qapp, opening)
        started.append(startup)
        if wait:
            with qtbot.waitSignal(startup.window.draft_loaded, timeout=10_000):
                startup.window.show()
        else:
            startup.window.show()
        return startup

    yield start
    for startup in started:
        startup.window.close()
        if startup.problem_box is not None:
            startup.problem_box.hide()
        startup.shutdown()
    executor.shutdown()


def open_for_check(location: DatabaseLocation) -> Database:
    """Open the database directly, as a second program would, to see what was saved."""
    return open_database(location)


# The Mastodon API server (mastodon-mock) for the accounts tab's tests.
from tests.publishing.mastodon_peer import (  # noqa: E402
    mastodon_peer,
    mastodon_peer_process,
    mastodon_user,
)

__all__ = ["StartApp", "mastodon_peer", "mastodon_peer_process", "mastodon_user", "open_for_check"]


@pytest.fixture
def text_at_200_percent(qapp: QApplication) -> Iterator[QFont]:
    """The application's text at twice its size, as a person who needs it would set it."""
    original = QFont(qapp.font())
    doubled = QFont(original)
    doubled.setPointSizeF(original.pointSizeF() * 2)
    qapp.setFont(doubled)
    yield doubled
    qapp.setFont(original)
