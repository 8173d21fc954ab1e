"""Reminders while Rapport runs, and the tray icon that lets it keep running.

Every half minute the model is asked which reminders are due (including ones missed while
Rapport was closed, up to a day late); each is shown once, as a tray notification when there is
a tray and as a small window with buttons to join the call (its link or number), open the
meeting's call sheet, or snooze it for a few minutes.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QMenu, QMessageBox, QSystemTrayIcon, QWidget

from model import clock, meetings
from model.meetings import Occurrence

CHECK_EVERY_MS = 30_000
SNOOZE_MINUTES = 5


class Reminders(QObject):
    """Emits `due` once for each meeting whose reminder time has come."""

    due = Signal(object)  # Occurrence

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self._snoozed: list[tuple[Occurrence, dt.datetime]] = []

    def start(self) -> None:
        self.check()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self, now: dt.datetime | None = None) -> list[Occurrence]:
        found = meetings.due_reminders(now)
        for occurrence in found:
            meetings.mark_reminded(occurrence.meeting.id, now)
        moment = now or clock.now()
        again = [occurrence for occurrence, until in self._snoozed if until <= moment]
        self._snoozed = [(occurrence, until) for occurrence, until in self._snoozed if until > moment]
        for occurrence in found + again:
            self.due.emit(occurrence)
        return found + again

    def snooze(self, occurrence: Occurrence, minutes: int = SNOOZE_MINUTES, now: dt.datetime | None = None) -> None:
        """Remind of `occurrence` again in `minutes` (while Rapport runs: a snooze is not kept
        in the notebook, so a restart does not bring back a reminder already seen)."""
        self._snoozed.append((occurrence, (now or clock.now()) + dt.timedelta(minutes=minutes)))


class ReminderNotice(QMessageBox):
    """The reminder's window: what, when, the time there, and Open call sheet."""

    def __init__(self, occurrence: Occurrence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.occurrence = occurrence
        self.setWindowTitle("Reminder")
        self.setIcon(QMessageBox.Information)
        self.setText(f"<b>{occurrence.meeting.title}</b>")
        record = occurrence.meeting
        # Where and the agenda's first lines in the text itself: Qt's "Show Details..." hid them.
        agenda = "\n".join(record.agenda.splitlines()[:3])
        lines = [meetings.describe_reminder(occurrence), f"Where: {record.location}" * bool(record.location), agenda]
        self.setInformativeText("\n\n".join(line for line in lines if line))
        self.link = meetings.call_link(record.location)
        self.join_button = None
        if self.link and record.kind != "in_person":
            self.join_button = self.addButton("Call" if self.link.startswith("tel:") else "Join",
                                              QMessageBox.ActionRole)
            self.join_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(self.link)))
        self.sheet_button = self.addButton("Open call sheet", QMessageBox.AcceptRole)
        self.snooze_button = self.addButton(f"Snooze {SNOOZE_MINUTES} min", QMessageBox.ActionRole)
        self.dismiss_button = self.addButton("Dismiss", QMessageBox.RejectRole)
        self.setDefaultButton(self.join_button or self.sheet_button)
        self.setWindowModality(Qt.NonModal)
        self.setAttribute(Qt.WA_DeleteOnClose)


class Tray(QSystemTrayIcon):
    """Rapport in the system tray: show the window, plan a meeting, quit."""

    def __init__(self, icon: QIcon, window, parent: QObject | None = None) -> None:
        super().__init__(icon, parent)
        self.setToolTip("Rapport")
        menu = QMenu()
        menu.addAction("Show Rapport", window.bring_to_front)
        menu.addAction(window.new_meeting_action)
        menu.addSeparator()
        menu.addAction("Quit", window.quit)
        self._menu = menu
        self.setContextMenu(menu)
        self.activated.connect(lambda reason: window.bring_to_front()
                               if reason == QSystemTrayIcon.Trigger else None)
