"""The calendar: a month with its meeting days marked, the chosen day's meetings, and on the
right a week of time slots (drag a meeting to move it), the month with each day's meetings
(gui/month_grid.py), or the agenda of the coming weeks.

Everything shown comes from model/meetings.py; changes go back to the window as signals, which
makes them undoable.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gui.month_grid import MonthGrid, draggable, hover_cursor, occurrence_tooltip
from gui.widgets.layout import heading
from gui.widgets.meeting_list import MeetingList, day_name
from gui.widgets.palette import contrast, mix, secondary_text
from model import clock, meetings, preferences
from model.meetings import Occurrence

AGENDA_DAYS = 30
WEEK, AGENDA, MONTH = 0, 1, 2  # the views on the right, as the mode buttons number them
SNAP_MINUTES = 15


def local_zone() -> dt.tzinfo:
    return clock.local_zone()


def monday_of(day: dt.date) -> dt.date:
    """The first day of `day`'s week: a Monday, or the day the preferences start weeks on."""
    return day - dt.timedelta(days=(day.weekday() - preferences.current().first_day) % 7)


class MonthCalendar(QCalendarWidget):
    """A month grid that puts a dot under each day with meetings (up to three dots)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[dt.date, int] = {}
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek(preferences.current().first_day + 1))  # Qt counts Monday as 1
        today = clock.today()  # Rapport's clock, not Qt's: the same "today" as every other view
        self.setSelectedDate(QDate(today.year, today.month, today.day))
        self.setAccessibleName("Month")
        self.setMinimumHeight(self.fontMetrics().height() * 17)

    def visible_range(self) -> tuple[dt.date, dt.date]:
        """The six weeks the grid shows for the current page."""
        first = dt.date(self.yearShown(), self.monthShown(), 1)
        start = monday_of(first) if monday_of(first) != first else first - dt.timedelta(days=7)
        return start, start + dt.timedelta(days=41)

    def show_counts(self, counts: dict[dt.date, int]) -> None:
        self.counts = counts
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, date: QDate) -> None:
        super().paintCell(painter, rect, date)
        count = self.counts.get(date.toPython(), 0)
        if not count:
            return
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        selected = date == self.selectedDate()
        colour = self.palette().color(QPalette.HighlightedText if selected else QPalette.Highlight)
        painter.setBrush(colour)
        painter.setPen(Qt.NoPen)
        dots = min(count, 3)
        size = max(4.0, rect.height() / 9)
        left = rect.center().x() - (dots * size * 1.8 - size * 0.8) / 2
        for n in range(dots):
            painter.drawEllipse(QRectF(left + n * size * 1.8, rect.bottom() - size * 1.9, size, size))
        painter.restore()


@dataclass
class _Block:
    occurrence: Occurrence
    rect: QRectF


class WeekGrid(QWidget):
    """Seven days of time slots with the meetings as blocks. Drag a block to move the meeting
    (by quarter hours, to another day too); double-click an empty slot to plan one there."""

    moved = Signal(int, object)  # meeting id, timedelta
    activated = Signal(int)
    new_requested = Signal(object)  # aware datetime
    menu_requested = Signal(int, QPoint, object)

    GUTTER = 52
    HOUR = 44

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.week_start = monday_of(clock.today())
        self.found: list[Occurrence] = []
        self.all_day: list[Occurrence] = []
        self.blocks: list[_Block] = []
        self._drag: tuple[_Block, QPoint] | None = None
        self._drop: QRectF | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(self.HOUR * 24)
        self.setAccessibleName("Week")
        self.setFocusPolicy(Qt.StrongFocus)

    def sizeHint(self) -> QSize:
        return QSize(720, self.HOUR * 24)

    def show_week(self, week_start: dt.date, found: list[Occurrence]) -> None:
        # All-day meetings are on their dates, not at hours: the header shows them (WeekHeader).
        self.week_start = week_start
        self.found = [occurrence for occurrence in found if not occurrence.meeting.all_day]
        self.all_day = [occurrence for occurrence in found if occurrence.meeting.all_day]
        self._layout_blocks()
        self.update()

    # -- Geometry ---------------------------------------------------------------------------

    def day_width(self) -> float:
        return (self.width() - self.GUTTER) / 7

    def moment_at(self, point: QPoint) -> dt.datetime:
        """The local time under `point`, snapped to a quarter hour."""
        column = min(6, max(0, int((point.x() - self.GUTTER) // self.day_width())))
        minutes = round(max(0, point.y()) / self.HOUR * 60 / SNAP_MINUTES) * SNAP_MINUTES
        minutes = min(minutes, 24 * 60 - SNAP_MINUTES)
        day = self.week_start + dt.timedelta(days=column)
        return dt.datetime.combine(day, dt.time(0), local_zone()) + dt.timedelta(minutes=minutes)

    def _rect_for(self, starts: dt.datetime, ends: dt.datetime) -> QRectF | None:
        local = starts.astimezone(local_zone())
        column = (local.date() - self.week_start).days
        if not 0 <= column < 7:
            return None
        top = (local.hour * 60 + local.minute) / 60 * self.HOUR
        height = max(self.HOUR / 2.5, (ends - starts).total_seconds() / 3600 * self.HOUR)
        return QRectF(self.GUTTER + column * self.day_width() + 2, top + 1, self.day_width() - 5,
                      min(height, self.HOUR * 24 - top) - 2)

    def _layout_blocks(self) -> None:
        """Blocks side by side where meetings overlap on a day."""
        self.blocks = []
        lanes: dict[int, list[tuple[dt.datetime, int]]] = {}
        placed = []
        for occurrence in self.found:
            rect = self._rect_for(occurrence.starts_at, occurrence.ends_at)
            if rect is None:
                continue
            column = int((rect.x() - self.GUTTER) // max(1.0, self.day_width()))
            ends = lanes.setdefault(column, [])
            lane = next((n for n, (end, _) in enumerate(ends) if end <= occurrence.starts_at), None)
            if lane is None:
                ends.append((occurrence.ends_at, 0))
                lane = len(ends) - 1
            else:
                ends[lane] = (occurrence.ends_at, 0)
            placed.append((occurrence, rect, column, lane))
        width_of = {column: len(ends) for column, ends in lanes.items()}
        for occurrence, rect, column, lane in placed:
            share = rect.width() / width_of[column]
            self.blocks.append(_Block(occurrence, QRectF(rect.x() + lane * share, rect.y(), share - 1, rect.height())))

    def resizeEvent(self, event) -> None:
        self._layout_blocks()
        super().resizeEvent(event)

    def block_at(self, point: QPoint) -> _Block | None:
        return next((block for block in reversed(self.blocks) if block.rect.contains(point)), None)

    # -- Painting ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.Base))
        width = self.day_width()
        today = clock.today()
        if 0 <= (today - self.week_start).days < 7:
            tint = QColor(palette.color(QPalette.Highlight))
            tint.setAlpha(18)
            painter.fillRect(QRectF(self.GUTTER + (today - self.week_start).days * width, 0, width, self.height()),
                             tint)
        for weekend in (5, 6):
            shade = QColor(palette.color(QPalette.WindowText))
            shade.setAlpha(8)
            painter.fillRect(QRectF(self.GUTTER + weekend * width, 0, width, self.height()), shade)
        lines = QColor(palette.color(QPalette.Mid))
        lines.setAlpha(110)
        dim = secondary_text(palette)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.85)
        painter.setFont(small)
        for hour in range(24):
            y = hour * self.HOUR
            painter.setPen(QPen(lines, 1))
            painter.drawLine(self.GUTTER, y, self.width(), y)
            if hour:
                painter.setPen(dim)
                painter.drawText(QRectF(0, y - 8, self.GUTTER - 8, 16), Qt.AlignRight | Qt.AlignVCenter,
                                 f"{hour:02d}:00")
        painter.setPen(QPen(lines, 1))
        for column in range(8):
            x = self.GUTTER + column * width
            painter.drawLine(int(x), 0, int(x), self.height())
        if 0 <= (today - self.week_start).days < 7:
            now = clock.local_now()
            y = (now.hour * 60 + now.minute) / 60 * self.HOUR
            x = self.GUTTER + (today - self.week_start).days * width
            painter.setPen(QPen(QColor("#d93025"), 2))
            painter.drawLine(int(x), int(y), int(x + width), int(y))
        for block in self.blocks:
            if self._drag and block is self._drag[0] and self._drop is not None:
                self._paint_block(painter, block.occurrence, block.rect, ghost=True)
            else:
                self._paint_block(painter, block.occurrence, block.rect)
        if self._drag and self._drop is not None:
            self._paint_block(painter, self._drag[0].occurrence, self._drop)

    def _paint_block(self, painter: QPainter, occurrence: Occurrence, rect: QRectF, ghost: bool = False) -> None:
        record = occurrence.meeting
        palette = self.palette()
        state = meetings.state_of(occurrence)
        fill = QColor(palette.color(QPalette.Highlight))
        text = palette.color(QPalette.HighlightedText)
        if state != "planned" or ghost:  # done, cancelled or over: it steps back
            fill = QColor(palette.color(QPalette.Mid))
            text = palette.color(QPalette.WindowText)
        fill.setAlpha(70 if ghost else (120 if state != "planned" else 225))
        painter.setPen(Qt.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        if state == "unmarked" and not ghost:  # over, and nobody said how it went: outlined
            painter.setPen(QPen(palette.color(QPalette.Highlight), 1.5, Qt.DashLine))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
        if ghost:
            return
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * 0.9)
        font.setStrikeOut(record.status == "cancelled")
        painter.setFont(font)
        painter.setPen(text)
        local = clock.local(occurrence.starts_at)
        label = f"{local:%H:%M} {'✓ ' if record.status == 'done' else ''}{record.title}"
        inner = rect.adjusted(5, 1, -4, -1)
        metrics = painter.fontMetrics()
        if inner.height() < metrics.height() * 2:  # a short meeting: one elided line
            label = metrics.elidedText(label, Qt.ElideRight, int(inner.width()))
            painter.drawText(inner, Qt.AlignLeft | Qt.AlignVCenter, label)
        else:  # whole lines only, the last one cut with an ellipsis: never half a line
            lines = fit_lines(metrics, label, int(inner.width()), max(1, int(inner.height() // metrics.height())))
            painter.drawText(inner, Qt.AlignLeft | Qt.AlignTop, "\n".join(lines))

    def tooltip_at(self, point: QPoint) -> str:
        """What a meeting's chip says in full: its time, title, people and place."""
        block = self.block_at(point)
        return "" if block is None else occurrence_tooltip(block.occurrence)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # -- Mouse ------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        block = self.block_at(event.position().toPoint())
        if event.button() == Qt.LeftButton and block and draggable(block.occurrence):
            self._drag = (block, event.position().toPoint() - block.rect.topLeft().toPoint())
            self._drop = None
        elif event.button() == Qt.RightButton and block:
            self.menu_requested.emit(block.occurrence.meeting.id, event.globalPosition().toPoint(),
                                     block.occurrence.starts_at)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        point = event.position().toPoint()
        if self._drag is None:
            block = self.block_at(point)
            hover_cursor(self, block.occurrence if block else None)
            return
        block, grip = self._drag
        if self._drop is None and (point - (block.rect.topLeft().toPoint() + grip)).manhattanLength() < 6:
            return  # not a drag yet: a click
        self.setCursor(Qt.ClosedHandCursor)
        starts = self.moment_at(QPoint(point.x(), point.y() - grip.y()))
        self._drop = self._rect_for(starts, starts + (block.occurrence.ends_at - block.occurrence.starts_at))
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None and self._drop is not None:
            block, grip = self._drag
            point = event.position().toPoint()
            starts = self.moment_at(QPoint(point.x(), point.y() - grip.y()))
            delta = starts - block.occurrence.starts_at
            self._drag = self._drop = None
            self.update()
            if delta:
                self.moved.emit(block.occurrence.meeting.id, delta)
            return
        self._drag = self._drop = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        point = event.position().toPoint()
        block = self.block_at(point)
        if block:
            self.activated.emit(block.occurrence.meeting.id)
        elif point.x() > self.GUTTER:
            moment = self.moment_at(point)
            self.new_requested.emit(moment.replace(minute=moment.minute // 30 * 30))


class WeekHeader(QWidget):
    """The day names above the week grid (it stays put while the hours scroll)."""

    def __init__(self, grid: WeekGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.setFixedHeight(self.fontMetrics().height() * 3 + 14)  # day, date, and a line of all-day meetings

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        width = self.grid.day_width()
        offset = self.grid.mapTo(self.window(), QPoint(0, 0)).x() - self.mapTo(self.window(), QPoint(0, 0)).x()
        today = clock.today()
        bold = QFont(self.font())
        bold.setWeight(QFont.DemiBold)
        for column in range(7):
            day = self.grid.week_start + dt.timedelta(days=column)
            rect = QRectF(offset + self.grid.GUTTER + column * width, 0, width, self.height())
            painter.setPen(self.palette().color(QPalette.Highlight) if day == today else
                           self.palette().color(QPalette.WindowText))
            painter.setFont(bold if day == today else self.font())
            line = self.fontMetrics().height()
            painter.drawText(QRectF(rect.x(), 2, width, line * 2 + 4), Qt.AlignCenter, f"{day:%a}\n{day.day}")
            titles = [o.meeting.title for o in self.grid.all_day
                      if clock.local(o.starts_at).date() <= day < clock.local(o.ends_at).date()]
            if titles:
                chip = QRectF(rect.x() + 2, line * 2 + 8, width - 4, line + 2)
                painter.fillRect(chip, self.palette().color(QPalette.Highlight))
                painter.setPen(self.palette().color(QPalette.HighlightedText))
                painter.setFont(self.font())
                text = " · ".join(titles)
                painter.drawText(chip.adjusted(4, 0, -4, 0), Qt.AlignVCenter | Qt.AlignLeft,
                                 self.fontMetrics().elidedText(text, Qt.ElideRight, int(chip.width()) - 8))


def fit_lines(metrics, text: str, width: int, max_lines: int) -> list[str]:
    """`text` wrapped at words into at most `max_lines` lines of `width`, the last cut with an ellipsis."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words or (lines and metrics.horizontalAdvance(lines[-1]) > width):
        rest = " ".join([lines[-1], *words]) if lines else " ".join(words)
        lines[-1:] = [metrics.elidedText(rest, Qt.ElideRight, width)]
    return [metrics.elidedText(line, Qt.ElideRight, width) for line in lines]


class WeekView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = WeekGrid()
        self.header = WeekHeader(self.grid)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.grid)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll, 1)
        self._scrolled = False

    def show_week(self, week_start: dt.date, found: list[Occurrence]) -> None:
        self.grid.show_week(week_start, found)
        self.header.update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._scrolled:  # open on the working day, not on midnight
            self._scrolled = True
            self.scroll.verticalScrollBar().setValue(int(self.grid.HOUR * 7.5))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.header.update()


def _mark_chosen(button: QPushButton, chosen: bool) -> None:
    """The chosen view's button tinted with the highlight colour: a pressed button alone is
    hard to tell from the others in a dark palette (Week and Agenda looked the same)."""
    palette = QPalette(button.parentWidget().palette() if button.parentWidget() else button.palette())
    if chosen:
        fill = mix(palette.color(QPalette.ColorRole.Button), palette.color(QPalette.ColorRole.Highlight), 0.55)
        palette.setColor(QPalette.ColorRole.Button, fill)
        ink = max((palette.color(QPalette.ColorRole.HighlightedText), palette.color(QPalette.ColorRole.ButtonText)),
                  key=lambda colour: contrast(colour, fill))
        palette.setColor(QPalette.ColorRole.ButtonText, ink)
    button.setPalette(palette)
    font = button.font()
    font.setWeight(QFont.Weight.DemiBold if chosen else QFont.Weight.Normal)
    button.setFont(font)


class CalendarView(QWidget):
    """Month, day, week and agenda. Signals carry what the user asked for to the window."""

    new_requested = Signal(object)  # aware datetime, or None
    edit_requested = Signal(int)
    moved = Signal(int, object)
    delete_requested = Signal(list)
    menu_requested = Signal(int, QPoint, object)
    day_sheets_requested = Signal(object)  # date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = MonthCalendar()
        self.month.setMaximumWidth(360)
        self.day_title = heading("", self, 1.15)
        self.day_list = MeetingList("Meetings on the chosen day")
        self.day_list.setColumnHidden(2, True)  # the people are in the title, and in the tooltip
        self.week = WeekView()
        self.month_grid = MonthGrid()
        self.agenda = MeetingList("Agenda", show_dates=False)
        self.range_label = heading("", self, 1.25)

        previous = QPushButton("‹")
        previous.setToolTip("Previous week")
        following = QPushButton("›")
        following.setToolTip("Next week")
        this_week = QPushButton("Today")
        for button in (previous, following):
            button.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 3)
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        self.previous_button, self.next_button = previous, following
        this_week.clicked.connect(lambda: self.go_to(clock.today()))
        self.week_button = QPushButton("Week")
        self.month_button = QPushButton("Month")
        self.agenda_button = QPushButton("Agenda")
        self.modes = QButtonGroup(self)
        for index, button in ((WEEK, self.week_button), (MONTH, self.month_button), (AGENDA, self.agenda_button)):
            button.setCheckable(True)
            self.modes.addButton(button, index)
            button.toggled.connect(lambda on, b=button: _mark_chosen(b, on))
            # As wide as their words (bold when chosen), not the style's 80 px: the bar fits 1024 px.
            bold = QFont(button.font())
            bold.setWeight(QFont.Weight.DemiBold)
            button.setFixedWidth(QFontMetrics(bold).horizontalAdvance(button.text()) + 2 * self.fontMetrics().height())
        self.week_button.setChecked(True)
        self.modes.idClicked.connect(self._set_mode)
        new_button = QPushButton("New meeting…")
        new_button.clicked.connect(lambda: self.new_requested.emit(None))
        sheets_button = QPushButton("Day's sheets…")
        sheets_button.setToolTip("Print a call sheet for every meeting on the chosen day")
        sheets_button.clicked.connect(lambda: self.day_sheets_requested.emit(self.selected_date()))

        bar = QHBoxLayout()
        bar.addWidget(heading("Calendar", self, 1.7))
        bar.addSpacing(16)
        bar.addWidget(previous)
        bar.addWidget(this_week)
        bar.addWidget(following)
        bar.addSpacing(10)
        bar.addWidget(self.range_label, 1)
        bar.addWidget(self.week_button)
        bar.addWidget(self.month_button)
        bar.addWidget(self.agenda_button)
        bar.addSpacing(10)
        bar.addWidget(sheets_button)
        bar.addWidget(new_button)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.month)
        column.addSpacing(6)
        column.addWidget(self.day_title)
        column.addWidget(self.day_list, 1)
        self.right = QStackedWidget()
        self.right.addWidget(self.week)  # WEEK
        self.right.addWidget(self.agenda)  # AGENDA
        self.right.addWidget(self.month_grid)  # MONTH
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 760])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.month.selectionChanged.connect(self._day_chosen)
        self.month.currentPageChanged.connect(lambda _y, _m: self.refresh_month())
        self.month.activated.connect(lambda date: self.new_requested.emit(
            dt.datetime.combine(date.toPython(), dt.time(10), local_zone())))
        for view in (self.day_list, self.agenda):
            view.meeting_activated.connect(self.edit_requested)
            view.menu_requested.connect(self.menu_requested)
            view.delete_requested.connect(self.delete_requested)
        self.week.grid.activated.connect(self.edit_requested)
        self.week.grid.menu_requested.connect(self.menu_requested)
        self.week.grid.moved.connect(self.moved)
        self.week.grid.new_requested.connect(self.new_requested)
        self.month_grid.activated.connect(self.edit_requested)
        self.month_grid.menu_requested.connect(self.menu_requested)
        self.month_grid.moved.connect(self.moved)
        self.month_grid.new_requested.connect(self.new_requested)
        self.month_grid.day_chosen.connect(self.go_to)

    def selected_date(self) -> dt.date:
        return self.month.selectedDate().toPython()

    def go_to(self, day: dt.date) -> None:
        self.month.setSelectedDate(QDate(day.year, day.month, day.day))
        self.month.setCurrentPage(day.year, day.month)

    def step(self, direction: int) -> None:
        """The next (1) or previous (-1) week, or month in the month view."""
        day = self.selected_date()
        if self.right.currentIndex() != MONTH:
            self.go_to(day + dt.timedelta(days=7 * direction))
            return
        index = day.year * 12 + day.month - 1 + direction
        year, month = divmod(index, 12)
        self.go_to(dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1])))

    def refresh(self) -> None:
        """Read everything shown again (after a change)."""
        self.refresh_month()
        self._day_chosen()
        if self.right.currentWidget() is self.agenda:
            self.refresh_agenda()

    def refresh_month(self) -> None:
        first, last = self.month.visible_range()
        self.month.show_counts(meetings.day_counts(first, last))

    def refresh_agenda(self) -> None:
        now = clock.now()
        self.agenda.show_occurrences(meetings.upcoming(now, AGENDA_DAYS), grouped=True,
                                     empty=f"Nothing planned in the next {AGENDA_DAYS} days.")

    def _day_chosen(self) -> None:
        day = self.selected_date()
        self.day_title.setText(day_name(day))
        self.day_list.show_occurrences(meetings.on_days(day), empty="No meetings. Double-click a day to plan one.")
        if self.right.currentIndex() == MONTH:  # the week is read when it is shown again (_set_mode)
            self._show_month(day)
            return
        start, end = monday_of(day), monday_of(day) + dt.timedelta(days=6)
        self.week.show_week(start, meetings.on_days(start, end))
        # Months shortened (30 Nov – 6 Dec 2026), the full form in the tooltip: the bar fits a 1024 px screen.
        self.range_label.setText(f"{start.day} {start:%b} – {end.day} {end:%b %Y}" if start.month != end.month
                                 else f"{start.day}–{end.day} {end:%b %Y}")
        self.range_label.setToolTip(f"{start.day} {start:%B} – {end.day} {end:%B %Y}")

    def _show_month(self, day: dt.date) -> None:
        first = MonthGrid.grid_start(day)
        self.month_grid.show_month(day, meetings.on_days(first, first + dt.timedelta(days=7 * 6 - 1)), day)
        self.range_label.setText(f"{day:%B %Y}")
        self.range_label.setToolTip("")

    def _set_mode(self, index: int) -> None:
        self.right.setCurrentIndex(index)
        self.month.setVisible(index != MONTH)  # the big month is the month: the chosen day's list takes the room
        unit = "month" if index == MONTH else "week"
        self.previous_button.setToolTip(f"Previous {unit}")
        self.next_button.setToolTip(f"Next {unit}")
        if index == AGENDA:
            self.refresh_agenda()
        self._day_chosen()
