"""Unicode measures for the length counters: grapheme clusters, NFC with offsets, UTF sizes.

Counting runs on every keystroke, so the expensive step, grapheme segmentation with the
`regex` module's ``\\X`` (about 0.13 µs a character), runs only where it can change the
answer. Between two "simple" characters there is always a cluster boundary, whatever comes
before or after them (see `_COMPLEX`), so only the short stretches around complex
characters (combining marks, ZWJ, regional indicators, Hangul jamo, CR, prepended
concatenation marks) are segmented; plain Latin, CJK and most emoji text is counted by
length alone.

Two rule sets are offered. `grapheme_count` follows the `regex` module's current Unicode
rules, which agree with ICU (Bluesky's ``Intl.Segmenter``). `grapheme_count_ruby34` undoes
rule GB9c (Unicode 15.1, Indic conjuncts): Mastodon runs on Ruby 3.4, whose Unicode 15.0
tables segment ``क्षि`` as two clusters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

__all__ = [
    "Normalized",
    "cluster_start",
    "grapheme_count",
    "grapheme_count_ruby34",
    "nfc",
    "nth_cluster_start",
    "prefix_within",
    "utf8_length",
    "utf16_length",
]

# Characters next to which a cluster boundary may be missing: the right-hand side of
# GB3/GB6-GB9a/GB11-GB13 (LF after CR, Hangul jamo, Extend, ZWJ, SpacingMark, regional
# indicators) and the left-hand side of GB3/GB9b (CR, Prepend). GB9c's linker and
# GB11's ZWJ are Extend/ZWJ already. Every other character is "simple": between two
# simple characters every rule says "break", in every Unicode version since 9.0.
_COMPLEX_CLASS = (
    r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
    r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}]"
)
_SIMPLE_CLASS = "[^" + _COMPLEX_CLASS[1:]
# Two simple characters in a row: a certain boundary between them. Searched backwards.
_SAFE_PAIR_BACKWARDS = regex.compile(rf"(?r){_SIMPLE_CLASS}{_SIMPLE_CLASS}")
_SIMPLE_CHAR = regex.compile(_SIMPLE_CLASS)
_GRAPHEME = regex.compile(r"\X")
# Indic conjuncts (GB9c): a consonant, then (extend or linker characters with at least
# one linker, then a consonant) repeated. Every consonant after the first was joined by
# GB9c and starts a cluster of its own under Unicode 15.0.
_INCB_LINKER = regex.compile(r"\p{InCB=Linker}")
_INCB_CONSONANT = regex.compile(r"\p{InCB=Consonant}")
_GB9C_CHAIN = regex.compile(
    r"\p{InCB=Consonant}(?:[\p{InCB=Extend}\p{InCB=Linker}]*\p{InCB=Linker}"
    r"[\p{InCB=Extend}\p{InCB=Linker}]*\p{InCB=Consonant})+"
)
_CRLF = re.compile("\r\n")
_REGIONAL_RUN = regex.compile(r"\p{Regional_Indicator}{3,}")
_LONG_REGIONAL_RUN = 64
# count_all measures the same text for Bluesky and (often unchanged) Mastodon, and the
# thread splitter counts the same parts repeatedly.
_CACHE_SIZE = 32
# How far back to look for a certain boundary before scanning the whole prefix.
_BACKWARD_WINDOW = 512


@dataclass(frozen=True, slots=True)
class _FastPatterns:
    """`re` stand-ins for the `regex` classes above, for finding the complex stretches.

    The `regex` module tests Unicode properties at about 40 ns a character; a `re`
    character class of BMP ranges is a bitmap lookup, about ten times faster. Every
    character outside the BMP counts as complex here: a superset is safe (a stretch
    only gets longer), and emoji, the usual astral characters, are rare enough that
    segmenting around them costs less than testing every character exactly. Built
    once from the `regex` module's own data (about 10 ms), so both always agree with
    the ``\\X`` they stand in for.
    """

    islands: re.Pattern[str]
    linker: re.Pattern[str]


@cache
def _fast_patterns() -> _FastPatterns:
    bmp = "".join(map(chr, range(0x10000)))

    def ranges(pattern: str) -> str:
        found = regex.compile(pattern + "+").finditer(bmp)
        return "".join(f"\\u{match.start():04x}-\\u{match.end() - 1:04x}" for match in found)

    astral = "\\U00010000-\\U0010ffff"
    complex_chars = ranges(_COMPLEX_CLASS) + astral
    complex_class = f"[{complex_chars}]"
    simple_class = f"[^{complex_chars}]"
    return _FastPatterns(
        islands=re.compile(f"{complex_class}+(?:{simple_class}{{1,8}}{complex_class}+)*"),
        linker=re.compile(f"[{ranges(_INCB_LINKER.pattern)}{astral}]"),
    )


def _clusters_in(segment: str) -> int:
    """Grapheme clusters in a string segmented on its own."""
    return _GRAPHEME.subn("", segment)[1]


def _regions(text: str) -> Iterator[tuple[int, int]]:
    """The stretches that need real segmentation, in order and apart from each other.

    Each is an island of complex characters with one character either side (a mark
    joins the letter before it, a Prepend mark the letter after it). Islands are at
    least nine simple characters apart, so both ends of every stretch are certain
    boundaries and each simple character outside the stretches is a cluster of its own.
    """
    if text.isascii():
        # Among ASCII characters only CR (before LF) is complex.
        for match in _CRLF.finditer(text):
            yield match.start(), match.end()
        return
    length = len(text)
    islands = _fast_patterns().islands
    for island in islands.finditer(text):
        yield max(island.start() - 1, 0), min(island.end() + 1, length)


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut [start, end), which starts on a certain boundary, at more certain boundaries.

    The `regex` module decides each boundary inside a run of regional indicators by
    counting the indicators before it, which is quadratic on a long run; an even
    number of indicators into a run is always a boundary, so long runs are cut there.
    """
    if end - start < _LONG_REGIONAL_RUN:
        yield start, end
        return
    position = start
    for run in _REGIONAL_RUN.finditer(text, start, end):
        for cut in range(run.start() + 2, run.end(), 2):
            yield position, cut
            position = cut
    yield position, end


@lru_cache(maxsize=_CACHE_SIZE)
def grapheme_count(text: str) -> int:
    """Extended grapheme clusters under current Unicode rules (ICU, Bluesky).

    Args:
        text: any text, lone surrogates included.

    Returns:
        The number of clusters, 0 for the empty string.
    """
    joined = 0
    for start, end in _regions(text):
        for low, high in _pieces(text, start, end):
            joined += (high - low) - _clusters_in(text[low:high])
    return len(text) - joined


def _has_linker(text: str) -> bool:
    if text.isascii():
        return False
    candidate = _fast_patterns().linker.search(text)
    if candidate is None:
        return False
    # The fast class takes any astral character for a possible linker.
    return ord(candidate.group()) <= 0xFFFF or _INCB_LINKER.search(text) is not None


@lru_cache(maxsize=_CACHE_SIZE)
def _gb9c_joined_positions(text: str) -> tuple[int, ...]:
    """Where GB9c joined a consonant that Unicode 15.0 would start a new cluster with."""
    if not _has_linker(text):
        return ()
    positions: list[int] = []
    for chain in _GB9C_CHAIN.finditer(text):
        consonants = _INCB_CONSONANT.finditer(text, chain.start() + 1, chain.end())
        positions.extend(match.start() for match in consonants)
    return tuple(positions)


@lru_cache(maxsize=_CACHE_SIZE)
def grapheme_count_ruby34(text: str) -> int:
    """Extended grapheme clusters as Ruby 3.4 (Unicode 15.0) counts them, for Mastodon.

    Unicode 15.0 has no rule GB9c, so a Devanagari conjunct such as ``क्ष`` is two
    clusters: the consonant after the virama starts a new one.

    Args:
        text: any text.

    Returns:
        The number of clusters.
    """
    return grapheme_count(text) + len(_gb9c_joined_positions(text))


def _certain_boundary_at_or_before(text: str, index: int) -> int:
    """The largest position <= index that is a grapheme boundary whatever the context."""
    if index <= 0:
        return 0
    if index >= len(text):
        return len(text)
    if _SIMPLE_CHAR.match(text, index - 1) and _SIMPLE_CHAR.match(text, index):
        return index
    low = max(index - _BACKWARD_WINDOW, 0)
    match = _SAFE_PAIR_BACKWARDS.search(text, low, index + 1)
    if match is None and low > 0:
        match = _SAFE_PAIR_BACKWARDS.search(text, 0, low + 1)
    return 0 if match is None else match.start() + 1


def cluster_start(text: str, index: int) -> int:
    """The start of the grapheme cluster that holds ``text[index]`` (current rules).

    Args:
        text: any text.
        index: a Python index; values outside the text are clamped to [0, len(text)].

    Returns:
        A cluster boundary <= index (len(text) when index >= len(text)).
    """
    if index <= 0:
        return 0
    if index >= len(text):
        return len(text)
    boundary = _certain_boundary_at_or_before(text, index)
    if boundary == index:
        return index
    start = boundary
    # Segmenting a prefix gives the same boundaries as segmenting the whole text: no
    # rule looks to the right of the position it decides.
    *_, (low, high) = _pieces(text, boundary, index + 1)
    for match in _GRAPHEME.finditer(text[low:high]):
        start = low + match.start()
    return start


def _clusters_between(
    text: str, start: int, end: int
) -> Iterator[tuple[int, int, regex.Match[str]]]:
    """``\\X`` matches of each piece of [start, end), with the piece's bounds."""
    for low, high in _pieces(text, start, end):
        for match in _GRAPHEME.finditer(text[low:high]):
            yield low, high, match


def nth_cluster_start(text: str, n: int, *, ruby34: bool = False) -> int | None:
    """Where cluster number `n` (0-based) starts, or None if the text has fewer.

    Used to find where a grapheme-limited post overflows: with a limit of 300, the
    overflow starts at cluster 300.

    Args:
        text: any text.
        n: the 0-based cluster number.
        ruby34: use Ruby 3.4's rules (no GB9c), as `grapheme_count_ruby34` does.

    Returns:
        The Python index where that cluster starts, or None.
    """
    if n <= 0:
        return 0 if n == 0 and text else (0 if n < 0 else None)
    # GB9c chains lie inside the stretches (their linkers are complex characters and
    # the consonants either side are the stretch's end characters).
    joins = _gb9c_joined_positions(text) if ruby34 else ()
    seen = 0  # clusters that start before `position`
    position = 0  # a certain boundary
    for start, end in _regions(text):
        if seen + (start - position) > n:
            return position + (n - seen)
        seen += start - position
        for low, _high, match in _clusters_between(text, start, end):
            cluster_begin, cluster_end = low + match.start(), low + match.end()
            first = bisect_right(joins, cluster_begin)
            last = bisect_right(joins, cluster_end - 1)
            for begin in (cluster_begin, *joins[first:last]):
                if seen == n:
                    return begin
                seen += 1
        position = end
    if seen + (len(text) - position) > n:
        return position + (n - seen)
    return None


def utf8_length(text: str) -> int:
    """Length in UTF-8 bytes; a lone surrogate counts 3, as U+FFFD does in JavaScript."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units; characters beyond U+FFFF count 2, lone surrogates 1."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def prefix_within(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length p with ``measure(text[:p]) <= limit``.

    `measure` must grow with the prefix (UTF-8 bytes, UTF-16 units); each character
    adds at least 1, so the answer is at most `limit` and a binary search over the
    first ``limit + 1`` characters finds it with a few C-speed encodes.

    Args:
        text: any text.
        limit: the budget, >= 0.
        measure: a monotonic size function.

    Returns:
        A prefix length in [0, len(text)].
    """
    if measure(text) <= limit:
        return len(text)
    low, high = 0, min(len(text), max(limit, 0) + 1)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


# --- NFC with offsets ------------------------------------------------------------------

# A boundary for normalisation: NFC never changes anything across the position before a
# starter (ccc=0) that cannot combine with what precedes it (NFC_Quick_Check=Yes).
_NFC_BOUNDARY = regex.compile(r"(?V1)[\p{ccc=0}&&\p{NFC_QC=Y}]")
_NFC_BOUNDARY_BACKWARDS = regex.compile(r"(?V1r)[\p{ccc=0}&&\p{NFC_QC=Y}]")
# Characters that NFC may change or move: everything that is not such a boundary.
_NFC_SUSPECT = regex.compile(r"(?V1)[^\p{ccc=0}&&\p{NFC_QC=Y}]")


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A stretch that NFC rewrote: original [orig_start, orig_end) became [start, end)."""

    start: int
    end: int
    orig_start: int
    orig_end: int


@dataclass(frozen=True, slots=True)
class Normalized:
    """NFC text and the way back to indices of the original text.

    Attributes:
        text: the NFC form.
        chunks: the stretches NFC changed, in order; text outside them is unchanged and
            only shifted.
    """

    text: str
    chunks: tuple[_Chunk, ...] = ()

    def to_original(self, index: int) -> int:
        """Map an index of the NFC text to the original text.

        An index inside a rewritten stretch maps to the start of that stretch: the
        stretches are one base character and its marks, so this is the start of the
        character the user sees.

        Args:
            index: a Python index into `text` (clamped to [0, len(text)]).

        Returns:
            The matching index into the original text.
        """
        index = min(max(index, 0), len(self.text))
        if not self.chunks:
            return index
        starts = [chunk.start for chunk in self.chunks]
        position = bisect_right(starts, index) - 1
        if position < 0:
            return index
        chunk = self.chunks[position]
        if index < chunk.end:
            return chunk.orig_start
        return index - chunk.end + chunk.orig_end


def _split_at_starters(segment: str) -> list[str]:
    """Split before every character with canonical combining class 0."""
    pieces: list[str] = []
    begin = 0
    for offset in range(1, len(segment)):
        if unicodedata.combining(segment[offset]) == 0:
            pieces.append(segment[begin:offset])
            begin = offset
    pieces.append(segment[begin:])
    return pieces


def nfc(text: str) -> Normalized:
    """NFC-normalise `text` and remember where each part came from.

    Twitter-text counts the NFC form, but the editor highlights the original, so the
    counters need both. Text that is already NFC (almost all typed text) costs one
    C-speed check.

    Args:
        text: any text.

    Returns:
        The normalised text with its offset map.
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return Normalized(text)
    out: list[str] = []
    chunks: list[_Chunk] = []
    copied = 0  # original text before this index is already in `out`
    produced = 0  # length of "".join(out)
    search_from = 0
    length = len(text)
    while True:
        suspect = _NFC_SUSPECT.search(text, search_from)
        if suspect is None:
            break
        boundary = _NFC_BOUNDARY_BACKWARDS.search(text, search_from, suspect.start())
        region_start = search_from if boundary is None else boundary.start()
        after = _NFC_BOUNDARY.search(text, suspect.end())
        region_end = length if after is None else after.start()
        region = text[region_start:region_end]
        normalized = unicodedata.normalize("NFC", region)
        search_from = region_end
        if normalized == region:
            continue
        unchanged = text[copied:region_start]
        out.append(unchanged)
        produced += len(unchanged)
        # Finer offsets where the region splits cleanly at starters (a run of NFD
        # letters); otherwise the region maps as a whole.
        pieces = _split_at_starters(region)
        piece_forms = [unicodedata.normalize("NFC", piece) for piece in pieces]
        if len(pieces) == 1 or "".join(piece_forms) != normalized:
            pieces, piece_forms = [region], [normalized]
        orig = region_start
        for piece, form in zip(pieces, piece_forms, strict=True):
            if form != piece:
                chunks.append(_Chunk(produced, produced + len(form), orig, orig + len(piece)))
            out.append(form)
            produced += len(form)
            orig += len(piece)
        copied = region_end
    out.append(text[copied:])
    return Normalized("".join(out), tuple(chunks))
