"""Kind ``date-window``: the election (pre-election) period set by an administrator.

Between ``start`` and ``end`` (both days included), a post is blocked unless its author
marks it as essential (the Cabinet Office and LGA guidance allow essential, factual
service information, such as a road closure, in the period), and party-political
terms are flagged in every post, essential or not. Outside the window, or with no
dates set, the rule finds nothing. Settings:

``start``, ``end``
    TOML dates (``2026-04-01``); a department sets them under ``[election]``.
``terms``
    the party-political words and phrases (whole words, any case).
``terms_message``
    the message for a party-political term; ``{match}`` is the term.

The rule's own ``message`` is for the whole-post finding, with ``{first_day}`` and
``{last_day}``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams, Term
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding
from postdesk.policy.rules.words import PhraseMatcher

__all__ = ["SPEC", "DateWindowParams", "window_of", "with_window"]


@dataclass(frozen=True)
class DateWindowParams(RuleParams):
    """Settings of a ``date-window`` rule (see the module docstring)."""

    start: date | None
    end: date | None
    terms: tuple[Term, ...] = ()
    terms_message: str = (
        "\u201c{match}\u201d is party-political: take it out during the election period."
    )


def window_of(rule: Rule) -> tuple[date, date] | None:
    """The rule's first and last day, when both are set."""
    params = rule.params
    if isinstance(params, DateWindowParams) and params.start and params.end:
        return params.start, params.end
    return None


def with_window(params: RuleParams, start: date | None, end: date | None) -> RuleParams:
    """The settings with a department's ``[election]`` dates."""
    assert isinstance(params, DateWindowParams)
    return replace(params, start=start, end=end)


def _parse(fields: Fields) -> DateWindowParams:
    start = fields.date("start")
    end = fields.date("end")
    if start and end and end < start:
        fields.problem("end", f"is before start ({start.isoformat()})")
    return DateWindowParams(
        start=start,
        end=end,
        terms=fields.terms("terms"),
        terms_message=fields.string("terms_message") or DateWindowParams.terms_message,
    )


def _extend(params: RuleParams, terms: tuple[Term, ...]) -> RuleParams:
    assert isinstance(params, DateWindowParams)
    return replace(params, terms=params.terms + terms)


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, DateWindowParams)
    matcher = PhraseMatcher(params.terms, case_sensitive=False, join=False)

    def check(data: CheckInput) -> list[Finding]:
        if params.start is None or params.end is None:
            return []
        if not params.start <= data.today <= params.end:
            return []
        findings: list[Finding] = []
        first_day, last_day = _day(params.start), _day(params.end)
        if not data.essential:
            findings.append(
                finding(rule, 0, len(data.text), first_day=first_day, last_day=last_day)
            )
        for start, end, _term in matcher.matches(data.masked):
            findings.append(
                finding(
                    rule,
                    start,
                    end,
                    message=params.terms_message,
                    match=data.text[start:end],
                    first_day=first_day,
                    last_day=last_day,
                )
            )
        return findings

    return Checkers(whole_text=check)


def _day(day: date) -> str:
    """A date as GOV.UK writes it: 7 May 2026."""
    return f"{day.day} {day:%B %Y}"


SPEC = KindSpec(
    kind=RuleKind.DATE_WINDOW,
    parse=_parse,
    build=_build,
    extend=_extend,
    default_message=(
        "Election period ({first_day} to {last_day}): only essential posts may go out. Mark the "
        "post as essential, with a reason, or hold it until after the period."
    ),
)
