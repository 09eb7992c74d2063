"""Each automatic check of the default pack: what it catches, and what it must not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from postdesk.analysis.findings import Finding, Level
from postdesk.policy import PolicyEngine, load_pack_data
from postdesk.policy.features import emoji_spans, find_links, hashtag_spans
from postdesk.policy.rules.hashtags import split_words
from postdesk.policy.rules.pattern import nested_quantifier
from postdesk.policy.rules.personal_data import nhs_check_digit_ok

ENGINE = PolicyEngine()
OUTSIDE_ELECTION = date(2026, 3, 2)


def findings(text: str, rule: str | None = None, **kwargs: Any) -> list[Finding]:
    kwargs.setdefault("today", OUTSIDE_ELECTION)
    engine = kwargs.pop("engine", ENGINE)
    return [f for f in engine.check(text, **kwargs) if rule is None or f.rule == rule]


def flagged(text: str, rule: str, **kwargs: Any) -> list[str]:
    """The text each finding of `rule` covers."""
    return [text[f.start : f.end] for f in findings(text, rule, **kwargs)]


# --- personal data --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call Julie on 07700 900461 to collect him.", "07700 900461"),
        ("Contact Mike on +44 7700 900312 for details.", "+44 7700 900312"),
        ("Ring 07700-900-123 today", "07700-900-123"),
        ("Call (07700) 900877 now", "(07700) 900877"),
        ("Email sarah.whitworth@calderdale.gov.uk today", "sarah.whitworth@calderdale.gov.uk"),
        ("Email j.smith@leeds.gov.uk", "j.smith@leeds.gov.uk"),
        ("Contact patlitterpick@hotmail.co.uk", "patlitterpick@hotmail.co.uk"),
        ("Your NI number JT 44 21 87 B is on file", "JT 44 21 87 B"),
        ("NI: JT442187B.", "JT442187B"),
        ("NHS number 943 476 5919 moved", "943 476 5919"),
        ("NHS no. 4010232137 updated", "4010232137"),
        ("at 27 Moorland Road, Huddersfield HD3 4LP on", "27 Moorland Road, Huddersfield HD3 4LP"),
        (
            "outside Flat 2, The Maltings, Bradford BD1 4QH please",
            "Flat 2, The Maltings, Bradford BD1 4QH",
        ),
        ("14 Acacia Avenue\nLeeds\nLS6 2AB", "14 Acacia Avenue\nLeeds\nLS6 2AB"),
        ("Ivy (born 3 March 1926)", "born 3 March 1926"),
        ("Pass for M. Okafor, DOB 14/07/1958.", "DOB 14/07/1958"),
    ],
)
def test_personal_data_is_flagged(text: str, expected: str) -> None:
    assert flagged(text, "personal-data") == [expected]
    assert findings(text, "personal-data")[0].level is Level.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "Self Assessment for 2026/27 and 2025-26 is due by 31 January 2027.",
        "Pay \u00a31,234,567 by 07/05/2026 at 07:30, or between 0700 and 1900.",
        "The A1(M) is closed between junctions 44 and 45; use the M62 J26.",
        "Call 0300 123 4567, 0808 223 1133, 0113 496 0555, 999 or 111.",
        "Samaritans: 116 123. Text FLU to 81010.",
        "Email counciltax@york.gov.uk, foi.requests@leeds.gov.uk or adult.social.care@x.gov.uk.",
        "Follow @jane@mastodon.social for updates.",
        "Quote reference 1234567890 when you call.",  # fails the NHS check digit
        "Example NI number: QQ 12 34 56 C.",  # QQ is not a valid prefix
        "Dial +1 202 555 0123 from abroad.",  # a US number, not an NHS number
        "Drop in at Huddersfield Library, Princess Alexandra Walk, HD1 2SU.",
        "Now open at our hub, 30 Market Street, Wigan WN1 1HX.",
        "Kirkgate Market, 34 George Street, Leeds LS2 7HY.",
        "Boil water notice lifted in HX7.",
        "Population 567,000, up 4.1% since 2021.",
    ],
)
def test_personal_data_leaves_dates_money_roads_and_team_contacts_alone(text: str) -> None:
    assert flagged(text, "personal-data") == []


def test_nhs_check_digit() -> None:
    assert nhs_check_digit_ok("9434765919")
    assert not nhs_check_digit_ok("9434765918")
    assert not nhs_check_digit_ok("943476591")
    assert not nhs_check_digit_ok("94347659x9")


def test_landlines_are_a_department_option() -> None:
    pack = load_pack_data({}, "x")
    engine = PolicyEngine(pack)
    assert flagged("Call Mrs Smith on 0113 496 0123", "personal-data", engine=engine) == []
    # A department that wants landlines flagged adds its own rule of the same kind:
    custom = load_pack_data(
        {
            "pack": {"disable": ["personal-data"]},
            "rules": [
                {
                    "id": "phone-numbers",
                    "kind": "personal-data",
                    "level": "warn",
                    "detect": ["landline", "non-geographic"],
                }
            ],
        },
        "x",
    )
    text = "Call Mrs Smith on 0113 496 0123 or 0300 123 4567."
    assert flagged(text, "phone-numbers", engine=PolicyEngine(custom)) == [
        "0113 496 0123",
        "0300 123 4567",
    ]


# --- hashtags -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "suggestion"),
    [
        ("#mentalhealthawareness", "#MentalHealthAwareness"),
        ("#costofliving", "#CostOfLiving"),
        ("#DRIVESAFE", "#DriveSafe"),
        ("#Roadsafety", "#RoadSafety"),
        ("#nhsjobs", "#NHSJobs"),
        ("#teamcalderdale", "#TeamCalderdale"),
        ("#leedsjobs2026", "#LeedsJobs2026"),
    ],
)
def test_multi_word_hashtags_need_camel_case(tag: str, suggestion: str) -> None:
    found = findings(f"Join in {tag}", "hashtag-case")
    assert [f.suggestion for f in found] == [suggestion]


@pytest.mark.parametrize(
    "tag",
    [
        "#MentalHealthAwareness",
        "#costOfLiving",
        "#NHSJobs",
        "#NHS",
        "#recycling",
        "#leeds",
        "#kirklees",
        "#calderdale",
        "#wolverhampton",
        "#gloucestershire",
        "#roadworks",
        "#COVID19",
        "#GE2024",
        "#brexit",
    ],
)
def test_one_word_and_camel_case_hashtags_are_fine(tag: str) -> None:
    assert flagged(f"Join in {tag}", "hashtag-case") == []


def test_split_words_prefers_fewest_pieces_and_refuses_endings() -> None:
    none: frozenset[str] = frozenset()
    assert split_words(
        "costofliving", function_words=frozenset({"of"}), not_words=none, extra=none
    ) == ("cost", "of", "living")
    assert split_words("carers", function_words=none, not_words=frozenset({"ers"}), extra=none) != (
        "car",
        "ers",
    )


def test_hashtag_count_flags_each_one_past_the_limit() -> None:
    text = "Busy week! #HalfTerm #FamilyFun #Bradford #Libraries"
    assert flagged(text, "hashtag-count") == ["#Bradford", "#Libraries"]
    assert "4 hashtags" in findings(text, "hashtag-count")[0].message


# --- emoji ----------------------------------------------------------------------------


def test_emoji_count_flags_repeats_once_and_extras_after_the_limit() -> None:
    assert flagged("We did it \U0001f389\U0001f389\U0001f389 thanks", "emoji-count") == [
        "\U0001f389\U0001f389\U0001f389"
    ]
    assert flagged("Hurry \u23f0 \u23f0 now", "emoji-count") == ["\u23f0 \u23f0"]
    text = "Fun \U0001f31e park \U0001f333 paint \U0001f3a8 castle \U0001f3f0 ice \U0001f366"
    assert flagged(text, "emoji-count") == ["\U0001f3f0", "\U0001f366"]


def test_emoji_sequences_count_once_and_text_symbols_not_at_all() -> None:
    text = (
        "\U0001f469\u200d\u2695\ufe0f \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f1ec\U0001f1e7 "
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f 1\ufe0f\u20e3 "
        "\U0001f44d\U0001f3fd \u00a9 \u2122 \u2192"
    )
    assert len(emoji_spans(text)) == 6
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert flagged(text, "emoji-count") == [england, "1\ufe0f\u20e3", "\U0001f44d\U0001f3fd"]


# --- capitals and acronyms ------------------------------------------------------------


def test_block_capitals_runs() -> None:
    text = "PLEASE NOTE: the tip will be CLOSED ALL DAY on Monday."
    assert flagged(text, "block-capitals") == ["PLEASE NOTE", "CLOSED ALL DAY"]
    suggestions = [f.suggestion for f in findings(text, "block-capitals")]
    assert suggestions == ["Please note", "closed all day"]


@pytest.mark.parametrize(
    "text",
    [
        "HMRC VAT deadline is near.",
        "DWP PIP payments go out early.",
        "Use NHS 111 or go to A&E.",
        "Text FLU to 81010. Reply STOP to opt out.",
        "Entry is FREE for under-5s.",
        "Life in the time of Henry VIII.",
        "Closed from 5PM until 9AM.",
        "Visit GOV.UK or BBC Radio Leeds.",
    ],
)
def test_acronyms_and_single_words_are_not_block_capitals(text: str) -> None:
    assert flagged(text, "block-capitals") == []


def test_unexplained_acronym_is_flagged_once_before_its_definition() -> None:
    text = "The ULEZ starts soon. The ULEZ covers the city. Ultra Low Emission Zone (ULEZ)."
    assert flagged(text, "unexplained-acronym") == ["ULEZ"]
    assert findings(text, "unexplained-acronym")[0].start == text.index("ULEZ")


@pytest.mark.parametrize(
    "text",
    [
        "An Education, Health and Care Plan (EHCP) is a plan. Ask about an EHCP.",
        "UKSPF (UK Shared Prosperity Fund) grants are open.",
        "HMRC, DVLA, NHS, VAT, MP, EU, BBC and GOV.UK are widely known.",
        "Application 25/01234/FUL is open for comment in the HX7 area.",
        "Henry VIII and Elizabeth II visited.",
        "ROAD CLOSED until further notice.",
        "Visit https://www.gov.uk/ABCDE or #ABCDE.",
    ],
)
def test_known_defined_and_non_acronyms_are_fine(text: str) -> None:
    assert flagged(text, "unexplained-acronym") == []


def test_plural_and_possessive_acronyms_are_found() -> None:
    assert flagged("All large HMOs need a licence.", "unexplained-acronym") == ["HMOs"]
    assert flagged("The LTN's trial ends soon.", "unexplained-acronym") == ["LTN"]


# --- fancy text and hidden characters -------------------------------------------------


def test_fancy_text_with_plain_suggestion() -> None:
    text = (
        "\U0001d5e1\U0001d5d8\U0001d5ea \U0001d5d7\U0001d5d4\U0001d5e7\U0001d5d8\U0001d5e6"
        " for classes"
    )
    found = findings(text, "fancy-text")
    assert len(found) == 1
    assert found[0].level is Level.BLOCK
    assert found[0].suggestion == "NEW DATES"
    assert flagged("\uff26\uff32\uff25\uff25 parking", "fancy-text") == ["\uff26\uff32\uff25\uff25"]
    assert findings("\u1d00\u029f\u029f \u1d21\u1d07\u029f\u1d04\u1d0f\u1d0d\u1d07", "fancy-text")[
        0
    ].suggestion == ("all welcome")


@pytest.mark.parametrize(
    "text",
    [
        "Parking \U0001f17f\ufe0f at the back; info \u2139\ufe0f at the desk.",
        "NO\u2082 and CO\u2082 fell; 32\u00b0C; \u00bd price; \u2116 10; \u2122.",
        "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, Ysgol Gymraeg, \u0175 \u0177.",
    ],
)
def test_emoji_letters_and_ordinary_symbols_are_not_fancy_text(text: str) -> None:
    assert flagged(text, "fancy-text") == []


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Fri\u200bday", ["\u200b"]),
        ("Neighbour\u00adhood", ["\u00ad"]),
        ("Results \u202aThursday\u202c.", ["\u202a", "\u202c"]),
        ("\ufeffCouncil offices", ["\ufeff"]),
        ("file \u202efdp.exe\u202c here", ["\u202e", "\u202c"]),
        ("isolate \u2066x\u2069", ["\u2066", "\u2069"]),
        ("nul\x00byte", ["\x00"]),
        ("joined\u200dwords", ["\u200d"]),
        ("letter a\ufe0f", ["\ufe0f"]),
        ("lrm in English\u200e only", ["\u200e"]),
        ("tags \U000e0041\U000e0042 smuggled", ["\U000e0041\U000e0042"]),
    ],
)
def test_hidden_characters_are_flagged_with_a_delete_suggestion(
    text: str, hidden: list[str]
) -> None:
    found = findings(text, "hidden-characters")
    assert [text[f.start : f.end] for f in found] == hidden
    assert all(f.suggestion == "" for f in found)
    assert "U+" in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Team \U0001f469\u200d\u2695\ufe0f\U0001f468\u200d\u2695\ufe0f and "
        "\U0001f3f3\ufe0f\u200d\U0001f308",
        "Love \u2764\ufe0f and keycaps 1\ufe0f\u20e3 2\ufe0f\u20e3",
        "Wales \U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
        "Line one\r\nLine two\twith a tab",
        "\u0648\u06cc\u06a9\u0633\u06cc\u0646 \u200f\u0645\u0641\u062a 119",  # RLM in Urdu
        "\u0915\u094d\u200d\u0937",  # a joiner inside Devanagari
        "\u00a3\u00a02 a day",  # a no-break space is a space, not hidden
    ],
)
def test_joiners_and_selectors_with_a_job_are_not_hidden_characters(text: str) -> None:
    assert flagged(text, "hidden-characters") == []


# --- links ----------------------------------------------------------------------------


def test_insecure_link_suggests_https() -> None:
    found = findings("Find it at http://www.barnsley.gov.uk/recycling.", "insecure-link")
    assert found[0].suggestion == "https://www.barnsley.gov.uk/recycling"


def test_link_shorteners_with_and_without_scheme() -> None:
    text = "See bit.ly/abc, https://tinyurl.com/x and ow.ly/cS7v50Xab now."
    assert flagged(text, "link-shortener") == [
        "bit.ly/abc",
        "https://tinyurl.com/x",
        "ow.ly/cS7v50Xab",
    ]
    assert flagged("Visit https://www.gov.uk/tax", "link-shortener") == []


def test_link_domain_needs_an_allow_list() -> None:
    text = (
        "Book: https://www.eventbrite.co.uk/e/1 or https://www.leeds.gov.uk/x or https://gov.uk/y"
    )
    assert flagged(text, "link-domain") == []
    engine = PolicyEngine(load_pack_data({"links": {"allow": ["leeds.gov.uk", "gov.uk"]}}, "x"))
    assert flagged(text, "link-domain", engine=engine) == ["https://www.eventbrite.co.uk/e/1"]


def test_link_count_and_link_finding() -> None:
    text = "Read https://www.gov.uk/a and the easy read at gov.uk/b."
    assert flagged(text, "link-count") == ["gov.uk/b"]
    links = find_links("Email a.b@leeds.gov.uk, see GOV.UK, www.x.com/y) and (https://a.uk/b(c)).")
    assert [link.url for link in links] == ["www.x.com/y", "https://a.uk/b(c)"]
    assert [link.host for link in links] == ["x.com", "a.uk"]


# --- word lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "match", "suggestion"),
    [
        ("Bring proof, e.g. a bill.", "e.g.", "for example"),
        ("Eg the 45 bus.", "Eg", "For example"),
        ("Schools, ie primary ones.", "ie", "that is"),
        ("Sofas, fridges etc can go.", "etc", None),
        ("Glass only, i.e. bottles.", "i.e.", "that is"),
    ],
)
def test_latin_abbreviations(text: str, match: str, suggestion: str | None) -> None:
    found = findings(text, "latin-abbreviation")
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [(match, suggestion)]


def test_latin_abbreviations_are_not_found_in_addresses_or_words() -> None:
    assert (
        flagged("See www.example.ie or gov.ie; the tie and die etc.gov", "latin-abbreviation") == []
    )


def test_click_here_longest_phrase_wins() -> None:
    assert flagged("Click the link below to buy yours.", "click-here") == ["Click the link below"]
    assert flagged("Click & Collect is available.", "click-here") == []


def test_words_to_avoid_and_department_additions() -> None:
    assert flagged("people who are wheelchair-bound", "words-to-avoid") == ["wheelchair-bound"]
    found = findings("She suffers from asthma.", "words-to-avoid")
    assert found[0].suggestion == "has"
    assert "Try \u201chas\u201d" in found[0].message
    for text in ("a victim of crime", "an invalid ticket", "dwarf conifers"):
        assert flagged(text, "words-to-avoid") == []


def test_profanity_uses_whole_words() -> None:
    assert flagged("What a load of bollocks.", "profanity") == ["bollocks"]
    assert flagged("A pain in the arse.", "profanity") == ["arse"]
    safe = "Scunthorpe, Penistone, Shitterton, Cockermouth, Arsenal, a finger-prick test, cocktails"
    assert flagged(safe, "profanity") == []


def test_embargo_terms_match_in_hashtags_links_and_any_case() -> None:
    engine = PolicyEngine(load_pack_data({"words": {"embargo-term": ["Project Heron"]}}, "x"))
    for text, match in [
        ("Coming soon: Project Heron!", "Project Heron"),
        ("#ProjectHeron is coming", "ProjectHeron"),
        ("see gov.uk/project-heron", "project-heron"),
        ("project  heron news", "project  heron"),
    ]:
        assert flagged(text, "embargo-term", engine=engine) == [match]
        assert findings(text, "embargo-term", engine=engine)[0].level is Level.BLOCK
    assert flagged("A grey heron at the lake", "embargo-term", engine=engine) == []


# --- the election period --------------------------------------------------------------

ELECTION = PolicyEngine(
    load_pack_data({"election": {"start": "2026-03-30", "end": "2026-05-07"}}, "election")
)


def test_election_period_blocks_non_essential_posts_inside_the_window() -> None:
    text = "Our new play area is open!"
    inside = findings(text, "election-period", engine=ELECTION, today=date(2026, 4, 15))
    assert [(f.start, f.end, f.level) for f in inside] == [(0, len(text), Level.BLOCK)]
    assert "30 March 2026 to 7 May 2026" in inside[0].message
    for day in (date(2026, 3, 29), date(2026, 5, 8)):
        assert findings(text, "election-period", engine=ELECTION, today=day) == []
    assert (
        findings(text, "election-period", engine=ELECTION, today=date(2026, 3, 30), essential=True)
        == []
    )


def test_election_period_flags_party_political_terms_even_when_essential() -> None:
    text = "Essential roadworks. Conservative councillor Jane Hill and the Lib Dems welcomed them."
    found = flagged(
        text, "election-period", engine=ELECTION, today=date(2026, 5, 7), essential=True
    )
    assert found == ["Conservative councillor", "Lib Dems"]
    assert (
        flagged(
            "The labour market is strong.",
            "election-period",
            engine=ELECTION,
            today=date(2026, 4, 1),
            essential=True,
        )
        == []
    )


def test_hashtag_finder() -> None:
    text = "#One and#no, x#no, &#39; #2026 #Ok_2 \uff03Full"
    assert [text[s:e] for s, e in hashtag_spans(text)] == ["#One", "#Ok_2", "\uff03Full"]


def test_nested_quantifier_detection() -> None:
    for bad in ("(a+)+$", r"(\w*)*x", "(x+y?){2,}", "((ab)+c)*"):
        assert nested_quantifier(bad), bad
    for good in (r"\bCR-\d{6}\b", "(a|b)+", "[(+)]+", r"\(a+\)+", "(ab){2,5}", "a{1,3}"):
        assert not nested_quantifier(good), good
