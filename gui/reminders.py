"""Reminders while Rapport runs, and the tray icon that lets it keep running.

Every half minute the model is asked which reminders are due (including ones missed while
Rapport was closed, up to a day late); each is shown once, as a tray notification when there is
a tray and as a small window with a button that opens the meeting's call sheet.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QMessageBox, QSystemTrayIcon, QWidget

from model import meetings
from model.meetings import Occurrence

CHECK_EVERY_MS = 30_000


class Reminders(QObject):
    """Emits `due` once for each meeting whose reminder time has come."""

    due = Signal(object)  # Occurrence

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.check()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self, now: dt.datetime | None = None) -> list[Occurrence]:
        found = meetings.due_reminders(now)
        for occurrence in found:
            meetings.mark_reminded(occurrence.meeting.id, now)
            self.due.emit(occurrence)
        return found


class ReminderNotice(QMessageBox):
    """The reminder's window: what, when, the time there, and Open call sheet."""

    def __init__(self, occurrence: Occurrence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.occurrence = occurrence
        self.setWindowTitle("Reminder")
        self.setIcon(QMessageBox.Information)
        self.setText(f"<b>{occurrence.meeting.title}</b>")
        self.setInformativeText(meetings.describe_reminder(occurrence))
        location = occurrence.meeting.location
        if location:
            self.setDetailedText(f"Where: {location}\n\n{occurrence.meeting.agenda}".strip())
        self.sheet_button = self.addButton("Open call sheet", QMessageBox.AcceptRole)
        self.addButton("Dismiss", QMessageBox.RejectRole)
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
