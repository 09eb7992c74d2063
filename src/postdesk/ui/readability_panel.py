"""The readability panel: reading ease, grade, reading age and the hard sentences, in words.

It changes only when a report arrives (after the author pauses), never per keystroke:
the scores need the whole text, and figures that jump on every letter are noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from postdesk.ui.counters import FlowLayout

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

    from postdesk.analysis.readability import ReadabilityReport

# Flesch's own bands for reading ease (Flesch, "How to Write Plain English", 1979).
_EASE_BANDS = (
    (90.0, "very easy"),
    (80.0, "easy"),
    (70.0, "fairly easy"),
    (60.0, "plain English"),
    (50.0, "fairly hard"),
    (30.0, "hard"),
)
_PALETTE_CHANGE = 39  # QEvent.Type.PaletteChange, as a number (see draft_editor.py)


def ease_words(score: float) -> str:
    """Flesch's name for a reading-ease score ("plain English" is 60 to 70)."""
    for floor, words in _EASE_BANDS:
        if score >= floor:
            return words
    return "very hard"


class ReadabilityPanel(QWidget):
    """Reading ease, grade, reading age, hard and very hard sentences, and how far to
    trust them. Each figure is a label with an accessible name and a description that
    says it in a sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Readability")
        self.ease = self._label("Reading ease")
        self.grade = self._label("Grade")
        self.reading_age = self._label("Reading age")
        self.hard = self._label("Hard sentences")
        self.very_hard = self._label("Very hard sentences")
        self.note = self._label("How far to trust these figures")
        self.note.setWordWrap(True)
        # The figures flow onto as many lines as the width needs (three a row would need
        # ~1,000 px with text at 200%); the note, a sentence, wraps below them.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        figures = FlowLayout()
        figures.setContentsMargins(0, 0, 0, 0)
        column.addLayout(figures)
        for label in (self.ease, self.grade, self.reading_age, self.hard, self.very_hard):
            figures.addWidget(label)
        column.addWidget(self.note)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._report: ReadabilityReport | None = None
        self._show_nothing()

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setAccessibleName(name)
        return label

    def _show_nothing(self) -> None:
        self.ease.setText("Reading ease: not yet")
        self.grade.setText("Grade: not yet")
        self.reading_age.setText("Reading age: not yet")
        self.hard.setText("Hard sentences: not yet")
        self.very_hard.setText("Very hard sentences: not yet")
        self.note.setText("")
        self.note.hide()  # an empty line otherwise
        waiting = "Shown after you pause typing."
        for label in (self.ease, self.grade, self.reading_age, self.hard, self.very_hard):
            label.setAccessibleDescription(waiting)
        self.note.setAccessibleDescription("")

    def show_readability(self, report: ReadabilityReport) -> None:
        """Show a report's figures (called when a report arrives, not per keystroke)."""
        self._report = report
        ease, grade, age = (
            report.flesch_reading_ease,
            report.flesch_kincaid_grade,
            report.reading_age,
        )
        if ease is None or grade is None or age is None:
            none = report.note or "There are no words to score yet."
            for label, name in (
                (self.ease, "Reading ease"),
                (self.grade, "Grade"),
                (self.reading_age, "Reading age"),
            ):
                label.setText(f"{name}: not scored")
                label.setAccessibleDescription(none)
        else:
            band = ease_words(ease)
            self.ease.setText(f"Reading ease: {ease:.0f} ({band})")
            self.ease.setAccessibleDescription(
                f"Flesch reading ease {ease:.0f} out of 100: {band}. Higher is easier; "
                "60 or more is plain English."
            )
            self.grade.setText(f"Grade: {grade:.1f}")
            self.grade.setAccessibleDescription(
                f"Flesch-Kincaid grade {grade:.1f}, a US school grade."
            )
            self.reading_age.setText(f"Reading age: {age}")
            self.reading_age.setAccessibleDescription(
                f"A reader aged about {age} could follow it (the grade plus 5)."
            )
        hard, very_hard = report.hard_sentence_count, report.very_hard_sentence_count
        self.hard.setText(f"Hard sentences: {hard}")
        self.hard.setAccessibleDescription(
            f"{_sentences(hard)} hard to read, highlighted in the text."
        )
        self.very_hard.setText(f"Very hard sentences: {very_hard}")
        self.very_hard.setAccessibleDescription(
            f"{_sentences(very_hard)} very hard to read, highlighted in the text."
        )
        if report.approximate and report.word_count:
            from postdesk.analysis.readability import APPROXIMATE_BELOW_WORDS

            self.note.setText(f"Approximate: under {APPROXIMATE_BELOW_WORDS} words")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self.note.setAccessibleDescription(report.note or "")
        self._colour_legend()

    def _colour_legend(self) -> None:
        """The two counts wear their highlight's colour: a legend for the text's marks."""
        from PySide6.QtGui import QPalette

        from postdesk.ui.editor_marks import MarkKind, mark_styles

        palette = self.palette()
        styles = mark_styles(
            palette.color(QPalette.ColorRole.Base).name(),
            palette.color(QPalette.ColorRole.Text).name(),
        )
        for label, kind in ((self.hard, MarkKind.HARD), (self.very_hard, MarkKind.VERY_HARD)):
            background = styles[kind].background
            if background is None:
                continue
            from PySide6.QtGui import QColor

            legend = label.palette()
            legend.setColor(QPalette.ColorRole.Window, QColor(background))
            legend.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.Text))
            label.setPalette(legend)
            label.setAutoFillBackground(True)
            label.setContentsMargins(4, 1, 4, 1)

    def changeEvent(self, event: QEvent) -> None:
        """Re-colour the legend for a new palette (dark mode, high contrast)."""
        super().changeEvent(event)
        if event.type() == _PALETTE_CHANGE and self._report is not None:
            self._colour_legend()


def _sentences(count: int) -> str:
    if count == 0:
        return "No sentences are"
    return "1 sentence is" if count == 1 else f"{count} sentences are"
