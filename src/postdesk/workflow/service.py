"""The workflow service: every change to a draft's state, as one transaction with its event.

Rules, all failing closed:
- only the author edits, submits and withdraws their draft; submitting needs no
  block-level finding and every author sign-off ticked on exactly that text;
- nobody decides on their own draft, admins included (the four-eyes rule);
- a decision names the revision it decides on; if that is no longer the revision under
  review, it is refused (optimistic concurrency: exactly one of two racing reviewers wins);
- approval needs every reviewer sign-off ticked and no block-level finding on that exact
  revision; any later edit voids it and returns the draft to `draft`;
- only the approved revision is published, and only its exact text.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from postdesk.analysis.findings import Finding, Level
from postdesk.storage.schema import (
    audit_events,
    comments,
    decisions,
    draft_channels,
    drafts,
    review_views,
    revisions,
    sign_offs,
)
from postdesk.storage.text import storable
from postdesk.workflow import audit, people
from postdesk.workflow.errors import NotAllowed, NotFound, NotReady, StaleRevision, WrongState
from postdesk.workflow.options import PostOptions, clipped_reason
from postdesk.workflow.states import Action, Role, State, move_for

if TYPE_CHECKING:
    from postdesk.analysis.channels import MastodonServer

# What the workflow asks of the analysis engine: the findings for a text on channels,
# posted with these options.
Analyser = Callable[[str, tuple[str, ...], PostOptions], Sequence[Finding]]
# The sign-off item ids a role must tick for a text (from the policy pack: some items
# apply only when the text mentions certain things).
SignOffItems = Callable[[Role, str], Sequence[str]]


def text_hash(text: str) -> str:
    """The hash a sign-off is bound to: any edit changes it."""
    return hashlib.sha256(storable(text).encode("utf-8")).hexdigest()


def analysis_findings(
    text: str,
    channels: tuple[str, ...],
    options: PostOptions,
    mastodon: MastodonServer | None = None,
) -> Sequence[Finding]:
    """The analysis engine's findings for a text on its channels (all seven if none),
    Mastodon counted with `mastodon`'s limits (the stock server's when None)."""
    from postdesk.analysis.channels import DEFAULT_MASTODON, Channel
    from postdesk.analysis.report import ALL_CHANNELS, analyse

    chosen = tuple(Channel(c) for c in channels if c in Channel._value2member_map_)
    return analyse(
        text,
        chosen or ALL_CHANNELS,
        mastodon=mastodon or DEFAULT_MASTODON,
        as_thread=options.as_thread,
        essential=options.counts_as_essential,
    ).findings


def pack_sign_off_items(role: Role, text: str) -> Sequence[str]:
    """The items the rule pack in force asks `role` to tick for `text`."""
    from postdesk.analysis.report import default_policy

    if role not in (Role.AUTHOR, Role.REVIEWER):
        return ()
    return [item.id for item in default_policy().required_sign_offs(role.value, text)]


class _WithOptions:
    """The post options of a draft (as being written) or a revision (as approved)."""

    as_thread: bool
    essential: bool
    essential_reason: str

    @property
    def options(self) -> PostOptions:
        """These options as one value, to compare or to hand to the analysis."""
        return PostOptions(self.as_thread, self.essential, self.essential_reason)


@dataclass(frozen=True)
class DraftView(_WithOptions):
    """A draft as the workflow sees it; its options are the working ones."""

    id: int
    author: str
    body: str
    cursor_position: int
    state: State
    channels: tuple[str, ...]
    current_revision_id: int | None
    approved_revision_id: int | None
    submitted_at: datetime | None
    updated_at: datetime
    as_thread: bool = False
    essential: bool = False
    essential_reason: str = ""


@dataclass(frozen=True)
class Revision(_WithOptions):
    """An immutable snapshot of a draft's text and options, made when it was submitted."""

    id: int
    draft_id: int
    number: int
    body: str
    channels: tuple[str, ...]
    created_by: str
    created_at: datetime
    as_thread: bool = False
    essential: bool = False
    essential_reason: str = ""


@dataclass(frozen=True)
class Comment:
    """A comment on a draft, general or anchored to a span of a revision."""

    id: int
    draft_id: int
    revision_id: int | None
    author: str
    body: str
    anchor: tuple[int, int] | None
    created_at: datetime


@dataclass(frozen=True)
class ReviewDiff:
    """What changed between the revision a reviewer last saw and the one under review."""

    base: Revision | None
    current: Revision
    # difflib opcodes over the two texts: ("equal"|"replace"|"delete"|"insert", i1, i2, j1, j2)
    opcodes: tuple[tuple[str, int, int, int, int], ...]

    def unified(self) -> str:
        """A unified diff, line by line, for plain-text display and export."""
        before = self.base.body if self.base else ""
        return "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                self.current.body.splitlines(keepends=True),
                fromfile=f"revision {self.base.number}" if self.base else "(not seen before)",
                tofile=f"revision {self.current.number}",
            )
        )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _channels_of(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


class Workflow:
    """One person's view of the workflow. In PostgreSQL mode `actor` is the session_user."""

    def __init__(
        self,
        engine: Engine,
        actor: str,
        *,
        analyser: Analyser | None = None,
        sign_off_items: SignOffItems = pack_sign_off_items,
    ) -> None:
        """`analyser` stands in for the analysis engine (in tests); by default it is the
        engine itself, counting Mastodon with the limits of the account published to."""
        self._engine = engine
        self.actor = actor
        self._analyser = analyser
        self._sign_off_items = sign_off_items

    @property
    def engine(self) -> Engine:
        """The database this workflow works on."""
        return self._engine

    # -- reading ---------------------------------------------------------------------------

    def get(self, draft_id: int) -> DraftView:
        """A draft, or NotFound."""
        with self._engine.connect() as connection:
            return self._load(connection, draft_id)

    def revision(self, revision_id: int) -> Revision:
        """A revision, or NotFound."""
        with self._engine.connect() as connection:
            return self._load_revision(connection, revision_id)

    def revisions(self, draft_id: int) -> list[Revision]:
        """A draft's revisions, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(revisions)
                .where(revisions.c.draft_id == draft_id)
                .order_by(revisions.c.number)
            ).all()
        return [_revision(row) for row in rows]

    def comments(self, draft_id: int) -> list[Comment]:
        """A draft's comments, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(comments).where(comments.c.draft_id == draft_id).order_by(comments.c.id)
            ).all()
        return [
            Comment(
                row.id,
                row.draft_id,
                row.revision_id,
                row.author,
                row.body,
                None if row.anchor_start is None else (row.anchor_start, row.anchor_end),
                _utc(row.created_at) or datetime.now(UTC),
            )
            for row in rows
        ]

    # -- the author's actions --------------------------------------------------------------

    def create_draft(self, body: str = "", channels: Sequence[str] = ()) -> DraftView:
        """Start a draft owned by the actor."""
        now = datetime.now(UTC)
        with self._engine.begin() as connection:
            people.require(connection, self.actor, Role.AUTHOR)
            draft_id = connection.execute(
                drafts.insert()
                .values(
                    author=self.actor,
                    body=storable(body),
                    cursor_position=0,
                    created_at=now,
                    updated_at=now,
                    state=State.DRAFT.value,
                )
                .returning(drafts.c.id)
            ).scalar_one()
            self._write_channels(connection, draft_id, channels)
            audit.append(connection, actor=self.actor, event="created", draft_id=draft_id)
            return self._load(connection, draft_id)

    def save_text(self, draft_id: int, body: str, cursor_position: int = 0) -> DraftView:
        """Save the working text. An edit after submission or approval takes it back to draft."""
        body = storable(body)
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_own(connection, draft, Role.AUTHOR)
            changed = body != draft.body
            values: dict[str, Any] = {
                "body": body,
                "cursor_position": cursor_position,
                "updated_at": datetime.now(UTC),
            }
            if changed and draft.state is not State.DRAFT:
                move = _back_to_draft(draft, values, "edited")
                audit.append(
                    connection, actor=self.actor, event="edited", draft_id=draft_id, details=move
                )
            elif changed and not self._editing_already_recorded(connection, draft_id):
                audit.append(connection, actor=self.actor, event="edited", draft_id=draft_id)
            connection.execute(drafts.update().where(drafts.c.id == draft_id).values(**values))
            return self._load(connection, draft_id)

    def set_channels(self, draft_id: int, channels: Sequence[str]) -> DraftView:
        """Choose the channels a draft is for. Like an edit, a change after submission or
        approval takes it back to draft: the channels are part of what is approved."""
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_own(connection, draft, Role.AUTHOR)
            if set(channels) != set(draft.channels) and draft.state is not State.DRAFT:
                values: dict[str, Any] = {"updated_at": datetime.now(UTC)}
                move = _back_to_draft(draft, values, "changed")
                connection.execute(drafts.update().where(drafts.c.id == draft_id).values(**values))
                audit.append(
                    connection,
                    actor=self.actor,
                    event="channels_changed",
                    draft_id=draft_id,
                    details={"channels": sorted(set(channels)), **move},
                )
            self._write_channels(connection, draft_id, channels)
            return self._load(connection, draft_id)

    def set_options(
        self, draft_id: int, *, as_thread: bool, essential: bool, essential_reason: str = ""
    ) -> DraftView:
        """Choose how the draft goes out. Like an edit, a change after submission or
        approval takes it back to draft: the options are part of what is approved."""
        reason = clipped_reason(storable(essential_reason.strip()))
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_own(connection, draft, Role.AUTHOR)
            wanted = PostOptions(as_thread, essential, reason if essential else "")
            if wanted == draft.options:
                return draft
            values: dict[str, Any] = {
                "as_thread": wanted.as_thread,
                "essential": wanted.essential,
                "essential_reason": wanted.essential_reason,
                "updated_at": datetime.now(UTC),
            }
            move = _back_to_draft(draft, values, "changed")
            connection.execute(drafts.update().where(drafts.c.id == draft_id).values(**values))
            # The reason is the author's claim that the post may go out in an election
            # period: the trail keeps it, as it keeps who made the claim and when.
            details: dict[str, Any] = {
                "as_thread": wanted.as_thread,
                "essential": wanted.essential,
                "reason": wanted.essential_reason,
                **move,
            }
            audit.append(
                connection,
                actor=self.actor,
                event="options_changed",
                draft_id=draft_id,
                details=details,
            )
            return self._load(connection, draft_id)

    def sign_off(self, draft_id: int, item_id: str) -> None:
        """Tick a sign-off item for the text as it is now (the working text for the author,
        the revision under review for a reviewer)."""
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            if draft.author == self.actor:
                people.require(connection, self.actor, Role.AUTHOR)
                text = draft.body
            else:
                people.require(connection, self.actor, Role.REVIEWER)
                if draft.current_revision_id is None or draft.state is not State.IN_REVIEW:
                    raise WrongState("only a draft in review can be signed off by a reviewer")
                text = self._load_revision(connection, draft.current_revision_id).body
            connection.execute(
                sign_offs.insert().values(
                    draft_id=draft_id,
                    item_id=item_id,
                    signed_by=self.actor,
                    signed_at=datetime.now(UTC),
                    text_sha256=text_hash(text),
                )
            )
            audit.append(
                connection,
                actor=self.actor,
                event="sign_off_ticked",
                draft_id=draft_id,
                revision_id=draft.current_revision_id if draft.author != self.actor else None,
                details={"item": item_id},
            )

    def outstanding_sign_offs(self, draft_id: int, role: Role) -> list[str]:
        """The items `role` must still tick on the text that role signs."""
        with self._engine.connect() as connection:
            draft = self._load(connection, draft_id)
            return self._outstanding(connection, draft, role)

    def submit(self, draft_id: int) -> Revision:
        """Freeze the working text as a revision and send it for review."""
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_move(connection, draft, Action.SUBMIT)
            problems = self._problems(
                connection, draft, draft.body, draft.channels, draft.options, Role.AUTHOR
            )
            if problems:
                raise NotReady("This draft cannot go for review yet", problems)
            number = (
                connection.execute(
                    sa.select(sa.func.max(revisions.c.number)).where(
                        revisions.c.draft_id == draft_id
                    )
                ).scalar()
                or 0
            ) + 1
            now = datetime.now(UTC)
            revision_id = connection.execute(
                revisions.insert()
                .values(
                    draft_id=draft_id,
                    number=number,
                    body=draft.body,
                    body_sha256=text_hash(draft.body),
                    channels=",".join(draft.channels),
                    finding_count=len(
                        self._analyse(connection, draft.body, draft.channels, draft.options)
                    ),
                    created_by=self.actor,
                    created_at=now,
                    as_thread=draft.as_thread,
                    essential=draft.essential,
                    essential_reason=draft.essential_reason,
                )
                .returning(revisions.c.id)
            ).scalar_one()
            self._transition(
                connection,
                draft,
                State.IN_REVIEW,
                current_revision_id=revision_id,
                submitted_at=now,
            )
            audit.append(
                connection,
                actor=self.actor,
                event=Action.SUBMIT.value,
                draft_id=draft_id,
                revision_id=revision_id,
                details={"revision": number},
            )
            return self._load_revision(connection, revision_id)

    def withdraw(self, draft_id: int) -> DraftView:
        """Take a draft out of the workflow for good."""
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_move(connection, draft, Action.WITHDRAW)
            self._transition(connection, draft, State.WITHDRAWN, approved_revision_id=None)
            audit.append(
                connection, actor=self.actor, event=Action.WITHDRAW.value, draft_id=draft_id
            )
            return self._load(connection, draft_id)

    # -- the reviewer's actions ------------------------------------------------------------

    def approve(self, draft_id: int, revision_id: int, comment: str = "") -> DraftView:
        """Approve exactly `revision_id`."""
        return self._decide(draft_id, revision_id, Action.APPROVE, comment)

    def request_changes(self, draft_id: int, revision_id: int, comment: str) -> DraftView:
        """Send `revision_id` back to its author with a comment."""
        return self._decide(draft_id, revision_id, Action.REQUEST_CHANGES, comment)

    def reject(self, draft_id: int, revision_id: int, comment: str) -> DraftView:
        """Reject `revision_id` for good."""
        return self._decide(draft_id, revision_id, Action.REJECT, comment)

    def comment(
        self,
        draft_id: int,
        body: str,
        *,
        revision_id: int | None = None,
        anchor: tuple[int, int] | None = None,
    ) -> Comment:
        """Comment on a draft, or on a span of one of its revisions."""
        if not body.strip():
            raise NotReady("A comment needs some text", ["write the comment"])
        now = datetime.now(UTC)
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            if draft.author != self.actor:
                people.require(connection, self.actor, Role.REVIEWER)
            if anchor is not None:
                if revision_id is None:
                    raise NotReady("An anchored comment", ["name the revision it is about"])
                text = self._load_revision(connection, revision_id).body
                start, end = anchor
                if not 0 <= start <= end <= len(text):
                    raise NotReady("That span", [f"it is outside revision {revision_id}'s text"])
            comment_id = connection.execute(
                comments.insert()
                .values(
                    draft_id=draft_id,
                    revision_id=revision_id,
                    author=self.actor,
                    body=storable(body),
                    anchor_start=anchor[0] if anchor else None,
                    anchor_end=anchor[1] if anchor else None,
                    created_at=now,
                )
                .returning(comments.c.id)
            ).scalar_one()
            audit.append(
                connection,
                actor=self.actor,
                event="commented",
                draft_id=draft_id,
                revision_id=revision_id,
                details={"comment": comment_id, "anchored": anchor is not None},
            )
        return Comment(comment_id, draft_id, revision_id, self.actor, storable(body), anchor, now)

    def mark_seen(self, draft_id: int, revision_id: int) -> None:
        """Remember that this reviewer has read `revision_id` (the base of the next diff)."""
        with self._engine.begin() as connection:
            self._load_revision(connection, revision_id)
            self._record_seen(connection, draft_id, revision_id)

    def _record_seen(self, connection: Connection, draft_id: int, revision_id: int) -> None:
        now = datetime.now(UTC)
        updated = connection.execute(
            review_views.update()
            .where(review_views.c.draft_id == draft_id, review_views.c.reviewer == self.actor)
            .values(revision_id=revision_id, seen_at=now)
        ).rowcount
        if not updated:
            connection.execute(
                review_views.insert().values(
                    draft_id=draft_id, reviewer=self.actor, revision_id=revision_id, seen_at=now
                )
            )

    def diff_since_seen(self, draft_id: int) -> ReviewDiff:
        """The revision under review against the last one this reviewer saw."""
        with self._engine.connect() as connection:
            draft = self._load(connection, draft_id)
            if draft.current_revision_id is None:
                raise WrongState("this draft has not been submitted yet")
            current = self._load_revision(connection, draft.current_revision_id)
            seen = connection.execute(
                sa.select(review_views.c.revision_id).where(
                    review_views.c.draft_id == draft_id, review_views.c.reviewer == self.actor
                )
            ).scalar()
            base = self._load_revision(connection, seen) if seen is not None else None
        matcher = difflib.SequenceMatcher(
            None, base.body if base else "", current.body, autojunk=False
        )
        opcodes = tuple((tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes())
        return ReviewDiff(base, current, opcodes)

    # -- publishing ------------------------------------------------------------------------

    def publishing_blocks(self, draft_id: int) -> list[str]:
        """What stops the approved revision going out today, in words (empty: nothing).

        `start_publishing` refuses on the same list; a view shows it beforehand.
        """
        with self._engine.connect() as connection:
            draft = self._load(connection, draft_id)
            if draft.approved_revision_id is None:
                return ["it is not approved"]
            revision = self._load_revision(connection, draft.approved_revision_id)
            return self._blocks(connection, revision.body, revision.channels, revision.options)

    def start_publishing(self, draft_id: int) -> Revision:
        """Move an approved draft to `publishing`; returns the exact revision to send."""
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            self._require_move(connection, draft, Action.START_PUBLISHING)
            if draft.approved_revision_id is None:
                raise WrongState("only an approved revision can be published")
            # Checked again on the day it goes out: an election period may have begun
            # since it was approved, and then only an essential post may go.
            revision = self._load_revision(connection, draft.approved_revision_id)
            problems = self._blocks(connection, revision.body, revision.channels, revision.options)
            if problems:
                raise NotReady("This post cannot go out today", problems)
            self._transition(connection, draft, State.PUBLISHING)
            audit.append(
                connection,
                actor=self.actor,
                event=Action.START_PUBLISHING.value,
                draft_id=draft_id,
                revision_id=draft.approved_revision_id,
            )
            return self._load_revision(connection, draft.approved_revision_id)

    def finish_publishing(
        self, draft_id: int, outcome: Action, details: dict[str, Any] | None = None
    ) -> DraftView:
        """Record how publishing ended: published, partly published or failed."""
        if outcome not in (Action.FINISH_PUBLISHED, Action.FINISH_PARTLY, Action.FINISH_FAILED):
            raise ValueError(f"{outcome} is not a publishing outcome")
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            move = self._require_move(connection, draft, outcome)
            self._transition(connection, draft, move.target)
            audit.append(
                connection,
                actor=self.actor,
                event=outcome.value,
                draft_id=draft_id,
                revision_id=draft.approved_revision_id,
                details=details,
            )
            return self._load(connection, draft_id)

    # -- internals -------------------------------------------------------------------------

    def _decide(self, draft_id: int, revision_id: int, action: Action, comment: str) -> DraftView:
        now = datetime.now(UTC)
        with self._engine.begin() as connection:
            draft = self._load(connection, draft_id)
            if draft.current_revision_id != revision_id or draft.state is not State.IN_REVIEW:
                raise StaleRevision(_stale_message(connection, draft, revision_id))
            self._require_move(connection, draft, action)
            revision = self._load_revision(connection, revision_id)
            if action is Action.APPROVE:
                problems = self._problems(
                    connection,
                    draft,
                    revision.body,
                    revision.channels,
                    revision.options,
                    Role.REVIEWER,
                )
                if problems:
                    raise NotReady("This revision cannot be approved yet", problems)
            elif not comment.strip():
                raise NotReady("A decision to send it back", ["say why in a comment"])
            connection.execute(
                decisions.insert().values(
                    draft_id=draft_id,
                    revision_id=revision_id,
                    reviewer=self.actor,
                    decision=action.value,
                    comment=storable(comment),
                    created_at=now,
                )
            )
            target = move_for(draft.state, action)
            assert target is not None
            extra: dict[str, Any] = {}
            if action is Action.APPROVE:
                extra["approved_revision_id"] = revision_id
            # The state and revision in the WHERE make the change conditional: of two
            # reviewers deciding at once, the second finds no row and is told so.
            self._transition(connection, draft, target.target, expect_revision=revision_id, **extra)
            audit.append(
                connection,
                actor=self.actor,
                event=action.value,
                draft_id=draft_id,
                revision_id=revision_id,
                details={"revision": revision.number, "commented": bool(comment.strip())},
            )
            # Deciding on a revision means having read it: the next diff starts from it.
            self._record_seen(connection, draft_id, revision_id)
            if comment.strip():
                connection.execute(
                    comments.insert().values(
                        draft_id=draft_id,
                        revision_id=revision_id,
                        author=self.actor,
                        body=storable(comment),
                        created_at=now,
                    )
                )
            return self._load(connection, draft_id)

    def _transition(
        self,
        connection: Connection,
        draft: DraftView,
        target: State,
        *,
        expect_revision: int | None = None,
        **values: Any,
    ) -> None:
        condition = [drafts.c.id == draft.id, drafts.c.state == draft.state.value]
        if expect_revision is not None:
            condition.append(drafts.c.current_revision_id == expect_revision)
        changed = connection.execute(
            drafts.update()
            .where(*condition)
            .values(state=target.value, updated_at=datetime.now(UTC), **values)
        ).rowcount
        if changed != 1:
            raise StaleRevision(
                "Someone else changed this draft at the same moment: reload it and try again"
            )

    def _require_move(self, connection: Connection, draft: DraftView, action: Action) -> Any:
        move = move_for(draft.state, action)
        if move is None:
            verb = _ACTION_WORDS.get(action, action.value.replace("_", " "))
            raise WrongState(
                f"A draft that is {draft.state.value.replace('_', ' ')} cannot be {verb}"
            )
        people.require(connection, self.actor, move.role)
        if move.own_draft == "only" and draft.author != self.actor:
            raise NotAllowed(f"only {draft.author}, its author, can do that")
        if move.own_draft == "never" and draft.author == self.actor:
            raise NotAllowed("nobody can decide on their own draft (the four-eyes rule)")
        return move

    def _require_own(self, connection: Connection, draft: DraftView, role: Role) -> None:
        people.require(connection, self.actor, role)
        if draft.author != self.actor:
            raise NotAllowed(f"only {draft.author}, its author, can change this draft")

    def _problems(
        self,
        connection: Connection,
        draft: DraftView,
        text: str,
        channels: tuple[str, ...],
        options: PostOptions,
        role: Role,
    ) -> list[str]:
        problems = self._blocks(connection, text, channels, options)
        missing = self._outstanding(connection, draft, role, text)
        problems.extend(f"tick the sign-off item '{item}'" for item in missing)
        return problems

    def _blocks(
        self,
        connection: Connection,
        text: str,
        channels: tuple[str, ...],
        options: PostOptions,
    ) -> list[str]:
        """The block-level findings on a text as it would go out, in words."""
        return [
            f"{finding.message} ({finding.rule})"
            for finding in self._analyse(connection, text, channels, options)
            if finding.level is Level.BLOCK
        ]

    def _analyse(
        self,
        connection: Connection,
        text: str,
        channels: tuple[str, ...],
        options: PostOptions,
    ) -> Sequence[Finding]:
        if self._analyser is not None:
            return self._analyser(text, channels, options)
        # Mastodon as the account published to counts it, so what the composer showed
        # and what is refused here agree (imported here: publishing builds on workflow).
        from postdesk.publishing.publisher import mastodon_limits

        return analysis_findings(text, channels, options, mastodon_limits(connection))

    def _outstanding(
        self, connection: Connection, draft: DraftView, role: Role, text: str | None = None
    ) -> list[str]:
        if text is None:
            if role is Role.AUTHOR or draft.current_revision_id is None:
                text = draft.body
            else:
                text = self._load_revision(connection, draft.current_revision_id).body
        signer = (
            (drafts.c.author == sign_offs.c.signed_by)
            if role is Role.AUTHOR
            else (drafts.c.author != sign_offs.c.signed_by)
        )
        ticked = set(
            connection.execute(
                sa.select(sign_offs.c.item_id)
                .join(drafts, drafts.c.id == sign_offs.c.draft_id)
                .where(
                    sign_offs.c.draft_id == draft.id,
                    sign_offs.c.text_sha256 == text_hash(text),
                    signer,
                )
            ).scalars()
        )
        return [item for item in self._sign_off_items(role, text) if item not in ticked]

    def _editing_already_recorded(self, connection: Connection, draft_id: int) -> bool:
        last = connection.execute(
            sa.select(audit_events.c.event, audit_events.c.actor)
            .where(audit_events.c.draft_id == draft_id)
            .order_by(audit_events.c.id.desc())
            .limit(1)
        ).first()
        return last is not None and last.event == "edited" and last.actor == self.actor

    def _write_channels(
        self, connection: Connection, draft_id: int, channels: Sequence[str]
    ) -> None:
        connection.execute(draft_channels.delete().where(draft_channels.c.draft_id == draft_id))
        unique = list(dict.fromkeys(channels))
        if unique:
            connection.execute(
                draft_channels.insert(), [{"draft_id": draft_id, "channel": c} for c in unique]
            )

    def _load(self, connection: Connection, draft_id: int) -> DraftView:
        row = connection.execute(sa.select(drafts).where(drafts.c.id == draft_id)).first()
        if row is None:
            raise NotFound(f"there is no draft {draft_id}")
        channels = connection.execute(
            sa.select(draft_channels.c.channel)
            .where(draft_channels.c.draft_id == draft_id)
            .order_by(draft_channels.c.channel)
        ).scalars()
        return DraftView(
            row.id,
            row.author,
            row.body,
            row.cursor_position,
            State(row.state),
            tuple(channels),
            row.current_revision_id,
            row.approved_revision_id,
            _utc(row.submitted_at),
            _utc(row.updated_at) or datetime.now(UTC),
            row.as_thread,
            row.essential,
            row.essential_reason,
        )

    def _load_revision(self, connection: Connection, revision_id: int) -> Revision:
        row = connection.execute(sa.select(revisions).where(revisions.c.id == revision_id)).first()
        if row is None:
            raise NotFound(f"there is no revision {revision_id}")
        return _revision(row)


_ACTION_WORDS = {
    Action.START_PUBLISHING: "published (only an approved draft can be)",
    Action.FINISH_PUBLISHED: "marked published",
    Action.FINISH_PARTLY: "marked partly published",
    Action.FINISH_FAILED: "marked failed",
}


def _back_to_draft(draft: DraftView, values: dict[str, Any], verb: str) -> dict[str, str]:
    """A change to a submitted or approved draft takes it back to draft (any approval is
    void: it was for what was there before). Adds that to `values`; returns the move, for
    the audit trail ({} for a draft already in draft). Raises WrongState for a draft that
    can no longer change."""
    if draft.state is State.DRAFT:
        return {}
    if move_for(draft.state, Action.EDIT) is None:
        raise WrongState(f"a {draft.state.value} draft cannot be {verb}")
    values.update(state=State.DRAFT.value, approved_revision_id=None)
    return {"from": draft.state.value, "to": State.DRAFT.value}


def _revision(row: Any) -> Revision:
    return Revision(
        row.id,
        row.draft_id,
        row.number,
        row.body,
        _channels_of(row.channels),
        row.created_by,
        _utc(row.created_at) or datetime.now(UTC),
        row.as_thread,
        row.essential,
        row.essential_reason,
    )


def _stale_message(connection: Connection, draft: DraftView, revision_id: int) -> str:
    last = connection.execute(
        sa.select(decisions.c.reviewer, decisions.c.decision)
        .where(decisions.c.draft_id == draft.id)
        .order_by(decisions.c.id.desc())
        .limit(1)
    ).first()
    if draft.state is not State.IN_REVIEW and last is not None:
        return (
            f"This draft was already {last.decision.replace('_', ' ')} by {last.reviewer}: "
            "reload it to see where it stands"
        )
    return (
        f"Revision {revision_id} is no longer the one under review "
        f"(the draft is {draft.state.value.replace('_', ' ')}): reload it and decide again"
    )
