"""Opening a SQLite file as another program would, in tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def sqlite_file(path: str | Path) -> Iterator[sqlite3.Connection]:
    """Commit and close on exit.

    sqlite3's own `with connection:` only commits; the connection then closes whenever it
    is garbage-collected, and the last close checkpoints the WAL into the main file, which
    would change the file under a test that compares its bytes.
    """
    connection = sqlite3.connect(path)
    try:
        with connection:
            yield connection
    finally:
        connection.close()
