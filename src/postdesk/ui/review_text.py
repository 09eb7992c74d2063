"""The review screen's words: what it shows about a revision, as plain functions.

Kept apart from the widgets, and free of Qt, so the words can be tested on their own and
reused where the same facts are told elsewhere (the published history says how a post went
out in the words the review screen uses) without loading the review screen.
"""

from __future__ import annotations

import difflib
import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from postdesk.workflow.service import ReviewDiff, Revision

# A carriage return would become a line break in the text view, and "\r\n" one position
# where the body has two code points: shown as a symbol, positions stay one for one.
_CARRIAGE_RETURN_SYMBOL = "\u240d"
_TOKENS = re.compile(r"\s+|\S+")
# A label wraps only between words, so one long "word" (an e-mail address as a name, a
# pasted link in a reason) would set the window's minimum width; after this many
# characters a run without spaces may break too (see `breakable`).
_LONG_RUN = 20
_ZERO_WIDTH_SPACE = "\u200b"
# Around user text inside a sentence: its direction (right-to-left, or an unclosed
# override) stays inside it and cannot reorder the words around it.
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"


def code_point_index(text: str, position: int, *, round_up: bool = False) -> int:
    """The code-point offset into `text` of a Qt position (UTF-16 units).

    A position inside a surrogate pair (never on a grapheme boundary, but setPosition
    allows it) rounds down to the character's start, or up past it with `round_up`.
    """
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > position:
            return index + 1 if round_up else index
    return len(text)


def breakable(text: str, run: int = _LONG_RUN) -> str:
    """`text` with a zero-width space every `run` characters of any longer run without
    spaces, so a word-wrapped label can wrap it instead of widening the window.

    Breaks fall between grapheme clusters only: an emoji sequence or a letter with its
    accents stays whole. Only for what is shown: screen readers get the text as it was.
    """
    import regex

    def split(match: regex.Match[str]) -> str:
        clusters = regex.findall(r"\X", match.group(0))
        return _ZERO_WIDTH_SPACE.join(
            "".join(clusters[start : start + run]) for start in range(0, len(clusters), run)
        )

    return str(regex.sub(rf"[^\s\u200b]{{{run + 1},}}", split, text))


def tooltip_html(text: str) -> str:
    """A tooltip that wraps: Qt wraps rich text only, so the user's text is escaped."""
    return f"<p>{html.escape(text)}</p>" if text else ""


def display_text(body: str) -> str:
    """The body as the text view holds it: the same code points, one position each."""
    return body.replace("\r", _CARRIAGE_RETURN_SYMBOL)


def changes_html(diff: ReviewDiff) -> str:
    """What changed since the reviewer last looked, word by word, marked in words too."""
    current = diff.current
    if diff.base is None:
        return (
            f"<p>You have not looked at this draft before: all of revision {current.number} "
            "is new to you.</p>"
        )
    if diff.base.id == current.id:
        return f"<p>No changes since you last looked (revision {current.number}).</p>"
    before, after = _TOKENS.findall(diff.base.body), _TOKENS.findall(current.body)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(html.escape("".join(after[j1:j2])))
            continue
        if tag in ("replace", "delete"):
            out.append(f"<s>[removed: {html.escape(''.join(before[i1:i2]))}]</s>")
        if tag in ("replace", "insert"):
            out.append(f"<u><b>[added: {html.escape(''.join(after[j1:j2]))}]</b></u>")
    return (
        f"<p>From revision {diff.base.number}, which you last looked at, to revision "
        f"{current.number}. Added words are underlined, removed ones struck through.</p>"
        f'<p style="white-space: pre-wrap">{"".join(out)}</p>'
    )


def channels_text(revision: Revision) -> str:
    """The channels a revision goes to, by name."""
    from postdesk.analysis.channels import Channel

    # In the order the Write screen shows them, which the database does not keep.
    known = [channel.label for channel in Channel if channel.value in revision.channels]
    names = known + [c for c in revision.channels if c not in Channel._value2member_map_]
    return f"Channels: {', '.join(names)}." if names else "Channels: none chosen."


def thread_text(revision: Revision, posts: dict[str, int]) -> str:
    """What "post as a thread" means for this revision, in words ("" when not chosen)."""
    if not revision.as_thread:
        return ""
    text = "Will post as a thread where it is too long for one post"
    if posts:
        counts = ", ".join(f"{name}: {n} posts" for name, n in posts.items())
        return f"{text} ({counts})."
    return f"{text}."


def essential_text(revision: Revision, *, isolate: bool = False, wrap: bool = True) -> str:
    """The author's election-period claim, with their reason ("" when not made).

    With `isolate`, the reason is wrapped in direction isolates for display, and (unless
    `wrap` is False, for text that flows as HTML anyway) given invisible break points.
    """
    if not revision.essential:
        return ""
    reason = " ".join(revision.essential_reason.split())
    if not reason:
        return "Marked essential for the election period, but with no reason given."
    if isolate:
        reason = f"{_ISOLATE}{breakable(reason) if wrap else reason}{_END_ISOLATE}"
    return f"Marked essential for the election period: {reason}"
