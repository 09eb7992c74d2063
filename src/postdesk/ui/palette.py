"""The command palette (Ctrl+K) and the shortcut sheet (F1): every action, found by typing.

Both read each action's keys when they open, so they show the user's own shortcuts
(Preferences, Keyboard) as soon as those are applied.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.shortcuts import Scope, action_id, action_name, scope_of

# Where a shortcut works, as the sheet says it: one key can do different things on
# different screens (Ctrl+Return submits on Write and approves on Review).
SCOPE_NAMES = {
    Scope.GLOBAL: "Everywhere",
    Scope.WRITE: "Write",
    Scope.REVIEW: "Review queue",
    Scope.PUBLISH: "Publish",
}


def where(action: QAction) -> str:
    """Where the action's shortcut works ("Everywhere", "Write", "Review queue")."""
    return SCOPE_NAMES[scope_of(action_id(action))]


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as the platform writes them ("Ctrl+N", "⌘N")."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def named_actions(actions: Iterable[QAction]) -> list[QAction]:
    """Actions worth listing: with a name, not separators, each once, by name."""
    seen: dict[str, QAction] = {}
    for action in actions:
        if action.isSeparator() or not action.text() or action.menu() is not None:
            continue  # a menu's own action opens the menu: not a command
        seen.setdefault(action_name(action), action)
    return [seen[name] for name in sorted(seen, key=str.lower)]


class CommandPalette(QDialog):
    """Type to filter every action; Enter runs the highlighted one."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self.setAccessibleName("Command palette")
        self._actions = named_actions(actions)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type a command…")
        self.filter.setAccessibleName("Find a command")
        self.list = QListWidget()
        self.list.setAccessibleName("Commands")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._refill)
        self.filter.returnPressed.connect(self._run_current)
        self.list.itemActivated.connect(lambda _item: self._run_current())
        self._refill("")
        self.resize(480, 360)

    def shown_commands(self) -> list[str]:
        """The rows as shown ("New draft    Ctrl+N")."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _refill(self, typed: str) -> None:
        words = typed.lower().split()
        self.list.clear()
        for action in self._actions:
            name = action_name(action)
            if all(word in name.lower() for word in words):
                keys = shortcut_text(action)
                item = QListWidgetItem(f"{name}    {keys}" if keys else name)
                item.setData(256, action)  # Qt.ItemDataRole.UserRole
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _run_current(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        action = self.list.item(row).data(256)
        self.accept()
        if isinstance(action, QAction) and action.isEnabled():
            action.trigger()


class ShortcutSheet(QDialog):
    """Every action and its shortcut, in one table (F1)."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        listed = [a for a in named_actions(actions) if a.shortcuts()]
        self.table = QTableWidget(len(listed), 3)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Action", "Shortcut", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, action in enumerate(listed):
            self.table.setItem(row, 0, QTableWidgetItem(action_name(action)))
            self.table.setItem(row, 1, QTableWidgetItem(shortcut_text(action)))
            self.table.setItem(row, 2, QTableWidgetItem(where(action)))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Ctrl+K finds any command by name. Change shortcuts in Preferences, Keyboard.")
        )
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 520)
