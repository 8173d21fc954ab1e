"""Edit → Preferences: home (the zone every time is shown in, and your city), the hours people
may be called when they have none of their own, the first day of the week, the call sheet's
paper, whether imported messages keep their text, and the reminders new meetings get. They are
the user's (model/preferences.py), the same for every notebook."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.layout import dialog_buttons
from gui.widgets.palette import secondary_text
from gui.widgets.zone_box import ZoneBox
from model import meetings, places, preferences
from model.preferences import Preferences

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        current = preferences.current()
        computer = places.computer_zone()
        self.place = QLineEdit(current.home_place)
        self.place.setPlaceholderText("Your city, as you name it (the time zone list shows it first)")
        self.zone = ZoneBox()
        self.zone.fill(blank=True)
        self.zone.setItemText(0, f"This computer's: {places.zone_label(computer)}" if computer else "This computer's")
        self.zone.set_zone(current.home_zone)
        start, end = places.parse_call_hours(current.call_hours)
        self.hours_from, self.hours_to = QTimeEdit(QTime(start.hour, start.minute)), QTimeEdit(
            QTime(end.hour, end.minute))
        for edit in (self.hours_from, self.hours_to):
            edit.setDisplayFormat("HH:mm")
        hours = QHBoxLayout()
        hours.addWidget(self.hours_from)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.hours_to)
        hours.addStretch(1)
        self.first_day = QComboBox()
        self.first_day.addItems(DAYS)
        self.first_day.setCurrentIndex(current.first_day)
        self.paper = QComboBox()
        for text, value in (("As this computer's region has it", ""), ("A4", "a4"), ("Letter", "letter")):
            self.paper.addItem(text, value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(current.paper)))
        self.keep_text = QCheckBox("Keep a one-line summary of each imported message")
        self.keep_text.setChecked(current.keep_text)
        self.reminder, self.all_day_reminder = QComboBox(), QComboBox()
        for box, choices, chosen, all_day in ((self.reminder, meetings.REMINDERS, current.reminder, False),
                                              (self.all_day_reminder, meetings.ALL_DAY_REMINDERS,
                                               current.all_day_reminder, True)):
            for minutes in choices:
                box.addItem(meetings.reminder_text(minutes, all_day), minutes)
            box.setCurrentIndex(max(0, box.findData(chosen)))
        self.problem = QLabel()
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Home &city", self.place)
        form.addRow("&Time zone", self.zone)
        form.addRow(self._note("Every time in Rapport is shown in this zone ("
                               "travelling? leave it at this computer's)."))
        hours_label = QLabel("Call &hours")
        hours_label.setBuddy(self.hours_from)
        form.addRow(hours_label, hours)
        form.addRow(self._note("For people who have no call hours of their own."))
        form.addRow("&Weeks start on", self.first_day)
        form.addRow("Call sheet &paper", self.paper)
        form.addRow("&Reminder", self.reminder)
        form.addRow("A&ll-day reminder", self.all_day_reminder)
        form.addRow("", self.keep_text)
        self.buttons = dialog_buttons(self, "Save")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
        return label

    def chosen(self) -> Preferences | None:
        """The preferences as the dialog has them, or None (and a message) when they cannot be."""
        zone = self.zone.zone()
        if zone and not places.valid_zone(zone):
            self.problem.setText(f"{zone} is not a time zone.")
            return None
        start, end = self.hours_from.time(), self.hours_to.time()
        if end <= start:
            self.problem.setText("Call hours end after they start.")
            return None
        return dataclasses.replace(
            preferences.current(), home_zone=zone, home_place=self.place.text().strip(),
            call_hours=f"{start.toString('HH:mm')}-{end.toString('HH:mm')}", first_day=self.first_day.currentIndex(),
            paper=self.paper.currentData(), keep_text=self.keep_text.isChecked(),
            reminder=self.reminder.currentData(), all_day_reminder=self.all_day_reminder.currentData())

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        try:
            preferences.save(chosen)
        except OSError as error:
            self.problem.setText(f"The preferences could not be saved: {error.strerror or error}")
            return
        super().accept()
