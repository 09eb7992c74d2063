"""Grammar and spelling checks: LanguageTool (en-GB) with an offline spelling fallback.

Modes (`GrammarConfig.mode`):

- ``off``: LanguageTool is not used; only offline spelling runs.
- ``local``: language-tool-python downloads LanguageTool (about 250 MB, once) and runs it
  with Java on this computer. Drafts never leave the machine.
- ``server``: a LanguageTool server at `GrammarConfig.server_url`, normally one the
  department runs itself so drafts stay inside it.

Whatever goes wrong with LanguageTool (a closed port, a timeout, HTTP 5xx, a reply that is
not LanguageTool's JSON, no Java, no internet for the download, anything else) the check
falls back to offline British English spelling (`postdesk.analysis.spelling`), and
`GrammarResult.note` says why. If even the spelling dictionary is missing, the result says
no checker is available. `GrammarService.check` never raises.

How LanguageTool is called. language-tool-python is used for what only it does: download
LanguageTool, verify it, start it with Java on a free port, and stop it at exit. The
checks themselves, in both ``local`` and ``server`` mode, are one POST to LanguageTool's
documented HTTP API (``/v2/check``) made with httpx. That is more robust than the
library's own ``LanguageTool.check`` here, for these reasons (language-tool-python 3.4.0):

- Timeouts: the library waits up to 300 s per request and tries twice; we need about 3 s
  so the user is told quickly that grammar is off, and a deadline for the whole reply.
- Thread safety: the library's ``Match`` keeps emoji-offset state in class attributes
  shared by every instance; our parsing keeps no shared state.
- Exact offsets: the library corrects a match's offset for emoji but not its length, and
  its correction raises UnicodeEncodeError on a lone surrogate. We map both ends of each
  span from UTF-16 units to Python indices (`postdesk.analysis.offsets`).
- Errors: the library treats an HTTP 500 with a JSON body as a result (then KeyError), and
  ``LanguageTool(remote_server=...)`` makes a request at construction time. Here every
  failure becomes a `LanguageToolUnavailableError` with a sentence for the user.
- Server URLs: the library turns ``http://host/api`` into ``http://host/v2/`` and
  ``…/v2/`` into ``…/v2/v2/``; `normalise_server_url` accepts all of these.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Protocol, Self
from urllib.parse import urlsplit

import httpx

from postdesk.analysis.findings import Finding, Level
from postdesk.analysis.offsets import Utf16Index, scrub_surrogates
from postdesk.analysis.spelling import SpellChecker, SpellingUnavailableError

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "Engine",
    "GrammarConfig",
    "GrammarResult",
    "GrammarService",
    "LanguageToolClient",
    "LanguageToolUnavailableError",
    "Mode",
    "findings_from_matches",
    "normalise_server_url",
]

logger = logging.getLogger(__name__)

Mode = Literal["off", "local", "server"]
Engine = Literal["languagetool", "spelling", "none"]

DEFAULT_TIMEOUT_S = 3.0
_MODES: tuple[Mode, ...] = ("off", "local", "server")
# A post's matches are a few kB; anything far bigger is not a LanguageTool reply.
_MAX_REPLY_BYTES = 4 * 1024 * 1024
# LanguageTool issue types worth a warning; style and typography are only info.
_WARN_ISSUE_TYPES = frozenset({"misspelling", "grammar", "duplication"})
_SPELLING_ISSUE_TYPES = frozenset({"misspelling", "locale-violation"})
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class GrammarConfig:
    """How to check grammar.

    Attributes:
        mode: ``off``, ``local`` or ``server`` (see the module docstring).
        server_url: the LanguageTool server for ``server`` mode, such as
            ``http://lt.dept.internal:8081``; a ``/v2`` suffix is optional.
        timeout_s: how long one LanguageTool request may take before falling back.
        language: the LanguageTool language code; the spelling fallback uses the same
            language with an underscore (``en_GB``).
        personal_words: words never flagged as misspelt, by either engine.
        disabled_rules: LanguageTool rule ids to switch off.
        local_retry_s: in ``local`` mode, how long to wait after a failed start before
            trying again (the start downloads LanguageTool, so not on every keystroke).
    """

    mode: Mode = "off"
    server_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    language: str = "en-GB"
    personal_words: frozenset[str] = field(default_factory=frozenset)
    disabled_rules: tuple[str, ...] = ()
    local_retry_s: float = 300.0

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise ValueError(f"mode must be one of {', '.join(_MODES)}, not {self.mode!r}")
        if not self.timeout_s > 0:
            raise ValueError("timeout_s must be positive")


@dataclass(frozen=True, slots=True)
class GrammarResult:
    """What one check found, and which engine found it.

    Attributes:
        engine: ``languagetool`` (grammar and spelling), ``spelling`` (the offline
            fallback: spelling only) or ``none`` (no checker could run).
        available: whether any checker ran.
        findings: `grammar` and `spelling` findings, in text order.
        note: why LanguageTool did not run, for the UI to show, or None when it did.
    """

    engine: Engine
    available: bool
    findings: tuple[Finding, ...] = ()
    note: str | None = None


class LanguageToolUnavailableError(Exception):
    """LanguageTool could not check the text. ``str(error)`` is a phrase for the user."""


def normalise_server_url(url: str) -> str:
    """The ``/v2`` API base of a LanguageTool server URL, without a trailing slash.

    Accepts ``host:8081``, ``http://host:8081/``, ``https://host/api``,
    ``https://host/api/v2/`` and ``…/v2/check``.

    Raises:
        ValueError: the URL is empty or not http(s).
    """
    url = url.strip()
    if not url:
        raise ValueError("the LanguageTool server address is empty")
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) address: {url}")
    path = parts.path.rstrip("/")
    if path.endswith("/v2/check"):
        path = path.removesuffix("/check")
    if not path.endswith("/v2"):
        path += "/v2"
    return f"{parts.scheme}://{parts.netloc}{path}"


def findings_from_matches(
    text: str, matches: Iterable[object], personal_words: Callable[[str], bool] | None = None
) -> tuple[Finding, ...]:
    """Turn LanguageTool ``matches`` into findings with Python string offsets.

    LanguageTool counts offsets in UTF-16 code units. Malformed matches are skipped and
    every span is clamped to the text, so a faulty server cannot produce a bad finding.

    Args:
        text: the text that was checked.
        matches: the ``matches`` list of a ``/v2/check`` reply.
        personal_words: returns True for a word the user added to their word list;
            spelling matches on such words are dropped.

    Returns:
        The findings, sorted by position.
    """
    index = Utf16Index(text)
    findings = []
    for match in matches:
        finding = _finding_from_match(text, index, match)
        if finding is None:
            continue
        word = text[finding.start : finding.end]
        if finding.rule == "spelling" and personal_words is not None and personal_words(word):
            continue
        findings.append(finding)
    findings.sort(key=lambda f: (f.start, f.end))
    return tuple(findings)


def _finding_from_match(text: str, index: Utf16Index, match: object) -> Finding | None:
    if not isinstance(match, Mapping):
        return None
    offset, length, message = match.get("offset"), match.get("length"), match.get("message")
    # bool is an int subclass; a server sending true/false is not sending offsets.
    if type(offset) is not int or type(length) is not int or not isinstance(message, str):
        logger.debug("Skipping a malformed LanguageTool match: %r", match)
        return None
    rule = match.get("rule")
    rule = rule if isinstance(rule, Mapping) else {}
    issue_type = rule.get("issueType")
    category = rule.get("category")
    category_id = category.get("id") if isinstance(category, Mapping) else None
    is_spelling = issue_type in _SPELLING_ISSUE_TYPES or category_id == "TYPOS"
    start, end = index.span_to_python(offset, length)
    return Finding(
        rule="spelling" if is_spelling else "grammar",
        level=Level.WARN if issue_type in _WARN_ISSUE_TYPES else Level.INFO,
        start=start,
        end=end,
        message=message.strip() or "LanguageTool found a possible problem.",
        suggestion=_first_value(match.get("replacements")),
        source=_first_value(rule.get("urls"), url=True),
        suggestions=_values(match.get("replacements"))[:MAX_SUGGESTIONS],
    )


def _values(items: object) -> tuple[str, ...]:
    """Every well-formed ``{"value": str}`` of a LanguageTool list, in its order."""
    if not isinstance(items, list):
        return ()
    return tuple(
        item["value"]
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("value"), str)
    )


# A menu of suggestions stays short enough to read.
MAX_SUGGESTIONS = 5


def _first_value(items: object, *, url: bool = False) -> str | None:
    """The first ``{"value": str}`` of a LanguageTool list, if it is well formed."""
    if not isinstance(items, list) or not items or not isinstance(items[0], Mapping):
        return None
    value = items[0].get("value")
    if not isinstance(value, str) or (url and not value.startswith(("https://", "http://"))):
        return None
    return value


class LanguageToolClient:
    """A minimal client for one LanguageTool server's ``/v2/check``.

    Thread-safe (httpx clients are), but `GrammarService` only uses it from its worker.

    Args:
        server_url: the server; see `normalise_server_url`.
        timeout_s: the limit for connecting and for the whole reply.
        language: the LanguageTool language code.
        disabled_rules: rule ids to switch off.
        transport: an httpx transport, for tests.

    Raises:
        ValueError: `server_url` is not an http(s) address.
    """

    def __init__(
        self,
        server_url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        language: str = "en-GB",
        disabled_rules: Iterable[str] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = normalise_server_url(server_url)
        self.timeout_s = timeout_s
        self.language = language
        self.disabled_rules = tuple(disabled_rules)
        parts = urlsplit(self.base_url)
        # For messages: without any user:password@ the URL may hold.
        shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        self._where = f"LanguageTool server at {shown.removesuffix('/v2')}"
        # A proxy from HTTP_PROXY cannot reach this computer's own loopback address, so
        # local mode (and a server on localhost) must ignore the proxy settings.
        loopback = parts.hostname in _LOOPBACK_HOSTS
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s), transport=transport, trust_env=not loopback
        )

    def check(self, text: str) -> list[object]:
        """POST the text to ``/v2/check`` and return the reply's ``matches``.

        Offsets in the matches are UTF-16 units; see `findings_from_matches`.

        Raises:
            LanguageToolUnavailableError: for every kind of failure.
        """
        where = self._where
        form = {"language": self.language, "text": scrub_surrogates(text)}
        if self.disabled_rules:
            form["disabledRules"] = ",".join(self.disabled_rules)
        try:
            status, body = self._post(form)
        except httpx.TimeoutException as exc:
            raise LanguageToolUnavailableError(
                f"{where} did not answer in {self.timeout_s:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise LanguageToolUnavailableError(f"{where} could not be reached ({exc})") from exc
        if status != 200:
            raise LanguageToolUnavailableError(f"{where} answered with HTTP {status}")
        try:
            reply = json.loads(body)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise LanguageToolUnavailableError(f"{where} sent a reply that is not JSON") from exc
        matches = reply.get("matches") if isinstance(reply, dict) else None
        if not isinstance(matches, list):
            raise LanguageToolUnavailableError(f"{where} sent a reply without matches")
        return matches

    def _post(self, form: dict[str, str]) -> tuple[int, bytes]:
        # httpx timeouts apply per read, so a server that trickles bytes could take far
        # longer in total; stream the reply and hold it to one deadline and a size cap.
        deadline = time.monotonic() + self.timeout_s
        chunks: list[bytes] = []
        size = 0
        with self._client.stream("POST", f"{self.base_url}/check", data=form) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("reply too slow", request=response.request)
                if size > _MAX_REPLY_BYTES:
                    raise LanguageToolUnavailableError(f"{self._where} sent too much data")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


class _LocalTool(Protocol):
    """The part of ``language_tool_python.LanguageTool`` that local mode uses."""

    @property
    def url(self) -> str: ...

    def close(self) -> None: ...


def _start_local_languagetool(language: str) -> _LocalTool:
    # Imported here: it costs 0.3 s and is only needed in local mode.
    import language_tool_python

    tool: _LocalTool = language_tool_python.LanguageTool(language)
    return tool


class _LocalServer:
    """A LanguageTool server on this computer, started in the background.

    The first start downloads about 250 MB, then Java takes seconds to start, so the
    start runs on its own thread and checks use the spelling fallback until it is up.
    """

    def __init__(
        self, language: str, retry_s: float, factory: Callable[[str], _LocalTool] | None
    ) -> None:
        self._language = language
        self._retry_s = retry_s
        self._factory = factory or _start_local_languagetool
        self._lock = threading.Lock()
        self._tool: _LocalTool | None = None
        self._starting = False
        self._failure: str | None = None
        self._failed_at = 0.0
        self._closed = False

    def url(self) -> str:
        """The running server's URL, starting it if needed.

        Raises:
            LanguageToolUnavailableError: not running yet, or the start failed.
        """
        with self._lock:
            if self._tool is not None:
                return self._tool.url
            if self._failure and time.monotonic() - self._failed_at < self._retry_s:
                raise LanguageToolUnavailableError(self._failure)
            self._start_locked()
        raise LanguageToolUnavailableError(
            "LanguageTool is starting on this computer (the first start downloads about 250 MB)"
        )

    def start(self) -> None:
        """Start the server in the background unless it is running or starting."""
        with self._lock:
            if self._tool is None:
                self._start_locked()

    def _start_locked(self) -> None:
        if self._starting or self._closed:
            return
        self._starting = True
        threading.Thread(target=self._run, name="postdesk-languagetool-start", daemon=True).start()

    def _run(self) -> None:
        try:
            tool = self._factory(self._language)
        # Not only LanguageToolError: offline, the download raises requests'
        # ConnectionError, and a missing Java raises its own errors.
        except Exception as exc:
            logger.info("LanguageTool did not start on this computer", exc_info=True)
            with self._lock:
                self._starting = False
                self._failure = (
                    f"LanguageTool could not be started on this computer "
                    f"({type(exc).__name__}: {exc})"
                )
                self._failed_at = time.monotonic()
            return
        with self._lock:
            self._starting = False
            closed = self._closed
            if not closed:
                self._tool = tool
        if closed:  # close() ran while Java was starting: stop it again
            tool.close()

    def close(self) -> None:
        """Stop the Java server, if it was started."""
        with self._lock:
            self._closed = True
            tool, self._tool = self._tool, None
        if tool is not None:
            tool.close()


class GrammarService:
    """Runs grammar and spelling checks on one background worker thread.

    Use `submit` from the UI thread; it never blocks. `check` runs a check on the
    calling thread and is what the worker and the command line use. Checks are
    serialised: one at a time, in submission order.

    Args:
        config: how to check.
        spell_checker: the offline checker; by default en-GB with the config's words.
        local_factory: starts LanguageTool in ``local`` mode, given the language code
            (default: ``language_tool_python.LanguageTool``); for tests.
        transport: an httpx transport for the LanguageTool client; for tests.
    """

    def __init__(
        self,
        config: GrammarConfig | None = None,
        *,
        spell_checker: SpellChecker | None = None,
        local_factory: Callable[[str], _LocalTool] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config or GrammarConfig()
        self._speller = spell_checker or SpellChecker(
            self.config.personal_words, language=self.config.language.replace("-", "_")
        )
        self._transport = transport
        self._lock = threading.Lock()  # one check at a time, whichever thread calls
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postdesk-grammar")
        self._pending: list[Future[GrammarResult]] = []
        self._pending_lock = threading.Lock()
        self._clients: dict[str, LanguageToolClient] = {}
        self._closed = False
        self._local = (
            _LocalServer(self.config.language, self.config.local_retry_s, local_factory)
            if self.config.mode == "local"
            else None
        )

    def submit(self, text: str, *, replace_pending: bool = False) -> Future[GrammarResult]:
        """Queue a check on the worker thread.

        Args:
            text: the post.
            replace_pending: cancel earlier checks that have not started yet, because
                their text is out of date (a cancelled future's ``cancelled()`` is True).

        Returns:
            A future for the result; it never holds an exception from the check.

        Raises:
            RuntimeError: the service is closed.
        """
        with self._pending_lock:
            if replace_pending:
                for future in self._pending:
                    future.cancel()
            self._pending = [f for f in self._pending if not f.done()]
            future = self._executor.submit(self.check, text)
            self._pending.append(future)
        return future

    def warm_up(self) -> Future[None]:
        """Load the spelling dictionary and start local LanguageTool, on the worker."""
        return self._executor.submit(self._warm_up)

    def _warm_up(self) -> None:
        self._speller.warm_up()
        if self._local is not None:
            self._local.start()

    def check(self, text: str) -> GrammarResult:
        """Check the text on the calling thread. Never raises.

        Args:
            text: the post.

        Returns:
            LanguageTool's findings, or the offline spelling findings with a note
            saying why LanguageTool did not run.
        """
        with self._lock:
            try:
                return GrammarResult("languagetool", True, self._check_languagetool(text))
            except LanguageToolUnavailableError as exc:
                reason = str(exc)
            # Any failure at all must leave the user with spelling, not a crash.
            except Exception as exc:
                logger.info("LanguageTool check failed", exc_info=True)
                reason = f"checking with LanguageTool failed ({type(exc).__name__}: {exc})"
            return self._check_spelling(text, reason)

    def _check_languagetool(self, text: str) -> tuple[Finding, ...]:
        config = self.config
        if self._closed:
            raise LanguageToolUnavailableError("the grammar service is closed")
        if config.mode == "off":
            raise LanguageToolUnavailableError("it is turned off in settings")
        if self._local is not None:
            url = self._local.url()
        elif config.server_url and config.server_url.strip():
            url = config.server_url
        else:
            raise LanguageToolUnavailableError("no LanguageTool server address is set")
        matches = self._client(url).check(text)
        return findings_from_matches(text, matches, self._speller.is_personal)

    def _client(self, url: str) -> LanguageToolClient:
        client = self._clients.get(url)
        if client is None:
            client = LanguageToolClient(
                url,
                timeout_s=self.config.timeout_s,
                language=self.config.language,
                disabled_rules=self.config.disabled_rules,
                transport=self._transport,
            )
            self._clients[url] = client
        return client

    def _check_spelling(self, text: str, reason: str) -> GrammarResult:
        note = f"Grammar checking is off: {reason}"
        try:
            findings = self._speller.check(text)
        except SpellingUnavailableError as exc:
            note += f"; no spelling checker is available: {exc}."
            return GrammarResult("none", False, note=note)
        except Exception as exc:
            logger.info("Offline spelling check failed", exc_info=True)
            note += f"; the spelling check failed too ({type(exc).__name__}: {exc})."
            return GrammarResult("none", False, note=note)
        return GrammarResult("spelling", True, findings, f"{note}; only offline spelling ran.")

    def close(self, *, wait: bool = True) -> None:
        """Cancel queued checks, stop the worker and any local LanguageTool.

        Later calls to `check` fall back to spelling; `submit` raises RuntimeError.

        Args:
            wait: wait for a running check to finish (at most about the timeout).
        """
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)
        # Without wait, a running check may see its connection closed: it then falls
        # back to spelling like any other failure.
        for client in list(self._clients.values()):
            client.close()
        if self._local is not None:
            self._local.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
