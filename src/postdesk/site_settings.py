"""Settings an IT team presets for every user: a system-wide settings file under the user's.

The site file has the same format as the user's ``settings.json`` (see `postdesk.settings`)
and lives in the operating system's shared configuration folder (platformdirs'
``site_config_dir``):

- Linux: ``/etc/xdg/postdesk/settings.json`` (each folder of ``$XDG_CONFIG_DIRS`` is
  searched in order, as the XDG specification says; ``/etc/xdg`` is the default);
- Windows: ``C:\\ProgramData\\postdesk\\settings.json`` (``%PROGRAMDATA%``);
- macOS: ``/Library/Application Support/postdesk/settings.json``.

``POSTDESK_SITE_SETTINGS`` names another file instead (a network share, for example).

Each setting comes from the user's file when the user set it there, else from the site
file, else the default. A value either file gets wrong is reported and skipped, so a bad
user value falls back to the site's, not to the default. Tokens never go in either file:
they live in each user's OS keyring.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

import platformdirs

from postdesk import settings
from postdesk.settings import SETTINGS_FILE_NAME, LoadedSettings, Settings

__all__ = ["SITE_SETTINGS_ENV", "load_layered", "site_settings_candidates", "site_settings_path"]

SITE_SETTINGS_ENV = "POSTDESK_SITE_SETTINGS"
_APP = "postdesk"


def site_settings_candidates() -> list[Path]:
    """Every place a site settings file may be, most important first."""
    explicit = os.environ.get(SITE_SETTINGS_ENV, "").strip()
    if explicit:
        return [Path(explicit)]
    dirs = platformdirs.PlatformDirs(_APP, appauthor=False, multipath=True).site_config_dir
    return [Path(folder) / SETTINGS_FILE_NAME for folder in dirs.split(os.pathsep) if folder]


def site_settings_path() -> Path:
    """The site settings file in force: the first that exists, else where to create one.

    With none present this is the system-wide default of the platform (the last folder
    searched: ``/etc/xdg/postdesk`` on Linux even when a desktop session puts its own
    folders first in ``$XDG_CONFIG_DIRS``).
    """
    candidates = site_settings_candidates()
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]


def _written(path: Path) -> dict[str, Any]:
    """The top-level object of a settings file as written; empty when it cannot be read."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _values_set(path: Path, loaded: LoadedSettings) -> dict[str, Any]:
    """The settings a file sets, with valid values only.

    `settings.load` keeps a valid value exactly as written and replaces an invalid one by
    the default, so a key whose loaded value is not the one written was rejected (and
    `settings.load` has already reported it).
    """
    written = _written(path)
    values: dict[str, Any] = {}
    for item in fields(Settings):
        if item.name == "version" or item.name not in written:
            continue
        value = getattr(loaded.settings, item.name)
        if type(value) is type(written[item.name]) and value == written[item.name]:
            values[item.name] = value
    return values


def load_layered(user_path: Path | None = None, site_path: Path | None = None) -> LoadedSettings:
    """The settings in force: defaults, then the site file, then the user's file.

    Args:
        user_path: the user's settings file (default: `postdesk.settings.settings_path`).
        site_path: the site settings file (default: `site_settings_path`).

    Returns:
        The merged settings, with every problem of both files (the site file's first);
        each problem names its file.
    """
    user_path = user_path or settings.settings_path()
    site_path = site_path or site_settings_path()
    site = settings.load(site_path)
    user = settings.load(user_path)
    merged = {**_values_set(site_path, site), **_values_set(user_path, user)}
    return LoadedSettings(Settings(**merged), [*site.problems, *user.problems])
