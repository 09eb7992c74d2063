"""Kind ``personal-data``: UK identifiers that must not appear in an official post.

Each detector is tuned for precision, because a post full of the organisation's own
helpline numbers and venue postcodes is the normal case:

``email``
    an address at a personal provider (gmail.com, hotmail.co.uk...), or one whose
    name part is a person's name ("sarah.jones@", "j.smith@"). Team mailboxes
    ("planning@", "foi.requests@", "adult.social.care@") are not personal data:
    any part of the name that is in ``role_words`` makes it a team address.
``mobile``
    UK mobile and personal numbers (07..., +44 7...). Geographic (01, 02) and
    non-geographic (03, 08) numbers are usually the organisation's own lines, so
    they are separate detectors, ``landline`` and ``non-geographic``, off by default.
``ni-number``
    National Insurance numbers in HMRC's format (two prefix letters from the allowed
    set, six digits, a suffix A to D), with or without the usual spaces. "QQ 12 34 56 C",
    the example GOV.UK uses, is not a valid number and is not flagged.
``nhs-number``
    ten digits (3-3-4, or together) whose last digit is the NHS modulus 11 check digit.
    Numbers starting with 0 are left alone (they are phone numbers), as are numbers
    after a country code.
``home-address``
    a house number and street followed by a full postcode ("14 Acacia Avenue, Leeds
    LS6 2AB"), or a flat number and a full postcode ("Flat 2, The Maltings, Bradford
    BD1 4QH"): the ICO's example of personal data. A postcode on its own, or an
    address after a venue word ("Town Hall", "library", "hub"), is not flagged: events
    are held at venues, and a venue's address is not personal data.
``date-of-birth``
    "DOB", "date of birth" or "born" followed by a full date.

None of them matches a date ("07/05/2026"), a time ("07:30"), money ("£1,234,567"),
a financial year ("2026/27") or a road ("A1(M)", "M62 J26").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams
from postdesk.policy.rules.base import Checker, Checkers, CheckInput, KindSpec, finding

__all__ = ["DETECTORS", "SPEC", "PersonalDataParams", "nhs_check_digit_ok"]

DETECTORS = (
    "email",
    "mobile",
    "landline",
    "non-geographic",
    "ni-number",
    "nhs-number",
    "home-address",
    "date-of-birth",
)

_WHOLE_TEXT_DETECTORS = frozenset({"home-address"})
_WHAT = {
    "personal-email": "a personal email address",
    "named-email": "an email address with a person's name in it",
    "mobile": "a mobile phone number",
    "landline": "a phone number",
    "non-geographic": "a phone number",
    "ni-number": "a National Insurance number",
    "nhs-number": "an NHS number",
    "home-address": "a street address with a full postcode",
    "date-of-birth": "a date of birth",
}

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_LOCAL_PARTS = re.compile(r"[._\-+]+")
_MAX_LOCAL_PART = 64  # RFC 5321's limit on the name part of an address
_LOCAL_BEFORE = re.compile(r"[A-Za-z0-9][\w.+\-]*$")
_DOMAIN_AFTER = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")

# A UK number: +44 or 0044 (with an optional "(0)"), or 0, then 9 or 10 digits with
# single spaces, hyphens or a closing bracket between groups.
_PHONE = re.compile(
    r"(?<![\w+\u00a3$\u20ac./:\-])"
    r"(?P<prefix>\+44[ \u00a0]?(?:\(0\)[ \u00a0]?)?|0044[ \u00a0]?|\(?0)"
    r"(?P<rest>\d(?:\)?[ \u00a0\-]?\d){8,9})"
    r"(?![\d]|[.,][\d])"
)
_NI = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)"
    r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"
)
_NHS = re.compile(
    r"(?<![\w\u00a3$\u20ac+.,/:\-])(?P<a>[1-9]\d{2})(?P<sep>[ \-]?)(?P<b>\d{3})(?P=sep)(?P<c>\d{4})"
    r"(?!\d|[.,/:\-]\d|\w)"
)
_COUNTRY_CODE_BEFORE = re.compile(r"(?:\+\d{1,3}|\(0\)|\b00\d{1,3})[ \-]?$")

_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Gardens|Gdns|"
    "Grove|Place|Pl|Terrace|Court|Ct|Rise|View|Walk|Mews|Square|Sq|Hill|Row|Green|Parade|"
    "Vale|Fold|Croft|Wynd|Gate|Meadows?|Chase|Grange|Yard|Approach|Boulevard|Mount|Bank|"
    "Brow|Garth|End|Park|Wharf|Quay|Glen|Dale|Heights|Villas|Cottages"
)
# Royal Mail's postcode format (outward code, space, inward code).
_POSTCODE = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}"
)
_ADDRESS = re.compile(
    rf"(?<![\w\u00a3$.,/:\-])(?P<number>\d{{1,4}}[A-Za-z]?)(?:-\d{{1,4}}[A-Za-z]?)?,?[ \u00a0]+"
    rf"(?:[A-Z][\w'\u2019\-]*[ \u00a0]+){{1,4}}(?:{_STREET_TYPES})\b\.?"
    rf"[^.!?\n]{{0,50}}?(?:\n[^.!?\n]{{0,50}}?){{0,2}}"
    rf"(?<![A-Za-z0-9])(?P<postcode>{_POSTCODE})(?![A-Za-z0-9])"
)
# "Flat 2, The Maltings, Bradford BD1 4QH": a flat is a home whatever its building is
# called, so no street type is needed.
_FLAT = re.compile(
    rf"\b(?:Flat|Apartment|Apt\.?)[ \u00a0]+\d{{1,4}}[A-Za-z]?,?[ \u00a0]+"
    rf"[^.!?\n]{{0,60}}?(?:\n[^.!?\n]{{0,60}}?){{0,2}}"
    rf"(?<![A-Za-z0-9])(?P<postcode>{_POSTCODE})(?![A-Za-z0-9])"
)
_VENUE = re.compile(
    r"\b(?:hall|centre|center|hub|library|office|offices|house|building|school|college|"
    r"university|hospital|surgery|clinic|practice|station|museum|gallery|theatre|church|"
    r"chapel|mosque|temple|gurdwara|synagogue|stadium|market|depot|venue|headquarters|hq|"
    r"arena|pavilion|park|leisure|pool|court|chambers|institute|academy|hotel|pub|club|"
    r"unit|units|estate|works|mill|factory|warehouse|shop|store|cafe|restaurant)\b"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:19|20)?\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \u00a0]+(?:{_MONTHS})\.?,?[ \u00a0]+(?:19|20)\d{{2}})"
)
_DOB = re.compile(
    rf"\b(?:DOB|D\.O\.B\.?|[Dd]ate of [Bb]irth|[Bb]orn(?: on)?)[ \u00a0]*[:\-]?[ \u00a0]*"
    rf"(?P<date>{_DATE})(?![\d])"
)


@dataclass(frozen=True)
class PersonalDataParams(RuleParams):
    """Settings of a ``personal-data`` rule (see the module docstring)."""

    detect: frozenset[str]
    personal_email_domains: frozenset[str]
    role_words: frozenset[str]


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether a ten-digit string passes the NHS number's modulus 11 check.

    Args:
        digits: exactly ten ASCII digits.

    Returns:
        True when the tenth digit is the check digit of the first nine.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _parse(fields: Fields) -> PersonalDataParams:
    detect = fields.strings("detect", allow_empty=False)
    for index, name in enumerate(detect):
        if name not in DETECTORS:
            fields.problem("detect", f'"{name}" is not a detector: {", ".join(DETECTORS)}', index)
    return PersonalDataParams(
        detect=frozenset(name for name in detect if name in DETECTORS),
        personal_email_domains=frozenset(
            d.lower() for d in fields.strings("personal_email_domains")
        ),
        role_words=frozenset(w.lower() for w in fields.strings("role_words")),
    )


def _email_kind(local: str, domain: str, params: PersonalDataParams) -> str | None:
    """ "personal-email", "named-email" or None (a team mailbox)."""
    domain = domain.lower()
    if any(domain == d or domain.endswith("." + d) for d in params.personal_email_domains):
        return "personal-email"
    parts = [part for part in _LOCAL_PARTS.split(local.lower()) if part]
    if any(part.rstrip("0123456789") in params.role_words for part in parts):
        return None
    names = [part.rstrip("0123456789") for part in parts]
    if 2 <= len(names) <= 3 and all(name.isalpha() and name.isascii() for name in names):
        return "named-email"
    return None


def _emails(text: str) -> list[tuple[int, int, str, str]]:
    """Each email address as (start, end, name part, domain).

    Found from each "@" outwards rather than by scanning every word of the post for a
    possible name part, which is several times faster on a long post.
    """
    found: list[tuple[int, int, str, str]] = []
    at = text.find("@")
    while at >= 0:
        window = max(0, at - _MAX_LOCAL_PART)
        local = _LOCAL_BEFORE.search(text, window, at)
        domain = _DOMAIN_AFTER.match(text, at + 1)
        if local is not None and domain is not None:
            start = local.start()
            before = text[start - 1] if start > 0 else ""
            if not (before and (before.isalnum() or before in "._+-@")):
                found.append((start, domain.end(), local.group(), domain.group()))
        at = text.find("@", at + 1)
    return found


def _phone_kind(rest: str) -> str | None:
    digits = "".join(char for char in rest if char.isdigit())
    if digits.startswith("7") and len(digits) == 10:
        return "mobile"
    if digits[:1] in ("1", "2") and len(digits) in (9, 10):
        return "landline"
    if digits[:1] in ("3", "8") and len(digits) in (9, 10):
        return "non-geographic"
    return None


def _detect(
    text: str, params: PersonalDataParams, detect: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Every detection as (start, end, what), in text order, without overlaps."""
    hits: list[tuple[int, int, str]] = []
    if "email" in detect and "@" in text:
        for start, end, local, domain in _emails(text):
            kind = _email_kind(local, domain, params)
            if kind is not None:
                hits.append((start, end, kind))
    if detect & {"mobile", "landline", "non-geographic"}:
        for match in _PHONE.finditer(text):
            kind = _phone_kind(match.group("rest"))
            if kind is not None and kind in detect:
                hits.append((match.start(), match.end(), kind))
    if "ni-number" in detect:
        hits.extend((m.start(), m.end(), "ni-number") for m in _NI.finditer(text))
    if "nhs-number" in detect:
        for match in _NHS.finditer(text):
            digits = match.group("a") + match.group("b") + match.group("c")
            if len(set(digits)) == 1 or not nhs_check_digit_ok(digits):
                continue
            if _COUNTRY_CODE_BEFORE.search(text, max(0, match.start() - 8), match.start()):
                continue
            hits.append((match.start(), match.end(), "nhs-number"))
    if "home-address" in detect:
        hits.extend((m.start(), m.end(), "home-address") for m in _FLAT.finditer(text))
        for match in _ADDRESS.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = text[max(line_start, match.start() - 60) : match.start()]
            if _VENUE.search(before):
                continue
            hits.append((match.start(), match.end(), "home-address"))
    if "date-of-birth" in detect:
        hits.extend((m.start(), m.end(), "date-of-birth") for m in _DOB.finditer(text))
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    kept: list[tuple[int, int, str]] = []
    for hit in hits:
        if kept and hit[0] < kept[-1][1]:
            continue  # inside an earlier, longer detection (a number in an address)
        kept.append(hit)
    return kept


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, PersonalDataParams)
    # An address may run over several lines, so it is looked for in the whole text;
    # everything else fits in a sentence and is cached per sentence.
    whole = params.detect & _WHOLE_TEXT_DETECTORS
    local = params.detect - _WHOLE_TEXT_DETECTORS

    def checker(detect: frozenset[str]) -> Checker | None:
        if not detect:
            return None

        def check(data: CheckInput) -> list[Finding]:
            return [
                finding(rule, start, end, match=data.text[start:end], what=_WHAT[kind])
                for start, end, kind in _detect(data.text, params, detect)
            ]

        return check

    return Checkers(per_sentence=checker(local), whole_text=checker(whole))


SPEC = KindSpec(
    kind=RuleKind.PERSONAL_DATA,
    parse=_parse,
    build=_build,
    default_message="This looks like personal data ({what}).",
)
