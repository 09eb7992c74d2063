"""Rule packs: the default pack, department packs merged over it, and bad packs rejected."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from postdesk.analysis.findings import Level
from postdesk.policy import (
    PackError,
    PolicyEngine,
    RuleKind,
    Signer,
    load_default_pack,
    load_pack,
    load_pack_data,
    load_pack_text,
    validate_pack_file,
)
from postdesk.policy.rules.count import CountParams
from postdesk.policy.rules.date_window import window_of
from postdesk.policy.rules.links import LinkParams
from postdesk.policy.rules.words import WordsParams
from postdesk.policy.toml_lines import scan

PACKS = Path(__file__).resolve().parent.parent / "data" / "policy_packs"

# The rule ids departments refer to: renaming one breaks their packs.
STABLE_IDS = {
    "personal-data",
    "hashtag-case",
    "hashtag-count",
    "emoji-count",
    "block-capitals",
    "fancy-text",
    "hidden-characters",
    "insecure-link",
    "link-shortener",
    "link-domain",
    "link-count",
    "words-to-avoid",
    "latin-abbreviation",
    "click-here",
    "unexplained-acronym",
    "sentence-length",
    "over-limit",
    "election-period",
    "embargo-term",
    "profanity",
}


# --- the default pack -----------------------------------------------------------------


def test_default_pack_has_every_stable_rule_id() -> None:
    pack = load_default_pack()
    assert {rule.id for rule in pack.rules} >= STABLE_IDS


def test_every_default_rule_has_a_message_and_every_checked_rule_a_source() -> None:
    for rule in load_default_pack().rules:
        assert rule.message.strip(), rule.id
        if rule.kind is not RuleKind.EXTERNAL or rule.id in {"sentence-length", "over-limit"}:
            assert rule.source, rule.id
            assert rule.source.startswith("https://"), rule.id
            assert rule.level is not None, rule.id


def test_default_sign_off_items_name_who_signs() -> None:
    items = {item.id: item for item in load_default_pack().sign_offs}
    assert items["politically-impartial"].who is Signer.REVIEWER
    assert items["legal-risk"].who is Signer.REVIEWER
    assert items["alt-text"].who is Signer.AUTHOR
    assert items["facts-checked"].who is Signer.AUTHOR
    assert items["parliament-first"].triggers


def test_default_pack_is_inactive_where_it_needs_department_settings() -> None:
    pack = load_default_pack()
    domain = pack.rule("link-domain")
    assert domain is not None
    assert isinstance(domain.params, LinkParams)
    assert domain.params.domains == ()
    election = pack.rule("election-period")
    assert election is not None
    assert window_of(election) is None
    embargo = pack.rule("embargo-term")
    assert embargo is not None
    assert isinstance(embargo.params, WordsParams)
    assert embargo.params.terms == ()


def test_over_limit_configures_every_channel_length_rule() -> None:
    rule = load_default_pack().rule("over-limit")
    assert rule is not None
    assert rule.configures("length-x")
    assert rule.configures("length-bluesky")
    assert not rule.configures("sentence-length")


# --- a department pack over the default -----------------------------------------------


def test_department_pack_changes_levels_words_lists_and_dates() -> None:
    pack = load_pack(PACKS / "department-good.toml")
    assert pack.name == "Example Council"
    assert pack.files == ("uk-public-sector.toml", str(PACKS / "department-good.toml"))
    hashtag_count = pack.rule("hashtag-count")
    assert hashtag_count is not None
    assert hashtag_count.level is Level.INFO
    latin = pack.rule("latin-abbreviation")
    assert latin is not None
    assert not latin.enabled
    emoji = pack.rule("emoji-count")
    assert emoji is not None
    assert isinstance(emoji.params, CountParams)
    assert emoji.params.max == 2
    embargo = pack.rule("embargo-term")
    assert embargo is not None
    assert isinstance(embargo.params, WordsParams)
    assert [term.phrase for term in embargo.params.terms] == ["Project Heron", "Riverside Quarter"]
    domain = pack.rule("link-domain")
    assert domain is not None
    assert isinstance(domain.params, LinkParams)
    assert "example.gov.uk" in domain.params.domains
    election = pack.rule("election-period")
    assert election is not None
    assert window_of(election) == (date(2026, 3, 30), date(2026, 5, 7))
    assert "CAMHS" in pack.acronyms
    assert "todmorden" in pack.single_words
    assert pack.sign_offs[-1].id == "press-office-seen"
    added = pack.rule("case-reference")
    assert added is not None
    assert added.origin.endswith("department-good.toml")


def test_department_pack_rules_run() -> None:
    engine = PolicyEngine(load_pack(PACKS / "department-good.toml"))
    text = "Project Heron update for case CR-123456, i.e. the stakeholders' plan."
    found = {(f.rule, text[f.start : f.end]) for f in engine.check(text, today=date(2026, 1, 5))}
    assert ("embargo-term", "Project Heron") in found
    assert ("case-reference", "CR-123456") in found
    assert ("words-to-avoid", "stakeholders") in found
    assert not any(rule == "latin-abbreviation" for rule, _ in found)


def test_pack_data_in_json_shape_takes_iso_date_strings() -> None:
    pack = load_pack_data({"election": {"start": "2026-04-01", "end": "2026-05-07"}}, "inline")
    rule = pack.rule("election-period")
    assert rule is not None
    assert window_of(rule) == (date(2026, 4, 1), date(2026, 5, 7))


def test_a_standalone_pack_needs_rules() -> None:
    with pytest.raises(PackError) as caught:
        load_pack_text('[pack]\nname = "Empty"\n', "empty.toml", base=None)
    assert "must define [[rules]]" in str(caught.value)


def test_a_sign_off_item_can_be_switched_off() -> None:
    pack = load_pack_data({"pack": {"disable": ["image-consent"]}}, "inline")
    assert "image-consent" not in {item.id for item in pack.sign_offs}


# --- bad packs: every problem, with file, line and field ------------------------------


def test_syntax_error_names_file_line_and_key() -> None:
    problems = validate_pack_file(PACKS / "bad-syntax.toml")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file.endswith("bad-syntax.toml")
    assert problem.line == 5
    assert problem.field == "hashtag-count"
    assert "syntax" in problem.message


def test_every_problem_is_reported_with_its_line_and_field() -> None:
    problems = validate_pack_file(PACKS / "bad-many.toml")
    found = {(p.line, p.field) for p in problems}
    assert (4, "pack.disable") in found
    assert (7, "levels.hashtag-count") in found
    assert (8, "levels.no-such-rule") in found
    assert (11, "limits.personal-data") in found
    assert (14, "words.click-here") in found
    assert (20, "rules[case-ref].patterns") in found
    assert (21, "rules[case-ref].levle") in found
    assert (24, "rules[Bad Id].id") in found
    assert (25, "rules[Bad Id].kind") in found
    assert (30, "election.end") in found
    messages = " ".join(p.message for p in problems)
    assert 'did you mean "latin-abbreviation"' in messages
    assert 'did you mean "level"' in messages
    assert "repeats a group that itself repeats" in messages  # (a+)+$ rejected at load
    assert "not valid" in messages  # ([unclosed


def test_load_pack_raises_with_all_problems_and_the_first_in_its_message() -> None:
    with pytest.raises(PackError) as caught:
        load_pack(PACKS / "bad-many.toml")
    error = caught.value
    assert len(error.problems) >= 10
    assert error.file.endswith("bad-many.toml")
    assert error.line == 4
    assert "bad-many.toml:4: pack.disable" in str(error)
    assert error.report().count("\n") == len(error.problems) - 1


def test_missing_and_unreadable_files_are_problems_not_crashes(tmp_path: Path) -> None:
    missing = validate_pack_file(tmp_path / "nope.toml")
    assert missing[0].line is None
    assert "no such file" in missing[0].message
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b'[pack]\nname = "caf\xe9"\n')
    problem = validate_pack_file(latin1)[0]
    assert problem.line == 2
    assert "UTF-8" in problem.message
    assert "folder" in validate_pack_file(tmp_path)[0].message


def test_unknown_sections_and_keys_are_caught() -> None:
    text = '[levls]\nprofanity = "warn"\n\n[links]\nalow = ["gov.uk"]\n'
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "typos.toml")
    found = {(p.line, p.field) for p in caught.value.problems}
    assert (1, "levls") in found
    assert (5, "links.alow") in found


def test_redefining_a_default_rule_is_refused() -> None:
    text = '[[rules]]\nid = "profanity"\nkind = "words"\nlevel = "warn"\nterms = ["x"]\n'
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "dup.toml")
    problem = caught.value.problems[0]
    assert problem.line == 2
    assert problem.field == "rules[profanity].id"
    assert "already defined in the base pack" in problem.message


def test_sign_off_items_are_validated() -> None:
    text = '[[sign_off]]\nid = "x"\nlabel = "Checked"\nwho = "manager"\n'
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "signoff.toml")
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (4, "sign_off[x].who")


def test_levels_cannot_be_set_on_sign_off_items() -> None:
    with pytest.raises(PackError) as caught:
        load_pack_text('[levels]\nalt-text = "warn"\n', "x.toml")
    assert "sign-off items have no level" in caught.value.problems[0].message


def test_half_an_election_window_is_refused() -> None:
    with pytest.raises(PackError) as caught:
        load_pack_text("[election]\nstart = 2026-04-01\n", "x.toml")
    assert caught.value.problems[0].field == "election.end"


# --- keeping the last good pack -------------------------------------------------------


def test_reload_keeps_the_last_good_pack_when_the_file_breaks(tmp_path: Path) -> None:
    path = tmp_path / "department.toml"
    path.write_text('[levels]\nprofanity = "warn"\n', encoding="utf-8")
    engine = PolicyEngine(pack_path=path)
    assert engine.check("what a load of bollocks")[0].level is Level.WARN
    path.write_text('[levels]\nprofanity = "shout"\n', encoding="utf-8")
    problems = engine.reload()
    assert problems
    assert problems[0].line == 2
    assert problems[0].field == "levels.profanity"
    assert engine.problems == tuple(problems)
    assert engine.check("what a load of bollocks")[0].level is Level.WARN  # old pack kept
    path.write_text('[levels]\nprofanity = "info"\n', encoding="utf-8")
    assert engine.reload() == []
    assert engine.problems == ()
    assert engine.check("what a load of bollocks")[0].level is Level.INFO


def test_an_engine_on_a_bad_file_raises_so_the_caller_can_fall_back() -> None:
    with pytest.raises(PackError):
        PolicyEngine(pack_path=PACKS / "bad-many.toml")


# --- the TOML line scanner ------------------------------------------------------------


def test_scanner_finds_tables_keys_and_array_elements() -> None:
    text = (
        "# comment\n"
        '[pack]\nname = "x" # trailing\n'
        'description = """\n[not-a-table]\nkey = 1\n"""\n'
        "[[rules]]\nid = 'a'\n[[rules]]\n"
        'id = "b"\nterms = [\n  "one",\n  { phrase = "two" },\n]\n'
        '[words]\n"embargo-term" = ["x"]\n'
    )
    lines = scan(text)
    assert lines.line(("pack",)) == 2
    assert lines.line(("pack", "name")) == 3
    assert lines.line(("not-a-table",)) is None  # inside a multi-line string
    assert lines.line(("rules", 0, "id")) == 9
    assert lines.line(("rules", 1)) == 10
    assert lines.line(("rules", 1, "terms", 0)) == 13
    assert lines.line(("rules", 1, "terms", 1, "phrase")) == 14
    assert lines.line(("words", "embargo-term")) == 17
    assert lines.line(("rules", 1, "no-such-key")) == 10  # nearest parent
