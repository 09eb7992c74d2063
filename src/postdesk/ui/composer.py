"""The composer: the editor with channel toggles, live counters, readability and findings.

Per keystroke: the counters and the overflow mark (cheap, on the GUI thread). After a
pause: the report, which brings the readability panel, the findings and the marks in the
text (hard sentences, spelling, grammar). Marks are made only from a report for the text
as it is now; the editor then moves them with edits or drops them (`DraftEditor`).
"""

from __future__ import annotations

import logging
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from postdesk.ui.checklist import SignOffChecklist
from postdesk.ui.counters import ChannelCounters, FlowLayout
from postdesk.ui.draft_editor import GRAMMAR, READABILITY, DraftEditor
from postdesk.ui.findings_panel import FindingsPanel, next_finding
from postdesk.ui.live import LiveAnalysis
from postdesk.ui.readability_panel import ReadabilityPanel
from postdesk.workflow.options import MAX_REASON_CHARS, reason_given

if TYPE_CHECKING:
    from PySide6.QtWidgets import QCheckBox, QTabWidget

    from postdesk.analysis.channels import Channel
    from postdesk.analysis.counting import ChannelCount
    from postdesk.analysis.findings import Finding
    from postdesk.analysis.report import AnalysisReport
    from postdesk.ui.editor_marks import Mark
    from postdesk.workflow.checklist import ChecklistItem

logger = logging.getLogger(__name__)

CHANNEL_IDS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
CHANNEL_LABELS = ("X", "Bluesky", "Mastodon", "Threads", "LinkedIn", "Facebook", "Instagram")
_GRAMMAR_RULES = frozenset({"spelling", "grammar"})
# The rule pack's election-period rule: its findings mean a period is on today.
ELECTION_RULE = "election-period"
# After this pause in typing the reason, options_changed announces it (to be saved), as
# leaving the field does; the analysis follows it on every keystroke.
REASON_DELAY_MS = 800


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
        sign_off_ticked: the author ticked a sign-off item (its id).
        options_changed: the author changed the post options: (as a thread, essential,
            why it is essential). Not emitted by `set_options`, nor when nothing changed.
    """

    channels_changed = Signal(tuple)
    report_shown = Signal(object)
    sign_off_ticked = Signal(str)
    options_changed = Signal(bool, bool, str)

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

        # Rows of short controls flow onto more lines when narrow, as words do: with text
        # at 200% one row of channels would need more than a screen's width (WCAG 1.4.4).
        self.channel_actions: list[QAction] = []
        self.channel_buttons: list[QToolButton] = []
        toggles = QWidget()
        toggles_flow = FlowLayout(toggles)
        toggles_flow.setContentsMargins(0, 0, 0, 0)
        toggles_flow.addWidget(QLabel("Channels:"))
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
            toggles_flow.addWidget(button)
            self.channel_actions.append(action)
            self.channel_buttons.append(button)

        self.thread_action = self._option(
            "Post as a thread",
            "draft.thread",
            "Ctrl+Shift+T",
            "Post a long text as a numbered thread on X, Bluesky, Mastodon and Threads",
        )
        self.thread_action.toggled.connect(self._on_thread_toggled)
        self.essential_action = self._option(
            "Essential (election period)",
            "draft.essential",
            "Ctrl+Shift+E",
            "Mark the post essential, so it may go out in an election period; say why",
        )
        self.essential_action.toggled.connect(self._on_essential_toggled)
        self.thread_button = QToolButton()
        self.thread_button.setDefaultAction(self.thread_action)
        self.thread_button.setAccessibleName("Post as a thread")
        self.essential_button = QToolButton()
        self.essential_button.setDefaultAction(self.essential_action)
        self.essential_button.setAccessibleName("Essential in an election period")
        options = QWidget()
        options_flow = FlowLayout(options)
        options_flow.setContentsMargins(0, 0, 0, 0)
        options_flow.addWidget(QLabel("Options:"))
        options_flow.addWidget(self.thread_button)
        options_flow.addWidget(self.essential_button)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Why it is essential")
        self.reason.setAccessibleDescription(
            "Needed: until you say why, the post is not treated as essential."
        )
        self.reason.setPlaceholderText("Needed before it counts as essential")
        self.reason.setMaxLength(MAX_REASON_CHARS)  # what is stored: nothing cut unseen
        self.reason.textEdited.connect(self._on_reason_edited)
        self.reason.editingFinished.connect(self._emit_options)
        # One timer for the pause in typing the reason; restarting it is the debounce.
        self._reason_timer = QTimer(self)
        self._reason_timer.setSingleShot(True)
        self._reason_timer.setInterval(REASON_DELAY_MS)
        self._reason_timer.timeout.connect(self._emit_options)
        self._reason_row = QWidget()
        reason_column = QVBoxLayout(self._reason_row)
        reason_column.setContentsMargins(0, 0, 0, 0)
        reason_label = QLabel("Why it is essential:")
        reason_label.setWordWrap(True)
        reason_label.setBuddy(self.reason)
        reason_column.addWidget(reason_label)
        reason_column.addWidget(self.reason)
        self._reason_row.setVisible(False)
        self._emitted: tuple[bool, bool, str] = (False, False, "")
        # Until told otherwise (`show_essential_option`), as if a period were on: a
        # composer on its own offers everything.
        self._election_period_on = True
        # Per channel, from the latest report: posts in its thread, and the channels the
        # text is over on that cannot be split (there the over-limit block stands).
        self._thread_posts: dict[Channel, int] = {}
        self._unsplittable: set[Channel] = set()

        self.sign_offs = SignOffChecklist("Before you submit, confirm:", "Your sign-off checklist")
        self.sign_offs.ticked.connect(self.sign_off_ticked.emit)
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
            *self.option_actions,
            self.next_finding_action,
            self.previous_finding_action,
            self.apply_suggestion_action,
        ):
            self.addAction(action)

        writing = QWidget()
        column = QVBoxLayout(writing)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(toggles)
        column.addWidget(options)
        column.addWidget(self._reason_row)
        post_label = QLabel("Pos&t")
        post_label.setBuddy(self.editor)
        column.addWidget(post_label)
        column.addWidget(self.editor, 1)
        column.addWidget(self.counters)
        column.addWidget(self.readability)
        column.addWidget(self.grammar_note)
        findings_page = QWidget()
        findings_column = QVBoxLayout(findings_page)
        findings_column.setContentsMargins(0, 0, 0, 0)
        findings_label = QLabel("Fi&ndings")
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
        # Start at 3:2 whatever the size hints say: the findings, preview and comments
        # need room to be read, and the channel rows wrap rather than need the width.
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self._report_text: str | None = None
        self._report: AnalysisReport | None = None
        self._current: Finding | None = None
        self._apply_tab_order()

    def _option(self, text: str, name: str, keys: str, tip: str) -> QAction:
        """A checkable post option with its id and default keys."""
        action = QAction(text, self)
        action.setCheckable(True)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(keys)])
        action.setToolTip(f"{tip} ({keys})")
        return action

    @property
    def option_actions(self) -> list[QAction]:
        """The two post options' actions ("draft.thread", "draft.essential"), for menus
        and for the Write screen's widget, so their keys work anywhere on that screen."""
        return [self.thread_action, self.essential_action]

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
        self._apply_tab_order()
        return self.side_tabs

    # -- keyboard order --------------------------------------------------------------------

    def focus_chain(self) -> list[QWidget]:
        """The composer's controls in Tab order, as on screen.

        Channel toggles, the post options (and the reason, while shown), the editor, the
        side panels (their tab widget, once there are tabs, stands for the tabs and what
        is on them), then the sign-off boxes.
        """
        chain: list[QWidget] = [
            *self.channel_buttons,
            self.thread_button,
            self.essential_button,
            self.reason,
            self.editor,
        ]
        # The tab widget stands for its bar and pages: it hands focus to the bar (its
        # focus proxy), and Qt keeps the controls inside it together, in their order.
        chain.append(self.findings if self.side_tabs is None else self.side_tabs)
        chain.extend(self.sign_offs.boxes())
        return chain

    def _apply_tab_order(self) -> None:
        # Explicit, not creation order: panels and tick boxes arrive after start-up, and
        # Qt puts a new widget at the end of the window's chain.
        tabs = self.side_tabs
        if tabs is not None:
            # Inside the side panels first: the bar, then each page's controls. (Never
            # setTabOrder(tabs, a control inside it): Qt's compound-widget logic then
            # splits the chain in two.) Then the tab widget carries them all as one.
            inside: list[QWidget] = [tabs.tabBar(), *_tab_stops_in(tabs.tabBar())]
            for index in range(tabs.count()):
                page = tabs.widget(index)
                if page is not None:
                    inside.extend(_tab_stops_in(page))
            for first, second in pairwise(inside):
                QWidget.setTabOrder(first, second)
        for first, second in pairwise(self.focus_chain()):
            QWidget.setTabOrder(first, second)

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

    # -- post options ----------------------------------------------------------------------

    def options(self) -> tuple[bool, bool, str]:
        """(post as a thread, essential, why it is essential) as the author has set them."""
        return (
            self.thread_action.isChecked(),
            self.essential_action.isChecked(),
            self.reason.text().strip(),
        )

    def show_essential_option(self, election_period_on: bool) -> None:
        """Offer "Essential" only while an election period is on (or when the draft is
        already marked essential, so the mark can be seen and taken off): at any other
        time it would be a question nobody needs to answer. Remembered for the next draft
        shown."""
        self._election_period_on = election_period_on
        self._show_essential_option()

    def _show_essential_option(self) -> None:
        shown = self._election_period_on or self.essential_action.isChecked()
        self.essential_action.setVisible(shown)
        self.essential_button.setVisible(shown)
        self._reason_row.setVisible(shown and self.essential_action.isChecked())

    def set_options(self, as_thread: bool, essential: bool, reason: str) -> None:
        """Show a draft's options (when loading it), without announcing a change."""
        self._reason_timer.stop()
        for action, checked in (
            (self.thread_action, as_thread),
            (self.essential_action, essential),
        ):
            action.blockSignals(True)
            action.setChecked(checked)
            action.blockSignals(False)
        self.reason.setText(reason)
        self._show_essential_option()
        self._emitted = self.options()
        self._thread_posts, self._unsplittable = {}, set()
        self._use_options()

    @Slot(bool)
    def _on_thread_toggled(self, _checked: bool) -> None:
        self._thread_posts, self._unsplittable = {}, set()
        self._use_options()
        self._emit_options()

    @Slot(bool)
    def _on_essential_toggled(self, checked: bool) -> None:
        self._reason_row.setVisible(checked)
        if checked:
            self.reason.setFocus()  # the reason is needed: the author types it next
        self._use_options()
        self._emit_options()

    @Slot(str)
    def _on_reason_edited(self, _text: str) -> None:
        self._use_options()
        self._reason_timer.start()

    def flush_options(self) -> None:
        """Announce a change still waiting for the pause in typing the reason, now: before
        a submit, a switch of draft or closing, so the reason saved is the one on screen."""
        self._emit_options()

    @Slot()
    def _emit_options(self) -> None:
        """Announce the options if they differ from the last announced (or loaded)."""
        self._reason_timer.stop()
        options = self.options()
        if options != self._emitted:
            self._emitted = options
            self.options_changed.emit(*options)

    def _use_options(self) -> None:
        """Analyse with the options: essential counts only once there is a reason."""
        as_thread, essential, reason = self.options()
        wanted = (as_thread, essential and reason_given(reason))
        if wanted != self.live.options:
            self.live.set_options(*wanted)

    def _threads(self, counts: dict[Channel, ChannelCount]) -> dict[Channel, int | None]:
        """The channels the post goes to as a thread, each with its posts (None: not yet).

        Per keystroke, before a report says: a channel with threads that the text is over
        goes as a thread, unless the latest report found it could not be split.
        """
        if not self.thread_action.isChecked():
            return {}
        from postdesk.analysis.threads import THREADING_CHANNELS

        return {
            channel: self._thread_posts.get(channel)
            for channel, count in counts.items()
            if not count.fits
            and channel in THREADING_CHANNELS
            and channel not in self._unsplittable
        }

    # -- live analysis ---------------------------------------------------------------------

    @Slot()
    def _on_text_changed(self) -> None:
        self.live.set_text(self.editor.toPlainText())

    @Slot(object)
    def _on_counts(self, counts: dict[Channel, ChannelCount]) -> None:
        threads = self._threads(counts)
        self.counters.show_counts(counts, threads)
        # A channel that takes the text as a thread has nothing that "does not fit".
        over = [
            c for c in counts.values() if c.overflow_at is not None and c.channel not in threads
        ]
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
        if any(f.rule == ELECTION_RULE for f in report.findings):
            # A period has begun since the window opened: the way out must be on offer.
            self.show_essential_option(True)
        if self.thread_action.isChecked():
            self._thread_posts = dict(report.threads)
            self._unsplittable = {
                channel
                for channel, count in report.counts.items()
                if not count.fits and channel not in report.threads
            }
            self._on_counts(report.counts)  # "thread of N" now that the report says N
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

    def show_sign_offs(self, items: list[ChecklistItem]) -> None:
        """The author's checklist for the saved text, ticked as the database says."""
        self.sign_offs.show_items(items)
        self._apply_tab_order()

    def sign_off_box(self, item_id: str) -> QCheckBox | None:
        """The tick box for an item (for tests and keyboard focus)."""
        return self.sign_offs.box(item_id)

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


def _tab_stops_in(parent: QWidget) -> list[QWidget]:
    """The controls Tab can stop at inside `parent`, in the order they were made."""
    # Imported here: side panels arrive after the first frame (start-up time).
    from PySide6.QtCore import Qt

    tab = Qt.FocusPolicy.TabFocus
    return [
        widget
        for widget in parent.findChildren(QWidget)
        if widget.focusPolicy() & tab == tab and widget.focusProxy() is None
    ]
