"""Settings: typed, versioned, and a bad file never stops PostDesk from starting."""

from __future__ import annotations

import json
from datetime import date
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


# -- version 2: shortcuts and election periods ----------------------------------------------

ELECTION = (date(2026, 4, 1), date(2026, 5, 7))


def test_shortcuts_and_election_periods_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = Settings(
        shortcuts={"help.palette": ["Ctrl+Shift+K"], "findings.next": []},
        election_periods=(ELECTION, (date(2027, 1, 3), date(2027, 1, 3))),
    )
    settings.save(chosen, path)
    written = json.loads(path.read_text())
    assert written["election_periods"] == [["2026-04-01", "2026-05-07"], ["2027-01-03"] * 2]
    assert written["shortcuts"] == {"findings.next": [], "help.palette": ["Ctrl+Shift+K"]}
    loaded = settings.load(path)
    assert loaded.settings == chosen
    assert loaded.problems == []
    assert loaded.given == {"database_url", "grammar_mode", "languagetool_url"} | {
        "rule_pack_path",
        "shortcuts",
        "election_periods",
    }


def test_a_version_1_file_is_read_and_saved_as_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    version_1 = {
        "version": 1,
        "database_url": None,
        "grammar_mode": "off",
        "languagetool_url": None,
        "rule_pack_path": "/etc/postdesk/department.toml",
    }
    path.write_text(json.dumps(version_1, indent=2))
    loaded = settings.load(path)
    assert loaded.problems == []
    assert loaded.settings == Settings(
        grammar_mode="off", rule_pack_path="/etc/postdesk/department.toml"
    )
    assert loaded.settings.version == SETTINGS_VERSION == 2
    settings.save(loaded.settings, path)
    rewritten = json.loads(path.read_text())
    assert rewritten["version"] == 2
    assert {k: rewritten[k] for k in version_1 if k != "version"} == {
        k: v for k, v in version_1.items() if k != "version"
    }


def test_a_file_without_a_version_reads_as_version_1(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"grammar_mode": "off"}))
    assert settings.load(path) == settings.LoadedSettings(
        Settings(grammar_mode="off"), [], frozenset({"grammar_mode"})
    )
    path.write_text(json.dumps({"version": "two", "grammar_mode": "off"}))
    loaded = settings.load(path)
    assert loaded.settings.grammar_mode == "off"
    assert any("'version'" in p for p in loaded.problems)


def test_bad_shortcut_entries_are_dropped_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "shortcuts": {
                    "help.palette": ["Ctrl+Shift+K"],
                    "file.new": "Ctrl+N",  # not a list
                    "not an id": ["Ctrl+J"],
                    "file.save": ["Ctrl+\u202eS"],  # a direction override
                    "file.quit": [42],
                    "draft.history": ["a", "b", "c", "d", "e"],  # too many
                    "findings.next": [],
                }
            }
        )
    )
    loaded = settings.load(path)
    assert loaded.settings.shortcuts == {"help.palette": ["Ctrl+Shift+K"], "findings.next": []}
    assert len(loaded.problems) == 5
    assert all(str(path) in p and "shortcuts" in p for p in loaded.problems)
    assert "shortcuts" in loaded.given

    too_many: dict[str, list[str]] = {f"action.n{n}": [] for n in range(501)}
    bad: object
    for bad in ([["Ctrl+K"]], "Ctrl+K", None, too_many):
        path.write_text(json.dumps({"shortcuts": bad}))
        loaded = settings.load(path)
        assert loaded.settings.shortcuts == {}
        assert any("invalid value for 'shortcuts'" in p for p in loaded.problems)


def test_bad_election_periods_are_dropped_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "election_periods": [
                    ["2026-04-01", "2026-05-07"],
                    ["2026-05-07", "2026-04-01"],  # ends before it starts
                    ["2026-02-30", "2026-03-01"],  # no such day
                    ["20260401", "20260507"],  # not written as YYYY-MM-DD
                    ["\u0662\u0660\u0662\u0666-04-01", "2026-05-07"],  # Arabic-Indic digits
                    ["2026-04-01"],
                    "2026-04-01/2026-05-07",
                    ["2026-04-01", "2026-05-07"],  # a repeat: kept once
                ]
            }
        )
    )
    loaded = settings.load(path)
    assert loaded.settings.election_periods == (ELECTION,)
    assert len(loaded.problems) == 6
    assert (
        "election period 2: ends (2026-04-01) before it starts (2026-05-07)" in (loaded.problems[0])
    )
    for bad in ({"start": "2026-04-01"}, "2026-04-01", [["2026-01-01"] * 2] * 101):
        path.write_text(json.dumps({"election_periods": bad}))
        loaded = settings.load(path)
        assert loaded.settings.election_periods == ()
        assert any("invalid value for 'election_periods'" in p for p in loaded.problems)


def test_hostile_files_never_stop_the_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for raw in (
        "[" * 100_000 + "]" * 100_000,  # deeper than Python recurses
        '{"version": ' + "9" * 5000 + "}",  # a number too long to convert
        '{"shortcuts": {"file.new": ["\\ud800"]}}',  # a lone surrogate
        '{"election_periods": [["\\ud800", "2026-01-01"]]}',
    ):
        path.write_text(raw)
        loaded = settings.load(path)
        assert loaded.settings == Settings(), raw[:40]
        assert len(loaded.problems) == 1, raw[:40]


def test_saving_changes_the_generation(tmp_path: Path) -> None:
    before = settings.generation()
    settings.save(Settings(), tmp_path / "settings.json")
    assert settings.generation() == before + 1
