"""The one result shape every checker yields: readability, plain English, grammar and policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """How serious a finding is. `block` stops a draft being submitted or approved."""

    BLOCK = "block"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: block first."""
        return _RANK[self]


_RANK = {Level.BLOCK: 0, Level.WARN: 1, Level.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a checker noticed about a span of the text.

    Attributes:
        rule: a stable rule id, such as ``sentence-length`` or ``personal-data``.
        level: how serious it is.
        start: the first Python string index of the span (0 <= start <= end <= len(text)).
        end: one past the last index of the span.
        message: what is wrong, in plain English.
        suggestion: replacement text for the span, or None when there is none to offer.
        source: a link to the guidance behind the rule, or None.
    """

    rule: str
    level: Level
    start: int
    end: int
    message: str
    suggestion: str | None = None
    source: str | None = None
    # Every replacement on offer, best first (the grammar checker gives several); the
    # first is `suggestion`.
    suggestions: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of `postdesk check --json`."""
        return {
            "rule": self.rule,
            "level": self.level.value,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
            "source": self.source,
        }
