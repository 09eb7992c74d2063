"""A local X API v2 server for tests, written by this project (not X's code).

No X server exists that these machines can install (TEST-PEERS.md section 3), so this is
our own small server that follows X's *documented* contract (docs.x.com) for the
endpoints PostDesk calls, over real HTTP on 127.0.0.1:

* ``GET /2/users/me`` -> 200 ``{"data": {"id", "name", "username"}}``.
* ``POST /2/tweets`` with ``{"text"}`` and optional ``{"reply": {"in_reply_to_tweet_id"}}``
  -> 201 ``{"data": {"id", "text"}}``. Identical text from the same user again -> 403
  "You are not allowed to create a Tweet with duplicate content." (within
  `duplicate_window`). A reply to an unknown
  post -> 400 invalid-request.
* ``GET /2/users/:id/tweets`` (``max_results`` 5-100, ``start_time``, ``tweet.fields``)
  -> 200 ``{"data": [...newest first], "meta": {...}}``; replies included.
* ``GET /2/tweets/:id`` -> 200 ``{"data": {...}}`` (for reading a post back).
* Errors are problem objects ``{"title", "detail", "type", "status"}``; a wrong, missing
  or revoked token gets 401 ``{"title": "Unauthorized", "type": "about:blank",
  "status": 401, "detail": "Unauthorized"}``. Responses carry ``x-rate-limit-limit``,
  ``x-rate-limit-remaining`` and ``x-rate-limit-reset`` (epoch seconds).
* Like X, returned text has ``&``, ``<`` and ``>`` as HTML entities and every link
  replaced by a t.co link, with the original in ``entities.urls[].expanded_url``.

X's timelines are eventually consistent: set `timeline_lag_s` to keep posts out of
``GET /2/users/:id/tweets`` for that long after they are made. What it does not model:
text length limits, media, X's real rate-limit numbers. State is in memory (`tweets`), so
tests can count posts.

Faults for retry tests (`Fault`, shared with fake_linkedin.py): answer the next matching
requests with an error status, or 429 with rate-limit headers; accept a post and then drop
the connection without answering; hold the answer longer than the client waits; revoke
the token mid-way.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import socket
import threading
import time
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self

__all__ = [
    "FakeApiServer",
    "FakeX",
    "Fault",
    "Reply",
    "Request",
    "Tweet",
    "XUser",
]

FaultKind = Literal["status", "rate_limit", "drop", "drop_before", "delay", "revoke"]


@dataclass
class Fault:
    """One injected failure, for the next `count` requests matching `method` and `path`.

    Kinds:
        status: answer `status` (with `body`, or the platform's error body) unprocessed.
        rate_limit: answer 429 with the platform's rate-limit headers (`reset_in_s`) and,
            if `retry_after` is set, a Retry-After header; unprocessed.
        drop: process the request (the post is made), then close the connection without
            answering: the "accepted, then the connection dropped" case.
        drop_before: close the connection without processing the request.
        delay: wait `delay_s` before answering; `process_first` decides whether the request
            is processed before the wait (the post exists when the client gives up) or
            after it (it appears only later).
        revoke: revoke the request's token, then answer as usual (401 from then on).

    `skip` lets that many matching requests through first (e.g. fail the second part).
    """

    kind: FaultKind
    method: str = "POST"
    path: str = ""
    count: int = 1
    skip: int = 0
    status: int = 500
    body: dict[str, Any] | None = None
    retry_after: float | None = None
    reset_in_s: int = 60
    delay_s: float = 1.0
    process_first: bool = True
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and path.startswith(self.path)


@dataclass(frozen=True)
class Request:
    """A request as the fake saw it (the Authorization header is never recorded)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    token: str | None = field(repr=False, default=None)


@dataclass
class Reply:
    """What to answer: status, JSON body (None for no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeApiServer(ABC):
    """A ThreadingHTTPServer on 127.0.0.1:0 with fault injection; subclasses add routes."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.revoked: set[str] = set()
        self.lock = threading.RLock()
        self._idle = threading.Condition(self.lock)
        self._in_flight = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- to override ---------------------------------------------------------------------

    @abstractmethod
    def route(self, request: Request) -> Reply:
        """Answer one request (called with `lock` held); each platform's server says how."""

    def error_reply(self, status: int) -> Reply:
        """The platform's body for a bare error status."""
        return Reply(status, {"status": status})

    def rate_limit_reply(self, fault: Fault) -> Reply:
        """The platform's 429."""
        return Reply(429, {"status": 429})

    # -- fault knobs ---------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def fail_next(self, count: int = 1, status: int = 500, **match: Any) -> Fault:
        return self.add_fault(Fault("status", count=count, status=status, **match))

    def rate_limit_next(self, count: int = 1, **options: Any) -> Fault:
        return self.add_fault(Fault("rate_limit", count=count, **options))

    def drop_next(self, count: int = 1, **match: Any) -> Fault:
        return self.add_fault(Fault("drop", count=count, **match))

    def delay_next(self, delay_s: float, count: int = 1, **options: Any) -> Fault:
        return self.add_fault(Fault("delay", count=count, delay_s=delay_s, **options))

    def revoke_on(self, skip: int = 0, **match: Any) -> Fault:
        return self.add_fault(Fault("revoke", skip=skip, **match))

    def revoke(self, token: str) -> None:
        with self.lock:
            self.revoked.add(token)

    # -- life cycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        handler = _make_handler(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        # A test that drops connections must not print tracebacks to stderr.
        server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._server = server
        # A short poll interval: stop() waits for it, once per test.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def wait_idle(self, timeout_s: float = 5.0) -> None:
        """Wait until no request is being handled (a held one may still make a post)."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._in_flight:
                left = deadline - time.monotonic()
                assert left > 0, "the fake server is still busy"
                self._idle.wait(left)

    # -- request handling ----------------------------------------------------------------

    def _take_fault(self, request: Request) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.matches(request.method, request.path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.count -= 1
                return fault
        return None

    def _handle(self, request: Request, respond: Callable[[Reply | None], None]) -> None:
        with self._idle:
            self._in_flight += 1
        try:
            with self.lock:
                self.requests.append(request)
                fault = self._take_fault(request)
                if fault is not None and fault.kind == "revoke" and request.token:
                    self.revoked.add(request.token)
            if fault is None or fault.kind == "revoke":
                respond(self._route(request))
            elif fault.kind == "status":
                reply = self.error_reply(fault.status)
                if fault.body is not None:
                    reply.body = fault.body
                reply.headers.update(fault.headers)
                respond(reply)
            elif fault.kind == "rate_limit":
                respond(self.rate_limit_reply(fault))
            elif fault.kind == "drop":
                self._route(request)
                respond(None)
            elif fault.kind == "drop_before":
                respond(None)
            else:  # delay
                early = self._route(request) if fault.process_first else None
                time.sleep(fault.delay_s)
                respond(early if early is not None else self._route(request))
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _route(self, request: Request) -> Reply:
        with self.lock:
            return self.route(request)


def _make_handler(fake: FakeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Buffer the answer so headers and body leave in one segment: written separately,
        # Nagle's algorithm and delayed ACKs add 40 ms to every request.
        wbufsize = -1

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean; requests are recorded in `fake.requests`

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            split = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
            headers = {
                k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"
            }
            request = Request(
                method,
                urllib.parse.unquote(split.path),
                urllib.parse.parse_qs(split.query),
                headers,
                body,
                token,
            )
            try:
                fake._handle(request, self._respond)
            except OSError:
                self.close_connection = True  # the client went away; nothing to do

        def _respond(self, reply: Reply | None) -> None:
            if reply is None:
                # Close without a word: the client sees the connection drop.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            if reply.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler


# -- X -------------------------------------------------------------------------------------

_TWITTER_EPOCH_MS = 1288834974657
_URL_RE = re.compile(r"https?://[^\s]+")


@dataclass(frozen=True)
class XUser:
    """An X account on the fake."""

    id: str
    username: str
    name: str


@dataclass
class Tweet:
    """A post as the fake stores it: `text` exactly as it was sent."""

    id: str
    author_id: str
    text: str
    created_at: datetime
    in_reply_to: str | None = None


def _problem(status: int, title: str, detail: str, type_: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": type_, "status": status}


class FakeX(FakeApiServer):
    """X API v2, as documented, for the endpoints PostDesk uses (see module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.users: dict[str, XUser] = {}
        self.tokens: dict[str, str] = {}  # token -> user id
        self.tweets: list[Tweet] = []
        # X refuses identical text from one account for a while (its exact window is not
        # documented); older identical posts do not block a new one.
        self.duplicate_window = timedelta(hours=24)
        self.timeline_lag_s = 0.0
        self._sequence = 0

    def add_user(self, username: str, name: str, token: str) -> XUser:
        with self.lock:
            user = XUser(str(1000 + len(self.users)), username, name)
            self.users[user.id] = user
            self.tokens[token] = user.id
            return user

    def grant(self, token: str, username: str) -> None:
        """A new token for an existing user (after signing in again)."""
        with self.lock:
            user = next(u for u in self.users.values() if u.username == username)
            self.tokens[token] = user.id

    def seed(self, username: str, text: str, created_at: datetime) -> Tweet:
        """A post made earlier, outside PostDesk (for tests about older posts)."""
        with self.lock:
            user = next(u for u in self.users.values() if u.username == username)
            tweet = Tweet(self._next_id(created_at), user.id, text, created_at)
            self.tweets.append(tweet)
            return tweet

    def _next_id(self, moment: datetime) -> str:
        # A snowflake, as X's ids are: time-ordered, so newer posts have larger ids.
        self._sequence += 1
        millis = int(moment.timestamp() * 1000) - _TWITTER_EPOCH_MS
        return str(millis << 22 | self._sequence)

    def tweets_by(self, username: str) -> list[Tweet]:
        with self.lock:
            user = next(u for u in self.users.values() if u.username == username)
            return [t for t in self.tweets if t.author_id == user.id]

    # -- platform bodies -----------------------------------------------------------------

    def error_reply(self, status: int) -> Reply:
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        title = reason.get(status, "Error")
        return Reply(status, _problem(status, title, title), self._limit_headers())

    def rate_limit_reply(self, fault: Fault) -> Reply:
        reset = str(int(time.time()) + fault.reset_in_s)
        headers = {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": reset,
            **fault.headers,
        }
        if fault.retry_after is not None:
            headers["Retry-After"] = str(int(fault.retry_after))
        body = _problem(429, "Too Many Requests", "Too Many Requests")
        return Reply(429, body, headers)

    def _limit_headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": "899",
            "x-rate-limit-reset": str(int(time.time()) + 900),
        }

    # -- routes --------------------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        user_id = self.tokens.get(request.token or "")
        if user_id is None or request.token in self.revoked:
            return Reply(401, _problem(401, "Unauthorized", "Unauthorized"))
        user = self.users[user_id]
        path = request.path
        if request.method == "GET" and path == "/2/users/me":
            return self._ok({"data": {"id": user.id, "name": user.name, "username": user.username}})
        if request.method == "POST" and path == "/2/tweets":
            return self._create(user, request.body)
        match = re.fullmatch(r"/2/users/(\d+)/tweets", path)
        if request.method == "GET" and match:
            return self._timeline(match.group(1), request.query)
        match = re.fullmatch(r"/2/tweets/(\d+)", path)
        if request.method == "GET" and match:
            tweet = next((t for t in self.tweets if t.id == match.group(1)), None)
            if tweet is None:
                return Reply(404, _problem(404, "Not Found Error", "Could not find tweet."))
            return self._ok({"data": self._render(tweet)})
        return Reply(404, _problem(404, "Not Found", f"No route for {request.method} {path}"))

    def _ok(self, body: Any, status: int = 200) -> Reply:
        return Reply(status, body, self._limit_headers())

    def _invalid(self, message: str) -> Reply:
        body = _problem(
            400,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            "https://api.twitter.com/2/problems/invalid-request",
        )
        body["errors"] = [{"message": message}]
        return Reply(400, body)

    def _create(self, user: XUser, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return self._invalid("$.text: is missing but it is required")
        text: str = body["text"]
        reply = body.get("reply")
        reply_to: str | None = None
        if reply is not None:
            reply_to = str(reply.get("in_reply_to_tweet_id")) if isinstance(reply, dict) else None
            if reply_to is None or not any(t.id == reply_to for t in self.tweets):
                return self._invalid("The post you are replying to does not exist.")
        now = datetime.now(UTC)
        recent = now - self.duplicate_window
        if any(
            t.author_id == user.id and t.text == text and t.created_at >= recent
            for t in self.tweets
        ):
            return Reply(
                403,
                _problem(
                    403,
                    "Forbidden",
                    "You are not allowed to create a Tweet with duplicate content.",
                ),
            )
        tweet = Tweet(self._next_id(now), user.id, text, now, reply_to)
        self.tweets.append(tweet)
        rendered = self._render(tweet)
        return self._ok({"data": {"id": tweet.id, "text": rendered["text"]}}, 201)

    def _timeline(self, user_id: str, query: dict[str, list[str]]) -> Reply:
        if user_id not in self.users:
            return Reply(404, _problem(404, "Not Found Error", "Could not find user."))
        try:
            max_results = int(query.get("max_results", ["10"])[0])
        except ValueError:
            return self._invalid("max_results must be a number")
        if not 5 <= max_results <= 100:
            return self._invalid("The `max_results` query parameter value is not between 5 and 100")
        start: datetime | None = None
        if "start_time" in query:
            try:
                start = datetime.fromisoformat(query["start_time"][0].replace("Z", "+00:00"))
            except ValueError:
                return self._invalid("start_time must be an RFC 3339 date-time")
        visible = datetime.now(UTC) - timedelta(seconds=self.timeline_lag_s)
        tweets = [t for t in self.tweets if t.author_id == user_id and t.created_at <= visible]
        if start is not None:
            tweets = [t for t in tweets if t.created_at >= start]
        tweets.sort(key=lambda t: int(t.id), reverse=True)
        page = tweets[:max_results]
        if not page:
            return self._ok({"meta": {"result_count": 0}})
        meta: dict[str, Any] = {
            "result_count": len(page),
            "newest_id": page[0].id,
            "oldest_id": page[-1].id,
        }
        if len(tweets) > max_results:
            meta["next_token"] = "page2"
        return self._ok({"data": [self._render(t) for t in page], "meta": meta})

    def _render(self, tweet: Tweet) -> dict[str, Any]:
        """The post as X returns it: entities escaped, links through t.co."""
        pieces: list[str] = []
        urls: list[dict[str, Any]] = []
        position = 0
        for match in _URL_RE.finditer(tweet.text):
            pieces.append(html.escape(tweet.text[position : match.start()], quote=False))
            short = "https://t.co/" + hashlib.sha1(match.group().encode()).hexdigest()[:10]
            start = sum(len(p) for p in pieces)
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": match.group(),
                    "display_url": match.group().split("://", 1)[1][:25],
                }
            )
            pieces.append(short)
            position = match.end()
        pieces.append(html.escape(tweet.text[position:], quote=False))
        data: dict[str, Any] = {
            "id": tweet.id,
            "text": "".join(pieces),
            "edit_history_tweet_ids": [tweet.id],
            "created_at": tweet.created_at.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{tweet.created_at.microsecond // 1000:03d}Z",
            "author_id": tweet.author_id,
        }
        if urls:
            data["entities"] = {"urls": urls}
        if tweet.in_reply_to is not None:
            data["referenced_tweets"] = [{"type": "replied_to", "id": tweet.in_reply_to}]
            data["in_reply_to_user_id"] = tweet.author_id
        return data
