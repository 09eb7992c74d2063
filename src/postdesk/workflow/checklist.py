"""A person's sign-off checklist for a draft: the pack's items, each with whether it is ticked.

The author ticks items about the working text before submitting; a reviewer ticks items
about the revision under review before approving. A tick is bound to the exact text, so
an edit un-ticks everything (see `Workflow.sign_off`).
"""

from __future__ import annotations

from dataclasses import dataclass

from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role


@dataclass(frozen=True)
class ChecklistItem:
    """One item to tick: its id, what it says, and whether it is ticked for this text."""

    id: str
    label: str
    ticked: bool
    help: str | None = None


def checklist(workflow: Workflow, draft_id: int, role: Role) -> list[ChecklistItem]:
    """The items `role` must tick on `draft_id` now, in the pack's order."""
    from postdesk.analysis.report import default_policy

    draft = workflow.get(draft_id)
    if role is Role.AUTHOR or draft.current_revision_id is None:
        text = draft.body
    else:
        text = workflow.revision(draft.current_revision_id).body
    items = default_policy().required_sign_offs(role.value, text)
    outstanding = set(workflow.outstanding_sign_offs(draft_id, role))
    return [
        ChecklistItem(item.id, item.label, item.id not in outstanding, item.help) for item in items
    ]
