"""The live analysis report after a one-character edit, against naive whole-text scoring.

Run: .venv/bin/python -m benchmarks.analysis [--edits 400]

For a 280-character post, a 3,000-character post and a 60,000-character text, each
iteration makes one random one-character edit (insert or delete) and times:

- PostDesk: `analyse(text)` for all seven channels: counts, readability, plain English
  and passive voice (everything but grammar, which runs in the background);
- the naive baseline, in the same run on the same edits: textstat's Flesch reading ease,
  Flesch-Kincaid grade and text_standard on the whole text, plus a grapheme count.

Targets (issue 3): p99 at most 5 ms at 3,000 characters and 50 ms at 60,000, and faster
than the baseline.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import regex
import textstat

from postdesk.analysis.readability import warm_up
from postdesk.analysis.report import analyse

PARAGRAPH = (
    "Self Assessment tax returns for the 2025/26 tax year must reach HMRC by 31 January. "
    "You can file online at https://www.gov.uk/self-assessment-tax-returns and it takes "
    "about 20 minutes if you have your records ready. We will utilise your feedback in "
    "order to improve the service. Applications were reviewed by a panel of residents "
    "last month 👩‍💻. Find out more from @HMRCgovuk or call 0300 200 3310.\n"
)
SIZES = (280, 3_000, 60_000)


def _text_of(size: int) -> str:
    return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text))
    if rng.random() < 0.5:
        return text[:at] + rng.choice("abcdefghij ,.") + text[at:]
    return text[:at] + text[at + 1 :]


def _naive(text: str) -> object:
    return (
        textstat.flesch_reading_ease(text),
        textstat.flesch_kincaid_grade(text),
        textstat.text_standard(text, float_output=True),
        len(regex.findall(r"\X", text)),
    )


def _time(fn: Callable[[str], object], texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        fn(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=400)
    args = parser.parse_args()
    warm_up()
    textstat.set_lang("en_GB")
    textstat.flesch_reading_ease("Warm up the dictionary.")
    print(f"{args.edits} one-character edits per size; times in ms")
    header = f"{'size':>7} | {'PostDesk median':>15} {'p99':>7} | {'naive median':>12} {'p99':>7}"
    print(header + " | p99 ratio")
    for size in SIZES:
        rng = random.Random(size)
        texts = [_text_of(size)]
        for _ in range(args.edits):
            texts.append(_edit(texts[-1], rng))
        analyse(texts[0])  # the report before the first edit: caches as in the editor
        ours = _time(analyse, texts[1:])
        naive = _time(_naive, texts[1:])
        print(
            f"{size:>7} | {statistics.median(ours):>15.2f} {_p99(ours):>7.2f} | "
            f"{statistics.median(naive):>12.2f} {_p99(naive):>7.2f} | "
            f"{_p99(ours) / _p99(naive):.2f}x"
        )
    print("targets: p99 <= 5 ms at 3,000 characters, <= 50 ms at 60,000; below the baseline")


if __name__ == "__main__":
    main()
