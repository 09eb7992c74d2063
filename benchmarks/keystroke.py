"""Keystroke to updated counter in the real composer, against a bare QPlainTextEdit.

Run: .venv/bin/python -m benchmarks.keystroke [--keys 300]

Each sample sends one key press and release to the editor and processes the events it
causes (the edit, the counters for all seven channels, the overflow highlight, the repaint
of the offscreen window); the report runs later, off the GUI thread, and is not counted.
The baseline, in the same run, is the same keystroke into a bare QPlainTextEdit; the
ratios are the composer's figure over the baseline's. The "thread" row has "Post as a
thread" on, so X, Bluesky, Mastodon and Threads count the text as a thread.

Target (issue 7): p99 at most 16 ms (one frame at 60 Hz) at 3,000 characters.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from benchmarks.analysis import PARAGRAPH
from postdesk.analysis.counting import warm_up as warm_counting
from postdesk.ui.composer import CHANNEL_IDS, ComposeWidget


def _type(editor: QPlainTextEdit, app: QApplication, keys: int) -> list[float]:
    times = []
    for index in range(keys):
        char = "abcdefghij "[index % 11]
        started = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                editor, QKeyEvent(kind, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, char)
            )
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _prepare(editor: QPlainTextEdit, size: int) -> None:
    editor.setPlainText((PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size])
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=300)
    args = parser.parse_args()
    app = QApplication([])
    warm_counting()
    print(f"{args.keys} keystrokes per size; ms from key press to events processed")
    print(
        f"{'size':>13} | {'composer median':>15} {'p99':>6} | {'bare median':>11} {'p99':>6}"
        f" | {'ratio median':>12} {'p99':>6}"
    )
    for size, as_thread in ((280, False), (3_000, False), (3_000, True)):
        compose = ComposeWidget()
        compose.set_channels(CHANNEL_IDS)
        compose.set_options(as_thread, False, "")
        compose.resize(1000, 700)
        compose.show()
        bare = QPlainTextEdit()
        bare.resize(700, 500)
        bare.show()
        _prepare(compose.editor, size)
        _prepare(bare, size)
        app.processEvents()
        ours = _type(compose.editor, app, args.keys)
        baseline = _type(bare, app, args.keys)
        label = f"{size} thread" if as_thread else str(size)
        median, p99 = statistics.median(ours), _p99(ours)
        base_median, base_p99 = statistics.median(baseline), _p99(baseline)
        print(
            f"{label:>13} | {median:>15.2f} {p99:>6.2f} | {base_median:>11.2f} {base_p99:>6.2f}"
            f" | {median / base_median:>11.1f}x {p99 / base_p99:>5.1f}x"
        )
        compose.live.shutdown()
        compose.close()
        bare.close()
    print("target: p99 <= 16 ms at 3,000 characters")


if __name__ == "__main__":
    main()
