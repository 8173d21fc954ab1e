"""File → Export calendar: some meetings, a range of dates, or all of them, to one .ics file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from model import ical, meetings


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ExportCalendarDialog(QDialog):
    """Choose what to export, then where; `result_message` says what was written."""

    def __init__(self, meeting_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export calendar")
        self.meeting_ids = meeting_ids
        self.result_message = ""
        self.chosen = QRadioButton(f"The chosen meeting{'s' if len(meeting_ids) != 1 else ''} ({len(meeting_ids)})")
        self.everything = QRadioButton(f"All meetings ({meetings.count()})")
        self.between = QRadioButton("Meetings from")
        today = dt.date.today()
        self.first = QDateEdit(_qdate(today))
        self.last = QDateEdit(_qdate(today + dt.timedelta(days=30)))
        for field in (self.first, self.last):
            field.setCalendarPopup(True)
            field.setDisplayFormat("d MMM yyyy")
            field.dateChanged.connect(lambda: self.between.setChecked(True))
        self.group = QButtonGroup(self)
        for button in (self.chosen, self.everything, self.between):
            self.group.addButton(button)
        self.chosen.setVisible(bool(meeting_ids))
        (self.chosen if meeting_ids else self.everything).setChecked(True)
        dates = QHBoxLayout()
        dates.addWidget(self.between)
        dates.addWidget(self.first)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.last)
        dates.addStretch(1)
        note = QLabel("An .ics file opens in a phone's calendar, Google Calendar, Outlook and Apple Calendar. "
                      "Each meeting keeps its UID, so exporting again updates instead of duplicating.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chosen)
        layout.addWidget(self.everything)
        layout.addLayout(dates)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def records(self) -> list[meetings.MeetingRecord]:
        if self.chosen.isChecked():
            return [r for r in (meetings.get(i) for i in self.meeting_ids) if r]
        if self.between.isChecked():
            first, last = self.first.date().toPython(), self.last.date().toPython()
            return meetings.in_range(min(first, last), max(first, last))
        return meetings.all_meetings()

    def export_to(self, path: str | Path) -> int:
        written = ical.export_file(self.records(), path)
        self.result_message = f"Exported {written} meeting{'s' if written != 1 else ''} to {path}."
        return written

    def accept(self) -> None:
        if not self.records():
            QMessageBox.information(self, "Export calendar", "There are no meetings to export in that choice.")
            return
        name = "meeting.ics" if self.chosen.isChecked() and len(self.meeting_ids) == 1 else "rapport.ics"
        path, _ = QFileDialog.getSaveFileName(self, "Export calendar", str(Path.home() / name),
                                              "iCalendar (*.ics)")
        if not path:
            return
        try:
            self.export_to(path)
        except (OSError, ical.IcsError) as error:
            QMessageBox.warning(self, "Export calendar",
                                f"Could not write {path}: {getattr(error, 'strerror', None) or error}")
            return
        super().accept()
