"""The one small interface every platform adapter implements, and its error tree.

An adapter turns an approved post into exactly one post on one platform, safely retried:
the orchestrator (postdesk.publishing.publisher) stores a `PublishAttempt`'s key before
the first request, and an adapter must make a repeated call with the same key either
publish once or find the post it already made (Mastodon: the Idempotency-Key header;
Bluesky: a record key chosen up front and written with putRecord + swapRecord null;
X and LinkedIn: a lookup of recent posts by the exact text, as they offer no key).

Error tree (what the orchestrator does with each)::

    PublishError                 never retried; shown to the user with `message`
    ├── AuthError                the token is missing, revoked (401) or expired: re-enter it
    ├── RejectedError            the platform refused the post (4xx other than 408/429)
    ├── RetryableError           try again later (5xx, 408, 429, timeouts); `retry_after` s
    └── OutcomeUnknownError      sent, but no answer: reconcile with the same key, never resend

Messages never contain the token: adapters build them from status codes and the
platform's error text only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Platform(StrEnum):
    """The platforms PostDesk publishes to (channel ids of the analysis engine)."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    LINKEDIN = "linkedin"


@dataclass(frozen=True)
class Account:
    """An organisation's account on one platform. Its credential lives in the keyring.

    Attributes:
        platform: which platform.
        handle: the account's handle (``@roads@social.example.gov.uk``, ``roads.bsky.social``,
            ``@RoadsDept``, or the LinkedIn organisation URN).
        server_url: the Mastodon server or Bluesky PDS (``https://...``); the API base URL
            for X and LinkedIn (their public API by default; a local server in tests).
    """

    platform: Platform
    handle: str
    server_url: str

    @property
    def secret_key(self) -> str:
        """The keyring user name its credential is stored under (service ``postdesk``)."""
        return f"{self.platform.value}:{self.handle}@{self.server_url}"


@dataclass(frozen=True)
class AccountInfo:
    """What verifying a credential tells us about the account."""

    display_name: str
    handle: str
    # Mastodon only: the server's limits, read from /api/v2/instance.
    max_characters: int | None = None
    characters_reserved_per_url: int | None = None


@dataclass(frozen=True)
class PostRef:
    """A published post: the platform's id and a link people can open."""

    post_id: str
    url: str


@dataclass(frozen=True)
class PublishAttempt:
    """One post to publish, with everything a retry needs to publish it only once.

    Attributes:
        parts: the post's text, or a thread's parts in order (the splitter's output);
            sent exactly as given.
        key: chosen once, stored before the first request, reused by every retry
            (Mastodon's Idempotency-Key prefix; ignored where the platform has none).
        record_keys: Bluesky's record keys (TIDs), one per part, chosen with the key.
        created_at: Bluesky's createdAt for each part, fixed with the key so a retried
            record is byte-identical.
        language: the post's language (BCP 47), so platforms can filter and translate
            it and screen readers pronounce it right (Bluesky `langs`, Mastodon
            `language`).
    """

    parts: tuple[str, ...]
    key: str
    record_keys: tuple[str, ...] = ()
    created_at: tuple[str, ...] = ()
    language: str = "en"


@dataclass(frozen=True)
class PublishResult:
    """The post made for each part, in order (one for a single post)."""

    posts: tuple[PostRef, ...] = field(default_factory=tuple)

    @property
    def first(self) -> PostRef:
        """The first (or only) post: the one to link to."""
        return self.posts[0]


class PublishError(Exception):
    """Publishing failed and must not be retried as it is. `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthError(PublishError):
    """The credential is missing, revoked or expired."""


class RejectedError(PublishError):
    """The platform refused the post itself (too long, duplicate, forbidden...)."""


class RetryableError(PublishError):
    """A temporary failure; try again after `retry_after` seconds (None: back off)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknownError(PublishError):
    """The request went out but no answer came back: the post may exist."""


class Adapter(Protocol):
    """What the orchestrator needs from each platform."""

    def verify(self, account: Account, credential: str) -> AccountInfo:
        """Check a credential and say whose it is. Raises AuthError if it does not work."""
        ...

    def publish(self, account: Account, credential: str, attempt: PublishAttempt) -> PublishResult:
        """Publish `attempt` (a thread as a reply chain), or find what an earlier try made."""
        ...
