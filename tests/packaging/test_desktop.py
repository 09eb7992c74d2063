"""Desktop integration files: valid, and one application id everywhere (fast, always run)."""

from __future__ import annotations

import ast
import shutil
import string
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import postdesk
from postdesk import APP_ID

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
ICONS = PACKAGING / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install {package} (./dev test installs it)")
    return path


def desktop_entry() -> dict[str, str]:
    entry = {}
    for line in DESKTOP.read_text(encoding="utf-8").splitlines()[1:]:
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            entry[key] = value
    return entry


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_desktop_file_is_valid() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # no warnings or hints either


def test_the_appstream_metainfo_is_valid() -> None:
    result = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_application_id_everywhere() -> None:
    entry = desktop_entry()
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "postdesk"

    component = ET.parse(METAINFO).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == "postdesk"
    assert component.findtext("metadata_license") == "CC0-1.0"
    assert component.find("content_rating[@type='oars-1.1']") is not None
    # The newest release is this version.
    assert component.find("releases/release").get("version") == postdesk.__version__  # type: ignore[union-attr]

    spec = (PACKAGING / "postdesk.spec").read_text(encoding="utf-8")
    assert "APP_ID = postdesk.APP_ID" in spec
    assert "bundle_identifier=APP_ID" in spec
    # The running app tells the desktop which .desktop file is its own.
    app = (ROOT / "src" / "postdesk" / "app.py").read_text(encoding="utf-8")
    assert "setDesktopFileName(APP_ID)" in app


def test_the_icon_pngs_match_their_names() -> None:
    found = sorted(ICONS.glob(f"hicolor/*/apps/{APP_ID}.png"))
    assert [p.parent.parent.name for p in found] == sorted(f"{n}x{n}" for n in PNG_SIZES)
    for path in found:
        width, height = png_size(path)
        assert f"{width}x{height}" == path.parent.parent.name, path


def test_the_svg_icon_is_the_packaged_master() -> None:
    master = ROOT / "src" / "postdesk" / "resources" / "icons" / "postdesk.svg"
    assert (ICONS / f"{APP_ID}.svg").read_bytes() == master.read_bytes(), (
        "run .venv/bin/python packaging/make_icons.py"
    )


def test_the_windows_and_macos_icons_hold_every_size() -> None:
    ico = (ICONS / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = sorted(ico[6 + 16 * i] or 256 for i in range(count))
    assert sizes == [16, 24, 32, 48, 64, 128, 256]

    icns = (ICONS / f"{APP_ID}.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    kinds, offset = set(), 8
    while offset < len(icns):
        kinds.add(icns[offset : offset + 4])
        offset += struct.unpack(">I", icns[offset + 4 : offset + 8])[0]
    assert {b"icp4", b"ic07", b"ic08", b"ic09", b"ic10"} <= kinds


def test_the_windows_version_resource_fills_in() -> None:
    # As packaging/postdesk.spec does it, with this version.
    template = string.Template((PACKAGING / "windows" / "version_info.txt").read_text("utf-8"))
    text = template.substitute(
        version=postdesk.__version__,
        version_tuple=repr((0, 1, 0, 0)),
        exe_name="postdesk",
        description="PostDesk",
        app_id=APP_ID,
    )
    tree = ast.parse(text, mode="eval")  # PyInstaller evaluates it as one expression
    assert isinstance(tree.body, ast.Call)
    assert tree.body.func.id == "VSVersionInfo"  # type: ignore[attr-defined]
    assert f"StringStruct('ProductVersion', '{postdesk.__version__}')" in text
