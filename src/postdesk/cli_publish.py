"""`postdesk accounts` and `postdesk publish`: channel accounts and publishing, no Qt.

A credential is read from standard input (or typed without echo), never from the command
line, where it would stay in the shell history and the process list; it goes straight to
the operating system's keyring.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postdesk.publishing.adapter import Adapter, Platform
    from postdesk.storage.database import Database

PLATFORMS = ("mastodon", "bluesky", "x", "linkedin")
DEFAULT_SERVERS = {"x": "https://api.x.com", "linkedin": "https://api.linkedin.com"}


def add_parsers(commands: Any) -> None:
    """Register `postdesk accounts` and `postdesk publish`."""
    accounts = commands.add_parser(
        "accounts",
        help="add and list the organisation's channel accounts",
        description="Channel accounts. Credentials live in this computer's keyring only.",
    )
    actions = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="verify a credential, keep it in the keyring and record the account",
        description="The credential (a Mastodon access token, a Bluesky app password, an X "
        "OAuth 2.0 user token, a LinkedIn access token) is read from standard input, or "
        "asked for without echo when standard input is a terminal.",
    )
    add.add_argument("platform", choices=PLATFORMS)
    add.add_argument("handle", help="@name@server, name.bsky.social, @Name, or urn:li:...")
    add.add_argument(
        "--server",
        help="the Mastodon server or Bluesky PDS (https://...); X and LinkedIn: their API",
    )
    actions.add_parser("list", help="list the accounts and whether this computer has a token")
    accounts.set_defaults(handler=_accounts)

    publish = commands.add_parser(
        "publish",
        help="publish an approved draft to its channels, exactly once",
        description="Publishes the approved revision to each of the draft's channels. Run "
        "it again to retry the channels that failed; published ones are never sent twice.",
    )
    publish.add_argument("draft", type=int, metavar="DRAFT_ID")
    publish.set_defaults(handler=_publish)


def adapters() -> dict[Platform, Adapter]:
    """One adapter per platform, kept for the process (they remember what they sent)."""
    from postdesk.publishing.adapter import Platform
    from postdesk.publishing.bluesky import BlueskyAdapter
    from postdesk.publishing.linkedin import LinkedInAdapter
    from postdesk.publishing.mastodon import MastodonAdapter
    from postdesk.publishing.x import XAdapter

    return {
        Platform.MASTODON: MastodonAdapter(),
        Platform.BLUESKY: BlueskyAdapter(),
        Platform.X: XAdapter(),
        Platform.LINKEDIN: LinkedInAdapter(),
    }


def _read_credential() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Credential (not shown): ").strip()
    return sys.stdin.readline().strip()


def _accounts(args: argparse.Namespace) -> int:
    from postdesk.cli_admin import with_database

    def work(database: Database) -> int:
        from postdesk.publishing.adapter import Account, Platform, PublishError
        from postdesk.publishing.publisher import add_account, list_accounts
        from postdesk.publishing.secrets import SecretStore

        store = SecretStore()
        if args.accounts_command == "list":
            for stored in list_accounts(database.engine):
                has = "token here" if store.has(stored.account.secret_key) else "NO TOKEN HERE"
                account = stored.account
                print(
                    f"{account.platform.value:<9} {account.handle:<32} {stored.display_name:<24} "
                    f"{has}  ({account.server_url})"
                )
            return 0
        server = args.server or DEFAULT_SERVERS.get(args.platform)
        if not server:
            print(
                f"postdesk: a {args.platform} account needs --server https://...", file=sys.stderr
            )
            return 2
        credential = _read_credential()
        if not credential:
            print("postdesk: no credential was given", file=sys.stderr)
            return 2
        account = Account(Platform(args.platform), args.handle, server.rstrip("/"))
        try:
            stored = add_account(
                database.engine,
                database.current_user,
                account,
                credential,
                adapters()[account.platform],
                store.set,
            )
        except PublishError as exc:
            print(f"postdesk: {exc.message}", file=sys.stderr)
            return 1
        print(f"Added {account.platform.value} account {stored.display_name} ({account.handle})")
        return 0

    return with_database(work)


def _publish(args: argparse.Namespace) -> int:
    from postdesk.cli_admin import with_database

    def work(database: Database) -> int:
        from postdesk.publishing.publisher import Publisher
        from postdesk.publishing.secrets import SecretStore

        publisher = Publisher(
            database.engine, database.current_user, secrets=SecretStore(), adapters=adapters()
        )
        outcomes = publisher.publish(args.draft)
        for outcome in outcomes:
            if outcome.published:
                links = ", ".join(post.url for post in outcome.posts)
                print(f"{outcome.channel:<9} published  {links}")
            else:
                print(f"{outcome.channel:<9} FAILED     {outcome.error}")
        return 0 if outcomes and all(o.published for o in outcomes) else 1

    return with_database(work)
