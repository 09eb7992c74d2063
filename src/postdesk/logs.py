"""Logging to a rotating file in the user log folder.

Drafts can be sensitive before they are approved, so no module logs post text at INFO
or above: log ids, lengths and outcomes instead. Tokens are never logged at any level.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from postdesk import paths

LOG_FILE_NAME = "postdesk.log"
_MAX_BYTES = 1_000_000
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: int = logging.INFO, directory: Path | None = None) -> Path | None:
    """Send PostDesk's log records to a rotating file; returns its path (None if unwritable)."""
    directory = directory or paths.log_dir()
    root = logging.getLogger("postdesk")
    root.setLevel(level)
    log_path = directory / LOG_FILE_NAME
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return log_path
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
    except OSError:
        # A read-only home folder must not stop the app; logging is best effort.
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return log_path
