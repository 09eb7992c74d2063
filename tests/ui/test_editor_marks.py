"""Marks in the editor: which spans, which colours, and how they follow the text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QPalette, QTextCharFormat, QTextFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.readability import readability
from postdesk.ui import draft_editor
from postdesk.ui.draft_editor import GRAMMAR, READABILITY, DraftEditor
from postdesk.ui.editor_marks import (
    MAX_MARKS_PER_LAYER,
    Mark,
    MarkKind,
    MarkLayer,
    adjust_for_contrast,
    contrast_ratio,
    grammar_marks,
    ignore_key,
    is_dark,
    mark_at,
    mark_styles,
    readability_marks,
)

VERY_HARD = (
    "The implementation of the comprehensive organisational restructuring programme "
    "necessitates considerable administrative reconfiguration across multiple departmental "
    "jurisdictions throughout the forthcoming financial year."
)
HARD = (
    "Residents should remember that the council will collect garden waste every other "
    "week during the summer months this year."
)
# (base, text) of light and dark editors: Qt's default Fusion palettes, PostDesk's own
# light, dark and high-contrast themes, and a mid-grey one that no table was made for.
PALETTES = [
    ("#ffffff", "#000000"),
    ("#ffffff", "#0b0c0c"),
    ("#2d2d2d", "#ffffff"),
    ("#121314", "#f3f2f1"),
    ("#000000", "#ffffff"),
    ("#777777", "#000000"),
    ("#fdf6e3", "#657b83"),  # Solarized light: its own text is only 4.1:1 on its base
]


def spelling(start: int, end: int, word: str, suggestion: str | None = "the") -> Finding:
    return Finding("spelling", Level.WARN, start, end, f"“{word}” is misspelt.", suggestion)


# -- pure logic ----------------------------------------------------------------------------


@pytest.mark.parametrize(("base", "text"), PALETTES)
def test_every_highlight_keeps_its_text_readable_and_every_underline_visible(
    base: str, text: str
) -> None:
    styles = mark_styles(base, text)
    for kind in (MarkKind.HARD, MarkKind.VERY_HARD, MarkKind.OVERFLOW):
        background = styles[kind].background
        assert background is not None
        # Never below 4.5:1, nor worse than the palette's own text on its base.
        assert contrast_ratio(text, background) >= min(4.5, contrast_ratio(text, base))
    for kind in (MarkKind.SPELLING, MarkKind.GRAMMAR):
        underline = styles[kind].underline
        assert underline is not None
        assert contrast_ratio(underline, base) >= 3.0, (kind, underline)


@pytest.mark.parametrize(("base", "text"), [p for p in PALETTES if p[0] != "#777777"])
def test_the_sentence_highlights_differ_from_each_other_and_from_the_overflow(
    base: str, text: str
) -> None:
    styles = mark_styles(base, text)
    backgrounds = [styles[k].background for k in (MarkKind.HARD, MarkKind.VERY_HARD)]
    overflow = styles[MarkKind.OVERFLOW].background
    assert overflow is not None
    for background in backgrounds:
        assert background is not None
        # Not merely different numbers: a visibly different hue.
        assert _hue_apart(background, overflow) >= 30
    assert _hue_apart(backgrounds[0], backgrounds[1]) >= 30  # type: ignore[arg-type]
    assert styles[MarkKind.SPELLING].underline != styles[MarkKind.GRAMMAR].underline


def test_light_and_dark_sets_are_chosen_by_the_base_lightness() -> None:
    assert not is_dark("#ffffff")
    assert is_dark("#121314")
    assert mark_styles("#ffffff", "#000000") != mark_styles("#121314", "#f3f2f1")


def test_contrast_is_wcag_and_adjusting_reaches_the_minimum() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    adjusted = adjust_for_contrast("#888888", "#000000", 4.5)
    assert contrast_ratio(adjusted, "#000000") >= 4.5
    assert adjust_for_contrast("#ffffff", "#000000", 4.5) == "#ffffff"  # already enough


def test_very_hard_and_hard_sentences_get_marks_with_words() -> None:
    text = f"Bins go out on Monday. {VERY_HARD} {HARD} Thank you."
    marks = readability_marks(readability(text), text)
    assert [m.kind for m in marks] == [MarkKind.VERY_HARD, MarkKind.HARD]
    very_hard = marks[0]
    assert text[very_hard.start : very_hard.end] == VERY_HARD
    assert very_hard.tooltip.startswith("Very hard to read: 21 words, grade ")
    assert "Split it" in very_hard.tooltip
    assert marks[1].tooltip.startswith("Hard to read: 19 words, grade 13.")
    assert very_hard.ignore_key is None


def test_mark_positions_are_qt_positions_after_an_emoji() -> None:
    text = f"👩‍👩‍👧 Done. {VERY_HARD}"  # a ZWJ family: 5 code points, 8 UTF-16 units
    (mark,) = readability_marks(readability(text), text)
    assert mark.start == len(text[: text.index("The")].encode("utf-16-le")) // 2
    assert mark.start == 15


def test_grammar_marks_carry_suggestions_and_skip_what_was_ignored() -> None:
    text = "Teh bins and teh boxes could of gone."
    findings = [
        spelling(0, 3, "Teh", "The"),
        spelling(13, 16, "teh"),
        Finding("grammar", Level.WARN, 23, 31, "Did you mean “could have”?", "could have"),
        Finding("plain-english", Level.INFO, 0, 3, "Not for the underline"),
    ]
    marks = grammar_marks(findings, text)
    assert [(m.kind, m.suggestions) for m in marks] == [
        (MarkKind.SPELLING, ("The",)),
        (MarkKind.SPELLING, ("the",)),
        (MarkKind.GRAMMAR, ("could have",)),
    ]
    assert marks[2].tooltip.startswith("Grammar: Did you mean")
    ignored = {ignore_key(findings[1], text)}
    assert [m.start for m in grammar_marks(findings, text, ignored=ignored)] == [0, 23]


def test_marks_move_with_an_edit_before_them_and_stay_after_one_after_them() -> None:
    before = Mark(MarkKind.SPELLING, 2, 5, "a")
    after = Mark(MarkKind.SPELLING, 20, 23, "b")
    layer = MarkLayer([after, before])
    assert layer.follow_edit(10, 2, 5) == []  # "ab" replaced by five letters at 10
    assert layer.spans == [(2, 5, before), (23, 26, after)]
    assert layer.follow_edit(0, 1, 0) == []  # a deletion at the start
    assert layer.spans == [(1, 4, before), (22, 25, after)]
    assert layer.where(after) == (22, 25)


@pytest.mark.parametrize(
    ("position", "removed", "added", "now"),
    [
        (13, 0, 1, (10, 14)),  # typed straight after it: "tehx" is another word
        (10, 0, 1, (10, 14)),  # typed straight before it
        (11, 1, 0, (10, 12)),  # deleted inside it
        (8, 7, 0, (8, 8)),  # deleted with its surroundings
        (12, 5, 2, (10, 14)),  # replaced across its end
    ],
)
def test_a_mark_an_edit_touches_is_dropped(
    position: int, removed: int, added: int, now: tuple[int, int]
) -> None:
    mark = Mark(MarkKind.SPELLING, 10, 13, "teh")
    layer = MarkLayer([mark])
    # The dropped mark comes back with the span its text covers now, to redraw it.
    assert layer.follow_edit(position, removed, added) == [(*now, mark)]
    assert layer.spans == []


def test_a_layer_finds_the_marks_in_a_paragraph() -> None:
    sentence = Mark(MarkKind.HARD, 0, 120, "long")
    word = Mark(MarkKind.SPELLING, 200, 203, "teh")
    layer = MarkLayer([word, sentence])
    assert [m for _s, _e, m in layer.between(100, 150)] == [sentence]
    assert [m for _s, _e, m in layer.between(150, 300)] == [word]
    assert layer.between(120, 200) == []
    assert [m for _s, _e, m in layer.remove(lambda m: m is word)] == [word]
    assert layer.between(150, 300) == []


def test_the_mark_at_a_position_prefers_a_fix_over_a_sentence() -> None:
    sentence = Mark(MarkKind.HARD, 0, 50, "hard")
    word = Mark(MarkKind.SPELLING, 10, 13, "spelling", ("the",), ("spelling", "teh"))
    spans = [(0, 50, sentence), (10, 13, word)]
    assert mark_at(spans, 12) is word
    assert mark_at(spans, 13) is word  # just after the word: the Menu key still works
    assert mark_at(spans, 30) is sentence
    assert mark_at(spans, 60) is None


def test_marks_are_capped_for_a_pathological_draft() -> None:
    text = "teh " * (MAX_MARKS_PER_LAYER + 50)
    findings = [spelling(i * 4, i * 4 + 3, "teh") for i in range(MAX_MARKS_PER_LAYER + 50)]
    assert len(grammar_marks(findings, text)) == MAX_MARKS_PER_LAYER


def test_qt_numbers_used_at_start_up_match_qt() -> None:
    assert QEvent.Type.ToolTip.value == draft_editor._TOOLTIP_EVENT
    assert QEvent.Type.PaletteChange.value == draft_editor._PALETTE_CHANGE
    assert Qt.Key.Key_Menu.value == draft_editor._KEY_MENU
    assert Qt.Key.Key_F10.value == draft_editor._KEY_F10
    assert Qt.KeyboardModifier.ShiftModifier.value == draft_editor._SHIFT_MODIFIER


# -- the editor ----------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot: QtBot) -> DraftEditor:
    widget = DraftEditor()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    return widget


def drawn(editor: DraftEditor) -> list[tuple[int, int, str | None, str | None]]:
    """What the editor draws over its text, from each paragraph's layout: (start, end,
    background colour, wavy underline colour), in Qt positions."""
    found = []
    block = editor.document().firstBlock()
    while block.isValid():
        layout = block.layout()
        for format_range in layout.formats() if layout is not None else []:
            char_format = format_range.format
            start = block.position() + format_range.start
            background = (
                char_format.background().color().name()
                if char_format.hasProperty(QTextFormat.Property.BackgroundBrush)
                else None
            )
            wavy = (
                char_format.underlineColor().name()
                if char_format.underlineStyle()
                == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
                else None
            )
            found.append((start, start + format_range.length, background, wavy))
        block = block.next()
    return found


def pixel_at(editor: DraftEditor, position: int) -> str:
    """The colour the editor paints just inside the character at a Qt position."""
    cursor = editor.textCursor()
    cursor.setPosition(position)
    rect = editor.cursorRect(cursor)
    image = editor.viewport().grab().toImage()
    return image.pixelColor(rect.x() + 1, rect.y() + 2).name()


def test_marks_move_with_edits_elsewhere_and_drop_when_touched(editor: DraftEditor) -> None:
    text = "Teh bins go out. And teh boxes."
    editor.setPlainText(text)
    findings = [spelling(0, 3, "Teh"), spelling(21, 24, "teh")]
    editor.set_marks(GRAMMAR, grammar_marks(findings, text))
    red = editor.mark_format(MarkKind.SPELLING).underlineColor().name()
    assert drawn(editor) == [(0, 3, None, red), (21, 24, None, red)]
    cursor = editor.textCursor()
    cursor.setPosition(4)
    cursor.insertText("green ")  # between the two marks
    assert [(start, end) for start, end, _mark in editor.marks()] == [(0, 3), (27, 30)]
    assert editor.toPlainText()[27:30] == "teh"
    assert drawn(editor) == [(0, 3, None, red), (27, 30, None, red)]
    cursor.setPosition(30)
    cursor.insertText("x")  # "tehx": another word, the mark no longer describes it
    assert [(start, end) for start, end, _mark in editor.marks()] == [(0, 3)]
    assert drawn(editor) == [(0, 3, None, red)]


def test_redrawing_marks_is_not_an_edit(editor: DraftEditor) -> None:
    text = f"Teh end. {VERY_HARD}"
    editor.setPlainText(text)
    changes: list[str] = []
    editor.textChanged.connect(lambda: changes.append("text"))
    editor.document().contentsChange.connect(lambda *_: changes.append("contents"))
    editor.set_marks(READABILITY, readability_marks(readability(text), text))
    editor.set_marks(GRAMMAR, grammar_marks([spelling(0, 3, "Teh")], text))
    editor.clear_marks(GRAMMAR)
    # Autosave, sign-offs and the analysis all listen for edits: none happened.
    assert changes == []
    assert not editor.document().isUndoAvailable()


def test_spelling_and_grammar_are_wavy_underlines_in_two_colours(editor: DraftEditor) -> None:
    text = f"Teh council could of said. {VERY_HARD}"
    editor.setPlainText(text)
    findings = [
        spelling(0, 3, "Teh", "The"),
        Finding("grammar", Level.WARN, 12, 20, "Did you mean “could have”?", "could have"),
        spelling(text.index("considerable"), text.index("considerable") + 4, "cons"),
    ]
    editor.set_marks(READABILITY, readability_marks(readability(text), text))
    editor.set_marks(GRAMMAR, grammar_marks(findings, text))
    red = editor.mark_format(MarkKind.SPELLING).underlineColor().name()
    blue = editor.mark_format(MarkKind.GRAMMAR).underlineColor().name()
    assert red != blue
    orchid = editor.mark_format(MarkKind.VERY_HARD).background().color().name()
    inside = text.index("considerable")
    sentence = text.index("The implementation")
    assert drawn(editor) == [
        (0, 3, None, red),
        (12, 20, None, blue),
        (sentence, inside, orchid, None),
        (inside, inside + 4, orchid, red),  # an underline keeps the sentence's colour
        (inside + 4, len(text), orchid, None),
    ]


def test_marks_follow_a_dark_palette(editor: DraftEditor) -> None:
    text = f"{VERY_HARD}"
    editor.setPlainText(text)
    editor.set_marks(READABILITY, readability_marks(readability(text), text))
    light = editor.mark_format(MarkKind.VERY_HARD).background().color().name()
    assert pixel_at(editor, 10) == light
    dark = editor.palette()
    dark.setColor(QPalette.ColorRole.Base, QColor("#121314"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#f3f2f1"))
    editor.setPalette(dark)
    background = editor.mark_format(MarkKind.VERY_HARD).background().color().name()
    assert background != light
    assert contrast_ratio("#f3f2f1", background) >= 4.5
    assert drawn(editor) == [(0, len(text), background, None)]
    assert pixel_at(editor, 10) == background


@pytest.mark.parametrize(
    "odd",
    [
        "👩‍👩‍👧 ",  # an emoji ZWJ sequence
        "مرحبا بالعالم ",  # right-to-left
        "a\u200bb\u200d ",  # zero-width space and joiner
        "\ud800 ",  # a lone surrogate (Qt stores it as U+FFFD)
    ],
)
def test_odd_unicode_does_not_upset_the_marks(editor: DraftEditor, odd: str) -> None:
    text = f"{odd}{VERY_HARD} teh {odd}"
    editor.setPlainText(text)
    shown = editor.toPlainText()
    report = readability(shown)
    editor.set_marks(READABILITY, readability_marks(report, shown))
    word = shown.rindex("teh")
    editor.set_marks(GRAMMAR, grammar_marks([spelling(word, word + 3, "teh")], shown))
    kinds = sorted(mark.kind for _start, _end, mark in editor.marks())
    assert kinds == [MarkKind.SPELLING, MarkKind.VERY_HARD]
    assert editor.positions_match(shown)
    sentence = report.sentences[0]
    for start, end, mark in editor.marks():
        cursor = editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        expected = "teh" if mark.kind is MarkKind.SPELLING else shown[sentence.start : sentence.end]
        assert cursor.selectedText() == expected
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    editor.textCursor().insertText(odd)  # edits before the marks move them, nothing breaks
    editor.selectAll()
    editor.textCursor().removeSelectedText()
    assert editor.marks() == []


def _hue_apart(first: str, second: str) -> float:
    """Degrees between two colours' hues, round the colour wheel."""
    apart = abs(QColor(first).hslHueF() - QColor(second).hslHueF()) * 360
    return min(apart, 360 - apart)


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_a_right_click_on_a_misspelt_word_offers_its_fix_first(
    qtbot: QtBot, editor: DraftEditor
) -> None:
    text = "Bins go out. Teh boxes too."
    editor.setPlainText(text)
    editor.set_marks(GRAMMAR, grammar_marks([spelling(13, 16, "Teh", "The")], text))

    def right_click(position: int) -> list[str]:
        cursor = editor.textCursor()
        cursor.setPosition(position)
        rect = editor.cursorRect(cursor)
        point = QPoint(rect.x() + 2, rect.center().y())
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, editor.viewport().mapToGlobal(point)
        )
        QApplication.sendEvent(editor.viewport(), event)
        menu = editor.context_menu()
        assert menu is not None
        labels = [action.text() for action in menu.actions()]
        menu.close()
        qtbot.waitUntil(lambda: editor.context_menu() is None)
        return labels

    assert right_click(14)[:2] == ["The", "Ignore “Teh” for this session"]
    plain = right_click(2)
    assert "The" not in plain
    assert not any(label.startswith("Ignore") for label in plain)
