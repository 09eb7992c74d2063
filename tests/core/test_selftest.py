"""`postdesk --self-test` from a source install: passes here, and names what is broken."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postdesk import selftest
from postdesk.selftest import CHECK_NAMES, run_self_test
from postdesk.site_settings import SITE_SETTINGS_ENV

SELF_TEST = "from postdesk.selftest import run_self_test; raise SystemExit(run_self_test())"


def run_in_subprocess(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The autouse user_folders fixture has already pointed the XDG folders into tmp_path.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_changes}
    env.pop("POSTDESK_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", SELF_TEST],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def report_lines(output: str) -> dict[str, str]:
    """Check name -> its status (OK, FAIL or SKIP), from the report."""
    lines = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("OK", "FAIL", "SKIP") and parts[1] in CHECK_NAMES:
            lines[parts[1]] = parts[0]
    return lines


def assert_user_folders_untouched(user_folders: Path) -> None:
    for folder in ("data", "config", "state", "cache"):
        assert not (user_folders / folder / "postdesk").exists(), folder


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="opens the Qt window")
def test_the_self_test_passes_from_a_source_install(user_folders: Path) -> None:
    result = run_in_subprocess({})
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = report_lines(result.stdout)
    assert list(statuses) == list(CHECK_NAMES)
    # Policy checks are optional in a build; everything else must pass.
    assert all(status == "OK" for name, status in statuses.items() if name != "policy"), (
        result.stdout
    )
    assert statuses["policy"] in ("OK", "SKIP")
    assert result.stdout.splitlines()[0].startswith("PostDesk ")
    assert result.stdout.splitlines()[-1].startswith("Self-test passed in ")
    assert_user_folders_untouched(user_folders)


@pytest.mark.slow
def test_a_broken_spelling_library_fails_the_self_test_and_is_named(
    tmp_path: Path, user_folders: Path
) -> None:
    not_a_library = tmp_path / "libenchant-2.so.2"
    not_a_library.write_bytes(b"")
    result = run_in_subprocess({"PYENCHANT_LIBRARY_PATH": str(not_a_library)})
    assert result.returncode == 1, result.stdout + result.stderr
    statuses = report_lines(result.stdout)
    assert statuses["spelling"] == "FAIL"
    assert statuses["database"] == "OK"  # the rest still ran
    spelling_line = next(line for line in result.stdout.splitlines() if " spelling " in line)
    assert "enchant spelling library is not installed" in spelling_line
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Self-test FAILED")
    assert "spelling" in last
    assert_user_folders_untouched(user_folders)


def test_a_missing_dictionary_fails_and_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from postdesk.analysis import spelling

    monkeypatch.setattr(
        spelling, "_load_dictionary", lambda language: f"no {language} spelling dictionary"
    )
    out = io.StringIO()
    assert run_self_test(stream=out, only=["spelling"]) == 1
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("FAIL spelling")
    assert "no en_GB spelling dictionary" in lines[1]
    assert lines[-1].startswith("Self-test FAILED")
    assert lines[-1].split(":")[1].split(".")[0].strip() == "spelling"


def test_the_database_check_uses_a_temporary_database(user_folders: Path) -> None:
    out = io.StringIO()
    assert run_self_test(stream=out, only=["database"]) == 0, out.getvalue()
    assert "OK   database" in out.getvalue()
    assert "draft saved and read back" in out.getvalue()
    assert_user_folders_untouched(user_folders)


def test_the_editor_check_is_skipped_without_the_window_and_database() -> None:
    out = io.StringIO()
    assert run_self_test(stream=out, only=["editor"]) == 0
    assert out.getvalue().splitlines()[1].startswith("SKIP editor")


def test_an_unexpected_error_is_a_failure_with_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_ctx: object) -> str:
        raise KeyError("cacert.pem")

    monkeypatch.setattr(
        selftest,
        "CHECKS",
        tuple((name, boom if name == "https" else check) for name, check in selftest.CHECKS),
    )
    out = io.StringIO()
    assert run_self_test(stream=out, only=["https"]) == 1
    assert "FAIL https" in out.getvalue()
    assert "KeyError: 'cacert.pem'" in out.getvalue()


def test_no_standard_output_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Windows GUI executable has no sys.stdout: the exit status still tells.
    monkeypatch.setattr(sys, "stdout", None)
    assert run_self_test(only=["https"]) == 0


def test_unknown_check_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown checks: spellling"):
        run_self_test(stream=io.StringIO(), only=["spellling"])


def write_site_settings(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_settings_check_reports_what_an_it_team_preset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "department.toml"
    pack.write_text('[pack]\nname = "Example Council"\n', encoding="utf-8")
    site = write_site_settings(
        tmp_path / "site.json",
        {
            "database_url": "postgresql+psycopg://alice:secret@db.example.gov.uk/postdesk",
            "grammar_mode": "server",
            "languagetool_url": "https://lt:pw@languagetool.example.gov.uk/",
            "rule_pack_path": str(pack),
        },
    )
    monkeypatch.setenv(SITE_SETTINGS_ENV, str(site))
    out = io.StringIO()
    assert run_self_test(stream=out, only=["settings"]) == 0, out.getvalue()
    line = out.getvalue().splitlines()[1]
    assert line.startswith("OK   settings")
    assert str(site) in line
    assert "db.example.gov.uk" in line
    assert "secret" not in line  # passwords are never shown
    assert "pw@" not in line
    assert f"rule pack {pack}" in line


def test_a_broken_department_pack_fails_the_settings_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "department.toml"
    pack.write_text("[pack\n", encoding="utf-8")
    site = write_site_settings(tmp_path / "site.json", {"rule_pack_path": str(pack)})
    monkeypatch.setenv(SITE_SETTINGS_ENV, str(site))
    out = io.StringIO()
    assert run_self_test(stream=out, only=["settings"]) == 1
    line = out.getvalue().splitlines()[1]
    assert line.startswith("FAIL settings")
    assert f"{pack}:1" in line


def test_a_bad_site_file_fails_the_settings_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site.json"
    site.write_text("{", encoding="utf-8")
    monkeypatch.setenv(SITE_SETTINGS_ENV, str(site))
    out = io.StringIO()
    assert run_self_test(stream=out, only=["settings"]) == 1
    assert f"{site} is not valid JSON" in out.getvalue()
