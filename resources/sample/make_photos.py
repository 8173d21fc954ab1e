"""Draws the sample notebook's portrait photos (illustrations, not real people).

Run once from the repository root when the sample people change:
    QT_QPA_PLATFORM=offscreen python resources/sample/make_photos.py
"""

import json
import random
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath

HERE = Path(__file__).parent
SKIN = ["#f1c7a5", "#e0ac84", "#c68642", "#8d5524", "#f6d7c3", "#b07850"]
HAIR = ["#2b1b12", "#5a3825", "#a0522d", "#d9b36c", "#111111", "#7d7d7d", "#b5651d"]
SHIRT = ["#2f5d8a", "#8a2f4f", "#2f8a6b", "#6b4f8a", "#c2693a", "#3a3f47", "#4f7d2f"]
BACKDROP = [("#dfe8f1", "#b7c9db"), ("#f3e6d8", "#e0c6a8"), ("#e3f0e6", "#bcd8c4"), ("#ece3f3", "#cdbde0")]


def portrait(seed: str, size: int = 192) -> QImage:
    rng = random.Random(seed)
    image = QImage(size, size, QImage.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    top, bottom = rng.choice(BACKDROP)
    gradient = QLinearGradient(0, 0, 0, size)
    gradient.setColorAt(0, QColor(top))
    gradient.setColorAt(1, QColor(bottom))
    painter.fillRect(image.rect(), QBrush(gradient))
    painter.setPen(Qt.NoPen)
    s = size / 192
    painter.setBrush(QColor(rng.choice(SHIRT)))
    painter.drawRoundedRect(QRectF(28 * s, 138 * s, 136 * s, 90 * s), 48 * s, 48 * s)
    skin = QColor(rng.choice(SKIN))
    painter.setBrush(skin.darker(108))
    painter.drawRect(QRectF(84 * s, 112 * s, 24 * s, 30 * s))
    hair = QColor(rng.choice(HAIR))
    long_hair = rng.random() < 0.5
    if long_hair:
        painter.setBrush(hair)
        painter.drawRoundedRect(QRectF(50 * s, 44 * s, 92 * s, 104 * s), 40 * s, 40 * s)
    painter.setBrush(skin)
    painter.drawEllipse(QRectF(60 * s, 48 * s, 72 * s, 84 * s))
    painter.setBrush(hair)
    path = QPainterPath()
    path.moveTo(QPointF(58 * s, 88 * s))
    path.cubicTo(QPointF(52 * s, 30 * s), QPointF(140 * s, 30 * s), QPointF(134 * s, 88 * s))
    path.cubicTo(QPointF(120 * s, 62 * s), QPointF(80 * s, 58 * s), QPointF(58 * s, 88 * s))
    painter.drawPath(path)
    painter.setBrush(QColor("#3b2a20"))
    for x in (82, 110):
        painter.drawEllipse(QPointF(x * s, 92 * s), 3.2 * s, 3.6 * s)
    painter.setBrush(skin.darker(125))
    painter.drawRoundedRect(QRectF(86 * s, 112 * s, 20 * s, 4 * s), 2 * s, 2 * s)
    painter.end()
    return image


if __name__ == "__main__":
    app = QGuiApplication([])
    for person in json.loads((HERE / "people.json").read_text(encoding="utf-8")):
        if person.get("photo"):
            portrait(person["photo"]).save(str(HERE / f"{person['photo']}.jpg"), "JPG", 85)
