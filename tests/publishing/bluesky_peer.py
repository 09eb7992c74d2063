"""The real Bluesky PDS as a pytest fixture: started once per session, stopped after.

The peer is the reference ``@atproto/pds`` with an in-memory did:plc directory, installed
by ``tests/peers/bluesky/setup.sh`` into a cache folder outside the repo (``./dev test``
runs it; see shared/design/TEST-PEERS.md section 1). This module never installs anything:
an install takes minutes and needs the npm registry, so when the folder is missing or was
installed from another lock file the fixture *fails* and says what to run. It never
skips, so a missing peer cannot turn into a green run that tested nothing.

Import the fixture explicitly (no conftest.py): ``bluesky_pds = bluesky_peer.bluesky_pds``
at module level in a test module.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

PEER_SOURCE = Path(__file__).resolve().parents[1] / "peers" / "bluesky"
SETUP_SCRIPT = PEER_SOURCE / "setup.sh"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class BlueskyPeer(NamedTuple):
    """The running PDS and the account the fixture made on it (unpacks as a 4-tuple)."""

    pds_url: str
    handle: str
    app_password: str
    did: str


class PeerAccount(NamedTuple):
    """An account made by `create_account`; `password` is the main one (tests only)."""

    handle: str
    password: str
    app_password: str
    did: str


def peer_dir() -> Path:
    """Where setup.sh installs the peer (the same rule as the script)."""
    root = os.environ.get("POSTDESK_PEERS_DIR") or str(Path.home() / ".cache" / "postdesk-peers")
    return Path(root) / "bluesky"


def expected_stamp() -> str:
    """The stamp setup.sh writes for the current package.json, lock file and Node version."""
    match = re.search(r"^NODE_VERSION=(\S+)$", SETUP_SCRIPT.read_text(), re.MULTILINE)
    assert match, f"{SETUP_SCRIPT} has no NODE_VERSION= line"
    digest = hashlib.sha256(
        (PEER_SOURCE / "package.json").read_bytes()
        + (PEER_SOURCE / "package-lock.json").read_bytes()
    ).hexdigest()
    return f"node={match.group(1)} deps={digest}"


def installed_peer() -> tuple[Path, Path]:
    """The Node binary and the PDS folder; pytest.fail when the peer is not installed."""
    root = peer_dir()
    node, pds = root / "bin" / "node", root / "pds"
    stamp_file = pds / ".postdesk-stamp"
    stamp = stamp_file.read_text().strip() if stamp_file.is_file() else None
    if stamp != expected_stamp() or not node.exists():
        state = "is not installed" if stamp is None else "was installed from another lock file"
        pytest.fail(
            f"The Bluesky test peer {state} in {root}. Run ./dev test, which installs it, or "
            f"run {SETUP_SCRIPT.relative_to(PEER_SOURCE.parents[2])} once (a few minutes).",
            pytrace=False,
        )
    # The start script must sit next to node_modules; copy an edited one in (cheap, atomic).
    source = (PEER_SOURCE / "start-pds.mjs").read_bytes()
    target = pds / "start-pds.mjs"
    if not target.is_file() or target.read_bytes() != source:
        staging = pds / f".start-pds.{os.getpid()}.tmp"
        staging.write_bytes(source)
        staging.replace(target)
    return node, pds


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1 (held together so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def create_account(pds_url: str, prefix: str = "roads") -> PeerAccount:
    """Create an account (handle ``<prefix><hex>.test``) and an app password for it."""
    handle = f"{prefix}{secrets.token_hex(4)}.test"  # not a reserved name (TEST-PEERS 1.5.7)
    password = secrets.token_urlsafe(16)
    with httpx.Client(base_url=f"{pds_url}/xrpc", timeout=30) as client:
        created = client.post(
            "com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.org", "password": password},
        )
        assert created.status_code == 200, f"createAccount: {created.status_code}"
        account = created.json()
        app = client.post(
            "com.atproto.server.createAppPassword",
            headers={"Authorization": f"Bearer {account['accessJwt']}"},
            json={"name": "postdesk-tests"},
        )
        assert app.status_code == 200, f"createAppPassword: {app.status_code}"
    return PeerAccount(handle, password, app.json()["password"], account["did"])


def _is_ready_line(line: str) -> bool:
    """Whether `line` is start-pds.mjs's whole {"ready":true,...} line (not half written)."""
    if not line.startswith("{"):
        return False
    try:
        return json.loads(line).get("ready") is True
    except ValueError:
        return False


class RunningPds:
    """The PDS process started from the installed folder, with its log file."""

    def __init__(self, log_path: Path) -> None:
        node, pds = installed_peer()
        pds_port, plc_port = free_ports(2)
        self.url = f"http://127.0.0.1:{pds_port}"
        self.log_path = log_path
        env = dict(os.environ, PDS_PORT=str(pds_port), PLC_PORT=str(plc_port))
        env["PATH"] = f"{node.resolve().parent}{os.pathsep}{env.get('PATH', '')}"
        env.pop("LOG_ENABLED", None)  # PDS logs off: nothing reads them, and they are big
        # stdout to a file, not a pipe: a full pipe would block the server (TEST-PEERS 1.5.6).
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(node), "start-pds.mjs"],
                cwd=pds,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in self.log_path.read_text(errors="replace").splitlines():
                if _is_ready_line(line):
                    return
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(
                    f"The Bluesky PDS exited with {self.process.returncode} before it was "
                    f"ready:\n{self._log_tail()}",
                    pytrace=False,
                )
            time.sleep(0.05)
        self.stop()
        pytest.fail(
            f"The Bluesky PDS was not ready within {READY_TIMEOUT_S:.0f} s:\n{self._log_tail()}",
            pytrace=False,
        )

    def _log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])

    def stop(self) -> None:
        """SIGTERM (clean shutdown, removes its temp data), then SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)


@pytest.fixture(scope="session")
def bluesky_pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlueskyPeer]:
    """A running reference PDS on 127.0.0.1 and a fresh account with an app password.

    Yields:
        (pds_url, handle, app_password, did); more accounts: `create_account(pds_url)`.
    """
    server = RunningPds(tmp_path_factory.mktemp("bluesky-pds") / "pds.log")
    try:
        account = create_account(server.url)
        yield BlueskyPeer(server.url, account.handle, account.app_password, account.did)
    finally:
        server.stop()


# -- fault injection ----------------------------------------------------------------------


class Fault(StrEnum):
    """What `FaultProxy` does with one request."""

    PASS = "pass"  # forward it and return the answer
    DROP_BEFORE = "drop_before"  # close the connection; the PDS never sees the request
    DROP_AFTER = "drop_after"  # forward it (the PDS acts on it), then close: answer lost
    STALL_AFTER = "stall_after"  # forward it, hold the answer past the client's timeout
    STALL_BEFORE = "stall_before"  # hold it past the timeout, then forward it (late)
    HTTP_503 = "http_503"  # answer 503 with Retry-After (`retry_after`), without forwarding
    HTTP_429 = "http_429"  # answer 429 with Retry-After (`retry_after`), without forwarding
    EXPIRED_TOKEN = "expired_token"  # answer 400 ExpiredToken (authenticated calls only)
    UNAUTHORIZED = "unauthorized"  # answer 401 (authenticated calls only)


AUTH_FAULTS = frozenset({Fault.EXPIRED_TOKEN, Fault.UNAUTHORIZED})
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}
)

# Decides each request's fault from (method, XRPC path, has an Authorization header).
Decide = Callable[[str, str, bool], Fault]


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of the PDS that injects faults per request.

    It speaks HTTP (one request per connection, answering ``Connection: close``), so it
    can act exactly at the points that matter for exactly-once publishing: before the
    PDS sees a request, or after the PDS acted on it but before the client hears back.
    `decide` is called once per request, in arrival order; `seen` counts what was done.

    Args:
        upstream: the PDS base URL.
        stall_s: how long STALL_* faults hold a request or answer (longer than the
            client's timeout).
    """

    def __init__(self, upstream: str, stall_s: float) -> None:
        parts = urlsplit(upstream)
        assert parts.hostname is not None
        assert parts.port is not None
        self.upstream = (parts.hostname, parts.port)
        self.stall_s = stall_s
        self.decide: Decide = lambda _method, _path, _auth: Fault.PASS
        self.retry_after = "0"  # what HTTP_503 and HTTP_429 answers say
        self.seen: Counter[Fault] = Counter()
        self.paths: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._busy = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: the test prints its own totals

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving (after `wait_idle`, so late requests are not cut off)."""
        self._server.shutdown()
        self._server.server_close()

    def wait_idle(self, timeout_s: float = 10.0) -> None:
        """Wait until no request is in flight (stalled ones included)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if self._busy == 0:
                    return
            time.sleep(0.01)
        raise AssertionError("the fault proxy still has requests in flight")

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._busy += 1
        try:
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length) if length else b""
            path = urlsplit(handler.path).path
            has_auth = "Authorization" in handler.headers
            with self._lock:
                fault = self.decide(handler.command, path, has_auth)
                self.seen[fault] += 1
                self.paths[path.rsplit("/", 1)[-1]] += 1
            handler.close_connection = True
            if fault is Fault.DROP_BEFORE:
                return self._drop(handler)
            if fault in (Fault.HTTP_503, Fault.HTTP_429):
                status = 503 if fault is Fault.HTTP_503 else 429
                error = {"error": "Injected", "message": "injected by the test proxy"}
                return self._answer(handler, status, error, retry_after=self.retry_after)
            if fault is Fault.EXPIRED_TOKEN:
                error = {"error": "ExpiredToken", "message": "Token has expired"}
                return self._answer(handler, 400, error)
            if fault is Fault.UNAUTHORIZED:
                error = {"error": "AuthenticationRequired", "message": "Invalid token"}
                return self._answer(handler, 401, error)
            if fault is Fault.STALL_BEFORE:
                time.sleep(self.stall_s)  # the client gives up; the request still lands
            status, reason, headers, payload = self._forward(handler, body)
            if fault is Fault.DROP_AFTER:
                return self._drop(handler)
            if fault is Fault.STALL_AFTER:
                time.sleep(self.stall_s)
                return self._drop(handler)
            handler.send_response(status, reason)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client went away (it timed out): nothing to answer
        finally:
            with self._lock:
                self._busy -= 1

    def _forward(
        self, handler: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {
                name: value
                for name, value in handler.headers.items()
                if name.lower() not in _HOP_BY_HOP
            }
            connection.request(handler.command, handler.path, body or None, headers)
            response = connection.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            connection.close()

    @staticmethod
    def _answer(
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: dict[str, str],
        retry_after: str | None = None,
    ) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        if retry_after is not None:
            handler.send_header("Retry-After", retry_after)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _drop(handler: BaseHTTPRequestHandler) -> None:
        """Close the connection without a byte of answer (the client sees a disconnect)."""
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)
