"""One AnalysisReport for a draft: lengths per channel, readability, findings and grammar.

`analyse` is the pure pipeline behind the editor's panels and `postdesk check`. Grammar
is not run here: it is slow and runs in the background (`GrammarService`); its result is
passed in when there is one, and the report says when there is not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from postdesk import settings
from postdesk.analysis.channels import DEFAULT_MASTODON, Channel, MastodonServer
from postdesk.analysis.counting import ChannelCount, count_all, length_findings
from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.grammar import GrammarResult
from postdesk.analysis.plain_english import passive_voice_findings, plain_english_findings
from postdesk.analysis.readability import ReadabilityReport, readability, readability_findings
from postdesk.analysis.threads import thread_findings, thread_lengths
from postdesk.settings import ElectionPeriod

if TYPE_CHECKING:
    from postdesk.policy import PolicyEngine

__all__ = [
    "ALL_CHANNELS",
    "AnalysisReport",
    "add_election_periods",
    "analyse",
    "default_policy",
]

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
        threads: for a post to go out as a thread, the number of posts on each channel it
            does not fit in one (empty when it fits everywhere or is not a thread).
    """

    counts: dict[Channel, ChannelCount]
    readability: ReadabilityReport
    findings: tuple[Finding, ...]
    grammar: GrammarResult | None = None
    threads: dict[Channel, int] = field(default_factory=dict)

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
                    "thread_posts": self.threads.get(channel),
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
    as_thread: bool = False,
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
        as_thread: the author chose to post a long text as a thread: where a channel has
            threads, being over its limit is information ("a thread of 3"), not a block.
        today: the date the election-period window is checked against (default: today).
    """
    counts = count_all(text, channels, mastodon=mastodon, content_warning=content_warning)
    threads = (
        thread_lengths(text, counts.values(), mastodon=mastodon, content_warning=content_warning)
        if as_thread
        else {}
    )
    scores = readability(text)
    others = [
        *length_findings(text, counts.values(), threaded=threads),
        *thread_findings(text, threads),
        *readability_findings(scores, text),
        *plain_english_findings(text),
        *passive_voice_findings(text),
        *(grammar.findings if grammar is not None else ()),
    ]
    engine = policy if policy is not None else default_policy()
    findings = engine.run(text, others, essential=essential, today=today)
    findings.sort(key=lambda f: (f.start, f.level.rank, f.end, f.rule))
    return AnalysisReport(counts, scores, tuple(findings), grammar, threads)


class _DefaultPolicy:
    """The pack in force, built once and rebuilt only when the settings it reads change.

    It is the department pack the settings name (merged over the UK public-sector pack),
    or the UK pack alone, with the election periods the settings add. A department pack
    that cannot be used is logged with its file, line and field, and the UK pack is used.

    Called on every analysis, so it never reads the settings files on the way: it
    rereads them only when this process has saved settings since (`settings.generation`)
    and rebuilds only when the rule pack or the election periods differ. Files changed by
    another program apply from the next start, or after `cache_clear`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: PolicyEngine | None = None
        self._inputs: tuple[str | None, tuple[ElectionPeriod, ...]] | None = None
        self._generation = -1

    def __call__(self) -> PolicyEngine:
        """The engine for the settings in force."""
        generation = settings.generation()
        engine = self._engine
        if engine is not None and self._generation == generation:
            return engine
        with self._lock:
            if self._engine is None or self._generation != generation:
                from postdesk import site_settings

                # The generation is read before the files: a save during the build
                # leaves a newer generation, so the next call looks again.
                chosen = site_settings.load_layered().settings
                inputs = (chosen.rule_pack_path, chosen.election_periods)
                if self._engine is None or inputs != self._inputs:
                    self._engine = _build_policy(*inputs)
                    self._inputs = inputs
                self._generation = generation
            return self._engine

    def cache_clear(self) -> None:
        """Forget the engine: the next call reads the settings and builds it again."""
        with self._lock:
            self._engine = None
            self._inputs = None
            self._generation = -1


default_policy = _DefaultPolicy()


def _build_policy(
    pack_path: str | None, election_periods: Iterable[ElectionPeriod]
) -> PolicyEngine:
    from postdesk.policy import PackError, PolicyEngine

    engine: PolicyEngine | None = None
    if pack_path:
        try:
            engine = PolicyEngine(pack_path=pack_path)
        except (PackError, OSError) as exc:
            logger.error("Department rule pack not used: %s", exc)
    engine = engine or PolicyEngine()
    add_election_periods(engine, election_periods)
    return engine


def add_election_periods(engine: PolicyEngine, periods: Iterable[ElectionPeriod]) -> None:
    """Put the settings' election periods into the engine's election-period rule.

    The pack's own ``[election]`` dates stay; the periods add to them. The rule checks
    one window, so each window becomes a copy of the rule (same id, same messages) with
    its own dates; overlapping or touching periods are merged first, so no day is in two
    windows and a post gets one finding, naming the whole period. A pack that switches
    the rule off keeps it off.

    Args:
        engine: the engine to change (its pack is swapped as a whole).
        periods: (first day, last day) pairs, both days included; end before start
            is ignored (settings validation already refuses it).
    """
    from dataclasses import replace

    from postdesk.policy import RuleKind
    from postdesk.policy.rules.date_window import window_of, with_window

    added = [(start, end) for start, end in periods if start <= end]
    if not added:
        return
    pack = engine.pack
    rules = []
    for rule in pack.rules:
        if rule.kind is not RuleKind.DATE_WINDOW:
            rules.append(rule)
            continue
        own = window_of(rule)
        windows = _merged([*([own] if own else []), *added])
        rules.extend(
            replace(rule, params=with_window(rule.params, start, end)) for start, end in windows
        )
    engine.set_pack(replace(pack, rules=tuple(rules)))


def _merged(periods: Iterable[ElectionPeriod]) -> list[ElectionPeriod]:
    """The periods sorted, with overlapping and back-to-back ones joined."""
    joined: list[ElectionPeriod] = []
    for start, end in sorted(periods):
        if joined and start <= joined[-1][1] + timedelta(days=1):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _grammar_json(grammar: GrammarResult | None) -> dict[str, Any]:
    if grammar is None:
        return {"engine": "none", "available": False, "note": "Grammar was not checked."}
    return {"engine": grammar.engine, "available": grammar.available, "note": grammar.note}
