"""Planning a meeting, and closing one: the meeting editor and the "how did it go" form.

The editor shows the time in the meeting's zone and, beside it, what that is for you and for
the people attending ("10:00 here, 16:00 in Berlin"). It warns, without stopping the user,
about overlaps and hours outside the person's call window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.log_dialog import DateTimeField, PeoplePicker, wall_of, wall_time
from gui.widgets.layout import dialog_buttons
from gui.widgets.palette import secondary_text
from gui.widgets.zone_box import ZoneBox
from model import clock, contacts, meetings, places, preferences
from model.meetings import (
    ALL_DAY_REMINDERS,
    FLOATING,
    KINDS,
    REMINDERS,
    Attendee,
    MeetingRecord,
)

DURATIONS = [15, 30, 45, 60, 90, 120]
_FLOATING_TEXT = "Floating: this clock time wherever I am"


@dataclasses.dataclass(frozen=True)
class Attending:
    """What the editor needs to know about the people attending, read once per change of people."""

    zone: str = ""  # of the first attendee whose zone is known
    place: str = ""
    cadence_days: int = 0  # the longest keep-in-touch cadence among them
    call_hours: str = ""  # theirs, in their zone
    kind: str = ""  # how the first of them is usually met: phone, video or in_person
    location: str = ""  # and where: their number for a call


def attending(contact_ids: tuple[int, ...]) -> Attending:
    people = contacts.get_contacts(list(contact_ids))
    cadence = max((record.cadence_days for record in people), default=0)
    kind, location = _usual_way(people[0]) if people else ("", "")
    for record in people:
        zone = places.resolve_contact(record).zone
        if zone:
            return Attending(zone, record.city or zone.split("/")[-1].replace("_", " "), cadence, record.call_hours,
                             kind, location)
    return Attending(cadence_days=cadence, kind=kind, location=location)


def _usual_way(record: contacts.ContactRecord) -> tuple[str, str]:
    """How a person is usually met (the spoken channel their history has most), and where: their
    number for a call. With no such history: a call when there is a number, else video."""
    from model import history

    phones = sorted(record.points_of("phone"), key=lambda p: (not p.preferred, p.label != "mobile"))
    number = phones[0].value if phones else ""
    spoken = [key for key, _name, _count in history.summary(record.id or 0).per_channel
              if key in ("phone", "video", "in_person")] if record.id else []
    kind = spoken[0] if spoken else ("phone" if number else "video")
    return kind, number if kind == "phone" else ""


def next_slot(now: dt.datetime | None = None, days: int = 1) -> dt.datetime:
    """A sensible default start: 10:00 local time, `days` from today."""
    now = clock.local(now or clock.now())
    return dt.datetime.combine(now.date() + dt.timedelta(days=days), dt.time(10), now.tzinfo).astimezone(dt.UTC)


class MeetingEditor(QDialog):
    """Plan a meeting, or change one (`record` given). `record()` is the result."""

    def __init__(self, record: MeetingRecord | None = None, contact_ids: list[int] | None = None,
                 starts_at: dt.datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = record
        self.setWindowTitle("Edit meeting" if record else "Plan a meeting")
        self._mine = places.my_zone()
        self._attending_cache: tuple[tuple[int, ...] | None, Attending] = (None, Attending())
        ids = record.contact_ids if record else list(contact_ids or [])
        self._guests = [a for a in record.attendees if not a.contact_id] if record else []

        self.people = PeoplePicker(ids)
        self.people.field.setPlaceholderText("Add a person…")
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind")
        for key, text in KINDS.items():
            self.kind.addItem(text, key)
        self.start = DateTimeField()
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.start.setAccessibleName("Starts")
        self.duration = QComboBox()
        self.duration.setEditable(True)
        self.duration.setAccessibleName("Duration in minutes")
        for minutes in DURATIONS:
            self.duration.addItem(f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"
                                  .replace(" 00", ""), minutes)
        self.ends_label = QLabel()
        self.all_day = QCheckBox("All &day")
        self.all_day.setToolTip("On dates, in no time zone: a birthday, a conference, a day off")
        self.days = QSpinBox()
        self.days.setRange(1, 366)
        self.days.setSuffix(" day(s)")
        self.days.setAccessibleName("Days")
        self.days.hide()
        self.zone = ZoneBox()
        self.both_label = QLabel()
        self.both_label.setTextFormat(Qt.PlainText)  # it may name people: shown as typed
        self.both_label.setAccessibleName("Both times")
        self.location = QLineEdit(placeholderText="An address, a phone number or a video link")
        self.location.setAccessibleName("Where")
        self.agenda = QPlainTextEdit()
        self.agenda.setTabChangesFocus(True)
        self.agenda.setPlaceholderText("What to talk about")
        self.agenda.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.reminder = QComboBox()
        self.reminder.setAccessibleName("Reminder")
        self._fill_reminders(False, preferences.current().reminder)
        self.repeat_every = QSpinBox()
        self.repeat_every.setRange(1, 52)
        self.repeat_every.setPrefix("every ")
        self.repeat_unit = QComboBox()
        self.repeat_unit.setAccessibleName("Repeats")
        self.repeat_unit.addItem("Does not repeat", "")
        self.repeat_unit.addItem("Weeks", "WEEKLY")
        self.repeat_unit.addItem("Months", "MONTHLY")
        self.cadence_hint = QLabel()
        self.cadence_hint.setTextFormat(Qt.RichText)
        self.cadence_hint.linkActivated.connect(self._use_cadence)
        self.message = QLabel()
        self.message.setTextFormat(Qt.PlainText)  # it may name people: shown as typed
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Warnings")

        dim = secondary_text(self.palette()).name()
        for label in (self.ends_label, self.both_label, self.cadence_hint):
            label.setStyleSheet(f"color: {dim}")
        when_row = QHBoxLayout()
        when_row.addWidget(self.start, 1)
        when_row.addWidget(QLabel("for"))
        when_row.addWidget(self.duration)
        when_row.addWidget(self.days)
        when_row.addWidget(self.ends_label)
        when_row.addWidget(self.all_day)
        repeat_row = QHBoxLayout()
        repeat_label = QLabel("Re&peat")
        repeat_label.setBuddy(self.repeat_unit)
        repeat_row.addWidget(self.repeat_unit)
        repeat_row.addWidget(self.repeat_every)
        repeat_row.addStretch(1)
        form = QFormLayout()
        form.addRow("With", self.people)
        form.addRow("&Title", self.title)
        form.addRow("&Kind", self.kind)
        starts_label = QLabel("&Starts")
        starts_label.setBuddy(self.start)
        form.addRow(starts_label, when_row)
        form.addRow("Time &zone", self.zone)
        form.addRow("", self.both_label)
        form.addRow("&Where", self.location)
        form.addRow("&Agenda", self.agenda)
        form.addRow("&Remind me", self.reminder)
        form.addRow(repeat_label, repeat_row)
        form.addRow("", self.cadence_hint)
        self.buttons = dialog_buttons(self, "Save" if record else "Plan", accept=QDialogButtonBox.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self._fill(record, ids, starts_at)
        self._warn_later = QTimer(self, singleShot=True, interval=250)
        self._warn_later.timeout.connect(self._warn)
        for signal in (self.start.dateTimeChanged, self.duration.currentTextChanged, self.zone.currentTextChanged,
                       self.kind.currentIndexChanged, self.repeat_unit.currentIndexChanged,
                       self.repeat_every.valueChanged,
                       self.people.list.model().rowsInserted, self.people.list.model().rowsRemoved):
            signal.connect(self._changed)
        self.all_day.toggled.connect(self._show_all_day)
        self.all_day.toggled.connect(self._toggle_reminders)
        self.days.valueChanged.connect(self._changed)
        self.all_day.toggled.connect(self._changed)
        self.title.textEdited.connect(lambda: setattr(self, "_title_is_suggested", False))
        self._changed()
        self._warn()
        self.title.setFocus()

    def _fill(self, record: MeetingRecord | None, ids: list[int], starts_at: dt.datetime | None) -> None:
        people = self._attending(ids)
        theirs = people.zone
        usual = preferences.current()
        home = usual.home_place if usual.home_zone in ("", self._mine) else ""
        likely = [(record.time_zone if record else "", ""), (self._mine, home), (theirs, people.place)]
        self.zone.fill([(zone, place) for zone, place in likely if zone and zone != FLOATING],
                       extra=[(_FLOATING_TEXT, FLOATING)])
        self.repeat_every.setEnabled(False)
        if record is None:
            self._title_is_suggested = True
            self.zone.set_zone(self._mine or theirs)
            if starts_at is None and people.zone:  # the next half hour that suits them and you
                starts_at = places.next_call_slot(people.zone, people.call_hours)
            self._set_start(starts_at or next_slot())
            if people.kind:
                self.kind.setCurrentIndex(max(0, self.kind.findData(people.kind)))
                self.location.setText(people.location)
            self.duration.setCurrentIndex(1)
            return
        self._title_is_suggested = False
        self.title.setText(record.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind)))
        self.zone.set_zone(FLOATING if record.floating else record.time_zone or self._mine)
        self.all_day.setChecked(record.all_day)
        self.days.setValue(max(1, (record.ends_at - record.starts_at).days))
        self._show_all_day(record.all_day)
        self._set_start(record.starts_at)
        index = self.duration.findData(record.minutes)
        if index < 0:
            self.duration.setEditText(f"{record.minutes} min")
        else:
            self.duration.setCurrentIndex(index)
        self.location.setText(record.location)
        self.agenda.setPlainText(record.agenda)
        self._fill_reminders(record.all_day, record.reminder_minutes)
        every, unit = meetings.recurrence_parts(record.recurrence)
        if unit:
            self.repeat_unit.setCurrentIndex(self.repeat_unit.findData(unit))
            self.repeat_every.setValue(every)
        # What the repeat fields showed: left as they were, the rule is kept whole (its BYDAY,
        # UNTIL, COUNT ... and a rule the fields cannot show at all).
        self._shown_repeat = (self.repeat_every.value(), self.repeat_unit.currentData())

    def _set_start(self, moment: dt.datetime) -> None:
        framed = self.editing is not None and self.editing.framed and self._zone_name() in ("", FLOATING)
        zone = dt.UTC if framed else places.zone_or_local(self._zone_name())
        local = moment.astimezone(zone).replace(tzinfo=None)
        self.start.setDateTime(wall_time(local))

    def _zone_name(self) -> str:
        """The zone chosen: an IANA name, FLOATING, or "" for an all-day meeting (no zone)."""
        if self.all_day.isChecked():
            return ""
        return FLOATING if self.zone.currentText().strip() == _FLOATING_TEXT else self.zone.zone()

    def _fill_reminders(self, all_day: bool, minutes: int | None) -> None:
        """The reminders that suit the meeting (an all-day one's by day and hour), with `minutes`
        chosen: listed too when it is not one of them (an imported alarm is kept as it came)."""
        choices = list(ALL_DAY_REMINDERS if all_day else REMINDERS)
        if minutes not in choices:
            choices.append(minutes)
        self.reminder.clear()
        for value in [None] + sorted(m for m in choices if m is not None):
            self.reminder.addItem(meetings.reminder_text(value, all_day), value)
        self.reminder.setCurrentIndex(self.reminder.findData(minutes))

    def _toggle_reminders(self, all_day: bool) -> None:
        """Made all-day or timed: the same reminder when it still suits, else the usual one."""
        minutes = self.reminder.currentData()
        if minutes not in (ALL_DAY_REMINDERS if all_day else REMINDERS):
            usual = preferences.current()
            minutes = usual.all_day_reminder if all_day else usual.reminder
        self._fill_reminders(all_day, minutes)

    def _show_all_day(self, on: bool) -> None:
        """An all-day meeting has dates and a number of days; no time, length or zone."""
        self.start.setDisplayFormat("ddd d MMM yyyy" if on else "ddd d MMM yyyy  HH:mm")
        self.duration.setVisible(not on)
        self.days.setVisible(on)
        self.zone.setEnabled(not on)
        self.ends_label.setVisible(not on)
        self.both_label.setVisible(not on)  # no hour here or there

    # -- Reading ----------------------------------------------------------------------------

    def minutes(self) -> int:
        digits = "".join(ch if ch.isdigit() else " " for ch in self.duration.currentText()).split()
        if "h" in self.duration.currentText() and digits:
            return int(digits[0]) * 60 + (int(digits[1]) if len(digits) > 1 else 0)
        return int(digits[0]) if digits else 0

    def starts_at(self) -> dt.datetime:
        """The start chosen: an instant, or, all-day or floating, its date or clock time at UTC."""
        value = self.start.dateTime()
        wall = wall_of(value).replace(second=0, microsecond=0)
        if self.all_day.isChecked():
            return dt.datetime.combine(wall.date(), dt.time(0), dt.UTC)
        if self._zone_name() == FLOATING:
            return wall.replace(tzinfo=dt.UTC)
        return wall.replace(tzinfo=places.zone_or_local(self._zone_name())).astimezone(dt.UTC)

    def record(self) -> MeetingRecord:
        base = self.editing
        starts = self.starts_at()
        names = self.people.names()
        title = self.title.text().strip() or meetings.suggested_title(names, self.kind.currentData())
        attendees = [Attendee(i, n) for i, n in zip(self.people.ids(), names, strict=True)]
        if base:  # keep the email an attendee was invited with
            emails = {a.contact_id: a.email for a in base.attendees if a.contact_id}
            attendees = [dataclasses.replace(a, email=emails.get(a.contact_id, "")) for a in attendees]
        all_day = self.all_day.isChecked()
        ends = starts + (dt.timedelta(days=self.days.value()) if all_day else dt.timedelta(minutes=self.minutes()))
        return MeetingRecord(
            title=title, starts_at=starts, ends_at=ends,
            kind=self.kind.currentData(), time_zone=self._zone_name(),
            location=self.location.text().strip(), agenda=self.agenda.toPlainText().strip(),
            status=base.status if base else "planned", outcome=base.outcome if base else "",
            reminder_minutes=self.reminder.currentData(),
            recurrence=self._rule(),
            attendees=attendees + self._guests, uid=base.uid if base else "", id=base.id if base else None,
            reminded_at=base.reminded_at if base and base.starts_at == starts else "",
            # what the editor does not show stays as it was
            all_day=all_day, rdates=list(base.rdates) if base else [],
            exdates=list(base.exdates) if base else [], recurrence_id=base.recurrence_id if base else None)

    # -- Feedback ---------------------------------------------------------------------------

    def _attending(self, ids: list[int]) -> Attending:
        key = tuple(ids)
        if self._attending_cache[0] != key:
            self._attending_cache = (key, attending(key))
        return self._attending_cache[1]

    def _changed(self) -> None:
        ids = self.people.ids()
        if self._title_is_suggested:
            self.title.setPlaceholderText(meetings.suggested_title(self.people.names(), self.kind.currentData()))
        self.repeat_every.setEnabled(bool(self.repeat_unit.currentData()))
        zone = self._zone_name()
        starts = self.starts_at()
        ends = starts + dt.timedelta(minutes=self.minutes())
        if zone == FLOATING:  # its clock time wherever the user is
            starts, ends, zone = starts.replace(tzinfo=clock.local_zone()), ends.replace(tzinfo=clock.local_zone()), ""
        self.ends_label.setText(f"until {ends.astimezone(places.zone_or_local(zone)):%H:%M}")
        who = self._attending(ids)
        theirs, place = who.zone, who.place
        here = self._mine or zone
        other = theirs if theirs and theirs != here else (zone if zone != here else "")
        text = meetings.both_times(starts, here, other, place if other == theirs else "")
        self.both_label.setText(text if places.valid_zone(zone) or not zone else f"{zone} is not a time zone")
        rule = meetings.recurrence_for_cadence(who.cadence_days)
        self._cadence_rule = rule
        self.cadence_hint.setText(f"Their cadence: {meetings.describe_recurrence(rule).lower()} · "
                                  "<a href='use'>repeat like that</a>" if rule and rule != self._rule() else "")
        self._warn_later.start()

    def _rule(self) -> str:
        shown = (self.repeat_every.value(), self.repeat_unit.currentData())
        if self.editing and self.editing.recurrence and shown == getattr(self, "_shown_repeat", None):
            return self.editing.recurrence
        return meetings.recurrence(*shown)

    def _use_cadence(self) -> None:
        every, unit = meetings.recurrence_parts(self._cadence_rule)
        self.repeat_unit.setCurrentIndex(self.repeat_unit.findData(unit))
        self.repeat_every.setValue(every)

    def _warn(self) -> list[str]:
        record = self.record()
        errors = record.problems()
        if self.minutes() <= 0:
            errors = ["Give the meeting a length."]
        notes = errors or meetings.warnings(record)
        colour = "#b3261e" if errors else secondary_text(self.palette()).name()
        self.message.setStyleSheet(f"color: {colour}")
        self.message.setText(" ".join(("⚠ " + n) for n in notes))
        return errors

    def accept(self) -> None:
        if not self._warn():
            super().accept()


class OutcomeDialog(QDialog):
    """Mark a meeting done: how it went becomes a history entry for each person there."""

    def __init__(self, record: MeetingRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as done")
        local = clock.local(record.starts_at)
        intro = QLabel(f"<b>{html.escape(record.title)}</b><br>{local:%A} {local.day} {local:%B, %H:%M}")
        self.outcome = QLineEdit(placeholderText="One line: how did it go?")
        self.outcome.setAccessibleName("Outcome")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("What you learnt, what you promised")
        self.notes.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        self.follow_up = QCheckBox("Plan the follow-up now")
        self.follow_up.setChecked(True)
        form = QFormLayout()
        form.addRow("&Outcome", self.outcome)
        form.addRow("&Notes", self.notes)
        form.addRow("", self.follow_up)
        people = ", ".join(a.name for a in record.attendees if a.contact_id) or "nobody in the notebook"
        where = QLabel(f"It goes into the history of {people}.")
        where.setTextFormat(Qt.PlainText)
        where.setWordWrap(True)
        where.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
        buttons = dialog_buttons(self, "Mark done")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
