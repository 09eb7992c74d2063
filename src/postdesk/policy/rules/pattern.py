"""Kind ``pattern``: regular expressions written by the pack's author.

A department can flag its own formats, such as case references (``CR-\\d{6}``). A
regular expression from a file can be "catastrophic": ``(a+)+$`` against
"aaaa...a!" tries every way of splitting the a's, which takes longer than the age of
the universe at 40 characters. Two defences, so that a bad pack cannot hang the app:

1. At load time, a quantified group that itself contains an unbounded quantifier
   (``(a+)+``, ``(\\w*)*``, ``(x+y?){2,}``) is rejected with the file, line and field.
   That is the usual shape of catastrophic backtracking, and a rewrite without the
   nesting always exists.
2. At check time, every pattern runs under the `regex` module's ``timeout`` (50 ms
   for the whole search). Shapes the load check cannot see (``(a|aa)+$``) are stopped
   there: the rule gives one info-level finding saying it was skipped, and the
   problem is logged once per pattern.

Settings: ``patterns`` (a list of regular expressions, `regex` module syntax),
``case_sensitive`` (default false) and ``entities`` (``"skip"`` or ``"include"``, as
for ``words``; default ``"include"``, because references and codes often sit in
links).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from postdesk.analysis.findings import Finding, Level
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["PATTERN_TIMEOUT_SECONDS", "SPEC", "PatternParams", "nested_quantifier"]

log = logging.getLogger(__name__)

# The most one pattern may take on one text. Checks run after a 250 ms pause in typing,
# so even a pack full of slow patterns keeps the editor usable.
PATTERN_TIMEOUT_SECONDS = 0.05


@dataclass(frozen=True)
class PatternParams(RuleParams):
    """Settings of a ``pattern`` rule."""

    patterns: tuple[regex.Pattern[str], ...]
    entities: str = "include"


def nested_quantifier(pattern: str) -> bool:
    """Whether a quantified group contains an unbounded quantifier, like ``(a+)+``.

    A light scan, not a parser: it skips escapes and character classes and tracks
    groups, which is enough for the shapes that backtrack catastrophically.
    """
    stack: list[bool] = []  # per open group: does it contain an unbounded quantifier?
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            stack.append(False)
        elif char == ")":
            inner = stack.pop() if stack else False
            quantifier = _quantifier_at(pattern, index + 1)
            if quantifier is not None and inner and quantifier[1]:
                return True
            if stack and (inner or (quantifier is not None and quantifier[1])):
                stack[-1] = True
        elif char in "*+" or (char == "{" and _quantifier_at(pattern, index) is not None):
            quantifier = _quantifier_at(pattern, index)
            if quantifier is not None and quantifier[1] and stack:
                stack[-1] = True
            if quantifier is not None:
                index += quantifier[0]
                continue
        index += 1
    return False


def _skip_class(pattern: str, index: int) -> int:
    """The index after a character class starting at `index`."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _quantifier_at(pattern: str, index: int) -> tuple[int, bool] | None:
    """The quantifier at `index` as (length, unbounded), or None."""
    if index >= len(pattern):
        return None
    char = pattern[index]
    if char in "*+":
        return 1, True
    if char == "?":
        return 1, False
    if char == "{":
        close = pattern.find("}", index)
        if close < 0:
            return None
        body = pattern[index + 1 : close]
        low, comma, high = body.partition(",")
        if not low.strip().isdigit() and not (comma and not low.strip()):
            return None
        if high.strip() and not high.strip().isdigit():
            return None
        unbounded = bool(comma) and not high.strip()
        large = high.strip().isdigit() and int(high) > 100
        return close - index + 1, unbounded or large
    return None


def _parse(fields: Fields) -> PatternParams:
    sources = fields.strings("patterns", allow_empty=False)
    case_sensitive = fields.boolean("case_sensitive", False)
    entities = fields.choice("entities", ("skip", "include"), default="include") or "include"
    flags = regex.VERSION1 if case_sensitive else regex.VERSION1 | regex.IGNORECASE
    compiled: list[regex.Pattern[str]] = []
    for index, source in enumerate(sources):
        if nested_quantifier(source):
            fields.problem(
                "patterns",
                f"pattern {index + 1} ({source}) repeats a group that itself repeats, which "
                "can take forever on some texts; rewrite it without the nesting",
                index,
            )
            continue
        try:
            compiled.append(regex.compile(source, flags))
        except regex.error as error:
            fields.problem(
                "patterns", f"pattern {index + 1} ({source}) is not valid: {error}", index
            )
    return PatternParams(tuple(compiled), entities)


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, PatternParams)
    timed_out: set[str] = set()

    def check(data: CheckInput) -> list[Finding]:
        searched = data.masked if params.entities == "skip" else data.text
        findings: list[Finding] = []
        for compiled in params.patterns:
            try:
                spans = [
                    match.span()
                    for match in compiled.finditer(searched, timeout=PATTERN_TIMEOUT_SECONDS)
                    if match.end() > match.start()
                ]
            except TimeoutError:
                if compiled.pattern not in timed_out:
                    timed_out.add(compiled.pattern)
                    log.warning(
                        "policy rule %s (%s): pattern %r took over %d ms and was skipped",
                        rule.id,
                        rule.origin,
                        compiled.pattern,
                        PATTERN_TIMEOUT_SECONDS * 1000,
                    )
                findings.append(
                    finding(
                        rule,
                        0,
                        0,
                        level=Level.INFO,
                        message=(
                            f"The rule \u201c{rule.id}\u201d was skipped: its pattern took too "
                            "long on this text. Ask your pack's administrator to simplify it."
                        ),
                    )
                )
                continue
            findings.extend(
                finding(rule, start, end, match=data.text[start:end]) for start, end in spans
            )
        return findings

    return Checkers(whole_text=check)


SPEC = KindSpec(
    kind=RuleKind.PATTERN,
    parse=_parse,
    build=_build,
    default_message="\u201c{match}\u201d matches a pattern this pack flags.",
)
