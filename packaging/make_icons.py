"""Render resources/icons/rapport.svg to the PNG sizes, the Windows .ico and the macOS .icns.

Run after changing the SVG: `python packaging/make_icons.py`. The outputs are committed, so a
build needs neither this script nor an SVG renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QSvgRenderer(str(ICONS / "rapport.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for size in SIZES:
        render(size).save(str(ICONS / f"rapport-{size}.png"))
    largest = Image.open(ICONS / "rapport-512.png")
    largest.save(ICONS / "rapport.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    render(1024).save(str(ICONS / "rapport-1024.png"))
    Image.open(ICONS / "rapport-1024.png").save(ICONS / "rapport.icns")
    (ICONS / "rapport-1024.png").unlink()
    print(f"icons written to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
