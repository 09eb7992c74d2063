"""The author's comments panel: reviewers' comments, and a jump to the words each is about."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from postdesk.storage.database import DatabaseLocation
from postdesk.ui.comments_panel import CommentsPanel, quoted_span
from postdesk.workflow.service import Comment
from tests.conftest import Team

BODY = "🎉👩‍👩‍👧 Libraries open late on Thursdays from March."


@pytest.fixture
def people(sqlite_location: DatabaseLocation) -> Iterator[Team]:
    team = Team(sqlite_location)
    team.add("alice", "author")
    team.add("bob", "reviewer")
    yield team
    team.close()


@pytest.fixture
def panel(qtbot: QtBot) -> CommentsPanel:
    widget = CommentsPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def reviewed_draft(team: Team, body: str = BODY) -> tuple[int, int]:
    """Alice's draft, submitted, with Bob's comments: general, then on "late", then on
    "Thursdays" (the newest); the draft's and revision's ids."""
    alice = team.workflow("alice")
    draft = alice.create_draft(body, ["mastodon"])
    revision = alice.submit(draft.id)
    bob = team.workflow("bob")
    bob.comment(draft.id, "Good news.")
    for word, remark in (("late", "Until when?"), ("Thursdays", "Every Thursday?")):
        start = body.index(word)
        bob.comment(draft.id, remark, revision_id=revision.id, anchor=(start, start + len(word)))
    return draft.id, revision.id


def test_enter_on_an_anchored_comment_gives_code_point_offsets_and_the_revision(
    qtbot: QtBot, people: Team, panel: CommentsPanel
) -> None:
    draft_id, revision_id = reviewed_draft(people)
    comments = people.workflow("alice").comments(draft_id)
    panel.show_comments(BODY, comments, revision_id=revision_id)
    assert [c.body for c in panel.comments()] == ["Every Thursday?", "Until when?", "Good news."]
    assert "“Thursdays”" in panel.list.item(0).text()
    assert "“late”" in panel.list.item(1).text()

    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Home)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)  # "Until when?", on "late"
    start = BODY.index("late")
    with qtbot.waitSignal(panel.anchor_activated, timeout=1000) as jumped:
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert jumped.args == [start, start + 4, revision_id]
    # Code points, not UTF-16 units: four astral emoji come before the word.
    assert BODY[jumped.args[0] : jumped.args[1]] == "late"


def test_a_general_comment_has_nowhere_to_jump(
    qtbot: QtBot, people: Team, panel: CommentsPanel
) -> None:
    draft_id, revision_id = reviewed_draft(people)
    panel.show_comments(BODY, people.workflow("alice").comments(draft_id), revision_id=revision_id)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_End)  # the oldest: "Good news."
    assert panel.current_comment() is not None
    assert not panel.show_button.isEnabled()
    with qtbot.assertNotEmitted(panel.anchor_activated):
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
        panel.activate_current()


def test_the_show_button_jumps_for_the_comment_chosen(
    qtbot: QtBot, people: Team, panel: CommentsPanel
) -> None:
    draft_id, revision_id = reviewed_draft(people)
    panel.show_comments(BODY, people.workflow("alice").comments(draft_id), revision_id=revision_id)
    panel.list.setCurrentRow(0)
    assert panel.show_button.isEnabled()
    start = BODY.index("Thursdays")
    with qtbot.waitSignal(panel.anchor_activated, timeout=1000) as jumped:
        qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    assert jumped.args == [start, start + len("Thursdays"), revision_id]


def test_comments_on_an_earlier_revision_say_so_and_quote_that_revision(
    people: Team, panel: CommentsPanel
) -> None:
    draft_id, first_id = reviewed_draft(people)
    bob, alice = people.workflow("bob"), people.workflow("alice")
    bob.request_changes(draft_id, first_id, "Give the times.")
    newer = "Libraries open until 8pm on Thursdays."
    alice.save_text(draft_id, newer)
    second = alice.submit(draft_id)
    comments = alice.comments(draft_id)

    panel.show_comments(newer, comments, revision_id=second.id, revision_bodies={first_id: BODY})
    texts = [panel.list.item(row).text() for row in range(panel.list.count())]
    assert any("“late” in an earlier revision" in text for text in texts)

    # Without the earlier text, nothing is quoted from the wrong one.
    panel.show_comments(newer, comments, revision_id=second.id)
    texts = [panel.list.item(row).text() for row in range(panel.list.count())]
    assert any("on words in an earlier revision" in text for text in texts)
    assert not any("“" in text for text in texts)


def test_awkward_text_and_spans_never_break_the_list(panel: CommentsPanel) -> None:
    body = "\u202eabc\u202c سلام e\u0301\u0301\u0301 👨‍👩‍👧‍👦\u200b" + "word " * 20_000
    when = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    comments = [
        Comment(1, 7, 3, "bob", "Beyond the end", (len(body), len(body) + 5), when),
        Comment(2, 7, 3, "bob", "All of it", (0, len(body)), when),
        Comment(3, 7, 3, "bob", "Backwards", (9, 2), when),
        Comment(4, 7, 3, "bob", "RTL \u202e and emoji 👩‍👩‍👧\n" * 50, None, when),
    ]
    panel.show_comments(body, comments, revision_id=3)
    assert panel.list.count() == 4
    assert {c.body for c in panel.comments()} == {c.body for c in comments}
    for row, comment in enumerate(panel.comments()):
        assert comment.body[:12] in panel.list.item(row).text()
    all_of_it = next(c for c in panel.comments() if c.body == "All of it")
    row = panel.comments().index(all_of_it)
    assert len(panel.list.item(row).text()) < 200  # the quote is shortened
    panel.show_comments("", [])
    assert panel.list.count() == 0
    assert panel.empty.isVisibleTo(panel)


def test_quotes_are_one_line_and_only_from_inside_the_text() -> None:
    assert quoted_span("a\nb  c", 0, 6) == "“a b c”"
    assert quoted_span("abc", 2, 9) is None
    assert quoted_span("abc", 2, 1) is None
    assert quoted_span("x" * 100, 0, 100, limit=10) == "“xxxxxxxxx…”"


def test_the_panel_names_its_controls(people: Team, panel: CommentsPanel) -> None:
    draft_id, revision_id = reviewed_draft(people)
    panel.show_comments(BODY, people.workflow("alice").comments(draft_id), revision_id=revision_id)
    unnamed = [
        type(w).__name__
        for w in panel.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(panel)
        and not w.accessibleName()
    ]
    assert unnamed == []


def test_the_panel_does_not_load_the_composer() -> None:
    code = "import sys, postdesk.ui.comments_panel; sys.exit('postdesk.ui.composer' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
