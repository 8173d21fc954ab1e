"""A list of meetings: a day's, the agenda's (grouped by day), or one person's.

Cancelled meetings are struck through, done ones dimmed with a tick. Double-click or Enter
opens one; right-click asks the window for the meeting's menu.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from gui.widgets.keys import claim_delete_key
from gui.widgets.palette import secondary_text
from model import meetings
from model.meetings import Occurrence

IdRole = Qt.UserRole + 1
StartRole = Qt.UserRole + 2


def day_name(day: dt.date, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    named = {today: "Today", today + dt.timedelta(days=1): "Tomorrow", today - dt.timedelta(days=1): "Yesterday"}
    text = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
    return f"{named[day]}, {text}" if day in named else text


def people_of(occurrence: Occurrence) -> str:
    return ", ".join(a.name or a.email for a in occurrence.meeting.attendees)


class MeetingList(QTreeWidget):
    """Meetings with their time, title and people; `activated` and `menu_requested` give the id."""

    activated = Signal(int)
    menu_requested = Signal(int, QPoint)
    delete_requested = Signal(list)

    def __init__(self, name: str, show_dates: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.show_dates = show_dates
        self.setAccessibleName(name)
        self.setColumnCount(3)
        self.setHeaderLabels(["When", "Meeting", "With"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(2, 160)
        self.itemActivated.connect(self._activated)
        self.customContextMenuRequested.connect(self._menu)
        claim_delete_key(self, self._delete)

    def show_occurrences(self, found: list[Occurrence], grouped: bool = False, empty: str = "") -> None:
        self.clear()
        dim = QBrush(secondary_text(self.palette()))
        day = None
        for occurrence in found:
            local = occurrence.starts_at.astimezone()
            if grouped and local.date() != day:
                day = local.date()
                group = QTreeWidgetItem([day_name(day)])
                font = QFont(self.font())
                font.setWeight(QFont.DemiBold)
                group.setFont(0, font)
                group.setFlags(Qt.ItemIsEnabled)
                self.addTopLevelItem(group)
                group.setFirstColumnSpanned(True)
            self.addTopLevelItem(self._item(occurrence, dim))
        if not found and empty:
            item = QTreeWidgetItem([empty])
            item.setFlags(Qt.NoItemFlags)
            item.setForeground(0, dim)
            self.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)

    def _item(self, occurrence: Occurrence, dim: QBrush) -> QTreeWidgetItem:
        record = occurrence.meeting
        local = occurrence.starts_at.astimezone()
        ends = occurrence.ends_at.astimezone()
        when = f"{local:%a %d %b %Y  %H:%M}" if self.show_dates else f"{local:%H:%M}–{ends:%H:%M}"
        title = ("✓ " if record.status == "done" else "") + record.title
        if record.recurrence:
            title += "  ↻"
        item = QTreeWidgetItem([when, title, people_of(occurrence)])
        item.setData(0, IdRole, record.id)
        item.setData(0, StartRole, occurrence.starts_at.isoformat())
        tip = [people_of(occurrence), meetings.KINDS.get(record.kind, ""), record.location,
               meetings.describe_recurrence(record.recurrence),
               {"cancelled": "Cancelled", "done": f"Done: {record.outcome}" if record.outcome else "Done"}
               .get(record.status, "")]
        for column in range(3):
            item.setToolTip(column, "\n".join(part for part in tip if part))
            if record.status != "planned":
                item.setForeground(column, dim)
            if record.status == "cancelled":
                font = QFont(self.font())
                font.setStrikeOut(True)
                item.setFont(column, font)
        return item

    def current_id(self) -> int | None:
        item = self.currentItem()
        return item.data(0, IdRole) if item else None

    def selected_ids(self) -> list[int]:
        ids = [item.data(0, IdRole) for item in self.selectedItems()]
        return list(dict.fromkeys(i for i in ids if i))

    def select_meeting(self, meeting_id: int) -> None:
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item.data(0, IdRole) == meeting_id:
                self.setCurrentItem(item)
                return

    def _activated(self, item: QTreeWidgetItem) -> None:
        if item.data(0, IdRole):
            self.activated.emit(item.data(0, IdRole))

    def _menu(self, position: QPoint) -> None:
        item = self.itemAt(position)
        if item is not None and item.data(0, IdRole):
            self.setCurrentItem(item)
            self.menu_requested.emit(item.data(0, IdRole), self.viewport().mapToGlobal(position))

    def _delete(self) -> bool:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)
        return bool(ids)
