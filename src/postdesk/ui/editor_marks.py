"""Which spans of the draft get which mark in the editor, and in which colours.

The editor shows four kinds of mark over the text, Hemingway-style: hard and very hard
sentences (a background), the part that does not fit a channel (a background), and
spelling and grammar problems (a wavy underline). This module decides the spans, the
words that go with each mark, and colours that keep the text readable; the Qt side
(`postdesk.ui.draft_editor`) only turns them into ``QTextEdit.ExtraSelection``s.

No Qt here, so it is tested without widgets. Marks carry Qt positions (UTF-16 units):
they are made once per report, from the report's Python offsets, and from then on Qt's
cursors move them with the text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from postdesk.analysis.offsets import Utf16Index

if TYPE_CHECKING:
    from postdesk.analysis.findings import Finding
    from postdesk.analysis.readability import ReadabilityReport

__all__ = [
    "MAX_MARKS_PER_LAYER",
    "MAX_SUGGESTIONS",
    "Mark",
    "MarkKind",
    "MarkLayer",
    "MarkStyle",
    "adjust_for_contrast",
    "contrast_ratio",
    "grammar_marks",
    "ignore_key",
    "is_dark",
    "mark_at",
    "mark_styles",
    "readability_marks",
]

# Each mark is a QTextCursor that Qt moves on every edit; a pathological draft (thousands
# of misspellings) must not make every keystroke pay for thousands. The findings panel
# still lists everything.
MAX_MARKS_PER_LAYER = 400
# A context menu with more than this many replacements is a list to read, not a fix.
MAX_SUGGESTIONS = 5
# WCAG 2.2 AA: text against its background, and non-text marks (the underline).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0
_GRAMMAR_RULES = frozenset({"spelling", "grammar"})


class MarkKind(StrEnum):
    """What a mark says about its span."""

    HARD = "hard"
    VERY_HARD = "very-hard"
    OVERFLOW = "overflow"
    SPELLING = "spelling"
    GRAMMAR = "grammar"

    @property
    def actionable(self) -> bool:
        """Whether the context menu offers fixes for it (spelling and grammar)."""
        return self in (MarkKind.SPELLING, MarkKind.GRAMMAR)


# Which mark the tooltip and the context menu speak for where marks overlap.
_PRIORITY = {
    MarkKind.SPELLING: 0,
    MarkKind.GRAMMAR: 1,
    MarkKind.OVERFLOW: 2,
    MarkKind.VERY_HARD: 3,
    MarkKind.HARD: 4,
}


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to mark in the editor.

    Attributes:
        kind: what it says.
        start: the Qt (UTF-16) position where it starts, when it was made.
        end: the Qt position one past its end, when it was made.
        tooltip: the mark in words, shown on hover (colour is never the only signal).
        suggestions: replacements for the span, best first (spelling and grammar).
        ignore_key: what "Ignore" remembers for the session; None when it cannot be
            ignored (readability marks are not opinions about one word).
        words: the text the mark was made for, so a fix can check it is still there.
    """

    kind: MarkKind
    start: int
    end: int
    tooltip: str
    suggestions: tuple[str, ...] = ()
    ignore_key: tuple[str, ...] | None = None
    words: str = ""


@dataclass(frozen=True, slots=True)
class MarkStyle:
    """How one kind of mark looks: colours as ``#rrggbb``, None for "not drawn"."""

    background: str | None = None
    underline: str | None = None


def readability_marks(
    report: ReadabilityReport, text: str, index: Utf16Index | None = None
) -> list[Mark]:
    """Marks for the hard and very hard sentences of `text`.

    Args:
        report: the readability report made from `text`.
        text: the text it was made from (spans are clamped to it).
        index: a `Utf16Index` of `text`, when the caller already has one.

    Returns:
        In text order, at most `MAX_MARKS_PER_LAYER`.
    """
    index = index or Utf16Index(text)
    marks: list[Mark] = []
    for sentence in report.sentences:
        difficulty = sentence.difficulty.value
        if difficulty not in (MarkKind.HARD, MarkKind.VERY_HARD):
            continue
        start, end = _clamp(sentence.start, sentence.end, len(text))
        if start == end:
            continue
        words = f"{sentence.word_count} words, grade {sentence.level}"
        if difficulty == MarkKind.VERY_HARD:
            kind = MarkKind.VERY_HARD
            tooltip = f"Very hard to read: {words}. Split it into shorter sentences."
        else:
            kind = MarkKind.HARD
            tooltip = f"Hard to read: {words}. Shorter sentences and shorter words help."
        marks.append(
            Mark(
                kind,
                index.to_utf16(start),
                index.to_utf16(end),
                tooltip,
                words=text[start:end],
            )
        )
        if len(marks) >= MAX_MARKS_PER_LAYER:
            break
    return marks


def grammar_marks(
    findings: Iterable[Finding],
    text: str,
    index: Utf16Index | None = None,
    ignored: frozenset[tuple[str, ...]] | set[tuple[str, ...]] = frozenset(),
) -> list[Mark]:
    """Underline marks for the spelling and grammar findings of `text`.

    Args:
        findings: findings for `text` (only ``spelling`` and ``grammar`` ones are used).
        text: the text they were made from.
        index: a `Utf16Index` of `text`, when the caller already has one.
        ignored: `ignore_key`s the author chose to ignore this session.

    Returns:
        In text order, at most `MAX_MARKS_PER_LAYER`.
    """
    index = index or Utf16Index(text)
    marks: list[Mark] = []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        if finding.rule not in _GRAMMAR_RULES:
            continue
        start, end = _clamp(finding.start, finding.end, len(text))
        if start == end:
            continue
        key = ignore_key(finding, text)
        if key in ignored:
            continue
        suggestions = _suggestions(finding)
        kind = MarkKind.SPELLING if finding.rule == "spelling" else MarkKind.GRAMMAR
        label = "Spelling" if kind is MarkKind.SPELLING else "Grammar"
        offer = f" Suggestion: “{suggestions[0]}”." if suggestions and suggestions[0] else ""
        tooltip = (
            f"{label}: {finding.message}{offer} "
            "Right-click, or press the Menu key, for suggestions."
        )
        marks.append(
            Mark(
                kind,
                index.to_utf16(start),
                index.to_utf16(end),
                tooltip,
                suggestions,
                key,
                text[start:end],
            )
        )
        if len(marks) >= MAX_MARKS_PER_LAYER:
            break
    return marks


def ignore_key(finding: Finding, text: str) -> tuple[str, ...]:
    """What "Ignore" remembers: the word for spelling, the words and message for grammar.

    Ignoring "Teh" ignores it everywhere in the draft for this session, as word
    processors do; a grammar finding is ignored where the same words get the same
    message.
    """
    start, end = _clamp(finding.start, finding.end, len(text))
    words = text[start:end]
    if finding.rule == "spelling":
        return ("spelling", words)
    return (finding.rule, words, finding.message)


class MarkLayer:
    """One layer of marks where they are now, moved along by each edit.

    Qt's cursors would move them too, but asking a hundred cursors where they are
    costs a millisecond a keystroke (measured); this is plain arithmetic on the edit
    Qt reports (``QTextDocument.contentsChange``), with the same result.

    Args:
        marks: the marks, at the positions they carry.
    """

    __slots__ = ("_longest", "_spans", "_starts")

    def __init__(self, marks: Iterable[Mark] = ()) -> None:
        self._spans: list[tuple[int, int, Mark]] = sorted(
            ((m.start, m.end, m) for m in marks if m.start < m.end), key=lambda s: s[0]
        )
        self._starts: list[int] | None = None  # built for lookups after each change
        self._longest = 0

    def __len__(self) -> int:
        return len(self._spans)

    @property
    def spans(self) -> list[tuple[int, int, Mark]]:
        """(current start, current end, mark), in text order."""
        return list(self._spans)

    def follow_edit(self, position: int, removed: int, added: int) -> list[tuple[int, int, Mark]]:
        """Move the marks for an edit; drop and return the ones it touched.

        The edit replaced `removed` units at `position` with `added` new ones. Marks
        before it stay, marks after it move by the difference, and marks it touches
        (overlapping it, or right at either edge) go: a letter typed straight after
        "teh" makes another word, and words added at either end of a hard sentence
        change the sentence.

        Returns:
            The dropped marks, with the span their text covers after the edit (to
            redraw it).
        """
        delta = added - removed
        removed_end = position + removed
        kept: list[tuple[int, int, Mark]] = []
        dropped: list[tuple[int, int, Mark]] = []
        for span in self._spans:
            start, end, mark = span
            if end < position:
                kept.append(span)
            elif start > removed_end:
                kept.append((start + delta, end + delta, mark))
            else:
                new_end = end + delta if end >= removed_end else position + added
                dropped.append((min(start, position), new_end, mark))
        self._spans = kept
        self._starts = None
        return dropped

    def remove(self, unwanted: Callable[[Mark], bool]) -> list[tuple[int, int, Mark]]:
        """Drop and return the marks `unwanted` picks."""
        dropped = [span for span in self._spans if unwanted(span[2])]
        if dropped:
            self._spans = [span for span in self._spans if not unwanted(span[2])]
            self._starts = None
        return dropped

    def where(self, mark: Mark) -> tuple[int, int] | None:
        """Where a mark is now, or None when it has been dropped."""
        for start, end, other in self._spans:
            if other is mark:
                return start, end
        return None

    def between(self, start: int, end: int) -> list[tuple[int, int, Mark]]:
        """The marks that overlap [start, end), in text order."""
        if self._starts is None:
            self._starts = [span[0] for span in self._spans]
            self._longest = max((e - s for s, e, _m in self._spans), default=0)
        # A mark that starts up to the longest mark's length before `start` may reach it.
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [span for span in self._spans[first:last] if span[1] > start]


def mark_at(marks: Sequence[tuple[int, int, Mark]], position: int) -> Mark | None:
    """The mark that speaks for a Qt position, or None.

    Args:
        marks: (current start, current end, mark) triples; the positions are where the
            mark is now, which may differ from ``mark.start`` after edits.
        position: a Qt position, such as the text cursor's. A cursor just after a
            word counts as on it, so the Menu key works straight after typing a word.

    Returns:
        Spelling or grammar before the overflow before a sentence mark, where marks
        overlap; the shorter span at a tie.
    """
    found = [
        (_PRIORITY[mark.kind], end - start, mark)
        for start, end, mark in marks
        if start <= position <= end
    ]
    if not found:
        return None
    return min(found, key=lambda item: (item[0], item[1]))[2]


def is_dark(base: str) -> bool:
    """Whether a palette with this base (editor background) colour is a dark one."""
    return _lightness(base) < 0.5


def mark_styles(base: str, text: str) -> dict[MarkKind, MarkStyle]:
    """Colours for each kind of mark on an editor with this base and text colour.

    A light or a dark set is chosen by the base's lightness. Backgrounds are then
    moved, if needed, until the text on them has at least 4.5:1 contrast (or as much
    as the text has on the base, in a palette that falls short itself), and
    underlines until they have 3:1 against the base, so the guarantee holds for any
    palette, high-contrast themes included.

    Args:
        base: the editor's background (``QPalette.Base``), ``#rrggbb``.
        text: the editor's text colour (``QPalette.Text``), ``#rrggbb``.
    """
    chosen = _DARK if is_dark(base) else _LIGHT
    # A palette whose own text and base miss 4.5:1 cannot be beaten by blending towards
    # white or black; there a highlight only promises not to make the text worse.
    minimum = min(TEXT_CONTRAST, contrast_ratio(text, base))
    styles: dict[MarkKind, MarkStyle] = {}
    for kind, (background, underline) in chosen.items():
        styles[kind] = MarkStyle(
            adjust_for_contrast(background, text, minimum) if background else None,
            adjust_for_contrast(underline, base, NON_TEXT_CONTRAST) if underline else None,
        )
    return styles


# Backgrounds (hard: yellow, as in Hemingway; very hard: orchid, so it cannot be taken
# for the overflow's red) and underline colours (spelling red, grammar blue), for light
# and dark editors. The words (tooltips, the findings panel and the readability panel)
# say the same, for anyone who cannot tell the colours apart.
_LIGHT: dict[MarkKind, tuple[str | None, str | None]] = {
    MarkKind.HARD: ("#fbe99b", None),
    MarkKind.VERY_HARD: ("#efc4f0", None),
    MarkKind.OVERFLOW: ("#f6d7d2", None),
    MarkKind.SPELLING: (None, "#c42b1c"),
    MarkKind.GRAMMAR: (None, "#0a5dc2"),
}
_DARK: dict[MarkKind, tuple[str | None, str | None]] = {
    MarkKind.HARD: ("#574800", None),
    MarkKind.VERY_HARD: ("#5a2560", None),
    MarkKind.OVERFLOW: ("#6e2a22", None),
    MarkKind.SPELLING: (None, "#ff8a80"),
    MarkKind.GRAMMAR: (None, "#8ab4f8"),
}


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def adjust_for_contrast(colour: str, against: str, minimum: float) -> str:
    """`colour`, blended towards white or black until it contrasts enough with `against`.

    Takes the smallest blend that is enough, trying first the way that leads away from
    `against` (lighter for a colour lighter than it), so the result keeps as much of the
    chosen hue as the contrast allows. When no blend is enough, white or black,
    whichever contrasts more.
    """
    if contrast_ratio(colour, against) >= minimum:
        return colour
    lighter = _luminance(colour) >= _luminance(against)
    targets = ("#ffffff", "#000000") if lighter else ("#000000", "#ffffff")
    for step in range(1, 21):
        for target in targets:
            blended = _blend(colour, target, step / 20)
            if contrast_ratio(blended, against) >= minimum:
                return blended
    return max(targets, key=lambda target: contrast_ratio(target, against))


def _suggestions(finding: Finding) -> tuple[str, ...]:
    # The grammar checker offers several; other rules at most one.
    several = finding.suggestions or (() if finding.suggestion is None else (finding.suggestion,))
    return tuple(dict.fromkeys(several))[:MAX_SUGGESTIONS]


def _clamp(start: int, end: int, length: int) -> tuple[int, int]:
    start = min(max(start, 0), length)
    return start, min(max(end, start), length)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _lightness(colour: str) -> float:
    """HSL lightness, 0-1, as ``QColor.lightnessF`` gives it."""
    channels = _rgb(colour)
    return (max(channels) + min(channels)) / 2 / 255


def _blend(colour: str, target: str, amount: float) -> str:
    mixed = (round(a + (b - a) * amount) for a, b in zip(_rgb(colour), _rgb(target), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)
