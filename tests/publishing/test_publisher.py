"""Publishing approved drafts to their channels, exactly once, on SQLite and PostgreSQL.

The adapters here are an in-memory stand-in for a platform that honours idempotency keys
(as Mastodon does), so these tests can crash the publisher at exact points. The real
adapters are tested against real or protocol-faithful servers in test_mastodon.py,
test_bluesky.py, test_x.py and test_linkedin.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from postdesk import settings
from postdesk.publishing.adapter import (
    Account,
    AccountInfo,
    AuthError,
    OutcomeUnknownError,
    Platform,
    PostRef,
    PublishAttempt,
    PublishResult,
)
from postdesk.publishing.publisher import Publisher, add_account, publications_of
from postdesk.workflow import audit
from postdesk.workflow.errors import NotAllowed, NotReady
from postdesk.workflow.states import State
from tests.conftest import Team

TOKEN = "tok-SECRET-4f9a8b7c6d5e"
POST = "Free flu jabs for over-65s at the town hall this Saturday, 9am to 1pm."


class Crash(BaseException):
    """Stands for the process dying: nothing after it in the publisher runs."""


@dataclass
class FakePlatform:
    """Posts kept in memory; a repeated idempotency key returns the same post."""

    posts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (id, text)
    valid_tokens: set[str] = field(default_factory=lambda: {TOKEN})
    lose_next_answers: int = 0
    crash_after_send: bool = False

    def verify(self, account: Account, credential: str) -> AccountInfo:
        if credential not in self.valid_tokens:
            raise AuthError("The server refused the token (401)")
        return AccountInfo("Town Council", account.handle)

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        if credential not in self.valid_tokens:
            raise AuthError("The server refused the token (401)")
        refs = []
        for index, part in enumerate(attempt.parts):
            key = f"{attempt.key}-{index}"
            if key not in self.posts:
                self.posts[key] = (str(len(self.posts) + 1), part)
            post_id = self.posts[key][0]
            refs.append(PostRef(post_id, f"{account.server_url}/p/{post_id}"))
        if self.crash_after_send:
            self.crash_after_send = False
            raise Crash
        if self.lose_next_answers:
            self.lose_next_answers -= 1
            raise OutcomeUnknownError("The connection dropped before the server answered")
        return PublishResult(tuple(refs))

    def texts(self) -> list[str]:
        return [text for _id, text in self.posts.values()]


class Keyring:
    """An in-memory secret store (the real keyring is tested in test_secrets.py)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}

    def get(self, account_key: str) -> str | None:
        return self.secrets.get(account_key)

    def set(self, account_key: str, secret: str) -> None:
        self.secrets[account_key] = secret


MASTODON = Account(Platform.MASTODON, "@council@social.example", "https://social.example")
X_ACCOUNT = Account(Platform.X, "@TownCouncil", "https://api.x.example")


@pytest.fixture
def setup(team: Team) -> tuple[Team, dict[Platform, FakePlatform], Keyring, int]:
    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    platforms = {Platform.MASTODON: FakePlatform(), Platform.X: FakePlatform()}
    keyring = Keyring()
    for account in (MASTODON, X_ACCOUNT):
        add_account(
            team.engine("bob"), team.login("bob"), account, TOKEN,
            platforms[account.platform], keyring.set,
        )  # fmt: skip
    alice = team.workflow("alice")
    draft = alice.create_draft(POST, ["mastodon", "x"])
    revision = alice.submit(draft.id)
    team.workflow("bob").approve(draft.id, revision.id)
    return team, platforms, keyring, draft.id


def _publisher(team: Team, platforms: dict[Platform, FakePlatform], keyring: Keyring) -> Publisher:
    return Publisher(
        team.engine("bob"),
        team.login("bob"),
        secrets=keyring,
        adapters=platforms,
        sleep=lambda _s: None,
    )


def test_an_approved_draft_goes_to_every_channel_once(setup) -> None:
    team, platforms, keyring, draft_id = setup
    outcomes = _publisher(team, platforms, keyring).publish(draft_id)
    assert [(o.channel, o.published) for o in outcomes] == [("mastodon", True), ("x", True)]
    assert platforms[Platform.MASTODON].texts() == [POST]
    assert platforms[Platform.X].texts() == [POST]
    assert team.workflow("bob").get(draft_id).state is State.PUBLISHED
    records = publications_of(team.database.engine, draft_id)
    assert [r["state"] for r in records] == ["published", "published"]
    assert '"url": "https://social.example/p/1"' in records[0]["posts"]
    events = [e.event for e in audit.events(team.database.engine, draft_id=draft_id)]
    assert events[-6:] == [
        "publish_attempted",
        "publish_try",
        "published_to_channel",
        "publish_try",
        "published_to_channel",
        "published",
    ]
    assert audit.verify(team.database.engine).ok


def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(setup) -> None:
    team, platforms, keyring, draft_id = setup
    platforms[Platform.MASTODON].lose_next_answers = 2
    outcomes = _publisher(team, platforms, keyring).publish(draft_id)
    assert all(o.published for o in outcomes)
    assert platforms[Platform.MASTODON].texts() == [POST]
    tries = [
        e.details for e in audit.events(team.database.engine, draft_id=draft_id)
        if e.event == "publish_try"
    ]  # fmt: skip
    assert len(tries) == 4  # three on Mastodon (two lost answers), one on X


def test_a_crash_after_sending_is_reconciled_not_resent(setup) -> None:
    team, platforms, keyring, draft_id = setup
    platforms[Platform.X].crash_after_send = True
    with pytest.raises(Crash):
        _publisher(team, platforms, keyring).publish(draft_id)
    assert team.workflow("bob").get(draft_id).state is State.PUBLISHING
    # The next run (a new process, as it were) carries on with the stored keys.
    outcomes = _publisher(team, platforms, keyring).publish(draft_id)
    assert all(o.published for o in outcomes)
    assert platforms[Platform.MASTODON].texts() == [POST]
    assert platforms[Platform.X].texts() == [POST]
    assert team.workflow("bob").get(draft_id).state is State.PUBLISHED


def test_a_missing_token_fails_one_channel_and_a_retry_sends_only_that_one(setup) -> None:
    team, platforms, keyring, draft_id = setup
    del keyring.secrets[X_ACCOUNT.secret_key]
    outcomes = _publisher(team, platforms, keyring).publish(draft_id)
    x_outcome = next(o for o in outcomes if o.channel == "x")
    assert not x_outcome.published
    assert x_outcome.error is not None
    assert "no token" in x_outcome.error
    assert team.workflow("bob").get(draft_id).state is State.PARTLY_PUBLISHED

    keyring.set(X_ACCOUNT.secret_key, TOKEN)
    _publisher(team, platforms, keyring).publish(draft_id)
    assert platforms[Platform.MASTODON].texts() == [POST]  # not sent again
    assert platforms[Platform.X].texts() == [POST]
    assert team.workflow("bob").get(draft_id).state is State.PUBLISHED


@pytest.mark.usefixtures("fresh_policy")
def test_an_election_period_holds_the_rest_of_a_part_published_post_but_not_a_crashed_one(
    setup,
) -> None:
    team, platforms, keyring, draft_id = setup
    # Before the period: one post goes to Mastodon only (no X token here), and another
    # crashes half way through sending.
    del keyring.secrets[X_ACCOUNT.secret_key]
    _publisher(team, platforms, keyring).publish(draft_id)
    keyring.set(X_ACCOUNT.secret_key, TOKEN)
    alice = team.workflow("alice")
    crashed = alice.create_draft("Leisure centre pool closed today for repairs.", ["x"])
    team.workflow("bob").approve(crashed.id, alice.submit(crashed.id).id)
    platforms[Platform.X].crash_after_send = True
    with pytest.raises(Crash):
        _publisher(team, platforms, keyring).publish(crashed.id)

    today = date.today()
    settings.save(settings.Settings(election_periods=((today, today),)))

    # Publishing again is a new publish, checked on its day: held, nothing sent.
    with pytest.raises(NotReady, match="Election period"):
        _publisher(team, platforms, keyring).publish(draft_id)
    assert team.workflow("bob").get(draft_id).state is State.PARTLY_PUBLISHED
    # A publish that stopped half way is finished whatever the day: it was checked when it
    # started, and what it sent is found rather than left half done.
    (outcome,) = _publisher(team, platforms, keyring).publish(crashed.id)
    assert outcome.published
    assert platforms[Platform.X].texts() == ["Leisure centre pool closed today for repairs."]


def test_a_revoked_token_says_what_to_do(setup) -> None:
    team, platforms, keyring, draft_id = setup
    platforms[Platform.MASTODON].valid_tokens.clear()
    outcomes = _publisher(team, platforms, keyring).publish(draft_id)
    mastodon = next(o for o in outcomes if o.channel == "mastodon")
    assert mastodon.error is not None
    assert "add the account again with a new token" in mastodon.error
    assert team.workflow("bob").get(draft_id).state is State.PARTLY_PUBLISHED


def test_only_a_publisher_publishes_and_only_an_approved_draft(setup) -> None:
    team, platforms, keyring, draft_id = setup
    author = Publisher(
        team.engine("alice"), team.login("alice"), secrets=keyring, adapters=platforms
    )
    with pytest.raises(NotAllowed):
        author.publish(draft_id)
    alice = team.workflow("alice")
    other = alice.create_draft("Not approved yet", ["mastodon"])
    from postdesk.workflow.errors import WrongState

    with pytest.raises(WrongState):
        _publisher(team, platforms, keyring).publish(other.id)
    assert platforms[Platform.MASTODON].texts() == []


def test_the_token_reaches_no_database_row_log_or_audit_event(
    setup, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    team, platforms, keyring, draft_id = setup
    caplog.set_level(logging.DEBUG)
    platforms[Platform.X].valid_tokens.clear()  # a failure path too
    _publisher(team, platforms, keyring).publish(draft_id)
    assert TOKEN not in caplog.text
    exported = audit.export_to_string(team.database.engine, "jsonl")
    assert TOKEN not in exported
    with team.database.engine.connect() as connection:
        for table in ("channel_accounts", "publications", "audit_events", "drafts"):
            rows = connection.exec_driver_sql(f"SELECT * FROM {table}").all()
            assert TOKEN not in repr(rows)
    if team.location.is_sqlite:
        database_file = Path(team.location.url.database or "")
        for path in database_file.parent.glob(database_file.name + "*"):
            assert TOKEN.encode() not in path.read_bytes()


def test_bluesky_record_keys_are_stored_before_the_first_attempt(team: Team) -> None:
    import json

    team.add("alice", "author")
    team.add("bob", "reviewer", "publisher")
    seen: list[PublishAttempt] = []

    class Recording(FakePlatform):
        def publish(self, account, credential, attempt):
            # By the time the first request goes out, the keys are already in the database.
            stored = publications_of(team.database.engine, draft.id)[0]
            assert json.loads(stored["record_keys"]) == list(attempt.record_keys)
            seen.append(attempt)
            return super().publish(account, credential, attempt)

    platform, keyring = Recording(), Keyring()
    account = Account(Platform.BLUESKY, "council.bsky.social", "https://pds.example")
    add_account(team.engine("bob"), team.login("bob"), account, TOKEN, platform, keyring.set)
    draft = team.workflow("alice").create_draft(POST, ["bluesky"])
    revision = team.workflow("alice").submit(draft.id)
    team.workflow("bob").approve(draft.id, revision.id)
    Publisher(
        team.engine("bob"), team.login("bob"), secrets=keyring,
        adapters={Platform.BLUESKY: platform}, sleep=lambda _s: None,
    ).publish(draft.id)  # fmt: skip
    assert len(seen) == 1
    assert len(seen[0].record_keys) == len(seen[0].created_at) == len(seen[0].parts) == 1
