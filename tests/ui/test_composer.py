"""The composer: live counters, channel toggles, findings, F8 and one-key suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.live import LiveAnalysis
from postdesk.workflow.drafts import DraftStore
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text


def test_counters_follow_every_keystroke_and_say_their_state(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    type_text(window.editor, "Bins 👍")
    label = window.compose.counters.label_for(Channel.X)
    assert label is not None
    assert label.text() == "X 7/280"  # the emoji weighs 2 on X
    assert label.accessibleDescription() == "X: 7 of 280, fits"
    bluesky = window.compose.counters.label_for(Channel.BLUESKY)
    assert bluesky is not None
    assert bluesky.text() == "Bluesky 6/300"


def test_over_the_limit_is_said_in_words_and_the_overflow_is_highlighted(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    window.editor.setPlainText("a" * 290)
    label = window.compose.counters.label_for(Channel.X)
    assert label is not None
    assert label.text() == "✕ X 290/280"
    assert "10 over the limit" in label.accessibleDescription()
    selections = window.editor.extraSelections()
    assert len(selections) == 1
    assert selections[0].cursor.selectionStart() == 280
    assert selections[0].cursor.selectionEnd() == 290


def test_ctrl_digit_toggles_a_channel_and_it_is_saved_with_the_draft(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    startup = start_app(sqlite_location)
    window = startup.window
    assert window.compose.channels() == ("x", "bluesky", "mastodon")
    window.editor.setFocus()
    with qtbot.waitSignal(window.compose.channels_changed, timeout=2000):
        qtbot.keyClick(window.editor, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.compose.channels() == ("x", "bluesky", "mastodon", "linkedin")
    assert window.compose.counters.label_for(Channel.LINKEDIN) is not None

    def saved() -> tuple[str, ...]:
        database = open_for_check(sqlite_location)
        try:
            draft = DraftStore(database.engine, database.current_user).latest()
        finally:
            database.dispose()
        return draft.channels if draft else ()

    qtbot.waitUntil(lambda: saved() == ("bluesky", "linkedin", "mastodon", "x"), timeout=3000)


def test_findings_f8_and_one_key_suggestion(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    compose = window.compose
    with qtbot.waitSignal(compose.report_shown, timeout=5000):
        window.editor.setPlainText("We will utilise the library in order to help.")
    rules = [f.rule for f in compose.findings.findings]
    assert rules.count("plain-english") == 2
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    window.editor.setTextCursor(cursor)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_F8)
    assert window.editor.textCursor().selectedText() == "utilise"
    qtbot.keyClick(window.editor, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == "We will use the library in order to help."
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == "We will utilise the library in order to help."


def test_only_the_latest_text_gets_a_report(qtbot: QtBot) -> None:
    analysed: list[str] = []

    def slow_analyse(text: str, channels: tuple[Channel, ...]) -> str:
        analysed.append(text)
        return text.upper()

    # The three edits come microseconds apart, far inside the pause, even on a busy machine.
    live = LiveAnalysis(slow_analyse, delay_ms=300)  # type: ignore[arg-type]
    try:
        with qtbot.waitSignal(live.report_ready, timeout=2000) as blocker:
            for text in ("a", "ab", "abc"):
                live.set_text(text)
        assert blocker.args == [("abc", "ABC")]
        assert analysed == ["abc"]
    finally:
        live.shutdown()


def test_a_sign_off_tick_is_cleared_by_an_edit(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    with qtbot.waitSignal(window.draft_saved, timeout=5000):
        type_text(window.editor, "Council tax bills go out on 1 March.")
    qtbot.waitUntil(lambda: window.compose.sign_off_box("facts-checked") is not None, timeout=5000)
    box = window.compose.sign_off_box("facts-checked")
    assert box is not None
    assert box.accessibleName()
    box.setChecked(True)
    qtbot.waitUntil(lambda: window.status.text() == "Signed off", timeout=5000)
    with qtbot.waitSignal(window.draft_saved, timeout=5000):
        type_text(window.editor, " Pay online.")

    def cleared() -> bool:
        fresh = window.compose.sign_off_box("facts-checked")
        return fresh is not None and fresh.isEnabled() and not fresh.isChecked()

    qtbot.waitUntil(cleared, timeout=5000)


def test_mastodon_is_counted_against_the_organisations_own_server(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from datetime import UTC, datetime

    from postdesk.storage.schema import channel_accounts

    startup = start_app(sqlite_location)
    window = startup.window
    database = open_for_check(sqlite_location)
    with database.engine.begin() as connection:  # as adding the account records it
        connection.execute(
            channel_accounts.insert().values(
                platform="mastodon", handle="@news@social.example", server_url="https://s.example",
                display_name="News", max_characters=1000, characters_reserved_per_url=23,
                added_by=database.current_user, added_at=datetime.now(UTC),
            )
        )  # fmt: skip
    database.dispose()
    window._on_settings_saved([])  # what saving Preferences does
    type_text(window.editor, "Gritters are out tonight.")
    qtbot.waitUntil(
        lambda: (
            (label := window.compose.counters.label_for(Channel.MASTODON)) is not None
            and label.text() == "Mastodon 25/1000"
        ),
        timeout=3000,
    )


def test_a_grammar_result_landing_after_shut_down_is_ignored(qtbot: QtBot) -> None:
    from postdesk.analysis.grammar import GrammarConfig
    from tests.helpers.fake_languagetool import FakeLanguageTool

    with FakeLanguageTool(delay=0.5) as server:
        live = LiveAnalysis()
        live.start_grammar(GrammarConfig(mode="server", server_url=server.url))
        live.set_text("The council is recieving applications.")
        qtbot.waitUntil(lambda: len(server.checks()) >= 1, timeout=5000)
        live.shutdown()  # the window closes while the check is still on its way
        qtbot.wait(800)  # the answer lands now: it must be dropped, not scheduled
