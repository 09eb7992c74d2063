"""Kind ``external``: a rule whose findings another checker produces.

``sentence-length`` comes from the readability engine and ``over-limit`` from the
counting engine (as ``length-x``, ``length-bluesky``...). The pack cannot check these
itself, but it can configure them like any other rule: change their level, or switch
them off. ``applies_to`` lists the finding rule ids the rule governs (``*`` wildcards
allowed); the rule's own id is always included. With no ``level``, findings keep the
level their producer gave them.

`postdesk.policy.engine.PolicyEngine.apply_overrides` does the configuring.
"""

from __future__ import annotations

from dataclasses import dataclass

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec

__all__ = ["SPEC", "ExternalParams"]


@dataclass(frozen=True)
class ExternalParams(RuleParams):
    """An external rule has no settings of its own (``applies_to`` is on the rule)."""


def _parse(fields: Fields) -> ExternalParams:
    del fields
    return ExternalParams()


def _build(rule: Rule, pack: Pack) -> Checkers:
    del rule, pack

    def check(data: CheckInput) -> list[Finding]:
        del data
        return []

    del check
    return Checkers()


SPEC = KindSpec(
    kind=RuleKind.EXTERNAL,
    parse=_parse,
    build=_build,
    default_message="Produced by another checker.",
)
