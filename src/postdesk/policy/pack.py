"""Load rule packs: the default UK public-sector pack, and a department's pack over it.

Why TOML: Python 3.11 reads it with the standard library (`tomllib`, no dependency),
it allows comments (a pack is a document an administrator edits, and each rule's
comment says why it is there), it has real dates for the election period, and it
has no YAML-style surprises ("no" meaning false, "1:30" meaning 90). PostDesk's word
lists are TOML already. What `tomllib` lacks is line numbers once a file has parsed;
`postdesk.policy.toml_lines` finds them, so every problem names the file, the line
and the field.

A pack file has these parts, all optional (docs/policy-rules.md has the details):

``[pack]``          name, version, description; ``disable`` and ``enable`` (rule ids)
``[[rules]]``       new rules: id, kind, level, message, suggestion, source, settings
``[[sign_off]]``    manual items: id, label, who (author or reviewer), source, triggers
``[levels]``        rule id = "block" | "warn" | "info"
``[limits]``        rule id = number (for count rules: hashtags, emoji, links)
``[words]``         rule id = [words to add] (embargoed names, words to avoid...)
``[vocabulary]``    acronyms = [...], single_words = [...]
``[links]``         allow = [domains] (turns on link-domain), shorteners = [domains]
``[election]``      start = 2026-04-01, end = 2026-05-07

The default pack (``resources/policy/uk-public-sector.toml``) is a pack file with no
base. A department's pack is merged over it: `load_pack(path)`. Loading never half
succeeds: a file with any problem raises `PackError` listing every problem, and the
caller keeps its last good pack (`postdesk.policy.engine.PolicyEngine.reload` does).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from postdesk.analysis.findings import Level
from postdesk.policy.fields import Fields, Problems, close_match, parse_level, terms_of
from postdesk.policy.model import (
    Pack,
    PackError,
    PackProblem,
    Rule,
    RuleKind,
    Signer,
    SignOffItem,
    Term,
)
from postdesk.policy.rules import KINDS
from postdesk.policy.rules.count import with_limit
from postdesk.policy.rules.date_window import with_window
from postdesk.policy.rules.links import LinkParams, with_domains
from postdesk.policy.toml_lines import KeyLines, scan

__all__ = [
    "DEFAULT",
    "DEFAULT_PACK_NAME",
    "load_default_pack",
    "load_pack",
    "load_pack_data",
    "load_pack_text",
    "validate_pack_file",
]

DEFAULT_PACK_NAME = "uk-public-sector.toml"
_TOP_LEVEL = (
    "pack",
    "rules",
    "sign_off",
    "levels",
    "limits",
    "words",
    "vocabulary",
    "links",
    "election",
)
_SYNTAX_LINE = re.compile(r"at line (\d+)")
_KEY_ON_LINE = re.compile(r"""^\s*\[*\s*([A-Za-z0-9_.\-"']+)""")
# The largest pack file read (a word list of tens of thousands of names is still far
# below this); anything bigger is a mistake, such as pointing at a log file.
MAX_PACK_BYTES = 5_000_000


class _Base(Enum):
    DEFAULT = "default"


DEFAULT: Final = _Base.DEFAULT
"""Use as `base` to merge over the default UK public-sector pack (the default)."""


@cache
def load_default_pack() -> Pack:
    """The default UK public-sector pack shipped in ``postdesk/resources/policy``.

    Raises:
        PackError: only if the shipped file is broken (the tests load it).
    """
    resource = files("postdesk") / "resources" / "policy" / DEFAULT_PACK_NAME
    return load_pack_text(resource.read_text(encoding="utf-8"), DEFAULT_PACK_NAME, base=None)


def load_pack(path: Path | str, base: Pack | _Base | None = DEFAULT) -> Pack:
    """Load a pack file, merged over `base`.

    Args:
        path: the pack file.
        base: the pack to merge over: the default pack (`DEFAULT`), another pack, or
            None for a complete pack that stands alone.

    Returns:
        The merged pack.

    Raises:
        PackError: listing every problem (file, line, field, message).
    """
    text = _read(path)
    return load_pack_text(text, str(path), base=base)


def validate_pack_file(path: Path | str, base: Pack | _Base | None = DEFAULT) -> list[PackProblem]:
    """Every problem in a pack file (none when it is good), for ``postdesk check --pack``.

    Args:
        path: the pack file.
        base: as for `load_pack`.

    Returns:
        The problems, in file order; empty when the pack loads.
    """
    try:
        load_pack(path, base=base)
    except PackError as error:
        return list(error.problems)
    return []


def load_pack_text(text: str, name: str, base: Pack | _Base | None = DEFAULT) -> Pack:
    """Load a pack from TOML text.

    Args:
        text: the file's contents.
        name: the file's name for messages and rule origins.
        base: as for `load_pack`.

    Raises:
        PackError: listing every problem.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError([_syntax_problem(error, text, name)]) from None
    return load_pack_data(data, name, base=base, lines=scan(text))


def load_pack_data(
    data: Mapping[str, Any],
    name: str,
    base: Pack | _Base | None = DEFAULT,
    lines: KeyLines | None = None,
) -> Pack:
    """Load a pack from already-parsed data (a TOML document, or the same shape in JSON).

    Args:
        data: the pack's tables.
        name: its name for messages and rule origins.
        base: as for `load_pack`.
        lines: where its keys are, for messages (none for data not from a file).

    Raises:
        PackError: listing every problem.
    """
    base_pack = load_default_pack() if base is DEFAULT else base
    assert not isinstance(base_pack, _Base)
    problems = Problems(name, lines or KeyLines({}))
    merged = _Loader(data, problems, base_pack).load()
    if problems.found:
        problems.found.sort(key=lambda p: p.line if p.line is not None else 0)
        raise PackError(problems.found)
    return merged


def _read(path: Path | str) -> str:
    """A pack file's text, or a PackError naming the file."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PackError([PackProblem(name, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise PackError([PackProblem(name, None, "", "is a folder, not a pack file")]) from None
    except OSError as error:
        raise PackError(
            [PackProblem(name, None, "", f"cannot be read: {error.strerror}")]
        ) from None
    if len(raw) > MAX_PACK_BYTES:
        raise PackError([PackProblem(name, None, "", "is too large to be a pack file")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise PackError([PackProblem(name, line, "", "is not UTF-8 text")]) from None


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, name: str) -> PackProblem:
    """A TOML syntax error as a problem, with the key on that line as the field."""
    message = str(error)
    found = _SYNTAX_LINE.search(message)
    line = int(found.group(1)) if found else None
    field = ""
    if line is not None:
        source_lines = text.splitlines()
        if 0 < line <= len(source_lines):
            key = _KEY_ON_LINE.match(source_lines[line - 1])
            field = key.group(1).strip("\"'") if key else ""
    detail = _SYNTAX_LINE.sub("", message).replace("(, column", "(column").strip()
    detail = re.sub(r"\s*\(\s*column \d+\)", "", detail) or message
    return PackProblem(name, line, field, f"TOML syntax error: {detail}")


class _Loader:
    """Merges one parsed pack file over a base pack, collecting every problem."""

    def __init__(self, data: Mapping[str, Any], problems: Problems, base: Pack | None) -> None:
        self.data = data
        self.problems = problems
        self.base = base
        self.name = problems.file
        self.rules: dict[str, Rule] = {rule.id: rule for rule in base.rules} if base else {}
        self.sign_offs: dict[str, SignOffItem] = (
            {item.id: item for item in base.sign_offs} if base else {}
        )
        self.acronyms: set[str] = set(base.acronyms) if base else set()
        self.single_words: set[str] = set(base.single_words) if base else set()
        self.disabled_sign_offs: set[str] = set()

    def problem(self, path: tuple[str | int, ...], field: str, message: str) -> None:
        self.problems.add(path, field, message)

    def load(self) -> Pack:
        top = Fields(self.data, self.problems, (), "")
        for key in self.data:
            if key not in _TOP_LEVEL:
                top.problem(key, f"is not a pack section{close_match(key, _TOP_LEVEL)}")
        pack_table = self._table("pack")
        header = Fields(pack_table, self.problems, ("pack",), "pack")
        pack_name = header.string("name") or (self.base.name if self.base else self.name)
        version = header.string("version") or (self.base.version if self.base else "")
        header.string("description")
        header.string("extends")
        disable = header.strings("disable")
        enable = header.strings("enable")
        header.finish()

        self._rules()
        self._sign_off_items()
        if self.base is None and not self.rules:
            self.problem(("rules",), "rules", "a pack with no base pack must define [[rules]]")
        self._vocabulary()
        self._switches(disable, "disable", enabled=False)
        self._switches(enable, "enable", enabled=True)
        self._levels()
        self._limits()
        self._words()
        self._links()
        self._election()
        return Pack(
            name=pack_name,
            rules=tuple(self.rules.values()),
            sign_offs=tuple(
                item for item in self.sign_offs.values() if item.id not in self.disabled_sign_offs
            ),
            acronyms=frozenset(self.acronyms),
            single_words=frozenset(word.lower() for word in self.single_words),
            files=(*(self.base.files if self.base else ()), self.name),
            version=version,
        )

    # -- sections ---------------------------------------------------------------------

    def _table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            self.problem((key,), key, "must be a table, written [" + key + "]")
            return {}
        return value

    def _array_of_tables(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.problem((key,), key, f"must be tables written [[{key}]]")
            return []
        return value

    def _rules(self) -> None:
        for index, raw in enumerate(self._array_of_tables("rules")):
            path: tuple[str | int, ...] = ("rules", index)
            if not isinstance(raw, dict):
                self.problem(path, f"rules[{index}]", "must be a table")
                continue
            rule_id = raw.get("id")
            label = f"rules[{rule_id}]" if isinstance(rule_id, str) else f"rules[{index}]"
            rule = self._rule(raw, path, label)
            if rule is None:
                continue
            if rule.id in self.rules:
                where = "the base pack" if self.base and self.base.rule(rule.id) else "this file"
                self.problem(
                    (*path, "id"),
                    f"{label}.id",
                    f'"{rule.id}" is already defined in {where}; change it with [levels], '
                    "[words], [limits] or [pack] disable instead",
                )
                continue
            self.rules[rule.id] = rule

    def _rule(self, raw: Mapping[str, Any], path: tuple[str | int, ...], label: str) -> Rule | None:
        fields = Fields(raw, self.problems, path, label)
        rule_id = fields.identifier("id", required=True)
        kind_name = fields.choice("kind", tuple(kind.value for kind in KINDS))
        kind = RuleKind(kind_name) if kind_name else None
        level = fields.level("level", required=kind is not RuleKind.EXTERNAL)
        enabled = fields.boolean("enabled", True)
        message = fields.string("message")
        suggestion = fields.string("suggestion")
        source = fields.link("source")
        applies_to = fields.strings("applies_to")
        if applies_to and kind is not RuleKind.EXTERNAL:
            fields.problem("applies_to", 'only external rules (kind = "external") take applies_to')
        if kind is None:
            fields.finish(raw.keys())  # the kind's own keys cannot be checked without a kind
            return None
        spec = KINDS[kind]
        params = spec.parse(fields)
        fields.finish()
        if rule_id is None or (level is None and kind is not RuleKind.EXTERNAL):
            return None
        return Rule(
            id=rule_id,
            kind=kind,
            level=level,
            enabled=enabled,
            message=message or spec.default_message,
            suggestion=suggestion,
            source=source,
            params=params,
            applies_to=applies_to,
            origin=self.name,
        )

    def _sign_off_items(self) -> None:
        for index, raw in enumerate(self._array_of_tables("sign_off")):
            path: tuple[str | int, ...] = ("sign_off", index)
            if not isinstance(raw, dict):
                self.problem(path, f"sign_off[{index}]", "must be a table")
                continue
            item_id = raw.get("id")
            label = f"sign_off[{item_id}]" if isinstance(item_id, str) else f"sign_off[{index}]"
            fields = Fields(raw, self.problems, path, label)
            identifier = fields.identifier("id", required=True)
            text = fields.string("label", required=True)
            who = fields.choice("who", tuple(signer.value for signer in Signer))
            source = fields.link("source")
            help_text = fields.string("help")
            triggers = fields.strings("triggers")
            fields.finish()
            if identifier is None or text is None or who is None:
                continue
            if identifier in self.sign_offs or identifier in self.rules:
                self.problem((*path, "id"), f"{label}.id", f'"{identifier}" is already defined')
                continue
            self.sign_offs[identifier] = SignOffItem(
                id=identifier,
                label=text,
                who=Signer(who),
                source=source,
                help=help_text,
                triggers=triggers,
                origin=self.name,
            )

    def _vocabulary(self) -> None:
        fields = Fields(self._table("vocabulary"), self.problems, ("vocabulary",), "vocabulary")
        self.acronyms.update(a.strip() for a in fields.strings("acronyms"))
        self.single_words.update(w.strip().lower() for w in fields.strings("single_words"))
        fields.finish()

    def _known(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def _unknown(self, path: tuple[str | int, ...], field: str, rule_id: str) -> None:
        options = list(self.rules) + list(self.sign_offs)
        self.problem(
            path, field, f'no rule "{rule_id}" in this pack{close_match(rule_id, options)}'
        )

    def _switches(self, ids: tuple[str, ...], key: str, *, enabled: bool) -> None:
        for index, rule_id in enumerate(ids):
            path: tuple[str | int, ...] = ("pack", key, index)
            if rule_id in self.rules:
                self.rules[rule_id] = replace(self.rules[rule_id], enabled=enabled)
            elif rule_id in self.sign_offs:
                if enabled:
                    self.disabled_sign_offs.discard(rule_id)
                else:
                    self.disabled_sign_offs.add(rule_id)
            else:
                self._unknown(path, f"pack.{key}", rule_id)

    def _levels(self) -> None:
        for rule_id, value in self._table("levels").items():
            path: tuple[str | int, ...] = ("levels", rule_id)
            field = f"levels.{rule_id}"
            level = parse_level(value)
            if level is None:
                shown = f'"{value}"' if isinstance(value, str) else "a non-text value"
                self.problem(path, field, f"must be one of block, warn, info (got {shown})")
                continue
            if not self._known(rule_id):
                if rule_id in self.sign_offs:
                    self.problem(path, field, "sign-off items have no level")
                else:
                    self._unknown(path, field, rule_id)
                continue
            self.rules[rule_id] = replace(self.rules[rule_id], level=Level(level))

    def _limits(self) -> None:
        for rule_id, value in self._table("limits").items():
            path: tuple[str | int, ...] = ("limits", rule_id)
            field = f"limits.{rule_id}"
            if not self._known(rule_id):
                self._unknown(path, field, rule_id)
                continue
            rule = self.rules[rule_id]
            if rule.kind is not RuleKind.COUNT:
                self.problem(path, field, f'"{rule_id}" is not a count rule, so it has no limit')
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
                self.problem(path, field, "must be a whole number from 0 to 1000")
                continue
            self.rules[rule_id] = replace(rule, params=with_limit(rule.params, value))

    def _words(self) -> None:
        for rule_id, value in self._table("words").items():
            path: tuple[str | int, ...] = ("words", rule_id)
            field = f"words.{rule_id}"
            if not self._known(rule_id):
                self._unknown(path, field, rule_id)
                continue
            rule = self.rules[rule_id]
            extend = KINDS[rule.kind].extend
            if extend is None:
                self.problem(path, field, f'"{rule_id}" ({rule.kind.value}) takes no word list')
                continue

            terms: tuple[Term, ...] = terms_of(value, self._reporter(path, field))
            self.rules[rule_id] = replace(rule, params=extend(rule.params, terms))

    def _reporter(
        self, path: tuple[str | int, ...], field: str
    ) -> Callable[[int | None, str], None]:
        """Report problems with the elements of the array at `path`."""

        def report(index: int | None, message: str) -> None:
            self.problem(path if index is None else (*path, index), field, message)

        return report

    def _link_rules(self, check: str) -> list[str]:
        return [
            rule.id
            for rule in self.rules.values()
            if isinstance(rule.params, LinkParams) and rule.params.check == check
        ]

    def _links(self) -> None:
        fields = Fields(self._table("links"), self.problems, ("links",), "links")
        for key, check in (("allow", "domain"), ("shorteners", "shortener")):
            if not fields.has(key):
                continue
            domains = fields.strings(key)
            for index, domain in enumerate(domains):
                if "/" in domain or " " in domain or "." not in domain.strip("."):
                    fields.problem(key, f'item {index + 1} must be a domain like "gov.uk"', index)
            targets = self._link_rules(check)
            if not targets:
                fields.problem(
                    key, f'no link rule with check = "{check}" in this pack to apply it to'
                )
            for rule_id in targets:
                rule = self.rules[rule_id]
                self.rules[rule_id] = replace(rule, params=with_domains(rule.params, domains))
        fields.finish()

    def _election(self) -> None:
        table = self._table("election")
        if not table:
            return
        fields = Fields(table, self.problems, ("election",), "election")
        start = fields.date("start")
        end = fields.date("end")
        fields.finish()
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            fields.problem(missing, "is needed too: give both start and end")
            return
        if start is not None and end is not None and end < start:
            fields.problem("end", f"is before start ({start.isoformat()})")
            return
        targets = [rule.id for rule in self.rules.values() if rule.kind is RuleKind.DATE_WINDOW]
        if not targets:
            fields.problem("start", "no date-window rule in this pack to apply it to")
        for rule_id in targets:
            rule = self.rules[rule_id]
            self.rules[rule_id] = replace(rule, params=with_window(rule.params, start, end))
