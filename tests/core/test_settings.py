"""Settings: typed, versioned, and a bad file never stops PostDesk from starting."""

from __future__ import annotations

import json
from pathlib import Path

from postdesk import settings
from postdesk.settings import SETTINGS_VERSION, Settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    loaded = settings.load(tmp_path / "absent.json")
    assert loaded.settings == Settings()
    assert loaded.problems == []


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.json"
    chosen = Settings(database_url="postgresql+psycopg://team@db.example/postdesk")
    settings.save(chosen, path)
    assert settings.load(path).settings == chosen
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION


def test_default_path_is_in_the_user_config_folder(user_folders: Path) -> None:
    settings.save(Settings(database_url="sqlite:////tmp/x.sqlite3"))
    assert settings.settings_path() == user_folders / "config" / "postdesk" / "settings.json"
    assert settings.load().settings.database_url == "sqlite:////tmp/x.sqlite3"


def test_invalid_json_falls_back_to_defaults_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"database_url": "sqlite:///a",\n  oops}')
    loaded = settings.load(path)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1
    assert str(path) in loaded.problems[0]
    assert "line 2" in loaded.problems[0]


def test_bad_values_are_dropped_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"database_url": 42, "colour": "blue", "version": 1}))
    loaded = settings.load(path)
    assert loaded.settings == Settings()
    assert any("database_url" in p for p in loaded.problems)
    assert any("colour" in p for p in loaded.problems)

    path.write_text(json.dumps({"database_url": "sqlite:///kept.sqlite3", "colour": "blue"}))
    assert settings.load(path).settings.database_url == "sqlite:///kept.sqlite3"


def test_not_an_object_and_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]")
    assert settings.load(path).problems
    path.write_bytes(b"\xff\xfe\x00garbage")
    loaded = settings.load(path)
    assert loaded.settings == Settings()
    assert loaded.problems


def test_newer_file_is_read_as_far_as_understood(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 99, "database_url": "sqlite:///n.sqlite3", "new": 1}))
    loaded = settings.load(path)
    assert loaded.settings.database_url == "sqlite:///n.sqlite3"
    assert loaded.settings.version == SETTINGS_VERSION
    assert any("newer PostDesk" in p for p in loaded.problems)


def test_grammar_settings_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"grammar_mode": "server", "languagetool_url": "http://lt:8081"}))
    loaded = settings.load(path)
    assert loaded.settings.grammar_mode == "server"
    assert loaded.settings.languagetool_url == "http://lt:8081"
    assert loaded.problems == []

    path.write_text(json.dumps({"grammar_mode": "cloud"}))
    loaded = settings.load(path)
    assert loaded.settings.grammar_mode == Settings().grammar_mode
    assert any("grammar_mode" in p for p in loaded.problems)
