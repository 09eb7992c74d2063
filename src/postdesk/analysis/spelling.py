"""Offline British English spelling: pyenchant with the hunspell en_GB dictionary.

This is what still works when LanguageTool is off or cannot be reached. It only knows
spelling, not grammar. Social-media tokens that no dictionary holds are skipped: URLs,
web addresses, email addresses, @mentions, #hashtags, anything with a digit in it, and
ALL-CAPS acronyms. A personal word list (house words such as "PostDesk") is accepted
as well.

Loading the dictionary takes tens of milliseconds, so it is loaded once per process and
shared; call `SpellChecker.warm_up` off the UI thread at start-up. Checking a 3,000-
character post then takes a few milliseconds. Suggestions are slower (10-250 ms a word in
hunspell), so they are cached per word and limited by a time budget per check.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from postdesk.analysis.findings import Finding, Level

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_SUGGESTION_BUDGET_S",
    "SpellChecker",
    "SpellingUnavailableError",
    "Word",
    "words_to_check",
]

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en_GB"
RULE = "spelling"

# Spans that are not prose. Matched first; words inside them are never checked.
_SKIP = re.compile(
    r"""
      (?:https?|ftp)://\S+                             # URLs with a scheme
    | www\.\S+                                         # www.example.org/...
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                     # email addresses
    | (?<![\w@])@\w+                                   # @mentions
    | (?<![\w#])\#\w+                                  # #hashtags
    | \b(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?            # bare domains: gov.uk/guidance
    """,
    re.VERBOSE,
)
# A word: letters, with inner apostrophes or hyphens ("don't", "co-operate"). Digits
# join in so that "3pm" or "COVID-19" form one token, which is then skipped.
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_HAS_DIGIT = re.compile(r"\d")
# Acronyms such as NHS, DVLA, or plural MPs.
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
# Hunspell's suggestion search is slow (10-250 ms a word), so one check stops looking for
# suggestions after this; a single search that has started still finishes.
DEFAULT_SUGGESTION_BUDGET_S = 0.05


class SpellingUnavailableError(RuntimeError):
    """Neither the enchant C library nor a dictionary for the language could be loaded."""


@dataclass(frozen=True, slots=True)
class Word:
    """A word to spell-check and where it is: ``text[start:end] == word``."""

    start: int
    end: int
    word: str


def words_to_check(text: str) -> Iterator[Word]:
    """The words of `text` that a dictionary should know, in order.

    Skips URLs, web addresses, emails, @mentions, #hashtags, tokens with digits,
    ALL-CAPS acronyms and single letters.

    Args:
        text: any text.

    Yields:
        Each word with its Python string span.
    """
    position = 0
    for skip in _SKIP.finditer(text):
        yield from _words_between(text, position, skip.start())
        position = skip.end()
    yield from _words_between(text, position, len(text))


def _words_between(text: str, start: int, end: int) -> Iterator[Word]:
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        if len(word) < 2 or _HAS_DIGIT.search(word) or _ACRONYM.fullmatch(word):
            continue
        yield Word(match.start(), match.end(), word)


@lru_cache(maxsize=4)
def _load_dictionary(language: str) -> tuple[Any, threading.Lock] | str:
    """Load an enchant dictionary once per process, or say why it could not be loaded.

    The failure is cached too, so a machine without a dictionary does not pay for a
    failed load on every check. The lock goes with the dictionary: enchant makes no
    promise that one dictionary can be used from two threads at once.
    """
    try:
        import enchant  # imported here: a missing C library must not break imports
    except (ImportError, OSError) as exc:
        # pyenchant raises ImportError when the enchant C library is missing.
        return f"the enchant spelling library is not installed ({exc})"
    try:
        dictionary = enchant.Dict(language)
    except Exception as exc:  # enchant.errors.DictNotFoundError, or a broken provider
        return f"no {language} spelling dictionary is installed ({exc})"
    # enchant.Dict("en_ZA") quietly falls back to en_GB; say so if it ever happens.
    if dictionary.tag != language:
        logger.info("Asked for the %s dictionary, got %s", language, dictionary.tag)
    return dictionary, threading.Lock()


class SpellChecker:
    """Checks British English spelling offline.

    Args:
        personal_words: words to accept as well as the dictionary's. An entry in lower
            case also accepts capitalised forms ("postdesk" accepts "Postdesk"), as
            hunspell does; other entries must match exactly.
        language: the enchant dictionary tag.
        suggestion_budget_s: how long one check may spend finding suggestions for
            words it has not seen before; 0 turns suggestions off.
    """

    def __init__(
        self,
        personal_words: Iterable[str] = (),
        language: str = DEFAULT_LANGUAGE,
        *,
        suggestion_budget_s: float = DEFAULT_SUGGESTION_BUDGET_S,
    ) -> None:
        self.language = language
        self.suggestion_budget_s = suggestion_budget_s
        self._personal = frozenset(personal_words)
        self._personal_lower = frozenset(word for word in self._personal if word.islower())
        self._suggestion_cache: dict[str, str | None] = {}

    def warm_up(self) -> bool:
        """Load the dictionary now, so the first check is fast. Never raises.

        Returns:
            Whether a dictionary is available.
        """
        return not isinstance(_load_dictionary(self.language), str)

    @property
    def unavailable_reason(self) -> str | None:
        """Why there is no dictionary, or None when there is one."""
        loaded = _load_dictionary(self.language)
        return loaded if isinstance(loaded, str) else None

    def check(self, text: str) -> tuple[Finding, ...]:
        """Find words that are not in the dictionary or the personal word list.

        Args:
            text: the post.

        Returns:
            One `spelling` finding at level `warn` per unknown word, with the
            dictionary's first suggestion where it had time to find one.

        Raises:
            SpellingUnavailableError: no enchant library or no dictionary.
        """
        loaded = _load_dictionary(self.language)
        if isinstance(loaded, str):
            raise SpellingUnavailableError(loaded)
        dictionary, lock = loaded
        deadline = time.monotonic() + self.suggestion_budget_s
        findings: list[Finding] = []
        with lock:
            for word in words_to_check(text):
                for part in self._unknown_parts(dictionary, word):
                    suggestion = self._suggest(dictionary, part.word, deadline)
                    findings.append(
                        Finding(
                            rule=RULE,
                            level=Level.WARN,
                            start=part.start,
                            end=part.end,
                            message=f"“{part.word}” is not in the British English dictionary.",
                            suggestion=suggestion,
                        )
                    )
        return tuple(findings)

    def is_personal(self, word: str) -> bool:
        """Whether the word is on the personal word list."""
        return word in self._personal or word.lower() in self._personal_lower

    def _known(self, dictionary: Any, word: str) -> bool:
        return self.is_personal(word) or bool(dictionary.check(word))

    def _unknown_parts(self, dictionary: Any, word: Word) -> Iterator[Word]:
        """The whole word if unknown; for a hyphenated word, only its unknown parts."""
        if self._known(dictionary, word.word):
            return
        if "-" not in word.word:
            yield word
            return
        # "well-organised" is not in the dictionary as one word, but both halves are.
        start = word.start
        for part in word.word.split("-"):
            end = start + len(part)
            if part and not self._known(dictionary, part):
                yield Word(start, end, part)
            start = end + 1

    def _suggest(self, dictionary: Any, word: str, deadline: float) -> str | None:
        if self.suggestion_budget_s <= 0:
            return None
        if word in self._suggestion_cache:
            return self._suggestion_cache[word]
        # Past the budget, leave it uncached so a later check can fill it in.
        if time.monotonic() > deadline:
            return None
        suggestions = dictionary.suggest(word)
        suggestion = suggestions[0] if suggestions else None
        if len(self._suggestion_cache) > 1000:
            self._suggestion_cache.clear()
        self._suggestion_cache[word] = suggestion
        return suggestion
