"""Find the web addresses that X and Mastodon shorten, exactly as their own code does.

Both platforms use Twitter's ``twitter-text`` 3.1.0 extractor, with different rules:

* **X** (the JavaScript library behind x.com's counter): a URL needs a domain with a
  known TLD (or punycode); ``gov.uk`` with no scheme is a URL too, if ASCII. Trailing
  ``.,!?:)`` stay outside, ``t.co`` links stop after the slug, and URLs longer than 4096
  UTF-16 units, or with a DNS label over 63 characters once punycoded, are not URLs.
* **Mastodon** (the Ruby gem, with the overrides in Mastodon's
  ``config/initializers/twitter_regex.rb``): only URLs with a scheme count, more schemes
  are known (``gemini://``...), a path runs on through CJK, emoji and zero-width spaces
  until white space, and the host must pass IDNA2003 (libidn) conversion.

Both take the same TLD list (``resources/counting/tlds.txt``, March 2020), loaded and
compiled on first use so that importing this module stays cheap.

Speed: twitter-text's regular expression is slow on long text, so it only runs on the
"words" (runs without white space) that could hold a URL: one with a dot followed by a
letter for X, one with ``://`` for Mastodon. Neither kind of URL can contain the white
space that separates the runs (the character before a URL may be white space, and each
run is searched from the white space before it), so the results are the same as for a
search of the whole text.

Long runs (pasted data, or Chinese and Japanese text, which has no spaces) would make
the expression backtrack quadratically, as it does in twitter-text itself: from every
position it reads to the end of the dotted chain and fails. There, `_GrammarScan` first
works out, label by label, where a domain can start and still reach a TLD, and runs the
expression only from those positions, which gives the same matches in linear time.
"""

from __future__ import annotations

import re
import stringprep
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

__all__ = ["extract_mastodon_urls", "extract_x_urls", "load_tlds"]

_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_LABEL_LENGTH = 63
_DEFAULT_PROTOCOL = "https://"
# twitter-text puts no bound on the number of subdomains, and its expression then
# backtracks quadratically on "a.a.a.a..." (seconds for a few thousand characters).
# Real host names have a handful of labels; 32 subdomains (33 labels before the TLD)
# changes nothing for any URL a post can carry.
_MAX_SUBDOMAINS = 32

# --- shared character groups (twitter-text regexp/*.js and regex.rb) -------------------

_SPACES = r"\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVALID = r"\ufffe\ufeff\uffff"
_DIRECTIONAL = r"\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
_LATIN_ACCENTS = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    r"\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_TLD_LOOKAHEAD = r"(?=[^0-9a-zA-Z@+-]|\Z)"

# JavaScript's case-insensitive matching (without the u flag) never folds these four to
# ASCII letters, while Python's does (Kelvin sign and k, long s and s, ...). Before matching X's
# patterns they are swapped for stand-ins in the same character classes with no ASCII
# case partner; indices do not move because each is one character for one.
_JS_CASE_FIX = str.maketrans(
    {"\u0130": "\u0100", "\u0131": "\u0100", "\u017f": "\u0100", "\u212a": "\u2600"}
)

# Runs between these characters are searched separately (see the module docstring).
_X_RUN_BREAK = re.compile(f"[{_SPACES}]")
_X_RUN_BREAK_BACKWARDS = regex.compile(f"(?r)[{_SPACES}]")
_X_HINT = re.compile(r"\.[^\W\d_]")
# Mastodon's query part accepts NBSP and other Unicode spaces, so only ASCII white
# space and NEL (U+0085) are certain to end a URL there.
_M_RUN_BREAK = re.compile(r"[\t\n\x0b\x0c\r \x85]")
_M_RUN_BREAK_BACKWARDS = regex.compile(r"(?r)[\t\n\x0b\x0c\r \x85]")
_M_HINT = re.compile("://")
_JS_LABEL_SEPARATORS = re.compile("[.\u3002\uff0e\uff61]")


def load_tlds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The generic and country-code TLDs that twitter-text 3.1.0 knows, in its order.

    Returns:
        ``(generic, country)``, lower case.
    """
    return _load_tlds()


@cache
def _load_tlds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = resources.files("postdesk.resources").joinpath("counting/tlds.txt").read_text("utf-8")
    sections: dict[str, list[str]] = {"generic": [], "country": []}
    current: list[str] | None = None
    for raw in data.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections[line[1:-1]]
            continue
        if current is None:
            raise ValueError("tlds.txt: a TLD before the first section header")
        current.append(line)
    return tuple(sections["generic"]), tuple(sections["country"])


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: tuple[str, ...]) -> str:
    """One regular expression for a word list, as a prefix tree (much faster than `a|b|...`).

    At each node the longer continuations are tried before stopping, which picks the
    same TLD as twitter-text's ordered alternation because its list always puts a TLD
    before any TLD that is a prefix of it (a test checks this).
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word

    def build(node: _Trie) -> str:
        branches = [re.escape(char) + build(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
        return body

    return build(trie)


def _tld_pattern(punycode: str) -> str:
    generic, country = load_tlds()
    return f"(?:(?:{_trie_pattern(generic + country)}){_TLD_LOOKAHEAD}|{punycode})"


# --- X: twitter-text 3.1.0, JavaScript --------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grammar:
    """One flavour's URL expression and the pieces `_GrammarScan` needs.

    Attributes:
        url: the extractor's expression; groups 1 before, 2 URL, 3 protocol, 4 domain,
            5 port, 6 path, 7 query.
        tld: a TLD (with its lookahead) or punycode, matched where a label starts.
        chain: runs of domain characters, dots, '-' and '_'.
        domain_char: one domain character.
        start: a domain character preceded by a valid character (or at the start).
        protocol: a protocol the expression accepts.
    """

    url: re.Pattern[str]
    tld: re.Pattern[str]
    chain: re.Pattern[str]
    domain_char: re.Pattern[str]
    start: re.Pattern[str]
    protocol: re.Pattern[str]


def _grammar(url: str, tld: str, domain_char: str, before: str, protocol: str) -> _Grammar:
    return _Grammar(
        url=re.compile(url, re.IGNORECASE),
        tld=re.compile(tld, re.IGNORECASE),
        chain=re.compile(f"(?:{domain_char}|[._-])+", re.IGNORECASE),
        domain_char=re.compile(domain_char, re.IGNORECASE),
        start=re.compile(f"(?:(?<={before})|^){domain_char}", re.IGNORECASE),
        protocol=re.compile(protocol, re.IGNORECASE),
    )


@dataclass(frozen=True, slots=True)
class _XPatterns:
    grammar: _Grammar
    ascii_domain: re.Pattern[str]
    tco: re.Pattern[str]
    no_protocol_before: re.Pattern[str]


@cache
def _x_patterns() -> _XPatterns:
    punct = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$"
    domain_char = f"[^{punct}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
    subdomain = f"(?:(?:{domain_char}(?:[_-]|{domain_char})*)?{domain_char}\\.)"
    domain_name = f"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\\.)"
    tld = _tld_pattern(r"xn--[\-0-9a-z]+")
    domain = f"(?:{subdomain}{{0,{_MAX_SUBDOMAINS}}}{domain_name}{tld})"
    cyrillic = r"\u0400-\u04ff"
    path_char = f"[a-z{cyrillic}0-9!\\*';:=\\+,\\.\\$\\/%#\\[\\]\\-\\u2013_~@\\|&{_LATIN_ACCENTS}]"
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = f"(?:[\\+\\-a-z{cyrillic}0-9=_#\\/{_LATIN_ACCENTS}]|{parens})"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+\\/))"
    query_char = r"[a-z0-9!?\*'@\(\);:&=\+\$\/%#\[\]\-_\.,~\|]"
    query_end = r"[a-z0-9\-_&=#\/]"
    before_char = f"(?:[^A-Za-z0-9@\uff20$#\uff03{_INVALID}]|[{_DIRECTIONAL}])"
    before = f"(?:{before_char}|^)"
    url = (
        f"({before})"  # 1: the character before
        f"((https?:\\/\\/)?"  # 2: the URL, 3: protocol
        f"({domain})"  # 4: domain
        f"(?::([0-9]+))?"  # 5: port
        f"(\\/{path}*)?"  # 6: path
        f"(\\?{query_char}*{query_end})?)"  # 7: query
    )
    ascii_domain = f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+{tld}"
    tco = f"^https?:\\/\\/t\\.co\\/([a-z0-9]+)(?:\\?{query_char}*{query_end})?"
    return _XPatterns(
        grammar=_grammar(url, tld, domain_char, before_char, r"https?:\/\/"),
        ascii_domain=re.compile(ascii_domain, re.IGNORECASE),
        tco=re.compile(tco, re.IGNORECASE),
        no_protocol_before=re.compile(r"[-_./]\Z"),
    )


def _runs(
    text: str, hint: re.Pattern[str], forward: re.Pattern[str], backward: regex.Pattern[str]
) -> list[tuple[int, int]]:
    """The maximal runs without break characters that contain `hint`."""
    runs: list[tuple[int, int]] = []
    end = 0
    while True:
        found = hint.search(text, end)
        if found is None:
            return runs
        brk = backward.search(text, end, found.start())
        start = end if brk is None else brk.end()
        after = forward.search(text, found.end())
        end = len(text) if after is None else after.start()
        runs.append((start, end))
        if end >= len(text):
            return runs


# Runs up to this long, with at most this many dots, are searched directly (a URL in a
# post usually is such a run): the expression then costs well under a millisecond even
# at its worst. Others go through `_GrammarScan`.
_SHORT_RUN = 256
_FEW_DOTS = 6
_DOT = re.compile(r"\.")


def _run_matches(
    text: str, run_start: int, run_end: int, grammar: _Grammar
) -> Iterator[re.Match[str]]:
    """The expression's matches in one run, as a search of the whole text finds them."""
    if run_end - run_start <= _SHORT_RUN and text.count(".", run_start, run_end) <= _FEW_DOTS:
        return grammar.url.finditer(text, max(run_start - 1, 0), run_end)
    return _GrammarScan(text, run_start, run_end, grammar).matches()


class _GrammarScan:
    """Find the expression's matches in a long run without its quadratic backtracking.

    A domain is up to 32 subdomain labels, a domain-name label and a TLD, each label
    ending in '.'; a label starts and ends with a domain character and may hold '-'
    (and '_' in subdomains). For every label the scan works out whether a domain that
    starts inside it can reach a TLD, and then tries the expression only at the first
    such position after the previous match (or at a protocol). The expression succeeds
    there, so the work is linear; the matches are the ones a plain search finds.
    """

    def __init__(self, text: str, run_start: int, run_end: int, grammar: _Grammar) -> None:
        self.text = text
        self.start = run_start
        self.end = run_end
        self.grammar = grammar

    def _ranges(self) -> list[tuple[int, int]]:
        """Index ranges where a schemeless domain may start, in order."""
        text, grammar = self.text, self.grammar
        ranges: list[tuple[int, int]] = []
        for chain in grammar.chain.finditer(text, self.start, self.end):
            dots = [match.start() for match in _DOT.finditer(text, *chain.span())]
            if not dots:
                continue
            starts = [chain.start(), *(dot + 1 for dot in dots[:-1])]
            count = len(dots)
            char = grammar.domain_char.match
            ends_ok = [
                end > begin and char(text, end - 1) is not None
                for begin, end in zip(starts, dots, strict=True)
            ]
            sub_ok = [
                ok and char(text, begin) is not None
                for ok, begin in zip(ends_ok, starts, strict=True)
            ]
            tld_after = [
                ok and grammar.tld.match(text, dot + 1) is not None
                for ok, dot in zip(ends_ok, dots, strict=True)
            ]
            good = [
                ok and tld and text.find("_", begin, dot) < 0
                for ok, tld, begin, dot in zip(sub_ok, tld_after, starts, dots, strict=True)
            ]
            # continues[j]: with label j as a subdomain, the labels after it reach a TLD.
            continues = [False] * count
            next_good = count + _MAX_SUBDOMAINS + 1
            next_bad = count
            for index in range(count - 1, -1, -1):
                continues[index] = next_good <= min(index + _MAX_SUBDOMAINS, next_bad - 1)
                if good[index]:
                    next_good = index
                if not sub_ok[index]:
                    next_bad = index
            for index in range(count):
                if not ends_ok[index]:
                    continue
                if continues[index]:
                    ranges.append((starts[index], dots[index]))
                elif tld_after[index]:
                    # Only a start after the last '_' leaves a valid domain-name label.
                    ranges.append(
                        (
                            text.rfind("_", starts[index], dots[index]) + 1 or starts[index],
                            dots[index],
                        )
                    )
        return ranges

    def matches(self) -> Iterator[re.Match[str]]:
        """The matches of ``grammar.url.finditer(text, run_start - 1, run_end)``."""
        text, grammar = self.text, self.grammar
        ranges = self._ranges()
        protocols = [
            match.start() for match in grammar.protocol.finditer(text, self.start, self.end)
        ]
        position = max(self.start - 1, 0)  # where the next match may begin
        range_index = protocol_index = 0
        earliest = 0 if position == 0 else position + 1  # where its URL may begin
        while True:
            candidate: int | None = None
            while range_index < len(ranges) and ranges[range_index][1] <= earliest:
                range_index += 1
            if range_index < len(ranges):
                low, high = ranges[range_index]
                found = grammar.start.search(text, max(low, earliest), high)
                if found is None:
                    range_index += 1
                    continue
                candidate = found.start()
            while protocol_index < len(protocols) and protocols[protocol_index] < earliest:
                protocol_index += 1
            if protocol_index < len(protocols) and (
                candidate is None or protocols[protocol_index] < candidate
            ):
                candidate = protocols[protocol_index]
            if candidate is None:
                return
            match = grammar.url.match(text, max(candidate - 1, position), self.end)
            if match is not None and match.start(2) == candidate and match.end() > candidate:
                yield match
                position = match.end()
                earliest = position + 1
            else:
                earliest = candidate + 1


def _utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _js_label_length(label: str) -> int:
    """Length of punycode.js ``toASCII(label)`` (it also splits on U+3002 and kin)."""
    if label.isascii():
        return len(label)
    parts = _JS_LABEL_SEPARATORS.split(label)
    total = len(parts) - 1
    for part in parts:
        if all(ord(char) < 0x80 for char in part):
            total += len(part)
            continue
        try:
            total += 4 + len(part.encode("punycode"))
        except UnicodeError:  # pragma: no cover - the codec takes any code point today
            return _MAX_LABEL_LENGTH + 1

    return total


def _x_valid_url(url: str, protocol: str, domain: str, patterns: _XPatterns) -> bool:
    """twitter-text's ``isValidUrl`` with its lightweight ``idna.toAscii``."""
    if domain.startswith("xn--") and patterns.ascii_domain.search(domain) is None:
        return False
    for label in domain.split("."):
        if not 1 <= _js_label_length(label) <= _MAX_LABEL_LENGTH:
            return False
    # idna.toAscii returns the labels unchanged, so the length check uses the raw URL.
    return len(protocol) + _utf16_units(url) <= _MAX_URL_LENGTH


def extract_x_urls(text: str) -> list[tuple[int, int]]:
    """Where X's counter sees URLs (each weighs 23), like twitter-text's ``extractUrlsWithIndices``.

    Run it on NFC text, as ``parseTweet`` does.

    Args:
        text: any text.

    Returns:
        ``(start, end)`` Python index pairs, in order, not overlapping.
    """
    if "." not in text:
        return []
    patterns = _x_patterns()
    scan = text.translate(_JS_CASE_FIX) if _needs_case_fix(text) else text
    urls: list[tuple[int, int]] = []
    for run_start, run_end in _runs(scan, _X_HINT, _X_RUN_BREAK, _X_RUN_BREAK_BACKWARDS):
        for match in _run_matches(scan, run_start, run_end, patterns.grammar):
            _x_take(match, text, patterns, urls)
    return urls


def _needs_case_fix(text: str) -> bool:
    return "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text


def _x_take(
    match: re.Match[str], text: str, patterns: _XPatterns, urls: list[tuple[int, int]]
) -> None:
    """Apply extractUrlsWithIndices' checks to one regular-expression match."""
    start, end = match.span(2)
    url = text[start:end]
    protocol = match.group(3)
    domain_start, domain_end = match.span(4)
    domain = text[domain_start:domain_end]
    if not _x_valid_url(url, protocol or _DEFAULT_PROTOCOL, domain, patterns):
        return
    if protocol is None:
        if patterns.no_protocol_before.search(match.group(1)):
            return
        # Only ASCII domains count without a scheme: take each ASCII domain inside.
        last: list[int] | None = None
        for ascii_match in patterns.ascii_domain.finditer(match.group(4)):
            last = [domain_start + ascii_match.start(), domain_start + ascii_match.end()]
            urls.append((last[0], last[1]))
        if last is not None and match.group(6):
            urls[-1] = (last[0], end)
        return
    tco = patterns.tco.match(match.group(2))
    if tco is not None:
        if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
            return
        end = start + tco.end()
    urls.append((start, end))


# --- Mastodon: twitter-text 3.1.0 Ruby gem with Mastodon's overrides ---------------------

_UCHARS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
    "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)


# Ruby 3.4's Unicode 15.0 property classes, spelt out so that `re` (several times
# faster here than `regex`) can use them: \p{White_Space}, \p{Pd}, \p{Cyrillic}.
_WHITE_SPACE = r"\x09-\x0d\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_DASH_PUNCTUATION = (
    r"\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    r"\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
)
_CYRILLIC = (
    r"\u0400-\u0484\u0487-\u052f\u1c80-\u1c88\u1d2b\u1d78\u2de0-\u2dff\ua640-\ua69f"
    r"\ufe2e\ufe2f\U0001e030-\U0001e06d\U0001e08f"
)


@dataclass(frozen=True, slots=True)
class _MastodonPatterns:
    grammar: _Grammar
    tco: re.Pattern[str]


@cache
def _mastodon_patterns() -> _MastodonPatterns:
    # Ruby's PUNCTUATION_CHARS, CTRL_CHARS, SPACE_CHARS, UNICODE_SPACES, INVALID and
    # DIRECTIONAL characters are not domain characters (unlike JavaScript, '"' and
    # controls are excluded too).
    punct = r"!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~"
    domain_char = f"[^{_DIRECTIONAL}{punct}\\x00-\\x1f\\x7f{_INVALID}{_SPACES}]"
    subdomain = f"(?:(?:{domain_char}(?:[_-]|{domain_char})*)?{domain_char}\\.)"
    domain_name = f"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\\.)"
    tld = _tld_pattern(r"xn--[0-9a-z]+")
    domain = f"(?:{subdomain}{{0,{_MAX_SUBDOMAINS}}}{domain_name}{tld})"
    # The gem's own path characters survive only inside the balanced parentheses of
    # Mastodon's path-ending class, which interpolated them before being redefined.
    ruby_path_char = (
        f"[a-z{_CYRILLIC}0-9!\\*';:=\\+\\,\\.\\$\\/%#\\[\\]{_DASH_PUNCTUATION}_~&\\|@"
        f"{_LATIN_ACCENTS}]"
    )
    ruby = ruby_path_char
    ruby_parens = f"\\((?:{ruby}+|(?:{ruby}*\\({ruby}+\\){ruby}*))\\)"
    path_char = f"[^{_WHITE_SPACE}<>\\(\\)\\?]"
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = (
        f"(?:[^{_WHITE_SPACE}\\(\\)\\?!\\*\"'\u300c\u300d<>;:=\\,\\.\\$%\\[\\]~&\\|@]"
        f"|{ruby_parens})"
    )
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:{path_char}+\\/))"
    query_char = f"[a-z0-9!?\\*'\\(\\);:&=\\+\\$\\/%#\\[\\]\\-_\\.,~|@{_UCHARS}]"
    query_end = f"[a-z0-9_&=#\\/\\-{_UCHARS}]"
    before_char = f"(?:[^A-Z0-9@\uff20$#\uff03{_INVALID}]|[{_DIRECTIONAL}])"
    before = f"(?:{before_char}|^)"
    schemes = "(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)"
    url = (
        f"({before})"
        f"(({schemes}:\\/\\/)?"
        f"({domain})"
        f"(?::([0-9]+))?"
        f"(\\/{path}*)?"
        f"(\\?{query_char}*{query_end})?)"
    )
    return _MastodonPatterns(
        grammar=_grammar(url, tld, domain_char, before_char, f"{schemes}:\\/\\/"),
        tco=re.compile(r"^https?:\/\/t\.co\/([a-z0-9]+)", re.IGNORECASE),
    )


def _libidn_length(domain: str) -> int | None:
    """Length after IDNA2003 ToASCII as libidn does it, or None where libidn refuses.

    Python's ``idna`` codec is IDNA2003 too but accepts code points unassigned in
    Unicode 3.2 (emoji, for instance), which libidn's default flags refuse.
    """
    if not domain.isascii() and any(stringprep.in_table_a1(char) for char in domain):
        return None
    try:
        return len(domain.encode("idna"))
    except UnicodeError:
        return None


def extract_mastodon_urls(text: str) -> list[tuple[int, int]]:
    """Where a Mastodon server sees URLs (each counts as 23 characters), with a scheme only.

    This is ``Extractor.extract_urls_with_indices(text, extract_url_without_protocol:
    false)`` of the twitter-text gem with Mastodon's regular-expression overrides.

    Args:
        text: any text without lone surrogates (Ruby strings cannot hold them).

    Returns:
        ``(start, end)`` Python index pairs, in order, not overlapping.
    """
    if ":" not in text:
        return []
    patterns = _mastodon_patterns()
    urls: list[tuple[int, int]] = []
    for run_start, run_end in _runs(text, _M_HINT, _M_RUN_BREAK, _M_RUN_BREAK_BACKWARDS):
        for match in _run_matches(text, run_start, run_end, patterns.grammar):
            protocol = match.group(3)
            if protocol is None:
                continue
            start, end = match.span(2)
            url = match.group(2)
            tco = patterns.tco.match(url)
            if tco is not None:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group(0)
                end = start + len(url)
            domain = match.group(4)
            encoded = _libidn_length(domain)
            if encoded is None:
                continue
            length = len(url) + max(encoded - len(domain), 0)
            if length > _MAX_URL_LENGTH:
                continue
            urls.append((start, end))
    return urls
