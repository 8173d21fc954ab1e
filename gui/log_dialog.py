"""The Log dialog: record one exchange (for one person or several) in a few keystrokes.

Channel, direction, when (now unless changed), duration for calls and meetings, a one-line
summary, notes, and questions to ask next time. Keyboard only works: type to pick a channel,
Tab from field to field, Enter to save.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.channel_icon import channel_icon
from gui.widgets.keys import claim_delete_key
from gui.widgets.layout import dialog_buttons
from gui.widgets.palette import secondary_text
from gui.widgets.person_field import PersonField
from model import clock, contacts, history, meetings
from model.history import DIRECTIONS, InteractionRecord


def wall_time(local: dt.datetime) -> QDateTime:
    """A wall time (its date and clock time, whatever its zone) as a DateTimeField holds it."""
    return QDateTime(local.date(), local.time(), QTimeZone.utc())


def wall_of(value: QDateTime) -> dt.datetime:
    """The wall time a DateTimeField holds, naive."""
    return dt.datetime.combine(value.date().toPython(), value.time().toPython())


def to_qdatetime(moment: dt.datetime) -> QDateTime:
    """The field's value for `moment`: its wall time in the user's zone (clock.local), to the second."""
    return wall_time(clock.local(moment).replace(microsecond=0))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    """The instant a field's wall time names in the user's zone, in UTC."""
    return clock.local(wall_of(value).replace(microsecond=0)).astimezone(dt.UTC)


class DateTimeField(QDateTimeEdit):
    """A date and time field that Tab leaves (QDateTimeEdit would step through its sections);
    the arrow keys still move between day, month, year, hour and minute.

    It holds a wall time, in whatever zone its dialog means (the user's, a meeting's), so it keeps
    it in UTC's spec, which has no daylight-saving gaps: in the computer's own zone, 02:30 on the
    night its clocks go forward became 03:30, and a meeting planned for 02:30 in London from New
    York moved an hour."""

    def __init__(self, value: QDateTime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTimeZone(QTimeZone.utc())
        if value is not None:
            self.setDateTime(value)

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)


class PeoplePicker(QWidget):
    """The people an exchange is with: a short list, and a field that completes names to add more."""

    def __init__(self, contact_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setToolTip("Select a person and press Delete to take them off this exchange")
        self.list.setMaximumHeight(self.fontMetrics().height() * 4 + 8)
        self.list.setAccessibleName("People in this exchange")
        claim_delete_key(self.list, self._remove_selected)
        self.field = PersonField("Add someone else who was there…")
        self.field.setAccessibleName("Add a person")
        self.field.picked.connect(self._added)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.field)
        for row in contacts.rows_for(contact_ids):
            self.add(row.id, row.display_name)

    def ids(self) -> list[int]:
        return [self.list.item(n).data(Qt.UserRole) for n in range(self.list.count())]

    def names(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]

    def add(self, contact_id: int, name: str) -> None:
        if contact_id in self.ids():
            return
        item = QListWidgetItem(name)
        item.setData(Qt.UserRole, contact_id)
        self.list.addItem(item)

    def _added(self, contact_id: int, name: str) -> None:
        self.add(contact_id, name)
        self.field.clear()

    def _remove_selected(self) -> bool:
        """Delete takes the selected people off the exchange; one always stays."""
        chosen = self.list.selectedItems()
        if not chosen or len(chosen) >= self.list.count():
            return False
        for item in chosen:
            self.list.takeItem(self.list.row(item))
        return True


class LogDialog(QDialog):
    """Log a new exchange, or edit one (`record` given)."""

    def __init__(self, contact_ids: list[int], record: InteractionRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = record
        self.setWindowTitle("Edit exchange" if record else "Log an exchange")
        self.people = PeoplePicker([record.contact_id] if record else contact_ids)
        self.people.field.setVisible(record is None)  # an edit changes one person's entry
        self.channel_box = QComboBox()
        self.channel_box.setAccessibleName("Channel")
        self._steps: dict[str, int] = {}
        for channel in history.channels(include_hidden=True):
            if channel.hidden and not (record and record.channel_key == channel.key):
                continue
            self.channel_box.addItem(channel_icon(channel.key, channel.name), channel.name, channel.key)
            self._steps[channel.key] = channel.step
        self.direction_box = QComboBox()
        self.direction_box.setAccessibleName("Direction")
        for key, text in DIRECTIONS.items():
            self.direction_box.addItem(text, key)
        self.when = DateTimeField(to_qdatetime(record.occurred_at if record else history.now_utc()))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.when.setAccessibleName("When")
        self.duration = QSpinBox()
        self.duration.setRange(0, 24 * 60)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" min")
        self.duration.setSpecialValueText("—")
        self.duration.setAccessibleName("Duration in minutes")
        self.summary = QLineEdit(placeholderText="One line: what happened")
        self.summary.setAccessibleName("Summary")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("Anything worth remembering")
        self.notes.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.ask_next = QPlainTextEdit()
        self.ask_next.setTabChangesFocus(True)
        self.ask_next.setPlaceholderText("One question per line; they go to the person's prep")
        self.ask_next.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.message = QLabel()
        self.message.setTextFormat(Qt.PlainText)  # it may name people: shown as typed
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")

        form = QFormLayout()
        form.addRow("With", self.people)
        form.addRow("&Channel", self.channel_box)
        form.addRow("&Direction", self.direction_box)
        form.addRow("W&hen", self.when)
        form.addRow("D&uration", self.duration)
        form.addRow("&Summary", self.summary)
        form.addRow("&Notes", self.notes)
        # Logging the call that was planned: the meeting is marked done with it (one history entry).
        self.planned_box = QCheckBox()
        self.planned_box.hide()
        self._planned: int | None = None
        if record is None:
            form.addRow("&Ask next time", self.ask_next)
            form.addRow("", self.planned_box)
        else:
            self.ask_next.hide()
        self.buttons = dialog_buttons(self, "Save" if record else "Log", accept=QDialogButtonBox.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        if record:
            self.channel_box.setCurrentIndex(max(0, self.channel_box.findData(record.channel_key)))
            self.direction_box.setCurrentIndex(max(0, self.direction_box.findData(record.direction)))
            self.duration.setValue(record.duration_minutes or 0)
            self.summary.setText(record.summary)
            self.notes.setPlainText(record.notes)
        self.channel_box.currentIndexChanged.connect(self._channel_changed)
        self.when.dateTimeChanged.connect(self._check)
        self._channel_changed()
        self.channel_box.setFocus()

    def _channel_changed(self) -> None:
        spoken = self._steps.get(self.channel_box.currentData(), 0) >= 2
        self.duration.setEnabled(spoken)
        if spoken and self.direction_box.currentData() == "out" and self._steps.get(
                self.channel_box.currentData()) == 3 and not self.editing:
            self.direction_box.setCurrentIndex(self.direction_box.findData("both"))
        self._check()

    def record(self) -> InteractionRecord:
        ids = self.people.ids()
        duration = self.duration.value() if self.duration.isEnabled() and self.duration.value() else None
        base = self.editing
        return InteractionRecord(
            contact_id=ids[0] if ids else 0, channel_key=self.channel_box.currentData() or "",
            occurred_at=from_qdatetime(self.when.dateTime()), direction=self.direction_box.currentData(),
            duration_minutes=duration, summary=self.summary.text().strip(), notes=self.notes.toPlainText().strip(),
            meeting_id=base.meeting_id if base else None, id=base.id if base else None,
            messages=base.messages if base else 1, source=base.source if base else "", uid=base.uid if base else "")

    def contact_ids(self) -> list[int]:
        return self.people.ids()

    def questions(self) -> list[str]:
        return [line.strip() for line in self.ask_next.toPlainText().splitlines() if line.strip()]

    def _find_planned(self) -> None:
        """Offer to mark done the meeting this exchange was (a spoken one, with these people, around then)."""
        if self.editing is not None:
            return
        ids = self.people.ids()
        spoken = self._steps.get(self.channel_box.currentData(), 0) >= 2
        planned = meetings.planned_call(ids, from_qdatetime(self.when.dateTime())) if ids and spoken else None
        found = planned.id if planned is not None else None
        if found != self._planned:
            self._planned = found
            if planned is not None:
                when = clock.local(meetings.shown(planned).starts_at)
                self.planned_box.setText(f"This was “{planned.title}”, planned for {when:%H:%M}: mark it done")
                self.planned_box.setChecked(True)
        self.planned_box.setVisible(found is not None)
        self._fit_width()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_width()

    def _fit_width(self) -> None:
        """Wide enough for the planned call's line, whose text can be longer than the dialog was
        made for (its minimum width, set in __init__, keeps the layout from widening it)."""
        wanted = self.minimumSizeHint().width()
        if self.width() < wanted:
            self.resize(wanted, self.height())

    def done_meeting(self) -> int | None:
        """The planned meeting to mark done with this exchange, if the user left it ticked."""
        return self._planned if self._planned is not None and self.planned_box.isChecked() else None

    def _check(self) -> bool:
        self._find_planned()
        errors, warnings = self.record().problems()
        if not self.people.ids():
            errors.append("Add at least one person.")
        self.message.setText(" ".join(errors + [w + " It will be flagged in the history." for w in warnings]))
        return not errors

    def accept(self) -> None:
        if self._check():
            super().accept()
