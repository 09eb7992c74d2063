"""Icons, loaded from package data so installed and bundled apps find them."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QIcon, QPixmap


def _read(name: str) -> bytes:
    return (resources.files("postdesk.resources") / name).read_bytes()


@cache
def app_icon() -> QIcon:
    """The application icon (from the SVG master, so it is sharp at every size)."""
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(_read("icons/postdesk.svg")), "SVG")
    return QIcon(pixmap)
