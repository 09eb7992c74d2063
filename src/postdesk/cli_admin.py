"""`postdesk users` and `postdesk audit`: people, roles and the audit trail, no Qt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postdesk.storage.database import Database

ROLES = ("author", "reviewer", "publisher", "admin")


def add_parsers(commands: Any) -> None:
    """Register `postdesk users` and `postdesk audit`."""
    users = commands.add_parser(
        "users",
        help="add people, set their roles, disable them",
        description="People and roles. The first person to add anyone becomes the first admin.",
    )
    users_commands = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_commands.add_parser("add", help="add a person with roles")
    add.add_argument("login", help="their OS login (SQLite) or database login (PostgreSQL)")
    add.add_argument("--role", action="append", choices=ROLES, required=True, dest="roles")
    add.add_argument("--name", default="", help="their name as people know it")
    users_commands.add_parser("list", help="list everyone and their roles")
    set_role = users_commands.add_parser("set-role", help="replace a person's roles")
    set_role.add_argument("login")
    set_role.add_argument("--role", action="append", choices=ROLES, required=True, dest="roles")
    disable = users_commands.add_parser("disable", help="disable a person (history is kept)")
    disable.add_argument("login")
    users.set_defaults(handler=_users)

    audit = commands.add_parser(
        "audit",
        help="verify or export the audit trail",
        description="The audit trail is append-only and hash-chained.",
    )
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_commands.add_parser("verify", help="check that no event was changed or deleted")
    export = audit_commands.add_parser("export", help="export events (records management, FOI)")
    export.add_argument("--format", choices=("csv", "jsonl"), required=True)
    export.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="events from this day")
    export.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    audit.set_defaults(handler=_audit)


def _date(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-04-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def with_database(work: Callable[[Database], int]) -> int:
    """Open the database the settings name, run `work`, and turn refusals into messages."""
    from postdesk import site_settings
    from postdesk.publishing.secrets import KeyringUnavailableError, NoSecureKeyringError
    from postdesk.storage.database import open_database, resolve_location
    from postdesk.storage.errors import DatabaseOpenError
    from postdesk.workflow.errors import WorkflowError

    location = resolve_location(site_settings.load_layered().settings.database_url)
    try:
        database = open_database(location)
    except DatabaseOpenError as exc:
        print(f"postdesk: {exc.title}: {exc.location}\n  {exc.advice}", file=sys.stderr)
        return 1
    try:
        return work(database)
    except (WorkflowError, NoSecureKeyringError, KeyringUnavailableError) as exc:
        print(f"postdesk: {exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()


def _users(args: argparse.Namespace) -> int:
    from postdesk.workflow.people import People
    from postdesk.workflow.states import Role

    def work(database: Database) -> int:
        people = People(database.engine, database.current_user)
        if args.users_command == "add":
            person = people.add(args.login, [Role(r) for r in args.roles], args.name)
            print(f"Added {person.login}: {', '.join(sorted(r.value for r in person.roles))}")
        elif args.users_command == "set-role":
            person = people.set_roles(args.login, [Role(r) for r in args.roles])
            print(f"{person.login}: {', '.join(sorted(r.value for r in person.roles))}")
        elif args.users_command == "disable":
            person = people.disable(args.login)
            print(f"Disabled {person.login}; their history is kept")
        else:
            for person in people.list():
                roles = ", ".join(sorted(r.value for r in person.roles)) or "(no roles)"
                state = "  [disabled]" if person.disabled else ""
                print(f"{person.login:<24} {roles}{state}")
        return 0

    return with_database(work)


def _audit(args: argparse.Namespace) -> int:
    from postdesk.workflow import audit

    def work(database: Database) -> int:
        if args.audit_command == "verify":
            result = audit.verify(database.engine)
            if result.ok:
                print(f"OK: {result.checked} events, the chain is intact")
                return 0
            print(
                f"BROKEN at event {result.broken_id}: {result.reason} "
                f"({result.checked} events before it verify)"
            )
            return 1
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                count = audit.export(database.engine, out, args.format, since=args.since)
            print(f"Wrote {count} events to {args.output}", file=sys.stderr)
        else:
            audit.export(database.engine, sys.stdout, args.format, since=args.since)
        return 0

    return with_database(work)
