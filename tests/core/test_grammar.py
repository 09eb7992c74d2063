"""Grammar checking: LanguageTool through a fake /v2 server, and the offline fallback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import language_tool_python
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from postdesk.analysis.findings import Level
from postdesk.analysis.grammar import (
    GrammarConfig,
    GrammarResult,
    GrammarService,
    LanguageToolClient,
    LanguageToolUnavailableError,
    findings_from_matches,
    normalise_server_url,
)
from postdesk.analysis.offsets import utf16_length
from postdesk.analysis.spelling import SpellChecker
from tests.helpers.fake_languagetool import (
    GRAMMAR_RULE_URL,
    FakeLanguageTool,
    unused_local_url,
    utf16_offset,
)

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👩‍👩‍👧‍👦
# Any text: every code point, lone surrogates included (st.text() leaves those out).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)

ServiceFactory = Callable[..., GrammarService]


@pytest.fixture
def fake() -> Iterator[FakeLanguageTool]:
    with FakeLanguageTool() as server:
        yield server


@pytest.fixture
def make_service() -> Iterator[ServiceFactory]:
    """Builds services and closes them all after the test."""
    services: list[GrammarService] = []

    def make(**config: Any) -> GrammarService:
        service = GrammarService(GrammarConfig(**config))
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


def spans(text: str, result: GrammarResult) -> list[str]:
    return [text[f.start : f.end] for f in result.findings]


class TestLanguageTool:
    def test_finds_teh_after_a_family_emoji(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        text = f"{FAMILY} teh"
        result = make_service(mode="server", server_url=fake.url).check(text)

        assert (result.engine, result.available, result.note) == ("languagetool", True, None)
        [finding] = result.findings
        assert (finding.start, finding.end) == (8, 11) == (text.index("teh"), len(text))
        assert finding.rule == "spelling"
        assert finding.level is Level.WARN
        assert finding.suggestion == "the"
        assert finding.message == "Possible spelling mistake found."
        assert finding.source is None
        # The server really spoke UTF-16: 7 code points but 11 UTF-16 units before "teh".
        [request] = fake.checks()
        assert request.reply["matches"][0]["offset"] == 12
        assert request.form == {"language": "en-GB", "text": text}

    def test_offsets_after_several_emoji_and_for_several_matches(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        text = "🎉🎉 We could of sent it 🚀 teh day before. \U0001d49c teh."  # astral, not emoji
        result = make_service(mode="server", server_url=fake.url).check(text)

        assert spans(text, result) == ["could of", "teh", "teh"]

    def test_grammar_match_keeps_message_replacement_and_rule_url(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        result = make_service(mode="server", server_url=fake.url).check("We could of won.")

        [finding] = result.findings
        assert finding.rule == "grammar"
        assert finding.level is Level.WARN
        assert finding.suggestion == "could have"
        assert finding.message == "Did you mean “could have”?"
        assert finding.source == GRAMMAR_RULE_URL

    def test_lone_surrogate_does_not_crash_and_keeps_offsets(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        text = "\ud83d broken paste, teh end"
        result = make_service(mode="server", server_url=fake.url).check(text)

        assert result.engine == "languagetool"
        assert spans(text, result) == ["teh"]
        # The surrogate went over the wire as U+FFFD, which is also one UTF-16 unit.
        assert fake.checks()[0].form["text"] == "\ufffd" + text[1:]

    def test_personal_words_silence_languagetool_spelling(
        self, make_service: ServiceFactory
    ) -> None:
        with FakeLanguageTool(misspellings={"PostDesk": "Post Desk"}) as server:
            service = make_service(
                mode="server", server_url=server.url, personal_words=frozenset({"PostDesk"})
            )
            result = service.check("Drafted in PostDesk.")

        assert result.engine == "languagetool"
        assert result.findings == ()

    def test_server_under_a_path(self, make_service: ServiceFactory) -> None:
        with FakeLanguageTool(prefix="/tools/lt") as server:
            for url in (server.url, server.url.rstrip("/"), server.url + "v2", server.url + "v2/"):
                result = make_service(mode="server", server_url=url).check("teh")
                assert result.engine == "languagetool", url

    def test_disabled_rules_are_sent(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        service = make_service(
            mode="server", server_url=fake.url, disabled_rules=("WHITESPACE_RULE", "COMMA_RULE")
        )
        service.check("Hello.")

        assert fake.checks()[0].form["disabledRules"] == "WHITESPACE_RULE,COMMA_RULE"


class TestFallback:
    def test_server_down(self, make_service: ServiceFactory) -> None:
        url = unused_local_url()
        result = make_service(mode="server", server_url=url).check(f"{FAMILY} teh organisation")

        assert (result.engine, result.available) == ("spelling", True)
        assert result.note is not None
        where = f"LanguageTool server at {url.rstrip('/')}"
        assert result.note.startswith(f"Grammar checking is off: {where} could not be reached")
        assert result.note.endswith("; only offline spelling ran.")
        [finding] = result.findings
        assert (finding.start, finding.end, finding.rule) == (8, 11, "spelling")
        assert finding.suggestion == "the"

    def test_http_500(self, fake: FakeLanguageTool, make_service: ServiceFactory) -> None:
        fake.status = 500
        result = make_service(mode="server", server_url=fake.url).check("Our colour teh")

        assert result.engine == "spelling"
        assert result.note is not None
        assert "answered with HTTP 500" in result.note
        assert spans("Our colour teh", result) == ["teh"]

    def test_garbage_reply(self, fake: FakeLanguageTool, make_service: ServiceFactory) -> None:
        fake.garbage = True
        result = make_service(mode="server", server_url=fake.url).check("teh")

        assert result.engine == "spelling"
        assert result.note is not None
        assert "sent a reply that is not JSON" in result.note

    def test_timeout(self, fake: FakeLanguageTool, make_service: ServiceFactory) -> None:
        fake.delay = 2.0
        service = make_service(mode="server", server_url=fake.url, timeout_s=0.3)
        started = time.monotonic()
        result = service.check("teh")
        elapsed = time.monotonic() - started

        assert result.engine == "spelling"
        assert result.note == (
            f"Grammar checking is off: LanguageTool server at {fake.url.rstrip('/')} "
            "did not answer in 0.3 s; only offline spelling ran."
        )
        assert spans("teh", result) == ["teh"]
        assert 0.3 <= elapsed < 1.5

    def test_json_without_matches(self) -> None:
        def reply(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json={"error": "maintenance"})

        client = LanguageToolClient("http://lt.invalid", transport=httpx.MockTransport(reply))
        with pytest.raises(LanguageToolUnavailableError, match="reply without matches"):
            client.check("teh")
        client.close()

    def test_oversized_reply(self) -> None:
        def reply(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, content=b"[" + b" " * (5 * 1024 * 1024) + b"]")

        client = LanguageToolClient("http://lt.invalid", transport=httpx.MockTransport(reply))
        with pytest.raises(LanguageToolUnavailableError, match="sent too much data"):
            client.check("teh")
        client.close()

    def test_messages_never_show_a_password(self, make_service: ServiceFactory) -> None:
        url = unused_local_url().replace("http://", "http://editor:s3cret@")
        result = make_service(mode="server", server_url=url).check("teh")

        assert result.engine == "spelling"
        assert result.note is not None
        assert "s3cret" not in result.note
        assert "LanguageTool server at http://127.0.0.1:" in result.note

    def test_any_exception_falls_back(
        self, fake: FakeLanguageTool, make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        service = make_service(mode="server", server_url=fake.url)

        def explode(*args: object) -> None:
            raise KeyError("matches")

        monkeypatch.setattr("postdesk.analysis.grammar.findings_from_matches", explode)
        result = service.check("teh")

        assert result.engine == "spelling"
        assert result.note is not None
        assert "checking with LanguageTool failed (KeyError" in result.note

    def test_mode_off_runs_spelling_only(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        result = make_service(mode="off", server_url=fake.url).check("teh")

        assert result.engine == "spelling"
        assert result.note == (
            "Grammar checking is off: it is turned off in settings; only offline spelling ran."
        )
        assert fake.requests == []

    def test_server_mode_without_a_url(self, make_service: ServiceFactory) -> None:
        result = make_service(mode="server", server_url="  ").check("teh")

        assert result.engine == "spelling"
        assert result.note is not None
        assert "no LanguageTool server address is set" in result.note

    def test_british_spellings_are_not_flagged(self, make_service: ServiceFactory) -> None:
        text = "The organisation chose a new colour for the programme centre."
        result = make_service(mode="server", server_url=unused_local_url()).check(text)

        assert result.engine == "spelling"
        assert result.findings == ()

    def test_no_dictionary_means_no_checker(self) -> None:
        speller = SpellChecker(language="xx_NOPE")
        with GrammarService(GrammarConfig(mode="off"), spell_checker=speller) as service:
            result = service.check("teh")

        assert (result.engine, result.available, result.findings) == ("none", False, ())
        assert result.note is not None
        assert "no spelling checker is available: no xx_NOPE spelling dictionary" in result.note


class TestLocalMode:
    def test_starts_in_background_then_uses_language_tool_python(
        self, fake: FakeLanguageTool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Local mode through the real language-tool-python, pointed at the fake server.

        Its real local mode downloads LanguageTool, which these machines cannot do.
        """
        # language-tool-python (requests) would send even 127.0.0.1 through HTTP_PROXY.
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        started = threading.Event()

        def start(language: str) -> Any:
            started.wait(5)
            return language_tool_python.LanguageTool(language, remote_server=fake.url)

        with GrammarService(GrammarConfig(mode="local"), local_factory=start) as service:
            first = service.check("teh")
            started.set()
            result = wait_for(lambda: service.check(f"{FAMILY} teh"), "languagetool")

        assert first.engine == "spelling"
        assert first.note is not None
        assert "LanguageTool is starting on this computer" in first.note
        assert [f.start for f in result.findings] == [8]
        assert [r.path for r in fake.requests][:1] == ["/v2/languages"]

    def test_offline_download_falls_back_to_spelling(self) -> None:
        def start(language: str) -> Any:
            # What language-tool-python raises offline (DEPENDENCIES.md §0 row 2).
            raise requests.exceptions.ConnectionError("Failed to resolve 'github.com'")

        config = GrammarConfig(mode="local", local_retry_s=60)
        with GrammarService(config, local_factory=start) as service:
            result = wait_for(lambda: service.check("teh"), "spelling", note="could not be started")

        assert result.note == (
            "Grammar checking is off: LanguageTool could not be started on this computer "
            "(ConnectionError: Failed to resolve 'github.com'); only offline spelling ran."
        )
        assert spans("teh", result) == ["teh"]


def wait_for(
    check: Callable[[], GrammarResult], engine: str, note: str = "", timeout: float = 5.0
) -> GrammarResult:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result.engine == engine and note in (result.note or ""):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still {result} after {timeout} s")
        time.sleep(0.02)


class TestService:
    def test_check_never_runs_on_the_callers_thread(
        self, fake: FakeLanguageTool, make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        service = make_service(mode="server", server_url=fake.url)
        threads: list[int] = []
        check = service.check

        def spy(text: str) -> GrammarResult:
            threads.append(threading.get_ident())
            return check(text)

        monkeypatch.setattr(service, "check", spy)
        result = service.submit("teh").result(timeout=5)

        assert result.engine == "languagetool"
        assert threads
        assert threading.get_ident() not in threads

    def test_concurrent_submissions_are_serialised(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        fake.delay = 0.02
        service = make_service(mode="server", server_url=fake.url)
        texts = [f"{'🙂' * n} item {n}: teh" for n in range(12)]

        with ThreadPoolExecutor(max_workers=4) as callers:
            futures = list(callers.map(service.submit, texts))
            # The synchronous check (the CLI's path) waits its turn as well.
            direct = service.check(texts[0])
        results = [future.result(timeout=10) for future in futures]

        assert fake.max_in_flight == 1
        assert direct.engine == "languagetool"
        for text, result in zip(texts, results, strict=True):
            assert result.engine == "languagetool"
            assert spans(text, result) == ["teh"]

    def test_replace_pending_cancels_only_queued_checks(
        self, fake: FakeLanguageTool, make_service: ServiceFactory
    ) -> None:
        fake.delay = 0.2
        service = make_service(mode="server", server_url=fake.url)
        running = service.submit("first teh")
        assert fake.wait_for_checks(1)
        stale = service.submit("second teh")
        latest = service.submit("third teh", replace_pending=True)

        assert stale.cancelled()
        assert running.result(timeout=5).engine == "languagetool"
        assert latest.result(timeout=5).engine == "languagetool"
        assert [r.form["text"] for r in fake.checks()] == ["first teh", "third teh"]

    def test_warm_up_runs_on_the_worker(self, make_service: ServiceFactory) -> None:
        service = make_service(mode="off")
        assert service.warm_up().result(timeout=5) is None

    def test_after_close(self, fake: FakeLanguageTool, make_service: ServiceFactory) -> None:
        service = make_service(mode="server", server_url=fake.url)
        assert service.check("teh").engine == "languagetool"
        service.close()

        with pytest.raises(RuntimeError):
            service.submit("teh")
        result = service.check("teh")
        assert result.engine == "spelling"
        assert result.note is not None
        assert "the grammar service is closed" in result.note

    def test_invalid_config(self) -> None:
        with pytest.raises(ValueError, match="mode must be one of"):
            GrammarConfig(mode="cloud")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="timeout_s"):
            GrammarConfig(timeout_s=0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("lt.dept.internal:8081", "http://lt.dept.internal:8081/v2"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/v2"),
        ("https://h.example/api", "https://h.example/api/v2"),
        ("https://h.example/api/v2/", "https://h.example/api/v2"),
        ("https://h.example/v2/check", "https://h.example/v2"),
    ],
)
def test_normalise_server_url(url: str, expected: str) -> None:
    assert normalise_server_url(url) == expected


@pytest.mark.parametrize("url", ["", "ftp://h.example/", "http://"])
def test_normalise_server_url_rejects(url: str) -> None:
    with pytest.raises(ValueError, match="address"):
        normalise_server_url(url)


def test_bad_server_url_falls_back(make_service: ServiceFactory) -> None:
    result = make_service(mode="server", server_url="ftp://lt.example/").check("teh")

    assert result.engine == "spelling"
    assert result.note is not None
    assert "not an http(s) address" in result.note


class TestFindingsFromMatches:
    def test_span_containing_an_emoji_keeps_the_whole_emoji(self) -> None:
        text = "a 🙂🙂 b"
        # UTF-16: "a " is 2 units, each emoji 2: the emoji pair is offset 2, length 4.
        [finding] = findings_from_matches(text, [match(2, 4)])

        assert text[finding.start : finding.end] == "🙂🙂"

    def test_offset_inside_a_surrogate_pair_widens_to_the_character(self) -> None:
        text = "a🙂b"
        [finding] = findings_from_matches(text, [match(2, 1)])

        assert text[finding.start : finding.end] == "🙂"

    def test_malformed_matches_are_skipped(self) -> None:
        text = "hello"
        matches: list[object] = [
            "nonsense",
            {"offset": "1", "length": 2, "message": "m"},
            {"offset": True, "length": 2, "message": "m"},
            {"offset": 0, "length": 2},
            match(0, 2, replacements=[{"value": 3}], rule={"urls": [{"value": "javascript:x"}]}),
        ]
        [finding] = findings_from_matches(text, matches)

        assert (finding.start, finding.end) == (0, 2)
        assert (finding.suggestion, finding.source) == (None, None)
        assert finding.rule == "grammar"
        assert finding.level is Level.INFO

    def test_every_suggestion_is_kept_in_order_up_to_five(self) -> None:
        values = ["their", "there", {"value": 7}, "they're", "the", "then", "thee"]
        replacements = [v if isinstance(v, dict) else {"value": v} for v in values]
        [finding] = findings_from_matches("thier", [match(0, 5, replacements=replacements)])

        assert finding.suggestion == "their"
        assert finding.suggestions == ("their", "there", "they're", "the", "then")

    def test_out_of_range_offsets_are_clamped(self) -> None:
        findings = findings_from_matches("short", [match(3, 100), match(-5, 2), match(50, -3)])

        assert [(f.start, f.end) for f in findings] == [(0, 0), (3, 5), (5, 5)]

    @given(text=ANY_TEXT, offset=st.integers(-10, 700), length=st.integers(-10, 700))
    def test_spans_always_lie_inside_the_text(self, text: str, offset: int, length: int) -> None:
        [finding] = findings_from_matches(text, [match(offset, length)])

        assert 0 <= finding.start <= finding.end <= len(text)

    @given(text=ANY_TEXT, data=st.data())
    def test_valid_utf16_spans_map_exactly(self, text: str, data: st.DataObject) -> None:
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        offset = utf16_offset(text, start)
        [finding] = findings_from_matches(text, [match(offset, utf16_offset(text, end) - offset)])

        assert (finding.start, finding.end) == (start, end)
        assert utf16_length(text) == utf16_offset(text, len(text))


def match(offset: int, length: int, **extra: Any) -> dict[str, Any]:
    return {"offset": offset, "length": length, "message": "Something.", **extra}


@pytest.fixture(scope="module")
def offline_service() -> Iterator[GrammarService]:
    # Without suggestions: hunspell needs up to 250 ms to suggest for each random word.
    speller = SpellChecker(suggestion_budget_s=0)
    with GrammarService(GrammarConfig(mode="off"), spell_checker=speller) as service:
        yield service


@settings(max_examples=200)
@given(text=ANY_TEXT)
def test_fallback_offsets_always_lie_within_the_text(
    offline_service: GrammarService, text: str
) -> None:
    result = offline_service.check(text)

    assert result.engine == "spelling"
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.rule == "spelling"
