"""What every rule kind shares: the text being checked, and the kind's interface.

Each module in `postdesk.policy.rules` is one kind. It offers a `KindSpec`: how to read
the kind's settings from a pack (`parse`), how to take a department's additions
(`extend`), and how to turn a rule into a checker (`build`). A checker is a function
from a `CheckInput` to findings; it is built once per pack, so patterns are compiled
once and never per keystroke.

`CheckInput` holds one text and works out, lazily and once, what several kinds need:
the text with web addresses, mentions and hashtags blanked out, the links, the
hashtags and the emoji.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.sentences import mask_entities
from postdesk.policy.features import Link, emoji_spans, find_links, hashtag_spans
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams, Term

__all__ = [
    "CheckInput",
    "Checker",
    "Checkers",
    "KindSpec",
    "finding",
    "format_message",
]

Checker = Callable[["CheckInput"], list[Finding]]


@dataclass(frozen=True)
class Checkers:
    """A rule's checkers: one per sentence, one for the whole text, or both.

    A per-sentence checker must find the same things in a sentence on its own as in
    the whole text (a word, a link, an invisible character): the engine then caches
    its findings per sentence, so after an edit only the edited sentence is checked
    again. Rules that need the whole text (counts, the first use of an acronym, an
    address over several lines, the election period) use `whole_text`.

    Attributes:
        per_sentence: runs on each sentence and each gap between sentences.
        whole_text: runs on the whole text.
    """

    per_sentence: Checker | None = None
    whole_text: Checker | None = None


_PLACEHOLDER = re.compile(r"\{(match|count|max|what|first_day|last_day)\}")


@dataclass
class CheckInput:
    """One text to check, with the per-text analysis that several kinds share.

    Attributes:
        text: the text (already capped by the engine).
        essential: whether the author marked the post as essential (election period).
        today: the date the check is for.
    """

    text: str
    essential: bool = False
    today: date = field(default_factory=date.today)

    @cached_property
    def masked(self) -> str:
        """The text with web addresses, emails, mentions and hashtags blanked out."""
        return mask_entities(self.text)

    @cached_property
    def links(self) -> list[Link]:
        """The links in the text, in order."""
        return find_links(self.text)

    @cached_property
    def hashtags(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each hashtag, ``#`` included."""
        return hashtag_spans(self.text)

    @cached_property
    def emoji(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each emoji (a whole ZWJ sequence, flag or keycap is one)."""
        return emoji_spans(self.text)


@dataclass(frozen=True)
class KindSpec:
    """How a pack declares, extends and runs one kind of rule.

    Attributes:
        kind: the kind.
        parse: reads the kind's settings from a rule table; must call ``fields`` getters
            for every key it knows (the loader then reports the rest as unknown).
        build: makes the checkers for one rule of the finished pack.
        extend: adds a department's ``[words]`` list to the settings, or None when the
            kind takes no words.
        default_message: used when a rule gives no message.
    """

    kind: RuleKind
    parse: Callable[[Fields], RuleParams]
    build: Callable[[Rule, Pack], Checkers]
    extend: Callable[[RuleParams, tuple[Term, ...]], RuleParams] | None = None
    default_message: str = "This breaks the rule {what}."


def format_message(template: str, **values: object) -> str:
    """Fill the known ``{placeholders}`` of a pack's message; leave any other brace alone.

    A pack's author writes the message, so `str.format` (which raises on ``{`` or an
    unknown name) is not safe here.
    """
    return _PLACEHOLDER.sub(
        lambda match: str(values[match.group(1)]) if match.group(1) in values else match.group(),
        template,
    )


def finding(
    rule: Rule,
    start: int,
    end: int,
    *,
    message: str | None = None,
    suggestion: str | None = None,
    level: Level | None = None,
    **values: object,
) -> Finding:
    """A finding for `rule`, with its message filled in.

    Args:
        rule: the rule.
        start: where the span starts.
        end: where it ends.
        message: a message to use instead of the rule's.
        suggestion: a replacement for the span (the rule's fixed suggestion wins).
        level: a level to use instead of the rule's.
        **values: placeholder values for the message.
    """
    return Finding(
        rule=rule.id,
        level=level or rule.level or Level.WARN,
        start=start,
        end=end,
        message=format_message(message or rule.message, **values),
        suggestion=rule.suggestion if rule.suggestion is not None else suggestion,
        source=rule.source,
    )
