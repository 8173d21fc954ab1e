"""Importing .ics files from the window: meetings come in (or are updated by UID), what could
not be read is listed with file and line, and invited people who are not contacts yet are
offered as new contacts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.layout import dialog_buttons
from gui.widgets.worker import BackgroundError, run_in_background
from model import ical, meetings
from model.meetings import Attendee


def unknown_attendees(plan: ical.IcsPlan) -> list[Attendee]:
    """The distinct invited people (by email) that no contact has."""
    found: dict[str, Attendee] = {}
    for event in plan.events:
        for attendee in event.unknown_attendees:
            if attendee.email and meetings.contact_for_email(attendee.email) is None:
                found.setdefault(attendee.email.lower(), attendee)
    return sorted(found.values(), key=lambda a: (a.name or a.email).casefold())


class NewPeopleDialog(QDialog):
    """Tick the invited people to add as contacts."""

    def __init__(self, attendees: list[Attendee], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("People in these meetings")
        intro = QLabel(f"{len(attendees)} {'person' if len(attendees) == 1 else 'people'} invited to these "
                       "meetings are not in your notebook. Add the ones you want to keep as contacts; they will be "
                       "linked to their meetings.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("New people")
        for attendee in attendees:
            text = f"{attendee.name}  <{attendee.email}>" if attendee.name and attendee.name != attendee.email \
                else attendee.email
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            item.setData(Qt.UserRole, attendee)
            self.list.addItem(item)
        buttons = dialog_buttons(self, "Add as contacts", "Not now")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(460, 360)

    def chosen(self) -> list[Attendee]:
        return [self.list.item(n).data(Qt.UserRole) for n in range(self.list.count())
                if self.list.item(n).checkState() == Qt.Checked]


def import_calendars(paths: list[str], parent: QWidget) -> bool:
    """Import `paths`, report, offer the new people; returns whether anything changed."""
    try:
        plan = run_in_background(parent, "Importing the calendar…", lambda: ical.import_files(paths))
    except BackgroundError as error:
        QMessageBox.warning(parent, "Import calendar", f"The calendar could not be imported: {error}")
        return False
    summary = plan.summary()
    names = ", ".join(Path(p).name for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    text = (f"{names}: {summary['new']} new, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged meeting{'s' if summary['unchanged'] != 1 else ''}.")
    box = QMessageBox(QMessageBox.Information if not summary["rejected"] else QMessageBox.Warning,
                      "Import calendar", text, QMessageBox.Ok, parent)
    if summary["rejected"]:
        box.setInformativeText(f"{len(summary['rejected'])} could not be read; see the details.")
        box.setDetailedText("\n".join(f"{Path(r['file']).name}, line {r['line']}: {r['reason']}"
                                      for r in summary["rejected"]))
    box.exec()
    box.deleteLater()
    new_people = unknown_attendees(plan)
    if new_people:
        dialog = NewPeopleDialog(new_people, parent)
        chosen = dialog.chosen() if dialog.exec() else []
        dialog.deleteLater()
        if chosen:
            meetings.add_attendees_as_contacts(chosen)
            return True
    return bool(summary["new"] or summary["updated"])
