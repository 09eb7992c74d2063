"""The rule kinds, one module each, and the registry the loader and engine use."""

from __future__ import annotations

from postdesk.policy.model import RuleKind
from postdesk.policy.rules import (
    acronyms,
    capitals,
    count,
    date_window,
    external,
    hashtags,
    links,
    pattern,
    personal_data,
    unicode_class,
    words,
)
from postdesk.policy.rules.base import KindSpec

__all__ = ["KINDS"]

# Every kind a pack file may name, except sign-off items, which are [[sign_off]] tables.
KINDS: dict[RuleKind, KindSpec] = {
    spec.kind: spec
    for spec in (
        words.SPEC,
        pattern.SPEC,
        unicode_class.SPEC,
        count.SPEC,
        links.SPEC,
        date_window.SPEC,
        personal_data.SPEC,
        hashtags.SPEC,
        capitals.SPEC,
        acronyms.SPEC,
        external.SPEC,
    )
}
