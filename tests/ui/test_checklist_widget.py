"""The sign-off checklist widget: wrapping words beside text-less boxes, ticked by a click
on the words or by Space, and named for screen readers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from postdesk.ui.checklist import SignOffChecklist
from postdesk.workflow.checklist import ChecklistItem

LONG = (
    "People who can be identified in images or video agreed to be shown (a parent or "
    "guardian for children), or the post has none."
)
ITEMS = [
    ChecklistItem("facts-checked", "Facts & figures are checked against their source.", False),
    ChecklistItem("image-consent", LONG, False, "Ask the comms team if unsure."),
    ChecklistItem("already", "Already ticked for this text.", True),
]


@pytest.fixture
def checklist(qtbot: QtBot) -> Iterator[SignOffChecklist]:
    """The checklist in a narrow column, on screen, with the three items."""
    column = QWidget()
    layout = QVBoxLayout(column)
    widget = SignOffChecklist("Before you submit, confirm:", "Your sign-off checklist")
    layout.addWidget(widget)
    layout.addStretch(1)
    qtbot.addWidget(column)
    widget.show_items(ITEMS)
    column.resize(320, 700)
    column.show()
    qtbot.waitExposed(column)
    QApplication.processEvents()
    yield widget  # noqa: PT022 - keeps `column`, which owns the widget, alive for the test


def _label(checklist: SignOffChecklist, item_id: str) -> QLabel:
    label = checklist.label(item_id)
    assert label is not None
    return label


def test_long_items_wrap_inside_a_narrow_column(checklist: SignOffChecklist) -> None:
    label = _label(checklist, "image-consent")
    box = checklist.box("image-consent")
    assert box is not None
    assert box.text() == ""  # the words are the label's, which can wrap
    assert label.wordWrap()
    # Several lines, all inside the 320 px column: nothing pushes it wider.
    assert label.height() >= 3 * label.fontMetrics().lineSpacing()
    assert checklist.minimumSizeHint().width() <= 320
    right_edge = label.mapTo(checklist.window(), label.rect().topRight()).x()
    assert right_edge <= 320
    # The box sits beside the first line, not halfway down the paragraph.
    assert abs(box.geometry().top() - label.geometry().top()) <= label.fontMetrics().height()


def test_clicking_the_words_ticks_the_box_once_and_for_good(
    qtbot: QtBot, checklist: SignOffChecklist
) -> None:
    box = checklist.box("image-consent")
    assert box is not None
    assert box.isEnabled()
    label = _label(checklist, "image-consent")
    with qtbot.waitSignal(checklist.ticked, timeout=1000) as ticked:
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert ticked.args == ["image-consent"]
    assert box.isChecked()
    assert not box.isEnabled()  # a signed statement: only an edit to the text voids it
    assert checklist.outstanding() == ["facts-checked"]
    # Another click on the words of a ticked item changes nothing and says nothing.
    with qtbot.assertNotEmitted(checklist.ticked):
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert box.isChecked()


def test_space_on_the_box_ticks_it(qtbot: QtBot, checklist: SignOffChecklist) -> None:
    box = checklist.box("facts-checked")
    assert box is not None
    box.setFocus()
    with qtbot.waitSignal(checklist.ticked, timeout=1000) as ticked:
        qtbot.keyClick(box, Qt.Key.Key_Space)
    assert ticked.args == ["facts-checked"]
    assert not box.isEnabled()


def test_an_item_ticked_in_the_database_shows_ticked_and_cannot_be_unticked(
    checklist: SignOffChecklist,
) -> None:
    box = checklist.box("already")
    assert box is not None
    assert box.isChecked()
    assert not box.isEnabled()
    assert "already" not in checklist.outstanding()


def test_boxes_are_named_and_the_words_take_no_focus(checklist: SignOffChecklist) -> None:
    for item in ITEMS:
        box = checklist.box(item.id)
        label = _label(checklist, item.id)
        assert box is not None
        assert box.accessibleName() == item.label
        assert label.accessibleName() == item.label
        assert label.buddy() is box
        assert label.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert box.focusPolicy() & Qt.FocusPolicy.TabFocus
    helped = checklist.box("image-consent")
    assert helped is not None
    assert helped.accessibleDescription() == "Ask the comms team if unsure."
    assert helped.toolTip() == "Ask the comms team if unsure."
    # "&" is shown, not taken for a keyboard mnemonic by the buddy label.
    words = _label(checklist, "facts-checked")
    assert words.text() == "Facts && figures are checked against their source."
    assert checklist.accessibleName() == "Your sign-off checklist"


def test_showing_other_items_replaces_the_rows(qtbot: QtBot, checklist: SignOffChecklist) -> None:
    odd = [
        ChecklistItem("emoji", "Emoji 👩‍👩‍👧 in the words", False),
        ChecklistItem("rtl", "مرحبا بالعالم \u200b\u200d", False),
    ]
    checklist.show_items(odd)
    QApplication.processEvents()
    assert checklist.box("facts-checked") is None
    assert [b.accessibleName() for b in checklist.boxes()] == [i.label for i in odd]
    assert checklist.outstanding() == ["emoji", "rtl"]
    visible = [b for b in checklist.findChildren(QWidget) if b.isVisible()]
    assert not any(getattr(w, "accessibleName", str)() == LONG for w in visible)
    checklist.show_items([])
    assert not checklist.isVisible()
