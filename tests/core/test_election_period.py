"""Election periods from the settings reach the policy engine, and its cache follows them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from postdesk import settings
from postdesk.analysis.channels import Channel
from postdesk.analysis.report import add_election_periods, analyse, default_policy
from postdesk.policy import PolicyEngine, RuleKind, load_default_pack

PACKS = Path(__file__).resolve().parents[1] / "data" / "policy_packs"
SPRING = (date(2026, 4, 1), date(2026, 5, 7))
POST = "Bins are collected on Tuesday this week."


pytestmark = pytest.mark.usefixtures("fresh_policy")


def election_findings(text: str, day: date, *, essential: bool = False) -> list[str]:
    findings = analyse(text, [Channel.X], today=day, essential=essential).findings
    return [f.message for f in findings if f.rule == "election-period"]


def windows(engine: PolicyEngine) -> list[str | None]:
    return [info.note for info in engine.rules() if info.kind is RuleKind.DATE_WINDOW]


def test_the_settings_period_blocks_posts_that_are_not_essential() -> None:
    assert election_findings(POST, date(2026, 4, 20)) == []
    settings.save(settings.Settings(election_periods=(SPRING,)))
    during = election_findings(POST, date(2026, 4, 20))
    assert during == [
        "Election period (1 April 2026 to 7 May 2026): only essential posts, such as service "
        "disruption or public safety, may go out. Mark the post as essential, with a reason, "
        "or hold it until after polling day."
    ]
    assert election_findings(POST, date(2026, 4, 20), essential=True) == []
    assert election_findings(POST, date(2026, 5, 8)) == []
    assert election_findings(POST, date(2026, 3, 31)) == []
    # Both days are in the period.
    assert len(election_findings(POST, SPRING[0])) == 1
    assert len(election_findings(POST, SPRING[1])) == 1
    # Party-political words are flagged in every post, essential or not.
    political = election_findings("Vote for us.", date(2026, 4, 20), essential=True)
    assert len(political) == 1
    assert "Vote for" in political[0]


def test_a_save_is_noticed_without_clearing_the_cache() -> None:
    first = default_policy()
    assert default_policy() is first
    # A save that changes nothing the engine reads keeps the engine (and its caches).
    settings.save(settings.Settings(shortcuts={"help.palette": ["Ctrl+Shift+K"]}))
    assert default_policy() is first
    settings.save(settings.Settings(election_periods=(SPRING,)))
    second = default_policy()
    assert second is not first
    assert windows(second) == ["from 2026-04-01 to 2026-05-07"]
    settings.save(settings.Settings())
    assert windows(default_policy()) == ["needs dates: [election] start and end"]


def test_the_packs_own_dates_stay_and_periods_are_merged() -> None:
    pack = PACKS / "department-good.toml"  # [election] 2026-03-30 to 2026-05-07
    settings.save(
        settings.Settings(
            rule_pack_path=str(pack),
            election_periods=(
                (date(2026, 5, 8), date(2026, 5, 10)),  # the day after the pack's: joined
                (date(2026, 12, 1), date(2026, 12, 3)),
                (date(2026, 12, 2), date(2026, 12, 9)),  # overlaps the one before
            ),
        )
    )
    assert windows(default_policy()) == [
        "from 2026-03-30 to 2026-05-10",
        "from 2026-12-01 to 2026-12-09",
    ]
    # One finding on a day, naming the whole (joined) period.
    assert election_findings(POST, date(2026, 5, 9)) == [
        "Election period (30 March 2026 to 10 May 2026): only essential posts, such as service "
        "disruption or public safety, may go out. Mark the post as essential, with a reason, "
        "or hold it until after polling day."
    ]
    assert len(election_findings(POST, date(2026, 12, 5))) == 1
    assert election_findings(POST, date(2026, 11, 30)) == []


def test_a_pack_that_switches_the_rule_off_keeps_it_off() -> None:
    from dataclasses import replace

    pack = load_default_pack()
    off = tuple(
        replace(rule, enabled=False) if rule.kind is RuleKind.DATE_WINDOW else rule
        for rule in pack.rules
    )
    engine = PolicyEngine(replace(pack, rules=off))
    add_election_periods(engine, [SPRING])
    text = "Bins are collected on Tuesday."
    assert "election-period" not in [f.rule for f in engine.check(text, today=date(2026, 4, 2))]


def test_no_periods_leave_the_engine_alone() -> None:
    engine = PolicyEngine()
    pack = engine.pack
    add_election_periods(engine, [])
    add_election_periods(engine, [(date(2026, 5, 7), date(2026, 4, 1))])  # end before start
    assert engine.pack is pack


def test_the_engine_says_when_an_election_period_is_on() -> None:
    assert default_policy().election_period_on(date(2026, 4, 20)) is False
    settings.save(settings.Settings(election_periods=(SPRING,)))
    engine = default_policy()
    assert engine.election_period_on(date(2026, 4, 20)) is True
    assert engine.election_period_on(SPRING[0]) is True
    assert engine.election_period_on(SPRING[1]) is True
    assert engine.election_period_on(date(2026, 5, 8)) is False
    assert engine.election_period_on(date(2026, 3, 31)) is False
