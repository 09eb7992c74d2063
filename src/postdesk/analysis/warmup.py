"""Load the analysis engine's data once, off the UI thread, before the first keystroke.

CMUdict (textstat's syllable dictionary, about 1.3 s), the URL and emoji tables and the
en-GB spelling dictionary load lazily on first use; the app calls `warm_up` on a
background thread at start-up so typing never waits for them.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Load everything the live analysis needs; returns the seconds it took."""
    started = time.perf_counter()
    from postdesk.analysis import counting, readability, spelling

    counting.warm_up()
    readability.warm_up()
    if not spelling.SpellChecker().warm_up():
        logger.info("Offline spelling has no en-GB dictionary on this computer")
    elapsed = time.perf_counter() - started
    logger.info("Analysis engine ready in %.2f s", elapsed)
    return elapsed
