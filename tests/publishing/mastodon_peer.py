"""A real mastodon-mock server on loopback, and a fault proxy in front of it, for tests.

mastodon-mock (PyPI) is an independent implementation of Mastodon's client API (FastAPI and
SQLite), not Mastodon itself; ../shared/design/TEST-PEERS.md section 2 lists where it
differs. It runs here as its own process (``python -m mastodon_mock serve``) on a free
127.0.0.1 port with its database in a temporary folder, once per test session. Accounts
and tokens are made through its API the way a Mastodon client would (register an app, take
an app token, sign up), except `MastodonPeer.login`, which uses the mock-only shortcut to
give an existing user a second token.

Its fault injection (``POST /api/v1/_mock/faults``) forces a status (500, 503, 401...), a
429 with rate-limit headers, a delay, or an unreadable 200 on matching requests. What it
cannot do is answer *after* it made the post and then lose the answer; and when a client
gives up during a delay, it drops the request (measured: a 0.3 s client against an 0.8 s
delay left no status). `FaultProxy` adds those cases: it sits between the adapter and the
server (real HTTP on both sides) and, per request, passes it on, cuts the connection before
or after the server handled it, holds the answer until the client has timed out, answers
itself, rewrites the answer, or arms one of mastodon-mock's own faults just for that
request. Through the proxy a delayed request is no longer dropped: the proxy's own
connection stays open, so the server finishes it late, as a server behind a reverse proxy
does.

Use the fixtures: `mastodon_peer` (the server, faults cleared), `mastodon_proxy` (the proxy,
cleared) and `mastodon_user` (a fresh account with its own token).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

# Seeded straight into the server's database, so a test can publish with a token whose
# value it knows and then search every message and log record for it.
CANARY_TOKEN = "pdcanary0TOKEN7e4b1c9d2f3a5b6c8d0e1f2a3b4c5d6e7f8"
CANARY_USERNAME = "canary"
SERVER_DOMAIN = "social.postdesk.test"
_START_TIMEOUT_S = 30.0
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}


@dataclass(frozen=True)
class MastodonUser:
    """An account on the peer and a token for it."""

    username: str
    token: str
    account_id: str
    display_name: str

    @property
    def handle(self) -> str:
        """The account's full handle, as verify() reports it."""
        return f"@{self.username}@{SERVER_DOMAIN}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MastodonPeer:
    """A mastodon-mock process and the calls tests make to it directly (not via PostDesk)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = 0
        self.base_url = ""
        self._process: subprocess.Popen[bytes] | None = None
        # trust_env=False: a proxy set in the environment must not see loopback test traffic.
        self.http = httpx.Client(timeout=10.0, trust_env=False)
        self._names = itertools.count(1)
        self._app: dict[str, str] | None = None

    # -- process -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the server on a free port and wait until it answers."""
        for _ in range(3):  # a free port can be taken between choosing and binding it
            self.port = _free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            config = self.data_dir / "mastodon_mock.toml"
            config.write_text(
                f'domain = "{SERVER_DOMAIN}"\n'
                'url_scheme = "http"\n'
                f'media_storage_path = "{(self.data_dir / "media").as_posix()}"\n'
                "[database]\n"
                f'path = "{(self.data_dir / "mastodon.sqlite3").as_posix()}"\n'
                "[[seed.accounts]]\n"
                f'username = "{CANARY_USERNAME}"\n'
                'display_name = "Canary"\n'
                f'access_token = "{CANARY_TOKEN}"\n',
                encoding="utf-8",
            )
            log = (self.data_dir / "server.log").open("ab")
            # Its own folder as the working directory: mastodon-mock would otherwise read a
            # [tool.mastodon_mock] table from the pyproject.toml where it starts.
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mastodon_mock",
                    "serve",
                    "--config",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
            )
            log.close()
            if self._wait_until_ready():
                return
            self.stop()
        raise RuntimeError(
            "mastodon-mock did not start; its log: "
            + (self.data_dir / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        )

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                return False
            try:
                if self.http.get(f"{self.base_url}/api/v1/instance").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it does not go)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None

    def close(self) -> None:
        """Stop the server and close the test's own HTTP client."""
        self.stop()
        self.http.close()

    # -- accounts ------------------------------------------------------------------------

    def _request(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)
        # The status only, never the request: its headers hold the token.
        assert response.is_success, f"{method} {path} gave HTTP {response.status_code}"
        return response.json()

    def signup(self, display_name: str = "Roads Department") -> MastodonUser:
        """A new account, made as a Mastodon client makes one, and its user token."""
        if self._app is None:
            self._app = self._request(
                "POST",
                "/api/v1/apps",
                data={
                    "client_name": "PostDesk tests",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": "read write",
                },
            )
        assert self._app is not None
        app_token = self._request(
            "POST",
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self._app["client_id"],
                "client_secret": self._app["client_secret"],
                "scope": "read write",
            },
        )["access_token"]
        username = f"roads{next(self._names)}"
        token = self._request(
            "POST",
            "/api/v1/accounts",
            app_token,
            data={
                "username": username,
                "email": f"{username}@example.gov.uk",
                "password": "correct horse battery staple",
                "agreement": "true",
            },
        )["access_token"]
        self._request(
            "PATCH",
            "/api/v1/accounts/update_credentials",
            token,
            data={"display_name": display_name},
        )
        me = self._request("GET", "/api/v1/accounts/verify_credentials", token)
        return MastodonUser(username, token, str(me["id"]), display_name)

    def login(self, username: str) -> str:
        """A second token for an existing account (mastodon-mock's own shortcut)."""
        token: str = self._request("POST", "/api/v1/_mock/login", json={"username": username})[
            "access_token"
        ]
        return token

    def revoke(self, token: str) -> None:
        """Revoke a token, as a user does in Mastodon's settings."""
        self._request("POST", "/oauth/revoke", data={"token": token})

    def canary(self) -> MastodonUser:
        """The seeded account whose token is `CANARY_TOKEN`."""
        me = self._request("GET", "/api/v1/accounts/verify_credentials", CANARY_TOKEN)
        return MastodonUser(CANARY_USERNAME, CANARY_TOKEN, str(me["id"]), "Canary")

    # -- statuses ------------------------------------------------------------------------

    def statuses(self, user: MastodonUser, *, min_id: str | None = None) -> list[dict[str, Any]]:
        """Every status of `user` (newer than `min_id`), oldest first."""
        found: list[dict[str, Any]] = []
        params: dict[str, str | int] = {"limit": 40}
        if min_id is not None:
            params["since_id"] = min_id
        while True:
            page = self._request(
                "GET", f"/api/v1/accounts/{user.account_id}/statuses", user.token, params=params
            )
            found.extend(page)
            if len(page) < 40:
                break
            params["max_id"] = min(str(s["id"]) for s in page)
        unique = {str(s["id"]): s for s in found}
        return sorted(unique.values(), key=lambda s: (len(str(s["id"])), str(s["id"])))

    def source_text(self, user: MastodonUser, status_id: str) -> str:
        """The exact text a status was posted with."""
        text: str = self._request("GET", f"/api/v1/statuses/{status_id}/source", user.token)["text"]
        return text

    def posted_texts(self, user: MastodonUser, *, min_id: str | None = None) -> list[str]:
        """The exact texts of every status of `user`, oldest first."""
        return [self.source_text(user, str(s["id"])) for s in self.statuses(user, min_id=min_id)]

    def newest_id(self, user: MastodonUser) -> str | None:
        """The id of `user`'s newest status (None if there is none)."""
        page = self._request(
            "GET", f"/api/v1/accounts/{user.account_id}/statuses", user.token, params={"limit": 1}
        )
        return str(page[0]["id"]) if page else None

    # -- mastodon-mock's fault injection ------------------------------------------------

    def add_fault(
        self,
        effect: dict[str, Any],
        *,
        methods: Iterable[str] = ("POST",),
        path: str | None = "/api/v1/statuses",
        path_regex: str | None = None,
        count: int | None = 1,
    ) -> None:
        """Add a rule: the next `count` matching requests get `effect` (see faults.py)."""
        match: dict[str, Any] = {"methods": list(methods)}
        if path_regex is not None:
            match["path_regex"] = path_regex
        else:
            match["path"] = path
        self._request(
            "POST", "/api/v1/_mock/faults", json={"match": match, "effect": effect, "count": count}
        )

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._request("DELETE", "/api/v1/_mock/faults")


# -- the fault proxy -----------------------------------------------------------------------

ActionKind = Literal[
    "pass", "drop_before", "drop_after", "hold_after", "respond", "rewrite", "mock_fault"
]


@dataclass(frozen=True)
class ProxyAction:
    """What the proxy does with one request.

    Attributes:
        kind: ``pass`` it on; ``drop_before`` (close the connection, the server never sees
            it); ``drop_after`` (the server handles it, the client gets no answer);
            ``hold_after`` (the server handles it, the answer is held for `hold_s` and then
            dropped, so the client times out); ``respond`` (answer `status`/`body`/`headers`
            without asking the server); ``rewrite`` (pass the server's JSON answer through
            `rewrite`); ``mock_fault`` (arm `fault`, a mastodon-mock effect, for this request
            only, then pass it on).
        after: called once the server has answered (for ``pass``, ``drop_after``,
            ``hold_after``, ``rewrite`` and ``mock_fault``), e.g. to revoke a token mid-way.
    """

    kind: ActionKind = "pass"
    hold_s: float = 1.0
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    rewrite: Callable[[Any], Any] | None = None
    fault: dict[str, Any] | None = None
    after: Callable[[], None] | None = None


@dataclass(frozen=True)
class Seen:
    """One request the proxy handled."""

    method: str
    path: str
    idempotency_key: str | None
    action: ActionKind


class FaultProxy:
    """An HTTP/1.1 reverse proxy on 127.0.0.1 that applies scripted faults per request."""

    def __init__(self, peer: MastodonPeer) -> None:
        self.peer = peer
        self._lock = threading.Lock()
        self._scripts: list[tuple[str, re.Pattern[str], deque[ProxyAction]]] = []
        self.seen: list[Seen] = []
        # Drop the Idempotency-Key header: a server that ignores the key, or a key that has
        # expired (Mastodon keeps them for an hour).
        self.strip_idempotency_key = False
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's
            # algorithm and the client's delayed ACK add about 40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test output is for the tests."""

            def _handle(self) -> None:
                try:
                    proxy._serve(self)
                except (ConnectionError, TimeoutError, OSError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def script(self, method: str, path_regex: str, actions: Iterable[ProxyAction]) -> None:
        """Apply `actions`, one each, to the next requests matching method and path."""
        with self._lock:
            self._scripts.append((method.upper(), re.compile(path_regex), deque(actions)))

    def clear(self) -> None:
        """Forget every script and what was seen; pass everything on."""
        with self._lock:
            self._scripts.clear()
            self.seen.clear()
            self.strip_idempotency_key = False

    def close(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()

    def posts_seen(self) -> list[Seen]:
        """The status POSTs seen so far."""
        with self._lock:
            return [s for s in self.seen if s.method == "POST" and s.path == "/api/v1/statuses"]

    def _next_action(self, method: str, path: str, key: str | None) -> ProxyAction:
        with self._lock:
            action = ProxyAction()
            for script_method, pattern, actions in self._scripts:
                if script_method == method and pattern.fullmatch(path) and actions:
                    action = actions.popleft()
                    break
            self.seen.append(Seen(method, path, key, action.kind))
            return action

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = handler.path.split("?", 1)[0]
        action = self._next_action(handler.command, path, handler.headers.get("Idempotency-Key"))
        if action.kind == "drop_before":
            handler.close_connection = True
            return
        if action.kind == "respond":
            payload = json.dumps(action.body).encode() if action.body is not None else b""
            self._reply(handler, action.status, list(action.headers.items()), payload)
            return
        if action.kind == "mock_fault":
            assert action.fault is not None
            self.peer.add_fault(action.fault, methods=[handler.command], path=path)
        headers = {
            name: value
            for name, value in handler.headers.items()
            if name.lower() not in _HOP_BY_HOP
            and not (self.strip_idempotency_key and name.lower() == "idempotency-key")
        }
        upstream = http.client.HTTPConnection("127.0.0.1", self.peer.port, timeout=60)
        try:
            upstream.request(handler.command, handler.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            status, answer = response.status, response.read()
            answer_headers = [
                (k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP
            ]
        finally:
            upstream.close()
        if action.after is not None:
            action.after()
        if action.kind == "drop_after":
            handler.close_connection = True
            return
        if action.kind == "hold_after":
            time.sleep(action.hold_s)
            handler.close_connection = True
            return
        if action.kind == "rewrite" and action.rewrite is not None:
            answer = json.dumps(action.rewrite(json.loads(answer))).encode()
        self._reply(handler, status, answer_headers, answer)

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler,
        status: int,
        headers: list[tuple[str, str]],
        payload: bytes,
    ) -> None:
        handler.send_response_only(status)
        for name, value in headers:
            handler.send_header(name, value)
        if not any(name.lower() == "content-type" for name, _ in headers):
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mastodon_peer_process(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MastodonPeer]:
    """One mastodon-mock process for the session (it takes about 2 s to start)."""
    peer = MastodonPeer(tmp_path_factory.mktemp("mastodon-peer"))
    peer.start()
    try:
        yield peer
    finally:
        peer.close()


@pytest.fixture(scope="session")
def mastodon_proxy_server(mastodon_peer_process: MastodonPeer) -> Iterator[FaultProxy]:
    """One fault proxy in front of the session's server."""
    proxy = FaultProxy(mastodon_peer_process)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture
def mastodon_peer(mastodon_peer_process: MastodonPeer) -> Iterator[MastodonPeer]:
    """The session's mastodon-mock server, with no fault rules before or after the test."""
    mastodon_peer_process.clear_faults()
    yield mastodon_peer_process
    mastodon_peer_process.clear_faults()


@pytest.fixture
def mastodon_proxy(
    mastodon_proxy_server: FaultProxy, mastodon_peer: MastodonPeer
) -> Iterator[FaultProxy]:
    """The fault proxy, with no scripts before or after the test."""
    mastodon_proxy_server.clear()
    yield mastodon_proxy_server
    mastodon_proxy_server.clear()


@pytest.fixture
def mastodon_user(mastodon_peer: MastodonPeer) -> MastodonUser:
    """A fresh account (so a test sees only its own statuses) and its token."""
    return mastodon_peer.signup()
