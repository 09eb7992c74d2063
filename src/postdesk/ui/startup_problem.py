"""The dialog for a bad start: what happened to the database, where it is, what to do.

Its own module, loaded only when a start goes wrong: QMessageBox is not needed for the
first frame of a good start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from postdesk import APP_NAME

if TYPE_CHECKING:
    from postdesk.storage.errors import DatabaseOpenError


class StartupProblemBox(QMessageBox):
    """Says what went wrong with the database, where it is, and what to do."""

    def __init__(self, error: DatabaseOpenError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(f"{APP_NAME} cannot start")
        self.setText(error.title)
        self.setInformativeText(f"{error.location}\n\n{error.advice}")
        self.setDetailedText(f"Reason: {error.detail}")
        self.setStandardButtons(QMessageBox.StandardButton.Close)
        self.setAccessibleName(error.title)
        self.setAccessibleDescription(error.advice)
