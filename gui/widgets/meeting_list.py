"""A list of meetings: a day's, the agenda's (grouped by day), or one person's.

Cancelled meetings are struck through, done ones dimmed with a tick, past ones dimmed, and a
single meeting that is over but was never marked done in italics, saying so. Double-click or Enter
opens one; right-click asks the window for the meeting's menu. The rows live in a model that
answers only for the rows on screen, so a month of meetings shows at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from gui.widgets.keys import claim_delete_key
from gui.widgets.palette import secondary_text
from model import clock, meetings
from model.meetings import Occurrence

IdRole = Qt.UserRole + 1
StartRole = Qt.UserRole + 2  # the occurrence's start (a series has many)
COLUMNS = ("When", "Meeting", "With")


def day_name(day: dt.date, today: dt.date | None = None) -> str:
    today = today or clock.today()
    named = {today: "Today", today + dt.timedelta(days=1): "Tomorrow", today - dt.timedelta(days=1): "Yesterday"}
    text = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
    return f"{named[day]}, {text}" if day in named else text


@dataclass
class _Row:
    occurrence: Occurrence | None = None  # None: a heading (a day, or the empty message)
    heading: str = ""


class MeetingModel(QAbstractTableModel):
    def __init__(self, view: QWidget, show_dates: bool) -> None:
        super().__init__(view)
        self.rows: list[_Row] = []
        self.has_meetings = False
        self._flags: list[Qt.ItemFlag] = []
        self.show_dates = show_dates
        self.dim = secondary_text(view.palette())
        self.bold = QFont(view.font())
        self.bold.setWeight(QFont.DemiBold)
        self.struck = QFont(view.font())
        self.struck.setStrikeOut(True)
        self.italic = QFont(view.font())
        self.italic.setItalic(True)
        self._now = clock.now()  # past, over and unmarked as of the rows' showing
        self._states: dict[int, str] = {}  # meetings.state_of a row, once it has been asked for

    def set_rows(self, rows: list[_Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.has_meetings = any(row.occurrence for row in rows)
        self._now, self._states = clock.now(), {}
        selectable, plain = Qt.ItemIsEnabled | Qt.ItemIsSelectable, Qt.ItemIsEnabled
        self._flags = [selectable if row.occurrence else plain for row in rows]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return self._flags[index.row()]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        row = self.rows[index.row()]
        occurrence = row.occurrence
        if occurrence is None:
            if role == Qt.DisplayRole and index.column() == 0:
                return row.heading
            if role == Qt.FontRole and self.has_meetings:  # a day's heading
                return self.bold
            if role == Qt.ForegroundRole and not self.has_meetings:  # "nothing planned"
                return self.dim
            return None
        record = occurrence.meeting
        state = self._states.get(index.row())
        if state is None:  # only rows on screen are asked: a month's agenda is thousands
            state = self._states[index.row()] = meetings.state_of(occurrence, self._now)
        if role == Qt.DisplayRole:
            return self._text(occurrence, index.column(), state)
        if role == IdRole:
            return record.id
        if role == StartRole:
            return row.occurrence.starts_at if row.occurrence is not None else None
        if role == Qt.ToolTipRole:
            note = f"Done: {record.outcome}" if state == "done" and record.outcome else \
                meetings.STATE_NOTES.get(state, "")
            tip = [record.people, meetings.KINDS.get(record.kind, ""), record.location,
                   meetings.describe_recurrence(record.recurrence), note]
            return "\n".join(part for part in tip if part)
        if role == Qt.ForegroundRole and state != "planned":  # done, cancelled or over
            return self.dim
        if role == Qt.FontRole and state in ("cancelled", "unmarked"):
            return self.struck if state == "cancelled" else self.italic
        return None

    def _text(self, occurrence: Occurrence, column: int, state: str) -> str:
        record = occurrence.meeting
        if column == 0:
            local = clock.local(occurrence.starts_at)
            if record.all_day:  # on its dates: no time to show
                return f"{local:%a %d %b %Y}  all day" if self.show_dates else "All day"
            if self.show_dates:
                return f"{local:%a %d %b %Y  %H:%M}"
            return f"{local:%H:%M}–{clock.local(occurrence.ends_at):%H:%M}"
        if column == 1:
            return ("✓ " if record.status == "done" else "") + record.title + ("  ↻" if record.recurrence else "") \
                + ("  · not marked done" if state == "unmarked" else "")
        return record.people


class MeetingList(QTableView):
    """Meetings with their time, title and people; `meeting_activated` and `menu_requested` give the id.

    A table rather than a tree: a table lays out its rows by a fixed height, where a tree asks
    the model about every row first (a month's agenda is several hundred rows)."""

    meeting_activated = Signal(int)
    menu_requested = Signal(int, QPoint, object)  # the meeting, where, and the occurrence's start
    delete_requested = Signal(list)

    def __init__(self, name: str, show_dates: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.meeting_model = MeetingModel(self, show_dates)
        self.setModel(self.meeting_model)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        # A fixed width for the times: sizing to contents would read every row of a long agenda.
        sample = "Wed 30 Sep 2026  23:59" if show_dates else "23:59–23:59"
        header.setSectionResizeMode(0, QHeaderView.Fixed)
        header.resizeSection(0, self.fontMetrics().horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(2, 160)
        self.activated.connect(self._activated)
        self.customContextMenuRequested.connect(self._menu)
        claim_delete_key(self, self._delete)

    def show_occurrences(self, found: list[Occurrence], grouped: bool = False, empty: str = "") -> None:
        rows: list[_Row] = []
        day = None
        zone = clock.local_zone()
        for occurrence in found:
            local = occurrence.starts_at.astimezone(zone)
            if grouped and local.date() != day:
                day = local.date()
                rows.append(_Row(heading=day_name(day)))
            rows.append(_Row(occurrence))
        if not found and empty:
            rows.append(_Row(heading=empty))
        self.meeting_model.set_rows(rows)
        self.clearSpans()
        for number, row in enumerate(rows):
            if row.occurrence is None:  # a heading runs across the columns
                self.setSpan(number, 0, 1, len(COLUMNS))

    # -- Reading ----------------------------------------------------------------------------

    def row_count(self) -> int:
        return self.meeting_model.rowCount()

    def text(self, row: int, column: int) -> str:
        return self.meeting_model.index(row, column).data() or ""

    def meeting_id(self, row: int) -> int | None:
        return self.meeting_model.index(row, 0).data(IdRole)

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(IdRole) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        ids = [index.data(IdRole) for index in self.selectionModel().selectedRows(0)]
        return list(dict.fromkeys(i for i in ids if i))

    def select_meeting(self, meeting_id: int) -> None:
        for row in range(self.row_count()):
            if self.meeting_id(row) == meeting_id:
                self.setCurrentIndex(self.meeting_model.index(row, 0))
                return

    # -- Acting -----------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        meeting_id = index.siblingAtColumn(0).data(IdRole)
        if meeting_id:
            self.meeting_activated.emit(meeting_id)

    def _menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        meeting_id = index.siblingAtColumn(0).data(IdRole) if index.isValid() else None
        if meeting_id:
            self.setCurrentIndex(index)
            self.menu_requested.emit(meeting_id, self.viewport().mapToGlobal(position),
                                     index.siblingAtColumn(0).data(StartRole))

    def _delete(self) -> bool:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)
        return bool(ids)
