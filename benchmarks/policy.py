"""The policy pass after a one-character edit, against checking every rule from cold.

Run: .venv/bin/python -m benchmarks.policy [--edits 400]

For each text size, each iteration makes one random one-character edit and times the
policy engine's check of the whole text, as the editor runs it (per-sentence results
cached from the previous keystroke). The baseline, in the same run on the same edits, is
a new engine for each check, on a text no earlier check has seen (module-level tables
such as the dictionary stay loaded): what a checker without the editor's caching pays.

Target (issue 4): p99 at most 5 ms at 3,000 characters.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from benchmarks.analysis import PARAGRAPH
from postdesk.analysis.readability import warm_up
from postdesk.policy import PolicyEngine, load_default_pack

SIZES = (280, 3_000, 60_000)


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=400)
    args = parser.parse_args()
    warm_up()
    pack = load_default_pack()
    engine = PolicyEngine(pack)
    engine.warm_up()
    print(f"{args.edits} one-character edits per size (60,000: an eighth as many); ms")
    print(f"{'size':>7} | {'PostDesk median':>15} {'p99':>7} | {'cold median':>11} {'p99':>7}")
    for size in SIZES:
        edits = args.edits if size <= 3_000 else max(50, args.edits // 8)
        rng = random.Random(size)
        text = (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]
        engine.check(text)
        ours, cold = [], []
        for _ in range(edits):
            at = rng.randrange(len(text))
            if rng.random() < 0.5:
                text = text[:at] + rng.choice("abcdefghij ,.") + text[at:]
            else:
                text = text[:at] + text[at + 1 :]
            started = time.perf_counter()
            engine.check(text)
            ours.append((time.perf_counter() - started) * 1000)
            fresh = PolicyEngine(pack)
            started = time.perf_counter()
            fresh.check(text + " ")  # new text: no sentence cache can help
            cold.append((time.perf_counter() - started) * 1000)
        print(
            f"{size:>7} | {statistics.median(ours):>15.2f} {_p99(ours):>7.2f} | "
            f"{statistics.median(cold):>11.2f} {_p99(cold):>7.2f}"
        )
    print("target: p99 <= 5 ms at 3,000 characters")


if __name__ == "__main__":
    main()
