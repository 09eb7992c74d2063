"""Screenshots of the composer, the review queue and the review screen, for the README.

Run in a process of its own (tests/ui/test_process.py does, on a private Xvfb):
    python -m tests.helpers.screenshots OUTPUT_FOLDER
It builds a small realistic database in a temporary folder, opens the real main window
on it, and saves composer.png, queue.png and review.png.
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtWidgets import QApplication

from postdesk.storage.database import DatabaseLocation, open_database, sqlite_url
from postdesk.ui.startup import Startup
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role

DRAFT = (
    "Self Assessment tax returns for 2025/26 must reach HMRC by 31 January. We will "
    "utilise your feedback in order to improve the service. File online in about "
    "20 minutes: https://www.gov.uk/self-assessment-tax-returns #TaxReturn"
)
QUEUED = (
    ("alice", "Gritters are out tonight on all A roads. Please take care if you drive."),
    ("dan", "Our libraries open late on Thursdays from March, until 8pm. #LibrariesWeek"),
    ("alice", "Consultation on bus routes closes on Friday. Have your say online."),
)


def _seed(path: Path, me: str) -> None:
    database = open_database(DatabaseLocation(sqlite_url(path), "screenshots"))
    people = People(database.engine, me)
    people.add(me, [Role.ADMIN, Role.AUTHOR, Role.REVIEWER])
    for name in ("alice", "dan"):
        people.add(name, [Role.AUTHOR])
    none = {"sign_off_items": lambda _role, _text: ()}
    for author, text in QUEUED:
        workflow = Workflow(database.engine, author, **none)
        draft = workflow.create_draft(text, ["x", "mastodon"])
        workflow.submit(draft.id)
    Workflow(database.engine, me).create_draft(DRAFT, ["x", "bluesky", "mastodon"])
    database.dispose()


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    database_path = Path(tempfile.mkdtemp(prefix="postdesk-shots-")) / "postdesk.sqlite3"
    location = DatabaseLocation(sqlite_url(database_path), "screenshots")
    me = __import__("getpass").getuser()
    _seed(database_path, me)
    startup = Startup(app, ThreadPoolExecutor(1).submit(open_database, location))
    window = startup.window
    window.resize(1280, 760)
    window.show()

    def wait_until(condition: object, timeout_s: float = 10.0) -> None:
        import time

        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.02)

    wait_until(lambda: window.autosave.draft_id is not None)
    window.compose.live.flush()
    wait_until(lambda: bool(window.compose.findings.findings))
    wait_until(lambda: window.compose.sign_off_box("facts-checked") is not None)
    app.processEvents()
    saved = [window.grab().save(str(out / "composer.png"))]
    window.tabs.setCurrentIndex(1)
    review = window.review
    assert review is not None
    wait_until(lambda: review.model.rowCount() == 3)
    saved.append(window.grab().save(str(out / "queue.png")))
    review.table.selectRow(0)
    wait_until(lambda: review.approve_button.isEnabled())
    review.comment.setPlainText("Which roads? Please link to the gritting map.")
    app.processEvents()
    saved.append(window.grab().save(str(out / "review.png")))
    window.close()
    startup.shutdown()
    return 0 if all(saved) else 1


if __name__ == "__main__":
    sys.exit(main())
