"""Precision and recall of the policy checks, per rule, over the labelled corpus.

The corpus (``tests/data/policy_corpus.jsonl``) is a set of realistic UK public-sector
posts, about half clean and half with known problems. Each line is::

    {"id": "...", "text": "...",
     "expected": [{"rule": "personal-data", "match": "07700 900461"}, ...],
     "context": {"essential": false, "today": "2026-04-15",
                 "channels": ["x"], "pack": {...department pack tables...}}}

``match`` is the exact text a finding must cover; when the same text appears more
than once, ``occurrence`` (1-based) says which, and otherwise identical entries take
the occurrences in order. ``context`` is optional: ``pack`` is merged over the default
pack as a department pack would be, ``today`` defaults to 2 March 2026 (outside any
election period in the corpus), and ``channels`` (for ``over-limit``) to X.

Scoring, per rule: a finding is a true positive when its span covers an expected match
of the same rule in the same post, else a false positive; an expected match is found
when some finding of its rule covers it. Findings of other checkers count under the
pack rule that governs them (``length-x`` under ``over-limit``). ``sentence-length``
comes from the readability engine and ``over-limit`` from the counting engine, both
passed through `PolicyEngine.run` as the analysis pipeline does.

Run ``python -m tests.core.policy_metrics`` (``-v`` lists every miss and false alarm;
``--timing`` adds the median and p99 of the policy pass after one-character edits).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from postdesk.analysis.findings import Finding
from postdesk.analysis.readability import readability, readability_findings
from postdesk.policy import PolicyEngine, RuleKind, load_default_pack, load_pack_data

CORPUS = Path(__file__).resolve().parent.parent / "data" / "policy_corpus.jsonl"
DEFAULT_TODAY = date(2026, 3, 2)
DEFAULT_CHANNELS = ("x",)


@dataclass
class RuleScore:
    """Counts for one rule over the corpus."""

    expected: int = 0
    found: int = 0
    true_positives: int = 0
    recalled: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def false_positives(self) -> int:
        return self.found - self.true_positives

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 1.0


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """Every post of the corpus."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def other_findings(text: str, channels: Iterable[str]) -> list[Finding]:
    """What the analysis engine adds: sentence length, and lengths per channel."""
    found = readability_findings(readability(text), text)
    try:
        from postdesk.analysis.channels import Channel
        from postdesk.analysis.counting import count_all, length_findings
    except ImportError:  # the counting engine is not there: over-limit is not scored
        return found
    counts = count_all(text, [Channel(channel) for channel in channels])
    return [*found, *length_findings(text, counts.values())]


def expected_spans(post: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Each expected match as (rule, start, end) in the post's text."""
    text: str = post["text"]
    taken: dict[str, int] = {}
    spans: list[tuple[str, int, int]] = []
    for item in post["expected"]:
        match: str = item["match"]
        occurrence = item.get("occurrence")
        if occurrence is None:
            occurrence = taken.get(f"{item['rule']}\0{match}", 0) + 1
        taken[f"{item['rule']}\0{match}"] = occurrence
        start = -1
        for _ in range(occurrence):
            start = text.find(match, start + 1)
            if start < 0:
                raise ValueError(f"{post['id']}: {match!r} (occurrence {occurrence}) not in text")
        spans.append((item["rule"], start, start + len(match)))
    return spans


def findings_for(post: dict[str, Any], engines: dict[str, PolicyEngine]) -> list[Finding]:
    """The policy pass's findings for one post, in its context."""
    context = post.get("context", {})
    pack_data = context.get("pack")
    key = json.dumps(pack_data, sort_keys=True)
    if key not in engines:
        pack = (
            load_pack_data(pack_data, f"corpus:{post['id']}") if pack_data else load_default_pack()
        )
        engines[key] = PolicyEngine(pack)
    engine = engines[key]
    today = date.fromisoformat(context["today"]) if "today" in context else DEFAULT_TODAY
    channels = context.get("channels", DEFAULT_CHANNELS)
    text: str = post["text"]
    return engine.run(
        text,
        other_findings(text, channels),
        essential=bool(context.get("essential", False)),
        today=today,
    )


def scored_rules() -> list[str]:
    """The rules scored: every automatic rule, plus the two produced elsewhere."""
    pack = load_default_pack()
    rules = [r.id for r in pack.rules if r.kind is not RuleKind.EXTERNAL]
    return [*rules, "sentence-length", "over-limit"]


def evaluate(corpus: list[dict[str, Any]] | None = None) -> dict[str, RuleScore]:
    """Precision and recall per rule over the corpus."""
    posts = corpus if corpus is not None else load_corpus()
    rules = scored_rules()
    scores = {rule: RuleScore() for rule in rules}
    engines: dict[str, PolicyEngine] = {}
    for post in posts:
        expected = expected_spans(post)
        engine_findings = findings_for(post, engines)
        engine = next(iter(engines.values())) if engines else PolicyEngine()
        text: str = post["text"]
        covered: set[int] = set()
        for finding in engine_findings:
            governing = engine.governing_rule(finding.rule)
            rule = governing.id if governing is not None else finding.rule
            if rule not in scores:
                continue
            score = scores[rule]
            score.found += 1
            hits = [
                index
                for index, (expected_rule, start, end) in enumerate(expected)
                if expected_rule == rule and finding.start <= start and end <= finding.end
            ]
            if hits:
                score.true_positives += 1
                covered.update(hits)
            else:
                snippet = text[finding.start : finding.end]
                score.false_alarms.append(f"{post['id']}: {snippet!r}")
        for index, (rule, start, end) in enumerate(expected):
            if rule not in scores:
                raise ValueError(f"{post['id']}: unknown rule {rule!r}")
            scores[rule].expected += 1
            if index in covered:
                scores[rule].recalled += 1
            else:
                scores[rule].misses.append(f"{post['id']}: {text[start:end]!r}")
    return scores


def table(scores: dict[str, RuleScore]) -> str:
    """The per-rule table, as Markdown."""
    rows = [
        "| rule | expected | found | true pos. | false pos. | missed | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rule, score in scores.items():
        rows.append(
            f"| `{rule}` | {score.expected} | {score.found} | {score.true_positives} | "
            f"{score.false_positives} | {score.expected - score.recalled} | "
            f"{score.precision:.2f} | {score.recall:.2f} |"
        )
    return "\n".join(rows)


# The analysis benchmark's paragraph (benchmarks/analysis.py), so the two are comparable.
BENCH_PARAGRAPH = (
    "Self Assessment tax returns for the 2025/26 tax year must reach HMRC by 31 January. "
    "You can file online at https://www.gov.uk/self-assessment-tax-returns and it takes "
    "about 20 minutes if you have your records ready. We will utilise your feedback in "
    "order to improve the service. Applications were reviewed by a panel of residents "
    "last month \U0001f469\u200d\U0001f4bb. Find out more from @HMRCgovuk or call 0300 200 3310.\n"
)


def edit_timings(size: int = 3_000, edits: int = 400, seed: int = 1) -> list[float]:
    """Milliseconds for the policy pass after each of `edits` one-character edits.

    As in the editor: the engine and dictionary are warmed up first, the text is
    checked once, then each random insertion or deletion is checked in turn.
    """
    from postdesk.analysis.readability import warm_up

    warm_up()
    engine = PolicyEngine()
    engine.warm_up()
    rng = random.Random(seed)
    text = (BENCH_PARAGRAPH * (size // len(BENCH_PARAGRAPH) + 1))[:size]
    engine.check(text)
    times: list[float] = []
    for _ in range(edits):
        at = rng.randrange(len(text))
        if rng.random() < 0.5:
            text = text[:at] + rng.choice("abcdefghij ,.") + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
        started = time.perf_counter()
        engine.check(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def timing_report(sizes: Iterable[int] = (280, 3_000, 60_000), edits: int = 400) -> str:
    """Median and p99 of the policy pass after one-character edits, per text size."""
    lines = ["| characters | median ms | p99 ms |", "|---:|---:|---:|"]
    for size in sizes:
        times = edit_timings(size, edits if size <= 3_000 else max(50, edits // 8))
        p99 = statistics.quantiles(times, n=100)[98]
        lines.append(f"| {size:,} | {statistics.median(times):.2f} | {p99:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the per-rule table (and, with -v, every miss and false alarm)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms")
    parser.add_argument("--timing", action="store_true", help="also time one-character edits")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    clean = sum(1 for post in corpus if not post["expected"])
    scores = evaluate(corpus)
    out = sys.stdout
    out.write(f"{len(corpus)} posts: {clean} clean, {len(corpus) - clean} with known problems\n\n")
    out.write(table(scores) + "\n")
    if args.verbose:
        for rule, score in scores.items():
            for miss in score.misses:
                out.write(f"MISSED      {rule}: {miss}\n")
            for alarm in score.false_alarms:
                out.write(f"FALSE ALARM {rule}: {alarm}\n")
    if args.timing:
        out.write("\nPolicy pass after one-character edits (check only; warmed up):\n\n")
        out.write(timing_report() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
