"""Cold start to the main window shown: PostDesk against a bare PySide6 window.

Run: .venv/bin/python -m benchmarks.startup [--runs 10]

Each run starts a new process and times, from the parent, how long until the process
reports that its main window is shown (after the first event-loop pass, which paints it).
The baseline is a script that imports PySide6 and shows an empty QMainWindow, measured
in the same run, alternating with PostDesk so machine noise hits both alike. PostDesk
also reports when the saved draft is in the editor, ready to type into.

PostDesk's modules are byte-compiled first, as pip does when it installs the wheel: these
machines set PYTHONDONTWRITEBYTECODE, which would otherwise make every start recompile
them from source (PySide6's own modules were compiled when pip installed them).

Target (issue 2): PostDesk's median window-shown time at most 1.5 times the baseline's.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BASELINE = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1100, 720)
window.show()
def shown():
    print("window-shown", flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def _time_markers(command: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.perf_counter()
    marks: dict[str, float] = {}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            marks[line.split()[0]] = time.perf_counter() - started
        process.wait(timeout=60)
    if process.returncode != 0 or "window-shown" not in marks:
        raise SystemExit(f"{command[0]} failed (exit {process.returncode})")
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from postdesk import __file__ as package_init

    compileall.compile_dir(Path(package_init).parent, quiet=1)
    home = Path(tempfile.mkdtemp(prefix="postdesk-bench-"))
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    env.pop("POSTDESK_DATABASE_URL", None)
    env["POSTDESK_STARTUP_REPORT"] = "1"
    postdesk = [str(Path(sysconfig.get_path("scripts")) / "postdesk")]
    baseline = [sys.executable, "-c", BASELINE]
    # One untimed run of each: creates PostDesk's database and warms the page cache, so
    # every timed run is a normal start of an installed app.
    _time_markers(postdesk, env)
    _time_markers(baseline, env)

    base_times, shown_times, ready_times = [], [], []
    for _ in range(args.runs):
        base_times.append(_time_markers(baseline, env)["window-shown"])
        marks = _time_markers(postdesk, env)
        shown_times.append(marks["window-shown"])
        ready_times.append(marks["draft-ready"])

    base = statistics.median(base_times)
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} (median, ms)")
    print(f"baseline: bare PySide6 QMainWindow shown      {base * 1000:7.1f}   1.00x")
    for label, times in (
        ("PostDesk main window shown", shown_times),
        ("PostDesk draft loaded, ready to type", ready_times),
    ):
        median = statistics.median(times)
        print(f"{label:<45}{median * 1000:7.1f}   {median / base:.2f}x")
    print("target: main window shown at most 1.50x the baseline")


if __name__ == "__main__":
    main()
