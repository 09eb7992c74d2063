"""Account credentials in the operating system's keyring, and nowhere else.

Tokens (a Mastodon access token, a Bluesky app password, an X OAuth 2.0 user token, a
LinkedIn access token) are stored with the `keyring` library under the service name
``postdesk`` and the account's `Account.secret_key` as the user name. They never go into
the database, a setting, a log line or an exception message.

Some keyring backends are not safe to keep them in, and `SecretStore` refuses them:

* ``keyring.backends.fail.Keyring``: keyring's stand-in when no backend works (a headless
  Linux machine without a D-Bus session); every call would fail with a cryptic error.
* ``keyring.backends.null.Keyring``: silently stores nothing, so a token would vanish.
* anything from ``keyrings.alt`` (and any backend whose class name says "plaintext"): once
  installed it quietly becomes the default and keeps passwords in a plain text file
  (DEPENDENCIES.md, section 0 row 3).
* a chainer backend that chains any of the above.

The refusal says what to do: install and unlock GNOME Keyring (or KWallet) on Linux; on
Windows PostDesk uses Windows Credential Manager and on macOS the Keychain, which keyring
finds by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn, TypeVar, final

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

__all__ = [
    "SERVICE_NAME",
    "KeyringUnavailableError",
    "NoSecureKeyringError",
    "Secret",
    "SecretStore",
    "SecretStoreError",
    "backend_name",
    "refusal_reason",
]

SERVICE_NAME = "postdesk"
_MASK = "********"

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

_WHAT_TO_DO = (
    "On Linux, install GNOME Keyring (or KWallet) and make sure it is unlocked when you log "
    "in; on Windows PostDesk uses Windows Credential Manager, and on macOS the Keychain."
)


class SecretStoreError(Exception):
    """The keyring could not be used. `message` is for the user and never holds a secret."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoSecureKeyringError(SecretStoreError):
    """This computer has no keyring that keeps secrets safe (or none at all)."""


class KeyringUnavailableError(SecretStoreError):
    """The keyring exists but refused or failed (locked, its service not running...)."""


@final
class Secret:
    """A credential that does not show itself in logs, reprs, f-strings or pickles.

    Use `reveal()` at the one place that needs the value (an Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            # Never echo the value: it may be a token pasted into the wrong field.
            raise ValueError("a secret must be a non-empty string")
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, format_spec: str) -> str:
        return _MASK

    def __reduce__(self) -> NoReturn:
        # Keeps secrets out of caches, queues and test snapshots that pickle objects.
        raise TypeError("a Secret cannot be pickled")


def backend_name(backend: KeyringBackend) -> str:
    """The backend's class as ``module.Class``, for messages (it holds no secret)."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def refusal_reason(backend: KeyringBackend) -> str | None:
    """Why PostDesk will not keep tokens in `backend`, or None when it is acceptable.

    Decided by the backend's class module and name, because that is all keyring tells us
    about where a backend puts its secrets.
    """
    cls = type(backend)
    module = cls.__module__
    if module == "keyring.backends.fail":
        return "no keyring is available"
    if module == "keyring.backends.null":
        return "the null keyring stores nothing"
    if module == "keyrings.alt" or module.startswith("keyrings.alt."):
        return "keyrings.alt keeps passwords in a file, in plain text or weakly encrypted"
    if "plaintext" in cls.__qualname__.lower():
        return "it keeps passwords in plain text"
    if isinstance(backend, ChainerBackend):
        chained: list[KeyringBackend] = list(type(backend).backends)
        if not chained:
            return "no keyring is available"
        for child in chained:
            reason = refusal_reason(child)
            if reason is not None:
                return f"it chains {backend_name(child)}, and {reason}"
    return None


def _no_secure_keyring(name: str, reason: str) -> NoSecureKeyringError:
    return NoSecureKeyringError(
        "This computer has no secure keyring, so PostDesk cannot keep account tokens on it. "
        f"{_WHAT_TO_DO} (The keyring found was {name}: {reason}.)"
    )


def _scrub(text: str, secret: str | None) -> str:
    """`text` with any copy of `secret` masked: backends' own messages are not trusted."""
    if secret:
        text = text.replace(secret, _MASK)
    return text[:300]


class SecretStore:
    """Credentials in the OS keyring under the service name ``postdesk``.

    Args:
        backend: the keyring backend to use; None (the default) uses whatever
            `keyring.get_keyring()` returns at each call, so the OS keyring in the app and
            a test's in-memory keyring in unit tests.
        service: the keyring service name.

    Every call checks the backend first and raises `NoSecureKeyringError` for one that is
    not safe (see the module docstring); other keyring failures raise
    `KeyringUnavailableError`. Neither message ever contains a secret.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, service: str = SERVICE_NAME):
        self._backend = backend
        self.service = service

    def backend(self) -> KeyringBackend:
        """The backend in use, after checking that it keeps secrets safely."""
        try:
            backend = self._backend if self._backend is not None else keyring.get_keyring()
        except keyring.errors.KeyringError as exc:
            raise _no_secure_keyring("none", type(exc).__name__) from None
        reason = refusal_reason(backend)
        if reason is not None:
            raise _no_secure_keyring(backend_name(backend), reason)
        return backend

    def set(self, account_key: str, secret: str | Secret) -> None:
        """Store (or replace) the credential for `account_key`."""
        _check_key(account_key)
        value = secret.reveal() if isinstance(secret, Secret) else Secret(secret).reveal()
        backend = self.backend()
        self._call(
            "store the token in",
            backend,
            lambda: backend.set_password(self.service, account_key, value),
            secret=value,
        )
        _log.info("Stored the credential for %s in %s", account_key, backend_name(backend))

    def get(self, account_key: str) -> str | None:
        """The credential for `account_key`, or None when this computer has none for it."""
        _check_key(account_key)
        backend = self.backend()
        value = self._call(
            "read the token from",
            backend,
            lambda: backend.get_password(self.service, account_key),
        )
        _log.debug("Credential for %s %s", account_key, "found" if value else "not found")
        return value or None

    def get_secret(self, account_key: str) -> Secret | None:
        """Like `get`, wrapped in a `Secret` so it cannot end up in a log by accident."""
        value = self.get(account_key)
        return Secret(value) if value else None

    def has(self, account_key: str) -> bool:
        """Whether this computer holds a credential for `account_key`."""
        return self.get(account_key) is not None

    def delete(self, account_key: str) -> bool:
        """Remove the credential for `account_key`; False if there was none (not an error)."""
        _check_key(account_key)
        backend = self.backend()
        existing = self._call(
            "read the token from",
            backend,
            lambda: backend.get_password(self.service, account_key),
        )
        if existing is None:
            return False
        self._call(
            "remove the token from",
            backend,
            lambda: backend.delete_password(self.service, account_key),
            secret=existing,
        )
        _log.info("Removed the credential for %s from %s", account_key, backend_name(backend))
        return True

    @staticmethod
    def _call(
        what: str, backend: KeyringBackend, call: Callable[[], _T], *, secret: str | None = None
    ) -> _T:
        """Run one keyring call, turning its failures into messages without the secret."""
        try:
            return call()
        except keyring.errors.NoKeyringError:
            raise _no_secure_keyring(backend_name(backend), "it has no usable storage") from None
        except keyring.errors.KeyringLocked:
            raise KeyringUnavailableError(
                f"PostDesk could not {what} the keyring because it is locked. Unlock it (on "
                "Linux, GNOME Keyring unlocks when you log in; 'Passwords and Keys' can unlock "
                "it too) and try again."
            ) from None
        except Exception as exc:
            # `from None`: a backend's exception could carry the value it was given.
            detail = _scrub(f"{type(exc).__name__}: {exc}", secret)
            raise KeyringUnavailableError(
                f"PostDesk could not {what} the keyring ({backend_name(backend)}): {detail}"
            ) from None


def _check_key(account_key: str) -> None:
    if not isinstance(account_key, str) or not account_key.strip():
        raise ValueError("an account key must be a non-empty string")
