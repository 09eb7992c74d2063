"""The composer: the editor with channel toggles, live counters and the findings panel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.counters import ChannelCounters
from postdesk.ui.findings_panel import FindingsPanel, next_finding
from postdesk.ui.live import LiveAnalysis

if TYPE_CHECKING:
    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount
    from postdesk.analysis.findings import Finding
    from postdesk.analysis.report import AnalysisReport

logger = logging.getLogger(__name__)

CHANNEL_IDS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
CHANNEL_LABELS = ("X", "Bluesky", "Mastodon", "Threads", "LinkedIn", "Facebook", "Instagram")
# The part that does not fit: a light red behind the text, with the text colour unchanged,
# so it stays readable; the counter says the same in words.
_OVERFLOW_BACKGROUND = "#f6d7d2"


def qt_position(text: str, index: int) -> int:
    """Qt counts UTF-16 units; Python counts code points."""
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


# NOTE: shortcuts are set with setShortcuts([...]): setShortcut(QKeySequence) resolves an
# overload that builds Qt's whole namespace of enums first (~15 ms of start-up time).


class ComposeWidget(QWidget):
    """Where an author writes. Counters update per keystroke; findings after a pause.

    Signals:
        channels_changed: the author toggled a channel (tuple of channel ids).
        report_shown: a new report is on screen (for tests and the status bar).
    """

    channels_changed = Signal(tuple)
    report_shown = Signal(object)
    sign_off_ticked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Post text")
        self.editor.setAccessibleDescription("Type your post. It is saved as you type.")
        self.editor.setTabChangesFocus(True)
        self.editor.document().setDocumentMargin(8)
        editor_font = self.editor.font()  # a copy
        editor_font.setPointSizeF(editor_font.pointSizeF() * 1.25)
        self.editor.setFont(editor_font)

        self.channel_actions: list[QAction] = []
        toggles = QHBoxLayout()
        toggles.addWidget(QLabel("Channels:"))
        for number, (channel_id, label) in enumerate(zip(CHANNEL_IDS, CHANNEL_LABELS, strict=True)):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setData(channel_id)
            action.setObjectName(f"channel.{channel_id}")
            action.setShortcuts([QKeySequence(f"Ctrl+{number + 1}")])
            action.setToolTip(f"Post to {label} (Ctrl+{number + 1})")
            action.toggled.connect(self._on_channel_toggled)
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAccessibleName(f"{label} channel")
            toggles.addWidget(button)
            self.channel_actions.append(action)
        toggles.addStretch(1)

        self.sign_offs = QGroupBox("Before you submit, confirm:")
        self.sign_offs.setAccessibleName("Your sign-off checklist")
        self._sign_off_layout = QVBoxLayout(self.sign_offs)
        self._sign_off_boxes: dict[str, QCheckBox] = {}
        self.counters = ChannelCounters()
        self.grammar_note = QLabel("Grammar and spelling: checking after you pause")
        self.grammar_note.setAccessibleName("Grammar checker status")
        self.grammar_note.setWordWrap(True)
        self.findings = FindingsPanel()
        self.findings.finding_activated.connect(self.select_finding)
        self.live = LiveAnalysis(parent=self)
        self.live.counts_ready.connect(self._on_counts)
        self.live.report_ready.connect(self._on_report)
        self.live.grammar_status.connect(self._on_grammar_status)
        self.editor.textChanged.connect(self._on_text_changed)

        self.next_finding_action = QAction("Next finding", self)
        self.next_finding_action.setObjectName("findings.next")
        self.next_finding_action.setShortcuts([QKeySequence("F8")])
        self.next_finding_action.triggered.connect(lambda: self.go_to_finding(forward=True))
        self.previous_finding_action = QAction("Previous finding", self)
        self.previous_finding_action.setObjectName("findings.previous")
        self.previous_finding_action.setShortcuts([QKeySequence("Shift+F8")])
        self.previous_finding_action.triggered.connect(lambda: self.go_to_finding(forward=False))
        self.apply_suggestion_action = QAction("Apply suggestion", self)
        self.apply_suggestion_action.setObjectName("findings.apply")
        self.apply_suggestion_action.setShortcuts([QKeySequence("Ctrl+.")])
        self.apply_suggestion_action.triggered.connect(self.apply_current_suggestion)
        for action in (
            *self.channel_actions,
            self.next_finding_action,
            self.previous_finding_action,
            self.apply_suggestion_action,
        ):
            self.addAction(action)

        writing = QWidget()
        column = QVBoxLayout(writing)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(toggles)
        post_label = QLabel("&Post")
        post_label.setBuddy(self.editor)
        column.addWidget(post_label)
        column.addWidget(self.editor, 1)
        column.addWidget(self.counters)
        column.addWidget(self.grammar_note)
        side = QWidget()
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(0, 0, 0, 0)
        findings_label = QLabel("&Findings")
        findings_label.setBuddy(self.findings)
        side_column.addWidget(findings_label)
        side_column.addWidget(self.findings, 1)
        side_column.addWidget(self.sign_offs)
        split = QSplitter()
        split.addWidget(writing)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self._report_text: str | None = None
        self._current: Finding | None = None

    # -- channels --------------------------------------------------------------------------

    def channels(self) -> tuple[str, ...]:
        """The selected channel ids, in the toggles' order."""
        return tuple(a.data() for a in self.channel_actions if a.isChecked())

    def set_channels(self, channels: tuple[str, ...]) -> None:
        """Select exactly these channels (without announcing a change)."""
        for action in self.channel_actions:
            action.blockSignals(True)
            action.setChecked(action.data() in channels)
            action.blockSignals(False)
        self._reanalyse()

    @Slot(bool)
    def _on_channel_toggled(self, _checked: bool) -> None:
        self._reanalyse()
        self.channels_changed.emit(self.channels())

    def _reanalyse(self) -> None:
        from postdesk.analysis.channels import Channel

        self.live.set_channels(tuple(Channel(c) for c in self.channels()))

    # -- live analysis ---------------------------------------------------------------------

    @Slot()
    def _on_text_changed(self) -> None:
        self.live.set_text(self.editor.toPlainText())

    @Slot(object)
    def _on_counts(self, counts: dict[Channel, ChannelCount]) -> None:
        self.counters.show_counts(counts)
        text = self.editor.toPlainText()
        starts = [c.overflow_at for c in counts.values() if c.overflow_at is not None]
        overflow = []
        if starts:
            from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
            from PySide6.QtWidgets import QTextEdit

            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(qt_position(text, min(starts)))
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = QTextCharFormat()
            selection.format.setBackground(QColor(_OVERFLOW_BACKGROUND))
            overflow.append(selection)
        self.editor.setExtraSelections(overflow)

    @Slot(object)
    def _on_report(self, payload: tuple[str, AnalysisReport]) -> None:
        text, report = payload
        self._report_text = text
        self.findings.show_findings(report.findings)
        self.report_shown.emit(report)

    @Slot(object)
    def _on_grammar_status(self, result: object) -> None:
        engine = getattr(result, "engine", "none")
        note = getattr(result, "note", None)
        if engine == "languagetool":
            self.grammar_note.setText("Grammar and spelling: checked by LanguageTool")
        elif engine == "spelling":
            self.grammar_note.setText(f"Only offline spelling is running. {note or ''}".strip())
        else:
            self.grammar_note.setText(
                f"No grammar or spelling check is running. {note or ''}".strip()
            )
        self.grammar_note.setAccessibleDescription(self.grammar_note.text())

    # -- sign-offs --------------------------------------------------------------------------

    def show_sign_offs(self, items: list[tuple[str, str, bool]]) -> None:
        """The author's checklist: (item id, label, already ticked for this exact text)."""
        for box in self._sign_off_boxes.values():
            box.deleteLater()
        self._sign_off_boxes = {}
        for item_id, label, ticked in items:
            box = QCheckBox(label)
            box.setAccessibleName(label)
            box.setChecked(ticked)
            # A tick is a signed statement about this exact text: it cannot be taken
            # back, only voided by editing the text.
            box.setEnabled(not ticked)
            box.toggled.connect(lambda checked, item=item_id: self._on_sign_off(item, checked))
            self._sign_off_layout.addWidget(box)
            self._sign_off_boxes[item_id] = box
        self.sign_offs.setVisible(bool(items))

    def sign_off_box(self, item_id: str) -> QCheckBox | None:
        """The tick box for an item (for tests and keyboard focus)."""
        return self._sign_off_boxes.get(item_id)

    def _on_sign_off(self, item_id: str, checked: bool) -> None:
        if checked:
            self._sign_off_boxes[item_id].setEnabled(False)
            self.sign_off_ticked.emit(item_id)

    # -- findings --------------------------------------------------------------------------

    @Slot(object)
    def select_finding(self, finding: Finding) -> None:
        """Select the finding's span in the editor and show it in the panel."""
        text = self.editor.toPlainText()
        if text != self._report_text:
            return  # the text moved on; the next report will have fresh spans
        from PySide6.QtGui import QTextCursor

        cursor = self.editor.textCursor()
        cursor.setPosition(qt_position(text, finding.start))
        cursor.setPosition(qt_position(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.findings.select_finding(finding)
        self._current = finding

    def go_to_finding(self, *, forward: bool) -> None:
        """F8 / Shift+F8: the next or previous finding from the cursor."""
        text = self.editor.toPlainText()
        if text != self._report_text:
            self.live.flush()
            return
        cursor = self.editor.textCursor()
        # Qt position back to a Python index: count code points in the UTF-16 prefix.
        prefix = text.encode("utf-16-le", "surrogatepass")[: cursor.selectionStart() * 2]
        position = len(prefix.decode("utf-16-le", "surrogatepass"))
        target = next_finding(self.findings.findings, position, forward=forward)
        if target is not None:
            self.select_finding(target)

    def apply_current_suggestion(self) -> None:
        """Replace the selected finding's span with its suggestion (one key: Ctrl+.)."""
        finding = self._current
        text = self.editor.toPlainText()
        if finding is None or finding.suggestion is None or text != self._report_text:
            return
        from PySide6.QtGui import QTextCursor

        cursor = self.editor.textCursor()
        cursor.setPosition(qt_position(text, finding.start))
        cursor.setPosition(qt_position(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(finding.suggestion)  # one undo step: Ctrl+Z brings it back
        self._current = None
