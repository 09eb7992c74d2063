"""The composer's post options: "Post as a thread" and "Essential (election period)".

A thread turns being over the limit on X, Bluesky, Mastodon and Threads into "thread of
N" (in words, not red), while LinkedIn, Facebook and Instagram stay over; "essential"
counts only with a reason, and lifts the election-period block.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from postdesk import settings
from postdesk.analysis.channels import Channel
from postdesk.analysis.counting import count_all
from postdesk.analysis.report import AnalysisReport
from postdesk.storage.database import DatabaseLocation
from postdesk.ui import theme
from postdesk.ui.composer import ComposeWidget
from postdesk.ui.counters import counter_state, counter_words
from postdesk.ui.main_window import MainWindow
from postdesk.workflow.checklist import ChecklistItem
from postdesk.workflow.options import reason_given
from postdesk.workflow.service import Workflow
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LONG = "Gritters are out tonight. " * 120  # 3,120 characters: over X and LinkedIn
ELECTION_POST = "Bins are collected on Tuesday this week."


pytestmark = pytest.mark.usefixtures("fresh_policy")


@pytest.fixture
def compose(qtbot: QtBot) -> Iterator[ComposeWidget]:
    """A composer on its own, on screen."""
    widget = ComposeWidget()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # keys and focus go to the active window
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
    yield widget
    widget.live.shutdown()


def _report(qtbot: QtBot, compose: ComposeWidget) -> AnalysisReport:
    """The next report the composer shows."""
    with qtbot.waitSignal(compose.report_shown, timeout=10_000) as shown:
        compose.live.flush()
    report = shown.args[0]
    assert isinstance(report, AnalysisReport)
    return report


def _counter(compose: ComposeWidget, channel: Channel) -> tuple[str, str, str]:
    label = compose.counters.label_for(channel)
    assert label is not None
    return label.text(), label.accessibleDescription(), str(label.property("state"))


def test_words_for_a_channel_that_takes_a_thread_say_so_without_an_error() -> None:
    x = count_all("a" * 600, (Channel.X,))[Channel.X]
    assert counter_state(x) == "over"
    assert counter_state(x, thread=True) == "thread"
    text, spoken = counter_words(x, thread=True, posts=3)
    assert text == "X 600/280, thread of 3"
    assert spoken == "X: 600 characters, will post as a thread of 3"
    text, spoken = counter_words(x, thread=True)
    assert "✕" not in text
    assert "over" not in spoken
    assert text == "X 600/280, as a thread"


def test_a_thread_turns_x_over_the_limit_into_a_thread_while_linkedin_stays_over(
    qtbot: QtBot, compose: ComposeWidget
) -> None:
    compose.set_channels(("x", "linkedin"))
    compose.editor.setPlainText(LONG)
    before = _report(qtbot, compose)
    assert {f.rule for f in before.findings if f.rule == "over-limit"} == {"over-limit"}
    assert _counter(compose, Channel.X)[0] == "✕ X 3120/280"

    compose.thread_button.setFocus()
    with qtbot.waitSignal(compose.options_changed, timeout=1000) as changed:
        qtbot.keyClick(compose.thread_button, Qt.Key.Key_Space)
    assert changed.args == [True, False, ""]
    # At once, before any report: not an error on X, still one on LinkedIn.
    text, spoken, state = _counter(compose, Channel.X)
    assert (text, state) == ("X 3120/280, as a thread", "thread")
    assert "over" not in spoken
    assert _counter(compose, Channel.LINKEDIN)[0] == "✕ LinkedIn 3120/3000"
    x_label = compose.counters.label_for(Channel.X)
    assert x_label is not None
    fits = theme.colours(compose.counters).counter("fits")
    assert x_label.palette().color(QPalette.ColorRole.WindowText).name() == fits
    assert not x_label.font().bold()
    # The overflow highlight starts where LinkedIn's limit ends, not X's.
    (overflow,) = compose.editor.extraSelections()
    assert overflow.cursor.selectionStart() == 3000

    report = _report(qtbot, compose)
    posts = report.threads[Channel.X]
    assert posts > 1
    assert Channel.LINKEDIN not in report.threads
    text, spoken, state = _counter(compose, Channel.X)
    assert text == f"X 3120/280, thread of {posts}"
    assert spoken == f"X: 3120 characters, will post as a thread of {posts}"
    over = [f for f in report.findings if f.rule == "over-limit"]
    assert len(over) == 1
    assert "LinkedIn" in over[0].message
    assert [f.level.value for f in report.findings if f.rule == "thread-split"] == ["info"]
    shown = {f.rule for f in compose.findings.findings}
    assert "thread-split" in shown

    # Only X: nothing is over anywhere that matters, so nothing is highlighted.
    compose.set_channels(("x",))
    assert compose.editor.extraSelections() == []
    # Off again: X is over, in red and words, at once.
    with qtbot.waitSignal(compose.options_changed, timeout=1000):
        compose.thread_action.trigger()
    assert _counter(compose, Channel.X)[2] == "over"
    assert len(compose.editor.extraSelections()) == 1


def test_essential_counts_only_with_a_reason(
    qtbot: QtBot, compose: ComposeWidget, tmp_path: Path
) -> None:
    today = date.today()
    settings.save(settings.Settings(election_periods=((today, today + timedelta(days=30)),)))
    compose.editor.setPlainText(ELECTION_POST)
    assert "election-period" in {f.rule for f in _report(qtbot, compose).findings}
    assert not compose.reason.isVisible()

    compose.editor.setFocus()
    with qtbot.waitSignal(compose.options_changed, timeout=1000) as changed:
        qtbot.keyClick(compose.editor, Qt.Key.Key_E, CTRL_SHIFT)
    assert changed.args == [False, True, ""]
    assert compose.essential_action.isChecked()
    assert compose.reason.isVisible()
    assert QApplication.focusWidget() is compose.reason  # the reason is needed next
    # Ticked without a reason: not essential yet, so the block stands.
    assert compose.live.options == (False, False)
    assert "election-period" in {f.rule for f in _report(qtbot, compose).findings}

    type_text(compose.reason, "  Flooding: the ring road is closed.  ")
    assert compose.live.options == (False, True)
    with qtbot.waitSignal(compose.options_changed, timeout=1000) as changed:
        qtbot.keyClick(compose.reason, Qt.Key.Key_Return)  # editing finished
    assert changed.args == [False, True, "Flooding: the ring road is closed."]
    assert "election-period" not in {f.rule for f in _report(qtbot, compose).findings}

    # Unticking hides the reason and the block comes back.
    with qtbot.waitSignal(compose.options_changed, timeout=1000) as changed:
        qtbot.keyClick(compose.reason, Qt.Key.Key_E, CTRL_SHIFT)
    assert changed.args == [False, False, "Flooding: the ring road is closed."]
    assert not compose.reason.isVisible()
    assert "election-period" in {f.rule for f in _report(qtbot, compose).findings}


def test_a_pause_in_typing_the_reason_announces_it(qtbot: QtBot, compose: ComposeWidget) -> None:
    compose.essential_action.trigger()
    with qtbot.waitSignal(compose.options_changed, timeout=5000) as changed:
        type_text(compose.reason, "Public safety")
    assert changed.args == [False, True, "Public safety"]
    # Leaving the field with nothing new says nothing again.
    with qtbot.assertNotEmitted(compose.options_changed):
        compose.editor.setFocus()
        QApplication.processEvents()


def test_loading_a_drafts_options_announces_nothing(qtbot: QtBot, compose: ComposeWidget) -> None:
    compose.set_channels(("x",))
    compose.editor.setPlainText(LONG)
    with qtbot.assertNotEmitted(compose.options_changed):
        compose.set_options(True, True, "Storm damage: schools closed")
        compose.reason.setFocus()
        compose.editor.setFocus()  # editing finished, with nothing changed
        QApplication.processEvents()
    assert compose.options() == (True, True, "Storm damage: schools closed")
    assert compose.thread_button.isChecked()
    assert compose.essential_button.isChecked()
    assert compose.reason.isVisible()
    assert compose.live.options == (True, True)
    assert _counter(compose, Channel.X)[2] == "thread"
    with qtbot.assertNotEmitted(compose.options_changed):
        compose.set_options(False, False, "")
    assert compose.options() == (False, False, "")
    assert not compose.reason.isVisible()
    assert _counter(compose, Channel.X)[2] == "over"


@pytest.mark.parametrize(
    ("typed", "given"),
    [
        ("👩‍👩‍👧 family hubs open", True),
        ("مرحبا بالعالم", True),
        ("\u200b\u200d\u200f", False),  # zero-width and direction marks only
        ("\u0301\u0301", False),  # combining marks with nothing to combine with
        (" \t ", False),
    ],
)
def test_odd_unicode_in_the_reason(
    qtbot: QtBot, compose: ComposeWidget, typed: str, given: bool
) -> None:
    assert reason_given(typed) is given
    compose.essential_action.trigger()
    type_text(compose.reason, typed)
    assert compose.live.options == (False, given)
    if typed.strip():
        with qtbot.waitSignal(compose.options_changed, timeout=5000) as changed:
            compose.reason.editingFinished.emit()
        assert changed.args == [False, True, typed.strip()]
    else:
        with qtbot.assertNotEmitted(compose.options_changed):  # still no reason at all
            compose.reason.editingFinished.emit()
    # A lone surrogate pasted from elsewhere: Qt drops it; nothing breaks.
    compose.reason.setText("Flood\ud800 warning")
    compose.reason.editingFinished.emit()
    assert compose.options()[2] == "Flood warning"


def test_the_options_are_write_screen_shortcuts_that_clash_with_nothing(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from postdesk.ui.shortcuts import Scope, conflicts, current_keys, scope_of

    window = start_app(sqlite_location).window
    compose = window.compose
    assert scope_of("draft.thread") is Scope.WRITE
    assert scope_of("draft.essential") is Scope.WRITE
    assert current_keys(compose.thread_action) == ["Ctrl+Shift+T"]
    assert current_keys(compose.essential_action) == ["Ctrl+Shift+E"]
    assert conflicts(window.all_actions()) == []
    window.editor.setFocus()
    with qtbot.waitSignal(compose.options_changed, timeout=1000) as changed:
        qtbot.keyClick(window.editor, Qt.Key.Key_T, CTRL_SHIFT)
    assert changed.args == [True, False, ""]
    assert compose.thread_button.isChecked()
    assert compose.thread_button.accessibleName() == "Post as a thread"
    assert compose.essential_button.accessibleName() == "Essential in an election period"
    assert compose.reason.accessibleName() == "Why it is essential"


def test_tab_goes_channels_options_editor_findings_then_sign_offs(
    qtbot: QtBot, compose: ComposeWidget
) -> None:
    from PySide6.QtWidgets import QLabel

    compose.add_side_panel(QLabel("Preview"), "Preview")
    compose.show_sign_offs(
        [
            ChecklistItem("facts-checked", "Facts are checked.", False),
            ChecklistItem("alt-text", "Images have alt text.", False),
        ]
    )
    QApplication.processEvents()  # Qt shows a widget added to a shown window later
    tabs = compose.side_tabs
    assert tabs is not None
    first_box, second_box = compose.sign_offs.boxes()
    expected = [
        *compose.channel_buttons,
        compose.thread_button,
        compose.essential_button,
        compose.editor,
        tabs.tabBar(),
        compose.findings,
        first_box,
        second_box,
    ]
    assert compose.focus_chain() == [
        *compose.channel_buttons,
        compose.thread_button,
        compose.essential_button,
        compose.reason,
        compose.editor,
        tabs,
        first_box,
        second_box,
    ]
    compose.channel_buttons[0].setFocus()
    visited = [QApplication.focusWidget()]
    for _ in range(len(expected) - 1):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == expected
    # The reason, once shown, comes straight after the essential toggle.
    compose.essential_action.trigger()
    compose.essential_button.setFocus()
    qtbot.keyClick(compose.essential_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is compose.reason


def test_the_composer_shows_the_authors_checklist_and_passes_on_a_tick(
    qtbot: QtBot, compose: ComposeWidget
) -> None:
    compose.show_sign_offs(
        [
            ChecklistItem("facts-checked", "Facts are checked.", True),
            ChecklistItem("alt-text", "Images have alt text.", False, "Describe each image."),
        ]
    )
    ticked = compose.sign_off_box("facts-checked")
    assert ticked is not None
    assert ticked.isChecked()
    assert not ticked.isEnabled()
    box = compose.sign_off_box("alt-text")
    assert box is not None
    assert box.accessibleName() == "Images have alt text."
    assert box.accessibleDescription() == "Describe each image."
    box.setFocus()
    with qtbot.waitSignal(compose.sign_off_ticked, timeout=1000) as signed:
        qtbot.keyClick(box, Qt.Key.Key_Space)
    assert signed.args == ["alt-text"]
    assert compose.sign_offs.outstanding() == []


def _start_with_periods(
    start_app: StartApp, location: DatabaseLocation, periods: tuple[tuple[date, date], ...]
) -> MainWindow:
    settings.save(settings.Settings(grammar_mode="off", election_periods=periods))
    return start_app(location).window


def _start_in_a_period(qtbot: QtBot, start_app: StartApp, location: DatabaseLocation) -> MainWindow:
    """PostDesk started in an election period (today), once it offers Essential."""
    today = date.today()
    window = _start_with_periods(start_app, location, ((today, today),))
    qtbot.waitUntil(window.compose.essential_button.isVisible, timeout=5000)
    return window


def test_essential_is_offered_only_during_an_election_period(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _start_in_a_period(qtbot, start_app, sqlite_location)
    compose = window.compose
    assert compose.essential_action.isVisible()


def test_outside_an_election_period_essential_is_hidden_unless_already_marked(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _start_in_a_period(qtbot, start_app, sqlite_location)
    compose = window.compose
    # The period is moved to last year in Preferences: the option goes.
    today = date.today()
    last_year = today - timedelta(days=365)
    settings.save(
        settings.Settings(
            grammar_mode="off", election_periods=((last_year, today - timedelta(days=364)),)
        )
    )
    window._on_settings_saved(["election_periods"])  # as the Preferences dialog reports it
    qtbot.waitUntil(lambda: not compose.essential_button.isVisible(), timeout=5000)
    assert not compose.essential_action.isVisible()
    assert compose.thread_button.isVisible()
    # A draft marked essential in the last period keeps the mark in sight, to take it off.
    compose.set_options(False, True, "Flooding")
    compose.show_essential_option(False)
    assert compose.essential_button.isVisible()
    assert compose.reason.isVisible()


def test_a_reason_typed_just_before_submitting_is_the_one_submitted(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = _start_in_a_period(qtbot, start_app, sqlite_location)
    compose = window.compose
    # However slow this machine, the pause that would save the reason does not end first.
    compose._reason_timer.setInterval(600_000)
    compose.essential_action.trigger()
    type_text(compose.reason, "Road closed by flooding")
    assert compose._reason_timer.isActive()  # the reason is not saved yet
    window.submit_for_review()
    qtbot.waitUntil(lambda: window.refusal is not None, timeout=5000)
    refusal = window.refusal
    assert refusal is not None
    # Refused for the sign-offs not yet ticked, but not for the election period.
    assert "tick the sign-off item" in refusal.informativeText()
    assert "Election period" not in refusal.informativeText()
    database = open_for_check(sqlite_location)
    draft_id = window.autosave.draft_id
    assert draft_id is not None
    stored = Workflow(database.engine, database.current_user).get(draft_id)
    assert (stored.essential, stored.essential_reason) == (True, "Road closed by flooding")


def test_an_option_the_database_refuses_is_shown_as_stored(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    draft_id = window.autosave.draft_id
    assert draft_id is not None
    database = open_for_check(sqlite_location)
    Workflow(database.engine, database.current_user).withdraw(draft_id)  # from elsewhere
    compose = window.compose

    compose.thread_action.trigger()

    qtbot.waitUntil(lambda: "Post options not saved" in window.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: not compose.thread_action.isChecked(), timeout=5000)


def test_essential_appears_when_a_period_starts_while_the_window_is_open(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    compose = window.compose
    assert not compose.essential_button.isVisible()
    today = date.today()
    # Saved by another window (or at midnight a period begins): this one was not told.
    settings.save(settings.Settings(grammar_mode="off", election_periods=((today, today),)))
    type_text(compose.editor, "Bins are collected on Tuesday.")
    compose.live.flush()
    qtbot.waitUntil(compose.essential_button.isVisible, timeout=5000)
