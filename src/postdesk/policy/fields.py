"""Typed reading of a parsed TOML table, collecting every problem instead of stopping.

A pack file is written by hand by an administrator, so a load reports everything wrong
with it at once, each problem with the file, the best line (from
`postdesk.policy.toml_lines`) and the field. `Problems` collects them; `Fields` reads
one table's keys with type checks and then reports the keys nobody asked for (almost
always typos, such as ``levle``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from postdesk.analysis.findings import Level
from postdesk.policy.model import PackProblem, Term
from postdesk.policy.toml_lines import KeyLines, Path

__all__ = ["Fields", "Problems", "close_match", "parse_level"]

_LEVELS = {level.value: level for level in Level}
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass
class Problems:
    """Every problem found while loading one pack file.

    Attributes:
        file: the file's name as it appears in messages.
        lines: where the keys of the file are.
        found: the problems so far.
    """

    file: str
    lines: KeyLines
    found: list[PackProblem] = field(default_factory=list)

    def add(self, path: Path, name: str, message: str) -> None:
        """Record a problem at `path` (for the line), shown as field `name`."""
        self.found.append(PackProblem(self.file, self.lines.line(path), name, message))


def parse_level(value: object) -> Level | None:
    """A level from its name, or None when the value is not a level name."""
    return _LEVELS.get(value) if isinstance(value, str) else None


def close_match(word: str, options: Iterable[str]) -> str:
    """A ``did you mean`` hint for a misspelt name, or ""."""
    matches = difflib.get_close_matches(word, list(options), n=1)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


class Fields:
    """Reads the keys of one table, recording a problem for each bad or unknown key."""

    def __init__(self, raw: Mapping[str, Any], problems: Problems, path: Path, name: str) -> None:
        """Start reading a table.

        Args:
            raw: the parsed table.
            problems: where problems go.
            path: the table's path in the file, for line numbers.
            name: the table's name in messages, such as ``rules[profanity]``.
        """
        self.raw = raw
        self.problems = problems
        self.path = path
        self.name = name
        self.used: set[str] = set()

    def problem(self, key: str, message: str, index: int | None = None) -> None:
        """Record a problem with one key (and one element of it, for arrays)."""
        path: Path = (*self.path, key) if index is None else (*self.path, key, index)
        self.problems.add(path, f"{self.name}.{key}" if self.name else key, message)

    def has(self, key: str) -> bool:
        """Whether the table sets `key` (and mark it as known)."""
        self.used.add(key)
        return key in self.raw

    def string(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        """A string value."""
        self.used.add(key)
        value = self.raw.get(key)
        if value is None:
            if required:
                self.problem(key, "is required: a text in quotes")
            return default
        if not isinstance(value, str):
            self.problem(key, f"must be a text in quotes, not {_describe(value)}")
            return default
        if required and not value.strip():
            self.problem(key, "must not be empty")
            return default
        return value

    def link(self, key: str) -> str | None:
        """An https:// link, or None."""
        value = self.string(key)
        if value is not None and not value.startswith("https://"):
            self.problem(key, f'must be a link starting "https://" (got "{value}")')
            return None
        return value

    def identifier(self, key: str, *, required: bool = False) -> str | None:
        """A rule id: lower case words joined by hyphens."""
        value = self.string(key, required=required)
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.problem(
                key,
                f'must be lower-case words joined by hyphens, like "embargo-term" (got "{value}")',
            )
            return None
        return value

    def level(self, key: str, *, required: bool = False) -> Level | None:
        """A level name."""
        self.used.add(key)
        value = self.raw.get(key)
        if value is None:
            if required:
                self.problem(key, "is required: one of block, warn, info")
            return None
        level = parse_level(value)
        if level is None:
            shown = f'"{value}"' if isinstance(value, str) else _describe(value)
            self.problem(key, f"must be one of block, warn, info (got {shown})")
        return level

    def boolean(self, key: str, default: bool) -> bool:
        """A true/false value."""
        self.used.add(key)
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {_describe(value)}")
            return default
        return value

    def integer(self, key: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
        """A whole number within bounds."""
        self.used.add(key)
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"must be a whole number, not {_describe(value)}")
            return default
        if not minimum <= value <= maximum:
            self.problem(key, f"must be between {minimum} and {maximum} (got {value})")
            return default
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        """One of a fixed set of names."""
        value = self.string(key, required=default is None)
        if value is None:
            return default
        if value not in options:
            self.problem(
                key,
                f'must be one of {", ".join(options)} (got "{value}"){close_match(value, options)}',
            )
            return default
        return value

    def strings(self, key: str, *, allow_empty: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings."""
        self.used.add(key)
        value = self.raw.get(key, [])
        return strings_of(value, lambda i, m: self.problem(key, m, i), allow_empty=allow_empty)

    def terms(self, key: str) -> tuple[Term, ...]:
        """A word list: strings, or tables ``{ phrase, suggestions, note }``."""
        self.used.add(key)
        return terms_of(self.raw.get(key, []), lambda i, m: self.problem(key, m, i))

    def date(self, key: str) -> date | None:
        """A date: a TOML date (2026-05-07) or a "2026-05-07" string."""
        self.used.add(key)
        value = self.raw.get(key)
        if value is None:
            return None
        parsed = date_of(value)
        if parsed is None:
            self.problem(key, f"must be a date such as 2026-05-07 (got {_describe(value)})")
        return parsed

    def finish(self, extra: Iterable[str] = ()) -> None:
        """Report every key that was not read (or listed in `extra`) as unknown."""
        known = self.used | set(extra)
        for key in self.raw:
            if key not in known:
                self.problem(key, f"is not a known setting here{close_match(key, known)}")


def _describe(value: object) -> str:
    """A value's type in words, for messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


Report = Callable[[int | None, str], None]


def strings_of(value: object, report: Report, *, allow_empty: bool = True) -> tuple[str, ...]:
    """A list of non-empty strings, reporting bad elements through `report(index, message)`."""
    if not isinstance(value, list):
        report(None, f"must be a list of texts in quotes, not {_describe(value)}")
        return ()
    out: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            report(index, f"item {index + 1} must be a non-empty text in quotes")
        else:
            out.append(item)
    if not out and not allow_empty:
        report(None, "must list at least one item")
    return tuple(out)


def terms_of(value: object, report: Report) -> tuple[Term, ...]:
    """A word list from strings or ``{ phrase, suggestions, note }`` tables."""
    if not isinstance(value, list):
        report(None, f"must be a list of words or phrases, not {_describe(value)}")
        return ()
    out: list[Term] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            if item.strip():
                out.append(Term(item.strip()))
            else:
                report(index, f"item {index + 1} is empty")
            continue
        if not isinstance(item, dict):
            report(index, f"item {index + 1} must be a text or a table, not {_describe(item)}")
            continue
        phrase = item.get("phrase")
        suggestions = item.get("suggestions", [])
        note = item.get("note")
        unknown = set(item) - {"phrase", "suggestions", "note"}
        if unknown:
            report(index, f"item {index + 1} has unknown keys: {', '.join(sorted(unknown))}")
        if not isinstance(phrase, str) or not phrase.strip():
            report(index, f"item {index + 1} needs a phrase")
            continue
        if not isinstance(suggestions, list) or not all(
            isinstance(s, str) and s for s in suggestions
        ):
            report(index, f"item {index + 1}: suggestions must be a list of texts")
            suggestions = []
        if note is not None and not isinstance(note, str):
            report(index, f"item {index + 1}: note must be a text")
            note = None
        out.append(Term(phrase.strip(), tuple(suggestions), note))
    return tuple(out)


def date_of(value: object) -> date | None:
    """A date from a TOML date or an ISO string (JSON test data has no date type)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
