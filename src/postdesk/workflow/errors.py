"""Why the workflow refused something, in words a person can act on.

Exception tree::

    WorkflowError
    ├── NotFound            no such draft or revision (or not visible to this person)
    ├── NotAllowed          the person lacks the role, or it is their own draft (four-eyes)
    ├── WrongState          the action is not possible from the draft's current state
    ├── StaleRevision       the decision names a revision that is no longer the one in review
    └── NotReady            findings or sign-offs stand in the way; `problems` lists them
"""

from __future__ import annotations


class WorkflowError(Exception):
    """The workflow refused an action; nothing was changed."""


class NotFound(WorkflowError):
    """No such draft or revision."""


class NotAllowed(WorkflowError):
    """The person may not do this (missing role, disabled, or the four-eyes rule)."""


class WrongState(WorkflowError):
    """The action is not possible from the draft's current state."""


class StaleRevision(WorkflowError):
    """The draft moved on since the person looked at it: reload and decide again."""


class NotReady(WorkflowError):
    """Something must be fixed first.

    Attributes:
        problems: each thing to fix, as a sentence.
    """

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message + ": " + "; ".join(problems))
        self.problems = problems
