"""Mastodon through its documented REST API (docs.joinmastodon.org), with httpx.

Calls made:

* ``GET /api/v1/accounts/verify_credentials``: whose token this is (``id``, ``acct``,
  ``display_name``). 401 means the token was revoked or is wrong.
* ``GET /api/v2/instance``: the server's ``domain`` and
  ``configuration.statuses.max_characters`` / ``characters_reserved_per_url``, which feed
  PostDesk's counting. Servers older than Mastodon 4.0 only have ``/api/v1/instance``
  (``uri`` instead of ``domain``); where a value is missing, 500 and 23 (Mastodon's
  defaults) are used.
* ``POST /api/v1/statuses`` with JSON ``{"status", "visibility": "public",
  "in_reply_to_id"}`` and an ``Idempotency-Key`` header. A thread is a reply chain: each
  part replies to the previous one.
* ``GET /api/v1/accounts/:id/statuses`` (``min_id``, ``limit=40``) and
  ``GET /api/v1/statuses/:id/source`` (the exact text as posted): only to reconcile,
  see below.

Exactly once
------------
Mixpost #205 shows what a careless retry does (the same post twice), and Mixpost #184 what a
careless success does (a failure shown as published). Three layers stop both here:

1. **Idempotency-Key.** Part ``i`` of an attempt is always sent with the key
   ``f"{attempt.key}-{i}"``. Mastodon keeps a key for one hour per account and answers a
   repeated request with the status it already made, so any retry in that hour, even after
   a crash, gets the same post back. mastodon-mock (the test peer) honours the key the
   same way (per account, and without expiry).
2. **What this adapter already knows.** The adapter remembers, per account and attempt key,
   the parts it has seen published; a retry resumes after them and never sends an earlier
   part again. Keep one adapter for the life of the app (the publisher does).
3. **A lookup before re-sending after an unclear answer.** When a send ends without a clear
   answer (the connection dropped or timed out after the request went out, a 5xx, a 2xx
   that cannot be read), the part may exist. Before sending it again, the adapter lists
   the account's statuses made after a baseline and compares their exact text
   (``/source``, not the HTML ``content``, which is not the text that was sent) and their
   reply target with the part. The baseline is the account's newest status id, read before
   the first part was first sent; for later parts it is the previous part's own id, so
   an identical post made on purpose earlier is never mistaken for this one. This covers
   what the key cannot: a retry more than an hour later in the same run, and servers
   that ignore the key (the tests strip it to prove this layer alone holds).

Limits: after a restart the adapter knows nothing, so only the key protects a re-send, and
only for an hour; a request still in flight on the server when the lookup runs (a slow
server that had not finished it) can be found only by the key.

What counts as "nothing was sent": a failure to connect (DNS, refused, connect timeout) and
the answers 401, 403, 408, 422, 429. Everything else after the request went out is
treated as "may have been published".

Tokens: sent only in the Authorization header, and only over https (or to a loopback
address, for tests). No message, exception or log line built here contains the token;
server error text is scrubbed of it in case a server echoes it, and no httpx exception
(whose request object carries the header) is chained to the errors raised.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, NoReturn

import httpx

from postdesk import __version__
from postdesk.publishing import http
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

__all__ = [
    "DEFAULT_CHARACTERS_RESERVED_PER_URL",
    "DEFAULT_MAX_CHARACTERS",
    "MastodonAdapter",
]

# Mastodon's own defaults, used when a server does not say.
DEFAULT_MAX_CHARACTERS = 500
DEFAULT_CHARACTERS_RESERVED_PER_URL = 23
# The most statuses Mastodon returns in one page; the part sought was posted right after the
# baseline, so it is in the first page after it unless 40 others came in between.
_LOOKUP_LIMIT = 40
# Server error text is shown to people: keep it to a sentence or two.
_ERROR_TEXT_LIMIT = 300
# Attempts remembered per adapter (a few a day are published; this is weeks of them).
_REMEMBERED_ATTEMPTS = 256
_USER_AGENT = f"PostDesk/{__version__}"

_log = logging.getLogger(__name__)


@dataclass
class _Progress:
    """What this adapter knows about one attempt on one account.

    Attributes:
        lock: held while the attempt is being published, so two calls with the same key
            (which the publisher never makes) cannot both send a part.
        posts: the parts seen published, in order.
        maybe_sent: parts whose send ended without a clear answer: look before re-sending.
        account_id: the account's id on the server, needed for the lookup.
        baseline: the account's newest status id before the first part was first sent
            (None if it had none); meaningful only when `baseline_taken`.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    posts: list[PostRef] = field(default_factory=list)
    maybe_sent: set[int] = field(default_factory=set)
    account_id: str | None = None
    baseline: str | None = None
    baseline_taken: bool = False


class MastodonAdapter:
    """Publishes to a Mastodon server: one post, or a thread as a reply chain.

    See the module docstring for how a retry avoids posting twice. Keep one adapter for
    the life of the app: what it learns about unfinished attempts lives in it.

    Args:
        transport: an httpx transport to send requests through; None uses httpx's default
            (with the system's proxy settings, as a department's network may need).
        timeout_s: seconds allowed for connecting, and for each read and write.
    """

    def __init__(
        self, transport: httpx.BaseTransport | None = None, timeout_s: float = 10.0
    ) -> None:
        self._transport = transport
        self._timeout = httpx.Timeout(timeout_s)
        self._progress: OrderedDict[tuple[str, str], _Progress] = OrderedDict()
        self._lock = threading.Lock()
        # Loading the CA certificates takes about 20 ms: once per adapter, not per call.
        self._tls: ssl.SSLContext | None = None

    # -- the Adapter interface -----------------------------------------------------------

    def verify(self, account: Account, credential: str) -> AccountInfo:
        """Check the token and read whose it is and the server's limits.

        Returns:
            The display name, the full handle (``@name@domain``) and the server's
            ``max_characters`` and ``characters_reserved_per_url``.

        Raises:
            AuthError: the token was revoked, is wrong, or may not be used.
            RetryableError: the server could not be reached or had a temporary problem.
            PublishError: the server address is not usable.
        """
        with self._session(account, credential) as session:
            me = session.json_object(
                session.get("/api/v1/accounts/verify_credentials", "checking the token"),
                "checking the token",
            )
            instance = session.instance()
        acct = _text(me.get("acct")) or _text(me.get("username"))
        if not acct:
            raise RetryableError(
                f"{session.host} answered the token check without an account name; "
                "try adding the account again later."
            )
        domain = _text(instance.get("domain")) or _text(instance.get("uri"))
        domain = domain or session.base_url.host
        handle = f"@{acct}" if "@" in acct else f"@{acct}@{domain}"
        statuses = _mapping(_mapping(instance.get("configuration")).get("statuses"))
        return AccountInfo(
            display_name=_text(me.get("display_name")) or acct,
            handle=handle,
            max_characters=_positive_int(statuses.get("max_characters"))
            # Pleroma and Akkoma name it max_toot_chars, at the top level of v1.
            or _positive_int(instance.get("max_toot_chars"))
            or DEFAULT_MAX_CHARACTERS,
            characters_reserved_per_url=_positive_int(statuses.get("characters_reserved_per_url"))
            or DEFAULT_CHARACTERS_RESERVED_PER_URL,
        )

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        """Publish `attempt` as a reply chain, reusing every part an earlier try made.

        Raises:
            AuthError: the token was refused (401/403); nothing more was sent.
            RejectedError: the server refused a part (422 or another 4xx).
            RetryableError: nothing (more) was published; try again after `retry_after`.
            OutcomeUnknownError: a part was sent but no answer came back; try again with
                the same attempt, which finds the part instead of posting it twice.
        """
        parts = attempt.parts
        if not parts:
            raise RejectedError("There is nothing to publish: the post has no text.")
        progress = self._progress_for(account, attempt.key)
        with progress.lock, self._session(account, credential) as session:
            failure: PublishError | None = None
            try:
                for index in range(len(progress.posts), len(parts)):
                    progress.posts.append(self._publish_part(session, progress, attempt, index))
            except PublishError as exc:
                failure = _with_progress(exc, progress, len(parts))
                _log.warning("Mastodon attempt %s: %s", attempt.key, failure.message)
            # Raised outside the except block: the error carries no chained context.
            if failure is not None:
                raise failure
            _log.info(
                "Mastodon attempt %s published as %d post(s) on %s",
                attempt.key,
                len(parts),
                session.host,
            )
            return PublishResult(tuple(progress.posts))

    # -- publishing ----------------------------------------------------------------------

    def _progress_for(self, account: Account, key: str) -> _Progress:
        with self._lock:
            entry = self._progress.get((account.secret_key, key))
            if entry is None:
                entry = self._progress[(account.secret_key, key)] = _Progress()
                while len(self._progress) > _REMEMBERED_ATTEMPTS:
                    self._progress.popitem(last=False)
            else:
                self._progress.move_to_end((account.secret_key, key))
            return entry

    def _publish_part(
        self, session: _Session, progress: _Progress, attempt: PublishAttempt, index: int
    ) -> PostRef:
        """Find part `index` if an unclear earlier send made it, otherwise send it."""
        label = _part_label(index, len(attempt.parts))
        parent = progress.posts[index - 1].post_id if index else None
        if index in progress.maybe_sent:
            found = self._find_sent(session, progress, attempt.parts[index], parent, label)
            if found is not None:
                _log.info(
                    "Mastodon attempt %s: %s was already published (status %s)",
                    attempt.key,
                    label,
                    found.post_id,
                )
                progress.maybe_sent.discard(index)
                return found
        if index == 0 and not progress.baseline_taken:
            # Before anything can exist: what the lookup may treat as this attempt's.
            progress.baseline = self._newest_status_id(session, progress)
            progress.baseline_taken = True
        body: dict[str, str] = {
            "status": attempt.parts[index],
            "visibility": "public",
            "language": attempt.language,
        }
        if parent is not None:
            body["in_reply_to_id"] = parent
        response = session.send_status(
            body,
            idempotency_key=f"{attempt.key}-{index}",
            label=label,
            progress=progress,
            index=index,
        )
        status = session.json_object(response, f"publishing {label}", sent_part=(progress, index))
        post = _post_ref(status, session)
        if post is None:
            progress.maybe_sent.add(index)
            raise OutcomeUnknownError(
                f"{session.host} accepted {label} but its answer had no post id, so PostDesk "
                "cannot tell what was published."
            )
        if "in_reply_to_id" in status and _text(status.get("in_reply_to_id")) != (parent or ""):
            # Only a key reused across attempts could give this; never build on it.
            raise PublishError(
                f"{session.host} returned a post for {label} that is not part of this thread. "
                "Nothing more was sent; please report this to your PostDesk administrator."
            )
        progress.maybe_sent.discard(index)
        _log.info("Mastodon attempt %s: %s is status %s", attempt.key, label, post.post_id)
        return post

    def _account_id(self, session: _Session, progress: _Progress) -> str:
        if progress.account_id is None:
            me = session.json_object(
                session.get("/api/v1/accounts/verify_credentials", "checking the token"),
                "checking the token",
            )
            account_id = _text(me.get("id"))
            if not account_id:
                raise RetryableError(
                    f"{session.host} answered the token check without an account id; "
                    "nothing was published. Trying again later should work."
                )
            progress.account_id = account_id
        return progress.account_id

    def _newest_status_id(self, session: _Session, progress: _Progress) -> str | None:
        account_id = self._account_id(session, progress)
        subject = "reading the account's latest post"
        statuses = session.json_list(
            session.get(f"/api/v1/accounts/{account_id}/statuses", subject, params={"limit": 1}),
            subject,
        )
        ids = [_text(s.get("id")) for s in statuses]
        return max((i for i in ids if i), key=_id_order, default=None)

    def _find_sent(
        self,
        session: _Session,
        progress: _Progress,
        text: str,
        parent: str | None,
        label: str,
    ) -> PostRef | None:
        """The status an earlier, unclear send of this part made, if there is one."""
        account_id = self._account_id(session, progress)
        after = parent if parent is not None else progress.baseline
        params: dict[str, str | int] = {"limit": _LOOKUP_LIMIT, "exclude_reblogs": "true"}
        if after is not None:
            params["min_id"] = after
        subject = f"checking whether {label} was already published"
        statuses = session.json_list(
            session.get(f"/api/v1/accounts/{account_id}/statuses", subject, params=params),
            subject,
        )
        candidates = sorted(
            (
                s
                for s in statuses
                if _text(s.get("id"))
                and not s.get("reblog")
                and _text(s.get("in_reply_to_id")) == (parent or "")
                and (after is None or _id_order(_text(s.get("id"))) > _id_order(after))
            ),
            key=lambda s: _id_order(_text(s.get("id"))),
        )
        texts = [(status, session.source_text(status, subject)) for status in candidates]
        # Exact text first; then allowing for a server that normalises what it stores.
        for same in (_exactly_equal, _loosely_equal):
            for status, posted in texts:
                if posted is not None and same(posted, text):
                    return _post_ref(status, session)
        return None

    # -- connections ---------------------------------------------------------------------

    @contextmanager
    def _session(self, account: Account, credential: str) -> Iterator[_Session]:
        base_url = _base_url(account)
        token = _usable_token(account, credential)
        with self._lock:
            if self._tls is None:
                # Honours SSL_CERT_FILE/SSL_CERT_DIR, for a department's own certificates.
                self._tls = httpx.create_ssl_context()
            tls = self._tls
        client = httpx.Client(
            base_url=base_url,
            transport=self._transport,
            verify=tls,
            timeout=self._timeout,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
            },
            follow_redirects=False,
        )
        try:
            yield _Session(client, account, token, base_url)
        finally:
            # A transport passed in belongs to the caller: closing the client would close it.
            if self._transport is None:
                client.close()


class _Session:
    """Requests to one server with one token, turning every failure into a PublishError."""

    def __init__(
        self, client: httpx.Client, account: Account, token: str, base_url: httpx.URL
    ) -> None:
        self.client = client
        self.account = account
        self.token = token
        self.base_url = base_url
        self.host = base_url.host + (f":{base_url.port}" if base_url.port else "")

    def get(
        self, path: str, subject: str, *, params: Mapping[str, str | int] | None = None
    ) -> httpx.Response:
        """A GET; it changes nothing, so any failure to get an answer is retryable."""
        failure: PublishError | None = None
        try:
            return self.client.get(path, params=params)
        except httpx.TransportError as exc:
            failure = RetryableError(self._transport_failure(exc, subject))
        # Raised here, not in the except block, so no httpx exception (whose request holds
        # the Authorization header) is attached to the error as its context.
        raise failure

    def send_status(
        self,
        body: Mapping[str, str],
        *,
        idempotency_key: str,
        label: str,
        progress: _Progress,
        index: int,
    ) -> httpx.Response:
        """POST one status; a failure after the request may have gone out is "unknown"."""
        failure: PublishError | None = None
        try:
            return self.client.post(
                "/api/v1/statuses", json=dict(body), headers={"Idempotency-Key": idempotency_key}
            )
        except (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.PoolTimeout,
            httpx.ProxyError,
            httpx.UnsupportedProtocol,
            httpx.LocalProtocolError,
        ) as exc:
            # No connection was made (DNS, refused, no route), or the request could not be
            # written at all: it never left this computer.
            failure = RetryableError(self._transport_failure(exc, f"publishing {label}"))
        except httpx.TransportError as exc:
            # Timed out, reset or cut after (some of) the request was written: it may exist.
            progress.maybe_sent.add(index)
            failure = OutcomeUnknownError(
                f"The connection to {self.host} was lost after {label} was sent "
                f"({_describe(exc)}), so PostDesk cannot tell yet whether it was published."
            )
        raise failure

    def json_object(
        self,
        response: httpx.Response,
        subject: str,
        *,
        sent_part: tuple[_Progress, int] | None = None,
    ) -> dict[str, Any]:
        """The JSON object of a 2xx answer; any other answer raises its PublishError."""
        data = self._json(response, subject, sent_part)
        if not isinstance(data, dict):
            self._unreadable(subject, sent_part)
        return data

    def json_list(self, response: httpx.Response, subject: str) -> list[dict[str, Any]]:
        """The JSON list of objects of a 2xx answer; any other answer raises."""
        data = self._json(response, subject, None)
        if not isinstance(data, list):
            self._unreadable(subject, None)
        return [item for item in data if isinstance(item, dict)]

    def instance(self) -> dict[str, Any]:
        """The server's instance document (v2, else v1 for servers before Mastodon 4.0)."""
        subject = "reading the server's limits"
        response = self.get("/api/v2/instance", subject)
        if response.status_code in (404, 410):
            response = self.get("/api/v1/instance", subject)
            if response.status_code in (404, 410):
                return {}
        return self.json_object(response, subject)

    def source_text(self, status: Mapping[str, Any], subject: str) -> str | None:
        """The text a status was posted with (None if the server cannot say)."""
        if isinstance(status.get("text"), str):
            return str(status["text"])
        response = self.get(f"/api/v1/statuses/{_text(status.get('id'))}/source", subject)
        if response.status_code in (404, 405, 410, 501):
            # No /source before Mastodon 3.5: the HTML, turned back into text, must do.
            content = status.get("content")
            return _html_to_text(content) if isinstance(content, str) else None
        text = self.json_object(response, subject).get("text")
        return text if isinstance(text, str) else None

    # -- answers -------------------------------------------------------------------------

    def _json(
        self, response: httpx.Response, subject: str, sent_part: tuple[_Progress, int] | None
    ) -> Any:
        if not response.is_success:
            raise self._status_error(response, subject, sent_part)
        try:
            return response.json()
        except ValueError:
            pass
        # Outside the except block, so the decoding error is not chained to ours.
        self._unreadable(subject, sent_part)

    def _unreadable(self, subject: str, sent_part: tuple[_Progress, int] | None) -> NoReturn:
        if sent_part is not None:
            progress, index = sent_part
            progress.maybe_sent.add(index)
            raise OutcomeUnknownError(
                f"{self.host} answered {subject} with something PostDesk could not read, so it "
                "cannot tell yet whether it was published."
            )
        raise RetryableError(
            f"{self.host} answered {subject} with something PostDesk could not read; "
            "nothing was published. Trying again later should work."
        )

    def _status_error(
        self, response: httpx.Response, subject: str, sent_part: tuple[_Progress, int] | None
    ) -> PublishError:
        code = response.status_code
        said = self._server_text(response)
        who = self.account.handle
        if code == 401:
            return AuthError(
                f"{self.host} did not accept the token for {who} while {subject}: the token "
                "was revoked or is wrong. Add the account again with a new token."
            )
        if code == 403:
            return AuthError(
                f"{self.host} refused {who} while {subject}"
                + (f" ({said})" if said else "")
                + ": the token may not be allowed to post (it needs the write:statuses "
                "permission), or the account may be suspended. Add the account again with a "
                "new token; if that does not help, ask the server's moderators."
            )
        if code == 429:
            retry_after = _retry_after(response)
            wait = (
                f" The server asked PostDesk to wait {round(retry_after)} s."
                if retry_after is not None
                else ""
            )
            return RetryableError(
                f"{self.host} is rate-limiting requests from {who} (HTTP 429); nothing was "
                f"published by this request. Trying again after a wait should work.{wait}",
                retry_after,
            )
        if code == 408:
            return RetryableError(
                f"{self.host} gave up waiting for the request while {subject} (HTTP 408); "
                "nothing was published. Trying again later should work."
            )
        if code >= 500:
            if sent_part is not None:
                # A proxy's 502 or 504 can come after the server made the status.
                progress, index = sent_part
                progress.maybe_sent.add(index)
            return RetryableError(
                f"{self.host} had a temporary problem while {subject} (HTTP {code}"
                + (f": {said}" if said else "")
                + "). Trying again later should work.",
                _retry_after(response),
            )
        if 400 <= code < 500 and sent_part is not None:
            return RejectedError(
                f"{self.host} refused {subject.removeprefix('publishing ')}: "
                + (said or f"HTTP {code}")
                + ("" if (said or "").endswith(".") else ".")
            )
        return PublishError(
            f"{self.host} gave an unexpected answer while {subject} (HTTP {code}). Check the "
            "account's server address (it should be the server's https:// address)."
        )

    def _server_text(self, response: httpx.Response) -> str:
        """The server's own error text (``error``, ``error_description``), token removed."""
        try:
            data = response.json()
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        said = " ".join(
            str(data[key])
            for key in ("error", "error_description")
            if isinstance(data.get(key), str)
        ).strip()
        if self.token:
            said = said.replace(self.token, "[token]")
        if len(said) > _ERROR_TEXT_LIMIT:
            said = said[: _ERROR_TEXT_LIMIT - 1] + "…"
        return said

    def _transport_failure(self, exc: httpx.TransportError, subject: str) -> str:
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.ProxyError):
            if _is_dns_failure(exc):
                why = (
                    f"the server name {self.base_url.host} could not be found. Check the "
                    "account's server address and this computer's internet connection"
                )
            else:
                why = f"{_describe(exc)}. Check this computer's internet connection"
            return (
                f"PostDesk could not connect to {self.host} while {subject}: {why}. Nothing "
                "was sent; trying again later should work."
            )
        return (
            f"The connection to {self.host} failed while {subject} ({_describe(exc)}). "
            "Nothing was published by this step; trying again later should work."
        )


# -- helpers ---------------------------------------------------------------------------------


def _with_progress(exc: PublishError, progress: _Progress, total: int) -> PublishError:
    """`exc` with what is already published added, so a failure is never silent about it."""
    done = len(progress.posts)
    notes: list[str] = []
    if done and total > 1:
        published = "Part 1" if done == 1 else f"Parts 1 to {done}"
        notes.append(
            f"{published} of {total} {'is' if done == 1 else 'are'} already published; "
            f"trying again continues from part {done + 1} without posting the earlier parts "
            "again."
        )
    if done in progress.maybe_sent:
        notes.append(
            f"{_part_label(done, total).capitalize()} may already have been published; "
            "the next try checks the server before sending it again, so it will not be "
            "posted twice."
        )
    if not notes:
        return exc
    message = f"{exc.message} {' '.join(notes)}"
    if isinstance(exc, RetryableError):
        return RetryableError(message, exc.retry_after)
    return type(exc)(message)


def _part_label(index: int, total: int) -> str:
    return "the post" if total == 1 else f"part {index + 1} of {total}"


def _base_url(account: Account) -> httpx.URL:
    """The server's address, refusing anything that would send the token in clear text."""
    problem = (
        f"The server address for {account.handle} is not usable; it should look like "
        "https://social.example.gov.uk. Add the account again with the right address."
    )
    try:
        url = httpx.URL(account.server_url.strip().rstrip("/"))
    except httpx.InvalidURL:
        raise PublishError(problem) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise PublishError(problem)
    if url.scheme == "http" and not http.is_loopback(url.host):
        raise PublishError(
            f"The server address for {account.handle} starts with http://, which would send "
            "its token unencrypted. Add the account again with its https:// address."
        )
    return url


def _usable_token(account: Account, credential: str) -> str:
    # Tokens never contain spaces; one pasted with a trailing newline still works.
    token = credential.strip()
    if not token:
        raise AuthError(
            f"This computer has no Mastodon token for {account.handle}. Add the account again "
            "with a new token."
        )
    if not token.isascii() or not token.isprintable() or " " in token:
        raise AuthError(
            f"The token stored for {account.handle} is not a Mastodon token (it contains "
            "characters tokens never have). Add the account again with a new token."
        )
    return token


def _post_ref(status: Mapping[str, Any], session: _Session) -> PostRef | None:
    post_id = _text(status.get("id"))
    if not post_id:
        return None
    url = _text(status.get("url")) or _text(status.get("uri"))
    return PostRef(post_id, url or f"{session.base_url}/web/statuses/{post_id}")


def _text(value: Any) -> str:
    """A JSON string or number as text ('' for anything else): ids come as either."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str | int):
        return str(value)
    return ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _id_order(status_id: str) -> tuple[int, str]:
    # Mastodon ids are numbers as strings: a longer one is a later one.
    return (len(status_id), status_id)


def _exactly_equal(posted: str, text: str) -> bool:
    return posted == text


def _loosely_equal(posted: str, text: str) -> bool:
    def normal(value: str) -> str:
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()

    return normal(posted) == normal(text)


def _describe(exc: httpx.TransportError) -> str:
    """A short, token-free description of a transport failure."""
    if isinstance(exc, httpx.TimeoutException):
        return "it timed out"
    if isinstance(exc, httpx.ConnectError):
        cause = _os_error(exc)
        if cause is not None and cause.strerror:
            return f"the connection failed: {cause.strerror.lower()}"
        return "the connection failed"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection without a complete answer"
    return "the connection was interrupted"


def _os_error(exc: BaseException) -> OSError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _is_dns_failure(exc: httpx.TransportError) -> bool:
    if isinstance(_os_error(exc), socket.gaierror):
        return True
    # httpcore re-raises the resolver's error as text on some platforms.
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo failed",
            "temporary failure in name resolution",
            "no address associated",
        )
    )


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait: Retry-After (seconds or an HTTP date), else X-RateLimit-Reset.

    Mastodon sends X-RateLimit-Reset as an ISO 8601 time; mastodon-mock sends epoch
    seconds. Both are read against the server's own Date, not this computer's clock.
    """
    now = http.server_now(response)
    asked = http.retry_after(response, now)
    if asked is not None:
        return asked
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset:
        try:
            number = float(reset)
        except ValueError:
            pass
        else:
            # Big numbers are epoch seconds; small ones a number of seconds to wait.
            return max(number - now.timestamp() if number > 1e9 else number, 0.0)
        try:
            moment = datetime.fromisoformat(reset)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max((moment - now).total_seconds(), 0.0)
    return None


class _TextOfHtml(HTMLParser):
    """Mastodon's status HTML back to its text: paragraphs, line breaks and entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.chunks.append("\n")
        elif tag == "p":
            if self._paragraphs:
                self.chunks.append("\n\n")
            self._paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _html_to_text(content: str) -> str:
    parser = _TextOfHtml()
    parser.feed(content)
    parser.close()
    # convert_charrefs has already turned &amp; and the like back into characters.
    return "".join(parser.chunks)
