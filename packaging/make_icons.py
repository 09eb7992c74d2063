"""Render PostDesk's application icon for every platform from its SVG master.

Run after changing src/postdesk/resources/icons/postdesk.svg, and commit the results:

    .venv/bin/python packaging/make_icons.py

Writes, under packaging/icons/ (named after the application id, postdesk.APP_ID):

- ``org.postdesk.PostDesk.svg``: a copy of the master (Linux: hicolor/scalable);
- ``hicolor/NxN/apps/org.postdesk.PostDesk.png`` for N in `PNG_SIZES`, laid out as the
  freedesktop icon theme expects, so ``cp -r hicolor /usr/share/icons/`` installs them;
- ``org.postdesk.PostDesk.ico``: Windows, PNG-compressed images 16 to 256 px;
- ``org.postdesk.PostDesk.icns``: macOS, PNG-compressed images 16 to 1024 px.

Qt's SVG renderer draws them offscreen (QT_QPA_PLATFORM=offscreen), so no display is needed.
The .ico and .icns containers are written here in plain Python: both are a short header
and a table of PNG files (ICO since Windows Vista, ICNS since Mac OS X 10.7).
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from postdesk import APP_ID  # noqa: E402 - after the path set-up

MASTER = ROOT / "src" / "postdesk" / "resources" / "icons" / "postdesk.svg"
ICONS = ROOT / "packaging" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS chunk types that hold a PNG, by pixel size (the @2x types reuse the larger images).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn into a size x size PNG with a transparent background."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: TID251
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter  # noqa: TID251
    from PySide6.QtSvg import QSvgRenderer  # noqa: TID251

    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["make_icons", "-platform", "offscreen"])
        globals()["_app"] = _app  # keep it alive for later calls
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit(f"{MASTER} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise SystemExit(f"could not encode the {size} px icon as PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (a width or height of 256 is written as 0)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        png = images[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        payload += png
        offset += len(png)
    return header + entries + payload


def icns(images: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images."""
    chunks = b"".join(
        kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def main() -> None:
    """Write every icon file; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICONS, help="where to write (packaging/icons)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out: Path = args.out
    svg = MASTER.read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MASTER, out / f"{APP_ID}.svg")
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_TYPES)})
    images = {size: render_png(svg, size) for size in sizes}
    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(images[size])
    (out / f"{APP_ID}.ico").write_bytes(ico({size: images[size] for size in ICO_SIZES}))
    (out / f"{APP_ID}.icns").write_bytes(icns(images))
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:>7} bytes")  # noqa: T201


if __name__ == "__main__":
    main()
