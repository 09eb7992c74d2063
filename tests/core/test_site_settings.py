"""Site settings: an IT team's system-wide file under each user's own settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from postdesk import settings
from postdesk.settings import Settings
from postdesk.site_settings import (
    SITE_SETTINGS_ENV,
    load_layered,
    site_settings_candidates,
    site_settings_path,
)

TEAM_DB = "postgresql+psycopg://db.example.gov.uk/postdesk"
TEAM_LT = "https://languagetool.example.gov.uk/"
TEAM_PACK = "/etc/postdesk/department.toml"

xdg_only = pytest.mark.skipif(sys.platform == "win32", reason="XDG_CONFIG_DIRS is not used")


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A user file and a site file that do not exist yet."""
    return tmp_path / "user" / "settings.json", tmp_path / "site" / "settings.json"


def test_no_files_give_the_defaults(files: tuple[Path, Path]) -> None:
    loaded = load_layered(*files)
    assert loaded.settings == Settings()
    assert loaded.problems == []


def test_the_site_file_presets_every_user(files: tuple[Path, Path]) -> None:
    user, site = files
    preset: dict[str, Any] = {
        "database_url": TEAM_DB,
        "grammar_mode": "server",
        "languagetool_url": TEAM_LT,
        "rule_pack_path": TEAM_PACK,
    }
    write(site, preset)
    loaded = load_layered(user, site)
    assert loaded.settings == Settings(**preset)
    assert loaded.problems == []


def test_the_user_file_wins_key_by_key(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"database_url": TEAM_DB, "grammar_mode": "server", "languagetool_url": TEAM_LT})
    write(user, {"grammar_mode": "off"})
    loaded = load_layered(user, site)
    assert loaded.settings == Settings(
        database_url=TEAM_DB, grammar_mode="off", languagetool_url=TEAM_LT
    )


def test_a_user_null_switches_back_to_the_embedded_database(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"database_url": TEAM_DB})
    write(user, {"database_url": None})
    assert load_layered(user, site).settings.database_url is None


def test_a_bad_user_value_falls_back_to_the_site_value(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"grammar_mode": "server", "languagetool_url": TEAM_LT})
    write(user, {"grammar_mode": "sometimes", "languagetool_url": "  "})
    loaded = load_layered(user, site)
    assert loaded.settings.grammar_mode == "server"
    assert loaded.settings.languagetool_url == TEAM_LT
    assert len(loaded.problems) == 2
    assert all(str(user) in problem for problem in loaded.problems)
    assert "grammar_mode" in loaded.problems[0]


def test_a_broken_site_file_is_reported_and_the_user_file_still_counts(
    files: tuple[Path, Path],
) -> None:
    user, site = files
    write(site, '{"database_url": ')
    write(user, {"grammar_mode": "off"})
    loaded = load_layered(user, site)
    assert loaded.settings == Settings(grammar_mode="off")
    assert len(loaded.problems) == 1
    assert str(site) in loaded.problems[0]
    assert "not valid JSON" in loaded.problems[0]


def test_site_problems_come_first_and_name_their_file(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"rule_pak_path": TEAM_PACK})
    write(user, {"colour": "blue"})
    problems = load_layered(user, site).problems
    assert len(problems) == 2
    assert str(site) in problems[0]
    assert "rule_pak_path" in problems[0]
    assert str(user) in problems[1]
    assert "colour" in problems[1]


def test_a_site_file_that_is_not_an_object_is_reported(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, ["database_url", TEAM_DB])
    loaded = load_layered(user, site)
    assert loaded.settings == Settings()
    assert loaded.problems == [f"{site} should hold a JSON object"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("database_url", TEAM_DB),
        ("database_url", None),
        ("languagetool_url", f"  {TEAM_LT}  "),
        ("grammar_mode", "local"),
        ("grammar_mode", "off"),
    ],
)
def test_settings_load_keeps_valid_values_exactly_as_written(
    tmp_path: Path, name: str, value: object
) -> None:
    # load_layered relies on this to tell which values settings.load rejected.
    loaded = settings.load(write(tmp_path / "settings.json", {name: value}))
    assert getattr(loaded.settings, name) == value
    assert loaded.problems == []


@xdg_only
def test_the_defaults_are_the_user_and_site_files(
    tmp_path: Path, user_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc-xdg"))
    write(tmp_path / "etc-xdg" / "postdesk" / "settings.json", {"database_url": TEAM_DB})
    write(user_folders / "config" / "postdesk" / "settings.json", {"grammar_mode": "off"})
    assert load_layered().settings == Settings(database_url=TEAM_DB, grammar_mode="off")


@xdg_only
def test_the_first_site_folder_with_a_file_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "session", tmp_path / "etc-xdg"
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    assert site_settings_candidates() == [
        first / "postdesk" / "settings.json",
        second / "postdesk" / "settings.json",
    ]
    # None exists: the system-wide one (the last) is where an IT team creates it.
    assert site_settings_path() == second / "postdesk" / "settings.json"
    write(second / "postdesk" / "settings.json", {})
    assert site_settings_path() == second / "postdesk" / "settings.json"
    write(first / "postdesk" / "settings.json", {})
    assert site_settings_path() == first / "postdesk" / "settings.json"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux paths")
def test_on_linux_the_site_file_is_in_etc_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    assert site_settings_path() == Path("/etc/xdg/postdesk/settings.json")


def test_an_environment_variable_names_another_site_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = write(tmp_path / "share" / "postdesk.json", {"languagetool_url": TEAM_LT})
    monkeypatch.setenv(SITE_SETTINGS_ENV, str(share))
    assert site_settings_path() == share
    assert load_layered(tmp_path / "no-user.json").settings.languagetool_url == TEAM_LT


def test_election_periods_from_both_files_add_up(files: tuple[Path, Path]) -> None:
    from datetime import date

    user, site = files
    write(site, {"election_periods": [["2026-04-01", "2026-05-07"]]})
    # A user's empty list cannot lift the site's period; their own one is added.
    write(user, {"election_periods": []})
    assert load_layered(user, site).settings.election_periods == (
        (date(2026, 4, 1), date(2026, 5, 7)),
    )
    write(user, {"election_periods": [["2026-04-01", "2026-05-07"], ["2027-01-01", "2027-01-02"]]})
    assert load_layered(user, site).settings.election_periods == (
        (date(2026, 4, 1), date(2026, 5, 7)),
        (date(2027, 1, 1), date(2027, 1, 2)),
    )


def test_shortcuts_merge_action_by_action(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"shortcuts": {"help.palette": ["Ctrl+Shift+P"], "file.new": ["Ctrl+Alt+N"]}})
    write(user, {"shortcuts": {"file.new": [], "findings.next": ["F9"]}})
    loaded = load_layered(user, site)
    assert loaded.settings.shortcuts == {
        "help.palette": ["Ctrl+Shift+P"],
        "file.new": [],
        "findings.next": ["F9"],
    }
    assert loaded.problems == []


def test_a_bad_site_shortcut_is_reported_and_the_rest_kept(files: tuple[Path, Path]) -> None:
    user, site = files
    write(site, {"shortcuts": {"help.palette": "Ctrl+K", "file.new": ["Ctrl+Alt+N"]}})
    loaded = load_layered(user, site)
    assert loaded.settings.shortcuts == {"file.new": ["Ctrl+Alt+N"]}
    assert len(loaded.problems) == 1
    assert str(site) in loaded.problems[0]
    assert "help.palette" in loaded.problems[0]
