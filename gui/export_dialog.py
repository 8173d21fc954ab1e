"""File → Export: contacts to a .vcf file (everyone, a selection or a tag), and meetings to an
.ics file (some, a range of dates, or all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
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

from gui.widgets.layout import dialog_buttons
from gui.widgets.worker import BackgroundError, run_in_background
from model import clock, contacts, ical, meetings, parallel_write


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class _ExportDialog(QDialog):
    """Choose what to export, then where: Export… asks for the file, writes it (whole or not at
    all), and `result_message` says what was written. Subclasses say what and how."""

    title = ""
    file_filter = ""
    noun = ""  # "meeting", "contact"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.title)
        self.result_message = ""

    def file_name(self) -> str:
        raise NotImplementedError

    def writer(self) -> Callable[[str | Path], int]:
        """What writes the file as the dialog now says (read here, on the UI thread)."""
        raise NotImplementedError

    def export_to(self, path: str | Path) -> int:
        """Write the file on a worker thread (the window repaints; a busy dialog shows if it
        takes a while) and return how many were written. Raises BackgroundError saying why not."""
        write = self.writer()

        def job() -> int:
            try:
                return write(path)
            except (OSError, ValueError) as error:  # a full disk, a folder not writable; IcsError is a ValueError
                raise _NotWritten(getattr(error, "strerror", None) or str(error)) from error

        written = run_in_background(self, f"Exporting to {Path(path).name}…", job)
        assert isinstance(written, int)
        self.result_message = f"Exported {written} {self.noun}{'s' if written != 1 else ''} to {path}."
        return written

    def accept(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.title, str(Path.home() / self.file_name()), self.file_filter)
        if not path:
            return
        try:
            self.export_to(path)
        except BackgroundError as error:
            QMessageBox.warning(self, self.title, f"Could not write {path}: {error}")
            return
        super().accept()


class _NotWritten(Exception):
    """The export file could not be written: the message says why (the notebook is not at fault)."""


class ExportCalendarDialog(_ExportDialog):
    """File → Export calendar: the chosen meetings, a range of dates, or all of them."""

    title, file_filter, noun = "Export calendar", "iCalendar (*.ics)", "meeting"

    def __init__(self, meeting_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meeting_ids = meeting_ids
        self.chosen = QRadioButton(f"The chosen meeting{'s' if len(meeting_ids) != 1 else ''} ({len(meeting_ids)})")
        self.everything = QRadioButton(f"All meetings ({meetings.count()})")
        self.between = QRadioButton("Meetings from")
        today = clock.today()
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
        buttons = dialog_buttons(self, "Export…", accept=QDialogButtonBox.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chosen)
        layout.addWidget(self.everything)
        layout.addLayout(dates)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _reader(self) -> Callable[[], list[meetings.MeetingRecord]]:
        """What reads the meetings chosen (the choice read from the widgets now)."""
        if self.chosen.isChecked():
            ids = list(self.meeting_ids)
            return lambda: [r for r in (meetings.get(i) for i in ids) if r]
        if self.between.isChecked():
            first, last = sorted((self.first.date().toPython(), self.last.date().toPython()))
            return lambda: meetings.in_range(first, last)
        return meetings.all_meetings

    def records(self) -> list[meetings.MeetingRecord]:
        return self._reader()()

    def writer(self) -> Callable[[str | Path], int]:
        read = self._reader()
        return lambda path: ical.export_file(read(), path)

    def file_name(self) -> str:
        return "meeting.ics" if self.chosen.isChecked() and len(self.meeting_ids) == 1 else "rapport.ics"

    def accept(self) -> None:
        # Whether the choice holds a meeting; all of them are not read for that on this thread.
        if not (meetings.count() if self.everything.isChecked() else self.records()):
            QMessageBox.information(self, self.title, "There are no meetings to export in that choice.")
            return
        super().accept()


class ExportContactsDialog(_ExportDialog):
    """File → Export contacts: everyone, the selected people, or a tag, as vCard 3.0 or 4.0."""

    title, file_filter, noun = "Export contacts", "vCards (*.vcf)", "contact"

    def __init__(self, selected_ids: list[int], tag: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selected_ids = selected_ids
        total = contacts.count_contacts()
        self.everyone = QRadioButton(f"Everyone ({total})")
        self.selected = QRadioButton(f"The selected {'person' if len(selected_ids) == 1 else 'people'} "
                                     f"({len(selected_ids)})")
        self.tagged = QRadioButton("Everyone tagged")
        self.tag_box = QComboBox()
        self.tag_box.setAccessibleName("Tag")
        for name, count in contacts.tags_in_use():
            self.tag_box.addItem(f"{name} ({count})", name)
        if tag:
            self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag)))
        self.tag_box.activated.connect(lambda: self.tagged.setChecked(True))
        self.tagged.setEnabled(self.tag_box.count() > 0)
        self.selected.setVisible(bool(selected_ids))
        (self.selected if len(selected_ids) > 1 else self.everyone).setChecked(True)
        self.version = QComboBox()
        self.version.addItem("vCard 3.0 (phones, Google, Outlook, Apple)", "3.0")
        self.version.addItem("vCard 4.0", "4.0")
        group = QButtonGroup(self)
        for button in (self.everyone, self.selected, self.tagged):
            group.addButton(button)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tagged)
        tag_row.addWidget(self.tag_box, 1)
        version_row = QHBoxLayout()
        version_row.addWidget(QLabel("Format"))
        version_row.addWidget(self.version, 1)
        note = QLabel("Photos and the fields Rapport has no place for (kept from the phone's export) are "
                      "written too, so the phone gets back what it gave.")
        note.setWordWrap(True)
        buttons = dialog_buttons(self, "Export…", accept=QDialogButtonBox.Save)
        layout = QVBoxLayout(self)
        for widget in (self.everyone, self.selected):
            layout.addWidget(widget)
        layout.addLayout(tag_row)
        layout.addLayout(version_row)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def contact_ids(self) -> list[int] | None:
        """The people chosen (None: everyone)."""
        if self.selected.isChecked():
            return self.selected_ids
        if self.tagged.isChecked() and self.tag_box.currentData():
            return contacts.ids_with_tag(self.tag_box.currentData())
        return None

    def writer(self) -> Callable[[str | Path], int]:
        ids, version = self.contact_ids(), self.version.currentData()
        return lambda path: parallel_write.export_vcards(path, version, ids)

    def file_name(self) -> str:
        ids = self.contact_ids()
        if ids is None or len(ids) != 1:
            return "contacts.vcf"
        return f"{contacts.rows_for(ids)[0].display_name}.vcf".replace("/", "-")
