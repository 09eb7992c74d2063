"""Kind ``words``: a list of words or phrases to flag, each with optional suggestions.

Used by ``words-to-avoid``, ``latin-abbreviation``, ``click-here``, ``profanity`` and
``embargo-term`` in the default pack, and by any list a department adds.

Matching is by whole words: a phrase never matches inside a longer word, so
"Scunthorpe", "Penistone" and "Shitterton" are safe from the profanity list. Between
the words of a phrase any run of spaces, line breaks or hyphens matches. Settings:

``terms``
    the list: texts, or tables ``{ phrase = "...", suggestions = [...], note = "..." }``.
``case_sensitive``
    false by default.
``entities``
    ``"skip"`` (default): web addresses, emails, mentions and hashtags are never
    searched. ``"include"``: they are (an embargoed project name in a hashtag or a web
    address leaks just the same).
``join``
    true to also match the words of a phrase written together or with ``_``
    ("ProjectHeron", "project_heron"); used with ``entities = "include"``.

Where two terms overlap, the longer one wins ("click the link below" over "click").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from postdesk.analysis.findings import Finding
from postdesk.analysis.plain_english import match_case
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams, Term
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["SPEC", "PhraseMatcher", "WordsParams"]

_GAP = r"[\s\-\u2010\u2011]+"
_JOINED_GAP = r"[\s\-_\u2010\u2011]*"
_GAP_CHARS = re.compile(r"[\s\-_\u2010\u2011]+")
_WORD_CHAR = re.compile(r"\w")
# Trie keys: one character of a phrase, the gap between its words, or the end.
_GAP_UNIT = "\x00gap"
_END = "\x00end"
_Node = dict[str, "_Node | str"]


def _prefixed(trie: _Node, gap: str) -> str:
    """The tree's pattern behind a cheap first test: a word start, then a first letter.

    `re` checks ``\\b`` and a character set far faster than it enters an alternation,
    so most positions of a post are rejected before any branch is tried (five times
    faster on a 3,000-character post).
    """
    firsts = [unit for unit in trie if unit not in (_END, _GAP_UNIT)]
    body = _trie_pattern(trie, gap, root=True)
    if not firsts:
        return body
    first_set = "[" + "".join(re.escape(char) for char in firsts) + "]"
    if all(_WORD_CHAR.match(char) for char in firsts):
        return rf"\b(?={first_set}){body}"
    return rf"(?={first_set}){body}"


def _trie_pattern(node: _Node, gap: str, *, root: bool = False) -> str:
    """One regular expression for a word list, as a prefix tree.

    A plain alternation ("click here|click the link|...") makes the engine try every
    phrase at every position; a tree tries one branch per distinct next character,
    which is several times faster on a post. Longer continuations come before the end
    of a phrase, so the longest phrase wins ("click the link below" over "click the
    link").
    """
    branches: list[str] = []
    for unit, child in node.items():
        if unit == _END or isinstance(child, str):
            continue
        piece = gap if unit == _GAP_UNIT else re.escape(unit)
        if root and _WORD_CHAR.match(unit):
            piece = r"(?<!\w)" + piece  # whole words only: not inside "Scunthorpe"
        branches.append(piece + _trie_pattern(child, gap))
    end = node.get(_END)
    end_pattern = end if isinstance(end, str) else None
    if not branches:
        return end_pattern or ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return body if end_pattern is None else f"(?:{body}|{end_pattern})"


@dataclass(frozen=True)
class WordsParams(RuleParams):
    """Settings of a ``words`` rule (see the module docstring)."""

    terms: tuple[Term, ...]
    case_sensitive: bool = False
    entities: str = "skip"
    join: bool = False


class PhraseMatcher:
    """One compiled pattern for a whole word list, longest phrase first."""

    def __init__(self, terms: tuple[Term, ...], *, case_sensitive: bool, join: bool) -> None:
        """Compile the list.

        Args:
            terms: the words and phrases.
            case_sensitive: whether case matters.
            join: whether the words of a phrase may also be written together.
        """
        self.case_sensitive = case_sensitive
        self.join = join
        self.by_key: dict[str, Term] = {}
        trie: _Node = {}
        for term in terms:
            words = term.phrase.split()
            if not words:
                continue
            node = trie
            for index, word in enumerate(words):
                if index:
                    node = node.setdefault(_GAP_UNIT, {})  # type: ignore[assignment]
                for char in word if case_sensitive else word.casefold():
                    node = node.setdefault(char, {})  # type: ignore[assignment]
            ends_in_word = _WORD_CHAR.match(words[-1][-1]) is not None
            after = (r"(?![^\W\d_])" if join else r"(?!\w)") if ends_in_word else ""
            node[_END] = after
            self.by_key.setdefault(self._key(term.phrase), term)
        gap = _JOINED_GAP if join else _GAP
        flags = 0 if case_sensitive else re.IGNORECASE
        self.pattern = re.compile(_prefixed(trie, gap), flags) if trie else None

    def _key(self, phrase: str) -> str:
        key = _GAP_CHARS.sub("" if self.join else " ", phrase.strip())
        return key if self.case_sensitive else key.casefold()

    def matches(self, text: str) -> list[tuple[int, int, Term]]:
        """Every match in `text`, with the term it matched."""
        if self.pattern is None:
            return []
        out: list[tuple[int, int, Term]] = []
        for match in self.pattern.finditer(text):
            term = self.by_key.get(self._key(match.group()))
            if term is not None:
                out.append((match.start(), match.end(), term))
        return out


def _parse(fields: Fields) -> WordsParams:
    entities = fields.choice("entities", ("skip", "include"), default="skip") or "skip"
    return WordsParams(
        terms=fields.terms("terms"),
        case_sensitive=fields.boolean("case_sensitive", False),
        entities=entities,
        join=fields.boolean("join", False),
    )


def _extend(params: RuleParams, terms: tuple[Term, ...]) -> RuleParams:
    assert isinstance(params, WordsParams)
    return replace(params, terms=params.terms + terms)


def term_message(rule: Rule, original: str, term: Term) -> tuple[str, str | None]:
    """The message and suggestion for one matched term."""
    parts = [finding(rule, 0, 0, match=original).message]
    if term.note:
        parts.append(term.note)
    if term.suggestions:
        options = " or ".join(f"\u201c{match_case(original, s)}\u201d" for s in term.suggestions)
        parts.append(f"Try {options}.")
    suggestion = match_case(original, term.suggestions[0]) if term.suggestions else None
    return " ".join(parts), suggestion


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, WordsParams)
    matcher = PhraseMatcher(params.terms, case_sensitive=params.case_sensitive, join=params.join)
    use_masked = params.entities == "skip"

    def check(data: CheckInput) -> list[Finding]:
        searched = data.masked if use_masked else data.text
        findings: list[Finding] = []
        for start, end, term in matcher.matches(searched):
            original = data.text[start:end]
            message, suggestion = term_message(rule, original, term)
            findings.append(finding(rule, start, end, message=message, suggestion=suggestion))
        return findings

    return Checkers(per_sentence=check)


SPEC = KindSpec(
    kind=RuleKind.WORDS,
    parse=_parse,
    build=_build,
    extend=_extend,
    default_message="\u201c{match}\u201d is on the list of words to avoid.",
)
