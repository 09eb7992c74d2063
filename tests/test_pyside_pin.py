"""Regression test for the PySide6 pin (pyproject: PySide6-Essentials >=6.10,<6.12).

PySide6 6.12.0 on Python 3.11 drops a reference to True on every Signal.emit() and aborts
with "Fatal Python error: bool_dealloc" after a few hundred emits. Run in a subprocess so
an abort fails this test instead of killing the whole run.
"""

from __future__ import annotations

import subprocess
import sys

REPRO = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication(sys.argv)
class S(QObject):
    sig = Signal(object)
s = S()
received = []
s.sig.connect(received.append)
for i in range(5000):
    s.sig.emit(i)
print(len(received))
"""


def test_five_thousand_signal_emits_do_not_abort() -> None:
    result = subprocess.run(
        [sys.executable, "-c", REPRO], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "5000"
