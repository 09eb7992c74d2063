"""Every window PostDesk opens, walked as assistive technology and keyboard users meet it.

- every focusable control has an accessible name (set, from a buddy label, or a button's
  own text, which is what Qt gives screen readers);
- Tab from the editor goes round every control of the Write screen and comes back;
- with text at 200%, the main window still fits a 1280x800 screen and every label and
  button shows its whole text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.analysis.counting import count_all
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.counters import ChannelCounters
from postdesk.ui.main_window import MainWindow
from tests.ui.conftest import StartApp
from tests.ui.keyboard import type_text

# Words that trip the checks (a must-fix finding among them), so that findings, sign-offs
# and the refusal to submit all have something to show.
_DRAFT = (
    "We will utilise a robust approach in order to leverage synergies across the "
    "department, going forward, eg by streamlining things. " * 3
)
SCREEN = (1280, 800)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _has_name(widget: QWidget) -> bool:
    """What a screen reader announces: the accessible name, a buddy label, a button's text."""
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton | QLabel) and _plain(widget.text()):
        return True  # Qt reports a button's or a label's own text as its name
    return any(
        label.buddy() is widget and _plain(label.text())
        for label in widget.window().findChildren(QLabel)
    )


def _describe(widget: QWidget) -> str:
    text = _plain(widget.text()) if isinstance(widget, QAbstractButton | QLabel) else ""
    return (
        f"{widget.window().windowTitle()}: {type(widget).__name__} {widget.objectName()!r} {text!r}"
    )


def _unnamed_now(window: QWidget) -> set[str]:
    return {
        _describe(widget)
        for widget in window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisibleTo(window)
        and not _has_name(widget)
    }


def _walk(window: QWidget, seen: list[str]) -> set[str]:
    """Unnamed focusable controls of `window`, on every page of every tab widget in it."""
    seen.append(window.windowTitle() or type(window).__name__)
    unnamed = _unnamed_now(window)
    for tabs in window.findChildren(QTabWidget):
        if not tabs.isVisibleTo(window):
            continue
        start = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            seen.append(f"{window.windowTitle()} / {_plain(tabs.tabText(index))}")
            unnamed |= _unnamed_now(window)
        tabs.setCurrentIndex(start)
    return unnamed


def _prepare_draft(qtbot: QtBot, window: MainWindow) -> None:
    """Text with findings, saved, with the author's sign-off boxes on screen."""
    window.editor.setFocus()
    with qtbot.waitSignal(window.draft_saved, timeout=5000):
        type_text(window.editor, _DRAFT)
    qtbot.waitUntil(
        lambda: any(box.isVisibleTo(window) for box in window.findChildren(QCheckBox)),
        timeout=5000,
    )


def _open_dialog(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> QDialog:
    """Press a shortcut in the editor, as a person would, and return the dialog it opens."""
    before = window.dialog
    window.tabs.setCurrentIndex(0)
    window.activateWindow()  # back from the last dialog: shortcuts work in the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, key, modifier)
    dialog = window.dialog
    assert isinstance(dialog, QDialog), f"{key.name} opened no dialog"
    assert dialog is not before, f"{key.name} opened no new dialog"
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return dialog


def test_every_window_and_dialog_names_every_focusable_control(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    _prepare_draft(qtbot, window)
    seen: list[str] = []
    unnamed = _walk(window, seen)  # Write, Review queue, Publish, Published, side panels

    ctrl, none = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.NoModifier
    dialogs: list[QWidget] = []
    for key, modifier in (
        (Qt.Key.Key_Comma, ctrl),  # Preferences
        (Qt.Key.Key_H, ctrl),  # the draft's history
        (Qt.Key.Key_K, ctrl),  # the command palette
        (Qt.Key.Key_F1, none),  # the shortcut sheet
    ):
        dialog = _open_dialog(qtbot, window, key, modifier)
        assert dialog.windowTitle(), f"a dialog without a title: {type(dialog).__name__}"
        unnamed |= _walk(dialog, seen)
        dialogs.append(dialog)
        dialog.close()

    # Submitting text with a must-fix finding is refused with a list of what to fix.
    window.tabs.setCurrentIndex(0)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, ctrl)
    qtbot.waitUntil(lambda: window.refusal is not None and window.refusal.isVisible(), timeout=5000)
    refusal = window.refusal
    assert isinstance(refusal, QMessageBox)
    unnamed |= _walk(refusal, seen)
    dialogs.append(refusal)

    # Anything else on screen is walked too, so a new window cannot slip past this test.
    for other in QApplication.topLevelWidgets():
        if other.isVisible() and other is not window and other not in dialogs and other.isWindow():
            unnamed |= _walk(other, seen)
    refusal.close()

    assert {"PostDesk", "Preferences", "Draft history", "Command palette"} <= set(seen)
    assert "Keyboard shortcuts" in seen
    assert any("Review queue" in name for name in seen)
    assert any("Published" in name for name in seen)
    assert sorted(unnamed) == []


def test_the_start_up_problem_dialog_names_its_controls(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    path = Path(sqlite_location.url.database or "")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not SQLite at all " * 100)
    startup = start_app(sqlite_location, wait=False)
    qtbot.waitUntil(lambda: startup.problem_box is not None, timeout=10_000)
    box = startup.problem_box
    assert box is not None
    assert box.windowTitle()
    assert _walk(box, []) == set()


def _tab_stops(window: QWidget) -> set[QWidget]:
    """The controls Qt's focus chain stops at when Tab is pressed (as Qt chooses them)."""
    return {
        widget
        for widget in window.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        and widget.isVisible()
        and widget.isEnabled()
        and widget.focusProxy() is None
    }


def test_tab_from_the_editor_visits_every_control_of_the_write_screen_and_returns(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    _prepare_draft(qtbot, window)
    window.activateWindow()
    window.editor.setFocus()
    assert QApplication.focusWidget() is window.editor
    expected = _tab_stops(window)
    visited: list[QWidget] = []
    for _ in range(len(expected) + 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
        visited.append(focused)
        if focused is window.editor:
            break
    names = [w.accessibleName() or _plain(getattr(w, "text", str)()) for w in visited]
    assert visited[-1] is window.editor, f"Tab did not come back to the editor: {names}"
    assert len(visited) == len(set(visited)), f"a control is visited twice: {names}"
    missing = sorted(_describe(w) for w in expected - set(visited))
    assert missing == [], f"Tab never reaches these: {missing}"
    # The channel toggles are one group, left to right, as on screen.
    channel_names = [n for n in names if n.endswith(" channel")]
    assert channel_names == [
        "X channel",
        "Bluesky channel",
        "Mastodon channel",
        "Threads channel",
        "LinkedIn channel",
        "Facebook channel",
        "Instagram channel",
    ]
    first = names.index("X channel")
    assert names[first : first + 7] == channel_names
    # The sign-off tick boxes are one group too, top to bottom.
    boxes = [w for w in visited if isinstance(w, QCheckBox)]
    assert boxes, "no sign-off tick boxes on the Write screen"
    first_box = visited.index(boxes[0])
    assert visited[first_box : first_box + len(boxes)] == sorted(
        boxes, key=lambda box: box.mapTo(window, box.rect().topLeft()).y()
    )
    # Shift+Tab goes back the same way.
    qtbot.keyClick(window.editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is visited[-2]


# -- text at 200% ---------------------------------------------------------------------------


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True  # scrolls into view
        parent = parent.parentWidget()
    return False


def _elided_on_purpose(widget: QLabel | QAbstractButton) -> bool:
    """Shortened with "…", the whole text in the tooltip (a hover or a key away)."""
    text = _plain(widget.text())
    return text.endswith("…") and bool(widget.toolTip()) and text[:-1] in widget.toolTip()


def _cut_text(window: QWidget) -> list[str]:
    """Labels and buttons on screen whose text does not fit the space they are shown in."""
    cut = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisible():
            continue
        if not _plain(widget.text()) or _in_scroll_area(widget):
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            continue
        if _elided_on_purpose(widget):
            continue
        wanted = widget.sizeHint()
        shown = widget.visibleRegion().boundingRect()
        if shown.width() < wanted.width() or shown.height() < wanted.height():
            cut.append(
                f"{type(widget).__name__} {_plain(widget.text())[:40]!r}: "
                f"needs {wanted.width()}x{wanted.height()}, shown {shown.width()}x{shown.height()}"
            )
    return cut


def test_at_200_percent_text_the_main_window_fits_a_1280_by_800_screen(
    qtbot: QtBot,
    text_at_200_percent: QFont,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
) -> None:
    window = start_app(sqlite_location).window
    _prepare_draft(qtbot, window)
    needed = window.minimumSizeHint()
    # Each screen's own needs, to say which one is too big (the window needs the largest).
    screens = {
        _plain(window.tabs.tabText(index)): page.minimumSizeHint().width()
        for index in range(window.tabs.count())
        if (page := window.tabs.widget(index)) is not None
    }
    assert needed.width() <= SCREEN[0], f"{needed.width()} px wide; each screen: {screens}"
    assert needed.height() <= SCREEN[1]


def test_at_200_percent_text_every_label_and_button_shows_all_its_text(
    qtbot: QtBot,
    text_at_200_percent: QFont,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
) -> None:
    window = start_app(sqlite_location).window
    assert window.font().pointSizeF() == text_at_200_percent.pointSizeF()
    _prepare_draft(qtbot, window)
    # A maximised window on the screen: no bigger, whatever the layouts ask for.
    window.setFixedSize(*SCREEN)
    cut: dict[str, list[str]] = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        if found := _cut_text(window):
            cut[_plain(window.tabs.tabText(index))] = found
    assert cut == {}


@pytest.mark.parametrize("width", [360, 1000])
def test_at_200_percent_text_the_counters_wrap_and_show_all_their_text(
    qtbot: QtBot, text_at_200_percent: QFont, width: int
) -> None:
    column = QWidget()
    layout = QVBoxLayout(column)
    counters = ChannelCounters()
    layout.addWidget(counters)
    layout.addStretch(1)
    qtbot.addWidget(column)
    # All seven channels, each over its limit: the longest texts ("✕ Instagram 2300/2200").
    counters.show_counts(count_all("a" * 70_000))
    column.resize(width, 600)
    column.show()
    qtbot.waitExposed(column)
    QApplication.processEvents()
    labels = [counters.label_for(channel) for channel in Channel]
    assert all(label is not None and label.text().startswith("✕ ") for label in labels)
    assert _cut_text(counters) == []
    rows = {label.y() for label in labels if label is not None}
    assert len(rows) > 1 if width == 360 else len(rows) >= 1
    # Lines do not overlap: the counters ask for the height their lines take.
    assert counters.height() >= counters.heightForWidth(counters.width())
