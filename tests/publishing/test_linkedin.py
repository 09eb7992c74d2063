"""The LinkedIn adapter against our own LinkedIn server (fake_linkedin.py), over loopback.

As for X: every fault ends with no duplicate, no lost post and an error a user can act on,
and the text LinkedIn shows is exactly the approved text, reserved characters included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from postdesk.publishing.linkedin import (
    LITTLE_TEXT_RESERVED,
    LinkedInAdapter,
    escape_little_text,
    linkedin_post_url,
    unescape_little_text,
)
from postdesk.publishing.retry import TryReport, publish_with_retries
from tests.publishing.fake_linkedin import FakeLinkedIn, LinkedInMember, render_little_text
from tests.publishing.fake_x import Fault

TOKEN = "litok-PDLEAKCHECK-AQV3x9Zk2mN8pQ"
NEW_TOKEN = "litok-PDLEAKCHECK-renewed-77aa"
TIMEOUT_S = 0.4
PAGE = "urn:li:organization:5515715"
TEXT = "Roads update: the A14 (J21-J22) is closed tonight."
# Every reserved character, in the places people type them.
RESERVED_TEXT = (
    "Road closures (A14 & A1) tonight: see [map] <gov.uk/roads> #RoadSafety @HighwaysEngland "
    "*urgent* _note_ ~approx~ {time} a|b and C:\\Roads\\A14 🚧"
)


@pytest.fixture
def server() -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn() as fake:
        member = fake.add_member("abc123", "Sam Jones", TOKEN)
        fake.add_page("5515715", "Department for Roads", member)
        yield fake
        fake.wait_idle()


@pytest.fixture
def member(server: FakeLinkedIn) -> LinkedInMember:
    return server.members["abc123"]


@pytest.fixture
def account(server: FakeLinkedIn) -> Account:
    return Account(Platform.LINKEDIN, PAGE, server.url)


@pytest.fixture
def adapter() -> LinkedInAdapter:
    return LinkedInAdapter(timeout_s=TIMEOUT_S)


class Run:
    """One `publish_with_retries` run: its tries and waits."""

    def __init__(self) -> None:
        self.tries: list[TryReport] = []
        self.slept: list[float] = []

    def __call__(
        self,
        adapter: LinkedInAdapter,
        account: Account,
        attempt: PublishAttempt,
        token: str = TOKEN,
    ) -> PublishResult:
        return publish_with_retries(
            adapter, account, token, attempt, sleep=self.slept.append, on_try=self.tries.append
        )

    @property
    def errors(self) -> list[type[PublishError] | None]:
        return [None if t.error is None else type(t.error) for t in self.tries]


def _shown(server: FakeLinkedIn) -> list[str]:
    """What each of the page's posts shows, oldest first."""
    return [server.rendered(p) for p in server.posts_by(PAGE)]


def _one_post(server: FakeLinkedIn, result: PublishResult, text: str) -> None:
    (post,) = server.posts_by(PAGE)
    assert server.rendered(post) == text
    assert result.posts == result.posts[:1]
    assert result.first.post_id == post.urn
    assert result.first.url == f"https://www.linkedin.com/feed/update/{post.urn}/"


# -- the little text format --------------------------------------------------------------------


@pytest.mark.parametrize("char", sorted(LITTLE_TEXT_RESERVED))
def test_every_reserved_character_is_escaped(char: str) -> None:
    assert escape_little_text(f"a{char}b") == f"a\\{char}b"
    assert render_little_text(escape_little_text(f"a{char}b")) == f"a{char}b"
    # The fake shows what LinkedIn is reported to do with an unescaped one: cut the post.
    assert render_little_text(f"a{char}b") == "a"


def test_the_reserved_set_is_the_documented_one() -> None:
    assert set("\\|{}@[]()<>#*_~") == LITTLE_TEXT_RESERVED


def test_other_characters_are_left_alone() -> None:
    text = "Plain text, with punctuation: ! ? . , ; ' \" - + = % $ £ & / ^ ` é 🚧 \n\t end"
    assert escape_little_text(text) == text


def test_escaping_examples() -> None:
    assert escape_little_text("\\") == "\\\\"
    assert escape_little_text("\\#") == "\\\\\\#"
    assert escape_little_text("@[Eddy](urn:li:person:1)") == "\\@\\[Eddy\\]\\(urn:li:person:1\\)"
    assert escape_little_text("#hashtag") == "\\#hashtag"
    assert escape_little_text("") == ""


@given(st.text())
def test_escaping_round_trips_and_shows_exactly_the_text(text: str) -> None:
    escaped = escape_little_text(text)
    assert unescape_little_text(escaped) == text
    assert render_little_text(escaped) == text
    # Nothing reserved is left bare: each one is preceded by an escaping backslash.
    index = 0
    while index < len(escaped):
        if escaped[index] == "\\":
            assert escaped[index + 1] in LITTLE_TEXT_RESERVED
            index += 2
        else:
            assert escaped[index] not in LITTLE_TEXT_RESERVED
            index += 1


@given(st.text(alphabet=st.sampled_from([*sorted(LITTLE_TEXT_RESERVED), "a", " "])))
def test_escaping_handles_runs_of_reserved_characters(text: str) -> None:
    assert render_little_text(escape_little_text(text)) == text


# -- verify and publish ------------------------------------------------------------------------


def test_verify_names_the_organization_page(adapter: LinkedInAdapter, account: Account) -> None:
    info = adapter.verify(account, TOKEN)
    assert (info.display_name, info.handle) == ("Department for Roads", PAGE)


def test_verify_names_a_member_by_userinfo(server: FakeLinkedIn, adapter: LinkedInAdapter) -> None:
    info = adapter.verify(Account(Platform.LINKEDIN, "urn:li:person:abc123", server.url), TOKEN)
    assert (info.display_name, info.handle) == ("Sam Jones", "urn:li:person:abc123")


def test_verify_with_a_wrong_token_says_what_to_do(
    adapter: LinkedInAdapter, account: Account
) -> None:
    with pytest.raises(AuthError) as caught:
        adapter.verify(account, "litok-wrong")
    assert "is not valid" in caught.value.message
    assert "Sign in to LinkedIn again" in caught.value.message


def test_an_author_that_is_not_a_urn_is_refused(
    server: FakeLinkedIn, adapter: LinkedInAdapter
) -> None:
    with pytest.raises(RejectedError, match="urn:li:organization"):
        adapter.verify(Account(Platform.LINKEDIN, "Department for Roads", server.url), TOKEN)


def test_publish_shows_exactly_the_approved_text(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    result = adapter.publish(account, TOKEN, PublishAttempt((RESERVED_TEXT,), "k"))
    _one_post(server, result, RESERVED_TEXT)
    (request,) = [r for r in server.requests if r.method == "POST"]
    assert request.path == "/rest/posts"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.headers["linkedin-version"] == adapter.api_version
    assert request.body["author"] == PAGE
    assert request.body["commentary"] == escape_little_text(RESERVED_TEXT)
    assert request.body["visibility"] == "PUBLIC"
    assert request.body["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert request.body["lifecycleState"] == "PUBLISHED"
    assert result.first.url == linkedin_post_url(result.first.post_id)


def test_a_member_can_post_as_themselves(server: FakeLinkedIn, adapter: LinkedInAdapter) -> None:
    me = Account(Platform.LINKEDIN, "urn:li:person:abc123", server.url)
    result = adapter.publish(me, TOKEN, PublishAttempt((TEXT,), "k"))
    (post,) = server.posts_by("urn:li:person:abc123")
    assert (post.urn, server.rendered(post)) == (result.first.post_id, TEXT)


def test_a_thread_is_refused_before_anything_is_sent(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    with pytest.raises(RejectedError) as caught:
        adapter.publish(account, TOKEN, PublishAttempt(("Part one.", "Part two."), "k"))
    assert "LinkedIn has no threads; the post must fit in one" in caught.value.message
    assert server.requests == []


def test_posting_for_a_page_the_member_does_not_run_is_an_auth_error(
    server: FakeLinkedIn, adapter: LinkedInAdapter
) -> None:
    server.organizations["999"] = "Someone Else"
    other = Account(Platform.LINKEDIN, "urn:li:organization:999", server.url)
    with pytest.raises(AuthError, match="administrator or content admin"):
        adapter.publish(other, TOKEN, PublishAttempt((TEXT,), "k"))
    assert server.posts == []


def test_a_retired_api_version_says_to_update(server: FakeLinkedIn, account: Account) -> None:
    server.oldest_version = "209901"
    with pytest.raises(RejectedError, match="Update PostDesk"):
        LinkedInAdapter(timeout_s=TIMEOUT_S).publish(account, TOKEN, PublishAttempt((TEXT,), "k"))
    assert server.posts == []


def test_a_repeated_call_for_a_finished_attempt_sends_nothing(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    attempt = PublishAttempt((TEXT,), "k")
    first = adapter.publish(account, TOKEN, attempt)
    sent = len(server.requests)
    assert adapter.publish(account, TOKEN, attempt) == first
    assert len(server.requests) == sent


def test_two_calls_for_one_attempt_at_once_post_once(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.delay_next(0.2, path="/rest/posts")  # keep the first call busy
    attempt = PublishAttempt((TEXT,), "k")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: adapter.publish(account, TOKEN, attempt), range(2)))
    assert results[0] == results[1]
    assert _shown(server) == [TEXT]
    assert len([r for r in server.requests if r.method == "POST"]) == 1


# -- faults: no duplicate, no lost post, a clear error ---------------------------------------


def test_500_then_success_posts_once(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.fail_next(1, 500, path="/rest/posts")
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [RetryableError, None]
    _one_post(server, result, TEXT)


def test_persistent_503_fails_clearly_and_nothing_is_lost(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.fail_next(5, 503, path="/rest/posts")
    attempt = PublishAttempt((TEXT,), "k")
    run = Run()
    with pytest.raises(RetryableError) as caught:
        run(adapter, account, attempt)
    assert "temporary problem (HTTP 503)" in caught.value.message
    assert len(run.tries) == 5
    assert server.posts == []
    _one_post(server, Run()(adapter, account, attempt), TEXT)


def test_429_honours_retry_after(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.rate_limit_next(path="/rest/posts", retry_after=12)
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [RetryableError, None]
    assert run.slept[0] == 12
    _one_post(server, result, TEXT)


def test_429_without_headers_backs_off_and_explains(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.rate_limit_next(path="/rest/posts")
    with pytest.raises(RetryableError) as caught:
        adapter.publish(account, TOKEN, PublishAttempt((TEXT,), "k"))
    assert caught.value.retry_after is None
    assert "reset at midnight UTC" in caught.value.message


@pytest.mark.parametrize(
    ("break_token", "words"),
    [
        (FakeLinkedIn.revoke, "has been revoked"),
        (FakeLinkedIn.expire, "has expired"),
    ],
)
def test_401_revoked_or_expired_then_a_new_token_posts_once(
    server: FakeLinkedIn,
    adapter: LinkedInAdapter,
    account: Account,
    break_token: Callable[[FakeLinkedIn, str], None],
    words: str,
) -> None:
    break_token(server, TOKEN)
    attempt = PublishAttempt((TEXT,), "k")
    run = Run()
    with pytest.raises(AuthError) as caught:
        run(adapter, account, attempt)
    assert run.errors == [AuthError]
    assert words in caught.value.message
    assert "Sign in to LinkedIn again" in caught.value.message
    server.grant(NEW_TOKEN, "abc123")
    _one_post(server, Run()(adapter, account, attempt, token=NEW_TOKEN), TEXT)


def test_401_mid_way_after_the_post_was_made(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    # The post goes out, the answer is lost, and by the retry the token was revoked.
    server.drop_next(path="/rest/posts")
    server.revoke_on(method="GET", path="/rest/posts")
    attempt = PublishAttempt((TEXT,), "k")
    run = Run()
    with pytest.raises(AuthError):
        run(adapter, account, attempt)
    assert run.errors == [OutcomeUnknownError, AuthError]
    server.grant(NEW_TOKEN, "abc123")
    result = Run()(adapter, account, attempt, token=NEW_TOKEN)
    _one_post(server, result, TEXT)


def test_accepted_then_connection_dropped_is_reconciled(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.drop_next(path="/rest/posts")
    run = Run()
    result = run(adapter, account, PublishAttempt((RESERVED_TEXT,), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    _one_post(server, result, RESERVED_TEXT)
    assert len([r for r in server.requests if r.method == "POST"]) == 1  # found, not re-sent
    (finder,) = [r for r in server.requests if r.method == "GET"]
    assert finder.query["q"] == ["author"]
    assert finder.query["author"] == [PAGE]
    assert finder.headers["x-restli-method"] == "FINDER"


def test_connection_dropped_before_linkedin_read_it_sends_again(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.add_fault(Fault("drop_before", path="/rest/posts"))
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    _one_post(server, result, TEXT)


def test_timeout_after_linkedin_made_the_post_is_reconciled(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.delay_next(TIMEOUT_S * 2, path="/rest/posts", process_first=True)
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    server.wait_idle()
    _one_post(server, result, TEXT)


def test_timeout_before_linkedin_made_the_post_still_ends_with_one(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.delay_next(TIMEOUT_S * 2, path="/rest/posts", process_first=False)
    result = Run()(adapter, account, PublishAttempt((TEXT,), "k"))
    server.wait_idle()
    _one_post(server, result, TEXT)


def test_dns_failure_fails_clearly_and_nothing_is_lost(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    offline = Account(Platform.LINKEDIN, PAGE, "http://postdesk-test.invalid")
    attempt = PublishAttempt((TEXT,), "k")
    run = Run()
    with pytest.raises(RetryableError) as caught:
        run(adapter, offline, attempt)
    assert len(run.tries) == 5
    assert "could not reach LinkedIn at postdesk-test.invalid" in caught.value.message
    assert "Nothing was posted" in caught.value.message
    _one_post(server, Run()(adapter, account, attempt), TEXT)


def test_without_permission_to_read_posts_the_duplicate_check_guards_the_retry(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account, member: LinkedInMember
) -> None:
    member.can_read = False
    server.drop_next(path="/rest/posts")
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [OutcomeUnknownError, None]
    _one_post(server, result, TEXT)  # the URN LinkedIn's 422 named


def test_after_a_crash_a_new_adapter_finds_the_post_instead_of_repeating_it(
    server: FakeLinkedIn, account: Account
) -> None:
    server.drop_next(path="/rest/posts")
    attempt = PublishAttempt((TEXT,), "k")
    with pytest.raises(OutcomeUnknownError):
        LinkedInAdapter(timeout_s=TIMEOUT_S).publish(account, TOKEN, attempt)
    result = LinkedInAdapter(timeout_s=TIMEOUT_S).publish(account, TOKEN, attempt)
    _one_post(server, result, TEXT)


def test_a_failed_lookup_never_leads_to_a_blind_resend(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    server.drop_next(path="/rest/posts")
    server.fail_next(1, 504, method="GET", path="/rest/posts")
    run = Run()
    result = run(adapter, account, PublishAttempt((TEXT,), "k"))
    assert run.errors == [OutcomeUnknownError, RetryableError, None]
    assert len([r for r in server.requests if r.method == "POST"]) == 1
    _one_post(server, result, TEXT)


def test_duplicate_refusal_without_a_visible_post_is_a_clear_rejection(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    duplicate = {
        "message": "Content is a duplicate of urn:li:share:7000000000000000001",
        "errorDetails": {"inputErrors": [{"code": "DUPLICATE_POST"}]},
        "status": 422,
    }
    server.fail_next(1, 422, path="/rest/posts", method="POST", body=duplicate)
    with pytest.raises(RejectedError) as caught:
        Run()(adapter, account, PublishAttempt((TEXT,), "k"))
    assert "urn:li:share:7000000000000000001" in caught.value.message
    assert "change the wording" in caught.value.message
    assert server.posts == []


def test_a_post_not_yet_listed_is_looked_for_again_never_sent_twice(
    server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account
) -> None:
    # The dropped post only shows in listings after a while: the retry's lookup misses it,
    # the re-send is refused as a duplicate, and the next try finds it.
    server.listing_lag_s = 0.3
    server.drop_next(path="/rest/posts")
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
    assert _shown(server) == [text]
    assert result.first.post_id == server.posts[0].urn


# -- the token never leaks ---------------------------------------------------------------------


Scenario = Callable[[FakeLinkedIn, LinkedInAdapter, Account], None]


def _leak_scenarios() -> dict[str, Scenario]:
    attempt = PublishAttempt((TEXT,), "k")

    def verify_401(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.expire(TOKEN)
        adapter.verify(account, TOKEN)

    def publish_401(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.revoke_on(path="/rest/posts")
        Run()(adapter, account, attempt)

    def forbidden(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.organizations["999"] = "Someone Else"
        adapter.publish(
            Account(Platform.LINKEDIN, "urn:li:organization:999", server.url), TOKEN, attempt
        )

    def rate_limited(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.rate_limit_next(count=5, path="/rest/posts")
        Run()(adapter, account, attempt)

    def server_error(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.fail_next(5, 500, path="/rest/posts")
        Run()(adapter, account, attempt)

    def dropped(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.drop_next(path="/rest/posts")
        adapter.publish(account, TOKEN, attempt)

    def timed_out(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        server.delay_next(TIMEOUT_S * 2, path="/rest/posts")
        adapter.publish(account, TOKEN, attempt)

    def dns(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        offline = Account(Platform.LINKEDIN, PAGE, "http://postdesk-test.invalid")
        adapter.publish(offline, TOKEN, attempt)

    def thread(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        adapter.publish(account, TOKEN, PublishAttempt(("a", "b"), "k"))

    def echoing_server(server: FakeLinkedIn, adapter: LinkedInAdapter, account: Account) -> None:
        body = {"status": 400, "message": f"Bearer {TOKEN} is not allowed here"}
        server.fail_next(1, 400, path="/rest/posts", body=body)
        adapter.publish(account, TOKEN, attempt)

    scenarios = (
        verify_401,
        publish_401,
        forbidden,
        rate_limited,
        server_error,
        dropped,
        timed_out,
        dns,
        thread,
        echoing_server,
    )
    return {f.__name__: f for f in scenarios}


@pytest.mark.parametrize("scenario", sorted(_leak_scenarios()))
def test_the_token_is_never_in_errors_or_logs(
    server: FakeLinkedIn,
    adapter: LinkedInAdapter,
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
    assert error.__cause__ is None
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)
    assert TOKEN not in caplog.text
