"""A fake LanguageTool server for tests.

No LanguageTool server can be installed on the project's machines (DEPENDENCIES.md §3),
so tests run this local HTTP server instead. It speaks LanguageTool's documented HTTP API
(https://languagetool.org/http-api/): ``GET /v2/languages``, ``GET /v2/healthcheck`` and
``POST /v2/check`` with a form-encoded ``language`` and ``text``. Its ``/v2/check`` reply
has the documented shape::

    {"software": {...}, "language": {...}, "matches": [
        {"message", "shortMessage", "replacements": [{"value"}], "offset", "length",
         "context": {"text", "offset", "length"}, "sentence",
         "rule": {"id", "description", "issueType", "category": {"id", "name"},
                  "urls": [{"value"}]}}]}

Like the real (Java) server it reports ``offset`` and ``length`` in UTF-16 code units, so
an emoji before a mistake shifts the offset by two, not one.

It flags whole words from `misspellings` and phrases from `grammar`. For failure tests,
set `delay` (seconds before answering), `status` (e.g. 500) or `garbage` (a non-JSON
body). Every request is recorded in `requests`, and `max_in_flight` tells whether two
checks ever ran at the same time.
"""

from __future__ import annotations

import functools
import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

__all__ = [
    "DEFAULT_GRAMMAR",
    "DEFAULT_MISSPELLINGS",
    "FakeLanguageTool",
    "RecordedRequest",
    "unused_local_url",
    "utf16_offset",
]

DEFAULT_MISSPELLINGS: Mapping[str, str] = {"teh": "the", "recieve": "receive"}
DEFAULT_GRAMMAR: Mapping[str, str] = {"could of": "could have"}
GRAMMAR_RULE_URL = "https://languagetool.org/insights/post/could-of/"
LANGUAGES = [
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
]


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code unit offset of a Python index, as Java counts it."""
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


def unused_local_url() -> str:
    """A URL on 127.0.0.1 where, for now, nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, and its JSON reply (None for errors)."""

    method: str
    path: str
    form: dict[str, str]
    reply: Any = None


@dataclass
class FakeLanguageTool:
    """A LanguageTool ``/v2`` server on 127.0.0.1; use it as a context manager.

    Attributes:
        misspellings: whole words to flag, with their replacement.
        grammar: phrases to flag as grammar, with their replacement.
        prefix: a path the API lives under, such as ``/api`` (default: none).
        delay: seconds to wait before answering ``/v2/check``.
        status: the HTTP status of ``/v2/check`` replies; not 200 gives a text body.
        garbage: answer ``/v2/check`` with 200 and a body that is not JSON.
        requests: every request received, oldest first.
        max_in_flight: the most ``/v2/check`` requests handled at the same time.
    """

    misspellings: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MISSPELLINGS))
    grammar: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GRAMMAR))
    prefix: str = ""
    delay: float = 0.0
    status: int = 200
    garbage: bool = False
    requests: list[RecordedRequest] = field(default_factory=list, init=False)
    max_in_flight: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._in_flight = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's base URL, with a trailing slash (what users type into settings)."""
        if self._server is None:
            raise RuntimeError("the fake LanguageTool server is not running")
        return f"http://127.0.0.1:{self._server.server_port}{self.prefix}/"

    def start(self) -> Self:
        """Start serving on a free port, on a daemon thread."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        # A short poll interval so that stop() returns in milliseconds, not 0.5 s.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.01)
        self._thread = threading.Thread(target=serve, name="fake-languagetool", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still sleeping in `delay` are abandoned."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def checks(self) -> list[RecordedRequest]:
        """The ``/v2/check`` requests received so far."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/v2/check")]

    def wait_for_checks(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` ``/v2/check`` requests have arrived (answered or not)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while sum(r.path.endswith("/v2/check") for r in self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._arrived.wait(remaining)
            return True

    def matches_for(self, text: str) -> list[dict[str, Any]]:
        """What real LanguageTool would report for `text`, in its JSON shape."""
        found = []
        for word, replacement in self.misspellings.items():
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                found.append(_match(text, m.start(), m.end(), replacement, spelling=True))
        for phrase, replacement in self.grammar.items():
            for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE):
                found.append(_match(text, m.start(), m.end(), replacement, spelling=False))
        found.sort(key=lambda match: match["offset"])
        return found

    # Called by the handler threads.

    def _record(self, request: RecordedRequest) -> None:
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def _enter_check(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave_check(self) -> None:
        with self._lock:
            self._in_flight -= 1


def _match(text: str, start: int, end: int, replacement: str, *, spelling: bool) -> dict[str, Any]:
    """One match in LanguageTool's documented shape, with UTF-16 offsets."""
    offset, length = utf16_offset(text, start), utf16_offset(text, end) - utf16_offset(text, start)
    # Real LanguageTool shows up to 40 characters either side as context.
    context_start = max(0, start - 40)
    context = text[context_start : end + 40]
    context_offset = utf16_offset(text, start) - utf16_offset(text, context_start)
    rule: dict[str, Any]
    if spelling:
        rule = {
            "id": "MORFOLOGIK_RULE_EN_GB",
            "description": "Possible spelling mistake",
            "issueType": "misspelling",
            "category": {"id": "TYPOS", "name": "Possible Typo"},
        }
        message, short = "Possible spelling mistake found.", "Spelling mistake"
    else:
        rule = {
            "id": "COULD_OF",
            "description": "could/should/would of (have)",
            "issueType": "grammar",
            "category": {"id": "GRAMMAR", "name": "Grammar"},
            "urls": [{"value": GRAMMAR_RULE_URL}],
        }
        message, short = "Did you mean “could have”?", "Grammatical problem"
    return {
        "message": message,
        "shortMessage": short,
        "replacements": [{"value": replacement}],
        "offset": offset,
        "length": length,
        "context": {"text": context, "offset": context_offset, "length": length},
        "sentence": text.strip(),
        "type": {"typeName": "Other"},
        "rule": rule,
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLanguageTool

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is expected in these tests; don't print.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def _fake(self) -> FakeLanguageTool:
        return self.server.fake

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        form = dict(urllib.parse.parse_qsl(parts.query))
        api = self._api_path(parts.path)
        if api == "/v2/check":
            self._check(parts.path, form)
            return
        self._fake._record(RecordedRequest("GET", parts.path, form))
        if api == "/v2/languages":
            self._send_json(LANGUAGES)
        elif api == "/v2/healthcheck":
            self._send(200, b"OK", "text/plain")
        else:
            self._send(404, f"Error: unknown path {parts.path}".encode(), "text/plain")

    def do_POST(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        if self._api_path(parts.path) == "/v2/check":
            self._check(parts.path, form)
        else:
            self._fake._record(RecordedRequest("POST", parts.path, form))
            self._send(404, f"Error: unknown path {parts.path}".encode(), "text/plain")

    def _api_path(self, path: str) -> str | None:
        prefix = self._fake.prefix
        return path[len(prefix) :] if path.startswith(prefix + "/") else None

    def _check(self, path: str, form: dict[str, str]) -> None:
        fake = self._fake
        fake._enter_check()
        try:
            reply = self._check_reply(form)
            fake._record(RecordedRequest(self.command, path, form, reply))
            # The event lets stop() end the wait early.
            stopped = bool(fake.delay) and fake._stopping.wait(fake.delay)
        finally:
            # Leave before answering: once the client has its answer it may send the
            # next request, which must not be counted as overlapping with this one.
            fake._leave_check()
        if stopped:
            return
        try:
            if fake.status != 200:
                self._send(fake.status, b"Error: internal error (fake)", "text/plain")
            elif fake.garbage:
                self._send(200, b"<html><body>Proxy error</body></html>", "text/html")
            elif reply is None:
                self._send(400, b"Error: Missing 'text' or 'data' parameter", "text/plain")
            else:
                self._send_json(reply)
        except OSError:
            pass  # the client gave up (timeout) and closed the connection

    def _check_reply(self, form: dict[str, str]) -> dict[str, Any] | None:
        if "text" not in form:
            return None
        text = form["text"]
        language = form.get("language", "auto")
        return {
            "software": {
                "name": "LanguageTool",
                "version": "6.8",
                "buildDate": "2025-01-01 00:00:00 +0000",
                "apiVersion": 1,
                "premium": False,
                "status": "",
            },
            "warnings": {"incompleteResults": False},
            "language": {
                "name": "English (GB)",
                "code": language,
                "detectedLanguage": {"name": "English (GB)", "code": "en-GB", "confidence": 0.9},
            },
            "matches": self._fake.matches_for(text),
        }

    def _send_json(self, obj: object) -> None:
        self._send(200, json.dumps(obj).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
