"""`postdesk users` and `postdesk audit`, run as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sqlite import sqlite_file


def postdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postdesk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_users_add_list_set_role_disable(user_folders: Path) -> None:
    me = __import__("getpass").getuser()
    assert (
        postdesk("users", "add", "alice", "--role", "author", "--name", "Alice A").returncode == 0
    )
    added = postdesk("users", "add", "bob", "--role", "reviewer", "--role", "publisher")
    assert added.stdout.strip() == "Added bob: publisher, reviewer"
    assert postdesk("users", "set-role", "bob", "--role", "reviewer").returncode == 0
    assert postdesk("users", "disable", "alice").returncode == 0
    listing = postdesk("users", "list").stdout.splitlines()
    assert [line.split()[0] for line in listing] == sorted(["alice", "bob", me])
    assert next(line for line in listing if line.startswith("alice")).endswith("[disabled]")
    assert next(line for line in listing if line.startswith(me)).split()[1] == "admin"


def test_only_an_admin_can_change_people(user_folders: Path) -> None:
    assert postdesk("users", "add", "alice", "--role", "author").returncode == 0
    database = user_folders / "data" / "postdesk" / "postdesk.sqlite3"
    # Take the admin role away from the first admin (the OS login running the tests)...
    with sqlite_file(database) as connection:
        connection.execute("DELETE FROM user_roles WHERE role = 'admin'")
        connection.execute(
            "INSERT INTO user_roles (user_id, role) SELECT id, 'admin' FROM users "
            "WHERE login = 'alice'"
        )
    refused = postdesk("users", "add", "mallory", "--role", "admin")
    assert refused.returncode == 1
    assert "does not have the admin role" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_bad_login_and_unknown_person_are_clear_errors(user_folders: Path) -> None:
    bad = postdesk("users", "add", "two words", "--role", "author")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "postdesk: 'two words' is not a valid login name"
    assert postdesk("users", "add", "alice", "--role", "author").returncode == 0
    missing = postdesk("users", "disable", "nobody")
    assert missing.returncode == 1
    assert "nobody is not a PostDesk user" in missing.stderr


def test_audit_verify_and_export(user_folders: Path, tmp_path: Path) -> None:
    postdesk("users", "add", "alice", "--role", "author")
    postdesk("users", "add", "bob", "--role", "reviewer")
    verified = postdesk("audit", "verify")
    assert verified.returncode == 0
    assert verified.stdout.strip() == "OK: 3 events, the chain is intact"

    exported = postdesk("audit", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [row["event"] for row in rows] == ["user_added"] * 3
    out = tmp_path / "audit.jsonl"
    postdesk("audit", "export", "--format", "jsonl", "--since", "2000-01-01", "--output", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["details"]["login"] for line in lines][1:] == ["alice", "bob"]
    future = postdesk("audit", "export", "--format", "jsonl", "--since", "2999-01-01")
    assert future.stdout == ""

    database = user_folders / "data" / "postdesk" / "postdesk.sqlite3"
    with sqlite_file(database) as connection:
        connection.execute("DROP TRIGGER audit_events_update_refused")
        connection.execute("UPDATE audit_events SET details = '{}' WHERE id = 2")
    broken = postdesk("audit", "verify")
    assert broken.returncode == 1
    assert broken.stdout.startswith("BROKEN at event 2: its contents were changed")


def test_bad_since_date_is_a_usage_error(user_folders: Path) -> None:
    result = postdesk("audit", "export", "--format", "csv", "--since", "last tuesday")
    assert result.returncode == 2
    assert "is not a date like 2026-04-01" in result.stderr


@pytest.mark.postgres
def test_users_on_the_team_database(pg_location) -> None:
    url = pg_location.url.render_as_string(hide_password=False)
    env = {"POSTDESK_DATABASE_URL": url}
    assert postdesk("users", "add", "alice", "--role", "author", env=env).returncode == 0
    listing = postdesk("users", "list", env=env).stdout
    assert "alice" in listing
    assert pg_location.url.username in listing  # the database login became the first admin
