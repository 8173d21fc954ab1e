"""Planned meetings: calls, video calls and coffees on a date, with the people attending.

Times are stored as UTC instants with the zone the meeting was planned in, so a meeting keeps
its wall-clock time in that zone ("10:00 in Berlin") and shows correctly anywhere. A meeting
marked done becomes a history entry for each attendee who is a contact (see `mark_done`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from model import history, places
from model.history import InteractionRecord, parse_stamp, stamp
from model.schema import Meeting, MeetingAttendee, database, utc_now

KINDS = {"phone": "Phone call", "video": "Video call", "in_person": "In person"}
STATUSES = ("planned", "done", "cancelled")
REMINDERS = [(None, "None"), (0, "At the time"), (5, "5 minutes before"), (15, "15 minutes before"),
             (30, "30 minutes before"), (60, "1 hour before"), (1440, "1 day before")]
# A recurrence is expanded at most this many times (a rule that never ends stays safe).
MAX_OCCURRENCES = 500


class MeetingError(ValueError):
    pass


@dataclass
class Attendee:
    contact_id: int | None = None
    name: str = ""
    email: str = ""


@dataclass
class MeetingRecord:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = "phone"
    time_zone: str = ""
    location: str = ""
    agenda: str = ""
    status: str = "planned"
    outcome: str = ""
    reminder_minutes: int | None = 15
    recurrence: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    uid: str = ""
    id: int | None = None
    reminded_at: str = field(default="", compare=False)

    @property
    def contact_ids(self) -> list[int]:
        return [a.contact_id for a in self.attendees if a.contact_id]

    @property
    def minutes(self) -> int:
        return round((self.ends_at - self.starts_at).total_seconds() / 60)

    def zone(self) -> dt.tzinfo:
        return ZoneInfo(self.time_zone) if places.valid_zone(self.time_zone) else dt.datetime.now().astimezone().tzinfo

    def problems(self) -> list[str]:
        errors = []
        if not self.title.strip():
            errors.append("A meeting needs a title.")
        if self.ends_at <= self.starts_at:
            errors.append("The meeting ends before it starts.")
        if self.time_zone and not places.valid_zone(self.time_zone):
            errors.append(f"{self.time_zone} is not a time zone.")
        if self.kind not in KINDS:
            errors.append(f"Unknown kind of meeting {self.kind!r}.")
        if self.status not in STATUSES:
            errors.append(f"Unknown status {self.status!r}.")
        return errors


def _values(record: MeetingRecord) -> dict:
    errors = record.problems()
    if errors:
        raise MeetingError(" ".join(errors))
    return {"uid": record.uid, "title": record.title.strip(), "kind": record.kind,
            "starts_at": stamp(record.starts_at), "ends_at": stamp(record.ends_at), "time_zone": record.time_zone,
            "location": record.location.strip(), "agenda": record.agenda.strip(), "status": record.status,
            "outcome": record.outcome, "reminder_minutes": record.reminder_minutes, "recurrence": record.recurrence,
            "updated_at": utc_now()}


def save(record: MeetingRecord) -> int:
    """Add a meeting (a new UID is made) or replace a saved one; returns its id."""
    if not record.uid:
        record.uid = f"{uuid.uuid4()}@rapport"
    with database.atomic():
        values = _values(record)
        if record.id is None:
            record.id = Meeting.insert(values).execute()
        elif Meeting.select().where(Meeting.id == record.id).exists():
            Meeting.update(values).where(Meeting.id == record.id).execute()
        else:  # restoring a deleted meeting with its id
            Meeting.insert({"id": record.id, **values}).execute()
        MeetingAttendee.delete().where(MeetingAttendee.meeting == record.id).execute()
        if record.attendees:
            MeetingAttendee.insert_many([
                {"meeting": record.id, "contact": a.contact_id, "name": a.name, "email": a.email}
                for a in record.attendees]).execute()
    return record.id


def _records(rows: Sequence[Meeting]) -> list[MeetingRecord]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    attendees: dict[int, list[Attendee]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        cursor = database.execute_sql(
            "SELECT a.meeting_id, a.contact_id, coalesce(c.display_name, a.name), a.email FROM meeting_attendee a"
            f" LEFT JOIN contact c ON c.id = a.contact_id WHERE a.meeting_id IN ({','.join('?' * len(part))})"
            " ORDER BY a.id", part)
        for meeting_id, contact_id, name, email in cursor.fetchall():
            attendees.setdefault(meeting_id, []).append(Attendee(contact_id, name, email))
    return [MeetingRecord(row.title, parse_stamp(row.starts_at), parse_stamp(row.ends_at), row.kind, row.time_zone,
                          row.location, row.agenda, row.status, row.outcome, row.reminder_minutes, row.recurrence,
                          attendees.get(row.id, []), row.uid, row.id, row.reminded_at) for row in rows]


def get(meeting_id: int) -> MeetingRecord | None:
    found = _records(list(Meeting.select().where(Meeting.id == meeting_id)))
    return found[0] if found else None


def by_uid(uid: str) -> MeetingRecord | None:
    found = _records(list(Meeting.select().where(Meeting.uid == uid)))
    return found[0] if found else None


def delete(meeting_ids: Iterable[int]) -> list[MeetingRecord]:
    ids = list(meeting_ids)
    with database.atomic():
        found = _records(list(Meeting.select().where(Meeting.id.in_(ids))))
        Meeting.delete().where(Meeting.id.in_(ids)).execute()
    return found


def restore(records: Iterable[MeetingRecord]) -> None:
    with database.atomic():
        for record in records:
            save(record)


def all_meetings() -> list[MeetingRecord]:
    """Every meeting, by start time."""
    return _records(list(Meeting.select().order_by(Meeting.starts_at, Meeting.id)))


def count() -> int:
    return Meeting.select().count()


@dataclass
class Occurrence:
    """One meeting on one date (a recurring meeting has many)."""

    meeting: MeetingRecord
    starts_at: dt.datetime
    ends_at: dt.datetime


def occurrences(start: dt.datetime, end: dt.datetime, include_cancelled: bool = True) -> list[Occurrence]:
    """Every meeting (recurring ones expanded) that overlaps [start, end), in time order."""
    query = Meeting.select().where(
        ((Meeting.starts_at < stamp(end)) & (Meeting.ends_at > stamp(start))) | (Meeting.recurrence != ""))
    if not include_cancelled:
        query = query.where(Meeting.status != "cancelled")
    found = []
    for record in _records(list(query.order_by(Meeting.starts_at))):
        if not record.recurrence:
            found.append(Occurrence(record, record.starts_at, record.ends_at))
            continue
        length = record.ends_at - record.starts_at
        for moment in expand(record, start - length, end):
            if moment < end and moment + length > start:
                found.append(Occurrence(record, moment, moment + length))
    return sorted(found, key=lambda o: (o.starts_at, o.meeting.id))


def expand(record: MeetingRecord, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The start times of a recurring meeting within [start, end), at most MAX_OCCURRENCES,
    in its own zone so that 10:00 stays 10:00 across daylight-saving changes."""
    from dateutil.rrule import rrulestr

    zone = record.zone()
    first = record.starts_at.astimezone(zone)
    try:
        rule = rrulestr(record.recurrence, dtstart=first)
    except (ValueError, TypeError):
        return [record.starts_at] if start <= record.starts_at < end else []
    moments = []
    for count_, moment in enumerate(rule):
        if count_ >= MAX_OCCURRENCES or moment >= end:
            break
        moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        if moment >= start:
            moments.append(moment.astimezone(dt.UTC))
    return moments


def upcoming(now: dt.datetime | None = None, days: int = 30) -> list[Occurrence]:
    now = now or history.now_utc()
    return [o for o in occurrences(now, now + dt.timedelta(days=days)) if o.meeting.status == "planned"]


def for_contact(contact_id: int) -> list[MeetingRecord]:
    rows = (Meeting.select().join(MeetingAttendee).where(MeetingAttendee.contact == contact_id)
            .order_by(Meeting.starts_at.desc()).distinct())
    return _records(list(rows))


def next_meeting(contact_id: int, now: dt.datetime | None = None) -> MeetingRecord | None:
    now = now or history.now_utc()
    rows = (Meeting.select().join(MeetingAttendee)
            .where(MeetingAttendee.contact == contact_id, Meeting.status == "planned", Meeting.ends_at > stamp(now))
            .order_by(Meeting.starts_at).limit(1))
    found = _records(list(rows))
    return found[0] if found else None


def overlapping(record: MeetingRecord) -> list[MeetingRecord]:
    """Other planned meetings at the same time (a warning, never a refusal)."""
    return [o.meeting for o in occurrences(record.starts_at, record.ends_at, include_cancelled=False)
            if o.meeting.id != record.id and o.meeting.status == "planned"]


_CHANNEL_FOR_KIND = {"phone": "phone", "video": "video", "in_person": "in_person"}


def mark_done(meeting_id: int, outcome: str = "", notes: str = "") -> history.Logged:
    """Mark a meeting done and log it in the history of every attendee who is a contact."""
    record = get(meeting_id)
    if record is None:
        raise MeetingError(f"No meeting {meeting_id}")
    with database.atomic():
        Meeting.update(status="done", outcome=outcome.strip(), updated_at=utc_now()).where(
            Meeting.id == meeting_id).execute()
        if not record.contact_ids:
            return history.Logged([], [])
        entry = InteractionRecord(record.contact_ids[0], _CHANNEL_FOR_KIND[record.kind], record.starts_at, "both",
                                  max(1, record.minutes), outcome.strip() or record.title,
                                  "\n\n".join(part for part in (notes.strip(), record.agenda) if part), meeting_id)
        return history.log(entry, record.contact_ids)


def undo_done(meeting_id: int, logged: history.Logged, before: MeetingRecord) -> None:
    with database.atomic():
        history.delete(logged.ids)
        save(before)


def due_reminders(now: dt.datetime | None = None) -> list[Occurrence]:
    """Planned meetings whose reminder time has come and that were not reminded of yet
    (including those missed while Rapport was closed, up to a day late)."""
    now = now or history.now_utc()
    found = []
    for occurrence in occurrences(now - dt.timedelta(days=1), now + dt.timedelta(days=2), include_cancelled=False):
        record = occurrence.meeting
        if record.status != "planned" or record.reminder_minutes is None:
            continue
        remind_at = occurrence.starts_at - dt.timedelta(minutes=record.reminder_minutes)
        already = record.reminded_at and parse_stamp(record.reminded_at) >= remind_at
        if remind_at <= now < occurrence.ends_at + dt.timedelta(hours=12) and not already:
            found.append(occurrence)
    return found


def mark_reminded(meeting_id: int, now: dt.datetime | None = None) -> None:
    Meeting.update(reminded_at=stamp(now or history.now_utc())).where(Meeting.id == meeting_id).execute()


def suggested_title(names: Sequence[str], kind: str) -> str:
    who = " and ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    noun = {"phone": "Call", "video": "Video call", "in_person": "Coffee"}[kind]
    return f"{noun} with {who}" if who else noun
