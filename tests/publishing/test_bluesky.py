"""The Bluesky adapter against the real reference PDS, over HTTP on loopback.

The PDS is ``@atproto/pds`` itself (tests/publishing/bluesky_peer.py starts it); faults
are injected by a small HTTP proxy in front of it (`FaultProxy`), at the two points that
matter for exactly-once publishing: before the PDS sees a request, and after the PDS
acted on it but before the answer arrives. A few error-mapping cases that a proxy cannot
produce cheaply (a timeout on a read, HTTP-date Retry-After, proactive refresh) use an
httpx MockTransport; rich-text detection is tested as a pure function.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import random
import re
import secrets
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from postdesk.publishing.adapter import (
    Account,
    AccountInfo,
    AuthError,
    OutcomeUnknownError,
    Platform,
    PublishAttempt,
    PublishError,
    PublishResult,
    RejectedError,
    RetryableError,
)
from postdesk.publishing.bluesky import (
    POST_COLLECTION,
    BlueskyAdapter,
    new_created_at,
    new_record_keys,
)
from postdesk.publishing.retry import TryReport, publish_with_retries
from postdesk.publishing.richtext import build_facets, detect
from tests.publishing import bluesky_peer
from tests.publishing.bluesky_peer import (
    AUTH_FAULTS,
    BlueskyPeer,
    Fault,
    FaultProxy,
    PeerAccount,
    create_account,
    free_ports,
)

# The session-scoped PDS fixture, imported explicitly rather than through a conftest.py.
bluesky_pds = bluesky_peer.bluesky_pds

JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.")
# Client timeout for fault tests: well above a login (0.36 s on an idle PDS, more on a
# busy machine), below the stall.
FAULT_TIMEOUT_S = 1.0
STALL_S = 1.2
FAULT_RUNS = 200
FAULT_WORKERS = 4


# -- helpers -------------------------------------------------------------------------------


def account_of(pds_url: str, handle: str) -> Account:
    return Account(Platform.BLUESKY, handle, pds_url)


def new_attempt(*parts: str) -> PublishAttempt:
    """What the orchestrator stores before the first try: keys and createdAt per part."""
    return PublishAttempt(
        parts=parts,
        key=secrets.token_hex(8),
        record_keys=new_record_keys(len(parts)),
        created_at=new_created_at(len(parts)),
    )


def rkey_of(uri: str) -> str:
    return uri.rsplit("/", 1)[1]


def get_record(pds_url: str, did: str, rkey: str, collection: str = POST_COLLECTION) -> Any:
    """The record as the PDS stores it, read directly (not through the adapter)."""
    response = httpx.get(
        f"{pds_url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": did, "collection": collection, "rkey": rkey},
    )
    return response.json() if response.status_code == 200 else None


def list_posts(pds_url: str, did: str) -> list[dict[str, Any]]:
    """Every app.bsky.feed.post record of `did` (listRecords, all pages)."""
    records: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"repo": did, "collection": POST_COLLECTION, "limit": "100"}
        if cursor:
            params["cursor"] = cursor
        page = httpx.get(f"{pds_url}/xrpc/com.atproto.repo.listRecords", params=params).json()
        records += page["records"]
        cursor = page.get("cursor")
        if not cursor or not page["records"]:
            return records


def put_directly(pds_url: str, account: PeerAccount, rkey: str, record: dict[str, Any]) -> None:
    """Write a record without the adapter (to set up a conflict or an earlier try)."""
    with httpx.Client(base_url=f"{pds_url}/xrpc") as client:
        session = client.post(
            "com.atproto.server.createSession",
            json={"identifier": account.handle, "password": account.app_password},
        ).json()
        response = client.post(
            "com.atproto.repo.putRecord",
            headers={"Authorization": f"Bearer {session['accessJwt']}"},
            json={
                "repo": account.did,
                "collection": POST_COLLECTION,
                "rkey": rkey,
                "record": record,
            },
        )
        assert response.status_code == 200


def facet(text: str, fragment: str, feature: dict[str, str]) -> dict[str, Any]:
    """The facet expected over `fragment`, with byte offsets computed independently."""
    data = text.encode()
    start = data.index(fragment.encode())
    return {
        "index": {"byteStart": start, "byteEnd": start + len(fragment.encode())},
        "features": [feature],
    }


def scripted(path_suffix: str, *faults: Fault) -> bluesky_peer.Decide:
    """Apply `faults` in order to requests whose path ends with `path_suffix`; pass the rest."""
    queue = list(faults)

    def decide(_method: str, path: str, _auth: bool) -> Fault:
        if path.endswith(path_suffix) and queue:
            return queue.pop(0)
        return Fault.PASS

    return decide


def texts_of(*errors: BaseException) -> list[str]:
    """Everything an exception could show: str, repr and the formatted traceback."""
    found: list[str] = []
    for error in errors:
        found += [str(error), repr(error), "".join(traceback.format_exception(error))]
    return found


@pytest.fixture
def proxy(bluesky_pds: BlueskyPeer) -> Iterator[FaultProxy]:
    server = FaultProxy(bluesky_pds.pds_url, stall_s=STALL_S)
    yield server
    server.wait_idle()
    server.close()


@pytest.fixture
def fresh_account(bluesky_pds: BlueskyPeer) -> PeerAccount:
    """An account of its own, for tests that count records or change the account."""
    return create_account(bluesky_pds.pds_url, "press")


# -- verify ----------------------------------------------------------------------------------


def test_verify_gives_the_handle_then_the_profile_display_name(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    account = account_of(bluesky_pds.pds_url, "@" + fresh_account.handle)
    with BlueskyAdapter() as adapter:
        assert adapter.verify(account, fresh_account.app_password) == AccountInfo(
            fresh_account.handle, fresh_account.handle
        )
        profile = {"$type": "app.bsky.actor.profile", "displayName": " Roads Department "}
        with httpx.Client(base_url=f"{bluesky_pds.pds_url}/xrpc") as client:
            jwt = client.post(
                "com.atproto.server.createSession",
                json={"identifier": fresh_account.handle, "password": fresh_account.app_password},
            ).json()["accessJwt"]
            written = client.post(
                "com.atproto.repo.putRecord",
                headers={"Authorization": f"Bearer {jwt}"},
                json={
                    "repo": fresh_account.did,
                    "collection": "app.bsky.actor.profile",
                    "rkey": "self",
                    "record": profile,
                },
            )
            assert written.status_code == 200
        info = adapter.verify(account, fresh_account.app_password)
    assert info == AccountInfo("Roads Department", fresh_account.handle)


def test_wrong_app_password_is_an_auth_error_that_says_what_to_do(
    bluesky_pds: BlueskyPeer,
) -> None:
    wrong = "abcd-efgh-ijkl-mnop"
    account = account_of(bluesky_pds.pds_url, bluesky_pds.handle)
    with BlueskyAdapter() as adapter:
        with pytest.raises(AuthError) as verified:
            adapter.verify(account, wrong)
        with pytest.raises(AuthError) as published:
            adapter.publish(account, wrong, new_attempt("Never sent"))
    for error in (verified.value, published.value):
        assert "wrong, or it was revoked" in error.message
        assert "App passwords" in error.message
    assert not any(wrong in text for text in texts_of(verified.value, published.value))


def test_the_main_password_is_refused_and_its_session_ended(
    fresh_account: PeerAccount, proxy: FaultProxy
) -> None:
    account = account_of(proxy.url, fresh_account.handle)
    with BlueskyAdapter() as adapter, pytest.raises(AuthError) as caught:
        adapter.verify(account, fresh_account.password)
    assert "main password" in caught.value.message
    assert fresh_account.password not in "".join(texts_of(caught.value))
    assert proxy.paths["com.atproto.server.deleteSession"] == 1


def test_a_revoked_app_password_is_an_auth_error(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    with httpx.Client(base_url=f"{bluesky_pds.pds_url}/xrpc") as client:
        jwt = client.post(
            "com.atproto.server.createSession",
            json={"identifier": fresh_account.handle, "password": fresh_account.password},
        ).json()["accessJwt"]
        revoked = client.post(
            "com.atproto.server.revokeAppPassword",
            headers={"Authorization": f"Bearer {jwt}"},
            json={"name": "postdesk-tests"},
        )
        assert revoked.status_code == 200
    account = account_of(bluesky_pds.pds_url, fresh_account.handle)
    with BlueskyAdapter() as adapter, pytest.raises(AuthError) as caught:
        adapter.publish(account, fresh_account.app_password, new_attempt("After revocation"))
    assert "revoked" in caught.value.message
    assert list_posts(bluesky_pds.pds_url, fresh_account.did) == []


# -- publishing ------------------------------------------------------------------------------


def test_links_mentions_and_hashtags_become_facets(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    mentioned = f"@{fresh_account.handle}"
    text = (
        "Café ☕ update: the A1 is closed, details at gov.uk/roads/a1. "
        f"Thanks {mentioned}! cc @nobody-here.test (https://example.com/x?a=1) #RoadSafety"
    )
    account = account_of(bluesky_pds.pds_url, bluesky_pds.handle)
    with BlueskyAdapter() as adapter:
        result = adapter.publish(account, bluesky_pds.app_password, new_attempt(text))

    (post,) = result.posts
    rkey = rkey_of(post.post_id)
    assert post.post_id == f"at://{bluesky_pds.did}/{POST_COLLECTION}/{rkey}"
    assert post.url == f"https://bsky.app/profile/{bluesky_pds.handle}/post/{rkey}"
    stored = get_record(bluesky_pds.pds_url, bluesky_pds.did, rkey)
    assert stored["uri"] == post.post_id
    value = stored["value"]
    assert value["text"] == text  # byte for byte what was approved
    assert value["langs"] == ["en"]
    link = "app.bsky.richtext.facet#link"
    assert value["facets"] == [
        facet(text, "gov.uk/roads/a1", {"$type": link, "uri": "https://gov.uk/roads/a1"}),
        facet(
            text,
            mentioned,
            {"$type": "app.bsky.richtext.facet#mention", "did": fresh_account.did},
        ),
        # The unresolvable @nobody-here.test stays plain text; ")" is not part of the link.
        facet(
            text, "https://example.com/x?a=1", {"$type": link, "uri": "https://example.com/x?a=1"}
        ),
        facet(text, "#RoadSafety", {"$type": "app.bsky.richtext.facet#tag", "tag": "RoadSafety"}),
    ]


def test_a_thread_is_a_reply_chain(bluesky_pds: BlueskyPeer) -> None:
    parts = ("Roadworks on the A1 (1/3)", "Diversion via the B6 (2/3)", "Ends Friday (3/3)")
    account = account_of(bluesky_pds.pds_url, bluesky_pds.handle)
    with BlueskyAdapter() as adapter:
        result = adapter.publish(account, bluesky_pds.app_password, new_attempt(*parts))

    stored = [
        get_record(bluesky_pds.pds_url, bluesky_pds.did, rkey_of(p.post_id)) for p in result.posts
    ]
    assert [record["value"]["text"] for record in stored] == list(parts)
    refs = [{"uri": record["uri"], "cid": record["cid"]} for record in stored]
    assert "reply" not in stored[0]["value"]
    assert stored[1]["value"]["reply"] == {"root": refs[0], "parent": refs[0]}
    assert stored[2]["value"]["reply"] == {"root": refs[0], "parent": refs[1]}


def test_301_graphemes_are_rejected_and_300_are_accepted(bluesky_pds: BlueskyPeer) -> None:
    account = account_of(bluesky_pds.pds_url, bluesky_pds.handle)
    too_long = new_attempt("👍🏽" * 301)  # 301 graphemes, 2408 bytes: the grapheme rule bites
    with BlueskyAdapter() as adapter:
        with pytest.raises(RejectedError) as caught:
            adapter.publish(account, bluesky_pds.app_password, too_long)
        adapter.publish(account, bluesky_pds.app_password, new_attempt("👍🏽" * 300))
    assert "Bluesky refused the post" in caught.value.message
    assert "300" in caught.value.message  # the server's own words say what the limit is
    assert get_record(bluesky_pds.pds_url, bluesky_pds.did, too_long.record_keys[0]) is None


def test_a_retry_after_a_crash_leaves_one_record_per_part(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    attempt = new_attempt("Flood warning for the Ouse (1/2)", "Sandbags at the depot (2/2)")
    account = account_of(bluesky_pds.pds_url, fresh_account.handle)
    with BlueskyAdapter() as adapter:
        first = adapter.publish(account, fresh_account.app_password, attempt)
    # The app crashed before it recorded `first`: a new process retries the stored attempt.
    with BlueskyAdapter() as restarted:
        again = restarted.publish(account, fresh_account.app_password, attempt)

    assert again == first
    records = list_posts(bluesky_pds.pds_url, fresh_account.did)
    assert sorted(rkey_of(r["uri"]) for r in records) == sorted(attempt.record_keys)
    assert Counter(r["value"]["text"] for r in records) == Counter(attempt.parts)


def test_a_different_record_under_the_key_is_rejected_not_overwritten(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    attempt = new_attempt("Our post")
    theirs = {
        "$type": POST_COLLECTION,
        "text": "Someone else's post",
        "createdAt": "2026-01-01T00:00:00.000Z",
    }
    put_directly(bluesky_pds.pds_url, fresh_account, attempt.record_keys[0], theirs)
    account = account_of(bluesky_pds.pds_url, fresh_account.handle)
    with BlueskyAdapter() as adapter, pytest.raises(RejectedError) as caught:
        adapter.publish(account, fresh_account.app_password, attempt)
    assert "did not overwrite" in caught.value.message
    stored = get_record(bluesky_pds.pds_url, fresh_account.did, attempt.record_keys[0])
    assert stored["value"]["text"] == "Someone else's post"


def test_an_earlier_try_with_other_facets_is_found_not_rejected(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount
) -> None:
    # An earlier try, when the mention did not resolve yet, stored the post without facets.
    attempt = new_attempt(f"Thanks @{bluesky_pds.handle} for the update")
    earlier = {
        "$type": POST_COLLECTION,
        "text": attempt.parts[0],
        "createdAt": attempt.created_at[0],
    }
    put_directly(bluesky_pds.pds_url, fresh_account, attempt.record_keys[0], earlier)
    before = get_record(bluesky_pds.pds_url, fresh_account.did, attempt.record_keys[0])
    account = account_of(bluesky_pds.pds_url, fresh_account.handle)
    with BlueskyAdapter() as adapter:
        result = adapter.publish(account, fresh_account.app_password, attempt)
    assert result.first.post_id == before["uri"]
    assert get_record(bluesky_pds.pds_url, fresh_account.did, attempt.record_keys[0]) == before
    assert len(list_posts(bluesky_pds.pds_url, fresh_account.did)) == 1


# -- faults ----------------------------------------------------------------------------------


def test_a_lost_answer_is_outcome_unknown_and_the_retry_finds_the_post(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount, proxy: FaultProxy
) -> None:
    attempt = new_attempt("Gritters out tonight")
    account = account_of(proxy.url, fresh_account.handle)
    proxy.decide = scripted("putRecord", Fault.DROP_AFTER)
    with BlueskyAdapter() as adapter:
        with pytest.raises(OutcomeUnknownError):
            adapter.publish(account, fresh_account.app_password, attempt)
        assert get_record(bluesky_pds.pds_url, fresh_account.did, attempt.record_keys[0])
        result = adapter.publish(account, fresh_account.app_password, attempt)
    assert [rkey_of(p.post_id) for p in result.posts] == list(attempt.record_keys)
    assert len(list_posts(bluesky_pds.pds_url, fresh_account.did)) == 1


def test_a_timeout_after_sending_is_outcome_unknown(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount, proxy: FaultProxy
) -> None:
    attempt = new_attempt("Bin collections move to Tuesday")
    account = account_of(proxy.url, fresh_account.handle)
    with BlueskyAdapter(timeout_s=FAULT_TIMEOUT_S) as adapter:
        adapter.verify(account, fresh_account.app_password)  # sign in before the stall
        proxy.decide = scripted("putRecord", Fault.STALL_AFTER)
        with pytest.raises(OutcomeUnknownError) as caught:
            adapter.publish(account, fresh_account.app_password, attempt)
        adapter.publish(account, fresh_account.app_password, attempt)
    assert "may already be published" in caught.value.message
    assert len(list_posts(bluesky_pds.pds_url, fresh_account.did)) == 1


@pytest.mark.parametrize("fault", [Fault.HTTP_503, Fault.HTTP_429])
def test_busy_answers_are_retryable_and_retry_after_is_honoured(
    bluesky_pds: BlueskyPeer, proxy: FaultProxy, fault: Fault
) -> None:
    account = account_of(proxy.url, bluesky_pds.handle)
    proxy.retry_after = "7"
    proxy.decide = scripted("putRecord", fault)
    slept: list[float] = []
    with BlueskyAdapter() as adapter:
        with pytest.raises(RetryableError) as caught:
            adapter.publish(account, bluesky_pds.app_password, new_attempt("Busy"))
        assert caught.value.retry_after == 7.0
        proxy.decide = scripted("putRecord", fault)
        publish_with_retries(
            adapter, account, bluesky_pds.app_password, new_attempt("Busy"), sleep=slept.append
        )
    assert slept == [7.0]


def test_nothing_listening_is_retryable(bluesky_pds: BlueskyPeer) -> None:
    (port,) = free_ports(1)
    account = account_of(f"http://127.0.0.1:{port}", bluesky_pds.handle)
    with BlueskyAdapter() as adapter, pytest.raises(RetryableError) as caught:
        adapter.publish(account, bluesky_pds.app_password, new_attempt("Unsent"))
    assert "Could not reach" in caught.value.message


def test_an_expired_token_is_refreshed_once(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount, proxy: FaultProxy
) -> None:
    account = account_of(proxy.url, fresh_account.handle)
    proxy.decide = scripted("putRecord", Fault.EXPIRED_TOKEN)
    with BlueskyAdapter() as adapter:
        adapter.publish(account, fresh_account.app_password, new_attempt("Still published"))
    assert proxy.paths["com.atproto.server.refreshSession"] == 1
    assert len(list_posts(bluesky_pds.pds_url, fresh_account.did)) == 1


def test_a_token_refused_after_refreshing_is_an_auth_error(
    bluesky_pds: BlueskyPeer, fresh_account: PeerAccount, proxy: FaultProxy
) -> None:
    account = account_of(proxy.url, fresh_account.handle)
    proxy.decide = lambda _m, path, _a: (
        Fault.UNAUTHORIZED if path.endswith("putRecord") else Fault.PASS
    )
    with BlueskyAdapter() as adapter, pytest.raises(AuthError) as caught:
        adapter.publish(account, fresh_account.app_password, new_attempt("Refused"))
    assert "no longer accepts the app password" in caught.value.message
    assert proxy.paths["com.atproto.server.refreshSession"] == 1
    assert proxy.paths["com.atproto.repo.putRecord"] == 2


class RestartingApp:
    """The adapter as the orchestrator holds it; one retry in ten follows an app restart.

    A restart is a new adapter: no cached session, nothing remembered but the stored
    attempt, as after a crash between sending and recording.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.adapter = BlueskyAdapter(timeout_s=FAULT_TIMEOUT_S)
        self.calls = 0
        self.restarts = 0

    def verify(self, account: Account, credential: str) -> AccountInfo:
        return self.adapter.verify(account, credential)

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        self.calls += 1
        if self.calls > 1 and self.rng.random() < 0.1:
            self.adapter.close()
            self.adapter = BlueskyAdapter(timeout_s=FAULT_TIMEOUT_S)
            self.restarts += 1
        return self.adapter.publish(account, credential, attempt)


FAULT_WEIGHTS = {
    Fault.DROP_BEFORE: 3,
    Fault.DROP_AFTER: 5,
    Fault.STALL_AFTER: 1,
    Fault.STALL_BEFORE: 1,
    Fault.HTTP_503: 2,
    Fault.HTTP_429: 1,
    Fault.EXPIRED_TOKEN: 1,
    Fault.UNAUTHORIZED: 1,
}


@dataclass
class FaultTally:
    """What one worker of the randomized fault test published, and how."""

    expected: dict[str, str] = field(default_factory=dict)  # rkey -> text
    reported: dict[str, str] = field(default_factory=dict)  # rkey -> uri the adapter gave
    failures: list[str] = field(default_factory=list)
    tries: Counter[str] = field(default_factory=Counter)


def fault_plan(rng: random.Random) -> list[Fault]:
    """Faults for a run's first requests: each faulty with p 0.3, one auth fault at most."""
    plan = [
        rng.choices(list(FAULT_WEIGHTS), list(FAULT_WEIGHTS.values()))[0]
        if rng.random() < 0.3
        else Fault.PASS
        for _ in range(10)
    ]
    auth_seen = False
    for index, fault in enumerate(plan):  # two would be a (correct) AuthError, not a blip
        if fault in AUTH_FAULTS:
            plan[index] = Fault.PASS if auth_seen else fault
            auth_seen = True
    return plan


def fault_runs(
    runs: range, rng: random.Random, proxy: FaultProxy, peer: BlueskyPeer, who: PeerAccount
) -> FaultTally:
    """Publish one post per run through `proxy`, each run with its own random faults."""
    tally = FaultTally()
    account = account_of(proxy.url, who.handle)
    extras = ["", " See gov.uk/roads.", f" cc @{peer.handle}", " #RoadSafety", " Café ☕"]
    app = RestartingApp(rng)
    for _ in range(3):  # sign in first; on a loaded machine a login may time out once
        with contextlib.suppress(RetryableError):
            app.verify(account, who.app_password)
            break
    for run in runs:
        plan = fault_plan(rng)

        def decide(_method: str, path: str, has_auth: bool, plan: list[Fault] = plan) -> Fault:
            fault = plan.pop(0) if plan else Fault.PASS
            if fault in AUTH_FAULTS and (not has_auth or path.endswith("refreshSession")):
                return Fault.PASS  # an expired token only makes sense on a signed-in call
            return fault

        proxy.decide = decide
        count = rng.choice([1, 1, 2, 3])
        nonce = secrets.token_hex(4)
        parts = tuple(
            f"Fault run {run} part {n}/{count} [{nonce}]{rng.choice(extras)}"
            for n in range(1, count + 1)
        )
        attempt = new_attempt(*parts)
        tally.expected.update(zip(attempt.record_keys, parts, strict=True))

        def count_try(report: TryReport) -> None:
            tally.tries[type(report.error).__name__ if report.error else "ok"] += 1

        app.calls = 0
        try:
            result = publish_with_retries(
                app,
                account,
                who.app_password,
                attempt,
                max_tries=10,
                sleep=lambda _s: None,
                on_try=count_try,
            )
        except PublishError as error:
            tally.failures.append(f"run {run}: {type(error).__name__}: {error.message}")
            continue
        pairs = zip(attempt.record_keys, result.posts, strict=True)
        tally.reported.update((key, post.post_id) for key, post in pairs)
    app.adapter.close()
    tally.tries["restarts"] = app.restarts
    return tally


@pytest.mark.slow
def test_randomized_fault_sequences_never_duplicate_or_lose_a_post(
    bluesky_pds: BlueskyPeer,
    fresh_account: PeerAccount,
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
) -> None:
    """FAULT_RUNS publishes, each through a random sequence of faults, then count records.

    Each run publishes a 1-3 part post with publish_with_retries (the orchestrator's loop)
    while a proxy injects faults among its first requests (about one per run); one retry
    in ten follows an app "restart" (a new adapter with no session). FAULT_WORKERS run
    side by side, each with its own proxy, against the same account, so the waits of
    the stall faults overlap and writes contend as they would in a busy office.
    Afterwards the account must hold exactly one record per part of every run: no
    duplicate, none lost, each with its text and where the adapter said it was.
    Set POSTDESK_FAULT_SEED to replay a run; the seed is printed with the totals.
    """
    seed = int(os.environ.get("POSTDESK_FAULT_SEED") or random.randrange(2**32))
    proxies = [FaultProxy(bluesky_pds.pds_url, stall_s=STALL_S) for _ in range(FAULT_WORKERS)]
    try:
        with ThreadPoolExecutor(FAULT_WORKERS) as pool:
            futures = [
                pool.submit(
                    fault_runs,
                    range(worker, FAULT_RUNS, FAULT_WORKERS),
                    random.Random(f"{seed}-{worker}"),
                    proxy,
                    bluesky_pds,
                    fresh_account,
                )
                for worker, proxy in enumerate(proxies)
            ]
            tallies = [future.result() for future in futures]
        for proxy in proxies:
            proxy.wait_idle()  # let stalled requests land before counting
    finally:
        for proxy in proxies:
            proxy.close()

    expected = {k: v for tally in tallies for k, v in tally.expected.items()}
    reported = {k: v for tally in tallies for k, v in tally.reported.items()}
    failures = [failure for tally in tallies for failure in tally.failures]
    tries = sum((tally.tries for tally in tallies), Counter[str]())
    faults = sum((proxy.seen for proxy in proxies), Counter[Fault]())
    records = list_posts(bluesky_pds.pds_url, fresh_account.did)
    per_key = Counter(rkey_of(r["uri"]) for r in records)
    per_text = Counter(r["value"]["text"] for r in records)
    stored_text = {rkey_of(r["uri"]): r["value"]["text"] for r in records}
    duplicates = sum(n - 1 for n in per_text.values() if n > 1) + sum(
        1 for key in per_key if key not in expected
    )
    lost = sum(1 for key in expected if key not in per_key)
    wrong = sum(
        1 for key, text in expected.items() if key in stored_text and stored_text[key] != text
    )
    misreported = sum(
        1 for key, uri in reported.items() if rkey_of(uri) != key or key not in per_key
    )
    totals = {
        "seed": seed,
        "runs": FAULT_RUNS,
        "parts": len(expected),
        "records": len(records),
        "duplicates": duplicates,
        "lost": lost,
        "wrong_text": wrong,
        "misreported": misreported,
        "failed_runs": len(failures),
        "faults": {str(f): n for f, n in sorted(faults.items()) if f is not Fault.PASS},
        "requests": sum(faults.values()),
        "tries": dict(sorted(tries.items())),
    }
    record_property("bluesky_fault_totals", json.dumps(totals))
    with capsys.disabled():
        sys.stdout.write(f"\nBluesky fault totals: {json.dumps(totals)}\n")
    assert failures == []
    assert (duplicates, lost, wrong, misreported) == (0, 0, 0, 0), totals
    assert len(records) == len(expected) == sum(1 for key in expected if key in reported)


# -- secrets ---------------------------------------------------------------------------------


def test_no_secret_reaches_a_log_line_or_an_error(
    bluesky_pds: BlueskyPeer,
    fresh_account: PeerAccount,
    proxy: FaultProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore debug lines too
    direct = account_of(bluesky_pds.pds_url, fresh_account.handle)
    faulty = account_of(proxy.url, fresh_account.handle)
    errors: list[BaseException] = []
    with BlueskyAdapter(timeout_s=FAULT_TIMEOUT_S) as adapter:
        adapter.verify(direct, fresh_account.app_password)
        adapter.publish(direct, fresh_account.app_password, new_attempt("Logged publish"))
        for fault in (Fault.DROP_AFTER, Fault.STALL_AFTER, Fault.HTTP_503, Fault.UNAUTHORIZED):
            proxy.decide = scripted(
                "putRecord", *([fault] * (2 if fault is Fault.UNAUTHORIZED else 1))
            )
            try:
                adapter.publish(faulty, fresh_account.app_password, new_attempt(f"Fault {fault}"))
            except PublishError as error:
                errors.append(error)
        for wrong in (fresh_account.password, fresh_account.app_password[:-1] + "x"):
            try:
                adapter.verify(direct, wrong)
            except PublishError as error:
                errors.append(error)
        shown = repr(adapter._sessions)  # what a debugger or a crash report would print
    assert [type(e) for e in errors] == [
        OutcomeUnknownError,
        OutcomeUnknownError,
        RetryableError,
        AuthError,
        AuthError,
        AuthError,
    ]
    texts = [record.getMessage() for record in caplog.records] + texts_of(*errors) + [shown]
    assert len(caplog.records) > 10  # the check below looked at real log lines
    secrets_ = (fresh_account.app_password, fresh_account.password, "Bearer")
    leaks = [t for t in texts if JWT.search(t) or any(s in t for s in secrets_)]
    assert leaks == [], "a log line or error text holds a credential or token"


# -- without a server ------------------------------------------------------------------------


def fake_jwt(**claims: object) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"


class FakePds:
    """An httpx MockTransport handler: answers by XRPC method, records what was called."""

    def __init__(self, **answers: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self.token_exp = time.time() + 7200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[1]
        self.calls.append(method)
        if method in self.answers:
            return self.answers[method](request)
        if method in ("com.atproto.server.createSession", "com.atproto.server.refreshSession"):
            return httpx.Response(
                200,
                json={
                    "did": "did:plc:fake",
                    "handle": "roads.example",
                    "accessJwt": fake_jwt(scope="com.atproto.appPass", exp=self.token_exp),
                    "refreshJwt": fake_jwt(scope="com.atproto.refresh"),
                },
            )
        if method == "com.atproto.repo.putRecord":
            rkey = json.loads(request.content)["rkey"]
            uri = f"at://did:plc:fake/{POST_COLLECTION}/{rkey}"
            return httpx.Response(200, json={"uri": uri, "cid": "bafyfake"})
        return httpx.Response(400, json={"error": "RecordNotFound", "message": "not found"})


def raising(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error("injected", request=request)

    return answer


FAKE_ACCOUNT = Account(Platform.BLUESKY, "roads.example", "https://pds.example")


def test_a_read_timeout_is_retryable_but_a_write_timeout_is_unknown() -> None:
    reads = FakePds(**{"com.atproto.repo.getRecord": raising(httpx.ReadTimeout)})
    with (
        BlueskyAdapter(transport=httpx.MockTransport(reads)) as adapter,
        pytest.raises(RetryableError),
    ):
        adapter.verify(FAKE_ACCOUNT, "pw")
    writes = FakePds(**{"com.atproto.repo.putRecord": raising(httpx.ReadTimeout)})
    with (
        BlueskyAdapter(transport=httpx.MockTransport(writes)) as adapter,
        pytest.raises(OutcomeUnknownError),
    ):
        adapter.publish(FAKE_ACCOUNT, "pw", new_attempt("x"))
    refused = FakePds(**{"com.atproto.repo.putRecord": raising(httpx.ConnectError)})
    with (
        BlueskyAdapter(transport=httpx.MockTransport(refused)) as adapter,
        pytest.raises(RetryableError),
    ):
        adapter.publish(FAKE_ACCOUNT, "pw", new_attempt("x"))


def test_retry_after_as_an_http_date_and_ratelimit_reset() -> None:
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    for headers in ({"Retry-After": later}, {"RateLimit-Reset": str(int(time.time()) + 30)}):
        fake = FakePds(
            **{"com.atproto.repo.putRecord": lambda _r, h=headers: httpx.Response(429, headers=h)}
        )
        with (
            BlueskyAdapter(transport=httpx.MockTransport(fake)) as adapter,
            pytest.raises(RetryableError) as caught,
        ):
            adapter.publish(FAKE_ACCOUNT, "pw", new_attempt("x"))
        assert caught.value.retry_after is not None
        assert 25 <= caught.value.retry_after <= 31


def test_a_session_is_cached_and_refreshed_before_it_expires() -> None:
    fake = FakePds()
    with BlueskyAdapter(transport=httpx.MockTransport(fake)) as adapter:
        adapter.publish(FAKE_ACCOUNT, "pw", new_attempt("a"))
        adapter.publish(FAKE_ACCOUNT, "pw", new_attempt("b"))
        assert fake.calls.count("com.atproto.server.createSession") == 1  # cached
        fake.token_exp = time.time() + 30  # the next token expires within the margin
        adapter.publish(FAKE_ACCOUNT, "new-pw", new_attempt("c"))  # new credential: log in
        adapter.publish(FAKE_ACCOUNT, "new-pw", new_attempt("d"))
    assert fake.calls.count("com.atproto.server.createSession") == 2
    assert fake.calls.count("com.atproto.server.refreshSession") == 1


@pytest.mark.parametrize(
    "server", ["http://pds.example", "ftp://pds.example", "", "https://"], ids=repr
)
def test_the_password_never_goes_over_plain_http_to_another_machine(server: str) -> None:
    fake = FakePds()
    account = Account(Platform.BLUESKY, "roads.example", server)
    with (
        BlueskyAdapter(transport=httpx.MockTransport(fake)) as adapter,
        pytest.raises(RejectedError),
    ):
        adapter.verify(account, "pw")
    assert fake.calls == []


@pytest.mark.parametrize(
    "attempt",
    [
        PublishAttempt(parts=("x",), key="k"),
        PublishAttempt(parts=("x",), key="k", record_keys=("draft-17",), created_at=("t",)),
        PublishAttempt(
            parts=("x", "y"), key="k", record_keys=("3n36f2syelf4i",) * 2, created_at=("t", "t")
        ),
    ],
    ids=["no keys", "not a TID", "repeated key"],
)
def test_an_attempt_without_valid_record_keys_is_never_sent(attempt: PublishAttempt) -> None:
    fake = FakePds()
    with (
        BlueskyAdapter(transport=httpx.MockTransport(fake)) as adapter,
        pytest.raises(RejectedError),
    ):
        adapter.publish(FAKE_ACCOUNT, "pw", attempt)
    assert fake.calls == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "see https://example.com/a.",
            [("link", "https://example.com/a", "https://example.com/a")],
        ),
        ("at gov.uk/roads, now", [("link", "gov.uk/roads", "https://gov.uk/roads")]),
        ("(https://example.com/x)", [("link", "https://example.com/x", "https://example.com/x")]),
        (
            "wiki https://en.wikipedia.org/wiki/A_(road)",
            [
                (
                    "link",
                    "https://en.wikipedia.org/wiki/A_(road)",
                    "https://en.wikipedia.org/wiki/A_(road)",
                )
            ],
        ),
        ("report.pdf and roads@example.gov.uk", []),  # not a TLD; an email address
        ("hi @roads.gov.uk!", [("mention", "@roads.gov.uk", "roads.gov.uk")]),
        ("GOV.UK, HTTPS://GOV.UK/x and @Roads.Test", []),  # case-sensitive, as the reference
        ("see httpbin.org/get", [("link", "httpbin.org/get", "https://httpbin.org/get")]),
        ("priced in $GBP, not $12", [("tag", "$GBP", "$GBP")]),
        ("#café(@alice.test)", [("mention", "@alice.test", "alice.test")]),  # no overlap
        ("hi @alice.test.", [("mention", "@alice.test", "alice.test")]),
        ("no @notahandle here", []),
        (
            "#RoadSafety! and #2024 and #A1",
            [("tag", "#RoadSafety", "RoadSafety"), ("tag", "#A1", "A1")],
        ),
        ("Croeso i #Cymru ☕ #café.", [("tag", "#Cymru", "Cymru"), ("tag", "#café", "café")]),
        ("keycap #\ufe0f\u20e3 is not a tag", []),
        ("x #" + "a" * 65, []),
    ],
)
def test_detection_follows_the_reference_rules(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    spans = detect(text)
    data = text.encode()
    assert [(s.kind, data[s.byte_start : s.byte_end].decode(), s.value) for s in spans] == expected


def test_unresolvable_mentions_stay_plain_text() -> None:
    text = "cc @known.test and @unknown.test"
    facets = build_facets(text, {"known.test": "did:plc:known"}.get)
    assert facets == [
        {
            "index": {"byteStart": 3, "byteEnd": 14},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:known"}],
        }
    ]
