"""The AnalysisReport: one pipeline behind the editor's panels and `postdesk check`."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postdesk.analysis.channels import Channel
from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.grammar import GrammarResult
from postdesk.analysis.report import analyse

WORDY = "We will utilise the new portal in order to help residents. It was launched by us."

PIECES = [
    "\x00", "\ud800", "\udfff", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\r\n",
    "\u0301", "👩‍👩‍👧‍👦", "🇬🇧", "https://gov.uk/x", "@user@example.org", "#Tag", ". ", "\n\n",
]  # fmt: skip
# Hostile text: random characters mixed with the pieces that break naive counters.
HOSTILE = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(PIECES)), max_size=40).map(
    "".join
)


def test_findings_come_in_text_order_with_block_first_at_a_tie() -> None:
    text = "x" * 300 + " utilise"
    report = analyse(text, [Channel.X])
    starts = [(f.start, f.level.rank) for f in report.findings]
    assert starts == sorted(starts)
    assert report.findings[0].rule == "over-limit"
    assert report.blocked


def test_plain_english_passive_and_counts_together() -> None:
    report = analyse(WORDY, [Channel.X, Channel.BLUESKY])
    rules = [f.rule for f in report.findings]
    assert rules.count("plain-english") == 2
    assert "passive-voice" in rules
    assert list(report.counts) == [Channel.X, Channel.BLUESKY]
    assert report.counts[Channel.X].length == len(WORDY)
    assert not report.blocked


def test_grammar_findings_are_merged_and_its_status_reported() -> None:
    spelling = Finding("spelling", Level.WARN, 3, 7, "Possible spelling mistake", "the")
    grammar = GrammarResult("languagetool", True, (spelling,), None)
    report = analyse("So teh plan is ready.", [Channel.X], grammar=grammar)
    assert spelling in report.findings
    assert report.to_json()["grammar"] == {
        "engine": "languagetool",
        "available": True,
        "note": None,
    }
    assert analyse("Fine.", [Channel.X]).to_json()["grammar"]["engine"] == "none"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_analysis_never_raises_and_every_offset_is_in_the_text(text: str) -> None:
    report = analyse(text)
    for finding in report.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
    for count in report.counts.values():
        assert count.length >= 0
        assert count.overflow_at is None or 0 <= count.overflow_at <= len(text)
    json.dumps(report.to_json())  # always serialisable, even with lone surrogates


def test_a_one_megabyte_paste_is_analysed() -> None:
    text = "Council tax is due. Pay online at https://www.gov.uk/pay-council-tax today. " * 14_000
    report = analyse(text)
    assert len(text) > 1_000_000
    assert report.blocked  # far over every limit
    assert report.counts[Channel.FACEBOOK].overflow_at is not None


def test_the_department_pack_in_the_settings_is_used(tmp_path, caplog) -> None:
    from postdesk import settings
    from postdesk.analysis.report import default_policy

    pack = tmp_path / "dept.toml"
    pack.write_text('[words]\nembargo-term = ["Project Kestrel"]\n', encoding="utf-8")
    settings.save(settings.Settings(rule_pack_path=str(pack)))
    default_policy.cache_clear()
    try:
        findings = analyse("Project Kestrel starts today.", [Channel.X]).findings
        assert "embargo-term" in [f.rule for f in findings]

        pack.write_text("[levels]\nno-such-rule = 'warn'\n", encoding="utf-8")
        default_policy.cache_clear()
        findings = analyse("Project Kestrel starts today.", [Channel.X]).findings
        assert "embargo-term" not in [f.rule for f in findings]  # the UK pack alone
        assert "Department rule pack not used" in caplog.text
        assert f"{pack}:2" in caplog.text
    finally:
        default_policy.cache_clear()
