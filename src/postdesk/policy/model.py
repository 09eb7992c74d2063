"""The policy model: rules, sign-off items, packs and the problems a pack file can have.

These are plain frozen values with no behaviour beyond small helpers, so that the
loader (`postdesk.policy.pack`), the rule kinds (`postdesk.policy.rules`) and the
engine (`postdesk.policy.engine`) can share them without importing each other.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from postdesk.analysis.findings import Level

__all__ = [
    "Pack",
    "PackError",
    "PackProblem",
    "Rule",
    "RuleInfo",
    "RuleKind",
    "RuleParams",
    "SignOffItem",
    "Signer",
    "Term",
]


class RuleKind(StrEnum):
    """What a rule does. Each kind lives in one module of `postdesk.policy.rules`."""

    WORDS = "words"  # a word or phrase list, with suggestions
    PATTERN = "pattern"  # regular expressions written by the pack's author
    UNICODE = "unicode"  # a class of characters (fancy letters, invisible characters)
    COUNT = "count"  # at most N hashtags, emoji or links
    LINK = "link"  # insecure links, link shorteners, a domain allow-list
    DATE_WINDOW = "date-window"  # the election (pre-election) period
    PERSONAL_DATA = "personal-data"  # UK identifiers, validated
    HASHTAG_CASE = "hashtag-case"  # multi-word hashtags without CamelCase
    BLOCK_CAPITALS = "block-capitals"  # runs of capitals that are not acronyms
    ACRONYM = "acronym"  # acronyms not explained before their first use
    EXTERNAL = "external"  # produced by another checker; the pack only configures it
    SIGN_OFF = "sign-off"  # a manual item a person ticks (listed, never checked)


class Signer(StrEnum):
    """Who ticks a sign-off item, and when."""

    AUTHOR = "author"  # before submitting for review
    REVIEWER = "reviewer"  # before approving


class RuleParams:
    """Base class of each kind's validated parameters (see `postdesk.policy.rules`)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a word or phrase list.

    Attributes:
        phrase: the word or phrase as written in the pack.
        suggestions: replacements, best first (may be empty).
        note: an extra sentence for the message, or None.
    """

    phrase: str
    suggestions: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack.

    Attributes:
        id: the stable id that findings carry and departments refer to.
        kind: what the rule does.
        level: how serious a finding is; None only for an external rule that keeps the
            level its producer gave.
        enabled: False when the pack switches it off (its findings are dropped).
        message: the finding's message; ``{match}``, ``{count}``, ``{max}`` and
            ``{what}`` are filled in where the kind knows them.
        suggestion: a fixed replacement text, or None (most kinds work one out).
        source: a link to the guidance behind the rule.
        params: the kind's own validated settings.
        applies_to: for external rules, the finding rule ids it configures (``*``
            wildcards allowed, so ``length-*`` covers every channel's length rule).
        origin: the name of the pack file that defined it.
    """

    id: str
    kind: RuleKind
    level: Level | None
    enabled: bool
    message: str
    suggestion: str | None
    source: str | None
    params: RuleParams
    applies_to: tuple[str, ...] = ()
    origin: str = ""

    def configures(self, rule_id: str) -> bool:
        """Whether a finding with `rule_id` is governed by this rule."""
        if rule_id == self.id:
            return True
        return any(fnmatch.fnmatchcase(rule_id, pattern) for pattern in self.applies_to)


@dataclass(frozen=True, slots=True)
class SignOffItem:
    """A manual check a person confirms by ticking it.

    Attributes:
        id: a stable id, like a rule id.
        label: the question or statement shown next to the tick box.
        who: the author (before submitting) or the reviewer (before approving).
        source: a link to the guidance behind it, or None.
        help: a longer explanation, or None.
        triggers: words or phrases; when not empty the item is needed only for a text
            that contains one of them (case-insensitive, whole words).
        origin: the name of the pack file that defined it.
    """

    id: str
    label: str
    who: Signer
    source: str | None = None
    help: str | None = None
    triggers: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One line of `postdesk check --rules`.

    Attributes:
        id: the rule or sign-off item id.
        kind: its kind (``sign-off`` for sign-off items).
        level: its level; None for an external rule that keeps its producer's level.
        enabled: whether it produces findings (a switched-off rule, or `link-domain`
            without an allow-list, or `election-period` without dates, does not).
        source: the guidance link, or None.
        description: the rule's message, or the sign-off item's label.
        origin: the pack file it comes from.
        note: why an enabled-looking rule is inactive, or who signs an item; or None.
    """

    id: str
    kind: RuleKind
    level: Level | None
    enabled: bool
    source: str | None
    description: str
    origin: str
    note: str | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-safe dict."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "level": self.level.value if self.level is not None else None,
            "enabled": self.enabled,
            "source": self.source,
            "description": self.description,
            "origin": self.origin,
            "note": self.note,
        }


@dataclass(frozen=True)
class Pack:
    """A complete, validated rule pack: the default pack with any department pack merged in.

    Attributes:
        name: the pack's name (the department pack's, when one is merged).
        rules: every rule, in the order the files define them.
        sign_offs: every sign-off item.
        acronyms: acronyms that need no explaining and are never "block capitals".
        single_words: hashtags that are one word though a dictionary might split them
            (place names such as Kirklees), lower case.
        files: the pack files merged into this pack, base first.
        version: the pack's version string, or "".
    """

    name: str
    rules: tuple[Rule, ...]
    sign_offs: tuple[SignOffItem, ...] = ()
    acronyms: frozenset[str] = frozenset()
    single_words: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()
    version: str = ""
    _by_id: Mapping[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, or None."""
        return self._by_id.get(rule_id)


@dataclass(frozen=True, slots=True)
class PackProblem:
    """One thing wrong with a pack file.

    Attributes:
        file: the file's path as given (or the pack's name for data not from a file).
        line: the 1-based line the problem is on, or None when no line applies
            (a missing file, say); the best line found for a semantic problem.
        field: where in the pack, such as ``rules[personal-data].level`` or
            ``words.embargo-term``; "" for the file as a whole.
        message: what is wrong and what is expected.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PackError(Exception):
    """A pack file was rejected; `problems` lists everything wrong with it.

    Attributes:
        problems: every problem found, in file order.
    """

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = tuple(problems)
        first = problems[0] if problems else PackProblem("", None, "", "invalid pack")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")

    @property
    def file(self) -> str:
        """The file of the first problem."""
        return self.problems[0].file if self.problems else ""

    @property
    def line(self) -> int | None:
        """The line of the first problem."""
        return self.problems[0].line if self.problems else None

    @property
    def field(self) -> str:
        """The field of the first problem."""
        return self.problems[0].field if self.problems else ""

    def report(self) -> str:
        """Every problem, one per line."""
        return "\n".join(str(problem) for problem in self.problems)
