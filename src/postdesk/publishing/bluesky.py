"""Publishing to Bluesky (any AT Protocol PDS), exactly once, over plain XRPC with httpx.

How a post is made exactly once: the orchestrator picks a record key (a TID) and a
``createdAt`` for every part before the first attempt and stores them
(`new_record_keys`, `new_created_at`). Each part is then written with
``com.atproto.repo.putRecord`` and ``"swapRecord": null``, which means "create this record
only if the key is free": a retry of the same record is a no-op that returns the same
uri and cid, so a retry after a lost answer can never make a second post
(shared/design/TEST-PEERS.md 1.3-1.4, verified against the reference PDS).

Why not the ``atproto`` SDK: it drops ``swap_record=None`` from the request, and the call
then silently overwrites (TEST-PEERS.md 1.4), so the one call that matters has to be raw
XRPC anyway. Every call is raw XRPC here, which also lets the adapter tell "could not
connect" (nothing was sent: retry) from "sent, but no answer" (outcome unknown: reconcile)
exactly, which the SDK's errors do not.

Sign-in: the credential is an app password (Bluesky: Settings, Privacy and security, App
passwords). It is exchanged for a session with ``com.atproto.server.createSession``; the
session is cached in memory per account and refreshed with
``com.atproto.server.refreshSession`` shortly before its access token expires, or when the
server says it has (401, ``InvalidToken``, ``ExpiredToken``). The main account password is
refused: it can change the account's email and password, so it must never sit in the
keyring (the access token's ``scope`` claim tells the two apart).

Rich text: links, mentions and hashtags become facets (`postdesk.publishing.richtext`);
mentions are resolved to DIDs with ``com.atproto.identity.resolveHandle`` on the same PDS,
and a handle no account has stays plain text. A thread is a reply chain: every part after
the first has ``reply.root`` (the first part) and ``reply.parent`` (the part before) as
strong references (uri + cid).

If a record key is already taken by a different record (``InvalidSwap``), the adapter
reconciles instead of failing: it reads the record, and if its text, createdAt and reply
targets are this part's, it is this attempt's own post from an earlier try whose facets
came out differently (a mention that resolved then and not now, or to a new DID; or a
reply ref whose parent was itself reconciled), and its uri and cid are used. Anything else
is a real conflict and a `RejectedError`: PostDesk never overwrites a post.

`PostRef.post_id` is the post's ``at://`` URI; `PostRef.url` is its bsky.app web address,
``https://bsky.app/profile/<handle>/post/<rkey>``. A local or self-hosted PDS has no web
view of its own, and bsky.app only shows posts of accounts the Bluesky network indexes, so
for a test PDS (handles ending in ``.test``) that link does not open anything.

Secrets: the app password and the session tokens are sent only in request bodies and the
Authorization header, never logged, and never put in an exception message (every message
built from server text passes through `_redact`). Exceptions are raised ``from None`` so a
crash report cannot reach them through an httpx request object either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from postdesk import __version__
from postdesk.publishing import http, richtext
from postdesk.publishing.adapter import (
    Account,
    AccountInfo,
    AuthError,
    OutcomeUnknownError,
    PostRef,
    PublishAttempt,
    PublishError,
    PublishResult,
    RejectedError,
    RetryableError,
)

# The orchestrator's helpers for the keys and timestamps chosen before the first attempt
# (one implementation, in tid.py; re-exported so Bluesky code needs one import).
from postdesk.publishing.tid import new_created_at, new_record_keys

__all__ = [
    "POST_COLLECTION",
    "BlueskyAdapter",
    "new_created_at",
    "new_record_keys",
    "post_url",
]

logger = logging.getLogger(__name__)

POST_COLLECTION = "app.bsky.feed.post"
PROFILE_COLLECTION = "app.bsky.actor.profile"
WEB_BASE = "https://bsky.app"
# atproto TID syntax: 13 base32-sortable characters, top bit zero.
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
# Refresh this long before the access token's exp, so a request never races its expiry.
REFRESH_MARGIN_S = 60.0
# Error names a PDS uses for a bad or expired access token. The reference PDS answers a
# garbage token with 400 InvalidToken, not 401 (TEST-PEERS.md 1.3).
_TOKEN_ERRORS = frozenset({"InvalidToken", "ExpiredToken", "AuthMissing"})
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_APP_PASSWORD_HELP = (
    "Create a new app password in Bluesky (Settings, Privacy and security, App passwords) "
    "and add the account again in PostDesk."
)

T = TypeVar("T")


def post_url(handle: str, rkey: str) -> str:
    """The bsky.app address of a post (a local PDS has no web view: see the module doc)."""
    return f"{WEB_BASE}/profile/{handle}/post/{rkey}"


@dataclass
class _Session:
    """A signed-in session. Tokens are kept out of repr so no log or traceback shows them."""

    did: str
    handle: str
    access_jwt: str = field(repr=False)
    refresh_jwt: str = field(repr=False)
    # Which credential made it: a re-entered app password must not reuse the old session.
    fingerprint: bytes = field(repr=False)
    expires_at: float | None = None  # the access token's exp (epoch s), if it says

    def expiring(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at - REFRESH_MARGIN_S


class _Refused(Exception):
    """A 4xx answer other than 408/429: what the caller makes of it depends on the call."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(f"{status} {error}")
        self.status = status
        self.error = error
        self.message = message


class _TokenRefused(_Refused):
    """The access (or refresh) token was refused: sign in again, then retry once."""


class BlueskyAdapter:
    """The Bluesky adapter (see the module doc). Safe to share between threads.

    Args:
        timeout_s: seconds to wait to connect, and for each read or write of a request.
        transport: an httpx transport to use instead of the network (tests).
    """

    def __init__(self, timeout_s: float = 10.0, transport: httpx.BaseTransport | None = None):
        self._timeout_s = timeout_s
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            follow_redirects=False,  # an XRPC call is never redirected; never resend a token
            headers={"User-Agent": f"PostDesk/{__version__}"},
        )
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        # Keyed hashes tell whether a cached session belongs to the credential given now,
        # without keeping a reusable hash of the app password.
        self._fingerprint_key = secrets.token_bytes(32)

    # -- the Adapter interface -------------------------------------------------------------

    def verify(self, account: Account, credential: str) -> AccountInfo:
        """Sign in with the app password and say whose account it is.

        Returns:
            The display name from the account's app.bsky.actor.profile record, or the
            handle when it has none; and the handle the server reports.

        Raises:
            AuthError: the app password is wrong or revoked, or is the main password.
            RetryableError: the server could not be reached or answered 5xx/408/429.
            RejectedError: the server address is not usable.
        """
        self._login(account, credential)  # always checks the credential itself

        def read_profile(session: _Session) -> AccountInfo:
            profile = self._get_record(account, session, PROFILE_COLLECTION, "self")
            name = ""
            if profile is not None:
                value = profile.get("value")
                if isinstance(value, dict) and isinstance(value.get("displayName"), str):
                    name = value["displayName"].strip()
            return AccountInfo(display_name=name or session.handle, handle=session.handle)

        return self._authed(account, credential, read_profile)

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        """Publish each part with its own record key, as a reply chain; a retry is a no-op.

        Raises:
            AuthError: the app password is wrong, revoked, or no longer gives a session.
            RejectedError: Bluesky refused a part (too long, invalid), or a different post
                already has its record key; or the attempt has no valid record keys.
            RetryableError: nothing was sent, or the server said to try again.
            OutcomeUnknownError: a part was sent and no answer came; retry the same attempt.
        """
        _check_attempt(attempt)
        return self._authed(account, credential, lambda s: self._publish(account, s, attempt))

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections and forget every session."""
        with self._lock:
            self._sessions.clear()
        self._client.close()

    def __enter__(self) -> BlueskyAdapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- publishing -------------------------------------------------------------------------

    def _publish(
        self, account: Account, session: _Session, attempt: PublishAttempt
    ) -> PublishResult:
        total = len(attempt.parts)
        dids: dict[str, str | None] = {}  # one resolveHandle per handle per publish

        def resolve(handle: str) -> str | None:
            if handle not in dids:
                dids[handle] = self._resolve_handle(account, handle)
            return dids[handle]

        posts: list[PostRef] = []
        root: dict[str, str] | None = None
        parent: dict[str, str] | None = None
        for number, (text, rkey, created_at) in enumerate(
            zip(attempt.parts, attempt.record_keys, attempt.created_at, strict=True), start=1
        ):
            record: dict[str, Any] = {"$type": POST_COLLECTION, "text": text}
            record["langs"] = [attempt.language]
            facets = richtext.build_facets(text, resolve)
            if facets:
                record["facets"] = facets
            if root is not None and parent is not None:
                record["reply"] = {"root": root, "parent": parent}
            record["createdAt"] = created_at
            label = f"part {number} of {total}" if total > 1 else "the post"
            ref = self._put_once(account, session, rkey, record, label, published=len(posts))
            root = root or ref
            parent = ref
            posts.append(PostRef(post_id=ref["uri"], url=post_url(session.handle, rkey)))
            logger.info("Bluesky: %s of %s is %s", label, session.handle, ref["uri"])
        return PublishResult(tuple(posts))

    def _put_once(
        self,
        account: Account,
        session: _Session,
        rkey: str,
        record: dict[str, Any],
        label: str,
        *,
        published: int,
    ) -> dict[str, str]:
        """Create the record under `rkey` unless it exists; its strong ref (uri, cid)."""
        body = {
            "repo": session.did,
            "collection": POST_COLLECTION,
            "rkey": rkey,
            "record": record,
            # Explicit null = "only if absent": never sent by the SDK, so raw XRPC.
            "swapRecord": None,
        }
        try:
            answer = self._call(
                account,
                "POST",
                "com.atproto.repo.putRecord",
                session=session,
                body=body,
                write=True,
            )
        except _TokenRefused:
            raise
        except _Refused as refused:
            if refused.error == "InvalidSwap":
                return self._reconcile(account, session, rkey, record, label)
            already = f" The first {published} part(s) are published." if published else ""
            raise RejectedError(
                f"Bluesky refused {label}: {self._server_text(refused, session)}.{already}"
            ) from None
        ref = _strong_ref(answer)
        if ref is None:
            # A 2xx we cannot read: the record may well exist, so never treat it as unsent.
            raise OutcomeUnknownError(
                f"Bluesky's answer to {label} could not be read; PostDesk will check again "
                "with the same record key, so it cannot be posted twice."
            )
        return ref

    def _reconcile(
        self, account: Account, session: _Session, rkey: str, record: dict[str, Any], label: str
    ) -> dict[str, str]:
        """The record key is taken: accept the record if it is this part's (module doc)."""
        existing = self._get_record(account, session, POST_COLLECTION, rkey)
        value = existing.get("value") if existing is not None else None
        ref = _strong_ref(existing) if existing is not None else None
        if isinstance(value, dict) and ref is not None and _same_post(value, record):
            logger.warning(
                "Bluesky: %s of %s was already published with different facets; keeping it",
                label,
                session.handle,
            )
            return ref
        raise RejectedError(
            f"A different post already exists on Bluesky under the record key of {label} "
            f"(at://{session.did}/{POST_COLLECTION}/{rkey}), so PostDesk did not publish it "
            "and did not overwrite that post. Check the account's posts on Bluesky."
        )

    def _resolve_handle(self, account: Account, handle: str) -> str | None:
        """The DID of `handle`, or None when no account has it (the mention stays text)."""
        try:
            answer = self._call(
                account, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle}
            )
        except _Refused:
            # 400 "Unable to resolve handle". A temporary failure (5xx, network) raises
            # RetryableError instead: a post must not lose a mention's link for a blip.
            return None
        did = answer.get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    def _get_record(
        self, account: Account, session: _Session, collection: str, rkey: str
    ) -> dict[str, Any] | None:
        """The record (uri, cid, value), or None when it does not exist."""
        params = {"repo": session.did, "collection": collection, "rkey": rkey}
        try:
            return self._call(
                account, "GET", "com.atproto.repo.getRecord", session=session, params=params
            )
        except _TokenRefused:
            raise
        except _Refused as refused:
            if refused.error == "RecordNotFound" or refused.status == 404:
                return None
            raise RejectedError(
                f"Bluesky refused to read {collection}/{rkey}: "
                f"{self._server_text(refused, session)}"
            ) from None

    # -- sessions ---------------------------------------------------------------------------

    def _authed(self, account: Account, credential: str, action: Callable[[_Session], T]) -> T:
        """Run `action` with a session; if its token is refused, renew once, then AuthError."""
        try:
            return action(self._session(account, credential))
        except _TokenRefused:
            logger.info("Bluesky: the session of %s was refused; signing in again", account.handle)
        try:
            return action(self._session(account, credential, renew=True))
        except _TokenRefused:
            self._forget(account)
            raise AuthError(
                f"Bluesky no longer accepts the app password for {_handle(account)}: it was "
                f"revoked, or the account was signed out. {_APP_PASSWORD_HELP}"
            ) from None

    def _session(self, account: Account, credential: str, *, renew: bool = False) -> _Session:
        """The cached session for this account and credential, refreshed when due."""
        fingerprint = self._fingerprint(credential)
        with self._lock:
            cached = self._sessions.get(account.secret_key)
        if cached is not None and cached.fingerprint == fingerprint:
            if not renew and not cached.expiring(time.time()):
                return cached
            try:
                return self._refresh(account, cached)
            except _Refused:
                pass  # the refresh token expired or was revoked: sign in with the password
        return self._login(account, credential)

    def _login(self, account: Account, credential: str) -> _Session:
        """com.atproto.server.createSession with the app password."""
        handle = _handle(account)
        try:
            answer = self._call(
                account,
                "POST",
                "com.atproto.server.createSession",
                body={"identifier": handle, "password": credential},
                secret=credential,
            )
        except _Refused as refused:
            raise AuthError(self._login_refused(account, refused, credential)) from None
        session = self._new_session(answer, self._fingerprint(credential), account)
        if _jwt_claims(session.access_jwt).get("scope") == "com.atproto.access":
            # A full-access token only comes from the main password: refuse to keep it,
            # and end the session so its refresh token does not live on at the server.
            self._end_session(account, session)
            raise AuthError(
                f"This is the main password of {handle}. PostDesk needs an app password "
                "instead, which can post but cannot change the account's email or password. "
                + _APP_PASSWORD_HELP
            )
        self._store(account, session)
        logger.info("Bluesky: signed in as %s (%s)", session.handle, session.did)
        return session

    def _end_session(self, account: Account, session: _Session) -> None:
        """com.atproto.server.deleteSession, best effort (nothing depends on it)."""
        try:
            self._call(
                account,
                "POST",
                "com.atproto.server.deleteSession",
                session=session,
                use_refresh=True,
            )
        except (_Refused, PublishError):
            logger.info("Bluesky: could not end the refused session of %s", session.handle)

    def _refresh(self, account: Account, old: _Session) -> _Session:
        """com.atproto.server.refreshSession with the refresh token."""
        answer = self._call(
            account, "POST", "com.atproto.server.refreshSession", session=old, use_refresh=True
        )
        session = self._new_session(answer, old.fingerprint, account)
        self._store(account, session)
        logger.info("Bluesky: refreshed the session of %s", session.handle)
        return session

    def _new_session(
        self, answer: dict[str, Any], fingerprint: bytes, account: Account
    ) -> _Session:
        access, refresh = answer.get("accessJwt"), answer.get("refreshJwt")
        did, handle = answer.get("did"), answer.get("handle")
        if not (
            isinstance(access, str)
            and isinstance(refresh, str)
            and isinstance(did, str)
            and did.startswith("did:")
        ):
            raise RetryableError(
                f"The Bluesky server {_server(account)} gave an unreadable sign-in answer."
            )
        exp = _jwt_claims(access).get("exp")
        return _Session(
            did=did,
            # "handle.invalid" means the handle's DNS or well-known check fails: the DID
            # still identifies the account, and bsky.app accepts it in profile links.
            handle=handle if isinstance(handle, str) and handle != "handle.invalid" else did,
            access_jwt=access,
            refresh_jwt=refresh,
            fingerprint=fingerprint,
            expires_at=float(exp) if isinstance(exp, int | float) else None,
        )

    def _store(self, account: Account, session: _Session) -> None:
        with self._lock:
            self._sessions[account.secret_key] = session

    def _forget(self, account: Account) -> None:
        with self._lock:
            self._sessions.pop(account.secret_key, None)

    def _fingerprint(self, credential: str) -> bytes:
        return hmac.new(self._fingerprint_key, credential.encode(), hashlib.sha256).digest()

    def _login_refused(self, account: Account, refused: _Refused, credential: str) -> str:
        handle = _handle(account)
        if refused.status == 401 or refused.error == "AuthenticationRequired":
            return (
                f"Bluesky did not accept the app password for {handle}: it is wrong, or it "
                f"was revoked. {_APP_PASSWORD_HELP}"
            )
        if refused.error == "AuthFactorTokenRequired":
            return (
                f"Bluesky asked for an email sign-in code for {handle}, which means this is "
                f"the account's main password. PostDesk needs an app password. "
                + _APP_PASSWORD_HELP
            )
        if refused.error in {"AccountTakedown", "AccountDeactivated"}:
            return f"Bluesky cannot sign in to {handle}: {_redact(refused.message, [credential])}"
        return (
            f"Bluesky refused to sign in to {handle} ({refused.status}): "
            f"{_redact(refused.message, [credential])}"
        )

    # -- HTTP -------------------------------------------------------------------------------

    def _call(
        self,
        account: Account,
        method: str,
        nsid: str,
        *,
        session: _Session | None = None,
        use_refresh: bool = False,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        write: bool = False,
        secret: str | None = None,
    ) -> dict[str, Any]:
        """One XRPC call; maps every failure onto the adapter's error tree.

        Args:
            write: the call creates something, so a lost answer is an unknown outcome
                (OutcomeUnknownError) rather than a plain retry.
            secret: a credential in the body, to keep out of any message.

        Raises:
            _TokenRefused: the session's token was refused (401, InvalidToken...).
            _Refused: any other 4xx except 408 and 429.
            RetryableError, OutcomeUnknownError: as the module doc says.
        """
        base = _base_url(account)
        headers: dict[str, str] = {}
        if session is not None:
            token = session.refresh_jwt if use_refresh else session.access_jwt
            headers["Authorization"] = f"Bearer {token}"
        server = _server(account)
        try:
            response = self._client.request(
                method, f"{base}/xrpc/{nsid}", params=params, json=body, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the server: safe to send again.
            raise RetryableError(
                f"Could not reach the Bluesky server {server} ({_reason(exc)}). "
                "Check the network connection; PostDesk will try again."
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise RejectedError(
                f"The Bluesky server address {server} is not valid: use https://..."
            ) from None
        except httpx.LocalProtocolError:
            # httpx refused to build the request (an illegal header value): nothing was
            # sent, and sending it again would fail the same way. Its text quotes the
            # header, which may be the Authorization one, so it is left out.
            raise RejectedError(
                f"PostDesk could not send a request to {server} (an invalid header)."
            ) from None
        except httpx.TransportError as exc:
            # Sent (at least in part), then the connection failed or the answer timed out.
            if write:
                raise OutcomeUnknownError(
                    f"The Bluesky server {server} did not answer after PostDesk sent the "
                    f"post ({_reason(exc)}), so it may already be published. PostDesk will "
                    "check with the same record key, so it cannot be posted twice."
                ) from None
            raise RetryableError(
                f"The Bluesky server {server} did not answer ({_reason(exc)}); "
                "PostDesk will try again."
            ) from None

        status = response.status_code
        if 200 <= status < 300:
            if not response.content.strip():
                return {}  # a procedure without output (deleteSession) answers 200, empty
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                return answer
            if write:
                return {}  # the caller treats an unreadable write answer as unknown
            raise RetryableError(f"The Bluesky server {server} sent an unreadable answer.")
        error, message = _error_of(response)
        if status in (408, 429) or status >= 500:
            what = "is busy (rate limit)" if status == 429 else f"had a problem ({status})"
            shown = _redact(message, _secrets(session, secret))
            raise RetryableError(
                f"The Bluesky server {server} {what}: {shown}",
                retry_after=_retry_after(response),
            )
        if session is not None and (status == 401 or error in _TOKEN_ERRORS):
            raise _TokenRefused(status, error, message)
        raise _Refused(status, error, message)

    def _server_text(self, refused: _Refused, session: _Session | None) -> str:
        text = _redact(refused.message or refused.error or str(refused.status), _secrets(session))
        return text.rstrip(".")


# -- helpers ---------------------------------------------------------------------------------


def _check_attempt(attempt: PublishAttempt) -> None:
    """A Bluesky attempt needs one TID and one createdAt per part, chosen up front."""
    if not attempt.parts:
        raise RejectedError("There is nothing to publish: the post has no text.")
    if len(attempt.record_keys) != len(attempt.parts) or len(attempt.created_at) != len(
        attempt.parts
    ):
        raise RejectedError(
            "This post was prepared without Bluesky record keys, so PostDesk cannot publish "
            "it safely (a retry could post it twice). Publish it again to prepare new keys."
        )
    bad = [key for key in attempt.record_keys if not TID_PATTERN.match(key)]
    if bad or len(set(attempt.record_keys)) != len(attempt.record_keys):
        raise RejectedError(
            "This post's Bluesky record keys are not valid, unique TIDs, so PostDesk cannot "
            "publish it safely. Publish it again to prepare new keys."
        )


def _same_post(existing: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether `existing` is `record` written by an earlier try (facets may differ)."""

    def reply_uris(value: dict[str, Any]) -> tuple[object, object]:
        reply = value.get("reply")
        if not isinstance(reply, dict):
            return (None, None)
        root, parent = reply.get("root"), reply.get("parent")
        return (
            root.get("uri") if isinstance(root, dict) else None,
            parent.get("uri") if isinstance(parent, dict) else None,
        )

    return (
        existing.get("$type") == record["$type"]
        and existing.get("text") == record["text"]
        and existing.get("createdAt") == record["createdAt"]
        and reply_uris(existing) == reply_uris(record)
    )


def _strong_ref(answer: dict[str, Any]) -> dict[str, str] | None:
    uri, cid = answer.get("uri"), answer.get("cid")
    if isinstance(uri, str) and uri.startswith("at://") and isinstance(cid, str) and cid:
        return {"uri": uri, "cid": cid}
    return None


def _handle(account: Account) -> str:
    return account.handle.strip().lstrip("@")


def _server(account: Account) -> str:
    return account.server_url.rstrip("/")


def _base_url(account: Account) -> str:
    """The PDS base URL; plain http only to this machine, so a password never goes in clear."""
    server = _server(account)
    parts = urlsplit(server)
    if parts.scheme == "https" and parts.hostname:
        return server
    if parts.scheme == "http" and parts.hostname and http.is_loopback(parts.hostname):
        return server
    raise RejectedError(
        f"The Bluesky server address {server or '(empty)'} must start with https:// "
        "(plain http is allowed only to this computer, for tests)."
    )


def _error_of(response: httpx.Response) -> tuple[str, str]:
    """The XRPC error name and message of a failed response (a body may not be JSON)."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        error = payload.get("error")
        message = payload.get("message")
        return (
            error if isinstance(error, str) else "",
            message if isinstance(message, str) else (error if isinstance(error, str) else ""),
        )
    return "", response.text[:200].strip() or response.reason_phrase


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait: Retry-After (seconds or HTTP date), else atproto's RateLimit-Reset."""
    asked = http.retry_after(response)
    if asked is not None:
        return asked
    reset = response.headers.get("RateLimit-Reset")
    if reset is not None and response.status_code == 429:
        try:
            return max(float(reset) - time.time(), 0.0)
        except ValueError:
            return None
    return None


def _reason(exc: httpx.HTTPError) -> str:
    """A short, secret-free reason: the exception type, and its text when it has one."""
    name = type(exc).__name__
    text = _JWT.sub("[token]", str(exc)).strip()
    return f"{name}: {text}" if text else name


def _secrets(session: _Session | None, extra: str | None = None) -> list[str]:
    found = [extra] if extra else []
    if session is not None:
        found += [session.access_jwt, session.refresh_jwt]
    return found


def _redact(text: str, secrets_: Iterable[str]) -> str:
    """`text` without any of `secrets_` and without anything shaped like a JWT."""
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _JWT.sub("[token]", text)


def _jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified (only to read exp and scope; the server verifies)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}
