"""The command line: `postdesk [COMMAND]`. Without a command, the desktop app opens.

The commands run the same Qt-free core as the app and never import Qt, so they start fast
and work on a server with no display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from postdesk import __version__

CommandHandler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="postdesk",
        description=(
            "PostDesk: draft, check, review and publish public-sector social media posts. "
            "Run without a command to open the desktop app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"PostDesk {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (offscreen; changes nothing) and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    db = commands.add_parser(
        "db",
        help="show or upgrade the database schema",
        description="Show or upgrade the database schema (SQLite by default, or "
        "POSTDESK_DATABASE_URL).",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply any pending migrations")
    db_commands.add_parser("status", help="say which database is used and its schema revision")
    db.set_defaults(handler=_db)

    from postdesk import cli_admin, cli_check, cli_publish

    cli_check.add_parser(commands)
    cli_admin.add_parsers(commands)
    cli_publish.add_parsers(commands)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command that `args` names; returns the exit status."""
    handler: CommandHandler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        # The reader went away (`postdesk check --rules | head`): stop quietly, as
        # Unix tools do, and keep Python from complaining while it flushes stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run a command (used by tests and by `postdesk.app.main`)."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 2
    return run(args)


def _db(args: argparse.Namespace) -> int:
    from postdesk import site_settings
    from postdesk.storage.database import HEAD_REVISION, open_database, resolve_location
    from postdesk.storage.errors import DatabaseOpenError

    location = resolve_location(site_settings.load_layered().settings.database_url)
    try:
        database = open_database(location, upgrade=args.db_command == "upgrade")
    except DatabaseOpenError as exc:
        # `db status` opens without upgrading, so an older schema lands here too.
        print(f"postdesk: {exc.title}: {exc.location}", file=sys.stderr)
        print(f"  {exc.detail}", file=sys.stderr)
        print(f"  {exc.advice}", file=sys.stderr)
        return 1
    database.dispose()
    verb = "upgraded to" if args.db_command == "upgrade" else "at"
    print(f"{location.display} ({location.source}): schema {verb} {HEAD_REVISION}")
    return 0
