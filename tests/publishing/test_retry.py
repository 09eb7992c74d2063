"""Retries: bounded, exponential, honouring Retry-After, and never for a refusal."""

from __future__ import annotations

import pytest

from postdesk.publishing.adapter import (
    Account,
    AccountInfo,
    AuthError,
    OutcomeUnknownError,
    Platform,
    PostRef,
    PublishAttempt,
    PublishError,
    PublishResult,
    RejectedError,
    RetryableError,
)
from postdesk.publishing.retry import TryReport, backoff, publish_with_retries

ACCOUNT = Account(Platform.MASTODON, "@roads@social.example", "https://social.example")
ATTEMPT = PublishAttempt(parts=("Road closed.",), key="k-1")


class ScriptedAdapter:
    """Answers each publish call with the next scripted outcome (our own test double)."""

    def __init__(self, *outcomes: PublishError | None) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[str] = []

    def verify(self, account: Account, credential: str) -> AccountInfo:
        return AccountInfo("Roads", account.handle)

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        self.calls.append(attempt.key)
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return PublishResult((PostRef("1", "https://social.example/@roads/1"),))


def _run(
    adapter: ScriptedAdapter, *, max_tries: int = 5, base_delay: float = 1.0
) -> tuple[list[float], list[TryReport]]:
    slept: list[float] = []
    tries: list[TryReport] = []
    publish_with_retries(
        adapter,
        ACCOUNT,
        "token",
        ATTEMPT,
        sleep=slept.append,
        on_try=tries.append,
        max_tries=max_tries,
        base_delay=base_delay,
    )
    return slept, tries


def test_temporary_failures_are_retried_with_the_same_key() -> None:
    adapter = ScriptedAdapter(RetryableError("500"), OutcomeUnknownError("timeout"), None)
    slept, tries = _run(adapter, base_delay=1.0)
    assert adapter.calls == ["k-1", "k-1", "k-1"]
    assert [t.error is None for t in tries] == [False, False, True]
    assert 0.5 <= slept[0] <= 1.0
    assert 1.0 <= slept[1] <= 2.0


def test_retry_after_is_honoured() -> None:
    adapter = ScriptedAdapter(RetryableError("429", retry_after=7), None)
    slept, _ = _run(adapter)
    assert slept == [7]


@pytest.mark.parametrize("error", [AuthError("401"), RejectedError("422")])
def test_refusals_are_not_retried(error: PublishError) -> None:
    adapter = ScriptedAdapter(error, None)
    with pytest.raises(type(error)):
        _run(adapter)
    assert len(adapter.calls) == 1


def test_retries_are_bounded() -> None:
    adapter = ScriptedAdapter(*[RetryableError("503")] * 5)
    with pytest.raises(RetryableError):
        _run(adapter, max_tries=3)
    assert len(adapter.calls) == 3


def test_backoff_grows_and_is_capped() -> None:
    assert backoff(1, None, base=1.0) <= 1.0
    assert 4.0 <= backoff(4, None, base=1.0) <= 8.0
    assert backoff(30, None) <= 60
    assert backoff(1, 3600) == 60
