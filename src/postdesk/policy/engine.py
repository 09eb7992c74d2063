"""The policy pass: a pack's automatic checks, and its settings for everyone's findings.

One engine holds one pack, with its checkers built once. It answers four questions:

- `PolicyEngine.check`: what do the pack's automatic rules find in this text?
- `PolicyEngine.apply_overrides`: what do the findings of other checkers become
  under this pack (``sentence-length`` switched off, ``over-limit`` made a warning)?
- `PolicyEngine.run`: both at once, merged and sorted: the one call the analysis
  pipeline makes;
- `PolicyEngine.rules` and `PolicyEngine.outstanding_sign_offs`: what is in force.

Keeping the last good pack: `PolicyEngine.reload` reads the department's pack file
again and switches to it only if it loads; otherwise the engine keeps the pack it had
and returns the problems for the UI to show.

Limits, so that a pasted book keeps the editor responsive: only the first
`MAX_ANALYSED_CHARS` characters are checked (as the readability engine does), a rule
gives at most `MAX_FINDINGS_PER_RULE` findings, and pattern rules written by a pack's
author run under a timeout (`postdesk.policy.rules.pattern`). A rule that fails with
an error gives a block-level finding (PRODUCT-ANCHORS W4: enforcement fails closed)
and the error is logged.

Words to avoid: the analysis engine's ``plain-english`` check keeps GOV.UK's list;
the pack's ``words-to-avoid`` rule holds the pack's own list (inclusive language in
the default pack, a department's additions). Where both flag the same words, `run`
keeps only the pack's finding, so a department's word and message win.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.sentences import MAX_ANALYSED_CHARS, split_sentences
from postdesk.policy import dictionary
from postdesk.policy.features import Link
from postdesk.policy.model import (
    Pack,
    PackError,
    PackProblem,
    Rule,
    RuleInfo,
    RuleKind,
    Signer,
    SignOffItem,
)
from postdesk.policy.pack import load_default_pack, load_pack
from postdesk.policy.rules import KINDS
from postdesk.policy.rules.base import Checker, CheckInput
from postdesk.policy.rules.date_window import window_of
from postdesk.policy.rules.links import active as link_rule_active
from postdesk.policy.signoff import SignOff, outstanding_sign_offs, required_sign_offs

__all__ = ["MAX_ANALYSED_CHARS", "MAX_FINDINGS_PER_RULE", "PolicyEngine"]

log = logging.getLogger(__name__)

# Enough to underline every problem in any real post; a pasted book gets the first few
# hundred of each kind rather than tens of thousands of underlines.
MAX_FINDINGS_PER_RULE = 200
# Results for the last few texts: the panels ask again about an unchanged text.
_RESULT_CACHE_SIZE = 8
_WARM_UP_TEXT = (
    "PLEASE NOTE the #staysafe ULEZ e.g. click here http://bit.ly/x 07700 900123 \U0001f389\u200b"
)
# One entry per distinct sentence; a 100,000-character text has about 1,000.
_PIECE_CACHE_SIZE = 8192
# The analysis engine's GOV.UK list, which the pack's words-to-avoid overrides.
_PLAIN_ENGLISH = "plain-english"
_WORDS_TO_AVOID = "words-to-avoid"


@dataclass(frozen=True)
class _State:
    """Everything built from one pack, swapped in as a whole so checks never see a mix.

    Attributes:
        pack: the pack.
        per_sentence: checkers run on each sentence, cached per sentence.
        whole_text: checkers run on the whole text.
        pieces: the per-sentence cache, keyed by the sentence's text.
    """

    pack: Pack
    per_sentence: tuple[tuple[Rule, Checker], ...]
    whole_text: tuple[tuple[Rule, Checker], ...]
    pieces: OrderedDict[str, _Piece] = field(default_factory=OrderedDict)


@dataclass(frozen=True)
class _Piece:
    """What one sentence (or the space between two) yields, relative to its start."""

    masked: str
    links: tuple[Link, ...]
    hashtags: tuple[tuple[int, int], ...]
    emoji: tuple[tuple[int, int], ...]
    findings: tuple[Finding, ...]


class PolicyEngine:
    """Checks texts against one rule pack, and keeps the last good pack on reload."""

    def __init__(self, pack: Pack | None = None, *, pack_path: Path | str | None = None) -> None:
        """Build an engine.

        Args:
            pack: the pack to use; by default the default pack, or the department pack
                at `pack_path` merged over it.
            pack_path: a department pack file, remembered for `reload`.

        Raises:
            PackError: when `pack_path` is given, `pack` is not, and the file is bad.
        """
        self._path = Path(pack_path) if pack_path is not None else None
        if pack is None:
            pack = load_pack(self._path) if self._path is not None else load_default_pack()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, bool, date], tuple[Finding, ...]] = OrderedDict()
        self._problems: tuple[PackProblem, ...] = ()
        self._state = self._build(pack)

    # -- the pack ---------------------------------------------------------------------

    @property
    def pack(self) -> Pack:
        """The pack in force."""
        return self._state.pack

    @property
    def pack_path(self) -> Path | None:
        """The department pack file `reload` reads, if any."""
        return self._path

    @property
    def problems(self) -> tuple[PackProblem, ...]:
        """The problems of the last failed `reload` (empty after a good one)."""
        return self._problems

    def set_pack(self, pack: Pack) -> None:
        """Switch to another (already validated) pack."""
        state = self._build(pack)
        with self._lock:
            self._state = state
            self._cache.clear()  # the per-sentence cache belongs to the old state
            self._problems = ()

    def reload(self, pack_path: Path | str | None = None) -> list[PackProblem]:
        """Read the department pack again; keep the current pack if it has problems.

        Args:
            pack_path: a new pack file to use from now on; by default the one given
                before (with none, the default pack is reloaded).

        Returns:
            The problems found; empty when the new pack is now in force.
        """
        path = Path(pack_path) if pack_path is not None else self._path
        try:
            pack = load_pack(path) if path is not None else load_default_pack()
        except PackError as error:
            self._problems = error.problems
            log.warning(
                "policy pack %s rejected; keeping the last good pack:\n%s", path, error.report()
            )
            return list(error.problems)
        self._path = path
        self.set_pack(pack)
        return []

    @staticmethod
    def _build(pack: Pack) -> _State:
        per_sentence: list[tuple[Rule, Checker]] = []
        whole_text: list[tuple[Rule, Checker]] = []
        for rule in pack.rules:
            if not rule.enabled or rule.kind is RuleKind.EXTERNAL:
                continue
            checkers = KINDS[rule.kind].build(rule, pack)
            if checkers.per_sentence is not None:
                per_sentence.append((rule, checkers.per_sentence))
            if checkers.whole_text is not None:
                whole_text.append((rule, checkers.whole_text))
        return _State(pack, tuple(per_sentence), tuple(whole_text))

    # -- checking ---------------------------------------------------------------------

    def check(
        self, text: str, *, essential: bool = False, today: date | None = None
    ) -> list[Finding]:
        """The pack's own findings for a text; never raises.

        Args:
            text: the post.
            essential: whether the author marked it essential (election period).
            today: the day to check for (default: today).

        Returns:
            The findings, in text order.
        """
        day = today or date.today()
        key = (text, essential, day)
        state = self._state
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return list(cached)
        findings = _cap(self._check(state, text[:MAX_ANALYSED_CHARS], essential, day))
        with self._lock:
            if self._state is state:
                self._cache[key] = tuple(findings)
                while len(self._cache) > _RESULT_CACHE_SIZE:
                    self._cache.popitem(last=False)
        return findings

    def _check(self, state: _State, text: str, essential: bool, day: date) -> list[Finding]:
        """Per-sentence checks (cached), then whole-text checks, in text order."""
        masked: list[str] = []
        links: list[Link] = []
        hashtags: list[tuple[int, int]] = []
        emoji: list[tuple[int, int]] = []
        findings: list[Finding] = []
        for start, end in _pieces(text):
            piece = self._piece(state, text[start:end])
            masked.append(piece.masked)
            if start == 0:
                links.extend(piece.links)
                hashtags.extend(piece.hashtags)
                emoji.extend(piece.emoji)
                findings.extend(piece.findings)
                continue
            links.extend(
                replace(link, start=link.start + start, end=link.end + start)
                for link in piece.links
            )
            hashtags.extend((low + start, high + start) for low, high in piece.hashtags)
            emoji.extend((low + start, high + start) for low, high in piece.emoji)
            findings.extend(
                replace(f, start=f.start + start, end=f.end + start) for f in piece.findings
            )
        data = CheckInput(text, essential=essential, today=day)
        # The whole text's features are the pieces' put together: no second scan.
        data.__dict__.update(masked="".join(masked), links=links, hashtags=hashtags, emoji=emoji)
        for rule, checker in state.whole_text:
            findings.extend(_run_one(rule, checker, data))
        findings.sort(key=_order)
        return findings

    def _piece(self, state: _State, piece_text: str) -> _Piece:
        """The per-sentence results for one sentence, from the cache when it has them."""
        with self._lock:
            cached = state.pieces.get(piece_text)
            if cached is not None:
                state.pieces.move_to_end(piece_text)
                return cached
        data = CheckInput(piece_text)
        found: list[Finding] = []
        for rule, checker in state.per_sentence:
            found.extend(_run_one(rule, checker, data))
        piece = _Piece(
            masked=data.masked,
            links=tuple(data.links),
            hashtags=tuple(data.hashtags),
            emoji=tuple(data.emoji),
            findings=tuple(found),
        )
        with self._lock:
            state.pieces[piece_text] = piece
            while len(state.pieces) > _PIECE_CACHE_SIZE:
                state.pieces.popitem(last=False)
        return piece

    def apply_overrides(self, findings: Iterable[Finding]) -> list[Finding]:
        """Other checkers' findings as this pack configures them.

        A finding whose rule id the pack governs (its own id, or an external rule's
        ``applies_to``) is dropped when that rule is switched off, and takes the rule's
        level when the rule sets one. Other findings pass through unchanged.

        Args:
            findings: findings from counting, readability, plain English, grammar.

        Returns:
            The findings kept, in the order given.
        """
        pack = self._state.pack
        governing: dict[str, Rule | None] = {}
        out: list[Finding] = []
        for item in findings:
            if item.rule not in governing:
                governing[item.rule] = _governing_rule(pack, item.rule)
            rule = governing[item.rule]
            if rule is None:
                out.append(item)
                continue
            if not rule.enabled:
                continue
            changed = item
            if rule.level is not None and rule.level is not item.level:
                changed = replace(changed, level=rule.level)
            if changed.source is None and rule.source is not None:
                changed = replace(changed, source=rule.source)
            out.append(changed)
        return out

    def run(
        self,
        text: str,
        findings: Iterable[Finding] = (),
        *,
        essential: bool = False,
        today: date | None = None,
    ) -> list[Finding]:
        """The whole policy pass: other findings configured, plus the pack's own.

        Args:
            text: the post.
            findings: the other checkers' findings for the same text.
            essential: whether the author marked it essential.
            today: the day to check for (default: today).

        Returns:
            All findings, sorted as the analysis report sorts them (by start, then
            block before warn before info). A ``plain-english`` finding inside a
            ``words-to-avoid`` finding is dropped.
        """
        own = self.check(text, essential=essential, today=today)
        others = self.apply_overrides(findings)
        avoid = [(f.start, f.end) for f in own if f.rule == _WORDS_TO_AVOID]
        if avoid:
            others = [
                f
                for f in others
                if f.rule != _PLAIN_ENGLISH
                or not any(start <= f.start and f.end <= end for start, end in avoid)
            ]
        merged = [*others, *own]
        merged.sort(key=_order)
        return merged

    def warm_up(self, *, freeze_gc: bool = True) -> None:
        """Load the dictionary and run every rule once, off the keystroke path.

        Call it from a worker thread at start-up, after (or instead of)
        `postdesk.analysis.readability.warm_up`: both load the same dictionary.

        Args:
            freeze_gc: move every object alive now into the garbage collector's
                permanent generation, as the readability engine does, so full
                collections do not walk the dictionary's million objects mid-typing.
        """
        dictionary.warm_up()
        self.check(_WARM_UP_TEXT)
        if freeze_gc:
            gc.freeze()

    def governing_rule(self, rule_id: str) -> Rule | None:
        """The pack rule that configures findings with `rule_id` (``length-x`` gives
        ``over-limit``), or None when the pack does not govern it."""
        return _governing_rule(self._state.pack, rule_id)

    def blocked(self, findings: Iterable[Finding]) -> bool:
        """Whether any finding is at block level."""
        return any(finding.level is Level.BLOCK for finding in findings)

    # -- what is in force -------------------------------------------------------------

    def election_period_on(self, day: date | None = None) -> bool:
        """Whether `day` (default: today) is inside an election period this pack enforces:
        when it is, only posts marked essential may go out."""
        day = day or date.today()
        for rule in self._state.pack.rules:
            if rule.enabled and rule.kind is RuleKind.DATE_WINDOW:
                window = window_of(rule)
                if window is not None and window[0] <= day <= window[1]:
                    return True
        return False

    def rules(self) -> list[RuleInfo]:
        """Every rule and sign-off item, for ``postdesk check --rules``."""
        pack = self._state.pack
        infos: list[RuleInfo] = []
        for rule in pack.rules:
            note: str | None = None
            enabled = rule.enabled
            if enabled and rule.kind is RuleKind.LINK and not link_rule_active(rule):
                enabled, note = False, "needs an allow-list: [links] allow = [...]"
            elif enabled and rule.kind is RuleKind.DATE_WINDOW:
                window = window_of(rule)
                if window is None:
                    enabled, note = False, "needs dates: [election] start and end"
                else:
                    note = f"from {window[0].isoformat()} to {window[1].isoformat()}"
            elif rule.kind is RuleKind.EXTERNAL:
                note = "configures " + ", ".join(rule.applies_to or (rule.id,))
            infos.append(
                RuleInfo(
                    id=rule.id,
                    kind=rule.kind,
                    level=rule.level,
                    enabled=enabled,
                    source=rule.source,
                    description=rule.message,
                    origin=rule.origin,
                    note=note,
                )
            )
        for item in pack.sign_offs:
            infos.append(
                RuleInfo(
                    id=item.id,
                    kind=RuleKind.SIGN_OFF,
                    level=Level.BLOCK,
                    enabled=True,
                    source=item.source,
                    description=item.label,
                    origin=item.origin,
                    note=f"ticked by the {item.who.value}"
                    + (
                        " when the post mentions: " + ", ".join(item.triggers)
                        if item.triggers
                        else ""
                    ),
                )
            )
        return infos

    def election_window(self) -> tuple[date, date] | None:
        """The election period's first and last day, when the pack sets them."""
        for rule in self._state.pack.rules:
            if rule.kind is RuleKind.DATE_WINDOW and rule.enabled:
                window = window_of(rule)
                if window is not None:
                    return window
        return None

    def required_sign_offs(self, role: Signer | str, text: str) -> list[SignOffItem]:
        """The sign-off items `role` must tick for `text` (see `postdesk.policy.signoff`)."""
        return list(required_sign_offs(self._state.pack, role, text))

    def outstanding_sign_offs(
        self, role: Signer | str, text: str, ticks: Iterable[SignOff]
    ) -> list[SignOffItem]:
        """The sign-off items `role` must still tick for exactly this text."""
        return list(outstanding_sign_offs(self._state.pack, role, text, ticks))


def _pieces(text: str) -> list[tuple[int, int]]:
    """The text cut into sentences and the spaces between them, covering all of it.

    `split_sentences` is shared with the readability and plain-English checks (and
    cached), so on a keystroke the text is split once for all of them.
    """
    pieces: list[tuple[int, int]] = []
    position = 0
    for sentence in split_sentences(text):
        if sentence.start > position:
            pieces.append((position, sentence.start))
        pieces.append((sentence.start, sentence.end))
        position = sentence.end
    if position < len(text):
        pieces.append((position, len(text)))
    return pieces


def _cap(findings: list[Finding]) -> list[Finding]:
    """At most `MAX_FINDINGS_PER_RULE` findings of each rule, in order."""
    counts: dict[str, int] = {}
    kept: list[Finding] = []
    for item in findings:
        seen = counts.get(item.rule, 0)
        if seen < MAX_FINDINGS_PER_RULE:
            kept.append(item)
        counts[item.rule] = seen + 1
    return kept


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.start, finding.level.rank, finding.end, finding.rule)


def _governing_rule(pack: Pack, rule_id: str) -> Rule | None:
    """The rule that configures findings with `rule_id`: its own rule, else an external one."""
    own = pack.rule(rule_id)
    if own is not None:
        return own
    for rule in pack.rules:
        if rule.kind is RuleKind.EXTERNAL and rule.configures(rule_id):
            return rule
    return None


def _run_one(rule: Rule, checker: Checker, data: CheckInput) -> list[Finding]:
    """One rule's findings, capped; an error becomes a block-level finding (fail closed)."""
    try:
        found = checker(data)
    except Exception:
        log.exception("policy rule %s failed", rule.id)
        return [
            Finding(
                rule=rule.id,
                level=Level.BLOCK,
                start=0,
                end=0,
                message=(
                    f"PostDesk could not check the rule \u201c{rule.id}\u201d on this text, so "
                    "it cannot be submitted. Please report this."
                ),
                source=rule.source,
            )
        ]
    length = len(data.text)
    return [f for f in found if 0 <= f.start <= f.end <= length][:MAX_FINDINGS_PER_RULE]
