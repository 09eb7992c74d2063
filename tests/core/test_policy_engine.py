"""The policy engine: configuring other checkers' findings, the one-call pass, limits."""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import pytest

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.readability import readability, readability_findings
from postdesk.policy import (
    MAX_FINDINGS_PER_RULE,
    PackError,
    PackProblem,
    PolicyEngine,
    RuleKind,
    load_default_pack,
    load_pack,
    load_pack_data,
    load_pack_text,
)
from postdesk.policy.model import Pack
from postdesk.policy.rules.base import Checkers, KindSpec
from postdesk.policy.rules.pattern import PATTERN_TIMEOUT_SECONDS

PACKS = Path(__file__).resolve().parent.parent / "data" / "policy_packs"
LONG_SENTENCE = (
    "Residents who want to take part in the consultation on the future of the town "
    "centre, including plans for new housing, a market hall and improved bus links, can "
    "fill in the online survey or come to a drop-in event."
)


def _finding(rule: str, level: Level = Level.WARN, start: int = 0, end: int = 1) -> Finding:
    return Finding(rule=rule, level=level, start=start, end=end, message="m")


# --- other checkers' findings ---------------------------------------------------------


def test_overrides_change_levels_and_drop_switched_off_rules() -> None:
    engine = PolicyEngine(load_pack(PACKS / "department-good.toml"))
    given = [
        _finding("length-x", Level.BLOCK),
        _finding("length-bluesky", Level.BLOCK),
        _finding("sentence-length", Level.WARN),
        _finding("latin-abbreviation", Level.WARN),  # switched off by the department
        _finding("grammar", Level.INFO),
        _finding("something-else", Level.WARN),
    ]
    out = engine.apply_overrides(given)
    assert [(f.rule, f.level) for f in out] == [
        ("length-x", Level.WARN),
        ("length-bluesky", Level.WARN),
        ("sentence-length", Level.INFO),
        ("grammar", Level.INFO),
        ("something-else", Level.WARN),
    ]
    assert out[0].source == "https://docs.x.com/fundamentals/counting-characters"


def test_a_department_can_switch_off_a_rule_produced_elsewhere() -> None:
    engine = PolicyEngine(
        load_pack_data({"pack": {"disable": ["sentence-length", "passive-voice"]}}, "x")
    )
    readability_out = readability_findings(readability(LONG_SENTENCE), LONG_SENTENCE)
    assert any(f.rule == "sentence-length" for f in readability_out)
    assert engine.apply_overrides(readability_out) == [
        f for f in readability_out if f.rule != "sentence-length"
    ]
    assert engine.apply_overrides([_finding("passive-voice")]) == []


def test_external_rules_without_a_level_keep_the_producers_level() -> None:
    engine = PolicyEngine()
    given = [_finding("plain-english", Level.INFO), _finding("plain-english", Level.WARN)]
    out = engine.apply_overrides(given)
    assert [f.level for f in out] == [Level.INFO, Level.WARN]
    assert all(f.source == "https://www.gov.uk/guidance/style-guide/a-to-z" for f in out)


def test_run_merges_sorts_and_prefers_the_packs_words_to_avoid() -> None:
    engine = PolicyEngine(
        load_pack_data(
            {"words": {"words-to-avoid": [{"phrase": "utilise", "suggestions": ["use"]}]}}, "x"
        )
    )
    text = "We will utilise the hall. " + LONG_SENTENCE
    plain = Finding("plain-english", Level.WARN, 8, 15, "GOV.UK list")
    others = [plain, *readability_findings(readability(text), text)]
    out = engine.run(text, others, today=date(2026, 3, 2))
    rules = [f.rule for f in out]
    assert "plain-english" not in rules  # the pack's own entry wins on the same words
    assert ("words-to-avoid", "utilise") in {(f.rule, text[f.start : f.end]) for f in out}
    assert "sentence-length" in rules
    assert out == sorted(out, key=lambda f: (f.start, f.level.rank, f.end, f.rule))


def test_run_marks_the_post_blocked_when_a_block_finding_exists() -> None:
    engine = PolicyEngine()
    assert engine.blocked(engine.run("Call me on 07700 900461."))
    assert not engine.blocked(engine.run("Bins are collected on Monday."))


def test_governing_rule_names_the_pack_rule() -> None:
    engine = PolicyEngine()
    governing = engine.governing_rule("length-mastodon")
    assert governing is not None
    assert governing.id == "over-limit"
    assert engine.governing_rule("no-such-thing") is None


# --- rules listing --------------------------------------------------------------------


def test_rules_lists_every_rule_and_sign_off_with_level_source_and_state() -> None:
    infos = {info.id: info for info in PolicyEngine().rules()}
    assert infos["personal-data"].level is Level.BLOCK
    assert infos["personal-data"].enabled
    assert infos["link-domain"].enabled is False
    assert "allow" in (infos["link-domain"].note or "")
    assert infos["election-period"].enabled is False
    assert infos["over-limit"].kind is RuleKind.EXTERNAL
    assert "length-*" in (infos["over-limit"].note or "")
    assert infos["alt-text"].kind is RuleKind.SIGN_OFF
    assert "author" in (infos["alt-text"].note or "")
    assert infos["profanity"].to_json()["level"] == "block"
    department = {i.id: i for i in PolicyEngine(load_pack(PACKS / "department-good.toml")).rules()}
    assert department["link-domain"].enabled
    assert department["election-period"].enabled
    assert department["election-period"].note == "from 2026-03-30 to 2026-05-07"
    assert department["case-reference"].origin.endswith("department-good.toml")


def test_election_window_is_exposed() -> None:
    assert PolicyEngine().election_window() is None
    engine = PolicyEngine(load_pack(PACKS / "department-good.toml"))
    assert engine.election_window() == (date(2026, 3, 30), date(2026, 5, 7))


# --- bad packs must not hang or crash the app -----------------------------------------


def test_catastrophic_pattern_is_time_boxed(caplog: pytest.LogCaptureFixture) -> None:
    engine = PolicyEngine(load_pack(PACKS / "catastrophic.toml"))
    text = "a" * 40 + "!"
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="postdesk.policy.rules.pattern"):
        found = [f for f in engine.check(text) if f.rule == "slow-pattern"]
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # the regular expression alone would run for days
    assert [(f.level, f.start, f.end) for f in found] == [(Level.INFO, 0, 0)]
    assert "took too long" in found[0].message
    assert "slow-pattern" in caplog.text
    assert PATTERN_TIMEOUT_SECONDS <= 0.05


def test_nested_quantifier_pattern_is_rejected_at_load() -> None:
    problems = list(
        load_pack_problems(
            '[[rules]]\nid = "x"\nkind = "pattern"\nlevel = "warn"\npatterns = [\'(a+)+$\']\n'
        )
    )
    assert problems
    assert problems[0].line == 5
    assert problems[0].field == "rules[x].patterns"


def load_pack_problems(text: str) -> list[PackProblem]:
    try:
        load_pack_text(text, "x.toml")
    except PackError as error:
        return list(error.problems)
    return []


def test_a_rule_that_crashes_fails_closed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from postdesk.policy import rules as rules_module

    original = rules_module.KINDS[RuleKind.PERSONAL_DATA]

    def broken_build(rule: object, pack: Pack) -> Checkers:
        def boom(data: object) -> list[Finding]:
            raise RuntimeError("bug")

        return Checkers(per_sentence=boom)

    monkeypatch.setitem(
        rules_module.KINDS,
        RuleKind.PERSONAL_DATA,
        KindSpec(original.kind, original.parse, broken_build, original.extend),
    )
    engine = PolicyEngine(load_default_pack())
    with caplog.at_level(logging.ERROR):
        found = [f for f in engine.check("hello") if f.rule == "personal-data"]
    assert [f.level for f in found] == [Level.BLOCK]
    assert "could not check" in found[0].message
    assert "personal-data failed" in caplog.text


def test_findings_per_rule_are_capped() -> None:
    text = " ".join(f"#Tag{i}" for i in range(1000))
    found = [f for f in PolicyEngine().check(text) if f.rule == "hashtag-count"]
    assert len(found) == MAX_FINDINGS_PER_RULE


def test_results_are_cached_but_the_date_and_essential_flag_count() -> None:
    engine = PolicyEngine(load_pack(PACKS / "department-good.toml"))
    text = "New play area open!"
    inside = engine.check(text, today=date(2026, 4, 1))
    assert any(f.rule == "election-period" for f in inside)
    assert engine.check(text, today=date(2026, 4, 1)) == inside
    assert engine.check(text, today=date(2026, 6, 1)) == []
    assert engine.check(text, today=date(2026, 4, 1), essential=True) == []


def test_sentence_cache_gives_the_same_answer_as_a_fresh_engine() -> None:
    engine = PolicyEngine()
    base = (
        "PLEASE NOTE: call 07700 900461. The ULEZ starts e.g. today. #staysafe\n"
        "Second line \u200b here."
    )
    engine.check(base)
    edited = base.replace("today", "tomorrow")
    assert engine.check(edited) == PolicyEngine().check(edited)
