"""A reviewer in a process of their own, for the workflow's concurrency tests.

Usage: python -m tests.helpers.decision_worker DATABASE_URL LOGIN approve|request_changes|hang

For each line "DRAFT_ID REVISION_ID START_AT" on standard input it waits until the clock
reaches START_AT (so two workers decide at the same moment), decides, and prints one line:
"won DRAFT_ID" or "conflict DRAFT_ID <message>". In `hang` mode it stops inside the
decision's transaction, after the state change and before the commit, prints "inside"
and waits to be killed.
"""

from __future__ import annotations

import sys
import time

import sqlalchemy as sa

from postdesk.workflow.errors import WorkflowError
from postdesk.workflow.service import Workflow


class HangingWorkflow(Workflow):
    """Stops inside the transaction, where a crash must leave no trace."""

    def _record_seen(self, connection: sa.Connection, draft_id: int, revision_id: int) -> None:
        print("inside", flush=True)
        time.sleep(3600)


def main() -> int:
    url, login, mode = sys.argv[1:4]
    engine = sa.create_engine(url)
    if url.startswith("sqlite"):
        from postdesk.storage.database import create_engine

        engine = create_engine(sa.make_url(url))
    # Sign-offs are not what these tests are about: none to tick.
    workflow = (HangingWorkflow if mode == "hang" else Workflow)(
        engine, login, sign_off_items=lambda _role, _text: ()
    )
    print("ready", flush=True)
    for line in sys.stdin:
        draft_id, revision_id, start_at = line.split()
        while time.time() < float(start_at):
            pass
        try:
            if mode == "request_changes":
                workflow.request_changes(int(draft_id), int(revision_id), "Please check the date")
            else:
                workflow.approve(int(draft_id), int(revision_id))
        except WorkflowError as exc:
            print(f"conflict {draft_id} {exc}", flush=True)
        else:
            print(f"won {draft_id}", flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
