"""Underlined letters (Alt+letter) are unique on every screen, menus and screen tabs included.

Two controls with the same Alt+letter mean the key goes to one of them, or cycles between
them, which a keyboard user cannot predict. Only controls on screen count: a hidden
label's Alt+letter does nothing, so two screens may reuse a letter.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from postdesk.ui.main_window import MainWindow
from tests.ui.conftest import StartApp

# One "&" before a letter or digit; "&&" is a literal ampersand.
_MNEMONIC = re.compile(r"(?<!&)&(?:&&)*([^\s&])")


def mnemonic(text: str) -> str | None:
    """The Alt+letter a control's text gives it, lower-cased, or None."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _on_screen(window: MainWindow) -> dict[str, list[str]]:
    """Each Alt+letter in use now, with the texts that use it."""
    used: dict[str, list[str]] = defaultdict(list)

    def add(text: str) -> None:
        letter = mnemonic(text)
        if letter is not None:
            used[letter].append(text)

    for action in window.menuBar().actions():
        add(action.text())
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        labels_a_control = isinstance(widget, QLabel) and widget.buddy() is not None
        if labels_a_control or isinstance(widget, QAbstractButton):
            add(widget.text())  # type: ignore[attr-defined]
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            add(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget.tabText(index))
    return used


def test_the_mnemonic_pattern_reads_ampersands_as_qt_does() -> None:
    assert mnemonic("&File") == "f"
    assert mnemonic("Fi&ndings") == "n"
    assert mnemonic("Terms && conditions") is None
    assert mnemonic("Terms && &conditions") == "c"
    assert mnemonic("Findings") is None


def test_no_two_controls_on_any_screen_share_an_alt_letter(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    qtbot.waitUntil(lambda: window.tabs.count() == 4, timeout=5000)
    clashes: dict[str, dict[str, list[str]]] = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()  # the screen's widgets shown, its layout done
        screen = window.tabs.tabText(index)
        shared = {k: v for k, v in _on_screen(window).items() if len(v) > 1}
        if shared:
            clashes[screen] = shared
    assert clashes == {}


def test_a_clash_is_found(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    label = QLabel("&Findings", window.compose)  # the old clash with &File
    label.setBuddy(window.editor)
    label.show()
    assert _on_screen(window)["f"] == ["&File", "&Findings"]
