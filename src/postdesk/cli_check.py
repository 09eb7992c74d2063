"""`postdesk check`: the analysis engine from the command line, no Qt.

Exit status: 0 when nothing blocks, 1 when a block-level finding exists, 2 for a usage
error or unreadable input (a missing file, text that is not UTF-8), with a one-line message.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postdesk.analysis.channels import Channel
    from postdesk.analysis.grammar import GrammarService
    from postdesk.analysis.report import AnalysisReport
    from postdesk.policy import PolicyEngine

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2
CHANNEL_IDS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")


class UsageError(Exception):
    """Bad arguments or unreadable input: exit status 2 with this one-line message.

    Attributes:
        post_id: in --batch, the id of the line's post when it could be read.
    """

    def __init__(self, message: str, post_id: Any = None) -> None:
        super().__init__(message)
        self.post_id = post_id


def add_parser(commands: Any) -> None:
    """Register `postdesk check` on the top-level subparsers."""
    check = commands.add_parser(
        "check",
        help="check a post: length per platform, readability, plain English, grammar",
        description="Check a post as PostDesk's editor does. Exit status: 0 nothing blocks, "
        "1 a block-level finding, 2 a usage error or unreadable input.",
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="the post to check, or - for stdin")
    output = check.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument(
        "--batch",
        action="store_true",
        help='read JSON lines {"id": ..., "text": ..., "channels": [...]} from stdin and '
        "write one JSON report per line",
    )
    check.add_argument(
        "--channels",
        metavar="LIST",
        help=f"comma-separated channels (default: all): {','.join(CHANNEL_IDS)}",
    )
    check.add_argument(
        "--grammar",
        choices=("off", "local", "server"),
        help="grammar checking (default: the grammar_mode setting); spelling runs offline "
        "whenever LanguageTool cannot",
    )
    check.add_argument(
        "--languagetool-url", metavar="URL", help="a LanguageTool server (implies --grammar server)"
    )
    check.add_argument(
        "--pack",
        metavar="PACK",
        help="a department rule pack (TOML): with no FILE, validate it and list every problem; "
        "with a FILE, check the post with it (default: the rule_pack_path setting)",
    )
    check.add_argument(
        "--rules",
        action="store_true",
        help="list the rules in force, with their ids, levels and sources",
    )
    check.add_argument(
        "--essential",
        action="store_true",
        help="the post is essential (allowed during an election period)",
    )
    check.add_argument(
        "--thread",
        action="store_true",
        help="post a text too long for one post as a thread where the channel has threads",
    )
    check.add_argument(
        "--mastodon-max-characters",
        type=int,
        metavar="N",
        help="the Mastodon server's limit (default 500)",
    )
    check.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run `postdesk check`; returns the exit status."""
    try:
        return _run(args)
    except UsageError as exc:
        print(f"postdesk check: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.rules:
        return _list_rules(_policy(args.pack))
    if args.pack and args.file is None and not args.batch:
        return _validate_pack(args.pack)
    if args.batch and args.file not in (None, "-"):
        raise UsageError("--batch reads standard input; do not give a FILE")
    if not args.batch and args.file is None:
        raise UsageError("give a FILE to check, or - for standard input")
    channels = _parse_channels(args.channels)
    mastodon = _mastodon_server(args.mastodon_max_characters)
    policy = _policy(args.pack)
    sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    options = _Options(mastodon, policy, args.essential, args.thread)
    with _grammar_service(args) as grammar:
        if args.batch:
            return _run_batch(channels, options, grammar)
        text = _read_text(args.file)
        report = _analyse(text, channels, options, grammar)
        if args.json:
            print(json.dumps(report.to_json()))
        else:
            print(format_report(text, report))
        return EXIT_BLOCKED if report.blocked else EXIT_OK


def _parse_channels(value: str | None) -> tuple[Channel, ...]:
    from postdesk.analysis.channels import Channel

    if value is None:
        return tuple(Channel)
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in CHANNEL_IDS]
    if unknown or not names:
        raise UsageError(
            f"unknown channel {', '.join(unknown) or '(none given)'}; "
            f"choose from {','.join(CHANNEL_IDS)}"
        )
    return tuple(dict.fromkeys(Channel(name) for name in names))


def _mastodon_server(max_characters: int | None) -> Any:
    from postdesk.analysis.channels import DEFAULT_MASTODON, MastodonServer

    if max_characters is None:
        return DEFAULT_MASTODON
    if max_characters < 1:
        raise UsageError("--mastodon-max-characters must be at least 1")
    return MastodonServer(max_characters=max_characters)


def _grammar_service(args: argparse.Namespace) -> GrammarService:
    from postdesk import site_settings
    from postdesk.analysis.grammar import GrammarConfig, GrammarService

    chosen = site_settings.load_layered().settings
    url = args.languagetool_url or chosen.languagetool_url
    mode = args.grammar or ("server" if args.languagetool_url else chosen.grammar_mode)
    if mode == "server" and not url:
        raise UsageError(
            "--grammar server needs --languagetool-url (or the languagetool_url setting)"
        )
    return GrammarService(GrammarConfig(mode=mode, server_url=url))  # type: ignore[arg-type]


def _read_text(name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    return _decode(data, "standard input" if name == "-" else name)


def _decode(data: bytes, where: str) -> str:
    try:
        # utf-8-sig: a byte-order mark from Windows Notepad is not part of the post.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{where} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


@dataclass(frozen=True)
class _Options:
    mastodon: Any
    policy: PolicyEngine
    essential: bool
    as_thread: bool


def _analyse(
    text: str, channels: tuple[Channel, ...], options: _Options, grammar: GrammarService
) -> AnalysisReport:
    from postdesk.analysis.report import analyse

    return analyse(
        text,
        channels,
        mastodon=options.mastodon,
        grammar=grammar.check(text),
        policy=options.policy,
        essential=options.essential,
        as_thread=options.as_thread,
    )


def _policy(pack_path: str | None) -> PolicyEngine:
    from postdesk import site_settings
    from postdesk.analysis.report import add_election_periods
    from postdesk.policy import PackError, PolicyEngine

    chosen = site_settings.load_layered().settings
    path = pack_path or chosen.rule_pack_path
    try:
        engine = PolicyEngine(pack_path=path) if path else PolicyEngine()
    except PackError as exc:
        raise UsageError(f"the rule pack is not valid: {exc.problems[0]}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the rule pack {path}: {exc.strerror or exc}") from None
    # The election periods an admin set in the settings apply here as in the app.
    add_election_periods(engine, chosen.election_periods)
    return engine


def _validate_pack(path: str) -> int:
    from postdesk.policy import validate_pack_file

    try:
        problems = validate_pack_file(path)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not problems:
        print(f"{path}: OK")
        return EXIT_OK
    for problem in problems:
        print(problem)
    print(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return EXIT_BLOCKED


def _list_rules(policy: PolicyEngine) -> int:
    print(f"{'rule':<24} {'level':<7} {'kind':<14} source")
    for info in policy.rules():
        level = (info.level.value if info.level else "(own)") if info.enabled else "off"
        print(f"{info.id:<24} {level:<7} {info.kind.value:<14} {info.source or ''}")
    return EXIT_OK


def _run_batch(channels: tuple[Channel, ...], options: _Options, grammar: GrammarService) -> int:
    status = EXIT_OK
    for number, raw in enumerate(_stdin_lines(), start=1):
        if not raw.strip():
            continue
        try:
            post_id, text, post_channels = _parse_batch_line(raw, number, channels)
        except UsageError as exc:
            print(json.dumps({"id": exc.post_id, "line": number, "error": str(exc)}), flush=True)
            status = EXIT_USAGE
            continue
        report = _analyse(text, post_channels, options, grammar)
        print(json.dumps({"id": post_id, **report.to_json()}), flush=True)
        if report.blocked and status == EXIT_OK:
            status = EXIT_BLOCKED
    return status


def _stdin_lines() -> Iterator[bytes]:
    yield from sys.stdin.buffer


def _parse_batch_line(
    raw: bytes, number: int, default_channels: tuple[Channel, ...]
) -> tuple[Any, str, tuple[Channel, ...]]:
    try:
        item = json.loads(_decode(raw, f"line {number}"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"line {number} is not JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise UsageError(f"line {number} should be a JSON object")
    post_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        raise UsageError(f'line {number}: "text" must be a string', post_id)
    channels = item.get("channels")
    if channels is None:
        return post_id, text, default_channels
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise UsageError(f'line {number}: "channels" must be a list of channel ids', post_id)
    try:
        return post_id, text, _parse_channels(",".join(channels))
    except UsageError as exc:
        raise UsageError(f"line {number}: {exc}", post_id) from None


def format_report(text: str, report: AnalysisReport) -> str:
    """The human-readable report `postdesk check FILE` prints."""
    lines = ["Length"]
    for channel, result in report.counts.items():
        state = "fits" if result.fits else "does not fit"
        extra = ""
        if len(result.measures) > 1:
            extra = (
                " ("
                + ", ".join(
                    f"{m.length}/{m.limit} {m.unit.value.replace('_', ' ')}"
                    for m in result.measures[1:]
                )
                + ")"
            )
        lines.append(f"  {channel.label:<10} {result.length:>6}/{result.limit:<6} {state}{extra}")
    scores = report.readability
    lines.append("Readability")
    if scores.reading_age is None:
        lines.append("  Not enough words to score.")
    else:
        lines.append(
            f"  Reading age {scores.reading_age} (Flesch reading ease "
            f"{scores.flesch_reading_ease:.1f}, grade {scores.flesch_kincaid_grade:.1f})"
        )
    lines.append(
        f"  {scores.sentence_count} sentences, {scores.word_count} words: "
        f"{scores.hard_sentence_count} hard, {scores.very_hard_sentence_count} very hard, "
        f"{scores.long_sentence_count} over 25 words"
    )
    if scores.note:
        lines.append(f"  Note: {scores.note}")
    grammar = report.grammar
    lines.append("Grammar and spelling")
    if grammar is None:
        lines.append("  Not checked.")
    else:
        engine = {"languagetool": "LanguageTool", "spelling": "offline spelling only"}
        lines.append(f"  Checked with {engine.get(grammar.engine, 'nothing')}.")
        if grammar.note:
            lines.append(f"  {grammar.note}")
    lines.append(f"Findings ({len(report.findings)})")
    for finding in report.findings:
        where = f"{_line_col(text, finding.start)}"
        fix = f" Suggestion: {finding.suggestion!r}." if finding.suggestion is not None else ""
        level = finding.level.value
        lines.append(f"  {level:<5}  {finding.rule:<22} {where:<8} {finding.message}{fix}")
    if report.blocked:
        lines.append("Blocked: fix the block-level findings before submitting.")
    return "\n".join(lines)


def _line_col(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"
