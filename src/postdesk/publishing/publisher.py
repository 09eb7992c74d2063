"""Publishing an approved draft to each of its channels, exactly once.

For each channel the draft is for, a publication row holds everything a retry needs: the
exact parts to send (the approved revision's text, split into a thread only when it does
not fit), the idempotency key and Bluesky's record keys. It is written before the first
request, in its own transaction, so a crash at any point leaves either nothing sent or a
row in `sending` that the next attempt reconciles with the same keys instead of posting
again. Channels that succeeded are never sent again; a retry only sends the others.

The credential for each account comes from the OS keyring on this machine; it never
reaches the database, a log line, an exception message or the audit trail.
"""

from __future__ import annotations

import json
import logging
import secrets as random_tokens
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from postdesk.publishing.adapter import (
    Account,
    Adapter,
    AuthError,
    OutcomeUnknownError,
    Platform,
    PostRef,
    PublishAttempt,
    PublishError,
    RetryableError,
)
from postdesk.publishing.retry import MAX_TRIES, TryReport, publish_with_retries
from postdesk.storage.schema import channel_accounts, publications
from postdesk.workflow import audit, people
from postdesk.workflow.errors import NotAllowed
from postdesk.workflow.service import Revision, Workflow
from postdesk.workflow.states import Action, Role, State

if TYPE_CHECKING:
    from postdesk.analysis.channels import MastodonServer

logger = logging.getLogger(__name__)


class SecretLookup(Protocol):
    """Where credentials come from: the OS keyring in the app."""

    def get(self, account_key: str) -> str | None:
        """The credential for an account, or None when this machine has none."""
        ...


# Builds the posts from a text for a channel (a thread only when the revision was approved
# as one): a pure function of its inputs, so the parts are the same on every try (they
# are stored anyway).
Splitter = Callable[[str, Account, "StoredAccount", bool], Sequence[str]]


@dataclass(frozen=True)
class StoredAccount:
    """A channel account as the database knows it (never with its credential)."""

    id: int
    account: Account
    display_name: str
    max_characters: int | None
    characters_reserved_per_url: int | None

    @property
    def server_limits(self) -> MastodonServer:
        """The limits its (Mastodon) server reported, or the stock 500 and 23 where it
        did not say: what its posts are counted and split by."""
        from postdesk.analysis.channels import MastodonServer

        return MastodonServer(self.max_characters or 500, self.characters_reserved_per_url or 23)


def mastodon_limits(database: Engine | Connection) -> MastodonServer | None:
    """The limits of the Mastodon server PostDesk publishes to (the account the publisher
    uses for the channel), or None when there is no Mastodon account."""
    account = next(
        (a for a in list_accounts(database) if a.account.platform is Platform.MASTODON), None
    )
    return None if account is None else account.server_limits


@dataclass(frozen=True)
class ChannelOutcome:
    """How publishing to one channel ended."""

    channel: str
    published: bool
    posts: tuple[PostRef, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ChannelProgress:
    """News from a publish in progress, for a view that shows each channel's progress.

    Attributes:
        stage: "sending" (a try starts), "retrying" (a try failed and another will be
            made), "published" or "failed" (the channel is finished).
        try_number: the try this is about (0 before the first).
        message: what went wrong, in words, for "retrying" and "failed".
    """

    channel: str
    stage: str
    try_number: int = 0
    message: str = ""
    posts: tuple[PostRef, ...] = ()


ProgressCallback = Callable[[ChannelProgress], None]


def _ignore_progress(_progress: ChannelProgress) -> None:
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def split_for(text: str, account: Account, stored: StoredAccount, as_thread: bool) -> Sequence[str]:
    """The approved text as one post or, when it was approved as a thread and does not
    fit, as a numbered thread. A text approved as one post is sent as one post even if
    this account's server allows less than the review assumed: the server's refusal
    then says so, rather than PostDesk sending a thread nobody approved."""
    from postdesk.analysis.channels import Channel
    from postdesk.analysis.splitter import split_thread

    if not as_thread:
        # Trimmed as a one-part thread is: white space at the ends is never published.
        return [text.strip() or text]
    parts = split_thread(text, Channel(account.platform.value), mastodon=stored.server_limits)
    return [part.text for part in parts] or [text]


def _record_keys(account: Account, count: int) -> tuple[list[str], list[str]]:
    if account.platform is not Platform.BLUESKY:
        return [], []
    from postdesk.publishing.tid import new_created_at, new_record_keys

    return list(new_record_keys(count)), list(new_created_at(count))


class Publisher:
    """Publishes approved drafts as one publisher, with credentials from `secrets`."""

    def __init__(
        self,
        engine: Engine,
        actor: str,
        *,
        secrets: SecretLookup,
        adapters: Mapping[Platform, Adapter],
        splitter: Splitter = split_for,
        max_tries: int = MAX_TRIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._engine = engine
        self._actor = actor
        self._secrets = secrets
        self._adapters = adapters
        self._splitter = splitter
        self._max_tries = max_tries
        self._sleep = sleep
        self._workflow = Workflow(engine, actor)

    def accounts(self) -> list[StoredAccount]:
        """Every enabled channel account."""
        return list_accounts(self._engine)

    def publish(
        self, draft_id: int, progress: ProgressCallback = _ignore_progress
    ) -> list[ChannelOutcome]:
        """Publish the approved revision to every channel of the draft not yet done.

        `progress` hears about each channel as it goes (on this thread: a view passes
        the news on to its own thread).
        """
        draft = self._workflow.get(draft_id)
        if draft.state is State.PUBLISHING:
            # A previous run stopped half way (a crash, a lost connection): carry on with
            # the stored keys, so whatever it sent is found rather than sent again.
            with self._engine.begin() as connection:
                people.require(connection, self._actor, Role.PUBLISHER)
                audit.append(
                    connection, actor=self._actor, event="publish_resumed", draft_id=draft_id
                )
            assert draft.approved_revision_id is not None
            revision = self._workflow.revision(draft.approved_revision_id)
        else:
            revision = self._workflow.start_publishing(draft_id)
        outcomes = []
        # The channels approved with the revision (the draft's own may have changed since,
        # which takes it back to review anyway).
        for channel in revision.channels:
            finished = self._publish_channel(draft_id, revision, channel, progress)
            progress(
                ChannelProgress(
                    channel,
                    "published" if finished.published else "failed",
                    message=finished.error or "",
                    posts=finished.posts,
                )
            )
            outcomes.append(finished)
        done = [o for o in outcomes if o.published]
        outcome = (
            Action.FINISH_PUBLISHED
            if outcomes and len(done) == len(outcomes)
            else Action.FINISH_PARTLY
            if done
            else Action.FINISH_FAILED
        )
        details = {o.channel: ("published" if o.published else "failed") for o in outcomes}
        self._workflow.finish_publishing(draft_id, outcome, details)
        return outcomes

    def _publish_channel(
        self, draft_id: int, revision: Revision, channel: str, progress: ProgressCallback
    ) -> ChannelOutcome:
        try:
            platform = Platform(channel)
        except ValueError:
            return self._unpublishable(
                draft_id, revision, channel, f"PostDesk cannot publish to {channel} yet"
            )
        stored = next((a for a in self.accounts() if a.account.platform is platform), None)
        adapter = self._adapters.get(platform)
        if stored is None or adapter is None:
            return self._unpublishable(
                draft_id,
                revision,
                channel,
                f"No {platform.value} account is set up: add one in Settings",
            )
        row = self._prepare(draft_id, revision, stored)
        if row["state"] == "published":
            return ChannelOutcome(channel, True, _posts(row["posts"]))
        credential = self._secrets.get(stored.account.secret_key)
        if credential is None:
            return self._failed(
                draft_id,
                revision,
                row["id"],
                channel,
                f"This computer has no token for {stored.account.handle}: add the account here "
                "(Settings, Accounts) or publish from the computer that has it",
            )
        attempt = PublishAttempt(
            parts=tuple(json.loads(row["parts"])),
            key=row["idempotency_key"],
            record_keys=tuple(json.loads(row["record_keys"])),
            created_at=tuple(json.loads(row["created_ats"])),
        )
        self._set(row["id"], state="sending")
        progress(ChannelProgress(channel, "sending", 1))

        def on_try(report: TryReport) -> None:
            self._record_try(draft_id, revision, row["id"], channel, report)
            retried = isinstance(report.error, (RetryableError, OutcomeUnknownError))
            if retried and report.error is not None and report.number < self._max_tries:
                progress(ChannelProgress(channel, "retrying", report.number, report.error.message))

        try:
            result = publish_with_retries(
                adapter,
                stored.account,
                credential,
                attempt,
                max_tries=self._max_tries,
                sleep=self._sleep,
                on_try=on_try,
            )
        except PublishError as exc:
            message = exc.message
            if isinstance(exc, AuthError) and "again" not in message:
                # Adapters say what to do; make sure the user always hears it.
                message += " The token was refused: add the account again with a new token."
            return self._failed(draft_id, revision, row["id"], channel, message)
        posts = [{"post_id": p.post_id, "url": p.url} for p in result.posts]
        self._set(row["id"], state="published", posts=json.dumps(posts), last_error="")
        with self._engine.begin() as connection:
            audit.append(
                connection,
                actor=self._actor,
                event="published_to_channel",
                draft_id=draft_id,
                revision_id=revision.id,
                details={"channel": channel, "posts": posts},
            )
        return ChannelOutcome(channel, True, result.posts)

    def _prepare(self, draft_id: int, revision: Revision, stored: StoredAccount) -> dict[str, Any]:
        """The publication row for this revision and account, created with its keys."""
        with self._engine.begin() as connection:
            row = _publication(connection, revision.id, stored.id)
            if row is not None:
                return row
            parts = list(self._splitter(revision.body, stored.account, stored, revision.as_thread))
            record_keys, created_ats = _record_keys(stored.account, len(parts))
            connection.execute(
                publications.insert().values(
                    draft_id=draft_id,
                    revision_id=revision.id,
                    account_id=stored.id,
                    state="pending",
                    idempotency_key=random_tokens.token_hex(16),
                    parts=json.dumps(parts),
                    record_keys=json.dumps(record_keys),
                    created_ats=json.dumps(created_ats),
                    updated_at=_now(),
                )
            )
            created = _publication(connection, revision.id, stored.id)
        assert created is not None
        return created

    def _record_try(
        self,
        draft_id: int,
        revision: Revision,
        publication_id: int,
        channel: str,
        report: TryReport,
    ) -> None:
        outcome = "ok" if report.error is None else type(report.error).__name__
        with self._engine.begin() as connection:
            connection.execute(
                publications.update()
                .where(publications.c.id == publication_id)
                .values(tries=publications.c.tries + 1, updated_at=_now())
            )
            audit.append(
                connection,
                actor=self._actor,
                event="publish_try",
                draft_id=draft_id,
                revision_id=revision.id,
                details={"channel": channel, "try": report.number, "outcome": outcome},
            )

    def _failed(
        self, draft_id: int, revision: Revision, publication_id: int, channel: str, message: str
    ) -> ChannelOutcome:
        self._set(publication_id, state="failed", last_error=message)
        return self._unpublishable(draft_id, revision, channel, message)

    def _unpublishable(
        self, draft_id: int, revision: Revision, channel: str, message: str
    ) -> ChannelOutcome:
        logger.warning("Publishing draft %s to %s failed: %s", draft_id, channel, message)
        with self._engine.begin() as connection:
            audit.append(
                connection,
                actor=self._actor,
                event="publish_failed_on_channel",
                draft_id=draft_id,
                revision_id=revision.id,
                details={"channel": channel, "error": message},
            )
        return ChannelOutcome(channel, False, (), message)

    def _set(self, publication_id: int, **values: Any) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                publications.update()
                .where(publications.c.id == publication_id)
                .values(updated_at=_now(), **values)
            )


def list_accounts(database: Engine | Connection) -> list[StoredAccount]:
    """Every enabled channel account (their credentials are in the keyring, not here).

    Given a connection, read in its transaction (the workflow's checks run inside one).
    """
    query = (
        sa.select(channel_accounts)
        .where(channel_accounts.c.disabled == sa.false())
        .order_by(channel_accounts.c.id)
    )
    if isinstance(database, Connection):
        return [_stored(row) for row in database.execute(query).all()]
    with database.connect() as connection:
        return [_stored(row) for row in connection.execute(query).all()]


def add_account(
    engine: Engine,
    actor: str,
    account: Account,
    credential: str,
    adapter: Adapter,
    store_secret: Callable[[str, str], None],
) -> StoredAccount:
    """Verify a credential, keep it in the keyring, and record the account (not the secret)."""
    with engine.connect() as connection:
        person = people.find(connection, actor)
    if person is None or not (person.may(Role.ADMIN) or person.may(Role.PUBLISHER)):
        raise NotAllowed("only an admin or a publisher can add channel accounts")
    info = adapter.verify(account, credential)  # raises AuthError: nothing is stored
    store_secret(account.secret_key, credential)
    with engine.begin() as connection:
        existing = connection.execute(
            sa.select(channel_accounts.c.id).where(
                channel_accounts.c.platform == account.platform.value,
                channel_accounts.c.handle == account.handle,
                channel_accounts.c.server_url == account.server_url,
            )
        ).scalar()
        values = {
            "display_name": info.display_name,
            "max_characters": info.max_characters,
            "characters_reserved_per_url": info.characters_reserved_per_url,
            "disabled": False,
        }
        if existing is None:
            connection.execute(
                channel_accounts.insert().values(
                    platform=account.platform.value,
                    handle=account.handle,
                    server_url=account.server_url,
                    added_by=actor,
                    added_at=_now(),
                    **values,
                )
            )
        else:
            connection.execute(
                channel_accounts.update().where(channel_accounts.c.id == existing).values(**values)
            )
        audit.append(
            connection,
            actor=actor,
            event="account_added",
            details={"platform": account.platform.value, "handle": account.handle},
        )
        row = connection.execute(
            sa.select(channel_accounts).where(
                channel_accounts.c.platform == account.platform.value,
                channel_accounts.c.handle == account.handle,
                channel_accounts.c.server_url == account.server_url,
            )
        ).one()
    return _stored(row)


def publications_of(engine: Engine, draft_id: int) -> list[dict[str, Any]]:
    """Each channel's publication record for a draft (for the Published screen)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(publications, channel_accounts.c.platform, channel_accounts.c.handle)
            .join(channel_accounts, channel_accounts.c.id == publications.c.account_id)
            .where(publications.c.draft_id == draft_id)
            .order_by(publications.c.id)
        ).all()
    return [dict(row._mapping) for row in rows]


def _publication(
    connection: Connection, revision_id: int, account_id: int
) -> dict[str, Any] | None:
    row = connection.execute(
        sa.select(publications).where(
            publications.c.revision_id == revision_id, publications.c.account_id == account_id
        )
    ).first()
    return dict(row._mapping) if row else None


def _posts(raw: str) -> tuple[PostRef, ...]:
    return tuple(PostRef(p["post_id"], p["url"]) for p in json.loads(raw))


def _stored(row: Any) -> StoredAccount:
    return StoredAccount(
        row.id,
        Account(Platform(row.platform), row.handle, row.server_url),
        row.display_name,
        row.max_characters,
        row.characters_reserved_per_url,
    )
