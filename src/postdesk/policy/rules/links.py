"""Kind ``link``: rules about the links in a post.

Settings: ``check`` is one of

``"insecure"``
    a link starting ``http://`` (``insecure-link``). The suggestion is the same link
    with ``https://``: every UK government and NHS site serves it.
``"shortener"``
    a link on a shortening service (``link-shortener``): readers cannot see where it
    goes, and it looks like the links in phishing messages. ``domains`` lists the
    services; a department adds its own under ``[links] shorteners``.
``"domain"``
    a link outside the allow-list (``link-domain``). ``domains`` is the list, which a
    department sets under ``[links] allow``; a subdomain of an allowed domain is
    allowed ("gov.uk" allows "www.gov.uk" and "leeds.gov.uk"). With no list the rule
    does nothing.

Links are found by `postdesk.policy.features.find_links`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from postdesk.analysis.findings import Finding
from postdesk.policy.fields import Fields
from postdesk.policy.model import Pack, Rule, RuleKind, RuleParams, Term
from postdesk.policy.rules.base import Checkers, CheckInput, KindSpec, finding

__all__ = ["SPEC", "LinkParams", "with_domains"]

_CHECKS = ("insecure", "shortener", "domain")


@dataclass(frozen=True)
class LinkParams(RuleParams):
    """Settings of a ``link`` rule (see the module docstring)."""

    check: str
    domains: tuple[str, ...] = ()


def with_domains(params: RuleParams, domains: tuple[str, ...]) -> RuleParams:
    """The settings with more domains (a department's allow-list or shorteners)."""
    assert isinstance(params, LinkParams)
    return replace(params, domains=params.domains + tuple(d.lower().strip(".") for d in domains))


def _parse(fields: Fields) -> LinkParams:
    check = fields.choice("check", _CHECKS) or "insecure"
    domains = tuple(d.lower().strip().strip(".") for d in fields.strings("domains"))
    for index, domain in enumerate(domains):
        if "/" in domain or " " in domain or "." not in domain:
            fields.problem("domains", f'item {index + 1} must be a domain like "gov.uk"', index)
    return LinkParams(check=check, domains=domains)


def _extend(params: RuleParams, terms: tuple[Term, ...]) -> RuleParams:
    return with_domains(params, tuple(term.phrase for term in terms))


def active(rule: Rule) -> bool:
    """Whether the rule can find anything (a domain rule needs its allow-list)."""
    params = rule.params
    return not (isinstance(params, LinkParams) and params.check == "domain" and not params.domains)


def _build(rule: Rule, pack: Pack) -> Checkers:
    del pack
    params = rule.params
    assert isinstance(params, LinkParams)

    def check(data: CheckInput) -> list[Finding]:
        findings: list[Finding] = []
        for link in data.links:
            if params.check == "insecure":
                if link.insecure:
                    secure = "https://" + link.url[len("http://") :]
                    findings.append(
                        finding(rule, link.start, link.end, suggestion=secure, match=link.url)
                    )
            elif params.check == "shortener":
                if any(link.on_domain(domain) for domain in params.domains):
                    findings.append(
                        finding(rule, link.start, link.end, match=link.url, what=link.host)
                    )
            elif params.domains and not any(link.on_domain(d) for d in params.domains):
                findings.append(finding(rule, link.start, link.end, match=link.url, what=link.host))
        return findings

    return Checkers(per_sentence=check)


SPEC = KindSpec(
    kind=RuleKind.LINK,
    parse=_parse,
    build=_build,
    extend=_extend,
    default_message="Check this link: {match}",
)
