"""Plain English: long or bureaucratic words and phrases, with simpler alternatives.

The words are data, not code: TOML files in ``postdesk/resources/wordlists/``, seeded
from the GOV.UK style guide's "Words to avoid" and the GDS plain-English Vale rule
(``govuk-words-to-avoid.toml`` explains the schema). Each entry names its source, and
every finding carries that link.

Matching is by whole words, case-insensitively, for the entry's phrase and each form
the list gives ("utilise", "utilised", "utilising"). Between the words of a phrase,
any run of spaces, line breaks or hyphens matches ("one-stop shop"), but a single
word never matches inside a hyphenated compound ("key-worker" is not "key"). Web
addresses, mentions and hashtags are never flagged. Where two entries overlap, the
longer phrase wins ("in addition to" before "in addition").

Work is cached per sentence, so after a one-character edit only the edited sentence
is matched again. `passive_voice_findings` lives in `postdesk.analysis.passive` and is
re-exported here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.passive import passive_voice_findings
from postdesk.analysis.sentences import mask_entities, split_sentences

__all__ = [
    "RULE",
    "WordListEntry",
    "load_word_list",
    "match_case",
    "passive_voice_findings",
    "plain_english_findings",
]

RULE = "plain-english"

# A word: letters and digits, with inner apostrophes ("i'm", "don't").
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# What may stand between the words of a phrase: spaces, line breaks, hyphens.
_PHRASE_GAP = re.compile(r"[\s\-\u2010\u2011]+")
_HYPHENS = "-\u2010\u2011"
# One per distinct sentence; a 60,000-character text has about 600.
_SENTENCE_CACHE_SIZE = 8192
_LEVELS = {"warn": Level.WARN, "info": Level.INFO}


@dataclass(frozen=True, slots=True)
class WordListEntry:
    """One word or phrase to avoid.

    Attributes:
        phrase: the word or phrase, lower case.
        suggestions: simpler alternatives for `phrase`, best first (may be empty).
        forms: other forms of it (inflections, spellings), each with its own
            suggestions.
        level: how serious a use of it is.
        reason: the first sentence of the message, after the quoted word.
        advice: the guidance's caveat or reason, or None.
        source: a link to the guidance.
    """

    phrase: str
    suggestions: tuple[str, ...]
    forms: Mapping[str, tuple[str, ...]]
    level: Level
    reason: str
    advice: str | None
    source: str


@dataclass(frozen=True, slots=True)
class _Form:
    """One matchable form: its words, the entry it belongs to and its suggestions."""

    words: tuple[str, ...]
    entry: WordListEntry
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Hit:
    """A match inside one sentence, relative to the sentence's start.

    The message and suggestion are worked out once per sentence and cached with it,
    so an unchanged sentence costs one Finding per match and nothing more.
    """

    start: int
    end: int
    level: Level
    message: str
    suggestion: str | None
    source: str


def plain_english_findings(text: str) -> list[Finding]:
    """Find long or bureaucratic words that have plainer alternatives.

    Args:
        text: the post; never raises, whatever it holds.

    Returns:
        One `plain-english` finding per use, in text order, each with the list's
        suggestion (capitalised like the original) where it has one, and its source.
    """
    findings: list[Finding] = []
    for sentence in split_sentences(text):
        offset = sentence.start
        for hit in _sentence_hits(sentence.text):
            findings.append(
                Finding(
                    rule=RULE,
                    level=hit.level,
                    start=offset + hit.start,
                    end=offset + hit.end,
                    message=hit.message,
                    suggestion=hit.suggestion,
                    source=hit.source,
                )
            )
    return findings


def match_case(original: str, replacement: str) -> str:
    """Give a replacement the capitalisation of the text it replaces.

    Args:
        original: the text in the post, such as "Utilise" or "UTILISE".
        replacement: the suggestion, in lower case.

    Returns:
        "USE" for "UTILISE", "Use" for "Utilise", otherwise `replacement` unchanged.
    """
    letters = [char for char in original if char.isalpha()]
    if not letters or not replacement:
        return replacement
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return replacement.upper()
    if letters[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


@lru_cache(maxsize=1)
def load_word_list() -> tuple[WordListEntry, ...]:
    """Read every word list shipped in ``postdesk/resources/wordlists``.

    Returns:
        The entries of all lists, files in name order.

    Raises:
        ValueError: if a list is malformed or two entries claim the same form; the
            tests load the shipped lists, so this only fires on a packaging mistake.
    """
    folder = files("postdesk") / "resources" / "wordlists"
    entries: list[WordListEntry] = []
    for resource in sorted(folder.iterdir(), key=lambda item: item.name):
        if resource.name.endswith(".toml"):
            data = tomllib.loads(resource.read_text(encoding="utf-8"))
            entries.extend(_parse_list(data, resource.name))
    _check_unique(entries)
    return tuple(entries)


def _parse_list(data: Mapping[str, Any], name: str) -> list[WordListEntry]:
    """Turn one parsed TOML file into entries, checking its shape."""
    reason = data.get("reason")
    raw_entries = data.get("entry")
    if not isinstance(reason, str) or not isinstance(raw_entries, list):
        raise ValueError(f"{name}: needs a 'reason' string and [[entry]] tables")
    return [_parse_entry(raw, reason, name) for raw in raw_entries]


def _parse_entry(raw: Any, reason: str, name: str) -> WordListEntry:
    """Turn one [[entry]] table into a WordListEntry, checking its shape."""
    if not isinstance(raw, dict):
        raise ValueError(f"{name}: an entry is not a table")
    phrase = raw.get("phrase")
    level_name = raw.get("level")
    level = _LEVELS.get(level_name) if isinstance(level_name, str) else None
    source = raw.get("source")
    advice = raw.get("advice")
    if not isinstance(phrase, str) or not _words(phrase):
        raise ValueError(f"{name}: entry without a phrase: {raw!r}")
    if level is None or not isinstance(source, str) or not source.startswith("https://"):
        raise ValueError(f"{name}: {phrase!r} needs level warn/info and an https source")
    if advice is not None and not isinstance(advice, str):
        raise ValueError(f"{name}: {phrase!r} has a non-text advice")
    forms_raw = raw.get("forms", {})
    if not isinstance(forms_raw, dict):
        raise ValueError(f"{name}: {phrase!r} forms must be a table")
    if not all(_words(form) for form in forms_raw):
        raise ValueError(f"{name}: {phrase!r} has a form without words")
    forms = {form.lower(): _strings(value, name, form) for form, value in forms_raw.items()}
    return WordListEntry(
        phrase=phrase.lower(),
        suggestions=_strings(raw.get("suggestions", []), name, phrase),
        forms=MappingProxyType(forms),
        level=level,
        reason=reason,
        advice=advice,
        source=source,
    )


def _strings(value: Any, name: str, phrase: str) -> tuple[str, ...]:
    """A list of suggestions as a tuple of strings, or a ValueError."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"{name}: suggestions for {phrase!r} must be a list of words")
    return tuple(value)


def _check_unique(entries: list[WordListEntry]) -> None:
    """Refuse two entries that would both match the same words."""
    seen: dict[tuple[str, ...], str] = {}
    for entry in entries:
        for form in (entry.phrase, *entry.forms):
            words = _words(form)
            if words in seen:
                raise ValueError(f"{form!r} is listed twice ({seen[words]!r}, {entry.phrase!r})")
            seen[words] = entry.phrase


@lru_cache(maxsize=1)
def _index() -> Mapping[str, tuple[_Form, ...]]:
    """Every form, by its first word, longest first (so the longest phrase wins)."""
    by_first: dict[str, list[_Form]] = {}
    for entry in load_word_list():
        candidates = [(entry.phrase, entry.suggestions), *entry.forms.items()]
        for form, suggestions in candidates:
            words = _words(form)
            by_first.setdefault(words[0], []).append(_Form(words, entry, suggestions))
    return {
        first: tuple(sorted(forms, key=lambda form: -len(form.words)))
        for first, forms in by_first.items()
    }


def _words(phrase: str) -> tuple[str, ...]:
    """The normalised words of a phrase: lower case, straight apostrophes."""
    return tuple(match.group().lower().replace("\u2019", "'") for match in _WORD.finditer(phrase))


@lru_cache(maxsize=_SENTENCE_CACHE_SIZE)
def _sentence_hits(sentence: str) -> tuple[_Hit, ...]:
    """All word-list matches in one sentence (cached: sentences repeat across edits)."""
    masked = mask_entities(sentence)
    tokens = list(_WORD.finditer(masked))
    words = [token.group().lower().replace("\u2019", "'") for token in tokens]
    index = _index()
    hits: list[_Hit] = []
    position = 0
    while position < len(tokens):
        match = _match_at(masked, tokens, words, position, index.get(words[position], ()))
        if match is None:
            position += 1
            continue
        start, end, form = match
        hits.append(_hit(sentence[start:end], start, end, form))
        position += len(form.words)
    return tuple(hits)


def _match_at(
    text: str,
    tokens: list[re.Match[str]],
    words: list[str],
    position: int,
    forms: tuple[_Form, ...],
) -> tuple[int, int, _Form] | None:
    """The longest form that matches the words starting at `position`, if any."""
    for form in forms:
        last = position + len(form.words) - 1
        if last >= len(tokens) or tuple(words[position : last + 1]) != form.words:
            continue
        if not all(
            _PHRASE_GAP.fullmatch(text, tokens[i].end(), tokens[i + 1].start())
            for i in range(position, last)
        ):
            continue
        start, end = tokens[position].start(), tokens[last].end()
        if _joined_by_hyphen(text, start, end):
            continue
        return start, end, form
    return None


def _joined_by_hyphen(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a hyphenated compound such as "key-worker"."""
    before = start >= 2 and text[start - 1] in _HYPHENS and text[start - 2].isalnum()
    after = end + 1 < len(text) and text[end] in _HYPHENS and text[end + 1].isalnum()
    return before or after


def _hit(original: str, start: int, end: int, form: _Form) -> _Hit:
    """The cached parts of the finding for one match, with a plain-English message."""
    entry = form.entry
    parts = [f"\u201c{original}\u201d {entry.reason}."]
    if entry.advice:
        parts.append(entry.advice)
    if form.suggestions:
        options = " or ".join(f"\u201c{match_case(original, s)}\u201d" for s in form.suggestions)
        parts.append(f"Try {options}.")
    suggestion = match_case(original, form.suggestions[0]) if form.suggestions else None
    return _Hit(start, end, entry.level, " ".join(parts), suggestion, entry.source)
