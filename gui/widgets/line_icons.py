"""The toolbar's icons: simple line drawings painted in the palette's own text colour.

An icon engine draws each one when Qt asks for it, so the icons follow the palette (light, dark,
high contrast, a change of theme while Rapport runs) without image files per theme, and stay
sharp at any size and device pixel ratio. Each drawing is a handful of strokes on a 24-unit grid,
in the manner of the Breeze and Adwaita symbolic icons.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPainterPath, QPalette, QPen, QPixmap

Drawing = Callable[[QPainter], None]


def icon_colour(mode: QIcon.Mode, palette: QPalette | None = None) -> QColor:
    """The colour a line icon is drawn in: the buttons' text, greyed like their text when disabled."""
    palette = palette or QGuiApplication.palette()
    group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    return palette.color(group, QPalette.ColorRole.ButtonText)


class LineIconEngine(QIconEngine):
    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x(), rect.y())
        painter.scale(rect.width() / 24, rect.height() / 24)
        pen = QPen(icon_colour(mode), 1.7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self.drawing(painter)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = QPixmap(round(size.width() * scale), round(size.height() * scale))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, pixmap.width(), pixmap.height()), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> LineIconEngine:
        return LineIconEngine(self.drawing)


def _dot(painter: QPainter, x: float, y: float) -> None:
    painter.save()
    painter.setBrush(painter.pen().color())
    painter.drawEllipse(QPointF(x, y), 0.6, 0.6)
    painter.restore()


def _person(painter: QPainter, x: float, y: float, scale: float = 1.0) -> None:
    """A head and shoulders whose head is centred on (x, y)."""
    painter.drawEllipse(QPointF(x, y), 3.4 * scale, 3.4 * scale)
    shoulders = QPainterPath(QPointF(x - 6.5 * scale, y + 12 * scale))
    shoulders.cubicTo(x - 6.5 * scale, y + 6 * scale, x + 6.5 * scale, y + 6 * scale, x + 6.5 * scale, y + 12 * scale)
    painter.drawPath(shoulders)


def _plus(painter: QPainter, x: float, y: float, arm: float = 3.0) -> None:
    painter.drawLine(QPointF(x - arm, y), QPointF(x + arm, y))
    painter.drawLine(QPointF(x, y - arm), QPointF(x, y + arm))


def _calendar_page(painter: QPainter) -> None:
    painter.drawRoundedRect(QRectF(3.5, 5, 17, 15.5), 2, 2)
    painter.drawLine(QPointF(3.5, 9.5), QPointF(20.5, 9.5))
    painter.drawLine(QPointF(8, 3), QPointF(8, 6.5))
    painter.drawLine(QPointF(16, 3), QPointF(16, 6.5))


def today(painter: QPainter) -> None:
    """A sun: the day at a glance."""
    painter.drawEllipse(QPointF(12, 12), 4, 4)
    for dx, dy in ((0, -1), (0.71, -0.71), (1, 0), (0.71, 0.71), (0, 1), (-0.71, 0.71), (-1, 0), (-0.71, -0.71)):
        painter.drawLine(QPointF(12 + dx * 6.8, 12 + dy * 6.8), QPointF(12 + dx * 9.2, 12 + dy * 9.2))


def people(painter: QPainter) -> None:
    """Two people, one behind the other's shoulder."""
    _person(painter, 9, 9.5)
    painter.drawEllipse(QPointF(16.5, 7.5), 2.8, 2.8)
    behind = QPainterPath(QPointF(15, 13.3))
    behind.cubicTo(18.5, 12.2, 21.5, 14.5, 21.5, 18.5)
    painter.drawPath(behind)


def offline(painter: QPainter) -> None:
    """A telephone handset: from messages to a call."""
    handset = QPainterPath(QPointF(6.2, 3.5))
    handset.lineTo(9.2, 3.5)
    handset.lineTo(10.4, 8.2)
    handset.lineTo(8.3, 10)
    handset.cubicTo(9.5, 12.6, 11.4, 14.5, 14, 15.7)
    handset.lineTo(15.8, 13.6)
    handset.lineTo(20.5, 14.8)
    handset.lineTo(20.5, 17.8)
    handset.cubicTo(20.5, 19.5, 19.2, 20.6, 17.5, 20.5)
    handset.cubicTo(10, 19.8, 4.2, 14, 3.5, 6.5)
    handset.cubicTo(3.4, 4.8, 4.5, 3.5, 6.2, 3.5)
    painter.drawPath(handset)


def calendar(painter: QPainter) -> None:
    _calendar_page(painter)
    for x in (8, 12, 16):
        for y in (13, 16.8):
            _dot(painter, x, y)


def new_contact(painter: QPainter) -> None:
    _person(painter, 9.5, 8)
    _plus(painter, 19, 9, 3)


def log(painter: QPainter) -> None:
    """A speech bubble with lines: an exchange written down."""
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(3.5, 4, 17, 12.5), 3, 3)
    painter.drawPath(bubble)
    painter.drawPolyline([QPointF(7.5, 16.5), QPointF(7, 20.5), QPointF(11.5, 16.5)])
    painter.drawLine(QPointF(7.5, 8.5), QPointF(16.5, 8.5))
    painter.drawLine(QPointF(7.5, 12), QPointF(13.5, 12))


def new_meeting(painter: QPainter) -> None:
    _calendar_page(painter)
    _plus(painter, 12, 15, 3)


def edit(painter: QPainter) -> None:
    """A pencil."""
    pencil = QPainterPath(QPointF(15.5, 4.5))
    pencil.lineTo(19.5, 8.5)
    pencil.lineTo(8.5, 19.5)
    pencil.lineTo(3.8, 20.2)
    pencil.lineTo(4.5, 15.5)
    pencil.closeSubpath()
    painter.drawPath(pencil)
    painter.drawLine(QPointF(13, 7), QPointF(17, 11))


def delete(painter: QPainter) -> None:
    """A waste bin."""
    painter.drawLine(QPointF(4, 6.5), QPointF(20, 6.5))
    painter.drawPolyline([QPointF(9.5, 6.5), QPointF(9.5, 3.8), QPointF(14.5, 3.8), QPointF(14.5, 6.5)])
    painter.drawPolyline([QPointF(6, 6.5), QPointF(7, 20.5), QPointF(17, 20.5), QPointF(18, 6.5)])
    painter.drawLine(QPointF(10.2, 10), QPointF(10.5, 17))
    painter.drawLine(QPointF(13.8, 10), QPointF(13.5, 17))


def import_(painter: QPainter) -> None:
    """An arrow down into a tray."""
    painter.drawLine(QPointF(12, 3.5), QPointF(12, 14.5))
    painter.drawPolyline([QPointF(7.5, 10), QPointF(12, 14.5), QPointF(16.5, 10)])
    painter.drawPolyline([QPointF(4, 14), QPointF(4, 20), QPointF(20, 20), QPointF(20, 14)])


def sync(painter: QPainter) -> None:
    """Two arrows chasing each other round a circle."""
    rect = QRectF(4.5, 4.5, 15, 15)
    painter.drawArc(rect, 20 * 16, 150 * 16)
    painter.drawArc(rect, 200 * 16, 150 * 16)
    painter.drawPolyline([QPointF(2.8, 8.5), QPointF(5.4, 10.8), QPointF(8.2, 8.8)])
    painter.drawPolyline([QPointF(21.2, 15.5), QPointF(18.6, 13.2), QPointF(15.8, 15.2)])


DRAWINGS: dict[str, Drawing] = {
    "today": today, "people": people, "offline": offline, "calendar": calendar,
    "new-contact": new_contact, "log": log, "new-meeting": new_meeting, "edit": edit,
    "delete": delete, "import": import_, "sync": sync,
}


def line_icon(name: str) -> QIcon:
    return QIcon(LineIconEngine(DRAWINGS[name]))
