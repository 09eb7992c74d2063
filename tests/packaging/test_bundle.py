"""The PyInstaller bundle: built by packaging/build, self-tested with no Python on the path.

Marked `bundle`: building takes about a minute, so these run only when asked for
(``-m bundle`` or POSTDESK_TEST_BUNDLE=1; see conftest.py), and CI asks whenever
packaging/ changes. An up-to-date dist/postdesk/ is reused (packaging/build
--reuse-if-fresh compares a hash of the sources, packaging files and installed packages).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from postdesk import APP_ID
from postdesk.selftest import CHECK_NAMES

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "postdesk"
REPORT = ROOT / "build" / "bundle-report.txt"
# Measured 199 MiB on Linux (PySide6-Essentials 6.11.3, PyInstaller 6.22.3). The bound
# catches a real regression: QtWebEngine (+200 MB), the GTK stack (+40 MB) or a forgotten
# exclusion, not a few MB of growth.
MAX_BUNDLE_BYTES = 240 * 1024 * 1024

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CI builds the Linux bundle"),
]


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    """Build (or reuse) the bundle and run its checks; the build report as a dict."""
    env = {**os.environ, "POSTDESK_VENV": str(Path(sys.prefix))}
    result = subprocess.run(
        [str(ROOT / "packaging" / "build"), "--reuse-if-fresh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    report = dict(
        line.split("=", 1) for line in REPORT.read_text("utf-8").splitlines() if "=" in line
    )
    report["stdout"] = result.stdout
    return report


def test_the_bundle_passes_its_self_test_with_no_python_on_the_path(
    built: dict[str, str],
) -> None:
    assert built["self_test"] == "passed"
    log = (ROOT / "build" / "self-test.log").read_text("utf-8")
    statuses = {
        parts[1]: parts[0]
        for parts in (line.split() for line in log.splitlines())
        if len(parts) > 1 and parts[1] in CHECK_NAMES
    }
    assert list(statuses) == list(CHECK_NAMES), log
    assert all(s == "OK" for name, s in statuses.items() if name != "policy"), log
    assert f"bundle at {BUNDLE}" in log.splitlines()[0]


def test_the_bundle_uses_only_what_it_carries(built: dict[str, str]) -> None:
    # packaging/build reruns the self-test with the build's Python, the system Python
    # libraries, the source tree and the system hunspell dictionaries hidden (as root).
    if os.geteuid() != 0:
        pytest.skip("the isolated run needs root (a private mount namespace)")
    assert built["self_test_isolated"] == "passed"


def test_the_bundle_size_is_bounded(built: dict[str, str]) -> None:
    size = int(built["size_bytes"])
    assert size < MAX_BUNDLE_BYTES, f"{size / 2**20:.0f} MiB"


def test_the_bundle_carries_its_files(built: dict[str, str]) -> None:
    internal = BUNDLE / "_internal"
    migrations = internal / "postdesk" / "storage" / "migrations"
    # Alembic reads the migrations as files on disk.
    assert (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("0*.py"))
    assert (internal / "postdesk" / "resources" / "icons" / "postdesk.svg").is_file()
    assert (internal / "share" / "hunspell" / "en_GB.dic").is_file()
    platforms = {p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so"} <= platforms
    assert (internal / "PySide6" / "Qt" / "plugins" / "imageformats" / "libqsvg.so").is_file()
    # Left out on purpose (see packaging/postdesk.spec).
    assert not (internal / "PySide6" / "Qt" / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libgtk-3*"))
    assert not list(internal.glob("PySide6/Qt/translations/*"))
    # The desktop integration files travel with the bundle.
    share = BUNDLE / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()


def test_start_up_and_build_times_are_reported(built: dict[str, str]) -> None:
    assert float(built["startup_window_seconds"]) > 0
    assert float(built["startup_draft_seconds"]) >= float(built["startup_window_seconds"])
    assert "size:" in built["stdout"]
    assert "start-up:" in built["stdout"]
