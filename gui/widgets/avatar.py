"""Round avatars: the person's photo, or their initials on a colour of their own."""

from __future__ import annotations

import zlib

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

# Muted colours that keep white initials readable in light and dark palettes.
_COLOURS = ["#5b7db1", "#b15b7d", "#5bb18f", "#8f5bb1", "#b1865b", "#5b9fb1", "#7d9a4a", "#b1635b"]


def initials(name: str) -> str:
    words = [word for word in name.replace("(", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper() if words[0].isascii() else words[0][:1]
    return (words[0][:1] + words[-1][:1]).upper()


def avatar_pixmap(name: str, photo: bytes | None, size: int, ratio: float = 1.0) -> QPixmap:
    """A round picture `size` pixels across: the photo when it can be read, else initials."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, size, size))
    painter.setClipPath(clip)
    image = QImage.fromData(photo) if photo else QImage()
    if not image.isNull():
        side = min(image.width(), image.height())
        square = image.copy((image.width() - side) // 2, (image.height() - side) // 2, side, side)
        painter.drawImage(QRectF(0, 0, size, size), square)
    else:
        colour = _COLOURS[zlib.crc32(name.encode("utf-8")) % len(_COLOURS)]
        painter.fillRect(QRectF(0, 0, size, size), QColor(colour))
        font = QFont()
        font.setPixelSize(max(8, int(size * 0.38)))
        font.setWeight(QFont.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, initials(name))
    painter.end()
    return pixmap


class Avatar(QLabel):
    """A label showing a person's avatar at a fixed size."""

    def __init__(self, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self.setFixedSize(size, size)

    def show_person(self, name: str, photo: bytes | None) -> None:
        self.setPixmap(avatar_pixmap(name, photo, self._size, self.devicePixelRatioF()))
