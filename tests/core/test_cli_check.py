"""`postdesk check`, run as a real process: text, JSON and batch output, exit statuses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.fake_languagetool import FakeLanguageTool

CLEAN = "Apply for your blue badge online. It takes about 20 minutes.\n"
WORDY = "We will utilise the new service in order to help residents.\n"
TOO_LONG_FOR_X = "Council tax bills are on their way. " * 9  # 324 characters


def check(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postdesk", "check", *args],
        input=stdin.decode("latin-1"),
        capture_output=True,
        text=True,
        encoding="latin-1",
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


def _post(tmp_path: Path, text: str | bytes, name: str = "post.txt") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_readable_report_for_a_clean_post(tmp_path: Path) -> None:
    result = check(_post(tmp_path, CLEAN), "--grammar", "off")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(rf"X\s+{len(CLEAN)}/280\s+fits", out)
    assert re.search(rf"Instagram\s+{len(CLEAN)}/2200\s+fits", out)
    assert "Readability" in out
    assert "Findings (0)" in out
    assert "offline spelling only" in out


def test_plain_english_findings_are_listed_with_positions(tmp_path: Path) -> None:
    result = check(_post(tmp_path, WORDY), "--grammar", "off", "--channels", "x")
    assert result.returncode == 0
    assert "plain-english" in result.stdout
    assert "1:9" in result.stdout  # "utilise" starts at line 1, column 9
    assert "Suggestion: 'use'" in result.stdout


def test_over_the_limit_blocks_with_exit_status_1(tmp_path: Path) -> None:
    result = check(_post(tmp_path, TOO_LONG_FOR_X), "--grammar", "off", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["counts"]["x"]["fits"] is False
    assert report["counts"]["x"]["overflow_at"] == 280
    assert report["counts"]["bluesky"]["fits"] is False
    assert report["counts"]["mastodon"]["fits"] is True
    assert report["blocked"] is True
    assert any(f["level"] == "block" for f in report["findings"])


def test_as_a_thread_the_long_post_passes_where_the_channel_has_threads(tmp_path: Path) -> None:
    post = _post(tmp_path, TOO_LONG_FOR_X)
    result = check(post, "--grammar", "off", "--json", "--thread", "--channels", "x,bluesky")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["counts"]["x"]["thread_posts"] == 2
    assert report["blocked"] is False
    assert "Will post to X as a thread of 2." in [f["message"] for f in report["findings"]]


def test_json_has_the_documented_shape(tmp_path: Path) -> None:
    result = check(_post(tmp_path, WORDY), "--json", "--grammar", "off", "--channels", "x,bluesky")
    report = json.loads(result.stdout)
    assert set(report) >= {"counts", "readability", "findings", "grammar"}
    assert list(report["counts"]) == ["x", "bluesky"]
    assert set(report["counts"]["x"]) >= {"length", "limit", "fits", "overflow_at"}
    finding = report["findings"][0]
    assert set(finding) == {"rule", "level", "start", "end", "message", "suggestion", "source"}
    assert WORDY[finding["start"] : finding["end"]].lower() == "utilise"
    assert report["grammar"]["engine"] == "spelling"
    assert report["grammar"]["available"] is True
    assert {"flesch_reading_ease", "flesch_kincaid_grade", "reading_age", "approximate"} <= set(
        report["readability"]
    )


def test_standard_input(tmp_path: Path) -> None:
    result = check("-", "--json", "--grammar", "off", stdin=CLEAN.encode())
    assert result.returncode == 0
    assert json.loads(result.stdout)["counts"]["x"]["length"] == len(CLEAN)


def test_languagetool_server_from_the_command_line(tmp_path: Path) -> None:
    with FakeLanguageTool() as server:
        result = check(
            _post(tmp_path, "Thank you for teh feedback.\n"),
            "--json",
            "--languagetool-url",
            server.url,
            "--channels",
            "x",
        )
    report = json.loads(result.stdout)
    assert report["grammar"] == {"engine": "languagetool", "available": True, "note": None}
    spelling = [f for f in report["findings"] if f["rule"] == "spelling"]
    assert [(f["start"], f["end"], f["suggestion"]) for f in spelling] == [(14, 17, "the")]


def test_unreachable_languagetool_falls_back_and_says_so(tmp_path: Path) -> None:
    from tests.helpers.fake_languagetool import unused_local_url

    result = check(_post(tmp_path, CLEAN), "--json", "--languagetool-url", unused_local_url())
    grammar = json.loads(result.stdout)["grammar"]
    assert result.returncode == 0
    assert grammar["engine"] == "spelling"
    assert "could not be reached" in grammar["note"]


def test_batch_reports_each_line_with_its_id() -> None:
    lines = [
        {"id": "a1", "text": CLEAN},
        {"id": 2, "text": TOO_LONG_FOR_X, "channels": ["x"]},
        {"id": "a3", "text": WORDY, "channels": ["mastodon", "threads"]},
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines).encode()
    result = check("--batch", "--grammar", "off", stdin=stdin)
    assert result.returncode == 1  # the second post blocks
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in reports] == ["a1", 2, "a3"]
    assert list(reports[1]["counts"]) == ["x"]
    assert reports[1]["blocked"] is True
    assert list(reports[2]["counts"]) == ["mastodon", "threads"]


def test_batch_reports_bad_lines_and_carries_on() -> None:
    stdin = (
        b'{"id": 1, "text": "Fine."}\nnot json\n{"id": 3}\n\xff\xfe\n'
        b'{"id": 5, "text": "Also fine."}\n'
    )
    result = check("--batch", "--grammar", "off", stdin=stdin)
    assert result.returncode == 2
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in reports] == [1, None, 3, None, 5]
    assert "not JSON" in reports[1]["error"]
    assert "text" in reports[2]["error"]
    assert "not UTF-8" in reports[3]["error"]
    assert "counts" in reports[4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/post.txt"], "cannot read /nonexistent/post.txt"),
        (["--channels", "x,myspace", "-"], "unknown channel myspace"),
        ([], "give a FILE"),
        (["--grammar", "server", "-"], "needs --languagetool-url"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = check(*args, "--grammar", "off") if "--grammar" not in args else check(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_text_that_is_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    result = check(_post(tmp_path, b"Caf\xe9 opening hours\n"), "--grammar", "off")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"postdesk check: {tmp_path / 'post.txt'} is not UTF-8 text (byte 0xe9 at offset 3)"
    )


def test_odd_unicode_never_crashes(tmp_path: Path) -> None:
    nasty = "a\x00b \u202eevil\u202c 👩\u200d👩\u200d👧 e" + "\u0301" * 3000 + " \r\nend\ufeff"
    result = check(_post(tmp_path, nasty), "--json", "--grammar", "off")
    assert result.returncode == 1  # X refuses U+FEFF: a block finding
    report = json.loads(result.stdout)
    for finding in report["findings"]:
        assert 0 <= finding["start"] <= finding["end"] <= len(nasty)


PACKS = Path(__file__).resolve().parents[1] / "data" / "policy_packs"


def test_policy_findings_are_part_of_the_check(tmp_path: Path) -> None:
    text = "Email jo.bloggs@gmail.com about the new CLICK HERE to apply, eg online.\n"
    result = check(_post(tmp_path, text), "--json", "--grammar", "off", "--channels", "x")
    report = json.loads(result.stdout)
    rules = {f["rule"] for f in report["findings"]}
    assert {"personal-data", "latin-abbreviation"} <= rules
    assert result.returncode == 1  # personal data blocks


def test_rules_lists_ids_levels_and_sources() -> None:
    result = check("--rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    personal = next(line for line in lines if line.startswith("personal-data "))
    assert personal.split()[1] == "block"
    assert "ico.org.uk" in personal
    assert any(line.startswith("over-limit ") for line in lines)


def test_pack_validation_reports_every_problem_with_file_and_line() -> None:
    bad = PACKS / "bad-many.toml"
    result = check("--pack", str(bad))
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith(str(bad) + ":")]
    assert len(problems) >= 10
    assert f"{bad}:7: levels.hashtag-count:" in result.stdout
    good = check("--pack", str(PACKS / "department-good.toml"))
    assert good.returncode == 0
    assert good.stdout.strip().endswith(": OK")


def test_a_department_pack_changes_the_check(tmp_path: Path) -> None:
    pack = tmp_path / "dept.toml"
    pack.write_text('[words]\nembargo-term = ["Project Kestrel"]\n', encoding="utf-8")
    post = _post(tmp_path, "Funding for Project Kestrel announced today.\n")
    without = json.loads(check(post, "--json", "--grammar", "off").stdout)
    with_pack = check(post, "--json", "--grammar", "off", "--pack", str(pack))
    assert "embargo-term" not in {f["rule"] for f in without["findings"]}
    assert "embargo-term" in {f["rule"] for f in json.loads(with_pack.stdout)["findings"]}
    assert with_pack.returncode == 1
