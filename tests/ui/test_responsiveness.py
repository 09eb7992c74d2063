"""Never frozen: typing stays smooth while a slow grammar server checks the text."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from postdesk import settings
from postdesk.analysis.warmup import warm_up
from postdesk.storage.database import DatabaseLocation
from tests.helpers.fake_languagetool import FakeLanguageTool
from tests.ui.conftest import StartApp
from tests.ui.keyboard import type_text

MAX_STALL_MS = 50
PARAGRAPH = (
    "Self Assessment tax returns must reach HMRC by 31 January. You can file online at "
    "https://www.gov.uk/self-assessment-tax-returns and it takes about 20 minutes. "
)


def test_typing_into_3000_characters_while_the_grammar_server_takes_half_a_second(
    qtbot: QtBot, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    # A local server speaking LanguageTool's documented /v2 protocol (none can be
    # installed here), answering each check after 500 ms.
    with FakeLanguageTool(delay=0.5) as server:
        settings.save(settings.Settings(grammar_mode="server", languagetool_url=server.url))
        window = start_app(sqlite_location).window
        # As the app does at start-up, on its background thread: load the dictionaries and
        # move them out of the garbage collector's way.
        warm_up()
        window.editor.setPlainText((PARAGRAPH * 20)[:3000] + " teh")
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        with qtbot.waitSignal(window.compose.live.grammar_status, timeout=10_000) as status:
            pass
        assert status.args[0].engine == "languagetool"

        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        ticker = QTimer()
        ticker.setInterval(5)
        ticker.timeout.connect(tick)
        keys = QTimer()
        keys.setInterval(40)
        typed = [0]

        def key() -> None:
            # Bursts of 20 keys, then a pause long enough for a grammar check to start.
            step = typed[0] % 45
            if step < 20:
                type_text(window.editor, "x" if step % 5 else " ")
            typed[0] += 1

        keys.timeout.connect(key)
        checks_before = len(server.checks())
        ticker.start()
        keys.start()
        qtbot.wait(5000)
        keys.stop()
        ticker.stop()
        assert len(server.checks()) > checks_before, "the slow server was really asked"
        assert typed[0] > 100
        # The first gap includes starting the timers; the rest are the event loop's stalls.
        assert max(gaps[1:]) <= MAX_STALL_MS, f"longest stall {max(gaps[1:]):.1f} ms"
