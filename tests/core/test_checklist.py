"""The sign-off checklist as the author and a reviewer see it."""

from __future__ import annotations

from postdesk.workflow.checklist import checklist
from postdesk.workflow.service import Workflow, pack_sign_off_items
from postdesk.workflow.states import Role
from tests.conftest import Team


def _with_pack(team: Team, name: str) -> Workflow:
    # The rule pack's own items, as the app uses them.
    return team.workflow(name, sign_off_items=pack_sign_off_items)


TEXT = "The magistrates court in Leeds opens at 9am on Monday."


def test_the_author_and_the_reviewer_each_see_their_own_items(team: Team) -> None:
    team.add("alice", "author")
    team.add("bob", "reviewer")
    alice, bob = _with_pack(team, "alice"), _with_pack(team, "bob")
    draft = alice.create_draft(TEXT, ["x"])
    mine = checklist(alice, draft.id, Role.AUTHOR)
    assert [i.id for i in mine] == ["facts-checked", "alt-text", "image-consent"]
    assert not any(i.ticked for i in mine)
    for item in mine:
        alice.sign_off(draft.id, item.id)
    assert all(i.ticked for i in checklist(alice, draft.id, Role.AUTHOR))
    alice.submit(draft.id)

    theirs = checklist(bob, draft.id, Role.REVIEWER)
    ids = [i.id for i in theirs]
    # "court" triggers the contempt-of-court check; impartiality and legal risk always.
    assert {"politically-impartial", "legal-risk", "contempt-of-court"} <= set(ids)
    assert all(i.label for i in theirs)
    bob.sign_off(draft.id, "legal-risk")
    ticked = {i.id for i in checklist(bob, draft.id, Role.REVIEWER) if i.ticked}
    assert ticked == {"legal-risk"}


def test_an_edit_unticks_the_authors_items(team: Team) -> None:
    team.add("alice", "author")
    alice = _with_pack(team, "alice")
    draft = alice.create_draft(TEXT, ["x"])
    alice.sign_off(draft.id, "facts-checked")
    assert checklist(alice, draft.id, Role.AUTHOR)[0].ticked
    alice.save_text(draft.id, TEXT + " Bring ID.")
    assert not checklist(alice, draft.id, Role.AUTHOR)[0].ticked
