"""Typed, versioned user settings stored as JSON in the user config folder.

A bad settings file never stops PostDesk from starting: unreadable files and invalid
values fall back to the defaults, and each problem is reported so the UI can say so.
Tokens never go here; they live in the OS keyring.

Versions: 1 had the database, grammar and rule pack settings; 2 added ``shortcuts`` and
``election_periods``. Each older version is brought up to date by `_MIGRATIONS`, one
step at a time, before its values are checked.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from postdesk import paths

logger = logging.getLogger(__name__)

SETTINGS_VERSION = 2
SETTINGS_FILE_NAME = "settings.json"
GRAMMAR_MODES = ("off", "local", "server")
# Far more than anyone sets by hand; a bigger list is a broken or hostile file.
MAX_SHORTCUT_ACTIONS = 500
MAX_KEYS_PER_ACTION = 4
MAX_ELECTION_PERIODS = 100

ElectionPeriod = tuple[date, date]


@dataclass(frozen=True)
class Settings:
    """Everything a user can set. New fields need a default so old files still load."""

    version: int = SETTINGS_VERSION
    # None means the embedded SQLite database in the user data folder.
    database_url: str | None = None
    # Grammar checking: "local" (LanguageTool downloaded and run on this computer, which
    # needs internet once and Java), "server" (a department's own LanguageTool, so drafts
    # stay inside its network) or "off". Offline en-GB spelling runs whenever it cannot.
    grammar_mode: str = "local"
    languagetool_url: str | None = None
    # A department rule pack (TOML) merged over the default UK public-sector pack.
    rule_pack_path: str | None = None
    # Keyboard shortcuts the user changed: action id ("file.new") -> key sequences in
    # Qt's portable text ("Ctrl+Shift+N"); an empty list means no shortcut. Only changes
    # are stored, so an action the user never touched follows the code's default.
    shortcuts: dict[str, list[str]] = field(default_factory=dict)
    # Election (pre-election) periods an admin set: (first day, last day), both days
    # included. They add to any period the rule pack sets; during one, only posts marked
    # essential may go out.
    election_periods: tuple[ElectionPeriod, ...] = ()


@dataclass(frozen=True)
class LoadedSettings:
    """Settings as read from disk, with what was wrong with the file, if anything.

    Attributes:
        settings: the settings, with defaults where the file set nothing usable.
        problems: what was wrong, each naming the file.
        given: the settings the file set with a usable value (never ``version``), so
            layered files know which values are the file's own and which are defaults.
    """

    settings: Settings
    problems: list[str] = field(default_factory=list)
    given: frozenset[str] = frozenset()


class _Invalid(ValueError):
    """A value that cannot be used; the message says why."""


def settings_path() -> Path:
    """The user's settings file."""
    return paths.config_dir() / SETTINGS_FILE_NAME


# -- saves, so long-lived caches know when the settings may have changed --------------------

_generation = 0
_generation_lock = threading.Lock()


def generation() -> int:
    """A number that changes whenever this process saves settings.

    Caches built from the settings (the policy engine) compare it instead of reading
    the files again on every use.
    """
    return _generation


def _bump_generation() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


# -- checking values -------------------------------------------------------------------------


def _optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip() != ""):
        return value
    raise _Invalid("should be text or null")


def _grammar_mode(value: Any) -> str:
    if value in GRAMMAR_MODES:
        return str(value)
    raise _Invalid(f"should be one of {', '.join(GRAMMAR_MODES)}")


def _printable(text: str) -> bool:
    """No control, format (bidi overrides, zero-width) or unpaired surrogate characters."""
    import unicodedata

    return all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


_ACTION_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+")


def _shortcuts(value: Any, report: Callable[[str], None]) -> dict[str, list[str]]:
    """Action id -> key sequences; a bad entry is reported and dropped, the rest kept."""
    if not isinstance(value, dict):
        raise _Invalid("should be an object of action id -> list of keys")
    if len(value) > MAX_SHORTCUT_ACTIONS:
        raise _Invalid(f"has more than {MAX_SHORTCUT_ACTIONS} actions")
    kept: dict[str, list[str]] = {}
    for action_id, keys in value.items():
        # ids are ASCII names such as "file.new"; the message shows them with repr() so a
        # strange character in a hand-edited file is visible rather than hidden.
        if not _ACTION_ID.fullmatch(action_id) or len(action_id) > 100:
            report(f"shortcut for {action_id!r}: not an action id like 'file.new'")
            continue
        if (
            not isinstance(keys, list)
            or len(keys) > MAX_KEYS_PER_ACTION
            or not all(
                isinstance(k, str) and 0 < len(k.strip()) <= 100 and _printable(k) for k in keys
            )
        ):
            report(
                f"shortcut for {action_id!r}: should be a list of at most "
                f'{MAX_KEYS_PER_ACTION} key sequences like "Ctrl+Shift+N"'
            )
            continue
        kept[action_id] = [k.strip() for k in keys]
    return kept


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: Any) -> date:
    # Only YYYY-MM-DD: date.fromisoformat also takes "20260401" and week dates, which
    # an admin reading the file would not recognise as the same thing.
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise _Invalid(f"{value!r} is not a date like 2026-04-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{value!r} is not a real date") from None


def _election_periods(value: Any, report: Callable[[str], None]) -> tuple[ElectionPeriod, ...]:
    """[[start, end], ...] as ISO dates; a bad period is reported and dropped."""
    if not isinstance(value, list):
        raise _Invalid('should be a list of ["first day", "last day"] pairs')
    if len(value) > MAX_ELECTION_PERIODS:
        raise _Invalid(f"has more than {MAX_ELECTION_PERIODS} periods")
    kept: list[ElectionPeriod] = []
    for number, pair in enumerate(value, start=1):
        try:
            if not isinstance(pair, list) or len(pair) != 2:
                raise _Invalid('should be ["first day", "last day"]')
            start, end = _day(pair[0]), _day(pair[1])
            if end < start:
                raise _Invalid(f"ends ({end.isoformat()}) before it starts ({start.isoformat()})")
        except _Invalid as exc:
            report(f"election period {number}: {exc}")
            continue
        if (start, end) not in kept:
            kept.append((start, end))
    return tuple(kept)


def _version(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise _Invalid("should be a whole number from 1")


def _check(name: str, value: Any, report: Callable[[str], None]) -> Any:
    """The typed value for a setting, or _Invalid. Collections keep their good entries."""
    if name == "version":
        return _version(value)
    if name in ("database_url", "languagetool_url", "rule_pack_path"):
        return _optional_text(value)
    if name == "grammar_mode":
        return _grammar_mode(value)
    if name == "shortcuts":
        return _shortcuts(value, report)
    if name == "election_periods":
        return _election_periods(value, report)
    raise _Invalid("is not a setting")  # pragma: no cover - every field is listed above


# -- versions --------------------------------------------------------------------------------


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only added settings (with defaults), so a version-1 file reads as it is."""
    return data


# Version n -> the function that turns a version-n file's object into version n + 1.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_version_1}


def _migrate(data: dict[str, Any], written: int) -> dict[str, Any]:
    for version in range(written, SETTINGS_VERSION):
        data = _MIGRATIONS[version](data)
    return data


# -- reading and writing ---------------------------------------------------------------------


def load(path: Path | None = None) -> LoadedSettings:
    """Read settings, keeping every valid value and reporting the rest."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return _problem(f"Could not read {path}: {exc}")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return _problem(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}")
    except (ValueError, RecursionError) as exc:
        # A number too long to convert, or nesting deeper than Python recurses.
        return _problem(f"{path} cannot be read as settings: {type(exc).__name__}")
    if not isinstance(data, dict):
        return _problem(f"{path} should hold a JSON object")

    problems: list[str] = []
    # A file without a version predates versions: it is a version-1 file.
    written = data.get("version", 1)
    try:
        written = _version(written)
    except _Invalid:
        problems.append(f"{path}: invalid value for 'version' ignored (read as version 1)")
        written = 1
    if written > SETTINGS_VERSION:
        problems.append(f"{path} was written by a newer PostDesk; unknown settings are ignored")
    else:
        data = _migrate(dict(data), written)

    known = {f.name for f in fields(Settings)}
    good: dict[str, Any] = {}
    for name, value in data.items():
        if name == "version":
            continue
        if name not in known:
            problems.append(f"{path}: unknown setting {name!r} ignored")
            continue
        dropped: list[str] = []
        try:
            good[name] = _check(name, value, dropped.append)
        except _Invalid as exc:
            problems.append(f"{path}: invalid value for {name!r} ignored ({exc})")
        problems.extend(f"{path}: {name}: {entry} (ignored)" for entry in dropped)
    for problem in problems:
        logger.warning("%s", problem)
    return LoadedSettings(Settings(**good), problems, frozenset(good))


def _problem(text: str) -> LoadedSettings:
    logger.warning("%s", text)
    return LoadedSettings(Settings(), [text])


def to_json(settings: Settings) -> dict[str, Any]:
    """The settings as the file holds them (dates as ISO text)."""
    data = {item.name: getattr(settings, item.name) for item in fields(Settings)}
    data["version"] = SETTINGS_VERSION
    data["shortcuts"] = {action: list(keys) for action, keys in settings.shortcuts.items()}
    data["election_periods"] = [
        [start.isoformat(), end.isoformat()] for start, end in settings.election_periods
    ]
    return data


def save(settings: Settings, path: Path | None = None) -> None:
    """Write settings atomically, so a crash mid-write never leaves a half file."""
    import tempfile  # only needed to save; keeps start-up imports light

    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(to_json(settings), indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _bump_generation()
