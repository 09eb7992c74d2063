"""X (formerly Twitter) through API v2 with an OAuth 2.0 user token.

The contract followed (docs.x.com):

* ``GET /2/users/me`` names the token's user: ``{"data": {"id", "name", "username"}}``.
* ``POST /2/tweets`` with ``{"text": ...}`` creates a post; each later part of a thread adds
  ``{"reply": {"in_reply_to_tweet_id": <previous id>}}``. Success is 201 with
  ``{"data": {"id", "text"}}``.
* ``GET /2/users/:id/tweets`` lists the user's recent posts, replies included, newest
  first (``max_results`` 5-100, ``start_time``, ``tweet.fields``).
* Errors are problem objects ``{"title", "detail", "type", "status"}``: 401 for a token
  that is invalid, revoked or expired; 403 for a refusal, including "You are not allowed to
  create a Tweet with duplicate content."; 429 when a rate limit is used up, with
  ``x-rate-limit-reset`` (and, for posting, ``x-user-limit-24hour-reset`` /
  ``x-app-limit-24hour-reset``) in epoch seconds.

Exactly once without an idempotency key
---------------------------------------
X accepts no idempotency key, so a retried request could post twice. This adapter avoids
that in two ways:

1. **Lookup before re-sending.** The first time it sends anything for an attempt it notes
   the time by X's clock, less two minutes (X's clock is read from the ``Date`` header of
   the ``/2/users/me`` answer, which is asked once per token). When it is
   called again for the same attempt key (a retry after `OutcomeUnknownError`, a 5xx, a
   429, a 401 fixed by a new token...), it first lists the user's posts since that moment
   and reuses every part it finds, as a chain: the first part by its exact text and no
   reply, each later part by its exact text *and* the previous part as its reply target.
   Only the parts it does not find are sent. If the lookup itself fails, the call fails:
   it never re-sends without having looked. A finished attempt is remembered as well: a
   repeated call returns the same posts without sending, and two calls for one attempt
   at the same time take turns. "Exact text" allows for what X does to stored
   text: ``&``, ``<`` and ``>`` come back as HTML entities and links as t.co links (undone
   with the post's URL entities); text is compared in NFC with outer whitespace trimmed.
2. **X's own duplicate check.** The notes above live in this adapter object, so keep one
   adapter for the life of the app. After a crash (a new adapter), re-sending a part that
   did go out makes X answer 403 "duplicate content"; the adapter then looks the post up
   (with no time limit, in the 100 most recent posts) and reuses it. If the lookup finds
   nothing, the 403 becomes `RejectedError`, except on a retry of a part this adapter
   sent: that is most likely its own post, not yet visible, so it is `OutcomeUnknownError`
   and the next try looks again.

Limits of this: X's user timeline can lag a few seconds behind a post, so a retry should
come after a short wait (`publish_with_retries` waits at least half a second, more on
later tries); and after a crash, identical text posted earlier by another attempt would be
taken as this attempt's post (it is the same approved text, on the same account).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

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

__all__ = ["X_API_URL", "XAdapter", "x_post_url"]

X_API_URL = "https://api.x.com"
# The most X returns in one page of a user's posts.
_LOOKUP_PAGE = 100
# How far before the first send the lookup starts: covers X's clock being a little behind
# the Date header it sent, and the time between that header and the send.
_LOOKUP_MARGIN = timedelta(minutes=2)
_DUPLICATE_MARKER = "duplicate content"

_log = logging.getLogger(__name__)


def x_post_url(username: str, post_id: str) -> str:
    """The public link to a post."""
    return f"https://x.com/{username}/status/{post_id}"


@dataclass(frozen=True)
class _Me:
    """The token's user, and X's clock when it answered."""

    user_id: str
    username: str
    name: str
    server_now: datetime


class _Duplicate(Exception):
    """X refused a part as duplicate content (403)."""


class XAdapter:
    """Publishes to X: one post, or a thread as a reply chain. See the module docstring.

    Args:
        transport: an httpx transport (tests pass a mock or point `Account.server_url` at
            a local server); None uses httpx's default.
        timeout_s: seconds for connecting and for each read and write.
    """

    def __init__(
        self, transport: httpx.BaseTransport | None = None, timeout_s: float = 10.0
    ) -> None:
        self._transport = transport
        self._timeout = httpx.Timeout(timeout_s)
        # One TLS context for every request: building one reads the CA bundle (~20 ms).
        self._tls = httpx.create_ssl_context()
        # (account secret key, attempt key) -> X's time before this adapter first sent a
        # part of that attempt. Present means "a retry must look before it sends".
        self._sent_since: dict[tuple[str, str], datetime] = {}
        # Finished attempts, so a repeated call (say, the app crashed before recording the
        # result) answers without sending; and one lock per attempt, so two calls for the
        # same attempt never send at the same time.
        self._attempts = http.AttemptMemo()
        # (account secret key, SHA-256 of the token) -> whose token it is, and how far X's
        # clock is ahead of ours (s). /2/users/me has a small daily quota on X's lower
        # tiers, so publishing asks it once per token, not once per post.
        self._whose: dict[tuple[str, str], tuple[_Me, float]] = {}
        self._lock = threading.Lock()

    # -- the Adapter interface -----------------------------------------------------------

    def verify(self, account: Account, credential: str) -> AccountInfo:
        """Check the token and say whose it is (display name and @username)."""
        with self._client(account, credential) as client:
            me = self._me(client, account)
        self._remember(account, credential, me)
        return AccountInfo(display_name=me.name, handle=f"@{me.username}")

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        """Publish `attempt` (a thread as a reply chain), reusing parts an earlier try made."""
        parts = attempt.parts
        if not parts:
            raise RejectedError("There is nothing to publish: the post has no text.")
        for number, part in enumerate(parts, start=1):
            if not part.strip():
                raise RejectedError(f"Part {number} of the post is empty; X needs some text.")
        key = (account.secret_key, attempt.key)
        return self._attempts.run(key, lambda: self._publish(account, credential, attempt, key))

    def _publish(
        self,
        account: Account,
        credential: str,
        attempt: PublishAttempt,
        key: tuple[str, str],
    ) -> PublishResult:
        try:
            return self._send_parts(account, credential, attempt, key)
        except AuthError:
            # The token stopped working: ask X whose a new one is before trusting it.
            with self._lock:
                self._whose.pop((account.secret_key, _digest(credential)), None)
            raise

    def _send_parts(
        self,
        account: Account,
        credential: str,
        attempt: PublishAttempt,
        key: tuple[str, str],
    ) -> PublishResult:
        parts = attempt.parts
        with self._client(account, credential) as client:
            me = self._who(client, account, credential)
            _check_handle(account, me)
            since = self._sent_since.get(key)
            if since is None:
                # Recorded before the first POST, so even a crash mid-request leaves it.
                self._sent_since[key] = me.server_now - _LOOKUP_MARGIN
            ids: list[str] = []
            if since is not None:
                ids = self._reconcile(client, account, me, parts, since)
                _log.info(
                    "X attempt %s: a retry found %d of %d parts already posted",
                    attempt.key,
                    len(ids),
                    len(parts),
                )
            for index in range(len(ids), len(parts)):
                reply_to = ids[-1] if ids else None
                try:
                    post_id = self._create(client, account, parts[index], reply_to)
                except _Duplicate:
                    found = self._find_duplicate(client, account, me, parts[index], reply_to)
                    if found is None and since is not None:
                        # This adapter sent the part before: most likely it is our own
                        # post, not yet in the timeline. Look again later; never re-send.
                        raise OutcomeUnknownError(
                            f"X says part {index + 1} is already posted, but PostDesk cannot "
                            f"see it on @{me.username}'s timeline yet; it will look again."
                        ) from None
                    if found is None:
                        raise RejectedError(
                            f"X refused part {index + 1} as a duplicate of an earlier post by "
                            f"@{me.username}, and PostDesk could not find that post among the "
                            "account's recent posts. X does not allow the same text twice in "
                            "a short time: change the wording or post it later."
                        ) from None
                    post_id = found
                ids.append(post_id)
        _log.info("X attempt %s published as %d post(s)", attempt.key, len(ids))
        return PublishResult(tuple(PostRef(i, x_post_url(me.username, i)) for i in ids))

    # -- requests ------------------------------------------------------------------------

    def _client(self, account: Account, credential: str) -> httpx.Client:
        if not credential:
            raise AuthError(
                f"This computer has no X token for {account.handle}. Add the account again "
                "in Accounts to sign in to X."
            )
        return http.bearer_client(
            account.server_url or X_API_URL,
            credential,
            transport=self._transport,
            timeout=self._timeout,
            verify=self._tls,
        )

    def _who(self, client: httpx.Client, account: Account, credential: str) -> _Me:
        """Whose the token is, asking X only the first time this adapter sees the token."""
        with self._lock:
            known = self._whose.get((account.secret_key, _digest(credential)))
        if known is None:
            me = self._me(client, account)
            self._remember(account, credential, me)
            return me
        me, ahead_s = known
        return replace(me, server_now=datetime.now(UTC) + timedelta(seconds=ahead_s))

    def _remember(self, account: Account, credential: str, me: _Me) -> None:
        ahead_s = (me.server_now - datetime.now(UTC)).total_seconds()
        with self._lock:
            self._whose[(account.secret_key, _digest(credential))] = (me, ahead_s)

    def _me(self, client: httpx.Client, account: Account) -> _Me:
        response = _get(client, "/2/users/me", "check the X account")
        if response.status_code != 200:
            _raise_for(response, account, "check the X account")
        data = _json(response).get("data")
        if not isinstance(data, dict) or not data.get("id") or not data.get("username"):
            raise RetryableError("X answered the account check with something unexpected.")
        username = str(data["username"])
        return _Me(
            str(data["id"]), username, str(data.get("name") or username), http.server_now(response)
        )

    def _create(
        self, client: httpx.Client, account: Account, text: str, reply_to: str | None
    ) -> str:
        body: dict[str, Any] = {"text": text}
        if reply_to is not None:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        try:
            response = client.post("/2/tweets", json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left this computer, so nothing was posted.
            raise RetryableError(_unreachable(client, exc)) from None
        except httpx.HTTPError as exc:
            # Sent (at least in part) but no answer: the post may exist.
            raise OutcomeUnknownError(
                "The post was sent to X but no answer came back "
                f"({type(exc).__name__}); PostDesk will check before sending it again."
            ) from None
        if response.status_code in (200, 201):
            data = _json(response).get("data")
            if isinstance(data, dict) and data.get("id"):
                return str(data["id"])
            raise OutcomeUnknownError(
                "X accepted the post but did not say its id; PostDesk will look it up."
            )
        if response.status_code == 403 and _DUPLICATE_MARKER in _problem(response).lower():
            raise _Duplicate
        _raise_for(response, account, "publish the post")

    def _timeline(
        self, client: httpx.Client, account: Account, me: _Me, since: datetime | None
    ) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {
            "max_results": _LOOKUP_PAGE,
            "tweet.fields": "created_at,referenced_tweets,entities",
        }
        if since is not None:
            params["start_time"] = _iso(since)
        response = _get(
            client, f"/2/users/{me.user_id}/tweets", "look up recent posts", params=params
        )
        if response.status_code != 200:
            _raise_for(response, account, "look up the account's recent posts")
        data = _json(response).get("data") or []
        tweets = [t for t in data if isinstance(t, dict) and t.get("id")]
        if since is not None:
            # Also filter here: the time limit is what keeps an older identical post from
            # being taken for this one.
            tweets = [t for t in tweets if (_created_at(t) or since) >= since]
        # Oldest first, so the first match is the first post this attempt made.
        return sorted(tweets, key=lambda t: (len(str(t["id"])), str(t["id"])))

    def _reconcile(
        self,
        client: httpx.Client,
        account: Account,
        me: _Me,
        parts: tuple[str, ...],
        since: datetime,
    ) -> list[str]:
        """The ids of the leading parts already on X, as a reply chain."""
        tweets = self._timeline(client, account, me, since)
        ids: list[str] = []
        for part in parts:
            found = _match(tweets, part, ids[-1] if ids else None)
            if found is None:
                break
            ids.append(found)
        return ids

    def _find_duplicate(
        self,
        client: httpx.Client,
        account: Account,
        me: _Me,
        part: str,
        reply_to: str | None,
    ) -> str | None:
        """After X's 403 "duplicate": the earlier identical post, if it is visible."""
        return _match(self._timeline(client, account, me, None), part, reply_to)


# -- helpers -------------------------------------------------------------------------------


def _get(
    client: httpx.Client,
    path: str,
    action: str,
    params: Mapping[str, str | int] | None = None,
) -> httpx.Response:
    """A GET: it changes nothing on X, so every transport failure is simply retryable."""
    try:
        return client.get(path, params=params)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise RetryableError(_unreachable(client, exc)) from None
    except httpx.HTTPError as exc:
        raise RetryableError(
            f"X did not answer when PostDesk tried to {action} ({type(exc).__name__}); "
            "PostDesk will try again."
        ) from None


def _unreachable(client: httpx.Client, exc: Exception) -> str:
    host = client.base_url.host or str(client.base_url)
    return (
        f"PostDesk could not reach X at {host} ({type(exc).__name__}). Check this computer's "
        "internet connection; PostDesk will try again. Nothing was posted."
    )


def _raise_for(response: httpx.Response, account: Account, action: str) -> NoReturn:
    """Turn an error answer into the adapter's error tree; messages never hold the token."""
    status = response.status_code
    detail = _problem(response)
    if status == 401:
        raise AuthError(
            f"X did not accept the token for {account.handle}: it has been revoked or has "
            "expired. Sign in to X again for this account in Accounts to store a new token."
        )
    if status == 429:
        retry_after = _retry_after(response)
        when = (
            f" It resets in about {max(1, round(retry_after / 60))} min."
            if retry_after is not None
            else ""
        )
        raise RetryableError(
            f"X's rate limit for this account or app is used up, so PostDesk could not {action}."
            f"{when} PostDesk will try again.",
            retry_after,
        )
    if status == 408 or status >= 500:
        raise RetryableError(
            f"X had a temporary problem (HTTP {status}) when PostDesk tried to {action}; "
            "PostDesk will try again.",
            _retry_after(response),
        )
    if status == 403:
        raise RejectedError(f"X refused to let PostDesk {action} (HTTP 403): {detail}")
    raise RejectedError(f"X refused to {action} (HTTP {status}): {detail}")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _problem(response: httpx.Response) -> str:
    """X's own words for an error: a problem object's detail and title, shortened."""
    body = _json(response)
    words = [str(body[k]) for k in ("detail", "title") if isinstance(body.get(k), str)]
    errors = body.get("errors")
    if not words and isinstance(errors, list):
        words = [str(e.get("message") or e.get("detail")) for e in errors if isinstance(e, dict)]
    text = " ".join(dict.fromkeys(w for w in words if w)) or response.reason_phrase
    # The request's own token must never come back through a message.
    auth = response.request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip()
    if token:
        text = text.replace(token, "********")
    return text[:300]


def _digest(credential: str) -> str:
    """A token's SHA-256, to tell tokens apart without keeping them."""
    return hashlib.sha256(credential.encode()).hexdigest()


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds until X allows another try, from Retry-After and the *-reset headers."""
    headers = response.headers
    now = http.server_now(response).timestamp()
    asked = http.retry_after(response)
    waits: list[float] = [] if asked is None else [asked]
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        reset = headers.get(f"{prefix}-reset")
        remaining = headers.get(f"{prefix}-remaining")
        # A limit with requests left is not the one that stopped us.
        if reset and (remaining is None or remaining.strip() == "0"):
            with contextlib.suppress(ValueError):
                waits.append(float(reset) - now)
    return max(0.0, max(waits)) if waits else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _created_at(tweet: Mapping[str, Any]) -> datetime | None:
    value = tweet.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _as_posted(tweet: Mapping[str, Any]) -> str:
    """A post's text as it was sent: t.co links expanded, HTML entities undone."""
    text = str(tweet.get("text", ""))
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for url in urls if isinstance(urls, list) else []:
        if isinstance(url, dict) and url.get("url") and url.get("expanded_url"):
            text = text.replace(str(url["url"]), str(url["expanded_url"]))
    return html.unescape(text)


def _reply_target(tweet: Mapping[str, Any]) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return str(ref.get("id"))
    return None


def _match(tweets: list[dict[str, Any]], text: str, reply_to: str | None) -> str | None:
    """The first post with exactly `text` that replies to `reply_to` (None: no reply)."""
    wanted = _normal(text)
    for tweet in tweets:
        if _reply_target(tweet) == reply_to and _normal(_as_posted(tweet)) == wanted:
            return str(tweet["id"])
    return None


def _check_handle(account: Account, me: _Me) -> None:
    """Refuse to post with a token that belongs to a different X account."""
    expected = account.handle.strip().removeprefix("@").lower()
    if expected and expected != me.username.lower():
        raise AuthError(
            f"The X token stored for {account.handle} belongs to @{me.username}. Sign in to X "
            f"as {account.handle} and store its token again in Accounts."
        )
