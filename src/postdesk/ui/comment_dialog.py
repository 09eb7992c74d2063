"""The dialog for a comment on selected words of a revision under review.

A window of its own, with its own save action and shortcut, apart from the review screen
so the screen's module is about the queue and the decision.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.palette import shortcut_text

SAVE_COMMENT_ID = "review.save_comment"


def save_comment_action(parent: QObject | None) -> QAction:
    """The dialog's Save: its id, words and default keys. Preferences lists one made here
    (with the user's keys) before any comment dialog exists, so it can be changed too."""
    # Ctrl+Enter saves, as it sends a message in most chat and mail tools (Qt's
    # shortcuts take the keypad's Enter for Return). The dialog is a window of its
    # own: no clash with Approve on the screen behind it.
    action = QAction("&Save comment", parent)
    action.setObjectName(SAVE_COMMENT_ID)
    action.setShortcuts([QKeySequence("Ctrl+Return")])
    action.setToolTip("Save the comment")
    return action


class AnchoredCommentDialog(QDialog):
    """A small editor for a comment on the selected words, shown with those words.

    It stays open until the comment is saved, so a refusal never loses what was typed.
    Saving is an action with a stable id (`SAVE_COMMENT_ID`, on the Review screen's
    scope) whose keys the user can change like any other shortcut; being the dialog's
    own, its shortcut fires only while the dialog is active, so Ctrl+Enter saves here and
    approves on the screen behind.

    Signals:
        save_requested: the reviewer asked to save (the comment's text).
    """

    save_requested = Signal(str)

    def __init__(self, quote: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Comment on the selected words")
        self.setAccessibleName("Comment on the selected words")
        self.quote = QLabel(quote)
        self.quote.setTextFormat(Qt.TextFormat.PlainText)  # the revision's words, as typed
        self.quote.setWordWrap(True)
        self.quote.setAccessibleName("The words you are commenting on")
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Your comment on these words")
        self.editor.setTabChangesFocus(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Comment status")
        self.save_action = save_comment_action(self)
        self.save_action.triggered.connect(self.request_save)
        # Only while the dialog is shown: it outlives its closing (a refused save reopens
        # it), and a hidden dialog's action must not run from a list of every action.
        self.save_action.setEnabled(False)
        self.addAction(self.save_action)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "&Save comment", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Save comment")
        self.save_action.changed.connect(self._show_keys)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel the comment")
        buttons.accepted.connect(self.request_save)
        buttons.rejected.connect(self.reject)
        label = QLabel("&Comment:")
        label.setBuddy(self.editor)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("On these words in the revision:"))
        layout.addWidget(self.quote)
        layout.addWidget(label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.editor.setFocus()
        self.resize(440, 260)
        # The keys the user chose for this dialog's actions (overrides for the window's
        # actions are not this dialog's business, so not reported as unknown here).
        from postdesk.ui.shortcuts import apply_saved_shortcuts

        apply_saved_shortcuts(self.actions(), report_unknown=False)
        self._show_keys()

    def showEvent(self, event: QShowEvent) -> None:
        """Saving by its keys works while the dialog is on screen."""
        super().showEvent(event)
        self.save_action.setEnabled(self.save_button.isEnabled())

    def hideEvent(self, event: QHideEvent) -> None:
        """...and not once it is closed."""
        super().hideEvent(event)
        self.save_action.setEnabled(False)

    @Slot()
    def request_save(self) -> None:
        """Ask for the comment to be saved (once at a time)."""
        if self.save_button.isEnabled():
            self.save_requested.emit(self.editor.toPlainText())

    def set_busy(self, busy: bool) -> None:
        """While saving: no second save, and the text stays as it was sent."""
        self.save_button.setEnabled(not busy)
        self.save_action.setEnabled(not busy and self.isVisible())
        self.editor.setReadOnly(busy)
        self._say("Saving…" if busy else "")

    @Slot()
    def _show_keys(self) -> None:
        keys = shortcut_text(self.save_action)
        self.save_button.setToolTip(
            f"Save the comment ({keys} in the comment box)" if keys else "Save the comment"
        )

    def refuse(self, reason: str) -> None:
        """The comment was not saved: say why and let the reviewer fix it."""
        self.set_busy(False)
        self._say(reason)
        self.editor.setFocus()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
