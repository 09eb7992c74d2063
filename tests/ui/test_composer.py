"""The composer: live counters, channel toggles, findings, F8 and one-key suggestions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.storage.database import DatabaseLocation
from postdesk.ui.draft_editor import DraftEditor
from postdesk.ui.editor_marks import MarkKind
from postdesk.ui.live import LiveAnalysis
from postdesk.workflow.drafts import DraftStore
from tests.ui.conftest import StartApp, open_for_check
from tests.ui.keyboard import type_text
from tests.ui.test_editor_marks import drawn, pixel_at


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


# -- marks in the text ------------------------------------------------------------------------

# The offscreen platform cannot raise a tooltip or let a menu grab the keyboard; both
# still work (DEPENDENCIES.md section 1 lists its other harmless messages).
OFFSCREEN_POPUPS = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")

VERY_HARD = (
    "The implementation of the comprehensive organisational restructuring programme "
    "necessitates considerable administrative reconfiguration across multiple departmental "
    "jurisdictions throughout the forthcoming financial year."
)


def _marked(editor: DraftEditor, kind: MarkKind) -> list[str]:
    """The text under each mark of a kind, as the editor's cursors hold it now."""
    text = editor.toPlainText()
    found = []
    for start, end, mark in editor.marks():
        if mark.kind is kind:
            cursor = editor.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
            found.append(cursor.selectedText())
    assert all(words in text for words in found)
    return found


def _hover(editor: DraftEditor, position: int) -> str:
    """Hover the mouse over the character at a Qt position; the tooltip's text."""
    cursor = editor.textCursor()
    cursor.setPosition(position)
    rect = editor.cursorRect(cursor)
    point = QPoint(rect.x() + 2, rect.center().y())
    event = QHelpEvent(QEvent.Type.ToolTip, point, editor.viewport().mapToGlobal(point))
    QApplication.sendEvent(editor.viewport(), event)
    # Nothing to say: the editor ignores the event (a tooltip from before fades slowly).
    return QToolTip.text() if event.isAccepted() and QToolTip.isVisible() else ""


@OFFSCREEN_POPUPS
def test_a_very_hard_sentence_is_highlighted_in_words_too_and_moves_with_the_text(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    compose = window.compose
    editor = compose.editor
    with qtbot.waitSignal(compose.report_shown, timeout=5000):
        editor.setPlainText(f"Bins go out on Monday. {VERY_HARD}")
    assert _marked(editor, MarkKind.VERY_HARD) == [VERY_HARD]
    expected = editor.mark_format(MarkKind.VERY_HARD).background().color().name()
    assert expected != editor.mark_format(MarkKind.OVERFLOW).background().color().name()
    start = editor.toPlainText().index(VERY_HARD)
    assert drawn(editor) == [(start, start + len(VERY_HARD), expected, None)]
    assert pixel_at(editor, start + 30) == expected  # really painted
    assert pixel_at(editor, 3) != expected
    middle = editor.toPlainText().index("considerable")
    assert _hover(editor, middle).startswith("Very hard to read: 21 words, grade ")
    assert _hover(editor, 3) == ""  # "Bins go out on Monday." is not marked
    # The panels say it in words, and only once the report came.
    assert compose.readability.very_hard.text() == "Very hard sentences: 1"
    assert "very hard to read" in compose.readability.very_hard.accessibleDescription()
    assert compose.readability.note.text() == "Approximate: under 100 words"
    assert compose.readability.reading_age.text().startswith("Reading age: ")
    assert any(f.rule == "very-hard-sentence" for f in compose.findings.findings)

    # An edit before it: the mark moves with its words at once, before any new report.
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.insertText("Reminder: ")
    assert _marked(editor, MarkKind.VERY_HARD) == [VERY_HARD]
    # An edit inside it: the mark no longer describes its words and goes at once.
    cursor.setPosition(editor.toPlainText().index("considerable"))
    cursor.insertText("very ")
    assert _marked(editor, MarkKind.VERY_HARD) == []
    with qtbot.waitSignal(compose.report_shown, timeout=5000):
        pass
    assert _marked(editor, MarkKind.VERY_HARD) == [
        VERY_HARD.replace("considerable", "very considerable")
    ]


def test_a_report_for_text_that_has_changed_since_marks_nothing(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from postdesk.analysis.report import analyse

    window = start_app(sqlite_location).window
    compose = window.compose
    with qtbot.waitSignal(compose.report_shown, timeout=5000):
        compose.editor.setPlainText("Bins go out on Monday.")
    shown = compose.readability.ease.text()
    old = f"Bins go out on Monday. {VERY_HARD}"
    with qtbot.assertNotEmitted(compose.report_shown):
        # A report that took long to come back, for text the author has since changed.
        compose.live.report_ready.emit((old, analyse(old, (Channel.X,))))
    assert compose.editor.marks() == []
    assert compose.readability.ease.text() == shown
    assert not any(f.rule == "very-hard-sentence" for f in compose.findings.findings)


@OFFSCREEN_POPUPS
def test_a_misspelt_word_is_underlined_and_fixed_from_the_keyboard_in_one_undo_step(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from postdesk import settings
    from tests.helpers.fake_languagetool import FakeLanguageTool

    with FakeLanguageTool() as server:
        settings.save(settings.Settings(grammar_mode="server", languagetool_url=server.url))
        window = start_app(sqlite_location).window
        editor = window.compose.editor
        text = "We could of sent teh bills."
        editor.setPlainText(text)
        qtbot.waitUntil(lambda: bool(_marked(editor, MarkKind.SPELLING)), timeout=10_000)
        assert _marked(editor, MarkKind.SPELLING) == ["teh"]
        assert _marked(editor, MarkKind.GRAMMAR) == ["could of"]
        spelling = editor.mark_format(MarkKind.SPELLING)
        grammar = editor.mark_format(MarkKind.GRAMMAR)
        assert spelling.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        assert grammar.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        assert spelling.underlineColor() != grammar.underlineColor()
        assert _hover(editor, text.index("teh") + 1).startswith("Spelling: ")

        # The text cursor just after the word, as after typing it; then the Menu key.
        cursor = editor.textCursor()
        cursor.setPosition(text.index("teh") + 3)
        editor.setTextCursor(cursor)
        editor.setFocus()
        qtbot.keyClick(editor, Qt.Key.Key_Menu)
        menu = editor.context_menu()
        assert menu is not None
        labels = [a.text() for a in menu.actions()]
        assert labels[:2] == ["the", "Ignore “teh” for this session"]
        assert menu.actions()[2].isSeparator()
        assert len(labels) > 3  # then Qt's own editing items
        # Opened at the text cursor, not wherever the mouse pointer is.
        below_cursor = editor.viewport().mapToGlobal(editor.cursorRect().bottomLeft())
        assert menu.geometry().contains(below_cursor) or menu.pos() == below_cursor
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)
        assert editor.toPlainText() == "We could of sent the bills."
        assert _marked(editor, MarkKind.SPELLING) == []
        editor.undo()
        assert editor.toPlainText() == text

        # Shift+F10 works too; "Ignore" hides the problem for the rest of the session.
        qtbot.waitUntil(lambda: bool(_marked(editor, MarkKind.SPELLING)), timeout=10_000)
        cursor.setPosition(text.index("could") + 1)
        editor.setTextCursor(cursor)
        qtbot.keyClick(editor, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
        menu = editor.context_menu()
        assert menu is not None
        assert [a.text() for a in menu.actions()][:2] == [
            "could have",
            "Ignore “could of” for this session",
        ]
        menu.actions()[1].trigger()
        menu.close()
        assert _marked(editor, MarkKind.GRAMMAR) == []
        assert not any(f.rule == "grammar" for f in window.compose.findings.findings)
        with qtbot.waitSignal(window.compose.report_shown, timeout=5000):
            editor.textCursor().insertText(" ")
        window.compose.live.flush()
        qtbot.waitUntil(lambda: bool(_marked(editor, MarkKind.SPELLING)), timeout=10_000)
        assert _marked(editor, MarkKind.GRAMMAR) == []


def test_spelling_marks_for_old_text_are_never_shown(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    from postdesk import settings
    from tests.helpers.fake_languagetool import FakeLanguageTool

    with FakeLanguageTool(delay=0.5) as server:
        settings.save(settings.Settings(grammar_mode="server", languagetool_url=server.url))
        window = start_app(sqlite_location).window
        compose = window.compose
        editor = compose.editor
        seen: list[str] = []
        compose.report_shown.connect(
            lambda _report: seen.extend(_marked(editor, MarkKind.SPELLING))
        )
        # The author fixes the word while the server is still checking it.
        editor.setPlainText("We sent teh bills.")
        qtbot.waitUntil(
            lambda: any("teh" in r.form.get("text", "") for r in server.checks()), timeout=10_000
        )
        editor.setPlainText("We sent the bills.")
        with qtbot.waitSignal(compose.live.grammar_status, timeout=10_000) as status:
            pass
        assert status.args[0].engine == "languagetool"
        qtbot.waitUntil(lambda: len(server.checks()) >= 2, timeout=10_000)
        with qtbot.waitSignal(compose.report_shown, timeout=5000):
            compose.live.flush()
        assert seen == []

        # A mark on screen goes the moment its word is edited, before any new check.
        editor.setPlainText("We sent teh bills.")
        qtbot.waitUntil(lambda: _marked(editor, MarkKind.SPELLING) == ["teh"], timeout=10_000)
        cursor = editor.textCursor()
        cursor.setPosition(8)
        cursor.setPosition(11, cursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        type_text(editor, "the")
        assert editor.toPlainText() == "We sent the bills."
        assert _marked(editor, MarkKind.SPELLING) == []
        seen.clear()
        with qtbot.waitSignal(compose.live.grammar_status, timeout=10_000):
            pass
        with qtbot.waitSignal(compose.report_shown, timeout=5000):
            compose.live.flush()
        assert seen == []


def test_odd_unicode_in_the_composer_does_not_upset_the_marks(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    compose = window.compose
    for odd in ("👩‍👩‍👧 ", "مرحبا بالعالم. ", "\u200b\u200d", "\ud800 "):
        with qtbot.waitSignal(compose.report_shown, timeout=5000):
            compose.editor.setPlainText(f"{odd}Done. {VERY_HARD} {odd}")
        assert _marked(compose.editor, MarkKind.VERY_HARD) == [VERY_HARD]
        type_text(compose.editor, odd.replace("\ud800", "\ufffd"))


@OFFSCREEN_POPUPS
def test_the_overflow_says_in_words_which_channels_it_is_over(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    window.editor.setPlainText("Gritters are out tonight. " * 12)  # 312 characters
    assert _hover(window.editor, 305) == (
        "Does not fit on X, Bluesky: the highlight starts where the shortest limit ends."
    )
    assert _hover(window.editor, 10) == ""


def test_the_window_puts_the_preview_and_comments_beside_the_findings(
    start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    tabs = start_app(sqlite_location).window.compose.side_tabs
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Findings",
        "Pre&view",
        "C&omments",
    ]


def test_a_panel_added_beside_the_findings_becomes_a_tab(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    from postdesk.ui.composer import ComposeWidget

    compose = ComposeWidget()
    qtbot.addWidget(compose)
    before = compose.side_tabs
    assert before is None  # no tab bar for a single panel
    preview = QLabel("Preview")
    tabs = compose.add_side_panel(preview, "Preview")
    assert compose.side_tabs is tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Findings", "Preview"]
    first = tabs.widget(0)
    assert first is not None
    assert first.isAncestorOf(compose.findings)
    assert tabs.tabBar().accessibleName()
