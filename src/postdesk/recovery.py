"""Last-resort copies of text that could not be saved to the database.

When the final save on close fails (the disk is full, the team database is unreachable),
the text is written here as a plain file so that nothing the user typed is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from postdesk import paths


def recovery_dir() -> Path:
    """Where recovered drafts are written."""
    return paths.data_dir() / "recovered"


def write_recovery_copy(draft_id: int | None, text: str) -> Path:
    """Write `text` to a new file and return its path.

    Raises:
        OSError: the file could not be written either.
    """
    folder = recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"draft-{draft_id if draft_id is not None else 'new'}-{stamp}.txt"
    # surrogatepass: a lone surrogate from a bad paste must not stop the rescue.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path
