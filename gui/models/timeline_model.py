"""The rows of a History tab's timeline: a heading for each month, then that month's exchanges.

A busy person has thousands of exchanges. The model keeps the records and writes an exchange's
text, icon and tooltip only when the view asks for that row, so only the rows on screen cost
anything (and the busiest history opens as fast as a short one).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon

from gui.widgets.channel_icon import channel_icon
from model import clock
from model.history import DIRECTIONS, InteractionRecord

IdRole = Qt.UserRole + 1


class TimelineModel(QAbstractListModel):
    """Month headings (a (year, month) pair) and exchanges (InteractionRecord), newest first."""

    def __init__(self, heading_font: QFont, heading_colour: QColor, parent=None) -> None:
        super().__init__(parent)
        self.heading_font = heading_font
        self.heading_colour = heading_colour
        self._rows: list[tuple[int, int] | InteractionRecord] = []
        self._texts: dict[int, str] = {}
        self._icons: dict[str, QIcon] = {}
        self._now = clock.now()

    def set_entries(self, entries: list[InteractionRecord], now: dt.datetime) -> None:
        """Show these exchanges (newest first), under a heading for each local month."""
        rows: list[tuple[int, int] | InteractionRecord] = []
        month = None
        for entry in entries:
            local = clock.local(entry.occurred_at)
            if (local.year, local.month) != month:
                month = (local.year, local.month)
                rows.append(month)
            rows.append(entry)
        self.beginResetModel()
        self._rows, self._texts, self._icons, self._now = rows, {}, {}, now  # channels may have been renamed
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def entry(self, row: int) -> InteractionRecord | None:
        """The exchange on `row` (None for a month's heading)."""
        found = self._rows[row] if 0 <= row < len(self._rows) else None
        return found if isinstance(found, InteractionRecord) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if self.entry(index.row()) is None:
            return Qt.ItemIsEnabled
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        row = self._rows[index.row()]
        if not isinstance(row, InteractionRecord):
            year, month = row
            if role == Qt.DisplayRole:
                return f"{dt.date(year, month, 1):%B %Y}"
            if role == Qt.FontRole:
                return self.heading_font
            if role == Qt.ForegroundRole:
                return self.heading_colour
            return None
        if role == Qt.DisplayRole:
            text = self._texts.get(index.row())
            if text is None:
                text = self._texts[index.row()] = self._text(row)
            return text
        if role == Qt.DecorationRole:
            icon = self._icons.get(row.channel_key)
            if icon is None:
                icon = self._icons[row.channel_key] = channel_icon(row.channel_key, row.channel_name)
            return icon
        if role == IdRole:
            return row.id
        if role == Qt.ToolTipRole:
            return row.notes or row.summary
        return None

    def _text(self, entry: InteractionRecord) -> str:
        local = clock.local(entry.occurred_at)
        details = [entry.channel_name, DIRECTIONS.get(entry.direction, entry.direction)]
        if entry.duration_minutes:
            details.append(f"{entry.duration_minutes} min")
        details.append(f"{local:%a} {local.day} {local:%b}, {local:%H:%M}")
        if entry.occurred_at > self._now + dt.timedelta(minutes=5):
            details.append("⚠ dated in the future")
        lines = [entry.summary or "(no summary)", " · ".join(details)]
        if entry.notes:
            notes = entry.notes.splitlines()
            lines.append("\n".join(notes[:3]) + (" …" if len(notes) > 3 else ""))
        return "\n".join(lines)
