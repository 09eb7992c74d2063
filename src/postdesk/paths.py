"""Where PostDesk keeps its files, per operating system (platformdirs).

On Linux these follow the XDG variables, which is also how tests point PostDesk at a
temporary folder without touching the real user's files.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

_APP = "postdesk"


def data_dir() -> Path:
    """The user's data folder: the embedded SQLite database lives here."""
    return Path(platformdirs.user_data_dir(_APP, appauthor=False))


def config_dir() -> Path:
    """The user's config folder: settings.json and an optional department rule pack."""
    return Path(platformdirs.user_config_dir(_APP, appauthor=False))


def log_dir() -> Path:
    """The user's log folder: rotating log files."""
    return Path(platformdirs.user_log_dir(_APP, appauthor=False))


def default_database_path() -> Path:
    """The embedded default database file."""
    return data_dir() / "postdesk.sqlite3"
