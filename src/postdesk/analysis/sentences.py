"""Split a social-media post into sentences, with spans into the original text.

Posts are not essays. Authors use a line break as a sentence end ("Storm warning" on
one line, details on the next), write "e.g.", "Dr.", "St." and "No. 10", quote "2.5%",
and paste web addresses full of full stops. The rules, in order:

1. A line break always ends a sentence.
2. ``!``, ``?`` (and runs such as ``?!``) end a sentence when whitespace or the end of
   the text follows, after any closing quotes or brackets.
3. A full stop ends a sentence only when whitespace or the end follows (so "2.5%",
   "gov.uk" and "e.g.x" never split), the next word does not start with a lower-case
   letter ("approx. two"), and the word before it is not an abbreviation that comes
   before a name or number ("Dr. Patel", "No. 10", "e.g. a bus"). Abbreviations that
   can also end a sentence ("etc.", "Ltd.", "5 p.m.", "Jan.") end one only when a
   capital letter follows. A single capital ("J. Smith") is an initial, and a number
   that starts a line ("1. Apply online") is a list marker.
4. Full stops inside web addresses, email addresses, @mentions and #hashtags never
   count: rule 3 needs whitespace after the full stop, and none of these ends in one.

Only the first `MAX_ANALYSED_CHARS` characters are split, and a stretch of more than
`MAX_SENTENCE_CHARS` with no sentence end is cut at spaces into pieces, so that the
work per keystroke stays small whatever is pasted in.

Spans are Python string indices into the text that was passed in, with surrounding
whitespace trimmed, so ``text[s.start:s.end] == s.text`` always holds.

`entity_spans` and `mask_entities` expose the same web address, mention and hashtag
detection to the readability and plain-English checks, which must not score or flag
"https://www.gov.uk/self-assessment" as one very long word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MAX_ANALYSED_CHARS",
    "MAX_SENTENCE_CHARS",
    "Sentence",
    "entity_spans",
    "mask_entities",
    "split_sentences",
]

# Only this much of a text is split (and so checked). The longest post any network
# takes is a few thousand characters; this bounds the work a pasted book can cause
# (checking the worst 100,000 characters from cold takes about half a second; 1 MB of
# the same would take about 5 s).
MAX_ANALYSED_CHARS = 100_000
# A stretch with no sentence end that is longer than this is cut at a space. It is far
# too long to be one readable sentence anyway, and the cut means a keystroke never
# re-scores more than a couple of thousand characters.
MAX_SENTENCE_CHARS = 1_000

# Trailing punctuation that ends a sentence rather than belonging to a web address.
# It must include every character that `_BOUNDARY` treats as a sentence end or closing
# quote, so that no entity ever ends in one: that is what lets `split_sentences` skip
# the (slow) entity scan and still never split inside a web address.
_URL_TAIL = r"""[^\s<>"'.,;:!?)\]}\u2019\u201d\u00bb\u203a\u2026\u203d\u3002\uff01\uff1f]"""
# Top-level domains for web addresses written without a scheme ("gov.uk/tax"). A closed
# list, because an open pattern would take "e.g.uk" style typos and file names too.
_TLDS = (
    "uk|com|org|net|gov|edu|int|eu|ie|io|info|scot|wales|cymru|london|nhs|police|"
    "co|app|dev|social|online|news|blog"
)
_ENTITY = re.compile(
    rf"""
      (?:https?|ftp)://[^\s<>"]*{_URL_TAIL}                     # https://www.gov.uk/x
    | www\.[^\s<>"]*{_URL_TAIL}                                 # www.gov.uk/x
    | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+                  # enquiries@council.gov.uk
    | (?<![\w@])@\w+(?:[.-]\w+)*(?:@\w+(?:[.-]\w+)+)?           # @user, @a.bsky.social, @u@host
    | (?<![\w\#&])\#\w+                                         # #hashtags
    | (?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+
      (?:{_TLDS})\b(?:/[^\s<>"]*{_URL_TAIL})?                   # gov.uk/self-assessment
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Every entity above contains one of these; most sentences contain none, and this one
# search is far cheaper than trying every branch of _ENTITY at every position.
_MAYBE_ENTITY = re.compile(rf"[@\#]|://|www\.|\.(?:{_TLDS})\b", re.IGNORECASE)
# The per-sentence checks (readability, plain English, passive voice) each mask the
# sentence that changed; caching lets them share one scan.
_MASK_CACHE_SIZE = 512

# Every line-break character that str.splitlines() knows, CRLF first as one break.
_LINE_BREAK = r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]"
_BOUNDARY = re.compile(
    rf"""
      (?P<line>{_LINE_BREAK})
    | (?P<stop>[.!?\u2026\u203d\u3002\uff01\uff1f]+)      # . ! ? … ‽ and CJK forms
      (?P<close>["')\]\u2019\u201d\u00bb\u203a]*)         # closing quotes, brackets
      (?=\s|\Z)
    """,
    re.VERBOSE,
)
_NON_SPACE = re.compile(r"\S")
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_DOTS = frozenset(".\u2026")


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(words.split())


# Abbreviations that come before a name or an example, so never end a sentence.
_NEVER_END = _word_set(
    """
    mr mrs ms mx dr prof rev revd fr st mt cllr capt col gen lt sgt cpl maj brig hon rt
    sen supt insp det e.g eg i.e ie cf viz vs v approx incl excl esp nr
    """
)
# Abbreviations before a number ("No. 10", "p. 5", "Tel. 0300"). They are also
# ordinary words ("say no."), so they end a sentence unless a digit follows.
_BEFORE_NUMBER = _word_set("no nos p pp para paras fig figs vol ch sec art op tel mob ext")
# Abbreviations that also end sentences: they end one only before a capital letter.
_END_IF_CAPITAL = _word_set(
    """
    etc ltd inc co corp plc bros jr sr dept govt est rd ave misc a.m p.m am pm
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    """
)
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # U.K, a.m, e.g
_OPENERS = "([{\"'\u2018\u201c\u00ab"
# Abbreviations are short; a longer "word" before a full stop is never one, and capping
# the backwards scan keeps a pathological input linear.
_MAX_ABBREVIATION = 12
# A list marker such as "1." or "12." at the start of a line.
_MAX_LIST_NUMBER_DIGITS = 3
# Enough to reuse one split across the readability, plain-English and passive checks
# that run on the same keystroke, and across a couple of open drafts.
_SPLIT_CACHE_SIZE = 8


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a text.

    Attributes:
        start: the Python index of its first character in the text.
        end: one past the index of its last character.
        text: ``text[start:end]``, kept because the per-sentence caches key on it.
    """

    start: int
    end: int
    text: str


def entity_spans(text: str) -> list[tuple[int, int]]:
    """Where the web addresses, email addresses, @mentions and #hashtags are.

    Args:
        text: any text.

    Returns:
        ``(start, end)`` Python index pairs, in order, not overlapping.
    """
    return [match.span() for match in _ENTITY.finditer(text)]


@lru_cache(maxsize=_MASK_CACHE_SIZE)
def mask_entities(text: str) -> str:
    """The text with web addresses, emails, mentions and hashtags blanked out.

    Each one becomes spaces of the same length, so indices into the result are
    indices into `text` too.

    Args:
        text: any text.

    Returns:
        A string as long as `text`.
    """
    if not _MAYBE_ENTITY.search(text):
        return text
    return _ENTITY.sub(lambda match: " " * (match.end() - match.start()), text)


@lru_cache(maxsize=_SPLIT_CACHE_SIZE)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split a text into sentences.

    Blank stretches between sentences belong to no sentence. A "sentence" may hold
    no words (a line with only an emoji or a web address); callers that count words
    skip those.

    Results are cached for the last few texts, so the checks that run on one keystroke
    split the text once.

    Args:
        text: any text; never raises, whatever it holds.

    Returns:
        The sentences in order, not overlapping, each inside the text.
    """
    # No entity scan is needed here (it would be the slowest step): no entity ends in
    # a character that can end a sentence (see _URL_TAIL), and a boundary needs
    # whitespace right after such characters, so no boundary falls inside an entity.
    sentences: list[Sentence] = []
    limit = min(len(text), MAX_ANALYSED_CHARS)
    segment_start = 0
    for match in _BOUNDARY.finditer(text, 0, limit):
        if match.group("line") is not None:
            _append(sentences, text, segment_start, match.start())
            segment_start = match.end()
            continue
        if not _ends_sentence(text, match, segment_start, limit):
            continue
        _append(sentences, text, segment_start, match.end())
        segment_start = match.end()
    _append(sentences, text, segment_start, limit)
    return tuple(sentences)


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    """Add text[start:end], trimmed of whitespace, cut into pieces if too long."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        # The last space in the window, or a hard cut if it is one enormous "word".
        last_space = _LAST_SPACE.match(text, start + 1, start + MAX_SENTENCE_CHARS)
        cut = last_space.end() - 1 if last_space else start + MAX_SENTENCE_CHARS
        _append(sentences, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        sentences.append(Sentence(start, end, text[start:end]))


def _ends_sentence(text: str, match: re.Match[str], segment_start: int, limit: int) -> bool:
    """Whether a run of terminal punctuation really ends a sentence (rules 2 and 3)."""
    stop = match.group("stop")
    if not _DOTS.issuperset(stop):
        return True  # ! or ? (alone or mixed with dots) always ends a sentence
    following = _NON_SPACE.search(text, match.end(), limit)
    if following is None:
        return True  # the end of the text
    next_char = following.group()
    if next_char.islower():
        return False  # "approx. two", "and then... we waited"
    if len(stop) > 1 or stop == "\u2026":
        return True  # an ellipsis before a capital, a digit or a symbol
    token_start = _token_start(text, match.start(), segment_start)
    if token_start is None:
        return True  # too long to be an abbreviation
    word = text[token_start : match.start()].lstrip(_OPENERS)
    lowered = word.lower()
    if lowered in _NEVER_END:
        return False
    if lowered in _BEFORE_NUMBER:
        return not next_char.isdigit()
    if lowered in _END_IF_CAPITAL or _DOTTED.fullmatch(word):
        return next_char.isupper()
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    # A list marker at the start of a line ("1. Apply online") is not a sentence.
    return not (
        word.isdigit()
        and len(word) <= _MAX_LIST_NUMBER_DIGITS
        and not text[segment_start:token_start].strip()
    )


def _token_start(text: str, end: int, segment_start: int) -> int | None:
    """Where the whitespace-delimited token ending at `end` starts.

    Returns None when the token is longer than any abbreviation, so cannot be one.
    """
    start = end
    limit = max(segment_start, end - _MAX_ABBREVIATION - 1)
    while start > limit and not text[start - 1].isspace():
        start -= 1
    if start == limit and start > segment_start and not text[start - 1].isspace():
        return None
    return start
