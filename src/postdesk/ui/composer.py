"""The composer: the editor with channel toggles, live counters, readability and findings.

Per keystroke: the counters and the overflow mark (cheap, on the GUI thread). After a
pause: the report, which brings the readability panel, the findings and the marks in the
text (hard sentences, spelling, grammar). Marks are made only from a report for the text
as it is now; the editor then moves them with edits or drops them (`DraftEditor`).
"""

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
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.counters import ChannelCounters
from postdesk.ui.draft_editor import GRAMMAR, READABILITY, DraftEditor
from postdesk.ui.findings_panel import FindingsPanel, next_finding
from postdesk.ui.live import LiveAnalysis
from postdesk.ui.readability_panel import ReadabilityPanel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount
    from postdesk.analysis.findings import Finding
    from postdesk.analysis.report import AnalysisReport
    from postdesk.ui.editor_marks import Mark

logger = logging.getLogger(__name__)

CHANNEL_IDS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
CHANNEL_LABELS = ("X", "Bluesky", "Mastodon", "Threads", "LinkedIn", "Facebook", "Instagram")
_GRAMMAR_RULES = frozenset({"spelling", "grammar"})


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
        # The part that does not fit, hard sentences and spelling are marked in the text
        # (colours from editor_marks, readable in light and dark palettes); the counters,
        # the readability panel and the findings say the same in words.
        self.editor = DraftEditor()
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
        self.readability = ReadabilityPanel()
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
        self.editor.mark_ignored.connect(self._on_mark_ignored)

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
        column.addWidget(self.readability)
        column.addWidget(self.grammar_note)
        findings_page = QWidget()
        findings_column = QVBoxLayout(findings_page)
        findings_column.setContentsMargins(0, 0, 0, 0)
        findings_label = QLabel("&Findings")
        findings_label.setBuddy(self.findings)
        findings_column.addWidget(findings_label)
        findings_column.addWidget(self.findings, 1)
        side = QWidget()
        self._side_column = QVBoxLayout(side)
        self._side_column.setContentsMargins(0, 0, 0, 0)
        self._side_column.addWidget(findings_page, 1)
        self._side_column.addWidget(self.sign_offs)
        self._findings_page = findings_page
        self.side_tabs: QTabWidget | None = None  # made by add_side_panel
        split = QSplitter()
        split.addWidget(writing)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self._report_text: str | None = None
        self._report: AnalysisReport | None = None
        self._current: Finding | None = None

    def add_side_panel(self, widget: QWidget, title: str) -> QTabWidget:
        """Add a panel (such as a preview of the post) as a tab beside "Findings".

        The tabs are made on the first call, not at start-up: until there is a second
        panel, a tab bar would only cost time and say nothing.

        Returns:
            The tab widget, with "Findings" as its first tab.
        """
        from PySide6.QtWidgets import QTabWidget

        if self.side_tabs is None:
            tabs = QTabWidget()
            tabs.setAccessibleName("Side panels")
            tabs.setDocumentMode(True)
            tabs.tabBar().setAccessibleName("Side panels")
            self._side_column.replaceWidget(self._findings_page, tabs)
            tabs.addTab(self._findings_page, "Findings")
            self._side_column.setStretchFactor(tabs, 1)
            self.side_tabs = tabs
        self.side_tabs.addTab(widget, title)
        return self.side_tabs

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
        over = [c for c in counts.values() if c.overflow_at is not None]
        if not over:
            self.editor.set_overflow(None)
            return
        start = min(c.overflow_at for c in over if c.overflow_at is not None)
        names = ", ".join(
            CHANNEL_LABELS[CHANNEL_IDS.index(c.channel.value)]
            if c.channel.value in CHANNEL_IDS
            else c.channel.value
            for c in over
        )
        self.editor.set_overflow(
            qt_position(self.editor.toPlainText(), start),
            f"Does not fit on {names}: the highlight starts where the shortest limit ends.",
        )

    @Slot(object)
    def _on_report(self, payload: tuple[str, AnalysisReport]) -> None:
        text, report = payload
        if text != self.editor.toPlainText():
            # Offsets for other text would mark the wrong words: wait for the next one.
            logger.debug("Dropped a report for text that has changed since")
            return
        self._report_text = text
        self._report = report
        self.findings.show_findings(self._shown_findings(report, text))
        self.readability.show_readability(report.readability)
        self._mark_text(text, report)
        self.report_shown.emit(report)

    def _mark_text(self, text: str, report: AnalysisReport) -> None:
        """Hard sentences, and spelling and grammar when this report has them."""
        from postdesk.analysis.offsets import Utf16Index
        from postdesk.ui.editor_marks import grammar_marks, readability_marks

        if not self.editor.positions_match(text):
            # Offsets would be off by one after a character PySide cannot return (a lone
            # surrogate pasted from elsewhere): no marks rather than wrong ones.
            self.editor.clear_marks(READABILITY)
            self.editor.clear_marks(GRAMMAR)
            return
        index = Utf16Index(text)
        self.editor.set_marks(READABILITY, readability_marks(report.readability, text, index))
        if report.grammar is not None:
            marks = grammar_marks(report.grammar.findings, text, index, self.editor.ignored)
            self.editor.set_marks(GRAMMAR, marks)
        # Without grammar in this report (the checker waits for a longer pause), the
        # marks from the last check stay where the editor moved them.

    def _shown_findings(self, report: AnalysisReport, text: str) -> list[Finding]:
        """The report's findings without the spelling and grammar the author ignored."""
        ignored = self.editor.ignored
        if not ignored:
            return list(report.findings)
        from postdesk.ui.editor_marks import ignore_key

        return [
            f
            for f in report.findings
            if f.rule not in _GRAMMAR_RULES or ignore_key(f, text) not in ignored
        ]

    @Slot(object)
    def _on_mark_ignored(self, _mark: Mark) -> None:
        if self._report is not None and self._report_text is not None:
            self.findings.show_findings(self._shown_findings(self._report, self._report_text))

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
