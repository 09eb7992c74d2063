"""Logs go to a rotating file in the user log folder and never carry post text at INFO."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from postdesk import logs


def test_rotating_file_handler_is_installed_once(log_file: Path) -> None:
    assert logs.configure() == log_file
    handlers = logging.getLogger("postdesk").handlers
    assert len(handlers) == 1
    assert isinstance(handlers[0], logging.handlers.RotatingFileHandler)
    assert handlers[0].maxBytes > 0
    assert handlers[0].backupCount > 0
