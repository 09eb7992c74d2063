"""The review screen's details: the queue's columns, large text, and how the post goes out.

- the queue gives its spare width to the post's words and elides what does not fit,
  whole in the tooltip and for screen readers;
- with text at 200%, a long checklist and a long author name, the screen still fits a
  1280x800 screen, wrapping (or scrolling up and down) rather than widening;
- the revision's post options (as a thread, essential in an election period) are said in
  words, the author's reason shown as plain text whatever it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QHeaderView, QLabel, QWidget
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.analysis.splitter import split_thread
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.review_queue import ReviewScreen
from postdesk.ui.review_table import COLUMNS, POST_COLUMN
from postdesk.ui.review_text import breakable
from tests.conftest import Team
from tests.ui.test_review import open_first_draft, submit

SCREEN = (1280, 800)
# A login may be up to 200 characters without spaces: an e-mail address, say.
LONG_LOGIN = "alexandra.featherstonehaugh.montgomery.cholmondeley@departmentforlevellingup.gov.uk"
# Mentions of a court case and a new policy bring the reviewer's two optional items in:
# four long sign-off items in all.
FOUR_ITEMS_TEXT = "The council announced a new policy today after the court hearing."
ZERO_WIDTH_SPACE = "\u200b"


@pytest.fixture
def people(sqlite_location: DatabaseLocation) -> Iterator[Team]:
    """Alice and a person with a very long login write; Bob reviews."""
    team = Team(sqlite_location)
    team.add("alice", "author")
    team.add(LONG_LOGIN, "author")
    team.add("bob", "reviewer")
    yield team
    team.close()


MakeScreen = Callable[[], ReviewScreen]


@pytest.fixture
def make_screen(qtbot: QtBot) -> Iterator[MakeScreen]:
    """Makes a review screen; made inside the test, after any change of the app's font.

    The screens are kept until their database thread has stopped: a screen whose last
    reference a finished job dropped would be deleted on that thread, not the GUI's.
    """
    worker = DatabaseWorker()
    screens: list[ReviewScreen] = []

    def make() -> ReviewScreen:
        screen = ReviewScreen(worker)
        qtbot.addWidget(screen)
        screens.append(screen)
        return screen

    yield make
    for screen in screens:
        screen.shutdown()
    worker.shutdown()


def _submit_with_options(
    team: Team,
    body: str,
    channels: list[str],
    *,
    as_thread: bool = False,
    essential: bool = False,
    reason: str = "",
) -> int:
    alice = team.workflow("alice")
    draft = alice.create_draft(body, channels)
    alice.set_options(draft.id, as_thread=as_thread, essential=essential, essential_reason=reason)
    alice.submit(draft.id)
    return draft.id


# -- the queue's columns ---------------------------------------------------------------------


def test_the_post_column_takes_the_spare_width_and_long_text_is_elided_whole_in_the_tooltip(
    qtbot: QtBot, people: Team, make_screen: MakeScreen
) -> None:
    post = "<b>Roadworks</b> on Station Road close it to traffic from Monday. " * 3
    submit(people, post, author=LONG_LOGIN)
    submit(people, "Bins are collected on Tuesdays.")
    screen = make_screen()
    screen.resize(*SCREEN)
    open_first_draft(qtbot, screen, people.workflow("bob"))
    table, model = screen.table, screen.model
    header = table.horizontalHeader()
    modes = {COLUMNS[c]: header.sectionResizeMode(c) for c in range(len(COLUMNS))}
    assert modes == {
        "Waiting since": QHeaderView.ResizeMode.ResizeToContents,
        "Author": QHeaderView.ResizeMode.Interactive,  # to its names, up to a limit
        "Post": QHeaderView.ResizeMode.Stretch,
        "Findings": QHeaderView.ResizeMode.ResizeToContents,
    }
    assert not table.wordWrap()
    assert table.textElideMode() == Qt.TextElideMode.ElideRight

    widths = [header.sectionSize(column) for column in range(len(COLUMNS))]
    assert sum(widths) <= table.viewport().width()  # no sideways scrolling
    assert widths[POST_COLUMN] == max(widths)
    # The long login is cut short in its column rather than squeezing the post out;
    # the date is whole.
    author = COLUMNS.index("Author")
    assert table.fontMetrics().horizontalAdvance(LONG_LOGIN) > widths[author]
    assert widths[author] < widths[POST_COLUMN]
    assert widths[0] >= table.sizeHintForColumn(0)

    preview = " ".join(post.split())[:140]
    cell = model.index(0, POST_COLUMN)
    assert model.data(cell) == preview
    assert table.fontMetrics().horizontalAdvance(preview) > widths[POST_COLUMN]  # elided
    tooltip = model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Roadworks&lt;/b&gt;" in tooltip  # the user's text, never markup
    assert "<b>Roadworks" not in tooltip
    assert model.data(cell, Qt.ItemDataRole.AccessibleDescriptionRole) == preview
    name = model.index(0, author)
    assert model.data(name, Qt.ItemDataRole.AccessibleDescriptionRole) == LONG_LOGIN
    assert LONG_LOGIN in model.data(name, Qt.ItemDataRole.ToolTipRole)


# -- text at 200% ----------------------------------------------------------------------------


def _inside(widget: QWidget, ancestor: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parentWidget()
    return False


def test_at_200_percent_the_review_screen_fits_1280_by_800_with_long_items_and_names(
    qtbot: QtBot, people: Team, make_screen: MakeScreen, text_at_200_percent: QFont
) -> None:
    reason = "Public safety: the road is closed " + "x" * 150  # a pasted id, say
    workflow = people.workflow(LONG_LOGIN)
    draft = workflow.create_draft(FOUR_ITEMS_TEXT, ["x", "mastodon"])
    workflow.set_options(draft.id, as_thread=True, essential=True, essential_reason=reason)
    workflow.submit(draft.id)
    screen = make_screen()
    assert screen.font().pointSizeF() == text_at_200_percent.pointSizeF()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    boxes = screen.checklist.findChildren(QAbstractButton)
    assert len(boxes) == 4  # the four reviewer items, the longest ~150 characters
    assert screen.essential_label.isVisibleTo(screen)
    assert LONG_LOGIN in screen.heading.accessibleName()

    for _ in range(3):  # each layout tells the one around it in turn
        QApplication.processEvents()
    needed = screen.minimumSizeHint()
    assert needed.width() <= SCREEN[0], f"{needed.width()} px wide"
    assert needed.height() <= SCREEN[1], f"{needed.height()} px high"

    # Laid out on that screen: nothing cut, nothing scrolls sideways.
    screen.setFixedSize(*SCREEN)
    QApplication.processEvents()
    area = screen.revision_area
    column = area.widget()
    assert column is not None
    assert column.width() <= area.viewport().width()
    cut = []
    for widget in column.findChildren(QWidget):
        if not widget.isVisibleTo(screen) or _inside(widget, screen.comments_panel.list):
            continue
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
            if widget.height() < widget.heightForWidth(widget.width()):
                cut.append(f"label {widget.text()[:30]!r}")
        elif isinstance(widget, QAbstractButton):
            hint, size = widget.sizeHint(), widget.size()
            if size.width() < min(hint.width(), column.width()) or size.height() < hint.height():
                cut.append(f"button {widget.text()[:30]!r}: {size.toTuple()} < {hint.toTuple()}")
    assert cut == []
    decisions = [screen.comment_button, screen.approve_button, screen.changes_button]
    decisions.append(screen.reject_button)
    for index, first in enumerate(decisions):
        assert first.geometry().right() <= column.width()
        for second in decisions[index + 1 :]:
            assert not first.geometry().intersects(second.geometry())


# -- how the revision goes out ---------------------------------------------------------------


def test_a_thread_is_said_in_words_with_the_posts_on_each_channel(
    qtbot: QtBot, people: Team, make_screen: MakeScreen
) -> None:
    body = " ".join(
        f"Station Road is closed on day {day} of the works; buses divert via Mill Lane."
        for day in range(1, 9)
    )
    _submit_with_options(people, body, ["x", "mastodon", "linkedin"], as_thread=True)
    screen = make_screen()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    x_posts = len(split_thread(body, Channel.X))
    mastodon_posts = len(split_thread(body, Channel.MASTODON))
    assert x_posts >= 3
    assert mastodon_posts == 2
    said = (
        "Will post as a thread where it is too long for one post "
        f"(X: {x_posts} posts, Mastodon: {mastodon_posts} posts)."
    )
    assert screen.thread_label.text() == said
    assert screen.thread_label.accessibleName() == said
    assert screen.thread_label.isVisibleTo(screen)
    assert screen.channels_label.text() == "Channels: X, Mastodon, LinkedIn."
    assert screen.channels_label.accessibleName() == "Channels: X, Mastodon, LinkedIn."
    assert screen.essential_label.isHidden()


def test_a_short_thread_says_so_without_counts_and_one_post_says_nothing(
    qtbot: QtBot, people: Team, make_screen: MakeScreen
) -> None:
    _submit_with_options(people, "Bins are collected on Tuesdays.", ["x"], as_thread=True)
    _submit_with_options(people, "Parks close at dusk in winter.", ["x"])
    screen = make_screen()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    said = "Will post as a thread where it is too long for one post."
    assert screen.thread_label.text() == said
    assert screen.thread_label.isVisibleTo(screen)

    with qtbot.waitSignal(screen.revision_shown, timeout=5000):
        screen.table.selectRow(1)
    assert screen.thread_label.isHidden()
    assert screen.essential_label.isHidden()
    assert screen.channels_label.text() == "Channels: X."


@pytest.mark.parametrize(
    "reason",
    [
        "<b>x</b> &amp; <i>markup</i> stays as typed",
        "سلام، \u202ethis is overridden and never closed",
        "Flood warning 🌊👩‍👩‍👧‍👦 for families e\u0301",
        "🏳️‍🌈" * 30,
    ],
    ids=["markup", "rtl-override", "emoji", "long-emoji-run"],
)
def test_the_essential_reason_is_shown_as_plain_text(
    qtbot: QtBot, people: Team, make_screen: MakeScreen, reason: str
) -> None:
    _submit_with_options(
        people, "Polling stations open at 7am.", ["x"], essential=True, reason=reason
    )
    screen = make_screen()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    label = screen.essential_label
    assert label.isVisibleTo(screen)
    assert label.textFormat() == Qt.TextFormat.PlainText
    said = f"Marked essential for the election period: {reason}"
    assert label.accessibleName() == said  # what screen readers hear: the words as typed
    shown = label.text()
    # On screen: the same words, the reason isolated so its direction cannot spill
    # over, and break points only between whole characters (never inside an emoji).
    assert shown.replace(ZERO_WIDTH_SPACE, "") == (
        f"Marked essential for the election period: \u2068{reason}\u2069"
    )
    clusters = set(regex.findall(r"\X", reason))
    assert set(regex.findall(r"\X", shown.replace(ZERO_WIDTH_SPACE, " "))) >= clusters
    assert label.minimumSizeHint().width() < SCREEN[0] // 2
    assert screen.thread_label.isHidden()


def test_essential_without_a_reason_says_it_has_none(
    qtbot: QtBot, people: Team, make_screen: MakeScreen
) -> None:
    _submit_with_options(people, "Polling stations open at 7am.", ["x"], essential=True)
    screen = make_screen()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    said = "Marked essential for the election period, but with no reason given."
    assert screen.essential_label.text() == said
    assert screen.essential_label.accessibleName() == said


def test_choosing_no_draft_hides_the_details(
    qtbot: QtBot, people: Team, make_screen: MakeScreen
) -> None:
    _submit_with_options(people, "Polling stations open at 7am.", ["x"], essential=True)
    screen = make_screen()
    open_first_draft(qtbot, screen, people.workflow("bob"))
    assert screen.channels_label.isVisibleTo(screen)
    screen.search.setText("words in no post")
    with qtbot.waitSignal(screen.queue_loaded, timeout=5000):
        screen.reload()
    assert screen.model.rowCount() == 0
    for label in (screen.channels_label, screen.thread_label, screen.essential_label):
        assert label.isHidden()
        assert label.accessibleName() == ""
    assert screen.heading.text() == "Choose a draft in the queue to review it."


# -- wrapping long runs -----------------------------------------------------------------------


@given(st.text(max_size=120), st.integers(min_value=1, max_value=30))
def test_breakable_only_adds_break_points_between_whole_characters(text: str, run: int) -> None:
    shown = breakable(text, run)
    assert shown.replace(ZERO_WIDTH_SPACE, "") == text.replace(ZERO_WIDTH_SPACE, "")
    for piece in regex.split(r"[\s\u200b]+", shown):
        assert len(regex.findall(r"\X", piece)) <= run


def test_breakable_keeps_words_and_emoji_sequences_whole() -> None:
    assert breakable("Short words stay as they are.") == "Short words stay as they are."
    family = "👩‍👩‍👧‍👦"
    shown = breakable(family * 25, 20)
    assert shown.split(ZERO_WIDTH_SPACE) == [family * 20, family * 5]
