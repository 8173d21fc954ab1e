"""A person's Meetings tab: what is planned with them and what has been, and "Plan a call"."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.widgets.layout import heading
from gui.widgets.meeting_list import MeetingList
from model import clock, meetings


class MeetingsTab(QWidget):
    plan_requested = Signal()
    edit_requested = Signal(int)
    menu_requested = Signal(int, QPoint, object)
    delete_requested = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coming = MeetingList("Coming up", show_dates=True)
        self.past = MeetingList("Past meetings", show_dates=True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # it may name people: shown as typed
        plan = QPushButton("Plan a call…")
        plan.setToolTip("Plan a call or a meeting with this person (Ctrl+M)")
        plan.clicked.connect(self.plan_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(plan)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 10, 4, 4)
        layout.addLayout(top)
        layout.addWidget(heading("Coming up", self, 1.1))
        layout.addWidget(self.coming, 2)
        layout.addWidget(heading("Past", self, 1.1))
        layout.addWidget(self.past, 3)
        for view in (self.coming, self.past):
            view.meeting_activated.connect(self.edit_requested)
            view.menu_requested.connect(self.menu_requested)
            view.delete_requested.connect(self.delete_requested)

    def show_contact(self, contact_id: int, now: dt.datetime | None = None) -> None:
        now = now or clock.now()
        records = meetings.for_contact(contact_id)
        # each as the user's zone places it; a series by its next occurrence
        coming: list[meetings.Occurrence] = []
        past: list[meetings.Occurrence] = []
        for record in records:
            occurrence = meetings.occurrence_of(record, after=now)
            later = occurrence.ends_at > now or (record.recurrence and record.status == "planned")
            (coming if later else past).append(occurrence)
        coming.sort(key=lambda o: o.starts_at)
        self.coming.show_occurrences(coming,
                                     empty="Nothing planned. Plan a call: it is how online turns into offline.")
        self.past.show_occurrences(past, empty="No meetings yet.")
        done = sum(r.status == "done" for r in records)
        self.summary.setText(f"{len(coming)} planned · {done} done" if records else "")
