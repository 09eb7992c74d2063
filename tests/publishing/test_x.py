"""The X adapter against our own X API server (fake_x.py), over real HTTP on loopback.

Every fault test ends with the same three checks: no duplicate post, no lost post, and an
error a user can act on. Retries go through `publish_with_retries`, as the app's do, with
the waits recorded instead of slept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from postdesk.publishing.adapter import (
    Account,
    AuthError,
    OutcomeUnknownError,
    Platform,
    PublishAttempt,
    PublishError,
    PublishResult,
    RejectedError,
    RetryableError,
)
from postdesk.publishing.retry import TryReport, publish_with_retries
from postdesk.publishing.x import XAdapter, x_post_url
from tests.publishing.fake_x import FakeX, Fault

# Recognisable, so a leak anywhere is easy to spot.
TOKEN = "xtok-PDLEAKCHECK-7f3a9c2e51d04b8a"
NEW_TOKEN = "xtok-PDLEAKCHECK-renewed-0c9d8e7f"
TIMEOUT_S = 0.4
THREAD = (
    "1/3 The A14 is closed between J21 and J22 tonight for resurfacing.",
    "2/3 Diversions are signed via the A1307. Allow 20 extra minutes.",
    "3/3 Updates: https://www.gov.uk/traffic-england?road=A14&from=J21",
)


@pytest.fixture
def server() -> Iterator[FakeX]:
    with FakeX() as fake:
        fake.add_user("RoadsDept", "Department for Roads", TOKEN)
        yield fake
        fake.wait_idle()


@pytest.fixture
def account(server: FakeX) -> Account:
    return Account(Platform.X, "@RoadsDept", server.url)


@pytest.fixture
def adapter() -> XAdapter:
    return XAdapter(timeout_s=TIMEOUT_S)


class Run:
    """One `publish_with_retries` run: its tries and waits."""

    def __init__(self) -> None:
        self.tries: list[TryReport] = []
        self.slept: list[float] = []

    def __call__(
        self, adapter: XAdapter, account: Account, attempt: PublishAttempt, token: str = TOKEN
    ) -> PublishResult:
        return publish_with_retries(
            adapter,
            account,
            token,
            attempt,
            sleep=self.slept.append,
            on_try=self.tries.append,
        )

    @property
    def errors(self) -> list[type[PublishError] | None]:
        return [None if t.error is None else type(t.error) for t in self.tries]


def _texts(server: FakeX) -> list[str]:
    return [t.text for t in server.tweets_by("RoadsDept")]


def _assert_chain(server: FakeX, result: PublishResult, parts: tuple[str, ...]) -> None:
    """Exactly one post per part, each replying to the one before, matching `result`."""
    tweets = server.tweets_by("RoadsDept")
    assert [t.text for t in tweets] == list(parts)
    assert [p.post_id for p in result.posts] == [t.id for t in tweets]
    assert [t.in_reply_to for t in tweets] == [None, *[t.id for t in tweets[:-1]]]
    assert [p.url for p in result.posts] == [x_post_url("RoadsDept", t.id) for t in tweets]


# -- verify and publish ----------------------------------------------------------------------


def test_verify_names_the_account(adapter: XAdapter, account: Account) -> None:
    info = adapter.verify(account, TOKEN)
    assert (info.display_name, info.handle) == ("Department for Roads", "@RoadsDept")


def test_verify_with_a_wrong_token_says_what_to_do(adapter: XAdapter, account: Account) -> None:
    with pytest.raises(AuthError) as caught:
        adapter.verify(account, "xtok-not-a-real-token")
    assert "revoked or has expired" in caught.value.message
    assert "Sign in to X again" in caught.value.message


def test_no_token_on_this_computer_is_an_auth_error(adapter: XAdapter, account: Account) -> None:
    with pytest.raises(AuthError, match="no X token"):
        adapter.publish(account, "", PublishAttempt(("Hello",), "k"))


def test_publish_sends_exactly_the_approved_text(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    text = "Roads & bridges <update>: see https://www.gov.uk/roads?a=1&b=2 🚧\nThanks!"
    result = adapter.publish(account, TOKEN, PublishAttempt((text,), "k-1"))

    (tweet,) = server.tweets_by("RoadsDept")
    assert tweet.text == text
    assert result.first.post_id == tweet.id
    assert result.first.url == f"https://x.com/RoadsDept/status/{tweet.id}"
    (post,) = [r for r in server.requests if r.method == "POST"]
    assert post.body == {"text": text}
    # Read back through the API, as anyone would see it: X's rendering of the same text.
    shown = httpx.get(
        f"{server.url}/2/tweets/{tweet.id}", headers={"Authorization": f"Bearer {TOKEN}"}
    ).json()["data"]
    assert "&amp;" in shown["text"]
    assert "https://t.co/" in shown["text"]


def test_thread_publishes_as_a_reply_chain(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    result = adapter.publish(account, TOKEN, PublishAttempt(THREAD, "k-thread"))
    _assert_chain(server, result, THREAD)
    bodies = [r.body for r in server.requests if r.method == "POST"]
    assert bodies[1] == {
        "text": THREAD[1],
        "reply": {"in_reply_to_tweet_id": result.posts[0].post_id},
    }


def test_a_token_for_another_account_is_refused(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.add_user("ParksDept", "Department for Parks", "xtok-parks")
    with pytest.raises(AuthError, match="belongs to @ParksDept"):
        adapter.publish(account, "xtok-parks", PublishAttempt(("Hello",), "k"))
    assert server.tweets == []


@pytest.mark.parametrize("parts", [(), ("",), ("Fine", "  ")])
def test_an_empty_post_or_part_is_refused(
    server: FakeX, adapter: XAdapter, account: Account, parts: tuple[str, ...]
) -> None:
    with pytest.raises(RejectedError):
        adapter.publish(account, TOKEN, PublishAttempt(parts, "k"))
    assert server.requests == []


def test_whose_token_it_is_is_asked_once_per_token(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    # /2/users/me has a small daily quota on X's lower tiers.
    adapter.publish(account, TOKEN, PublishAttempt(("One.",), "k1"))
    adapter.publish(account, TOKEN, PublishAttempt(("Two.",), "k2"))
    assert len([r for r in server.requests if r.path == "/2/users/me"]) == 1
    assert _texts(server) == ["One.", "Two."]


def test_a_repeated_call_for_a_finished_attempt_sends_nothing(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    attempt = PublishAttempt(THREAD, "k")
    first = adapter.publish(account, TOKEN, attempt)
    sent = len(server.requests)
    assert adapter.publish(account, TOKEN, attempt) == first
    assert len(server.requests) == sent


def test_two_calls_for_one_attempt_at_once_post_once(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.delay_next(0.2, method="GET", path="/2/users/me")  # keep the first call busy
    attempt = PublishAttempt(("Snow gates closed on the A66.",), "k")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: adapter.publish(account, TOKEN, attempt), range(2)))
    assert results[0] == results[1]
    assert _texts(server) == ["Snow gates closed on the A66."]
    assert len([r for r in server.requests if r.method == "POST"]) == 1


# -- faults: no duplicate, no lost post, a clear error ---------------------------------------


def test_500_then_success_posts_once(server: FakeX, adapter: XAdapter, account: Account) -> None:
    server.fail_next(1, 500, path="/2/tweets")
    run = Run()
    result = run(adapter, account, PublishAttempt(("Gritters are out tonight.",), "k"))
    assert run.errors == [RetryableError, None]
    assert _texts(server) == ["Gritters are out tonight."]
    assert result.first.post_id == server.tweets[0].id


def test_503_on_the_second_part_keeps_the_chain(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.fail_next(2, 503, path="/2/tweets", skip=1)
    run = Run()
    result = run(adapter, account, PublishAttempt(THREAD, "k"))
    assert run.errors == [RetryableError, RetryableError, None]
    _assert_chain(server, result, THREAD)


def test_persistent_500_fails_clearly_and_nothing_is_lost(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.fail_next(5, 500, path="/2/tweets")
    attempt = PublishAttempt(("Ferry timetable changes.",), "k")
    run = Run()
    with pytest.raises(RetryableError) as caught:
        run(adapter, account, attempt)
    assert "temporary problem (HTTP 500)" in caught.value.message
    assert len(run.tries) == 5
    assert server.tweets == []
    # Later, with X working again, the same attempt goes out exactly once.
    Run()(adapter, account, attempt)
    assert _texts(server) == ["Ferry timetable changes."]


def test_429_waits_until_x_rate_limit_reset(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.rate_limit_next(path="/2/tweets", reset_in_s=30)
    run = Run()
    run(adapter, account, PublishAttempt(("Road open again.",), "k"))
    assert run.errors == [RetryableError, None]
    assert 28 <= run.slept[0] <= 31
    assert _texts(server) == ["Road open again."]


def test_429_honours_retry_after_when_it_is_later(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.rate_limit_next(path="/2/tweets", reset_in_s=2, retry_after=9)
    run = Run()
    run(adapter, account, PublishAttempt(("Road open again.",), "k"))
    assert 8.5 <= run.slept[0] <= 9.5
    assert len(server.tweets) == 1


def test_429_on_the_daily_post_cap_says_when(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    reset = str(int(datetime.now(UTC).timestamp()) + 3600)
    server.rate_limit_next(
        path="/2/tweets",
        reset_in_s=5,
        headers={
            "x-rate-limit-remaining": "5",  # the 15-minute window still has room
            "x-user-limit-24hour-limit": "100",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": reset,
        },
    )
    with pytest.raises(RetryableError) as caught:
        adapter.publish(account, TOKEN, PublishAttempt(("Road open again.",), "k"))
    assert caught.value.retry_after is not None
    assert 3590 <= caught.value.retry_after <= 3601
    assert "resets in about 60 min" in caught.value.message
    assert server.tweets == []


def test_401_mid_thread_stops_then_a_new_token_finishes_it(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.revoke_on(skip=1, path="/2/tweets")
    attempt = PublishAttempt(THREAD, "k")
    run = Run()
    with pytest.raises(AuthError) as caught:
        run(adapter, account, attempt)
    assert run.errors == [AuthError]  # never retried with a dead token
    assert "revoked or has expired" in caught.value.message
    assert _texts(server) == [THREAD[0]]

    server.grant(NEW_TOKEN, "RoadsDept")
    result = Run()(adapter, account, attempt, token=NEW_TOKEN)
    _assert_chain(server, result, THREAD)


def test_401_mid_thread_then_a_restart_still_posts_each_part_once(
    server: FakeX, account: Account
) -> None:
    server.revoke_on(skip=1, path="/2/tweets")
    attempt = PublishAttempt(THREAD, "k")
    with pytest.raises(AuthError):
        Run()(XAdapter(timeout_s=TIMEOUT_S), account, attempt)
    server.grant(NEW_TOKEN, "RoadsDept")
    # A new adapter knows nothing: X's duplicate check and the lookup find part 1.
    result = Run()(XAdapter(timeout_s=TIMEOUT_S), account, attempt, token=NEW_TOKEN)
    _assert_chain(server, result, THREAD)


def test_accepted_then_connection_dropped_is_reconciled(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    text = "Bins & recycling: https://www.gov.uk/bins <today>"
    server.drop_next(path="/2/tweets")
    run = Run()
    result = run(adapter, account, PublishAttempt((text,), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    assert _texts(server) == [text]
    assert result.first.post_id == server.tweets[0].id
    assert len([r for r in server.requests if r.method == "POST"]) == 1  # found, not re-sent


def test_drop_on_the_second_part_of_a_thread(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.drop_next(path="/2/tweets", skip=1)
    run = Run()
    result = run(adapter, account, PublishAttempt(THREAD, "k"))
    assert run.errors == [OutcomeUnknownError, None]
    _assert_chain(server, result, THREAD)


def test_connection_dropped_before_x_read_the_post_sends_it_again(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.add_fault(Fault("drop_before", path="/2/tweets"))
    run = Run()
    run(adapter, account, PublishAttempt(("Library hours change.",), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    assert _texts(server) == ["Library hours change."]


def test_timeout_after_x_made_the_post_is_reconciled(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.delay_next(TIMEOUT_S * 2, path="/2/tweets", process_first=True)
    run = Run()
    result = run(adapter, account, PublishAttempt(("Flood warning lifted.",), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    server.wait_idle()
    assert _texts(server) == ["Flood warning lifted."]
    assert result.first.post_id == server.tweets[0].id


def test_timeout_before_x_made_the_post_still_ends_with_one(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    # The slow request is only processed after the retry has sent the post again: X's
    # duplicate check refuses the late one, and there is still exactly one post.
    server.delay_next(TIMEOUT_S * 2, path="/2/tweets", process_first=False)
    run = Run()
    result = run(adapter, account, PublishAttempt(("Flood warning lifted.",), "k"))
    server.wait_idle()
    assert _texts(server) == ["Flood warning lifted."]
    assert result.first.post_id == server.tweets[0].id


def test_dns_failure_fails_clearly_and_nothing_is_lost(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    offline = Account(Platform.X, "@RoadsDept", "http://postdesk-test.invalid")
    attempt = PublishAttempt(("Roadworks on the B1049.",), "k")
    run = Run()
    with pytest.raises(RetryableError) as caught:
        run(adapter, offline, attempt)
    assert len(run.tries) == 5
    assert "could not reach X at postdesk-test.invalid" in caught.value.message
    assert "Nothing was posted" in caught.value.message
    Run()(adapter, account, attempt)
    assert _texts(server) == ["Roadworks on the B1049."]


def test_a_failed_lookup_never_leads_to_a_blind_resend(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    server.drop_next(path="/2/tweets")
    server.rate_limit_next(method="GET", path="/2/users/1000/tweets", reset_in_s=4)
    run = Run()
    run(adapter, account, PublishAttempt(("Park gates locked at dusk.",), "k"))
    assert run.errors == [OutcomeUnknownError, RetryableError, None]
    assert len([r for r in server.requests if r.method == "POST"]) == 1
    assert _texts(server) == ["Park gates locked at dusk."]


def test_after_a_crash_a_new_adapter_finds_the_post_instead_of_repeating_it(
    server: FakeX, account: Account
) -> None:
    server.drop_next(path="/2/tweets")
    attempt = PublishAttempt(("Council tax bills are out.",), "k")
    with pytest.raises(OutcomeUnknownError):
        XAdapter(timeout_s=TIMEOUT_S).publish(account, TOKEN, attempt)
    result = XAdapter(timeout_s=TIMEOUT_S).publish(account, TOKEN, attempt)
    assert _texts(server) == ["Council tax bills are out."]
    assert result.first.post_id == server.tweets[0].id


def test_duplicate_refusal_without_a_visible_post_is_a_clear_rejection(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    duplicate = {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }
    server.fail_next(1, 403, path="/2/tweets", body=duplicate)
    with pytest.raises(RejectedError) as caught:
        Run()(adapter, account, PublishAttempt(("Same again.",), "k"))
    assert "duplicate" in caught.value.message
    assert "change the wording" in caught.value.message
    assert server.tweets == []


def test_a_retry_does_not_mistake_an_older_identical_post_for_its_own(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    text = "Offices closed on the bank holiday."
    old = server.seed("RoadsDept", text, datetime.now(UTC) - timedelta(days=30))
    server.add_fault(Fault("drop_before", path="/2/tweets"))
    run = Run()
    result = run(adapter, account, PublishAttempt((text,), "k"))
    new = [t for t in server.tweets_by("RoadsDept") if t.id != old.id]
    assert [t.text for t in new] == [text]
    assert result.first.post_id == new[0].id


def test_a_post_not_yet_listed_is_looked_for_again_never_sent_twice(
    server: FakeX, adapter: XAdapter, account: Account
) -> None:
    # The dropped post only shows in listings after a while: the retry's lookup misses it,
    # the re-send is refused as a duplicate, and the next try finds it.
    server.timeline_lag_s = 0.3
    server.drop_next(path="/2/tweets")
    text = "Recycling centre closed for maintenance."
    tries: list[TryReport] = []
    result = publish_with_retries(
        adapter,
        account,
        TOKEN,
        PublishAttempt((text,), "k"),
        sleep=lambda _s: time.sleep(0.2),
        on_try=tries.append,
    )
    kinds = [None if t.error is None else type(t.error) for t in tries]
    assert kinds[0] is OutcomeUnknownError
    assert kinds[-1] is None
    assert set(kinds[1:-1]) <= {OutcomeUnknownError}
    assert _texts(server) == [text]
    assert result.first.post_id == server.tweets[0].id


# -- the token never leaks ---------------------------------------------------------------------


def _leak_scenarios() -> dict[str, Callable[[FakeX, XAdapter, Account], None]]:
    attempt = PublishAttempt(THREAD, "k")

    def verify_401(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.revoke(TOKEN)
        adapter.verify(account, TOKEN)

    def publish_401(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.revoke_on(skip=1, path="/2/tweets")
        Run()(adapter, account, attempt)

    def other_account(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.add_user("ParksDept", "Parks", "xtok-parks")
        adapter.publish(Account(Platform.X, "@ParksDept", server.url), TOKEN, attempt)

    def rate_limited(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.rate_limit_next(count=5, path="/2/tweets")
        Run()(adapter, account, attempt)

    def server_error(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.fail_next(5, 502, path="/2/tweets")
        Run()(adapter, account, attempt)

    def dropped(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.drop_next(path="/2/tweets")
        adapter.publish(account, TOKEN, attempt)

    def timed_out(server: FakeX, adapter: XAdapter, account: Account) -> None:
        server.delay_next(TIMEOUT_S * 2, path="/2/tweets")
        adapter.publish(account, TOKEN, attempt)

    def dns(server: FakeX, adapter: XAdapter, account: Account) -> None:
        adapter.publish(
            Account(Platform.X, "@RoadsDept", "http://postdesk-test.invalid"), TOKEN, attempt
        )

    def echoing_server(server: FakeX, adapter: XAdapter, account: Account) -> None:
        # A badly behaved server that repeats the token in its error: it is masked.
        body = {"title": "Bad", "detail": f"token {TOKEN} refused", "type": "about:blank"}
        server.fail_next(1, 400, path="/2/tweets", body=body)
        adapter.publish(account, TOKEN, attempt)

    return {
        f.__name__: f
        for f in (
            verify_401,
            publish_401,
            other_account,
            rate_limited,
            server_error,
            dropped,
            timed_out,
            dns,
            echoing_server,
        )
    }


@pytest.mark.parametrize("scenario", sorted(_leak_scenarios()))
def test_the_token_is_never_in_errors_or_logs(
    server: FakeX,
    adapter: XAdapter,
    account: Account,
    scenario: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PublishError) as caught:
        _leak_scenarios()[scenario](server, adapter, account)
    error = caught.value
    for text in (str(error), repr(error), error.message, repr(error.args)):
        assert TOKEN not in text
    assert error.__cause__ is None  # httpx errors carry the request, token header included
    assert caplog.records, "expected some log records to check"
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)
    assert TOKEN not in caplog.text
