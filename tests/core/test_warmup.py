"""Warming up loads the analysis data so the first real analysis is fast."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import time
from postdesk.analysis.warmup import warm_up
took = warm_up()
started = time.perf_counter()
from postdesk.analysis.report import analyse
analyse("Apply for a blue badge at https://www.gov.uk/apply-blue-badge today.")
print(took, time.perf_counter() - started)
"""


def test_after_warm_up_the_first_analysis_takes_milliseconds() -> None:
    # A fresh process: nothing is loaded yet, as at start-up.
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    warm, first = (float(x) for x in result.stdout.split())
    assert warm > first
    # Cold, the first analysis loads CMUdict (over a second); warm, it takes milliseconds.
    # The bound is loose on purpose: this checks the loading happened, not speed.
    assert first < 0.5, f"the first analysis after warming up took {first:.3f} s"
