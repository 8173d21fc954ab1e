"""Small round badges that tell the channels apart at a glance: colour and a mark per channel.

Drawn rather than shipped as image files, so they stay sharp at any size and a channel the
user adds gets a badge too (its initial on a colour derived from its name).
"""

from __future__ import annotations

import zlib
from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

# key: (colour, mark). Marks are letters or symbols that DejaVu Sans and the system fonts have.
_BADGES = {
    "phone": ("#2e7d32", "☎"), "video": ("#00838f", "▶"), "in_person": ("#c62828", "●"),
    "email": ("#5d4037", "@"), "sms": ("#546e7a", "✉"), "whatsapp": ("#25a244", "W"),
    "signal": ("#3a76f0", "S"), "telegram": ("#229ed9", "T"), "linkedin": ("#0a66c2", "in"),
    "x": ("#14171a", "X"), "facebook": ("#1877f2", "f"), "instagram": ("#c13584", "ig"),
    "mastodon": ("#6364ff", "M"), "other": ("#757575", "•"),
}
# Colours for the steps from online to offline (online, email, spoken, met).
STEP_COLOURS = {-1: "#9e9e9e", 0: "#5c6bc0", 1: "#8d6e63", 2: "#2e7d32", 3: "#c62828"}


def channel_colour(key: str, name: str = "") -> QColor:
    if key in _BADGES:
        return QColor(_BADGES[key][0])
    hue = zlib.crc32((name or key).encode()) % 360
    return QColor.fromHsv(hue, 150, 170)


@cache
def channel_pixmap(key: str, name: str = "", size: int = 22, ratio: float = 1.0) -> QPixmap:
    colour, mark = _BADGES.get(key, (None, (name or key or "?")[:1].upper()))
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QColor(colour) if colour else channel_colour(key, name))
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    font = QFont()
    font.setPixelSize(round(size * (0.42 if len(mark) > 1 else 0.55)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, mark)
    painter.end()
    return pixmap


def channel_icon(key: str, name: str = "") -> QIcon:
    icon = QIcon()
    for size in (16, 22, 32):
        icon.addPixmap(channel_pixmap(key, name, size))
    return icon
