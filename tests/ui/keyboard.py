"""Typing any Unicode text as key events.

QTest.keyClicks() only knows ASCII (it aborts the process on other characters), so each
character goes in as the key press and release a keyboard layout or input method sends.
"""

from __future__ import annotations

import regex
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Send `text` to `widget` one grapheme cluster at a time."""
    for cluster in regex.findall(r"\X", text):
        key = Qt.Key.Key_Return if cluster == "\n" else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, cluster)
            QApplication.sendEvent(widget, event)
        QApplication.processEvents()
