"""Bounded retries with exponential backoff that honour Retry-After, for one attempt.

Only `RetryableError` and `OutcomeUnknownError` are retried: the attempt carries the same
key every time, so a retry after an unknown outcome finds the post instead of making a
second one. Every try is reported to `on_try` (the audit trail records each).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from postdesk.publishing.adapter import (
    Account,
    Adapter,
    OutcomeUnknownError,
    PublishAttempt,
    PublishError,
    PublishResult,
    RetryableError,
)

MAX_TRIES = 5
BASE_DELAY_S = 1.0
MAX_DELAY_S = 60.0


@dataclass(frozen=True)
class TryReport:
    """One try: its number, and the error it ended with (None when it succeeded)."""

    number: int
    error: PublishError | None


def backoff(number: int, retry_after: float | None, *, base: float = BASE_DELAY_S) -> float:
    """Seconds to wait before try `number + 1`: Retry-After if given, else jittered 2^n."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_DELAY_S)
    delay: float = min(base * 2 ** (number - 1), MAX_DELAY_S)
    return delay * random.uniform(0.5, 1.0)


def publish_with_retries(
    adapter: Adapter,
    account: Account,
    credential: str,
    attempt: PublishAttempt,
    *,
    max_tries: int = MAX_TRIES,
    base_delay: float = BASE_DELAY_S,
    sleep: Callable[[float], None] = time.sleep,
    on_try: Callable[[TryReport], None] = lambda _report: None,
) -> PublishResult:
    """Publish `attempt`, retrying temporary failures; raises the last error otherwise."""
    for number in range(1, max_tries + 1):
        try:
            result = adapter.publish(account, credential, attempt)
        except (RetryableError, OutcomeUnknownError) as exc:
            on_try(TryReport(number, exc))
            if number == max_tries:
                raise
            retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
            sleep(backoff(number, retry_after, base=base_delay))
        except PublishError as exc:
            on_try(TryReport(number, exc))
            raise
        else:
            on_try(TryReport(number, None))
            return result
    raise AssertionError("unreachable: the loop returns or raises")
