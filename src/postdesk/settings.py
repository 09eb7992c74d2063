"""Typed, versioned user settings stored as JSON in the user config folder.

A bad settings file never stops PostDesk from starting: unreadable files and invalid
values fall back to the defaults, and each problem is reported so the UI can say so.
Tokens never go here; they live in the OS keyring.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from postdesk import paths

logger = logging.getLogger(__name__)

SETTINGS_VERSION = 1
SETTINGS_FILE_NAME = "settings.json"
GRAMMAR_MODES = ("off", "local", "server")


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


@dataclass(frozen=True)
class LoadedSettings:
    """Settings as read from disk, with what was wrong with the file, if anything."""

    settings: Settings
    problems: list[str] = field(default_factory=list)


def settings_path() -> Path:
    """The user's settings file."""
    return paths.config_dir() / SETTINGS_FILE_NAME


def _valid(name: str, value: Any) -> bool:
    if name == "version":
        return isinstance(value, int) and not isinstance(value, bool)
    if name in ("database_url", "languagetool_url", "rule_pack_path"):
        return value is None or (isinstance(value, str) and value.strip() != "")
    if name == "grammar_mode":
        return value in GRAMMAR_MODES
    return False


def load(path: Path | None = None) -> LoadedSettings:
    """Read settings, keeping every valid value and reporting the rest."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSettings(Settings(), [f"Could not read {path}: {exc}"])
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return LoadedSettings(
            Settings(), [f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}"]
        )
    if not isinstance(data, dict):
        return LoadedSettings(Settings(), [f"{path} should hold a JSON object"])

    known = {f.name for f in fields(Settings)}
    good: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in data.items():
        if name not in known:
            problems.append(f"{path}: unknown setting {name!r} ignored")
        elif not _valid(name, value):
            problems.append(f"{path}: invalid value for {name!r} ignored")
        else:
            good[name] = value
    if good.get("version", SETTINGS_VERSION) > SETTINGS_VERSION:
        problems.append(f"{path} was written by a newer PostDesk; unknown settings are ignored")
    good["version"] = SETTINGS_VERSION
    for problem in problems:
        logger.warning("%s", problem)
    return LoadedSettings(Settings(**good), problems)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write settings atomically, so a crash mid-write never leaves a half file."""
    import tempfile  # only needed to save; keeps start-up imports light

    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(dataclasses.asdict(settings), indent=2, sort_keys=True) + "\n"
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
