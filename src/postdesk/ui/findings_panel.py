"""The findings panel: everything the checks found, grouped by how serious it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

if TYPE_CHECKING:
    from postdesk.analysis.findings import Finding

GROUPS = (
    ("block", "Must fix before review"),
    ("warn", "Should fix"),
    ("info", "Worth a look"),
)
# Qt.ItemDataRole.UserRole + 1, as a number: importing Qt's namespace costs start-up time
# (see draft_list.py); tests check the numbers against Qt.
_FINDING_ROLE = 256 + 1


def finding_text(finding: Finding) -> str:
    """One line for a finding: what, and the fix if there is one."""
    fix = ""
    if finding.suggestion is not None:
        fix = f" Suggestion: “{finding.suggestion}”." if finding.suggestion else " Remove it."
    return f"{finding.message}{fix} [{finding.rule}]"


class FindingsPanel(QTreeWidget):
    """Findings under Must fix / Should fix / Worth a look. Enter or a click jumps to it.

    Signals:
        finding_activated: the user chose a finding (the Finding).
    """

    finding_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Findings")
        self.setAccessibleDescription("What the checks found, most serious first")
        self.setWordWrap(True)
        self._findings: list[Finding] = []
        self.itemActivated.connect(self._on_item_activated)
        self.itemClicked.connect(self._on_item_activated)

    @property
    def findings(self) -> list[Finding]:
        """The findings shown, in text order."""
        return list(self._findings)

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """Replace what is shown."""
        from PySide6.QtCore import Qt

        self._findings = sorted(findings, key=lambda f: (f.start, f.level.rank))
        self.clear()
        for level, title in GROUPS:
            members = [f for f in self._findings if f.level.value == level]
            if not members:
                continue
            group = QTreeWidgetItem(self, [f"{title} ({len(members)})"])
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for finding in members:
                item = QTreeWidgetItem(group, [finding_text(finding)])
                item.setData(0, _FINDING_ROLE, finding)
                item.setToolTip(0, finding.source or finding.rule)
            group.setExpanded(True)

    def select_finding(self, finding: Finding) -> None:
        """Highlight `finding`'s row."""
        for index in range(self.topLevelItemCount()):
            group = self.topLevelItem(index)
            if group is None:
                continue
            for child in range(group.childCount()):
                item = group.child(child)
                if item is not None and item.data(0, _FINDING_ROLE) == finding:
                    self.setCurrentItem(item)
                    return

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        finding = item.data(0, _FINDING_ROLE)
        if finding is not None:
            self.finding_activated.emit(finding)


def next_finding(findings: Sequence[Finding], position: int, *, forward: bool) -> Finding | None:
    """The finding after (or before) `position`, wrapping round; None if there are none."""
    ordered = sorted(findings, key=lambda f: (f.start, f.level.rank))
    if not ordered:
        return None
    if forward:
        return next((f for f in ordered if f.start > position), ordered[0])
    return next((f for f in reversed(ordered) if f.start < position), ordered[-1])
