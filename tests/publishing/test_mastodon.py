"""The Mastodon adapter against a real mastodon-mock server over loopback HTTP.

No httpx mocks: every request goes over TCP to mastodon-mock (an independent implementation
of Mastodon's API, started by tests/publishing/mastodon_peer.py), either directly or
through `FaultProxy`, which cuts or holds connections the way a network does. The faults
come from mastodon-mock's own fault injection (500s, 429s with Retry-After, delays,
unreadable answers, 401s) and from the proxy (a connection dropped after the server made the
post, an answer that never arrives). In every case: no duplicate, no lost post, and a clear
message. The randomized test runs hundreds of such fault sequences and prints its totals.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

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
from postdesk.publishing.mastodon import MastodonAdapter
from postdesk.publishing.retry import TryReport, publish_with_retries
from tests.publishing.mastodon_peer import (
    CANARY_TOKEN,
    SERVER_DOMAIN,
    FaultProxy,
    MastodonPeer,
    MastodonUser,
    ProxyAction,
)

# Short enough to keep the timeout tests quick, long enough for a loaded 2-core machine to
# answer a normal request.
TIMEOUT_S = 0.5
STATUSES = "/api/v1/statuses"
# The lookups and checks the adapter makes (everything but the POST and the instance).
READS = r"/api/v1/(accounts/[^/]+(/statuses)?|accounts/verify_credentials|statuses/\d+/source)"


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The adapter honours the system's proxy settings (a department's network may need
    # them); loopback test traffic must not go through one.
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)


def account_on(user: MastodonUser, base_url: str) -> Account:
    """The channel account PostDesk would store for `user` on the server at `base_url`."""
    return Account(Platform.MASTODON, user.handle, base_url)


@dataclass
class Run:
    """How one publish_with_retries call went."""

    result: PublishResult | None
    error: PublishError | None
    tries: list[TryReport]
    sleeps: list[float]


def run(
    adapter: MastodonAdapter,
    account: Account,
    token: str,
    attempt: PublishAttempt,
    *,
    max_tries: int = 5,
) -> Run:
    """Publish with the real retry loop, recording each try and wait instead of sleeping."""
    tries: list[TryReport] = []
    sleeps: list[float] = []
    try:
        result = publish_with_retries(
            adapter,
            account,
            token,
            attempt,
            max_tries=max_tries,
            sleep=sleeps.append,
            on_try=tries.append,
        )
    except PublishError as exc:
        return Run(None, exc, tries, sleeps)
    return Run(result, None, tries, sleeps)


def outcomes(tries: list[TryReport]) -> list[str]:
    return ["ok" if t.error is None else type(t.error).__name__ for t in tries]


def assert_published_once(
    peer: MastodonPeer, user: MastodonUser, parts: tuple[str, ...], result: PublishResult
) -> None:
    """Exactly these parts are on the server, once each, as a reply chain, as reported."""
    statuses = peer.statuses(user)
    texts = [peer.source_text(user, str(s["id"])) for s in statuses]
    assert Counter(texts) == Counter(parts), "duplicate or missing posts"
    by_id = {str(s["id"]): s for s in statuses}
    assert [p.post_id for p in result.posts] == [str(s["id"]) for s in statuses]
    for index, post in enumerate(result.posts):
        status = by_id[post.post_id]
        assert peer.source_text(user, post.post_id) == parts[index]
        assert status["visibility"] == "public"
        assert status["url"] == post.url
        parent = result.posts[index - 1].post_id if index else None
        assert status["in_reply_to_id"] == parent


# -- verify ----------------------------------------------------------------------------------


def test_verify_names_the_account_and_reads_the_servers_limits(
    mastodon_peer: MastodonPeer,
) -> None:
    user = mastodon_peer.signup(display_name="Roads \u2013 Cyngor Sir Powys ✓")
    info = MastodonAdapter().verify(account_on(user, mastodon_peer.base_url), user.token)
    assert info.display_name == "Roads \u2013 Cyngor Sir Powys ✓"
    assert info.handle == f"@{user.username}@{SERVER_DOMAIN}"
    assert (info.max_characters, info.characters_reserved_per_url) == (500, 23)


def test_verify_uses_the_limits_a_server_sets(
    mastodon_proxy: FaultProxy, mastodon_user: MastodonUser
) -> None:
    def bigger(instance: dict[str, Any]) -> dict[str, Any]:
        statuses = instance["configuration"]["statuses"]
        statuses.update(max_characters=5000, characters_reserved_per_url=30)
        return instance

    mastodon_proxy.script("GET", "/api/v2/instance", [ProxyAction("rewrite", rewrite=bigger)])
    info = MastodonAdapter().verify(
        account_on(mastodon_user, mastodon_proxy.url), mastodon_user.token
    )
    assert (info.max_characters, info.characters_reserved_per_url) == (5000, 30)


def test_verify_falls_back_to_v1_then_to_mastodons_defaults(
    mastodon_proxy: FaultProxy, mastodon_user: MastodonUser
) -> None:
    adapter = MastodonAdapter()
    account = account_on(mastodon_user, mastodon_proxy.url)
    gone = ProxyAction("respond", status=404, body={"error": "Record not found"})

    def smaller(instance: dict[str, Any]) -> dict[str, Any]:
        instance["configuration"]["statuses"]["max_characters"] = 400
        return instance

    # A server before Mastodon 4.0: no /api/v2/instance, limits in v1.
    mastodon_proxy.script("GET", "/api/v2/instance", [gone])
    mastodon_proxy.script("GET", "/api/v1/instance", [ProxyAction("rewrite", rewrite=smaller)])
    info = adapter.verify(account, mastodon_user.token)
    assert (info.max_characters, info.characters_reserved_per_url) == (400, 23)
    assert info.handle == f"@{mastodon_user.username}@{SERVER_DOMAIN}"

    # A server that says nothing about its limits: Mastodon's own 500 and 23.
    def silent(instance: dict[str, Any]) -> dict[str, Any]:
        del instance["configuration"]["statuses"]
        return instance

    mastodon_proxy.script("GET", "/api/v2/instance", [ProxyAction("rewrite", rewrite=silent)])
    info = adapter.verify(account, mastodon_user.token)
    assert (info.max_characters, info.characters_reserved_per_url) == (500, 23)


def test_a_revoked_token_says_so_and_what_to_do(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    mastodon_peer.revoke(mastodon_user.token)
    adapter = MastodonAdapter()
    account = account_on(mastodon_user, mastodon_peer.base_url)
    with pytest.raises(AuthError) as verified:
        adapter.verify(account, mastodon_user.token)
    message = verified.value.message
    assert "revoked or is wrong" in message
    assert "Add the account again with a new token" in message
    leaked = mastodon_user.token in message  # a bool, so a failure cannot print the token
    assert not leaked, "the token is in the message"

    attempt = PublishAttempt(("Road closed.",), key="revoked-1")
    outcome = run(adapter, account, mastodon_user.token, attempt)
    assert isinstance(outcome.error, AuthError)
    assert outcomes(outcome.tries) == ["AuthError"]  # never retried
    assert mastodon_peer.statuses(mastodon_user) == []


def test_an_address_that_would_send_the_token_unencrypted_is_refused(
    mastodon_user: MastodonUser,
) -> None:
    account = Account(Platform.MASTODON, mastodon_user.handle, "http://social.example.gov.uk")
    with pytest.raises(PublishError, match="https://"):
        MastodonAdapter().verify(account, mastodon_user.token)


# -- publish ---------------------------------------------------------------------------------


def test_publish_sends_the_text_exactly(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    text = (
        "  Road closed: A470 at Llanidloes 🚧🇬🇧 until 18:00.\n\n"
        "Details: https://www.powys.gov.uk/roads?id=470&lang=cy\n"
        "**not bold** <b>not html</b> &amp; Ŵyl Dewi \u2013 “quotes”  "
    )
    attempt = PublishAttempt((text,), key="exact-1", language="cy")
    result = MastodonAdapter().publish(
        account_on(mastodon_user, mastodon_peer.base_url), mastodon_user.token, attempt
    )
    assert_published_once(mastodon_peer, mastodon_user, attempt.parts, result)
    status = mastodon_peer.http.get(
        f"{mastodon_peer.base_url}/api/v1/statuses/{result.first.post_id}",
        headers={"Authorization": f"Bearer {mastodon_user.token}"},
    ).json()
    assert status["language"] == "cy"
    assert result.first.url.startswith(f"http://{SERVER_DOMAIN}/@{mastodon_user.username}/")


def test_a_thread_is_published_as_a_reply_chain(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    parts = ("Part one of the update. 1/3", "Part two. 2/3", "Part three. 3/3")
    attempt = PublishAttempt(parts, key="thread-1")
    result = MastodonAdapter().publish(
        account_on(mastodon_user, mastodon_peer.base_url), mastodon_user.token, attempt
    )
    assert len(result.posts) == 3
    assert_published_once(mastodon_peer, mastodon_user, parts, result)
    context = mastodon_peer.http.get(
        f"{mastodon_peer.base_url}/api/v1/statuses/{result.first.post_id}/context"
    ).json()
    assert [d["id"] for d in context["descendants"]] == [p.post_id for p in result.posts[1:]]


def test_publishing_the_same_attempt_again_returns_the_same_posts(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    account = account_on(mastodon_user, mastodon_peer.base_url)
    attempt = PublishAttempt(("One.", "Two."), key="again-1")
    first = MastodonAdapter().publish(account, mastodon_user.token, attempt)
    # A new adapter (as after a restart) knows nothing; the Idempotency-Key still holds.
    second = MastodonAdapter().publish(account, mastodon_user.token, attempt)
    assert second == first
    assert_published_once(mastodon_peer, mastodon_user, attempt.parts, first)


def test_a_post_that_is_too_long_is_refused_with_the_servers_reason(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    attempt = PublishAttempt(("x" * 501,), key="long-1")
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        attempt,
    )
    assert isinstance(outcome.error, RejectedError)
    assert "Text is too long (maximum is 500 characters)" in outcome.error.message
    assert outcomes(outcome.tries) == ["RejectedError"]
    assert mastodon_peer.statuses(mastodon_user) == []


def test_a_refused_part_says_which_parts_are_already_published(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    attempt = PublishAttempt(("Fine.", "y" * 501, "Never sent."), key="long-2")
    with pytest.raises(RejectedError) as refused:
        MastodonAdapter().publish(
            account_on(mastodon_user, mastodon_peer.base_url), mastodon_user.token, attempt
        )
    message = refused.value.message
    assert "part 2 of 3" in message
    assert "Part 1 of 3 is already published" in message
    assert mastodon_peer.posted_texts(mastodon_user) == ["Fine."]


# -- faults ----------------------------------------------------------------------------------


@pytest.mark.parametrize("part", [0, 2])
def test_connection_dropped_after_the_server_made_the_post(
    mastodon_proxy: FaultProxy, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser, part: int
) -> None:
    parts = ("First of three.", "Second of three.", "Third of three.")
    attempt = PublishAttempt(parts, key=f"drop-{part}")
    mastodon_proxy.script("POST", STATUSES, [ProxyAction()] * part + [ProxyAction("drop_after")])
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_proxy.url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["OutcomeUnknownError", "ok"]
    first_error = outcome.tries[0].error
    assert first_error is not None
    assert "cannot tell yet whether it was published" in first_error.message
    assert "will not be posted twice" in first_error.message
    assert_published_once(mastodon_peer, mastodon_user, parts, outcome.result)
    # Each part was sent once: the retry found the dropped one by looking it up instead of
    # sending it again, and resumed after it.
    sent = [s.idempotency_key for s in mastodon_proxy.posts_seen()]
    assert sent == [f"{attempt.key}-{i}" for i in range(3)]


def test_timed_out_before_the_server_handled_it(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    # mastodon-mock's delay, longer than the client waits; it drops the abandoned request.
    mastodon_peer.add_fault({"type": "latency", "delay_ms": 800})
    attempt = PublishAttempt(("Timed out once.",), key="timeout-1")
    settled = time.monotonic() + 1.0  # the abandoned request would have landed by then
    outcome = run(
        MastodonAdapter(timeout_s=TIMEOUT_S),
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["OutcomeUnknownError", "ok"]
    time.sleep(max(settled - time.monotonic(), 0))
    assert_published_once(mastodon_peer, mastodon_user, attempt.parts, outcome.result)


@pytest.mark.parametrize("how", ["hold_after", "slow_server"])
def test_timed_out_after_the_server_accepted_the_post(
    mastodon_proxy: FaultProxy, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser, how: str
) -> None:
    if how == "hold_after":
        # The server made the post at once; its answer never reaches the client.
        action = ProxyAction("hold_after", hold_s=TIMEOUT_S + 0.5)
    else:
        # The server is still working on it when the client gives up, and the retry comes
        # in before it finishes: the Idempotency-Key settles which request makes the post.
        action = ProxyAction("mock_fault", fault={"type": "latency", "delay_ms": 900})
    parts = ("Slow one.", "Slow two.")
    attempt = PublishAttempt(parts, key=f"slow-{how}")
    mastodon_proxy.script("POST", STATUSES, [action])
    settled = time.monotonic() + 1.1  # the held or slow request has finished on the server
    outcome = run(
        MastodonAdapter(timeout_s=TIMEOUT_S),
        account_on(mastodon_user, mastodon_proxy.url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["OutcomeUnknownError", "ok"]
    time.sleep(max(settled - time.monotonic(), 0))
    assert_published_once(mastodon_peer, mastodon_user, parts, outcome.result)


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_are_retried_without_duplicates(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser, code: int
) -> None:
    parts = ("Before the error.", "After the error.")
    # The first part goes through; the second gets the error twice, then succeeds.
    mastodon_peer.add_fault({"type": "latency", "delay_ms": 0})
    mastodon_peer.add_fault({"type": "status", "status": code}, count=2)
    attempt = PublishAttempt(parts, key=f"5xx-{code}")
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["RetryableError", "RetryableError", "ok"]
    first_error = outcome.tries[0].error
    assert first_error is not None
    assert f"HTTP {code}" in first_error.message
    assert "Part 1 of 2 is already published" in first_error.message
    assert_published_once(mastodon_peer, mastodon_user, parts, outcome.result)


def _in(seconds: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)


def _rate_limit(how: str, seconds: int) -> dict[str, Any]:
    """A mastodon-mock 429 effect that asks for `seconds`, said the way `how` names."""
    if how == "seconds":
        return {"type": "ratelimit", "headers": {"Retry-After": str(seconds)}}
    if how == "http-date":
        date = format_datetime(_in(seconds), usegmt=True)
        return {"type": "ratelimit", "headers": {"Retry-After": date}}
    # Mastodon itself sends no Retry-After, only X-RateLimit-Reset as ISO 8601.
    reset = _in(seconds).isoformat().replace("+00:00", "Z")
    return {
        "type": "status",
        "status": 429,
        "body": {"error": "Too many requests"},
        "headers": {"X-RateLimit-Reset": reset},
    }


@pytest.mark.parametrize(
    ("how", "expected"), [("seconds", 7), ("http-date", 30), ("ratelimit-reset", 45)]
)
def test_429_waits_as_long_as_the_server_asks(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser, how: str, expected: int
) -> None:
    effect = _rate_limit(how, expected)
    mastodon_peer.add_fault(effect)
    attempt = PublishAttempt(("Rate limited once.",), key=f"429-{expected}")
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["RetryableError", "ok"]
    # The server's Date header has one-second steps (and uvicorn refreshes it once a
    # second), and a little time passes before the request.
    assert len(outcome.sleeps) == 1
    assert expected - 3 <= outcome.sleeps[0] <= expected + 1
    first_error = outcome.tries[0].error
    assert isinstance(first_error, RetryableError)
    assert "rate-limiting" in first_error.message
    assert_published_once(mastodon_peer, mastodon_user, attempt.parts, outcome.result)


def test_token_revoked_half_way_through_a_thread(
    mastodon_proxy: FaultProxy, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    parts = ("One of three.", "Two of three.", "Three of three.")
    attempt = PublishAttempt(parts, key="revoked-mid")
    account = account_on(mastodon_user, mastodon_proxy.url)
    adapter = MastodonAdapter()
    # Someone revokes the token in Mastodon's settings just after the first part is posted.
    mastodon_proxy.script(
        "POST", STATUSES, [ProxyAction(after=lambda: mastodon_peer.revoke(mastodon_user.token))]
    )
    outcome = run(adapter, account, mastodon_user.token, attempt)
    assert isinstance(outcome.error, AuthError)
    assert outcomes(outcome.tries) == ["AuthError"]
    message = outcome.error.message
    assert "revoked or is wrong" in message
    assert "Add the account again with a new token" in message
    assert "Part 1 of 3 is already published" in message
    assert mastodon_peer.posted_texts(mastodon_user) == [parts[0]]

    # The account is added again with a new token; the retry continues from part 2.
    new_token = mastodon_peer.login(mastodon_user.username)
    again = run(adapter, account, new_token, attempt)
    assert again.result is not None, again.error
    assert again.result.first.post_id == str(mastodon_peer.statuses(mastodon_user)[0]["id"])
    assert_published_once(mastodon_peer, mastodon_user, parts, again.result)


def test_dns_failure_is_retryable_and_says_nothing_was_sent(mastodon_user: MastodonUser) -> None:
    # .invalid never resolves (RFC 6761): the resolver answers at once, or there is no
    # network at all; either way the request never leaves.
    account = Account(Platform.MASTODON, mastodon_user.handle, "https://postdesk-test.invalid")
    outcome = run(
        MastodonAdapter(), account, mastodon_user.token, PublishAttempt(("x",), "dns"), max_tries=2
    )
    assert isinstance(outcome.error, RetryableError)
    assert outcomes(outcome.tries) == ["RetryableError", "RetryableError"]
    assert "could not connect to postdesk-test.invalid" in outcome.error.message
    assert "Nothing was sent" in outcome.error.message


def test_connection_refused_is_retryable_and_says_nothing_was_sent(
    mastodon_user: MastodonUser,
) -> None:
    with socket_bound_but_closed() as port:
        account = Account(Platform.MASTODON, mastodon_user.handle, f"http://127.0.0.1:{port}")
        with pytest.raises(RetryableError, match="Nothing was sent"):
            MastodonAdapter().publish(account, mastodon_user.token, PublishAttempt(("x",), "nc"))


@contextmanager
def socket_bound_but_closed() -> Iterator[int]:
    """A loopback port nothing listens on (bound, never listening: connections are refused)."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port: int = bound.getsockname()[1]
        yield port


def test_after_a_restart_the_idempotency_key_finds_what_was_sent(
    mastodon_proxy: FaultProxy, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    parts = ("A.", "B.", "C.")
    attempt = PublishAttempt(parts, key="restart-1")
    account = account_on(mastodon_user, mastodon_proxy.url)
    mastodon_proxy.script("POST", STATUSES, [ProxyAction(), ProxyAction("drop_after")])
    with pytest.raises(OutcomeUnknownError):
        MastodonAdapter().publish(account, mastodon_user.token, attempt)
    # The app crashed: a new adapter knows nothing and sends every part again, with the
    # same keys, and the server answers with the posts it already made.
    result = MastodonAdapter().publish(account, mastodon_user.token, attempt)
    assert_published_once(mastodon_peer, mastodon_user, parts, result)


@pytest.mark.parametrize(
    "action",
    [
        ProxyAction("drop_after"),
        ProxyAction("hold_after", hold_s=TIMEOUT_S + 0.5),
        ProxyAction("mock_fault", fault={"type": "status", "status": 502}),
        ProxyAction("mock_fault", fault={"type": "malformed"}),
    ],
    ids=["dropped", "held", "502", "malformed"],
)
def test_without_the_idempotency_key_the_lookup_still_prevents_duplicates(
    mastodon_proxy: FaultProxy,
    mastodon_peer: MastodonPeer,
    mastodon_user: MastodonUser,
    action: ProxyAction,
) -> None:
    # As on a server that ignores the key, or an hour later when Mastodon has forgotten it.
    mastodon_proxy.strip_idempotency_key = True
    # The same text posted on purpose earlier must not be mistaken for this attempt's post.
    earlier = MastodonAdapter().publish(
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        PublishAttempt(("Same words.",), "earlier"),
    )
    parts = ("Same words.", "Second part.")
    attempt = PublishAttempt(parts, key="keyless-1")
    mastodon_proxy.script("POST", STATUSES, [action, ProxyAction(), action])
    outcome = run(
        MastodonAdapter(timeout_s=TIMEOUT_S),
        account_on(mastodon_user, mastodon_proxy.url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert earlier.first.post_id not in [p.post_id for p in outcome.result.posts]
    texts = mastodon_peer.posted_texts(mastodon_user)
    assert texts == ["Same words.", "Same words.", "Second part."]
    assert [p.post_id for p in outcome.result.posts] == [
        str(s["id"]) for s in mastodon_peer.statuses(mastodon_user)[1:]
    ]


def test_a_server_without_source_is_matched_on_its_html(
    mastodon_proxy: FaultProxy, mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    # Before Mastodon 3.5 there is no /source: the lookup reads the HTML content back.
    mastodon_proxy.strip_idempotency_key = True
    no_source = ProxyAction("respond", status=404, body={"error": "Record not found"})
    mastodon_proxy.script("GET", r"/api/v1/statuses/\d+/source", [no_source] * 10)
    mastodon_proxy.script("POST", STATUSES, [ProxyAction("drop_after")])
    parts = ("Roads & bridges:\nopen again <today>.",)
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_proxy.url),
        mastodon_user.token,
        PublishAttempt(parts, key="no-source-1"),
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["OutcomeUnknownError", "ok"]
    assert_published_once(mastodon_peer, mastodon_user, parts, outcome.result)


def test_an_unreadable_answer_is_an_unknown_outcome_then_found_or_sent_once(
    mastodon_peer: MastodonPeer, mastodon_user: MastodonUser
) -> None:
    # mastodon-mock's "malformed" answers 200 with broken JSON without making the post.
    mastodon_peer.add_fault({"type": "malformed"})
    attempt = PublishAttempt(("Malformed once.",), key="malformed-1")
    outcome = run(
        MastodonAdapter(),
        account_on(mastodon_user, mastodon_peer.base_url),
        mastodon_user.token,
        attempt,
    )
    assert outcome.result is not None, outcome.error
    assert outcomes(outcome.tries) == ["OutcomeUnknownError", "ok"]
    assert_published_once(mastodon_peer, mastodon_user, attempt.parts, outcome.result)


# -- the token never shows ------------------------------------------------------------------


def _all_text_of(error: BaseException) -> str:
    """Everything an error could show: message, repr, args, and its whole chain."""
    chunks = ["".join(traceback.format_exception(error)), repr(error), repr(error.args)]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chunks.append(repr(vars(current)))
        # No httpx error in the chain: their request objects carry the Authorization header.
        assert not isinstance(current, httpx.HTTPError), "an httpx error is chained"
        current = current.__cause__ or current.__context__
    return "\n".join(chunks)


def test_the_token_is_in_no_message_exception_or_log_record(
    mastodon_proxy: FaultProxy,
    mastodon_peer: MastodonPeer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    canary = mastodon_peer.canary()
    adapter = MastodonAdapter(timeout_s=TIMEOUT_S)
    direct = account_on(canary, mastodon_peer.base_url)
    proxied = account_on(canary, mastodon_proxy.url)
    errors: list[BaseException] = []

    def attempt(call: Callable[..., object], *args: object) -> None:
        try:
            call(*args)
        except PublishError as exc:
            errors.append(exc)

    adapter.verify(direct, CANARY_TOKEN)
    adapter.publish(direct, CANARY_TOKEN, PublishAttempt(("Canary post.",), "canary-0"))
    # Every kind of failure, each with the real token in the Authorization header.
    mastodon_proxy.script(
        "POST",
        STATUSES,
        [
            ProxyAction("mock_fault", fault={"type": "status", "status": 500}),
            ProxyAction("drop_after"),
            ProxyAction("hold_after", hold_s=TIMEOUT_S + 0.3),
            ProxyAction("mock_fault", fault={"type": "ratelimit"}),
            ProxyAction("mock_fault", fault={"type": "malformed"}),
            ProxyAction("drop_before"),
            ProxyAction(
                "mock_fault",
                # A server that echoes the token back in its error text.
                fault={"type": "status", "status": 422, "body": {"error": f"Bad {CANARY_TOKEN}"}},
            ),
        ],
    )
    for number in range(7):
        one = PublishAttempt((f"Canary {number}.",), f"canary-{number + 1}")
        attempt(adapter.publish, proxied, CANARY_TOKEN, one)
    # A wrong token that looks like the right one, a server that cannot be found, an
    # unencrypted address.
    attempt(adapter.verify, direct, CANARY_TOKEN[:-4] + "zzzz")
    unresolvable = Account(Platform.MASTODON, canary.handle, "https://postdesk-test.invalid")
    attempt(adapter.verify, unresolvable, CANARY_TOKEN)
    unencrypted = Account(Platform.MASTODON, canary.handle, "http://social.example")
    attempt(adapter.verify, unencrypted, CANARY_TOKEN)
    # A piece of the token is enough to find it, and also finds the look-alike wrong one.
    fragment = CANARY_TOKEN[:24]
    assert [type(e).__name__ for e in errors] == [
        "RetryableError",
        "OutcomeUnknownError",
        "OutcomeUnknownError",
        "RetryableError",
        "OutcomeUnknownError",
        "OutcomeUnknownError",
        "RejectedError",
        "AuthError",
        "RetryableError",
        "PublishError",
    ]
    for error in errors:
        leaked = fragment in _all_text_of(error)
        assert not leaked, f"the token is in a {type(error).__name__}"
    assert caplog.records, "expected log records to search"
    for record in caplog.records:
        formatted = logging.Formatter().format(record)
        leaked = fragment in formatted
        assert not leaked, f"the token is in a log record of {record.name}"
    captured = capsys.readouterr()
    leaked = fragment in captured.out + captured.err
    assert not leaked, "the token is in the captured output"


# -- randomized fault sequences ---------------------------------------------------------------

SEQUENCES_WITH_KEY = 200
SEQUENCES_WITHOUT_KEY = 50
# With the key, a spurious timeout on a busy machine is just one more fault the key absorbs,
# so the timeout can be short. Without it, a request slower than the timeout would still be
# running on the server when the lookup looks, so that run allows more time.
TIMEOUT_WITH_KEY_S = 0.2
TIMEOUT_WITHOUT_KEY_S = 0.5
# Each timeout costs the run its full wait, so they are rarer than the other faults.
TIMEOUT_SHARE = 0.1
SEED = 20261126

_FRAGMENTS = (
    "Road closed",
    "A470 near Rhayader",
    "🚧",
    "👩🏽‍🚒",
    "Ŵyl",
    "**not bold**",
    "<b>not html</b>",
    "&amp;",
    "https://www.gov.uk/guidance/roads?x=1&y=2",
    "#RoadSafety",
    "\n\n",
    "\n",
    "  ",
    "“quoted”",
    "18:00",
)


def _random_text(rng: random.Random, label: str) -> str:
    body = " ".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 8)))
    # Leading or trailing spaces must survive: the text sent equals the part exactly.
    return rng.choice(["", " "]) + f"[{label}] " + body + rng.choice(["", " ", "\n"])


def _post_fault(rng: random.Random, keyed: bool, timeout_s: float) -> tuple[str, ProxyAction]:
    kinds = [
        "500",
        "502",
        "503",
        "504",
        "429-seconds",
        "429-date",
        "429-reset",
        "malformed",
        "401",
        "drop_before",
        "drop_after",
        "drop_after",
    ]
    kind = rng.choice(kinds)
    # Without the key there is one timeout kind: the same share would double its count.
    if rng.random() < (TIMEOUT_SHARE if keyed else TIMEOUT_SHARE / 2):
        # "slow": the server finishes the request after the client gave up, racing the
        # retry; only the key can settle that (mastodon.py's docstring says why).
        kind = rng.choice(["hold_after", "slow"] if keyed else ["hold_after"])
    if kind in ("500", "502", "503", "504"):
        return kind, ProxyAction("mock_fault", fault={"type": "status", "status": int(kind)})
    if kind.startswith("429-"):
        how = {"429-seconds": "seconds", "429-date": "http-date"}.get(kind, "ratelimit-reset")
        fault = _rate_limit(how, rng.randint(1, 120))
        return kind, ProxyAction("mock_fault", fault=fault)
    if kind == "malformed":
        return kind, ProxyAction("mock_fault", fault={"type": "malformed"})
    if kind == "401":
        fault = {"type": "status", "status": 401, "body": {"error": "The access token is invalid"}}
        return kind, ProxyAction("mock_fault", fault=fault)
    if kind == "hold_after":
        return kind, ProxyAction("hold_after", hold_s=timeout_s + 0.3)
    if kind == "slow":
        fault = {"type": "latency", "delay_ms": int(timeout_s * 1000) + 400}
        return kind, ProxyAction("mock_fault", fault=fault)
    return kind, ProxyAction("drop_before" if kind == "drop_before" else "drop_after")


def _read_fault(rng: random.Random) -> tuple[str, ProxyAction]:
    kind = rng.choice(["500", "503", "429", "drop_before", "drop_after"])
    if kind in ("500", "503"):
        return kind, ProxyAction("mock_fault", fault={"type": "status", "status": int(kind)})
    if kind == "429":
        return kind, ProxyAction("mock_fault", fault={"type": "ratelimit"})
    return kind, ProxyAction("drop_before" if kind == "drop_before" else "drop_after")


def _script(
    rng: random.Random, make: Callable[[], tuple[str, ProxyAction]], count: int
) -> tuple[list[str], list[ProxyAction]]:
    names: list[str] = []
    actions: list[ProxyAction] = []
    for _ in range(count):
        if rng.random() < 0.3:
            names.append("pass")
            actions.append(ProxyAction())
        name, action = make()
        names.append(name)
        actions.append(action)
    return names, actions


@dataclass
class FaultSequence:
    """One randomized publish: its parts, its faults, and what the user was told."""

    number: int
    keyed: bool
    parts: tuple[str, ...]
    faults: list[str]
    first: Run
    final: Run | None = None  # the user's retry after a failure, without faults
    posted_when_told_failed: int = 0
    silent: bool = False


@dataclass
class Totals:
    sequences: int = 0
    duplicates: int = 0
    lost: int = 0
    unreported: int = 0
    unresolved: int = 0
    told_failed_but_posted: int = 0
    silent_failures: int = 0


def _run_sequences(
    peer: MastodonPeer,
    proxy: FaultProxy,
    user: MastodonUser,
    *,
    keyed: bool,
    count: int,
    rng: random.Random,
) -> list[FaultSequence]:
    account = account_on(user, proxy.url)
    timeout_s = TIMEOUT_WITH_KEY_S if keyed else TIMEOUT_WITHOUT_KEY_S
    adapter = MastodonAdapter(timeout_s=timeout_s)
    sequences: list[FaultSequence] = []
    newest = peer.newest_id(user)
    for number in range(count):
        tag = f"{'k' if keyed else 'n'}{number}"
        parts = tuple(_random_text(rng, f"{tag}.{i}") for i in range(rng.randint(1, 3)))
        attempt = PublishAttempt(parts, key=f"random-{tag}-{rng.getrandbits(32):08x}")
        post_names, post_actions = _script(
            rng, lambda: _post_fault(rng, keyed, timeout_s), rng.choice([0, 1, 1, 2, 2, 3, 4, 6])
        )
        read_names, read_actions = _script(rng, lambda: _read_fault(rng), rng.choice([0, 0, 1, 2]))
        proxy.clear()
        peer.clear_faults()
        proxy.strip_idempotency_key = not keyed
        proxy.script("POST", STATUSES, post_actions)
        proxy.script("GET", READS, read_actions)
        sequence = FaultSequence(
            number,
            keyed,
            parts,
            post_names + [f"read:{n}" for n in read_names],
            Run(None, None, [], []),
        )
        sequence.first = run(adapter, account, user.token, attempt)
        if sequence.first.error is not None:
            error = sequence.first.error
            # What is on the server at the moment the user is told it failed.
            posted = set(peer.posted_texts(user, min_id=newest)) & set(parts)
            sequence.posted_when_told_failed = len(posted)
            # Told it failed while some of it is out there: the message must say so.
            told = error.message
            sequence.silent = bool(posted) and not (
                "already published" in told or "may already have been published" in told
            )
            # The user does what the message says (adds the account again, or just tries
            # again); with the key, sometimes after a restart (a new adapter, no memory).
            proxy.clear()
            proxy.strip_idempotency_key = not keyed
            peer.clear_faults()
            retrying = (
                MastodonAdapter(timeout_s=timeout_s) if keyed and rng.random() < 0.5 else adapter
            )
            sequence.final = run(retrying, account, user.token, attempt)
        final = sequence.final or sequence.first
        if final.result is not None:
            # Every status so far is one this run reported, so the newest is its last.
            newest = final.result.posts[-1].post_id
        sequences.append(sequence)
    proxy.clear()
    return sequences


def _count(peer: MastodonPeer, user: MastodonUser, sequences: list[FaultSequence]) -> Totals:
    totals = Totals(sequences=len(sequences))
    statuses = {str(s["id"]): s for s in peer.statuses(user)}
    texts = {status_id: peer.source_text(user, status_id) for status_id in statuses}
    occurrences = Counter(texts.values())
    reported: set[str] = set()
    for sequence in sequences:
        outcome = sequence.final or sequence.first
        for part in sequence.parts:
            totals.duplicates += max(occurrences[part] - 1, 0)
        totals.told_failed_but_posted += sequence.posted_when_told_failed > 0
        totals.silent_failures += sequence.silent
        if outcome.result is None:
            totals.unresolved += 1
            continue
        parent = None
        for part, post in zip(sequence.parts, outcome.result.posts, strict=True):
            reported.add(post.post_id)
            status = statuses.get(post.post_id)
            # Reported as published, but missing, or not this text, or not in the chain.
            if status is None or texts[post.post_id] != part or status["in_reply_to_id"] != parent:
                totals.lost += 1
            parent = post.post_id
    # Posts on the server that no success reported: made but never told about.
    totals.unreported = len(set(statuses) - reported)
    return totals


@pytest.mark.slow
def test_randomized_fault_sequences_make_no_duplicates_and_lose_nothing(
    mastodon_proxy: FaultProxy,
    mastodon_peer: MastodonPeer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rng = random.Random(SEED)
    started = time.monotonic()
    report: list[str] = []
    all_totals: list[Totals] = []
    for keyed, count in ((True, SEQUENCES_WITH_KEY), (False, SEQUENCES_WITHOUT_KEY)):
        user = mastodon_peer.signup()
        sequences = _run_sequences(
            mastodon_peer, mastodon_proxy, user, keyed=keyed, count=count, rng=rng
        )
        if keyed:
            time.sleep(1.0)  # requests the server finishes late (the "slow" fault) land first
        totals = _count(mastodon_peer, user, sequences)
        all_totals.append(totals)
        faults = Counter(f for s in sequences for f in s.faults)
        first = Counter(
            "published" if s.first.result else type(s.first.error).__name__ for s in sequences
        )
        report.append(
            f"Mastodon randomized fault sequences ({'with' if keyed else 'without'} "
            f"Idempotency-Key, seed {SEED}): {totals.sequences} sequences, "
            f"{sum(len(s.parts) for s in sequences)} parts, {sum(faults.values())} faults "
            f"injected; duplicates={totals.duplicates} lost={totals.lost} "
            f"unreported={totals.unreported} unresolved={totals.unresolved} "
            f"silent_failures={totals.silent_failures}; first round: {dict(first)}; told "
            f"failed while (partly) posted, then resolved by the retry: "
            f"{totals.told_failed_but_posted}; faults: {dict(sorted(faults.items()))}"
        )
    with capsys.disabled():
        for line in report:
            print(f"\n{line}")  # noqa: T201 - the totals are wanted in the test output
        print(f"({time.monotonic() - started:.1f} s)")  # noqa: T201
    for totals in all_totals:
        assert totals.duplicates == 0
        assert totals.lost == 0
        assert totals.unreported == 0
        assert totals.unresolved == 0
        assert totals.silent_failures == 0
    assert sum(t.sequences for t in all_totals) >= 200
