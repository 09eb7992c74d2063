"""LinkedIn through the Posts API, with the text escaped as the "little" text format needs.

The contract followed (learn.microsoft.com/linkedin, Community Management: Posts API,
little text format, error handling, rate limits):

* ``POST /rest/posts`` with the headers ``LinkedIn-Version: YYYYMM`` and
  ``X-Restli-Protocol-Version: 2.0.0`` and a body with ``author`` (a person or organization
  URN), ``commentary``, ``visibility: PUBLIC``, ``distribution.feedDistribution: MAIN_FEED``
  and ``lifecycleState: PUBLISHED``. Success is 201 with the new post's URN in the
  ``x-restli-id`` header; the post's page is ``https://www.linkedin.com/feed/update/<urn>/``.
* ``GET /rest/posts?author=<urn>&q=author`` (a Rest.li finder) lists an author's posts.
* Errors are ``{"status", "message", "serviceErrorCode"}`` (401s also carry ``code``:
  ``INVALID_ACCESS_TOKEN`` 65600, ``REVOKED_ACCESS_TOKEN`` 65601, ``EXPIRED_ACCESS_TOKEN``
  65602). A repeat of a recent post is 422 with ``DUPLICATE_POST`` and "Content is a
  duplicate of urn:li:share:...". Rate limits are daily, reset at midnight UTC, and answer
  429 (no rate-limit headers are documented; a Retry-After is honoured if one comes). A
  ``LinkedIn-Version`` that has been retired answers 426.

The account's handle is the author URN. `verify` names it: for ``urn:li:person:...`` with
``GET /v2/userinfo`` (OpenID Connect; the token needs the ``openid`` and ``profile``
scopes), and for ``urn:li:organization:...`` with the organization lookup
``GET /rest/organizations/{id}`` (its ``localizedName``). Departments normally post as
their organization page, so that is the case to set up.

Text. ``commentary`` is "little" text, where ``\\ | { } @ [ ] ( ) < > # * _ ~`` have a
meaning (mentions, hashtags, templates); an unescaped one is reported to cut the post off
without an error. `escape_little_text` backslash-escapes every one of them, so the post
shows exactly the approved text (a ``#tag`` is then shown as text, not as a hashtag link).

Threads. LinkedIn has no threads: a multi-part attempt is refused with `RejectedError`
before anything is sent; the post must fit in one (3,000 characters).

Exactly once without an idempotency key: as for X (see `postdesk.publishing.x`), a call
for an attempt this adapter already sent first lists the author's recent posts, created
since a little before the first send by this computer's clock (less 15 minutes for a clock
that is off), and reuses the one with the same commentary. If the token may not read posts
(403 on the finder), or after a crash, LinkedIn's own 422 ``DUPLICATE_POST`` is the guard:
the adapter looks the post up, or, when it may not read posts, takes the URN LinkedIn's
message names. Otherwise the 422 becomes `RejectedError` (on a retry of a post this
adapter sent, `OutcomeUnknownError`: it is most likely ours, not yet listed). A finished
attempt is remembered: a repeated call returns the same post without sending, and two
calls for one attempt at the same time take turns. A limit: when the token may not read
posts, the URN in LinkedIn's 422 is taken on trust (third parties report 422s that name
deleted posts).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from typing import Any, NoReturn
from urllib.parse import quote

import httpx

from postdesk.publishing import http
from postdesk.publishing.adapter import (
    Account,
    AccountInfo,
    AuthError,
    OutcomeUnknownError,
    PostRef,
    PublishAttempt,
    PublishResult,
    RejectedError,
    RetryableError,
)

__all__ = [
    "LINKEDIN_API_URL",
    "LINKEDIN_VERSION",
    "LITTLE_TEXT_RESERVED",
    "LinkedInAdapter",
    "escape_little_text",
    "linkedin_post_url",
    "unescape_little_text",
]

LINKEDIN_API_URL = "https://api.linkedin.com"
# LinkedIn serves each monthly version for about a year, then answers 426: a version a
# few months old is live, and the constructor can override it.
LINKEDIN_VERSION = "202609"
LITTLE_TEXT_RESERVED = frozenset("\\|{}@[]()<>#*_~")

_RESERVED_RE = re.compile(r"[\\|{}@\[\]()<>#*_~]")
_ESCAPED_RE = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
_AUTHOR_RE = re.compile(r"^urn:li:(person|organization):([A-Za-z0-9_-]+)$")
_POST_URN_RE = re.compile(r"urn:li:(?:share|ugcPost):\d+")
_LOOKUP_COUNT = 50
_LOOKUP_MARGIN_MS = 15 * 60 * 1000
_TOKEN_PROBLEMS = {
    65601: "has been revoked (someone removed PostDesk's access in LinkedIn's settings)",
    65602: "has expired (LinkedIn tokens last 60 days)",
}

_log = logging.getLogger(__name__)


def escape_little_text(text: str) -> str:
    """`text` as little text: every reserved character backslash-escaped, nothing else."""
    return _RESERVED_RE.sub(r"\\\g<0>", text)


def unescape_little_text(text: str) -> str:
    """The plain text an escaped little text stands for (the inverse of the escape)."""
    return _ESCAPED_RE.sub(r"\1", text)


def linkedin_post_url(post_urn: str) -> str:
    """The public link to a post."""
    return f"https://www.linkedin.com/feed/update/{post_urn}/"


class _Duplicate(Exception):
    """LinkedIn refused the post as a duplicate (422 DUPLICATE_POST)."""

    def __init__(self, quoted_urn: str | None) -> None:
        super().__init__("duplicate")
        self.quoted_urn = quoted_urn


class _CannotRead(Exception):
    """The token may post but not list posts (403 on the finder)."""


class LinkedInAdapter:
    """Publishes one post to LinkedIn as the account's author URN. See the module docstring.

    Args:
        transport: an httpx transport; None uses httpx's default.
        timeout_s: seconds for connecting and for each read and write.
        api_version: the ``LinkedIn-Version`` header (YYYYMM).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 10.0,
        *,
        api_version: str = LINKEDIN_VERSION,
    ) -> None:
        self._transport = transport
        self._timeout = httpx.Timeout(timeout_s)
        # One TLS context for every request: building one reads the CA bundle (~20 ms).
        self._tls = httpx.create_ssl_context()
        self.api_version = api_version
        # (account secret key, attempt key) -> epoch ms a little before the first send.
        self._sent_since: dict[tuple[str, str], int] = {}
        # Finished attempts (a repeated call answers without sending) and one lock per
        # attempt (two calls for one attempt never send at once), as in the X adapter.
        self._attempts = http.AttemptMemo()
        self._lock = threading.Lock()

    # -- the Adapter interface -----------------------------------------------------------

    def verify(self, account: Account, credential: str) -> AccountInfo:
        """Check the token and name the author: a member by userinfo, a page by lookup."""
        kind, ident = _author(account)
        with self._client(account, credential) as client:
            if kind == "person":
                response = self._get(client, "/v2/userinfo", "check the account")
                if response.status_code != 200:
                    self._raise_for(response, account, "check the account")
                body = _json(response)
                sub = str(body.get("sub") or ident)
                name = str(body.get("name") or sub)
                return AccountInfo(display_name=name, handle=f"urn:li:person:{sub}")
            response = self._get(client, f"/rest/organizations/{ident}", "check the page")
            if response.status_code != 200:
                self._raise_for(response, account, "check the page")
            body = _json(response)
            name = str(body.get("localizedName") or body.get("vanityName") or account.handle)
            return AccountInfo(display_name=name, handle=account.handle)

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        """Publish the one-part `attempt`, or find the post an earlier try made."""
        if len(attempt.parts) != 1:
            raise RejectedError(
                f"LinkedIn has no threads; the post must fit in one. This post has "
                f"{len(attempt.parts)} parts: shorten it to one part for LinkedIn."
            )
        text = attempt.parts[0]
        if not text.strip():
            raise RejectedError("There is nothing to publish: the post has no text.")
        _author(account)
        key = (account.secret_key, attempt.key)
        return self._attempts.run(key, lambda: self._publish(account, credential, attempt, key))

    def _publish(
        self,
        account: Account,
        credential: str,
        attempt: PublishAttempt,
        key: tuple[str, str],
    ) -> PublishResult:
        text = attempt.parts[0]
        commentary = escape_little_text(text)
        with self._client(account, credential) as client:
            since = self._sent_since.get(key)
            if since is None:
                # Recorded before the first POST, so even a crash mid-request leaves it.
                self._sent_since[key] = int(time.time() * 1000) - _LOOKUP_MARGIN_MS
            urn: str | None = None
            if since is not None:
                try:
                    urn = self._find(client, account, text, since)
                except _CannotRead:
                    urn = None  # LinkedIn's duplicate check guards the re-send below.
                _log.info(
                    "LinkedIn attempt %s: a retry %s the post",
                    attempt.key,
                    "found" if urn else "did not find",
                )
            if urn is None:
                try:
                    urn = self._create(client, account, commentary)
                except _Duplicate as duplicate:
                    urn = self._after_duplicate(client, account, text, duplicate, since)
        _log.info("LinkedIn attempt %s published as %s", attempt.key, urn)
        return PublishResult((PostRef(urn, linkedin_post_url(urn)),))

    # -- requests ------------------------------------------------------------------------

    def _client(self, account: Account, credential: str) -> httpx.Client:
        if not credential:
            raise AuthError(
                f"This computer has no LinkedIn token for {account.handle}. Add the account "
                "again in Accounts to sign in to LinkedIn."
            )
        return http.bearer_client(
            account.server_url or LINKEDIN_API_URL,
            credential,
            transport=self._transport,
            timeout=self._timeout,
            verify=self._tls,
        )

    def _rest_headers(self, **extra: str) -> dict[str, str]:
        return {
            "LinkedIn-Version": self.api_version,
            "X-Restli-Protocol-Version": "2.0.0",
            **extra,
        }

    def _get(
        self,
        client: httpx.Client,
        path: str,
        action: str,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """A GET: nothing changes on LinkedIn, so every transport failure is retryable."""
        if path.startswith("/rest/"):
            headers = self._rest_headers(**(headers or {}))
        try:
            return client.get(path, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryableError(_unreachable(client, exc)) from None
        except httpx.HTTPError as exc:
            raise RetryableError(
                f"LinkedIn did not answer when PostDesk tried to {action} "
                f"({type(exc).__name__}); PostDesk will try again."
            ) from None

    def _create(self, client: httpx.Client, account: Account, commentary: str) -> str:
        body = {
            "author": account.handle,
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        try:
            response = client.post("/rest/posts", json=body, headers=self._rest_headers())
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryableError(_unreachable(client, exc)) from None
        except httpx.HTTPError as exc:
            raise OutcomeUnknownError(
                "The post was sent to LinkedIn but no answer came back "
                f"({type(exc).__name__}); PostDesk will check before sending it again."
            ) from None
        if response.status_code == 201:
            urn = str(response.headers.get("x-restli-id", "")).strip()
            if urn:
                return urn
            raise OutcomeUnknownError(
                "LinkedIn accepted the post but did not say its id; PostDesk will look it up."
            )
        if response.status_code == 422 and "DUPLICATE_POST" in response.text:
            quoted = _POST_URN_RE.search(_message(response))
            raise _Duplicate(quoted.group(0) if quoted else None)
        self._raise_for(response, account, "publish the post")

    def _find(
        self, client: httpx.Client, account: Account, text: str, since: int | None
    ) -> str | None:
        """The author's post with this text (created since `since` ms, if given)."""
        path = (
            f"/rest/posts?author={quote(account.handle, safe='')}&q=author"
            f"&count={_LOOKUP_COUNT}&sortBy=CREATED"
        )
        response = self._get(
            client, path, "look up recent posts", headers={"X-RestLi-Method": "FINDER"}
        )
        if response.status_code == 403:
            raise _CannotRead
        if response.status_code != 200:
            self._raise_for(response, account, "look up the page's recent posts")
        elements = _json(response).get("elements") or []
        wanted = _normal(text)
        matches: list[tuple[int, str]] = []
        for element in elements:
            if not isinstance(element, dict) or not element.get("id"):
                continue
            created = element.get("createdAt") or element.get("publishedAt")
            if since is not None and isinstance(created, int) and created < since:
                continue
            commentary = str(element.get("commentary", ""))
            # Read back as stored (escaped) or, should LinkedIn ever unescape it, as shown.
            if wanted in (_normal(unescape_little_text(commentary)), _normal(commentary)):
                matches.append((created if isinstance(created, int) else 0, str(element["id"])))
        # The oldest match is the first post this attempt made.
        return min(matches)[1] if matches else None

    def _after_duplicate(
        self,
        client: httpx.Client,
        account: Account,
        text: str,
        duplicate: _Duplicate,
        since: int | None,
    ) -> str:
        """LinkedIn says the post already exists: find it, or explain the refusal."""
        try:
            found = self._find(client, account, text, None)
        except _CannotRead:
            found = duplicate.quoted_urn
        if found is not None:
            return found
        if since is not None:
            # This adapter sent the post before: most likely it is ours, not yet listed.
            raise OutcomeUnknownError(
                "LinkedIn says the post already exists, but PostDesk cannot see it among "
                f"{account.handle}'s posts yet; it will look again."
            )
        quoted = f" ({duplicate.quoted_urn})" if duplicate.quoted_urn else ""
        raise RejectedError(
            f"LinkedIn refused the post as a duplicate of an earlier post{quoted}, and PostDesk "
            f"could not find that post among {account.handle}'s recent posts. LinkedIn does "
            "not allow the same text twice in a short time: change the wording or post later."
        )

    def _raise_for(self, response: httpx.Response, account: Account, action: str) -> NoReturn:
        """Turn an error answer into the adapter's error tree; messages never hold the token."""
        status = response.status_code
        message = _message(response)
        if status == 401:
            code = _json(response).get("serviceErrorCode")
            problem = _TOKEN_PROBLEMS.get(code, "is not valid") if isinstance(code, int) else None
            raise AuthError(
                f"LinkedIn did not accept the token for {account.handle}: it "
                f"{problem or 'is not valid'}. Sign in to LinkedIn again for this account in "
                "Accounts to store a new token."
            )
        if status == 403:
            raise AuthError(
                f"LinkedIn does not let this token {action} as {account.handle}: {message}. "
                "Sign in again as a member who may post for this page (an administrator or "
                "content admin of the page, with the w_organization_social permission)."
            )
        if status == 426:
            raise RejectedError(
                f"LinkedIn no longer serves API version {self.api_version}, which this copy of "
                f"PostDesk uses ({message}). Update PostDesk."
            )
        if status == 429:
            raise RetryableError(
                f"LinkedIn's daily API limit is used up, so PostDesk could not {action}. "
                "LinkedIn's limits reset at midnight UTC; PostDesk will try again.",
                http.retry_after(response),
            )
        if status == 408 or status >= 500:
            raise RetryableError(
                f"LinkedIn had a temporary problem (HTTP {status}) when PostDesk tried to "
                f"{action}; PostDesk will try again.",
                http.retry_after(response),
            )
        raise RejectedError(f"LinkedIn refused to {action} (HTTP {status}): {message}")


# -- helpers -------------------------------------------------------------------------------


def _author(account: Account) -> tuple[str, str]:
    match = _AUTHOR_RE.match(account.handle.strip())
    if match is None:
        raise RejectedError(
            f"{account.handle!r} is not a LinkedIn author. Use the page's organization URN "
            "(urn:li:organization:<number>) or a member URN (urn:li:person:<id>)."
        )
    return match.group(1), match.group(2)


def _unreachable(client: httpx.Client, exc: Exception) -> str:
    host = client.base_url.host or str(client.base_url)
    return (
        f"PostDesk could not reach LinkedIn at {host} ({type(exc).__name__}). Check this "
        "computer's internet connection; PostDesk will try again. Nothing was posted."
    )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _message(response: httpx.Response) -> str:
    """LinkedIn's own words for an error, shortened, with the request's token masked."""
    body = _json(response)
    text = str(body.get("message") or response.reason_phrase or "no details")
    auth = response.request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip()
    if token:
        text = text.replace(token, "********")
    return text[:300]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()
