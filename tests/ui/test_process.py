"""The real `postdesk` process: a real X window under Xvfb, SIGKILL, and bad starts."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from postdesk.storage.database import open_database, resolve_location
from postdesk.workflow.drafts import DraftStore

REPO = Path(__file__).resolve().parents[2]
POSTDESK = Path(sysconfig.get_path("scripts")) / "postdesk"
TEXT = "Flood warning for the River Ouse in York: move valuables upstairs tonight."

GRAB_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
image = app.primaryScreen().grabWindow(0)
sys.exit(0 if image.save(sys.argv[1], "PNG") else 1)
"""


def _log_file(user_folders: Path) -> Path:
    return user_folders / "state" / "postdesk" / "log" / "postdesk.log"


def _wait_for_log(user_folders: Path, needle: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    log = _log_file(user_folders)
    while time.monotonic() < deadline:
        if log.exists() and needle in log.read_text(encoding="utf-8", errors="replace"):
            return
        if process.poll() is not None:
            pytest.fail(f"postdesk exited early ({process.returncode}) before logging {needle!r}")
        time.sleep(0.05)
    pytest.fail(f"postdesk did not log {needle!r} within 30 s")


def _saved_text() -> str | None:
    database = open_database(resolve_location(None))
    try:
        draft = DraftStore(database.engine, database.current_user).latest()
    finally:
        database.dispose()
    return draft.body if draft else None


def _distinct_colours(image: QImage) -> int:
    colours = set()
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colours.add(image.pixel(x, y))
    return len(colours)


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X server; yields its DISPLAY."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is not installed: ./dev test installs the xvfb package")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), "Xvfb did not report its display number"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.xvfb
def test_real_window_under_xvfb_is_drawn(
    xvfb_display: str, user_folders: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    with subprocess.Popen(
        [str(POSTDESK)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as app:
        try:
            _wait_for_log(user_folders, "Opened draft", app)
            time.sleep(0.5)  # let the first frame reach the X server
            shot = tmp_path / "main-window.png"
            grab = subprocess.run(
                [sys.executable, "-c", GRAB_SCRIPT, str(shot)],
                env={**env, "QT_QPA_PLATFORM": "xcb"},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert grab.returncode == 0, grab.stderr
        finally:
            app.send_signal(signal.SIGTERM)
            _, stderr = app.communicate(timeout=30)
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    # An empty X screen is one colour; a drawn window with text has many.
    assert _distinct_colours(image) >= 16
    if os.environ.get("POSTDESK_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["POSTDESK_SCREENSHOT_DIR"]) / shot.name)


@pytest.mark.xvfb
def test_screenshots_of_the_composer_queue_and_review_under_xvfb(
    xvfb_display: str, user_folders: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    shots = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "tests.helpers.screenshots", str(shots)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("composer.png", "queue.png", "review.png", "publish.png"):
        image = QImage(str(shots / name))
        assert image.width() >= 1000, name
        assert _distinct_colours(image) >= 16, f"{name} looks blank"
        if os.environ.get("POSTDESK_SCREENSHOT_DIR"):
            shutil.copy(shots / name, Path(os.environ["POSTDESK_SCREENSHOT_DIR"]) / name)


def test_sigkill_after_typing_stops_loses_nothing(user_folders: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.typing_driver", TEXT],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as driver:
        assert driver.stdout is not None
        assert driver.stdout.readline().strip() == "typed"
        time.sleep(1.5)  # the contract: killed 1.5 s after typing stops
        driver.send_signal(signal.SIGKILL)
        driver.communicate(timeout=30)
    assert driver.returncode == -signal.SIGKILL
    assert _saved_text() == TEXT


def test_bad_start_shows_a_dialog_not_a_traceback_and_keeps_the_file(user_folders: Path) -> None:
    database = user_folders / "data" / "postdesk" / "postdesk.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"\x00garbage that is not SQLite" * 200)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    with subprocess.Popen(
        [str(POSTDESK)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as app:
        try:
            _wait_for_log(user_folders, "Start-up problem shown: corrupt", app)
        finally:
            app.send_signal(signal.SIGTERM)
            _, stderr = app.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in database.parent.iterdir()) == ["postdesk.sqlite3"]
