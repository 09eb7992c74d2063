"""Screenshots of the composer, the review queue, the review screen and the Publish screen,
for the README.

Run in a process of its own (tests/ui/test_process.py does, on a private Xvfb):
    python -m tests.helpers.screenshots OUTPUT_FOLDER
It builds a small realistic database in a temporary folder, opens the real main window
on it, and saves composer.png, queue.png, review.png and publish.png.
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from postdesk.storage.database import DatabaseLocation, open_database, sqlite_url
from postdesk.storage.schema import channel_accounts
from postdesk.ui.startup import Startup
from postdesk.workflow.people import People
from postdesk.workflow.service import Workflow
from postdesk.workflow.states import Role
from tests.helpers import no_sign_offs

DRAFT = (
    "Self Assessment tax returns for 2025/26 must reach HMRC by 31 January. We will "
    "utilise your feedback in order to improve the service. File online in about "
    "20 minutes: https://www.gov.uk/self-assessment-tax-returns #TaxReturn"
)
APPROVED = (
    "Roadworks on the A470 at Llanidloes start on Monday 7 December and last three weeks. "
    "The road stays open with temporary traffic lights from 7am to 7pm. Buses keep to their "
    "timetable, with up to ten minutes' delay at peak times. Cyclists can use the signed "
    "route through Trefeglwys Road. We are sorry for the disruption: the work replaces the "
    "bridge joints before the winter. Deliveries to shops on Great Oak Street can use the "
    "rear lane. Full details, maps and a number to call: "
    "https://www.powys.gov.uk/roadworks"
)
QUEUED = (
    ("alice", "Gritters are out tonight on all A roads. Please take care if you drive."),
    ("dan", "Our libraries open late on Thursdays from March, until 8pm. #LibrariesWeek"),
    ("alice", "Consultation on bus routes closes on Friday. Have your say online."),
)


def _seed(path: Path, me: str) -> None:
    database = open_database(DatabaseLocation(sqlite_url(path), "screenshots"))
    people = People(database.engine, me)
    people.add(me, [Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.PUBLISHER])
    people.add("alice", [Role.AUTHOR])
    people.add("dan", [Role.AUTHOR, Role.REVIEWER])
    for author, text in QUEUED:
        workflow = Workflow(database.engine, author, sign_off_items=no_sign_offs)
        draft = workflow.create_draft(text, ["x", "mastodon"])
        workflow.submit(draft.id)
    Workflow(database.engine, me).create_draft(DRAFT, ["x", "bluesky", "mastodon"])
    alice = Workflow(database.engine, "alice", sign_off_items=no_sign_offs)
    long_post = alice.create_draft(APPROVED, ["x", "mastodon"])
    alice.set_options(long_post.id, as_thread=True, essential=False)
    revision = alice.submit(long_post.id)
    Workflow(database.engine, "dan", sign_off_items=no_sign_offs).approve(long_post.id, revision.id)
    # The account as `postdesk publish --add-account` records it; its token would be in
    # the keyring, which this picture does not need (the screen says it is missing).
    with database.engine.begin() as connection:
        connection.execute(
            channel_accounts.insert().values(
                platform="mastodon",
                handle="@roads@social.example.gov.uk",
                server_url="https://social.example.gov.uk",
                display_name="Roads",
                added_by=me,
                added_at=datetime.now(UTC),
            )
        )
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
    publish = window.publish
    assert publish is not None
    window.tabs.setCurrentWidget(publish)
    wait_until(lambda: publish.drafts_table.rowCount() == 1)
    publish.drafts_table.selectRow(0)
    wait_until(lambda: bool(publish.channel_status("mastodon")))
    app.processEvents()
    saved.append(window.grab().save(str(out / "publish.png")))
    window.close()
    startup.shutdown()
    return 0 if all(saved) else 1


if __name__ == "__main__":
    sys.exit(main())
