"""Split a long post into a numbered thread whose parts each fit a channel.

Each part is counted with the channel's own counter, numbering included, so a part
that the splitter returns is a part the channel accepts. Breaks, in order of
preference:

1. after a sentence (`postdesk.analysis.sentences`), or at a line break, when the part
   is then at least half full;
2. otherwise at the last white space that fits;
3. when a single word is longer than a whole part, inside the word at the last
   grapheme cluster boundary that fits, avoiding the inside of URLs, mentions and
   hashtags when any other boundary fits. A URL is broken only when it cannot fit in a
   part on its own (on X and Mastodon a URL counts 23 whatever its length, so only a
   URL so long that the platform no longer treats it as one);
4. a single grapheme cluster that is over the limit by itself (a tower of thousands of
   combining marks) is cut between code points: better a readable split than a part
   the channel refuses.

Parts never include the white space around a break, and each part's ``start``/``end``
indexes the original text, so ``text[part.start:part.end] == part.body``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import islice
from string import Formatter

import regex

from postdesk.analysis.channels import DEFAULT_MASTODON, Channel, MastodonServer
from postdesk.analysis.count_mastodon import extract_mentions
from postdesk.analysis.counting import ChannelCount, count
from postdesk.analysis.sentences import split_sentences
from postdesk.analysis.urls import extract_mastodon_urls, extract_x_urls

__all__ = ["SplitError", "ThreadPart", "split_thread"]

_WHITE_SPACE = re.compile(r"\s+")
_GRAPHEME = regex.compile(r"\X")
_HASHTAG = regex.compile(r"(?<![\w&])[#\uff03][\p{L}\p{M}\p{Nd}_\u200c\u200d]+")
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Try the sentence break only when the part it leaves is at least this full.
_MIN_SENTENCE_FILL = 0.5
# Guard against numbering that grows forever (it cannot: see split_thread).
_MAX_NUMBERING_ROUNDS = 12


class SplitError(ValueError):
    """The text cannot be split: the numbering alone does not fit the channel."""


@dataclass(frozen=True, slots=True)
class ThreadPart:
    """One post of a thread.

    Attributes:
        index: the 1-based position in the thread.
        total: the number of parts.
        start: the index of the part's first character in the original text.
        end: one past its last character.
        body: ``text[start:end]``.
        text: what to publish: the body and the numbering.
        count: the channel's count of `text`.
    """

    index: int
    total: int
    start: int
    end: int
    body: str
    text: str
    count: ChannelCount


@dataclass(frozen=True, slots=True)
class _Break:
    """A place where one part can end and the next begin."""

    end: int  # the part ends here (exclusive)
    next_start: int  # the next part starts here
    sentence: bool  # a sentence end or a line break


def _numbering(template: str | None, index: int, total: int) -> str:
    if template is None:
        return ""
    return " " + template.format(i=index, n=total)


def _check_template(template: str | None) -> None:
    if template is None:
        return
    fields = {field for _, field, _, _ in Formatter().parse(template) if field is not None}
    if not fields <= {"i", "n"}:
        raise ValueError(f"numbering may only use {{i}} and {{n}}, not {sorted(fields)}")


def _protected(text: str, channel: Channel) -> list[tuple[int, int]]:
    """URLs, mentions and hashtags: spans never to break inside if it can be helped."""
    spans = extract_x_urls(text)
    if channel is Channel.MASTODON:
        spans += extract_mastodon_urls(text)
    spans += [(start, end) for start, end, _ in extract_mentions(text)]
    spans += [match.span() for match in _HASHTAG.finditer(text)]
    return sorted(spans)


def _breaks(text: str, protected: list[tuple[int, int]]) -> list[_Break]:
    """Every white-space break outside protected spans, and the end of the text."""
    sentence_ends = {sentence.end for sentence in split_sentences(text)}
    inside = _Inside(protected)
    breaks: list[_Break] = []
    for run in _WHITE_SPACE.finditer(text):
        if run.start() == 0 or run.end() == len(text) or inside(run.start()):
            continue
        is_sentence = run.start() in sentence_ends or _LINE_BREAK.search(run.group()) is not None
        breaks.append(_Break(run.start(), run.end(), is_sentence))
    end = len(text.rstrip())
    breaks.append(_Break(end, len(text), True))
    return breaks


class _Inside:
    """Whether a position is strictly inside one of some spans (merged, then bisected)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.starts = [start for start, _ in merged]
        self.spans = merged

    def __call__(self, position: int) -> bool:
        found = bisect_left(self.starts, position) - 1
        return found >= 0 and position < self.spans[found][1]


class _Splitter:
    def __init__(
        self,
        text: str,
        channel: Channel,
        template: str | None,
        mastodon: MastodonServer,
        content_warning: str,
    ) -> None:
        self.text = text
        self.channel = channel
        self.template = template
        self.mastodon = mastodon
        self.content_warning = content_warning
        self.protected = _protected(text, channel)
        self.inside = _Inside(self.protected)
        self.breaks = _breaks(text, self.protected)
        self.break_ends = [brk.end for brk in self.breaks]
        self.last_size = 0  # how many ends the last search moved on (a guess for the next)
        largest = max(measure.limit for measure in count("", channel, mastodon=mastodon).measures)
        self.max_span = 16 * largest + 4096

    def measure(self, body: str, index: int, total: int) -> ChannelCount:
        return count(
            body + _numbering(self.template, index, total),
            self.channel,
            mastodon=self.mastodon,
            content_warning=self.content_warning,
        )

    def fits(self, start: int, end: int, index: int, total: int) -> bool:
        # Counting a huge stretch only to learn that it does not fit would make a long
        # text without white space quadratic; no part this long can fit (it would need
        # several 4,000-character URLs, each counted as 23).
        if end - start > self.max_span:
            return False
        return self.measure(self.text[start:end], index, total).fits

    def split(self, total: int) -> list[tuple[int, int]]:
        """Greedy split with the numbering of a `total`-part thread."""
        spans: list[tuple[int, int]] = []
        start = len(self.text) - len(self.text.lstrip())
        body_end = len(self.text.rstrip())
        first_break = 0
        while start < body_end:
            index = len(spans) + 1
            while first_break < len(self.breaks) and self.breaks[first_break].end <= start:
                first_break += 1
            chosen = self._best_break(start, first_break, index, total)
            if chosen is not None:
                spans.append((start, chosen.end))
                start = chosen.next_start
                continue
            end = self._inside_word(start, self.breaks[first_break].end, index, total)
            spans.append((start, end))
            start = end
        return spans

    def _best_break(self, start: int, first: int, index: int, total: int) -> _Break | None:
        """The last break that fits (preferring sentence ends), or None if none fits."""
        # Counts only grow as a part gets longer at a break (entities never span white
        # space), so a galloping search finds the last break that fits while counting
        # only parts of about the right size.
        low = self._last_fitting(start, self.break_ends, index, total, first)
        if low is None:
            return None
        best = self.breaks[low]
        if best.sentence or low + 1 == len(self.breaks):
            return best
        for candidate in reversed(self.breaks[first:low]):
            if not candidate.sentence:
                continue
            part = self.measure(self.text[start : candidate.end], index, total)
            if part.length >= _MIN_SENTENCE_FILL * part.limit:
                return candidate
            break
        return best

    def _inside_word(self, start: int, word_end: int, index: int, total: int) -> int:
        """Where to cut a word that does not fit in a part of its own."""
        # Every cluster counts at least 1 in every unit, so no part holds more clusters
        # (or code points) than the largest limit: look no further than that.
        window = max(measure.limit for measure in self.measure("", index, total).measures) + 1
        clusters = islice(_GRAPHEME.finditer(self.text, start, word_end), window)
        boundaries = [match.end() for match in clusters]
        preferred = [end for end in boundaries if not self.inside(end)]
        for candidates in (preferred, boundaries):
            best = self._last_fitting(start, candidates, index, total)
            if best is not None:
                return candidates[best]
        # One grapheme cluster is over the limit on its own: cut between code points.
        points = list(range(start + 1, min(word_end, start + window) + 1))
        best = self._last_fitting(start, points, index, total)
        if best is None:
            raise SplitError(
                f"even one character and the numbering are over the {self.channel.label} limit"
            )
        return points[best]

    def _last_fitting(
        self, start: int, ends: list[int], index: int, total: int, first: int = 0
    ) -> int | None:
        """The position in `ends` (increasing, from `first`) of the last end that fits.

        Parts of one text tend to take similar numbers of words or clusters, so the
        search first tries the previous answer's size, then gallops away from it (1, 2,
        4... steps) and bisects: usually two or three counts, at worst O(log n), and
        never a count of a part much longer than the answer.
        """
        if first >= len(ends) or not self.fits(start, ends[first], index, total):
            return None
        guess = min(first + self.last_size, len(ends) - 1)
        if guess > first and not self.fits(start, ends[guess], index, total):
            good, bad = first, guess  # the answer is below the guess
        else:
            good, step = max(guess, first), 1
            while good + step < len(ends) and self.fits(start, ends[good + step], index, total):
                good += step
                step *= 2
            bad = min(good + step, len(ends))
        while bad - good > 1:
            middle = (good + bad) // 2
            if self.fits(start, ends[middle], index, total):
                good = middle
            else:
                bad = middle
        self.last_size = good - first
        return good


def split_thread(
    text: str,
    channel: Channel,
    *,
    numbering: str | None = "{i}/{n}",
    mastodon: MastodonServer = DEFAULT_MASTODON,
    content_warning: str = "",
    number_single: bool = False,
) -> list[ThreadPart]:
    """Split `text` into posts that each fit `channel`.

    Args:
        text: the whole text; white space at the breaks is dropped.
        channel: the channel whose counter and limit apply.
        numbering: appended to each part after a space, with ``{i}`` the part number
            and ``{n}`` the number of parts; None for no numbering.
        mastodon: the Mastodon server's limits (for Mastodon).
        content_warning: Mastodon's content warning, repeated on every part and counted.
        number_single: number a text that fits in one post anyway ("1/1").

    Returns:
        The parts in order; an empty list for an empty or blank text.

    Raises:
        SplitError: the numbering (or the content warning) leaves no room at all.
        ValueError: `numbering` uses a field other than ``{i}`` and ``{n}``.
    """
    channel = Channel(channel)
    _check_template(numbering)
    if not text.strip():
        return []
    splitter = _Splitter(text, channel, numbering, mastodon, content_warning)
    body_start = len(text) - len(text.lstrip())
    body_end = len(text.rstrip())
    single_template = numbering if number_single else None
    single = count(
        text[body_start:body_end] + _numbering(single_template, 1, 1),
        channel,
        mastodon=mastodon,
        content_warning=content_warning,
    )
    if single.fits:
        spans = [(body_start, body_end)]
        splitter.template = single_template
    else:
        # With a longer "i/n" every part holds less, so the number of parts never goes
        # down as the guess grows: iterating from 2 reaches the smallest consistent
        # number. Fewer parts than guessed (a template whose width does not grow) only
        # shortens the numbering, so those parts fit too.
        # Start from a guess that is rarely above the answer (the whole text's length over
        # the limit), so that one or two rounds usually settle it.
        total = max(2, -(-single.length // max(single.limit, 1)))
        for _ in range(_MAX_NUMBERING_ROUNDS):
            spans = splitter.split(total)
            if len(spans) <= total:
                break
            total = len(spans)
    parts: list[ThreadPart] = []
    for position, (start, end) in enumerate(spans, start=1):
        body = text[start:end]
        published = body + _numbering(splitter.template, position, len(spans))
        parts.append(
            ThreadPart(
                index=position,
                total=len(spans),
                start=start,
                end=end,
                body=body,
                text=published,
                count=count(published, channel, mastodon=mastodon, content_warning=content_warning),
            )
        )
    return parts
