"""What a publisher sees before pressing Publish: approved drafts and, per channel, the plan.

The plan shows exactly what will be sent (the approved revision's text, split into a
thread the same way the publisher will split it, or the parts already stored for a
publication that started) and whether this computer holds a token for the account, so
nothing about a publish is a surprise. No Qt here: the Publish screen is a view over it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from postdesk.publishing.adapter import Platform, PostRef
from postdesk.publishing.publisher import StoredAccount, list_accounts, split_for
from postdesk.storage.schema import drafts, publications, revisions
from postdesk.workflow.states import State

# Drafts a publisher can act on: approved, or published only in part or not at all.
PUBLISHABLE_STATES = (State.APPROVED, State.PUBLISHING, State.PARTLY_PUBLISHED, State.FAILED)
_STATE_WORDS = {
    State.APPROVED: "Approved",
    State.PUBLISHING: "Publishing stopped part way: publish again to finish",
    State.PARTLY_PUBLISHED: "Partly published",
    State.FAILED: "Publishing failed",
}


@dataclass(frozen=True)
class ReadyDraft:
    """An approved draft waiting for (or part way through) publishing."""

    draft_id: int
    author: str
    state: State
    revision_id: int
    revision_number: int
    body: str
    channels: tuple[str, ...]
    # When its state last changed (approved, or a publish stopped).
    updated_at: datetime
    # Approved to go out as a thread where it does not fit one post.
    as_thread: bool = False

    @property
    def state_words(self) -> str:
        """The state as a publisher would say it."""
        return _STATE_WORDS.get(self.state, self.state.value)


@dataclass(frozen=True)
class ChannelPlan:
    """One channel of a draft: where it goes, what is sent, and how far it got.

    Attributes:
        status: "ready", "no account", "no token", "not supported", or a stored
            publication's state ("pending", "sending", "published", "failed").
    """

    channel: str
    account: StoredAccount | None
    has_token: bool
    parts: tuple[str, ...]
    status: str
    posts: tuple[PostRef, ...] = ()
    last_error: str = ""

    @property
    def label(self) -> str:
        """The channel's name as people write it ("X", "Mastodon")."""
        from postdesk.analysis.channels import channel_label

        return channel_label(self.channel)

    @property
    def blocker(self) -> str | None:
        """Why this channel cannot be published from here, in words, or None."""
        if self.status == "not supported":
            return f"PostDesk cannot publish to {self.label} yet"
        if self.account is None:
            return f"No {self.label} account is set up: add one in Preferences, Accounts"
        if not self.has_token and self.status != "published":
            return (
                f"This computer has no token for {self.account.account.handle}: add it in "
                "Preferences, Accounts, or publish from the computer that has it"
            )
        return None


def ready_to_publish(engine: Engine, *, limit: int = 200) -> list[ReadyDraft]:
    """Drafts a publisher can publish, the longest-waiting first."""
    query = (
        sa.select(
            drafts.c.id,
            drafts.c.author,
            drafts.c.state,
            drafts.c.updated_at,
            revisions.c.id.label("revision_id"),
            revisions.c.number,
            revisions.c.body,
            revisions.c.channels,
            revisions.c.as_thread,
        )
        .join(revisions, revisions.c.id == drafts.c.approved_revision_id)
        .where(drafts.c.state.in_([s.value for s in PUBLISHABLE_STATES]))
        .order_by(drafts.c.updated_at, drafts.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        ReadyDraft(
            draft_id=row.id,
            author=row.author,
            state=State(row.state),
            revision_id=row.revision_id,
            revision_number=row.number,
            body=row.body,
            channels=tuple(c for c in row.channels.split(",") if c),
            updated_at=_utc(row.updated_at),
            as_thread=row.as_thread,
        )
        for row in rows
    ]


def publish_plan(
    engine: Engine, draft: ReadyDraft, has_token: Callable[[str], bool]
) -> list[ChannelPlan]:
    """Per channel of `draft`: the account, whether this computer has its token, the parts."""
    accounts = list_accounts(engine)
    with engine.connect() as connection:
        stored = {
            row.account_id: row
            for row in connection.execute(
                sa.select(publications).where(publications.c.revision_id == draft.revision_id)
            )
        }
    plans = []
    for channel in draft.channels:
        try:
            platform = Platform(channel)
        except ValueError:
            plans.append(
                ChannelPlan(channel, None, False, _standard_parts(draft, channel), "not supported")
            )
            continue
        account = next((a for a in accounts if a.account.platform is platform), None)
        if account is None:
            plans.append(
                ChannelPlan(channel, None, False, _standard_parts(draft, channel), "no account")
            )
            continue
        token = has_token(account.account.secret_key)
        row = stored.get(account.id)
        if row is not None:
            plans.append(
                ChannelPlan(
                    channel,
                    account,
                    token,
                    tuple(json.loads(row.parts)),
                    row.state,
                    tuple(PostRef(p["post_id"], p["url"]) for p in json.loads(row.posts)),
                    row.last_error,
                )
            )
            continue
        parts = tuple(split_for(draft.body, account.account, account, draft.as_thread))
        plans.append(ChannelPlan(channel, account, token, parts, "ready" if token else "no token"))
    return plans


def _standard_parts(draft: ReadyDraft, channel: str) -> tuple[str, ...]:
    """What would go to a channel with no account yet: split with the platform's standard
    limits (an account's own server may allow more, and then the split is redone)."""
    from postdesk.analysis.channels import Channel
    from postdesk.analysis.splitter import SplitError, split_thread
    from postdesk.analysis.threads import THREADING_CHANNELS

    one_post = (draft.body.strip() or draft.body,)
    known = Channel._value2member_map_.get(channel)
    if not draft.as_thread or known not in THREADING_CHANNELS:
        return one_post
    try:
        parts = split_thread(draft.body, Channel(channel))
    except SplitError:
        return one_post
    return tuple(part.text for part in parts) or one_post


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
