"""Small HTTP helpers every adapter shares: the server's clock, Retry-After, loopback."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from postdesk.publishing.adapter import PublishResult


def server_now(response: httpx.Response) -> datetime:
    """The server's clock, from its Date header: reset times are read against it, since
    this computer's clock may be wrong. Falls back to this computer's clock."""
    date = response.headers.get("date")
    if date:
        try:
            parsed = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    return datetime.now(UTC)


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds the Retry-After header asks for (seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - (now or server_now(response))).total_seconds(), 0.0)


def bearer_client(
    base_url: str,
    credential: str,
    *,
    transport: httpx.BaseTransport | None,
    timeout: float | httpx.Timeout,
    verify: Any,
) -> httpx.Client:
    """A client that sends the token as a Bearer header and never follows redirects
    (a redirect could carry the token to another host)."""
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        transport=transport,
        timeout=timeout,
        headers={"Authorization": f"Bearer {credential}", "User-Agent": "PostDesk"},
        follow_redirects=False,
        verify=verify,
    )


def is_loopback(host: str) -> bool:
    """Whether `host` is this computer (plain http is allowed only there, for tests)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AttemptMemo:
    """One publish per attempt key at a time, and the result remembered.

    For platforms without an idempotency key (X, LinkedIn): a retry of an attempt this
    adapter already finished gets the same result instead of a second post, and two calls
    for one attempt never run at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._done: dict[tuple[str, str], PublishResult] = {}

    def run(self, key: tuple[str, str], publish: Callable[[], PublishResult]) -> PublishResult:
        """`publish()` once for `key`; later calls get its result."""
        with self._lock:
            attempt_lock = self._locks.setdefault(key, threading.Lock())
        with attempt_lock:
            result = self._done.get(key)
            if result is None:
                result = self._done[key] = publish()
            return result
