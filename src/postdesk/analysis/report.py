"""One AnalysisReport for a draft: lengths per channel, readability, findings and grammar.

`analyse` is the pure pipeline behind the editor's panels and `postdesk check`. Grammar
is not run here: it is slow and runs in the background (`GrammarService`); its result is
passed in when there is one, and the report says when there is not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from postdesk.analysis.channels import DEFAULT_MASTODON, Channel, MastodonServer
from postdesk.analysis.counting import ChannelCount, count_all, length_findings
from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.grammar import GrammarResult
from postdesk.analysis.plain_english import passive_voice_findings, plain_english_findings
from postdesk.analysis.readability import ReadabilityReport, readability, readability_findings

if TYPE_CHECKING:
    from postdesk.policy import PolicyEngine

__all__ = ["ALL_CHANNELS", "AnalysisReport", "analyse", "default_policy"]

logger = logging.getLogger(__name__)

ALL_CHANNELS: tuple[Channel, ...] = tuple(Channel)


@dataclass(frozen=True)
class AnalysisReport:
    """Everything PostDesk has to say about one text.

    Attributes:
        counts: the length on each selected channel, in the order selected.
        readability: reading ease, grade, reading age and per-sentence figures.
        findings: every finding, in text order (block before warn before info at a tie).
        grammar: the grammar checker's result, or None when it has not run for this text.
    """

    counts: dict[Channel, ChannelCount]
    readability: ReadabilityReport
    findings: tuple[Finding, ...]
    grammar: GrammarResult | None = None

    @property
    def blocked(self) -> bool:
        """Whether any finding is at block level: the draft cannot go for review."""
        return any(finding.level is Level.BLOCK for finding in self.findings)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of `postdesk check --json` (see README)."""
        return {
            "counts": {
                channel.value: {
                    "length": result.length,
                    "limit": result.limit,
                    "fits": result.fits,
                    "overflow_at": result.overflow_at,
                    "unit": result.unit.value,
                    "reasons": [reason.value for reason in result.reasons],
                    "measures": [
                        {"unit": m.unit.value, "length": m.length, "limit": m.limit}
                        for m in result.measures
                    ],
                }
                for channel, result in self.counts.items()
            },
            "readability": self.readability.to_json(),
            "findings": [finding.to_json() for finding in self.findings],
            "grammar": _grammar_json(self.grammar),
            "blocked": self.blocked,
        }


def analyse(
    text: str,
    channels: Iterable[Channel] = ALL_CHANNELS,
    *,
    mastodon: MastodonServer = DEFAULT_MASTODON,
    content_warning: str = "",
    grammar: GrammarResult | None = None,
    policy: PolicyEngine | None = None,
    essential: bool = False,
    today: date | None = None,
) -> AnalysisReport:
    """Analyse `text` for the given channels; never raises on any string.

    Args:
        text: the post as typed.
        channels: the channels it is for.
        mastodon: the limits of the Mastodon server it goes to.
        content_warning: Mastodon's content warning, which counts against its limit.
        grammar: a grammar result for exactly this text, if one is available.
        policy: the rule pack in force (default: the UK public-sector pack), which adds
            its own findings and sets the level of everyone else's.
        essential: the author marked the post essential (allowed in an election period).
        today: the date the election-period window is checked against (default: today).
    """
    counts = count_all(text, channels, mastodon=mastodon, content_warning=content_warning)
    scores = readability(text)
    others = [
        *length_findings(text, counts.values()),
        *readability_findings(scores, text),
        *plain_english_findings(text),
        *passive_voice_findings(text),
        *(grammar.findings if grammar is not None else ()),
    ]
    engine = policy if policy is not None else default_policy()
    findings = engine.run(text, others, essential=essential, today=today)
    findings.sort(key=lambda f: (f.start, f.level.rank, f.end, f.rule))
    return AnalysisReport(counts, scores, tuple(findings), grammar)


@cache
def default_policy() -> PolicyEngine:
    """The pack in force, loaded once per process: the department pack the settings name
    (merged over the UK public-sector pack), or the UK pack alone. A department pack that
    cannot be used is logged with its file, line and field, and the UK pack is used."""
    from postdesk import site_settings
    from postdesk.policy import PackError, PolicyEngine

    path = site_settings.load_layered().settings.rule_pack_path
    if path:
        try:
            return PolicyEngine(pack_path=path)
        except (PackError, OSError) as exc:
            logger.error("Department rule pack not used: %s", exc)
    return PolicyEngine()


def _grammar_json(grammar: GrammarResult | None) -> dict[str, Any]:
    if grammar is None:
        return {"engine": "none", "available": False, "note": "Grammar was not checked."}
    return {"engine": grammar.engine, "available": grammar.available, "note": grammar.note}
