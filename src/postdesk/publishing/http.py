"""Small HTTP helpers every adapter shares: the server's clock, Retry-After, loopback."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx


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


def is_loopback(host: str) -> bool:
    """Whether `host` is this computer (plain http is allowed only there, for tests)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
