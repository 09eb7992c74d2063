"""Bad starts in the window: a clear dialog naming the problem, the file and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation, open_database
from postdesk.storage.errors import OpenProblem
from tests.helpers.sqlite import sqlite_file
from tests.ui.conftest import StartApp


def _damage(location: DatabaseLocation, how: str) -> Path:
    path = Path(location.url.database or "")
    if how == "corrupt":
        path.parent.mkdir(parents=True)
        path.write_bytes(b"not SQLite at all " * 100)
    else:
        open_database(location).dispose()
        with sqlite_file(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    return path


@pytest.mark.parametrize(
    ("how", "problem", "words"),
    [
        ("corrupt", OpenProblem.CORRUPT, "damaged"),
        ("newer", OpenProblem.NEWER_SCHEMA, "newer version of PostDesk"),
    ],
)
def test_bad_database_opens_a_clear_dialog(
    qtbot: QtBot,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    how: str,
    problem: OpenProblem,
    words: str,
) -> None:
    path = _damage(sqlite_location, how)
    before = path.read_bytes()
    startup = start_app(sqlite_location, wait=False)
    qtbot.waitUntil(lambda: startup.problem_box is not None, timeout=10_000)
    box = startup.problem_box
    assert box is not None
    assert box.isVisible()
    assert box.error.problem is problem
    assert words in box.text()
    assert str(path) in box.informativeText()
    assert "PostDesk has not changed" in box.informativeText()
    assert box.accessibleName() == box.text()
    assert not startup.window.isVisible()
    assert path.read_bytes() == before
