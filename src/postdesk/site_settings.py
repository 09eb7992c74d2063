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
file, else the default; election periods from both files add up, and shortcuts merge
action by action. A value either file gets wrong is reported and skipped, so a bad
user value falls back to the site's, not to the default. Tokens never go in either file:
they live in each user's OS keyring.
"""

from __future__ import annotations

import os
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


def _combined(name: str, site: Any, user: Any) -> Any:
    """A setting both files set: the user's, except where adding up is the safer reading.

    Election periods add up, so a user's own file can add a period but never lift one
    the site set (the rule fails closed). Shortcuts merge action by action, so a user can
    change one key without losing the rest of the site's keymap.
    """
    if name == "election_periods":
        return (*site, *(period for period in user if period not in site))
    if name == "shortcuts":
        return {**site, **user}
    return user


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
    # `given` holds only the values a file set and that were valid, so a bad user value
    # falls back to the site's (settings.load has already reported it).
    merged = {name: getattr(site.settings, name) for name in site.given}
    for name in user.given:
        value = getattr(user.settings, name)
        merged[name] = _combined(name, merged[name], value) if name in merged else value
    return LoadedSettings(
        Settings(**merged), [*site.problems, *user.problems], site.given | user.given
    )
