"""Round avatars: the person's photo, or their initials on a colour of their own."""

from __future__ import annotations

import zlib

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

# Muted colours that keep white initials readable in light and dark palettes.
_COLOURS = ["#5b7db1", "#b15b7d", "#5bb18f", "#8f5bb1", "#b1865b", "#5b9fb1", "#7d9a4a", "#b1635b"]


# Words that are no part of a name's initials: "Mr. John Doe Sr." is JD.
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr", "hon", "herr", "frau",
           "sr", "jr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "msc", "bsc", "ma", "ba"}


def initials(name: str, given: str = "", family: str = "") -> str:
    """Two letters for an avatar: of the given and family names when known, else of the first
    and last words of the name without titles and suffixes. A script without capitals (Chinese,
    Japanese, Arabic, Devanagari ...) gets one character, of the family name when known."""
    first, last = given.strip()[:1], family.strip()[:1]
    if first and last:
        cased = all(letter.isupper() or letter.islower() for letter in (first, last))
        return (first + last).upper() if cased else last
    words = [word for word in name.replace("(", " ").replace(",", " ").split()
             if word[:1].isalnum() and word.lower().strip(".") not in _TITLES]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper() if words[0].isascii() else words[0][:1]
    return (words[0][:1] + words[-1][:1]).upper()


def avatar_pixmap(name: str, photo: bytes | None, size: int, ratio: float = 1.0, letters: str = "") -> QPixmap:
    """A round picture `size` pixels across: the photo when it can be read, else `letters` (the
    name's initials when not given)."""
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
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, letters or initials(name))
    painter.end()
    return pixmap


class Avatar(QLabel):
    """A label showing a person's avatar at a fixed size."""

    def __init__(self, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self.setFixedSize(size, size)

    def show_person(self, name: str, photo: bytes | None, given: str = "", family: str = "") -> None:
        self.setPixmap(avatar_pixmap(name, photo, self._size, self.devicePixelRatioF(),
                                     initials(name, given, family)))
