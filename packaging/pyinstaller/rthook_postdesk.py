"""PyInstaller runtime hook: point enchant at the spelling files inside the bundle.

Runs before PostDesk's own code. Two things, both only when the bundle has them:

- The en_GB hunspell dictionary ships in ``<bundle>/share/hunspell``. enchant's hunspell
  provider searches ``hunspell/`` in every folder of ``XDG_DATA_DIRS`` (GLib's
  system data dirs), so that folder is put first there. The user's own enchant folder
  (personal word lists) is left alone, and nothing is ever written into the bundle.
- Where the bundle ships the enchant library itself (macOS), ``PYENCHANT_LIBRARY_PATH``
  points pyenchant at it, as pyenchant documents; pyenchant then tells enchant to find
  its providers next to it. On Windows pyenchant finds the copy in its own package data,
  and on Linux the system's libenchant-2 is used (see packaging/README.md for why).

An IT team can still override both: a ``PYENCHANT_LIBRARY_PATH`` already set is kept, and
the folders already in ``XDG_DATA_DIRS`` stay in it, after the bundle's.
"""

from __future__ import annotations

import os
import sys


def _point_enchant_at_bundle() -> None:
    base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
    share = os.path.join(base, "share")
    if os.path.isdir(os.path.join(share, "hunspell")):
        current = os.environ.get("XDG_DATA_DIRS", "")
        if not current and sys.platform != "win32":
            current = "/usr/local/share:/usr/share"  # GLib's default when unset
        parts = [share, *(p for p in current.split(os.pathsep) if p and p != share)]
        os.environ["XDG_DATA_DIRS"] = os.pathsep.join(parts)
    libdir = os.path.join(base, "enchant", "lib")
    if "PYENCHANT_LIBRARY_PATH" not in os.environ and os.path.isdir(libdir):
        for name in sorted(os.listdir(libdir)):
            if name.startswith("libenchant-2") and name.endswith((".dylib", ".dll", ".so.2")):
                os.environ["PYENCHANT_LIBRARY_PATH"] = os.path.join(libdir, name)
                break


_point_enchant_at_bundle()
