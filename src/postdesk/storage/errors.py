"""Why a database could not be opened, in words a user can act on.

Exception tree::

    DatabaseOpenError          the database cannot be used; nothing was written to it
    DatabaseWriteError         a save failed (locked too long, disk full, connection lost)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OpenProblem(StrEnum):
    """The kinds of bad start PostDesk explains to the user."""

    LOCKED = "locked"
    CORRUPT = "corrupt"
    NOT_POSTDESK = "not-postdesk"
    NEWER_SCHEMA = "newer-schema"
    OLDER_SCHEMA = "older-schema"
    UNREACHABLE = "unreachable"
    UNWRITABLE = "unwritable"


@dataclass(frozen=True)
class _Wording:
    title: str
    advice: str


_WORDING = {
    OpenProblem.LOCKED: _Wording(
        "The PostDesk database is locked by another program",
        "Close any other PostDesk window or program using this file, then start PostDesk again. "
        "If nothing else is running, restart the computer.",
    ),
    OpenProblem.CORRUPT: _Wording(
        "The PostDesk database file is damaged",
        "PostDesk has not changed the file. Ask your IT team to recover it from a backup, or move "
        "the file somewhere else and start PostDesk again to begin with an empty database.",
    ),
    OpenProblem.NOT_POSTDESK: _Wording(
        "This file is not a PostDesk database",
        "PostDesk has not changed the file. Check the database setting, or move the file "
        "somewhere else and start PostDesk again.",
    ),
    OpenProblem.NEWER_SCHEMA: _Wording(
        "The database was created by a newer version of PostDesk",
        "PostDesk has not changed the database. Install the latest version of PostDesk, or ask "
        "your IT team which version your team uses.",
    ),
    OpenProblem.OLDER_SCHEMA: _Wording(
        "The database schema needs an upgrade",
        "Run `postdesk db upgrade`, or start PostDesk, which upgrades it after taking a backup.",
    ),
    OpenProblem.UNREACHABLE: _Wording(
        "PostDesk cannot reach the team database",
        "Check your network connection and the database address in Settings, or ask your IT team "
        "whether the database server is running.",
    ),
    OpenProblem.UNWRITABLE: _Wording(
        "PostDesk cannot open or create its database file",
        "Check that the folder exists and that you have permission to write to it.",
    ),
}


class DatabaseOpenError(Exception):
    """The database cannot be used. Guarantees that nothing was written to it.

    Attributes:
        problem: which kind of bad start this is.
        location: the file path, or the server URL with any password hidden.
        detail: the underlying error text (never contains a password).
    """

    def __init__(self, problem: OpenProblem, location: str, detail: str) -> None:
        self.problem = problem
        self.location = location
        self.detail = detail
        super().__init__(f"{self.title} ({location}): {detail}")

    @property
    def title(self) -> str:
        """One line saying what happened."""
        return _WORDING[self.problem].title

    @property
    def advice(self) -> str:
        """What the user can do about it."""
        return _WORDING[self.problem].advice


class DatabaseWriteError(Exception):
    """A write failed; the caller still holds the text it tried to save."""
