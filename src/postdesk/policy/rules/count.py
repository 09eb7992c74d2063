"""Kind ``count``: at most N hashtags, emoji or links in a post.

Used by ``hashtag-count``, ``emoji-count`` and ``link-count``. Every item past the
limit gets its own finding (the third hashtag, the fourth emoji), so the editor
underlines exactly what to cut. Settings:

``item``
    ``"hashtag"``, ``"emoji"`` or ``"link"`` (see `postdesk.policy.features`).
``max``
    the most allowed; a department can change it under ``[limits]``.
``repeats``
    emoji only: also flag the same emoji twice or more in a row ("🎉🎉🎉", with or
    without spaces between), which a screen reader reads out every time. The whole
    run is one finding, and the count does not flag its emoji again.
``repeat_message``
    the message for a repeated run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["SPEC", "CountParams", "with_limit"]

_ITEMS = ("hashtag", "emoji", "link")
# Skin tones and presentation selectors do not make a different emoji for "repeated".
_EMOJI_VARIANTS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")


@dataclass(frozen=True)
class CountParams(RuleParams):
    """Settings of a ``count`` rule (see the module docstring)."""

    item: str
    max: int
    repeats: bool = False
    repeat_message: str = "The same emoji {count} times in a row: screen readers read each one."


def with_limit(params: RuleParams, limit: int) -> RuleParams:
    """The settings with a department's ``[limits]`` value."""
    assert isinstance(params, CountParams)
    return replace(params, max=limit)


def _parse(fields: Fields) -> CountParams:
    item = fields.choice("item", _ITEMS) or "hashtag"
    repeats = fields.boolean("repeats", False)
    if repeats and item != "emoji":
        fields.problem("repeats", "only applies to emoji")
    return CountParams(
        item=item,
        max=fields.integer("max", 2, minimum=0, maximum=1000),
        repeats=repeats,
        repeat_message=fields.string("repeat_message") or CountParams.repeat_message,
    )


def _items(data: CheckInput, item: str) -> list[tuple[int, int]]:
    if item == "hashtag":
        return data.hashtags
    if item == "emoji":
        return data.emoji
    return [(link.start, link.end) for link in data.links]


def _repeated_runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of the same emoji in a row, as (first index, last index) into `spans`."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(spans):
        first = _EMOJI_VARIANTS.sub("", text[spans[index][0] : spans[index][1]])
        last = index
        while last + 1 < len(spans):
            gap = text[spans[last][1] : spans[last + 1][0]]
            same = _EMOJI_VARIANTS.sub("", text[spans[last + 1][0] : spans[last + 1][1]]) == first
            if not same or (gap and not gap.isspace()) or len(gap) > 2:
                break
            last += 1
        if last > index:
            runs.append((index, last))
        index = last + 1
    return runs


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, CountParams)

    def check(data: CheckInput) -> list[Finding]:
        spans = _items(data, params.item)
        findings: list[Finding] = []
        covered: set[int] = set()
        if params.repeats:
            for first, last in _repeated_runs(data.text, spans):
                covered.update(range(first, last + 1))
                start, end, count = spans[first][0], spans[last][1], last - first + 1
                findings.append(
                    finding(
                        rule,
                        start,
                        end,
                        message=params.repeat_message,
                        match=data.text[start:end],
                        count=count,
                        max=params.max,
                    )
                )
        if len(spans) > params.max:
            for index in range(params.max, len(spans)):
                if index in covered:
                    continue
                start, end = spans[index]
                findings.append(
                    finding(
                        rule,
                        start,
                        end,
                        match=data.text[start:end],
                        count=len(spans),
                        max=params.max,
                    )
                )
        findings.sort(key=lambda f: f.start)
        return findings

    return Checkers(whole_text=check)


SPEC = KindSpec(
    kind=RuleKind.COUNT,
    parse=_parse,
    build=_build,
    default_message="{count} in this post: use at most {max}.",
)
