"""The shared HTTP helpers: Retry-After in both forms, read against the server's clock."""

from __future__ import annotations

import httpx

from postdesk.publishing import http


def _response(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_retry_after_in_seconds_or_as_an_http_date_on_the_servers_clock() -> None:
    assert http.retry_after(_response(**{"Retry-After": "12"})) == 12
    late = _response(
        **{"Retry-After": "Wed, 25 Nov 2026 10:00:30 GMT", "Date": "Wed, 25 Nov 2026 10:00:00 GMT"}
    )
    assert http.retry_after(late) == 30
    assert http.retry_after(_response()) is None
    assert http.retry_after(_response(**{"Retry-After": "soon"})) is None
    assert http.retry_after(_response(**{"Retry-After": "-5"})) == 0


def test_loopback_hosts() -> None:
    assert http.is_loopback("localhost")
    assert http.is_loopback("127.0.0.1")
    assert http.is_loopback("[::1]")
    assert not http.is_loopback("social.example.gov.uk")
    assert not http.is_loopback("10.0.0.1")
