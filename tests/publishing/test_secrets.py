"""Tokens in the OS keyring: unit tests on an in-memory keyring, and the real Secret Service.

The integration tests at the bottom talk to a real Secret Service: gnome-keyring in a
private D-Bus session, which ``./dev test`` starts around pytest (DEPENDENCIES.md section
4). Without a D-Bus session they fail, on purpose, saying how to run them: a skipped
keyring test would hide that tokens were never tested where they really live.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import pickle
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import chainer, fail, null

from postdesk.publishing.secrets import (
    SERVICE_NAME,
    KeyringUnavailableError,
    NoSecureKeyringError,
    Secret,
    SecretStore,
    backend_name,
    refusal_reason,
)

SECRET = "tok-PDLEAKCHECK-keyring-5b7e1d90c3"
KEY = "x:@RoadsDept@https://api.x.com"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict, for unit tests (DEPENDENCIES.md appendix).

    Its priority is below keyring's own fail backend, so keyring never picks it by itself
    (keyring registers every subclass it sees); tests install it with `set_keyring`.
    """

    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.items[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


def _posing_as(module: str, name: str) -> MemoryKeyring:
    """A keyring whose class claims to live in `module` as `name` (as keyrings.alt's do)."""
    cls = type(name, (MemoryKeyring,), {"__module__": module, "__qualname__": name})
    backend: MemoryKeyring = cls()
    return backend


class LockedKeyring(MemoryKeyring):
    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


class LeakyKeyring(MemoryKeyring):
    """A badly behaved backend that repeats the password in its own error."""

    priority = -1

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password!r} for {username}")


class GoneKeyring(MemoryKeyring):
    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    """An in-memory keyring as keyring's default, restored afterwards."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# -- storing, reading, removing ----------------------------------------------------------------


def test_round_trip_under_the_postdesk_service(memory: MemoryKeyring) -> None:
    store = SecretStore()
    store.set(KEY, SECRET)
    assert memory.items == {(SERVICE_NAME, KEY): SECRET}
    assert SERVICE_NAME == "postdesk"
    assert store.get(KEY) == SECRET
    assert store.has(KEY)
    assert store.delete(KEY) is True
    assert store.get(KEY) is None
    assert memory.items == {}


def test_a_missing_token_reads_as_none(memory: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.get(KEY) is None
    assert store.get_secret(KEY) is None
    assert not store.has(KEY)


def test_deleting_a_missing_token_is_not_an_error(memory: MemoryKeyring) -> None:
    assert SecretStore().delete(KEY) is False


def test_setting_again_replaces_the_token(memory: MemoryKeyring) -> None:
    store = SecretStore()
    store.set(KEY, SECRET)
    store.set(KEY, Secret("tok-replacement"))
    assert store.get(KEY) == "tok-replacement"
    assert len(memory.items) == 1


def test_an_explicit_backend_is_used_instead_of_the_default(memory: MemoryKeyring) -> None:
    own = MemoryKeyring()
    SecretStore(own).set(KEY, SECRET)
    assert own.items == {(SERVICE_NAME, KEY): SECRET}
    assert memory.items == {}


@pytest.mark.parametrize("bad", ["", "   "])
def test_an_empty_key_or_secret_is_refused(memory: MemoryKeyring, bad: str) -> None:
    store = SecretStore()
    with pytest.raises(ValueError, match="account key"):
        store.set(bad, SECRET)
    if bad == "":
        with pytest.raises(ValueError, match="secret"):
            store.set(KEY, bad)
    assert memory.items == {}


# -- the Secret type hides its value -------------------------------------------------------------


def test_a_secret_hides_its_value(memory: MemoryKeyring) -> None:
    SecretStore().set(KEY, SECRET)
    secret = SecretStore().get_secret(KEY)
    assert secret is not None
    assert secret.reveal() == SECRET
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", format(secret, ">40")):
        assert SECRET not in shown
    assert repr(secret) == "Secret('********')"
    assert repr([secret]) == "[Secret('********')]"


def test_a_secret_cannot_be_pickled_or_copied() -> None:
    secret = Secret(SECRET)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(TypeError):
        copy.copy(secret)
    assert not hasattr(secret, "__dict__")


def test_a_secret_is_never_in_its_own_error_message() -> None:
    with pytest.raises(ValueError, match="non-empty") as caught:
        Secret("")
    assert caught.value.args == ("a secret must be a non-empty string",)


# -- refusing unsafe keyrings --------------------------------------------------------------------

UNSAFE = {
    "fail": fail.Keyring(),
    "null": null.Keyring(),
    "keyrings.alt plaintext": _posing_as("keyrings.alt.file", "PlaintextKeyring"),
    "keyrings.alt encrypted": _posing_as("keyrings.alt.file", "EncryptedKeyring"),
    "keyrings.alt windows": _posing_as("keyrings.alt.Windows", "RegistryKeyring"),
    "other plaintext": _posing_as("someones_keyring.store", "PlainTextKeyring"),
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_unsafe_keyrings_are_refused_with_what_to_do(name: str) -> None:
    backend = UNSAFE[name]
    store = SecretStore(backend)
    with pytest.raises(NoSecureKeyringError) as caught:
        store.set(KEY, SECRET)
    message = caught.value.message
    assert message.startswith("This computer has no secure keyring")
    for words in ("GNOME Keyring", "Windows Credential Manager", "Keychain"):
        assert words in message
    assert backend_name(backend) in message
    assert SECRET not in message
    assert SECRET not in repr(caught.value)
    with pytest.raises(NoSecureKeyringError):
        store.get(KEY)
    with pytest.raises(NoSecureKeyringError):
        store.delete(KEY)
    if isinstance(backend, MemoryKeyring):
        assert backend.items == {}  # nothing was written before the refusal


def test_keyrings_alt_is_refused_for_storing_in_plain_text() -> None:
    reason = refusal_reason(_posing_as("keyrings.alt.file", "PlaintextKeyring"))
    assert reason is not None
    assert "plain text" in reason


def test_the_headless_default_is_refused(memory: MemoryKeyring) -> None:
    # What keyring picks on a machine without a D-Bus session (DEPENDENCIES.md row 3).
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(NoSecureKeyringError, match=re.escape("keyring.backends.fail.Keyring")):
        SecretStore().get(KEY)


def test_a_chain_including_an_unsafe_keyring_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    safe = MemoryKeyring()
    plain = _posing_as("keyrings.alt.file", "PlaintextKeyring")
    for backend in (safe, plain):
        monkeypatch.setattr(type(backend), "priority", 1)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [safe, plain])
    with pytest.raises(
        NoSecureKeyringError, match=re.escape("chains keyrings.alt.file.PlaintextKeyring")
    ):
        SecretStore(chainer.ChainerBackend()).set(KEY, SECRET)
    assert safe.items == {}


def test_a_chain_of_safe_keyrings_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = MemoryKeyring(), _posing_as("keyring.backends.macOS", "Keyring")
    for backend in (first, second):
        monkeypatch.setattr(type(backend), "priority", 1)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [first, second])
    store = SecretStore(chainer.ChainerBackend())
    store.set(KEY, SECRET)
    assert store.get(KEY) == SECRET


# -- keyring failures ------------------------------------------------------------------------------


def test_a_locked_keyring_says_how_to_unlock_it() -> None:
    with pytest.raises(KeyringUnavailableError, match="locked"):
        SecretStore(LockedKeyring()).set(KEY, SECRET)
    with pytest.raises(KeyringUnavailableError, match="Unlock it"):
        SecretStore(LockedKeyring()).get(KEY)


def test_a_backend_error_never_carries_the_secret() -> None:
    with pytest.raises(KeyringUnavailableError) as caught:
        SecretStore(LeakyKeyring()).set(KEY, SECRET)
    error = caught.value
    assert "PasswordSetError" in error.message
    for text in (str(error), repr(error), error.message, repr(error.args)):
        assert SECRET not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_a_backend_that_finds_no_keyring_is_reported_as_such() -> None:
    with pytest.raises(NoSecureKeyringError):
        SecretStore(GoneKeyring()).get(KEY)


def test_no_secret_in_any_log_record(
    memory: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = SecretStore()
    store.set(KEY, SECRET)
    assert store.get(KEY) == SECRET
    store.get_secret(KEY)
    store.delete(KEY)
    with pytest.raises(KeyringUnavailableError):
        SecretStore(LeakyKeyring()).set(KEY, SECRET)
    with pytest.raises(NoSecureKeyringError):
        SecretStore(fail.Keyring()).set(KEY, SECRET)
    assert caplog.records
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)


# -- the real Secret Service (gnome-keyring in a private D-Bus session) ----------------------------


@pytest.fixture
def secret_service() -> keyring.backend.KeyringBackend:
    """keyring's SecretService backend on the session bus, or a failure saying why."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail(
            "DBUS_SESSION_BUS_ADDRESS is not set, so there is no Secret Service to test "
            "against. Run the tests with ./dev test, which starts a private D-Bus session "
            "with an unlocked gnome-keyring around pytest."
        )
    from keyring.backends import SecretService

    try:
        SecretService.Keyring.priority  # noqa: B018 -- raises when the service is missing
    except Exception as exc:
        pytest.fail(
            f"The Secret Service is not usable ({type(exc).__name__}: {exc}). Run the tests "
            "with ./dev test, which starts and unlocks gnome-keyring."
        )
    backend: keyring.backend.KeyringBackend = SecretService.Keyring()
    return backend


@pytest.fixture
def key() -> Iterator[str]:
    """A key of this test's own, removed from the Secret Service afterwards."""
    name = f"x:@PostDeskTest{uuid.uuid4().hex[:8]}@http://127.0.0.1"
    yield name
    from keyring.backends import SecretService

    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        SecretService.Keyring().delete_password(SERVICE_NAME, name)


def test_secret_service_round_trip(
    secret_service: keyring.backend.KeyringBackend, key: str
) -> None:
    store = SecretStore(secret_service)
    assert store.backend() is secret_service
    store.set(key, SECRET)
    assert store.get(key) == SECRET
    # A new connection (as after a restart) reads the same item.
    from keyring.backends import SecretService

    assert SecretStore(SecretService.Keyring()).get(key) == SECRET
    store.set(key, "tok-ünïcødé-🔑-replaced")
    assert store.get(key) == "tok-ünïcødé-🔑-replaced"
    assert store.delete(key) is True
    assert store.get(key) is None
    assert store.delete(key) is False


def test_secret_service_item_is_visible_to_other_programs(
    secret_service: keyring.backend.KeyringBackend, key: str
) -> None:
    # libsecret's own tool reads it: the token really is in the Secret Service, under
    # the service name "postdesk" and the account key.
    tool = shutil.which("secret-tool")
    if tool is None:
        pytest.fail("secret-tool is missing: install libsecret-tools (./dev test does)")
    SecretStore(secret_service).set(key, SECRET)
    found = subprocess.run(
        [tool, "lookup", "service", SERVICE_NAME, "username", key],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert found.stdout.strip() == SECRET


def test_the_default_keyring_in_a_desktop_session_is_accepted(
    secret_service: keyring.backend.KeyringBackend, key: str
) -> None:
    store = SecretStore()
    assert refusal_reason(store.backend()) is None
    store.set(key, SECRET)
    assert SecretStore(secret_service).get(key) == SECRET
