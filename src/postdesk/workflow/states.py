"""A draft's states, the actions between them, and who may take each action.

This table is the whole state machine: `postdesk.workflow.service` refuses any move that
is not in it, and the database refuses the ones that matter most (see migration 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a draft is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTLY_PUBLISHED = "partly_published"
    FAILED = "failed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    """What a person may do. A person can hold several roles."""

    AUTHOR = "author"
    REVIEWER = "reviewer"
    PUBLISHER = "publisher"
    ADMIN = "admin"


class Action(StrEnum):
    """Something a person does to a draft. The values are the audit trail's event names."""

    SUBMIT = "submitted"
    APPROVE = "approved"
    REQUEST_CHANGES = "changes_requested"
    REJECT = "rejected"
    WITHDRAW = "withdrawn"
    EDIT = "edited"
    START_PUBLISHING = "publish_attempted"
    FINISH_PUBLISHED = "published"
    FINISH_PARTLY = "partly_published"
    FINISH_FAILED = "publish_failed"


@dataclass(frozen=True)
class Move:
    """One allowed move: from a state, by an action, to a state, by someone in a role.

    Attributes:
        role: the role the actor needs.
        own_draft: "only" when only the draft's author may do it, "never" when the
            author may not (the four-eyes rule), "any" when it does not matter.
    """

    source: State
    action: Action
    target: State
    role: Role
    own_draft: str = "any"


_EDITABLE = (State.DRAFT, State.CHANGES_REQUESTED)

MOVES: tuple[Move, ...] = (
    *(Move(s, Action.SUBMIT, State.IN_REVIEW, Role.AUTHOR, "only") for s in _EDITABLE),
    Move(State.IN_REVIEW, Action.APPROVE, State.APPROVED, Role.REVIEWER, "never"),
    Move(State.IN_REVIEW, Action.REQUEST_CHANGES, State.CHANGES_REQUESTED, Role.REVIEWER, "never"),
    Move(State.IN_REVIEW, Action.REJECT, State.REJECTED, Role.REVIEWER, "never"),
    # Editing the text after submission takes it back: the revision under review or the
    # approval no longer matches what the author has.
    *(
        Move(s, Action.EDIT, State.DRAFT, Role.AUTHOR, "only")
        for s in (State.DRAFT, State.IN_REVIEW, State.CHANGES_REQUESTED, State.APPROVED)
    ),
    *(
        Move(s, Action.WITHDRAW, State.WITHDRAWN, Role.AUTHOR, "only")
        for s in (State.DRAFT, State.IN_REVIEW, State.CHANGES_REQUESTED, State.APPROVED)
    ),
    *(
        Move(s, Action.START_PUBLISHING, State.PUBLISHING, Role.PUBLISHER)
        for s in (State.APPROVED, State.PARTLY_PUBLISHED, State.FAILED)
    ),
    Move(State.PUBLISHING, Action.FINISH_PUBLISHED, State.PUBLISHED, Role.PUBLISHER),
    Move(State.PUBLISHING, Action.FINISH_PARTLY, State.PARTLY_PUBLISHED, Role.PUBLISHER),
    Move(State.PUBLISHING, Action.FINISH_FAILED, State.FAILED, Role.PUBLISHER),
)

_BY_KEY = {(move.source, move.action): move for move in MOVES}


def move_for(state: State, action: Action) -> Move | None:
    """The move `action` makes from `state`, or None if it is not allowed there."""
    return _BY_KEY.get((state, action))


def actions_from(state: State) -> list[Action]:
    """Every action allowed from `state`."""
    return [move.action for move in MOVES if move.source is state]
