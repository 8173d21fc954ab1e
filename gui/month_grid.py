"""The calendar's month: six weeks of days, each with its meetings as readable lines ("09:30
Call with Cathy Rogers"), as many as the day's box holds and "+2 more" for the rest.

Click a day to choose it (the list beside shows all of it), double-click a meeting to open it
or an empty part of a day to plan one there, drag a meeting to another day to move it (same
time, as many days later or earlier), right-click a meeting for its menu. Past and cancelled
meetings step back as they do in the week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from gui.widgets.palette import mix, secondary_text
from model import clock, meetings, preferences
from model.meetings import Occurrence

WEEKS = 6


@dataclass
class _Line:
    occurrence: Occurrence
    day: dt.date
    rect: QRectF


def occurrence_tooltip(occurrence: Occurrence) -> str:
    """What a meeting's chip or line says in full: its time, title, people and place."""
    record = occurrence.meeting
    if record.all_day:
        lines = [f"All day  {record.title}"]
    else:
        starts, ends = occurrence.starts_at.astimezone(clock.local_zone()), occurrence.ends_at.astimezone(
            clock.local_zone())
        lines = [f"{starts:%H:%M}–{ends:%H:%M}  {record.title}"]
    names = ", ".join(attendee.name for attendee in record.attendees if attendee.name)
    if names:
        lines.append(f"With {names}")
    if record.location:
        lines.append(record.location)
    state = meetings.state_of(occurrence)
    if state != "planned":
        lines.append(meetings.STATE_NOTES[state])
    return "\n".join(lines)


def draggable(occurrence: Occurrence | None) -> bool:
    """Whether a meeting can be dragged to another time: a planned one (not done or cancelled)."""
    return occurrence is not None and occurrence.meeting.status == "planned"


def hover_cursor(widget: QWidget, occurrence: Occurrence | None) -> None:
    """An open hand over a meeting that can be dragged, the arrow elsewhere (week and month alike)."""
    widget.setCursor(Qt.CursorShape.OpenHandCursor if draggable(occurrence) else Qt.CursorShape.ArrowCursor)


class MonthGrid(QWidget):
    day_chosen = Signal(object)  # date
    activated = Signal(int)  # meeting id
    new_requested = Signal(object)  # aware datetime
    moved = Signal(int, object)  # meeting id, timedelta (whole days)
    menu_requested = Signal(int, QPoint, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = clock.today().replace(day=1)  # the grid's first Monday
        self.month = self.first.month
        self.selected = clock.today()
        self.found: list[Occurrence] = []
        self.lines: list[_Line] = []
        self.hidden: dict[dt.date, int] = {}
        self._drag: tuple[_Line, QPoint] | None = None
        self._drop_day: dt.date | None = None
        self.setMouseTracking(True)
        self.setAccessibleName("Month")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(7 * 64, self._header_height() + WEEKS * 56)

    def sizeHint(self) -> QSize:
        return QSize(760, 620)

    @staticmethod
    def grid_start(month_day: dt.date) -> dt.date:
        """The first day of the week (Monday, or as the preferences say) that the six weeks
        showing `month_day`'s month start on."""
        first = month_day.replace(day=1)
        return first - dt.timedelta(days=(first.weekday() - preferences.current().first_day) % 7)

    def show_month(self, month_day: dt.date, found: list[Occurrence], selected: dt.date | None = None) -> None:
        self.first, self.month = self.grid_start(month_day), month_day.month
        self.selected = selected or month_day
        self.found = sorted(found, key=lambda o: (not o.meeting.all_day, o.starts_at, o.meeting.title))
        self._layout()
        self.update()

    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=7 * WEEKS - 1)

    # -- Geometry ---------------------------------------------------------------------------

    def _header_height(self) -> int:
        return self.fontMetrics().height() + 8

    def cell_rect(self, day: dt.date) -> QRectF:
        index = (day - self.first).days
        width = self.width() / 7
        height = (self.height() - self._header_height()) / WEEKS
        return QRectF(index % 7 * width, self._header_height() + index // 7 * height, width, height)

    def day_at(self, point: QPoint) -> dt.date | None:
        if point.y() < self._header_height():
            return None
        width = self.width() / 7
        height = (self.height() - self._header_height()) / WEEKS
        column = min(6, max(0, int(point.x() // width)))
        row = min(WEEKS - 1, max(0, int((point.y() - self._header_height()) // height)))
        return self.first + dt.timedelta(days=row * 7 + column)

    def _line_height(self) -> float:
        return self.fontMetrics().height() * 0.9 + 3

    def _layout(self) -> None:
        """Each day's meetings as lines under its number, as many as fit; the rest counted."""
        self.lines, self.hidden = [], {}
        by_day: dict[dt.date, list[Occurrence]] = {}
        zone = clock.local_zone()
        for occurrence in self.found:
            first = occurrence.starts_at.astimezone(zone).date()
            last = max(first, (occurrence.ends_at.astimezone(zone) - dt.timedelta(microseconds=1)).date())
            day = max(first, self.first)
            while day <= min(last, self.last()):
                by_day.setdefault(day, []).append(occurrence)
                day += dt.timedelta(days=1)
        line = self._line_height()
        for day, found in by_day.items():
            cell = self.cell_rect(day)
            top = cell.y() + self.fontMetrics().height() + 6
            room = max(0, int((cell.bottom() - 2 - top) // line))
            shown = found if len(found) <= room else found[:max(0, room - 1)]
            for n, occurrence in enumerate(shown):
                self.lines.append(_Line(occurrence, day, QRectF(cell.x() + 3, top + n * line, cell.width() - 6,
                                                                 line - 1)))
            if len(shown) < len(found):
                self.hidden[day] = len(found) - len(shown)

    def resizeEvent(self, event) -> None:
        self._layout()
        super().resizeEvent(event)

    def line_at(self, point: QPoint) -> _Line | None:
        return next((line for line in self.lines if line.rect.contains(point)), None)

    def shown_on(self, day: dt.date) -> tuple[list[str], int]:
        """The meeting titles a day's box shows, and how many more it counts: what the user reads."""
        return [line.occurrence.meeting.title for line in self.lines if line.day == day], self.hidden.get(day, 0)

    # -- Painting ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        dim = secondary_text(palette)
        painter.fillRect(self.rect(), base)
        header = self._header_height()
        width = self.width() / 7
        painter.setPen(dim)
        for column in range(7):
            name = (self.first + dt.timedelta(days=column)).strftime("%a")
            painter.drawText(QRectF(column * width, 0, width, header), Qt.AlignmentFlag.AlignCenter, name)
        today = clock.today()
        lines = QColor(palette.color(QPalette.ColorRole.Mid))
        lines.setAlpha(140)
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for index in range(7 * WEEKS):
            day = self.first + dt.timedelta(days=index)
            cell = self.cell_rect(day)
            if day.month != self.month:  # the days of the months either side: greyed
                painter.fillRect(cell, mix(base, palette.color(QPalette.ColorRole.Window), 0.6))
            elif day.weekday() >= 5:
                shade = QColor(text)
                shade.setAlpha(8)
                painter.fillRect(cell, shade)
            if day == self._drop_day:
                tint = QColor(palette.color(QPalette.ColorRole.Highlight))
                tint.setAlpha(60)
                painter.fillRect(cell, tint)
            painter.setPen(QPen(lines, 1))
            painter.drawRect(cell)
            number = QRectF(cell.x() + 4, cell.y() + 3, cell.width() - 8, self.fontMetrics().height())
            if day == today:
                side = self.fontMetrics().height() + 2
                disc = QRectF(number.right() - side + 2, number.y() - 1, side, side)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
                painter.drawEllipse(disc)
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
                painter.setFont(bold)
                painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(day.day))
            else:
                painter.setPen(text if day.month == self.month else dim)
                painter.setFont(bold if day == self.selected else self.font())
                painter.drawText(number, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, str(day.day))
            if day == self.selected:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(cell.adjusted(1, 1, -1, -1))
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.9)
        painter.setFont(small)
        for line in self.lines:
            self._paint_line(painter, line, dim)
        painter.setPen(dim)
        for day, count in self.hidden.items():
            cell = self.cell_rect(day)
            row = QRectF(cell.x() + 5, cell.bottom() - self._line_height() - 1, cell.width() - 10, self._line_height())
            painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"+{count} more")

    def _paint_line(self, painter: QPainter, line: _Line, dim: QColor) -> None:
        occurrence, record = line.occurrence, line.occurrence.meeting
        palette = self.palette()
        state = meetings.state_of(occurrence)
        dragged = self._drag is not None and self._drag[0] is line and self._drop_day is not None
        font = QFont(painter.font())
        font.setStrikeOut(record.status == "cancelled")
        font.setItalic(state == "unmarked")
        painter.setFont(font)
        metrics = painter.fontMetrics()
        if record.all_day:  # a bar, as in the week's header
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(110 if state != "planned" or dragged else 220)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(line.rect, 3, 3)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            label = record.title
        else:
            dot = QRectF(line.rect.x() + 1, line.rect.center().y() - 3, 6, 6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight) if state == "planned" else dim)
            painter.drawEllipse(dot)
            painter.setPen(palette.color(QPalette.ColorRole.Text) if state == "planned" and not dragged else dim)
            local = occurrence.starts_at.astimezone(clock.local_zone())
            label = f"{local:%H:%M} {'✓ ' if record.status == 'done' else ''}{record.title}"
        inner = line.rect.adjusted(4 if record.all_day else 10, 0, -2, 0)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(inner.width())))

    # -- Tooltips and the mouse -------------------------------------------------------------

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            line = self.line_at(event.pos())
            day = self.day_at(event.pos())
            if line is not None:
                QToolTip.showText(event.globalPos(), occurrence_tooltip(line.occurrence), self)
            elif day is not None and day in self.hidden:
                QToolTip.showText(event.globalPos(), f"{self.hidden[day]} more: click the day to see all of it", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:
        point = event.position().toPoint()
        line = self.line_at(point)
        day = self.day_at(point)
        if event.button() == Qt.MouseButton.LeftButton:
            if day is not None and day != self.selected:
                self.selected = day
                self.update()
                self.day_chosen.emit(day)
            if line is not None and draggable(line.occurrence):
                self._drag, self._drop_day = (line, point), None
        elif event.button() == Qt.MouseButton.RightButton and line is not None:
            self.menu_requested.emit(line.occurrence.meeting.id, event.globalPosition().toPoint(),
                                     line.occurrence.starts_at)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        point = event.position().toPoint()
        if self._drag is None:
            line = self.line_at(point)
            hover_cursor(self, line.occurrence if line else None)
            return
        line, pressed = self._drag
        if self._drop_day is None and (point - pressed).manhattanLength() < 6:
            return  # not a drag yet: a click
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self._drop_day = self.day_at(point)
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None and self._drop_day is not None:
            line, _pressed = self._drag
            days = (self._drop_day - line.day).days
            self._drag = self._drop_day = None
            self.setCursor(Qt.CursorShape.ArrowCursor)
            self.update()
            if days:
                self.moved.emit(line.occurrence.meeting.id, dt.timedelta(days=days))
            return
        self._drag = self._drop_day = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        point = event.position().toPoint()
        line = self.line_at(point)
        day = self.day_at(point)
        if line is not None:
            self.activated.emit(line.occurrence.meeting.id)
        elif day is not None:
            self.new_requested.emit(dt.datetime.combine(day, dt.time(10), clock.local_zone()))
