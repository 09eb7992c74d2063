"""Bluesky rich text: find the links, mentions and hashtags in a post, as facets.

Bluesky does not parse post text: a link, a mention or a hashtag is clickable only when
the record carries a *facet* for it, a UTF-8 byte range plus what it points at
(https://docs.bsky.app/docs/advanced-guides/post-richtext, lexicon app.bsky.richtext.facet).
So PostDesk must find them itself, and find the same ones the Bluesky app would, or the
published post would not look like the one that was approved.

`detect` ports the reference detector of the official TypeScript SDK rule for rule
(@atproto/api 0.21.0, ``src/rich-text/detection.ts`` and ``util.ts``, whose top-level
domain list is the npm package ``tlds`` 1.261.0, embedded below). A differential fuzz
against that package (100,000 generated texts, about 245,000 facets) found no difference
but the two described after this list:

* **links**: ``http(s)://`` followed by non-space characters, or a schemeless domain at the
  start of a word whose last label is a real top-level domain (``gov.uk/roads`` becomes
  ``https://gov.uk/roads``); a link starts at the text's start, after whitespace or after
  ``(``. One trailing ``.,;:!?`` is not part of the link, nor is a trailing ``)`` when the
  link has no ``(``.
* **mentions**: ``@`` plus a handle (letters, digits, ``.``, ``-``) at the start, after
  whitespace or after ``(``, whose last label is a real top-level domain or ``test``. The
  facet needs the account's DID, so the caller resolves each handle; an unresolvable
  handle stays plain text, as in the Bluesky app.
* **hashtags**: ``#`` (or the fullwidth U+FF03) at the start or after whitespace, then a
  tag that is not only digits and punctuation; trailing punctuation is not part of it; at
  most 64 graphemes.
* **cashtags**: ``$`` and a ticker of 1-5 letters or digits starting with a letter
  (``$GBP``), followed by whitespace, the end or punctuation; a tag facet ``$GBP``, upper
  case.

Where this differs from the reference, on purpose: a schemeless domain that happens to
start with "http" (``httpbin.org/get``) gets ``https://`` in front like any other (the
reference keeps it without a scheme, and the reference PDS refuses the whole post: 400
"Invalid uri"); and a facet that would overlap an earlier one is dropped (renderers
discard overlaps anyway), so mentions, then links, then hashtags, then cashtags win.
Facets are sorted by position. Detection is a pure function of the text, so every retry
of a post builds the same facets, given the same handle resolutions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import regex

# JavaScript's \s and String.prototype.trim: the reference relies on them, and Python's \s
# is a slightly different set. Literal characters, so they drop straight into [...] classes.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# Zero-width and soft-hyphen characters that end a hashtag (the reference's list).
_ZERO_WIDTH = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
# JavaScript's \b without the u flag: a boundary between [A-Za-z0-9_] and anything else.
_ASCII_WORD_BOUNDARY = "(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))"

_MENTION = re.compile(rf"(^|[{_JS_SPACE}]|\()@([a-zA-Z0-9.-]+){_ASCII_WORD_BOUNDARY}")
# re.ASCII: case-insensitive only for ASCII, like JavaScript's /i (no Kelvin sign for "k").
_LINK = re.compile(
    rf"(^|[{_JS_SPACE}]|\()"
    rf"((https?://[^{_JS_SPACE}]+)|((?P<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)[^{_JS_SPACE}]*))",
    re.IGNORECASE | re.MULTILINE | re.ASCII,
)
# `regex` rather than `re`: it has \p{P} (Unicode punctuation), as JavaScript's /u does.
_TAG = regex.compile(
    rf"(^|[{_JS_SPACE}])[#\uff03]"
    rf"((?!\ufe0f)[^{_JS_SPACE}{_ZERO_WIDTH}]*"
    rf"[^0-9{_JS_SPACE}\p{{P}}{_ZERO_WIDTH}]+"
    rf"[^{_JS_SPACE}{_ZERO_WIDTH}]*)?"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
# \Z, not $: Python's $ also matches before a final newline, JavaScript's does not.
_CASHTAG = re.compile(
    rf"(^|[{_JS_SPACE}]|\()\$([A-Za-z][A-Za-z0-9]{{0,4}})(?=[{_JS_SPACE}]|\Z|[.,;:!?)\"'\u2019])"
)
_GRAPHEME = regex.compile(r"\X")
_LINK_END_PUNCTUATION = ".,;:!?"
MAX_TAG_GRAPHEMES = 64

FacetKind = Literal["mention", "link", "tag"]
FEATURE_TYPES: dict[FacetKind, str] = {
    "mention": "app.bsky.richtext.facet#mention",
    "link": "app.bsky.richtext.facet#link",
    "tag": "app.bsky.richtext.facet#tag",
}


@dataclass(frozen=True)
class Span:
    """Something clickable found in a text.

    Attributes:
        kind: "mention", "link" or "tag".
        start: index of its first character in the text (Python string index).
        end: index just past its last character.
        byte_start: the same, as a UTF-8 byte offset (what a facet stores).
        byte_end: the same, as a UTF-8 byte offset (exclusive).
        value: the handle without "@" (mention), the full URL (link) or the tag without
            "#" (tag).
    """

    kind: FacetKind
    start: int
    end: int
    byte_start: int
    byte_end: int
    value: str


def detect(text: str) -> list[Span]:
    """Find the mentions, links and hashtags in `text`, in order of position.

    Args:
        text: the post's text, exactly as it will be published.

    Returns:
        Non-overlapping spans sorted by position, with UTF-8 byte offsets.
    """
    found: list[tuple[FacetKind, int, int, str]] = []
    for match in _MENTION.finditer(text):
        handle = match.group(2)
        if _is_valid_domain(handle) or handle.endswith(".test"):
            start = match.start(2) - 1  # include the "@"
            found.append(("mention", start, match.end(2), handle))
    for match in _LINK.finditer(text):
        start, end = match.start(2), match.end(2)
        uri = match.group(2)
        if match.group(3) is not None:
            if not uri.startswith("http"):
                continue  # "HTTPS://...": the reference's case-sensitive test skips it
        elif _is_valid_domain(match.group("domain")):
            uri = "https://" + uri  # schemeless: only a real domain becomes a link
        else:
            continue
        if uri[-1] in _LINK_END_PUNCTUATION:
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append(("link", start, end, uri))
    for tag_match in _TAG.finditer(text):
        tag = tag_match.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", tag.strip(_JS_SPACE))
        if not tag or len(_GRAPHEME.findall(tag)) > MAX_TAG_GRAPHEMES:
            continue
        start = tag_match.start(2) - 1  # include the "#"
        found.append(("tag", start, start + 1 + len(tag), tag))
    for match in _CASHTAG.finditer(text):
        start = match.start(2) - 1  # include the "$"
        found.append(("tag", start, match.end(2), "$" + match.group(2).upper()))

    offsets = _utf8_offsets(text)
    spans: list[Span] = []
    # Mentions, then links, then tags, then cashtags win overlaps (the reference's order).
    for kind, start, end, value in found:
        if any(start < other.end and other.start < end for other in spans):
            continue
        spans.append(Span(kind, start, end, offsets[start], offsets[end], value))
    return sorted(spans, key=lambda span: span.start)


def build_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """The app.bsky.richtext.facet list for `text` (empty when nothing is clickable).

    Args:
        text: the post's text.
        resolve_handle: gives the DID of a handle (lower case, without "@"), or None when
            no account has that handle; such a mention stays plain text. It may raise, to
            stop publishing when resolution failed for a temporary reason.

    Returns:
        Facets in the JSON shape the record takes, sorted by byte offset.
    """
    facets: list[dict[str, Any]] = []
    for span in detect(text):
        feature: dict[str, Any] = {"$type": FEATURE_TYPES[span.kind]}
        if span.kind == "mention":
            did = resolve_handle(span.value.lower())
            if did is None:
                continue
            feature["did"] = did
        elif span.kind == "link":
            feature["uri"] = span.value
        else:
            feature["tag"] = span.value
        facets.append(
            {
                "index": {"byteStart": span.byte_start, "byteEnd": span.byte_end},
                "features": [feature],
            }
        )
    return facets


def _utf8_offsets(text: str) -> list[int]:
    """UTF-8 byte offset of every string index, and of the end."""
    offsets = [0] * (len(text) + 1)
    total = 0
    for index, char in enumerate(text):
        offsets[index] = total
        total += len(char.encode("utf-8", "surrogatepass"))
    offsets[len(text)] = total
    return offsets


def _is_valid_domain(domain: str) -> bool:
    """True when the last label of `domain` is a top-level domain (the reference's test).

    Case-sensitive, as there: ``GOV.UK`` is not a link in the Bluesky app either.
    """
    head, dot, tld = domain.rpartition(".")
    return bool(head and dot) and tld in TOP_LEVEL_DOMAINS


# The ASCII top-level domains of the IANA root zone, as the reference takes them from the
# npm package `tlds` (1.261.0, MIT). Only ASCII ones matter: the link and mention patterns
# match ASCII only, so internationalised TLDs appear in their xn-- form.
TOP_LEVEL_DOMAINS = frozenset(
    """
    aaa aarp abb abbott abbvie abc able abogado abudhabi ac academy accenture accountant
    accountants aco actor ad ads adult ae aeg aero aetna af afl africa ag agakhan agency ai aig
    airbus airforce airtel akdn al alibaba alipay allfinanz allstate ally alsace alstom am
    amazon americanexpress americanfamily amex amfam amica amsterdam analytics android anquan
    anz ao aol apartments app apple aq aquarelle ar arab aramco archi army arpa art arte as asda
    asia associates at athleta attorney au auction audi audible audio auspost author auto autos
    aw aws ax axa az azure ba baby baidu banamex band bank bar barcelona barclaycard barclays
    barefoot bargains baseball basketball bauhaus bayern bb bbc bbt bbva bcg bcn bd be beats
    beauty beer berlin best bestbuy bet bf bg bh bharti bi bible bid bike bing bingo bio biz bj
    black blackfriday blockbuster blog bloomberg blue bm bms bmw bn bnpparibas bo boats
    boehringer bofa bom bond boo book booking bosch bostik boston bot boutique box br bradesco
    bridgestone broadway broker brother brussels bs bt build builders business buy buzz bv bw by
    bz bzh ca cab cafe cal call calvinklein cam camera camp canon capetown capital capitalone
    car caravan cards care career careers cars casa case cash casino cat catering catholic cba
    cbn cbre cc cd center ceo cern cf cfa cfd cg ch chanel channel charity chase chat cheap
    chintai christmas chrome church ci cipriani circle cisco citadel citi citic city ck cl
    claims cleaning click clinic clinique clothing cloud club clubmed cm cn co coach codes
    coffee college cologne com commbank community company compare computer comsec condos
    construction consulting contact contractors cooking cool coop corsica country coupon coupons
    courses cpa cr credit creditcard creditunion cricket crown crs cruise cruises cu cuisinella
    cv cw cx cy cymru cyou cz dad dance data date dating datsun day dclk dds de deal dealer
    deals degree delivery dell deloitte delta democrat dental dentist desi design dev dhl
    diamonds diet digital direct directory discount discover dish diy dj dk dm dnp do docs
    doctor dog domains dot download drive dtv dubai dupont durban dvag dvr dz earth eat ec eco
    edeka edu education ee eg email emerck energy engineer engineering enterprises epson
    equipment er ericsson erni es esq estate et eu eurovision eus events exchange expert exposed
    express extraspace fage fail fairwinds faith family fan fans farm farmers fashion fast fedex
    feedback ferrari ferrero fi fidelity fido film final finance financial fire firestone
    firmdale fish fishing fit fitness fj fk flickr flights flir florist flowers fly fm fo foo
    food football ford forex forsale forum foundation fox fr free fresenius frl frogans frontier
    ftr fujitsu fun fund furniture futbol fyi ga gal gallery gallo gallup game games gap garden
    gay gb gbiz gd gdn ge gea gent genting george gf gg ggee gh gi gift gifts gives giving gl
    glass gle global globo gm gmail gmbh gmo gmx gn godaddy gold goldpoint golf goo goodyear
    goog google gop got gov gp gq gr grainger graphics gratis green gripe grocery group gs gt gu
    gucci guge guide guitars guru gw gy hair hamburg hangout haus hbo hdfc hdfcbank health
    healthcare help helsinki here hermes hiphop hisamitsu hitachi hiv hk hkt hm hn hockey
    holdings holiday homedepot homegoods homes homesense honda horse hospital host hosting hot
    hotels hotmail house how hr hsbc ht hu hughes hyatt hyundai ibm icbc ice icu id ie ieee ifm
    ikano il im imamat imdb immo immobilien in inc industries infiniti info ing ink institute
    insurance insure int international intuit investments io ipiranga iq ir irish is ismaili ist
    istanbul it itau itv jaguar java jcb je jeep jetzt jewelry jio jll jm jmp jnj jo jobs joburg
    jot joy jp jpmorgan jprs juegos juniper kaufen kddi ke kerryhotels kerryproperties kfh kg kh
    ki kia kids kim kindle kitchen kiwi km kn koeln komatsu kosher kp kpmg kpn kr krd kred
    kuokgroup kw ky kyoto kz la lacaixa lamborghini lamer land landrover lanxess lasalle lat
    latino latrobe law lawyer lb lc lds lease leclerc lefrak legal lego lexus lgbt li lidl life
    lifeinsurance lifestyle lighting like lilly limited limo lincoln link live living lk llc llp
    loan loans locker locus lol london lotte lotto love lpl lplfinancial lr ls lt ltd ltda lu
    lundbeck luxe luxury lv ly ma madrid maif maison makeup man management mango map market
    marketing markets marriott marshalls mattel mba mc mckinsey md me med media meet melbourne
    meme memorial men menu merckmsd mg mh miami microsoft mil mini mint mit mitsubishi mk ml mlb
    mls mm mma mn mo mobi mobile moda moe moi mom monash money monster mormon mortgage moscow
    moto motorcycles mov movie mp mq mr ms msd mt mtn mtr mu museum music mv mw mx my mz na nab
    nagoya name navy nba nc ne nec net netbank netflix network neustar new news next nextdirect
    nexus nf nfl ng ngo nhk ni nico nike nikon ninja nissan nissay nl no nokia norton now nowruz
    nowtv np nr nra nrw ntt nu nyc nz obi observer office okinawa olayan olayangroup ollo om
    omega one ong onl online ooo open oracle orange org organic origins osaka otsuka ott ovh pa
    page panasonic paris pars partners parts party pay pccw pe pet pf pfizer pg ph pharmacy phd
    philips phone photo photography photos physio pics pictet pictures pid pin ping pink pioneer
    pizza pk pl place play playstation plumbing plus pm pn pnc pohl poker politie porn post pr
    praxi press prime pro prod productions prof progressive promo properties property protection
    pru prudential ps pt pub pw pwc py qa qpon quebec quest racing radio re read realestate
    realtor realty recipes red redumbrella rehab reise reisen reit reliance ren rent rentals
    repair report republican rest restaurant review reviews rexroth rich richardli ricoh ril rio
    rip ro rocks rodeo rogers room rs rsvp ru rugby ruhr run rw rwe ryukyu sa saarland safe
    safety sakura sale salon samsclub samsung sandvik sandvikcoromant sanofi sap sarl sas save
    saxo sb sbi sbs sc scb schaeffler schmidt scholarships school schule schwarz science scot sd
    se search seat secure security seek select sener services seven sew sex sexy sfr sg sh
    shangrila sharp shell shia shiksha shoes shop shopping shouji show si silk sina singles site
    sj sk ski skin sky skype sl sling sm smart smile sn sncf so soccer social softbank software
    sohu solar solutions song sony soy spa space sport spot sr srl ss st stada staples star
    statebank statefarm stc stcgroup stockholm storage store stream studio study style su sucks
    supplies supply support surf surgery suzuki sv swatch swiss sx sy sydney systems sz tab
    taipei talk taobao target tatamotors tatar tattoo tax taxi tc tci td tdk team tech
    technology tel temasek tennis teva tf tg th thd theater theatre tiaa tickets tienda tips
    tires tirol tj tjmaxx tjx tk tkmaxx tl tm tmall tn to today tokyo tools top toray toshiba
    total tours town toyota toys tr trade trading training travel travelers travelersinsurance
    trust trv tt tube tui tunes tushu tv tvs tw tz ua ubank ubs ug uk unicom university uno uol
    ups us uy uz va vacations vana vanguard vc ve vegas ventures verisign versicherung vet vg vi
    viajes video vig viking villas vin vip virgin visa vision viva vivo vlaanderen vn vodka
    volvo vote voting voto voyage vu wales walmart walter wang wanggou watch watches weather
    weatherchannel webcam weber website wed wedding weibo weir wf whoswho wien wiki williamhill
    win windows wine winners wme wolterskluwer woodside work works world wow ws wtc wtf xbox
    xerox xihuan xin xxx xyz yachts yahoo yamaxun yandex ye yodobashi yoga yokohama you youtube
    yt yun za zappos zara zero zip zm zone zuerich zw
    """.split()
)
