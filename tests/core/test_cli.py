"""The command line, run as a real process: --version, --help and `postdesk db`."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from postdesk import __version__
from postdesk.storage.database import HEAD_REVISION

SCRIPTS = Path(sysconfig.get_path("scripts"))


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        [str(SCRIPTS / "postdesk")],
        [str(SCRIPTS / "postdesk-cli")],
        [sys.executable, "-m", "postdesk"],
    ],
    ids=["gui-script", "console-script", "python-m"],
)
def test_version(command: list[str]) -> None:
    result = _run(*command, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"PostDesk {__version__}"


def test_help_lists_the_commands_and_does_not_load_qt() -> None:
    result = _run(sys.executable, "-X", "importtime", "-m", "postdesk", "--help")
    assert result.returncode == 0
    assert "db " in result.stdout
    assert "show or upgrade the database schema" in result.stdout
    assert "startup-report" not in result.stdout
    assert "PySide6" not in result.stderr, "the command line must not import Qt"


def test_db_upgrade_then_status(user_folders: Path) -> None:
    result = _run(sys.executable, "-m", "postdesk", "db", "upgrade")
    assert result.returncode == 0, result.stderr
    database = user_folders / "data" / "postdesk" / "postdesk.sqlite3"
    assert database.exists()
    assert f"schema upgraded to {HEAD_REVISION}" in result.stdout

    status = _run(sys.executable, "-m", "postdesk", "db", "status")
    assert status.returncode == 0
    assert str(database) in status.stdout
    assert "(default)" in status.stdout


def test_db_status_on_a_damaged_file_explains_without_a_traceback(user_folders: Path) -> None:
    database = user_folders / "data" / "postdesk" / "postdesk.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"not a database" * 50)
    result = _run(sys.executable, "-m", "postdesk", "db", "status")
    assert result.returncode == 1
    assert "damaged" in result.stderr
    assert str(database) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
def test_db_upgrade_on_the_team_database(pg_location) -> None:
    url = pg_location.url.render_as_string(hide_password=False)
    result = _run(
        sys.executable, "-m", "postdesk", "db", "upgrade", env={"POSTDESK_DATABASE_URL": url}
    )
    assert result.returncode == 0, result.stderr
    assert "(environment)" in result.stdout
    assert HEAD_REVISION in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = _run(sys.executable, "-m", "postdesk", "frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
