"""Planned meetings: calls, video calls and coffees on a date, with the people attending.

Times are stored as UTC instants with the zone the meeting was planned in, so a meeting keeps
its wall-clock time in that zone ("10:00 in Berlin") and shows correctly anywhere. Two kinds are
not instants (RFC 5545 3.3.4, 3.3.5): an all-day meeting is on dates, and a floating one (zone
`FLOATING`) at a clock time, wherever the viewer is; both are stored as that date or clock time
at UTC, their frame, and each view places them in its own zone (`shown`). A meeting
marked done becomes a history entry for each attendee who is a contact (see `mark_done`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote
from zoneinfo import ZoneInfo

from peewee import fn

from model import clock, contacts, history, places
from model import recurrence as rules
from model.history import InteractionRecord, parse_stamp, stamp
from model.migrations import MEETING_DAYS_SQL
from model.schema import ContactPoint, Meeting, MeetingAttendee, database, utc_now

# The zone of a meeting at a clock time in no zone ("09:00 wherever I am"): not an IANA name.
FLOATING = "floating"
KINDS = {"phone": "Phone call", "video": "Video call", "in_person": "In person"}
STATUSES = ("planned", "done", "cancelled")
# A reminder is minutes before the start (negative: after it). An all-day meeting starts at
# 00:00 where the user is (RFC 5545 3.8.6.3), so its reminders are told by the day and hour.
REMINDERS = [None, 0, 5, 15, 30, 60, 1440]
ALL_DAY_REMINDERS = [None, -9 * 60, 15 * 60, 2 * 1440 - 9 * 60, 7 * 1440 - 9 * 60]
DEFAULT_REMINDER, DEFAULT_ALL_DAY_REMINDER = 15, -9 * 60


def reminder_text(minutes: int | None, all_day: bool = False) -> str:
    """A reminder as the editor lists it: "15 minutes before", "1 h 30 min before"; for an
    all-day meeting "On the day at 09:00", "The day before at 09:00", "7 days before at 09:00"."""
    if minutes is None:
        return "None"
    if all_day:
        days_after, since_midnight = divmod(-minutes, 1440)
        day = {0: "On the day", -1: "The day before", 1: "The day after"}.get(
            days_after, f"{abs(days_after)} days {'before' if days_after < 0 else 'after'}")
        return f"{day} at {since_midnight // 60:02}:{since_midnight % 60:02}"
    if minutes == 0:
        return "At the time"
    return duration_text(abs(minutes)) + (" before" if minutes > 0 else " after the start")


def duration_text(minutes: int) -> str:
    """"15 minutes", "1 hour", "1 h 45 min", "1 day 1 h"."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if not days and not (hours and mins):  # one unit, in words
        return f"{hours} hour{'s' * (hours != 1)}" if hours else f"{mins} minute{'s' * (mins != 1)}"
    parts = [f"{days} day{'s' * (days != 1)}"] * bool(days) + [f"{hours} h"] * bool(hours) \
        + [f"{mins} min"] * bool(mins)
    return " ".join(parts)


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
    # An all-day meeting is on dates, in no zone: starts_at and ends_at are those dates at 00:00
    # UTC (the end exclusive, as in iCalendar), and every view shows it on them wherever it is.
    all_day: bool = False
    # A series' extra dates and the occurrences it skips (RDATE, EXDATE), in its frame.
    rdates: list[dt.datetime] = field(default_factory=list)
    exdates: list[dt.datetime] = field(default_factory=list)
    # For one changed occurrence of a series (same uid): the start it replaces (RECURRENCE-ID).
    recurrence_id: dt.datetime | None = None

    @property
    def contact_ids(self) -> list[int]:
        return [a.contact_id for a in self.attendees if a.contact_id]

    @property
    def minutes(self) -> int:
        return round((self.ends_at - self.starts_at).total_seconds() / 60)

    @property
    def people(self) -> str:
        """Who attends, as a line: "Priya Sharma, Arjun Mehta"."""
        return ", ".join(a.name or a.email for a in self.attendees)

    @property
    def floating(self) -> bool:
        return not self.all_day and self.time_zone == FLOATING

    @property
    def framed(self) -> bool:
        """Stored as dates or a clock time at UTC, not as an instant (all-day or floating)."""
        return self.all_day or self.time_zone == FLOATING

    def zone(self) -> dt.tzinfo:
        """The zone its series repeats in: its own, or UTC for the frame of a framed one."""
        return dt.UTC if self.framed else places.zone_or_local(self.time_zone)

    @property
    def first_day(self) -> dt.date:
        """An all-day meeting's first date."""
        return self.starts_at.astimezone(dt.UTC).date()

    @property
    def last_day(self) -> dt.date:
        """An all-day meeting's last date (its end is the day after)."""
        return (self.ends_at.astimezone(dt.UTC) - dt.timedelta(days=1)).date()

    def problems(self) -> list[str]:
        errors = []
        if not self.title.strip():
            errors.append("A meeting needs a title.")
        if self.ends_at <= self.starts_at:
            errors.append("The meeting ends before it starts.")
        if self.time_zone and self.time_zone != FLOATING and not places.valid_zone(self.time_zone):
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
            "all_day": int(record.all_day), "rdates": _stamps(record.rdates), "exdates": _stamps(record.exdates),
            "recurrence_id": stamp(record.recurrence_id) if record.recurrence_id else "",
            "updated_at": utc_now()}


def _stamps(moments: Sequence[dt.datetime]) -> str:
    return json.dumps([stamp(moment) for moment in sorted(moments)]) if moments else ""


def _moments(text: str) -> list[dt.datetime]:
    return [parse_stamp(value) for value in json.loads(text)] if text else []


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


# Meetings are read with plain SQL, in this column order: building a Peewee object per row
# cost more than the rest of a month view's work at 10,000 meetings.
_COLUMNS = ("m.id, m.uid, m.title, m.kind, m.starts_at, m.ends_at, m.time_zone, m.location, m.agenda, m.status,"
            " m.outcome, m.reminder_minutes, m.recurrence, m.reminded_at, m.all_day, m.rdates, m.exdates,"
            " m.recurrence_id")


def _select(where: str, params: Sequence | dict = (), order: str = "m.starts_at, m.id",
            joins: str = "") -> list[MeetingRecord]:
    """The meetings (with their attendees) that `where` picks from `meeting m`, in `order`
    (each once, whatever `joins` adds)."""
    distinct = "DISTINCT " if joins else ""
    return _records(database.execute_sql(
        f"SELECT {distinct}{_COLUMNS} FROM meeting m {joins} WHERE {where} ORDER BY {order}", params).fetchall())


def _records(rows: Sequence[tuple]) -> list[MeetingRecord]:
    if not rows:
        return []
    ids = [row[0] for row in rows]
    attendees: dict[int, list[Attendee]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        cursor = database.execute_sql(
            "SELECT a.meeting_id, a.contact_id, coalesce(c.display_name, a.name), a.email FROM meeting_attendee a"
            f" LEFT JOIN contact c ON c.id = a.contact_id WHERE a.meeting_id IN ({','.join('?' * len(part))})"
            " ORDER BY a.id", part)
        for meeting_id, contact_id, name, email in cursor.fetchall():
            attendees.setdefault(meeting_id, []).append(Attendee(contact_id, name, email))
    return [MeetingRecord(title, parse_stamp(starts_at), parse_stamp(ends_at), kind, time_zone, location, agenda,
                          status, outcome, reminder_minutes, recurrence, attendees.get(meeting_id, []), uid,
                          meeting_id, reminded_at, bool(all_day), _moments(rdates), _moments(exdates),
                          parse_stamp(recurrence_id) if recurrence_id else None)
            for (meeting_id, uid, title, kind, starts_at, ends_at, time_zone, location, agenda, status, outcome,
                 reminder_minutes, recurrence, reminded_at, all_day, rdates, exdates, recurrence_id) in rows]


def get(meeting_id: int) -> MeetingRecord | None:
    found = _select("m.id = ?", [meeting_id])
    return found[0] if found else None


def by_uid(uid: str, recurrence_id: dt.datetime | None = None) -> MeetingRecord | None:
    """The meeting with this UID: the series (or single meeting), or one changed occurrence of it."""
    found = _select("m.uid = ? AND m.recurrence_id = ?", [uid, stamp(recurrence_id) if recurrence_id else ""])
    return found[0] if found else None


def delete(meeting_ids: Iterable[int]) -> list[MeetingRecord]:
    """Delete meetings, a series with its changed occurrences; returns what was deleted (for undo)."""
    ids = list(meeting_ids)
    with database.atomic():
        found = []
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            found += _select(f"m.id IN ({','.join('?' * len(part))})", part)
        series = [record.uid for record in found if record.recurrence and record.recurrence_id is None]
        for chunk in range(0, len(series), 500):
            part = series[chunk:chunk + 500]
            found += [record for record in _select(f"m.recurrence_id != '' AND m.uid IN ({','.join('?' * len(part))})",
                                                   part) if record.id not in ids]
        Meeting.delete().where(Meeting.id.in_([record.id for record in found])).execute()
    return found


def in_frame(series: MeetingRecord, start: dt.datetime) -> dt.datetime:
    """The start of an occurrence as shown (in the viewer's zone) in the series' frame: its date
    at 00:00 UTC when all-day, its clock time at UTC when floating, the instant otherwise."""
    if series.all_day:
        return dt.datetime.combine(start.date(), dt.time(0), dt.UTC)
    if series.floating:
        return start.replace(tzinfo=dt.UTC)
    return start.astimezone(dt.UTC)


def skip_occurrence(series: MeetingRecord, start: dt.datetime) -> MeetingRecord:
    """The series without its occurrence at `start` (an EXDATE; RFC 5545 3.8.5.1), to save; a
    changed occurrence at that start goes too (see delete)."""
    frame = in_frame(series, start)
    return dataclasses.replace(series, exdates=sorted({*series.exdates, frame}), attendees=list(series.attendees))


def split_series(series: MeetingRecord, start: dt.datetime) -> tuple[MeetingRecord, MeetingRecord]:
    """"This and following": the series as it ends just before its occurrence at `start` (an
    UNTIL; a COUNT becomes one), and a new series (a new UID) that begins there with the same
    rule (what is left of a COUNT), the RDATEs and EXDATEs from there on. Both to save."""
    frame = in_frame(series, start)
    parts = dict(piece.split("=", 1) for piece in series.recurrence.split(";") if "=" in piece)
    before = {name: value for name, value in parts.items() if name != "COUNT"}
    before["UNTIL"] = (f"{frame.date() - dt.timedelta(days=1):%Y%m%d}" if series.all_day
                       else f"{frame - dt.timedelta(seconds=1):%Y%m%dT%H%M%SZ}")
    after = dict(parts)
    if "COUNT" in parts:
        done = len(expand(series, series.starts_at - dt.timedelta(seconds=1), frame))
        after["COUNT"] = str(max(1, int(parts["COUNT"]) - done))
    length = series.ends_at - series.starts_at
    ended = dataclasses.replace(series, recurrence=";".join(f"{k}={v}" for k, v in before.items()),
                                rdates=[m for m in series.rdates if m < frame],
                                exdates=[m for m in series.exdates if m < frame], attendees=list(series.attendees))
    following = dataclasses.replace(series, id=None, uid="", starts_at=frame, ends_at=frame + length,
                                    recurrence=";".join(f"{k}={v}" for k, v in after.items()),
                                    rdates=[m for m in series.rdates if m > frame],
                                    exdates=[m for m in series.exdates if m > frame],
                                    attendees=list(series.attendees), reminded_at="")
    return ended, following


def changed_occurrences(uid: str) -> list[MeetingRecord]:
    """The changed occurrences of a series (RECURRENCE-ID rows of its UID), by the start they replace."""
    return sorted(_select("m.uid = ? AND m.recurrence_id != ''", [uid]), key=lambda r: r.recurrence_id)


def change_occurrence(series: MeetingRecord, start: dt.datetime) -> MeetingRecord:
    """A new changed occurrence of the series (same UID, RECURRENCE-ID `start`), as the series has
    it there, to edit and save: it then shows instead of the series' own occurrence."""
    frame = in_frame(series, start)
    length = series.ends_at - series.starts_at
    return dataclasses.replace(series, id=None, starts_at=frame, ends_at=frame + length, recurrence="", rdates=[],
                               exdates=[], recurrence_id=frame, attendees=list(series.attendees), reminded_at="")


def _wall(record: MeetingRecord, moment: dt.datetime) -> dt.datetime:
    """A moment of `record`'s frame as the clock time its series keeps (naive)."""
    if record.framed:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.astimezone(record.zone()).replace(tzinfo=None)


def moved_series(before: MeetingRecord, after: MeetingRecord, changed: Sequence[MeetingRecord] | None = None
                 ) -> tuple[MeetingRecord, list[tuple[MeetingRecord, MeetingRecord]]]:
    """A series changed from `before` to `after` (moved, given another zone, made all-day or
    timed), with what depends on its starts moved along: its EXDATEs and RDATEs, and the
    RECURRENCE-ID of each changed occurrence (`changed`, or those stored with its UID), as pairs
    (stored, to save).

    RFC 5545 matches an EXDATE or a RECURRENCE-ID to an occurrence by its exact start (3.8.5.1,
    3.8.4.4), so a series moved from 10:00 to 11:00 with its EXDATEs left at 10:00 would show its
    skipped days again, and each changed occurrence next to the original it replaced. Each such
    start keeps its place in the series: the same day (moved by as many days as the series
    moved), at the series' new time (an RDATE keeps its own distance from the series' time)."""
    if not before.recurrence or before.recurrence_id is not None:
        return after, []
    if (before.all_day, before.time_zone, before.starts_at) == (after.all_day, after.time_zone, after.starts_at):
        return after, []
    old_start, new_start = _wall(before, before.starts_at), _wall(after, after.starts_at)
    days = new_start.date() - old_start.date()

    def move(moment: dt.datetime) -> dt.datetime:
        wall = _wall(before, moment)
        if after.all_day:
            return dt.datetime.combine(wall.date() + days, dt.time(0), dt.UTC)
        if before.all_day:
            wall = dt.datetime.combine(wall.date() + days, new_start.time())
        else:
            wall += new_start - old_start
        if after.floating:
            return wall.replace(tzinfo=dt.UTC)
        return _at(wall, after.zone()).astimezone(dt.UTC)

    moved = dataclasses.replace(after, rdates=sorted({move(m) for m in after.rdates}),
                                exdates=sorted({move(m) for m in after.exdates}), attendees=list(after.attendees))
    if changed is None:
        changed = changed_occurrences(before.uid)
    changes = [(one, dataclasses.replace(one, recurrence_id=move(one.recurrence_id), attendees=list(one.attendees)))
               for one in changed if one.recurrence_id is not None]
    return moved, changes


def restore(records: Iterable[MeetingRecord]) -> None:
    with database.atomic():
        for record in records:
            save(record)


def all_meetings() -> list[MeetingRecord]:
    """Every meeting, by start time."""
    return _select("1")


def count() -> int:
    return Meeting.select().count()


@dataclass
class Occurrence:
    """One meeting on one date (a recurring meeting has many)."""

    meeting: MeetingRecord
    starts_at: dt.datetime
    ends_at: dt.datetime


def occurrences(start: dt.datetime, end: dt.datetime, include_cancelled: bool = True) -> list[Occurrence]:
    """Every meeting (series expanded, with their exceptions) that overlaps [start, end), in
    time order. An all-day meeting's occurrence runs from local midnight to local midnight of
    its dates, in the user's zone."""
    return _occurrences(start, end, STATUSES if include_cancelled else _NOT_CANCELLED)


_NOT_CANCELLED = ("planned", "done")


def _occurrences(start: dt.datetime, end: dt.datetime, statuses: Sequence[str]) -> list[Occurrence]:
    """The occurrences of the meetings whose status is one of `statuses` (a series of another
    status is not expanded at all)."""
    viewer = clock.local_zone()
    found = []
    for record in _select(*_overlapping_sql(start, end, statuses, "single")):
        occurrence = _occurrence(record, record.starts_at, viewer)
        if occurrence.starts_at < end and occurrence.ends_at > start:
            found.append(occurrence)
    series, moved = _series_before(end, statuses)
    for record in series:
        found += _occurrences_of(record, start, end, viewer, moved.get(record.uid, set()))
    return sorted(found, key=lambda o: (o.starts_at, o.meeting.id))


def _occurrence(record: MeetingRecord, start: dt.datetime, viewer: dt.tzinfo) -> Occurrence:
    """The occurrence of `record` that starts at `start` (in the series' frame)."""
    length = record.ends_at - record.starts_at
    if record.floating:  # its clock time, in the viewer's zone
        shown = start.astimezone(dt.UTC).replace(tzinfo=None)
        return Occurrence(record, _at(shown, viewer), _at(shown + length, viewer))
    if record.all_day:
        first = start.astimezone(dt.UTC).date()
        return Occurrence(record, dt.datetime.combine(first, dt.time(0), viewer),
                          dt.datetime.combine(first + dt.timedelta(days=length.days or 1), dt.time(0), viewer))
    return Occurrence(record, start, start + length)


def _at(clock_time: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A clock time in `zone` as an instant (a time skipped by daylight saving is read with
    the offset before the change, as RFC 5545 3.3.5 says)."""
    return clock_time.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


def shown(record: MeetingRecord, viewer: dt.tzinfo | None = None) -> Occurrence:
    """A meeting's first occurrence as the viewer's zone places it (an all-day one from local
    midnight, a floating one at its clock time there; a zoned one at its instant), in that zone."""
    viewer = viewer or clock.local_zone()
    found = _occurrence(record, record.starts_at, viewer)
    return Occurrence(record, found.starts_at.astimezone(viewer), found.ends_at.astimezone(viewer))


_series_cache: tuple[object, list[MeetingRecord], dict[str, set[dt.datetime]]] | None = None


def _series_before(end: dt.datetime, statuses: Sequence[str]) -> tuple[list[MeetingRecord],
                                                                         dict[str, set[dt.datetime]]]:
    """The series that start before `end`, and the starts their changed occurrences replace.
    Every series is read once and kept until the notebook changes (a write here, or one by
    another program: SQLite's total_changes and data_version), so that switching months does
    not read 2,000 series again each time (with the walks that start at the window, see
    recurrence._from_rule, the bench's month query went from 115 to 73 ms)."""
    global _series_cache
    connection = database.connection()
    # (the connection itself, not its id: a later notebook's connection may be given the same id)
    key = (connection, connection.total_changes, connection.execute("PRAGMA data_version").fetchone()[0])
    if _series_cache is None or _series_cache[0] != key:
        series = _select("m.recurrence != '' AND m.recurrence_id = ''")
        _series_cache = (key, series, _changed_occurrences([record.uid for record in series]))
    _key, series, moved = _series_cache
    limit = end + _MARGIN
    return [record for record in series if record.starts_at < limit and record.status in statuses], moved


def _changed_occurrences(uids: list[str]) -> dict[str, set[dt.datetime]]:
    """For each series, the starts of the occurrences that a changed occurrence (a row of its
    own, with RECURRENCE-ID) replaces."""
    moved: dict[str, set[dt.datetime]] = {}
    for chunk in range(0, len(uids), 500):
        part = uids[chunk:chunk + 500]
        for uid, recurrence_id in database.execute_sql(
                f"SELECT uid, recurrence_id FROM meeting WHERE recurrence_id != '' AND uid IN"
                f" ({','.join('?' * len(part))})", part).fetchall():
            moved.setdefault(uid, set()).add(parse_stamp(recurrence_id))
    return moved


# A single all-day meeting is stored on its dates at 00:00 UTC; local midnight is up to 14 hours
# either side of that, so single meetings are looked for with this margin and then checked.
_MARGIN = dt.timedelta(hours=14)

_OVERLAPPING_SQL = {
    "single": "m.recurrence = '' AND m.starts_at >= :earliest AND m.starts_at < :end AND m.ends_at > :start",
    "series": "m.recurrence != '' AND m.recurrence_id = '' AND m.starts_at < :end",
}


def _overlapping_sql(start: dt.datetime, end: dt.datetime, statuses: Sequence[str],
                     which: str) -> tuple[str, dict]:
    """The `which` ("single" or "series") meetings that may overlap [start, end): the single ones
    that may, the series that start before `end` (expanding one tells which of its occurrences
    do). No single meeting that starts earlier than the longest one lasts, before `start`, can
    overlap."""
    params = {"start": stamp(start - _MARGIN), "end": stamp(end + _MARGIN)}
    if which == "single":
        longest = database.execute_sql(
            f"SELECT max({MEETING_DAYS_SQL}) FROM meeting WHERE recurrence = ''").fetchone()[0] or 0
        params["earliest"] = stamp(start - dt.timedelta(days=longest + 1) - _MARGIN)
    wanted = ""
    if not set(STATUSES) <= set(statuses):
        params.update((f"status{n}", status) for n, status in enumerate(statuses))
        wanted = f" AND m.status IN ({', '.join(f':status{n}' for n in range(len(statuses)))})"
    return _OVERLAPPING_SQL[which] + wanted, params


def _occurrences_of(record: MeetingRecord, start: dt.datetime, end: dt.datetime, viewer: dt.tzinfo,
                    moved: set[dt.datetime] = frozenset()) -> list[Occurrence]:
    length = record.ends_at - record.starts_at
    found = []
    margin = _MARGIN if record.framed else dt.timedelta(0)  # an all-day date is local midnight, anywhere
    for moment in expand(record, start - length - margin, end + margin):
        if moment in moved:
            continue  # this occurrence was changed: its own row shows it
        occurrence = _occurrence(record, moment, viewer)
        if occurrence.starts_at < end and occurrence.ends_at > start:
            found.append(occurrence)
    return found


def expand(record: MeetingRecord, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The starts of a series within [start, end), in its own frame (its zone, so that 10:00
    stays 10:00 across daylight-saving changes; all-day: its dates at 00:00 UTC), with its RDATEs
    and without its EXDATEs; a rule that cannot be read gives its first meeting only."""
    first = record.starts_at.astimezone(record.zone())
    try:
        moments = rules.expand(record.recurrence, first, record.all_day, start, end, record.rdates,
                                    record.exdates)
    except rules.RuleError:
        moments = [first] if start <= first < end else []
    return [moment.astimezone(dt.UTC) for moment in moments]


def agenda_entry(occurrence: Occurrence) -> dict:
    """An occurrence as `--agenda --json` gives it: timed starts and ends in ISO 8601 with their
    UTC offset (in the meeting's zone), all-day ones as dates (the end exclusive, as in iCalendar);
    recurrence_id is the start in the series this occurrence has (null for a single meeting)."""
    record = occurrence.meeting
    if record.all_day:
        first = occurrence.starts_at.date()
        start, end = first.isoformat(), (first + (record.ends_at - record.starts_at)).isoformat()
    else:
        zone = occurrence.starts_at.tzinfo if record.floating else record.zone()
        start = occurrence.starts_at.astimezone(zone).isoformat()
        end = occurrence.ends_at.astimezone(zone).isoformat()
    if record.recurrence_id is not None:
        recurrence_id = record.recurrence_id
    elif record.recurrence:
        recurrence_id = in_frame(record, occurrence.starts_at)
    else:
        recurrence_id = None
    if recurrence_id is not None:
        if record.all_day:
            recurrence_id = recurrence_id.astimezone(dt.UTC).date().isoformat()
        elif record.floating:  # a clock time in no zone, as RECURRENCE-ID has it
            recurrence_id = recurrence_id.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
        else:
            recurrence_id = recurrence_id.astimezone(record.zone()).isoformat()
    return {"uid": record.uid, "recurrence_id": recurrence_id, "title": record.title, "start": start, "end": end,
            "all_day": record.all_day, "zone": record.time_zone if places.valid_zone(record.time_zone) else None,
            "status": record.status}


def upcoming(now: dt.datetime | None = None, days: int = 30) -> list[Occurrence]:
    now = now or history.now_utc()
    return _occurrences(now, now + dt.timedelta(days=days), ("planned",))


def for_contact(contact_id: int) -> list[MeetingRecord]:
    return _select("a.contact_id = ?", [contact_id], "m.starts_at DESC, m.id",
                   "JOIN meeting_attendee a ON a.meeting_id = m.id")


def occurrence_of(record: MeetingRecord, on: dt.date | None = None,
                  after: dt.datetime | None = None) -> Occurrence:
    """The occurrence of a meeting to show on its own (a call sheet): for a series, the one on
    the user's day `on`, else the next not ended after `after` (within a year); else (or for a
    single meeting) its first, as the user's zone places it."""
    viewer = clock.local_zone()
    if record.recurrence and record.recurrence_id is None and (on or after):
        moved = _changed_occurrences([record.uid]).get(record.uid, set())
        if on is not None:
            found = _occurrences_of(record, *local_days(on, on, viewer), viewer, moved)
            if found:
                return found[0]
        else:
            for days in (31, 366):  # most series meet within a month: a year is expanded only when not
                ahead = [o for o in _occurrences_of(record, after, after + dt.timedelta(days=days), viewer, moved)
                         if o.ends_at > after]
                if ahead:
                    return ahead[0]
    return shown(record, viewer)


def next_meeting(contact_id: int, now: dt.datetime | None = None) -> Occurrence | None:
    """The contact's next planned meeting that has not ended: a series' next occurrence (within
    a year), an all-day or floating one as the user's zone places it."""
    now = now or history.now_utc()
    records = _select("a.contact_id = ? AND m.status = 'planned' AND ((m.recurrence != '' AND m.recurrence_id = ''"
                      " AND m.starts_at < ?) OR m.ends_at > ?)",
                      [contact_id, stamp(now + dt.timedelta(days=366)), stamp(now - _MARGIN)],
                      "m.starts_at, m.id", "JOIN meeting_attendee a ON a.meeting_id = m.id")
    found = [occurrence for occurrence in (occurrence_of(record, after=now) for record in records)
             if occurrence.ends_at > now]
    return min(found, key=lambda o: (o.starts_at, o.meeting.id), default=None)


def overlapping(record: MeetingRecord) -> list[MeetingRecord]:
    """Other planned timed meetings at the same time (a warning, never a refusal); a day off
    or a conference, all-day, is no clash."""
    if record.all_day:
        return []
    first = shown(record)
    return [o.meeting for o in occurrences(first.starts_at, first.ends_at, include_cancelled=False)
            if o.meeting.id != record.id and o.meeting.status == "planned" and not o.meeting.all_day]


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


def planned_call(contact_ids: Sequence[int], moment: dt.datetime) -> MeetingRecord | None:
    """The one-off call, video call or meeting with these people that was planned around `moment`
    (from twelve hours before to two after) and is not done yet: what logging that exchange may
    mark done."""
    wanted = set(contact_ids)
    found = [occurrence for occurrence in occurrences(moment - dt.timedelta(hours=12), moment + dt.timedelta(hours=2),
                                                      include_cancelled=False)
             if occurrence.meeting.status == "planned" and not occurrence.meeting.recurrence
             and not occurrence.meeting.all_day and wanted & set(occurrence.meeting.contact_ids)]
    if not found:
        return None
    return min(found, key=lambda occurrence: abs(occurrence.starts_at - moment)).meeting


def set_status(meeting_id: int, status: str) -> None:
    """Done (or planned again) without a history entry of its own: the exchange logged is that entry."""
    if status not in ("planned", "done", "cancelled"):
        raise MeetingError(f"Unknown status {status!r}")
    Meeting.update(status=status, updated_at=utc_now()).where(Meeting.id == meeting_id).execute()


def undo_done(meeting_id: int, logged: history.Logged, before: MeetingRecord) -> None:
    with database.atomic():
        history.delete(logged.ids)
        save(before)


def state_of(occurrence: Occurrence, now: dt.datetime | None = None) -> str:
    """How an occurrence is drawn: "done" or "cancelled" as marked; "over" when it has ended (an
    occurrence of a series, which has no mark of its own); "unmarked" when a single planned
    meeting has ended without being marked done (it may have been missed); else "planned"."""
    record = occurrence.meeting
    if record.status != "planned":
        return record.status
    if occurrence.ends_at > (now or history.now_utc()):
        return "planned"
    return "over" if record.recurrence else "unmarked"


STATE_NOTES = {"done": "Done", "cancelled": "Cancelled", "over": "Over",
               "unmarked": "Over, not marked done: right-click to mark it done"}


def due_reminders(now: dt.datetime | None = None) -> list[Occurrence]:
    """Planned meetings whose reminder time has come and that were not reminded of yet
    (including those missed while Rapport was closed, up to a day late)."""
    now = now or history.now_utc()
    found = []
    furthest = database.execute_sql("SELECT max(reminder_minutes) FROM meeting WHERE status = 'planned'").fetchone()[0]
    ahead = dt.timedelta(days=2, minutes=max(0, furthest or 0))  # a reminder a week before looks a week ahead
    for occurrence in occurrences(now - dt.timedelta(days=1), now + ahead, include_cancelled=False):
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


# -- Planning helpers ------------------------------------------------------------------------

RECURRENCE_UNITS = {"WEEKLY": ("week", "weeks"), "MONTHLY": ("month", "months")}


def recurrence(every: int, unit: str) -> str:
    """An iCalendar RRULE for "every `every` weeks/months" ("" for no repeat)."""
    if every <= 0 or unit not in RECURRENCE_UNITS:
        return ""
    return f"FREQ={unit};INTERVAL={every}" if every > 1 else f"FREQ={unit}"


def recurrence_parts(rule: str) -> tuple[int, str]:
    """The (every, unit) of a rule `recurrence` makes; (0, "") for none or one it cannot show."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    unit = parts.get("FREQ", "")
    if unit not in RECURRENCE_UNITS:
        return 0, ""
    try:
        return max(1, int(parts.get("INTERVAL", "1"))), unit
    except ValueError:
        return 1, unit


def describe_recurrence(rule: str) -> str:
    if not rule:
        return ""
    every, unit = recurrence_parts(rule)
    if not unit:
        return "Repeats (custom rule)"
    one, many = RECURRENCE_UNITS[unit]
    return f"Every {one}" if every == 1 else f"Every {every} {many}"


def recurrence_for_cadence(cadence_days: int) -> str:
    """A check-in rule matching a keep-in-touch cadence (30 days: monthly; 91: every 3 months)."""
    if cadence_days <= 0:
        return ""
    if cadence_days % 7 == 0 and cadence_days < 28:
        return recurrence(cadence_days // 7, "WEEKLY")
    return recurrence(max(1, round(cadence_days / 30.4)), "MONTHLY")


def local_days(first: dt.date, last: dt.date, zone: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the start of local day `first` to the end of local day `last`."""
    zone = zone or clock.local_zone()
    return (dt.datetime.combine(first, dt.time(0), zone),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), zone))


def day_counts(first: dt.date, last: dt.date, zone: dt.tzinfo | None = None) -> dict[dt.date, int]:
    """How many meetings (not cancelled) fall on each local day from `first` to `last`
    inclusive: what a month view marks. Only a series is read whole; of a single meeting
    its start is enough."""
    zone = zone or clock.local_zone()
    start, end = local_days(first, last, zone)
    where, params = _overlapping_sql(start, end, _NOT_CANCELLED, which="single")
    days = []
    for starts_at, framed in database.execute_sql(
            f"SELECT m.starts_at, m.all_day OR m.time_zone = '{FLOATING}' FROM meeting m WHERE {where}",
            params).fetchall():
        moment = parse_stamp(starts_at)  # a framed one's date is its date at UTC
        days.append(moment.astimezone(dt.UTC).date() if framed else moment.astimezone(zone).date())
    series, moved = _series_before(end, _NOT_CANCELLED)
    for record in series:
        days += [occurrence.starts_at.astimezone(zone).date()
                 for occurrence in _occurrences_of(record, start, end, zone, moved.get(record.uid, set()))]
    counts: dict[dt.date, int] = {}
    for day in days:
        if first <= day <= last:
            counts[day] = counts.get(day, 0) + 1
    return counts


def on_days(first: dt.date, last: dt.date | None = None, *, zone: dt.tzinfo | None = None,
            include_cancelled: bool = True) -> list[Occurrence]:
    """Every meeting on the local days `first` to `last` (one day by default); cancelled ones
    are included unless asked otherwise (the calendar shows them struck through)."""
    return occurrences(*local_days(first, last or first, zone), include_cancelled=include_cancelled)


def in_range(first: dt.date, last: dt.date) -> list[MeetingRecord]:
    """Meetings that overlap the local days `first` to `last`, each once (for export)."""
    seen: dict[int, MeetingRecord] = {}
    for occurrence in on_days(first, last):
        seen.setdefault(occurrence.meeting.id, occurrence.meeting)
    return list(seen.values())


def warnings(record: MeetingRecord) -> list[str]:
    """What the user should know before saving, without being stopped: other meetings at the
    same time, and attendees for whom the time falls outside their call hours."""
    found = []
    for other in overlapping(record):
        found.append(f"Overlaps “{other.title}” at {shown(other).starts_at:%H:%M}.")
    if record.all_day:
        return found  # no hour to be wrong about
    starts_at = shown(record).starts_at
    for person in contacts.get_contacts(record.contact_ids):
        zone = places.resolve_contact(person).zone
        if not zone:
            continue
        window = places.reasonable_hour(zone, places.call_hours_or_default(person.call_hours), starts_at)
        if not window.good:
            there = places.local_time(zone, starts_at)
            found.append(f"{there:%H:%M} on {there:%A} for {person.display_name}: "
                         f"{window.reason[0].lower()}{window.reason[1:]}.")
    return found


def both_times(starts_at: dt.datetime, zone: str, other_zone: str, other_place: str = "") -> str:
    """"10:00 here, 16:00 in Berlin" (just "10:00" when both zones keep the same time)."""
    here = starts_at.astimezone(places.zone_or_local(zone))
    text = f"{here:%H:%M} here"
    if other_zone and places.valid_zone(other_zone):
        there = starts_at.astimezone(ZoneInfo(other_zone))
        if there.utcoffset() != here.utcoffset():
            name = other_place or other_zone.split("/")[-1].replace("_", " ")
            day = "" if there.date() == here.date() else f" {there:%a}"
            text += f", {there:%H:%M}{day} in {name}"
    return text


def add_attendees_as_contacts(attendees: Sequence[Attendee]) -> list[int]:
    """Make contacts of attendees that are not in the notebook (an imported invitation's guests)
    and attach them to the meetings they attend; returns the new contacts' ids."""
    new_ids = []
    with database.atomic():
        for attendee in attendees:
            email = attendee.email.strip()
            existing = contact_for_email(email) if email else None
            if existing is None:
                name = attendee.name.strip() if attendee.name.strip() != email else ""
                record = contacts.ContactRecord(formatted_name=name or email.split("@")[0],
                                                points=[contacts.ContactPointRecord("email", email)] if email else [])
                existing = contacts.add_contact(record)
                new_ids.append(existing)
            if email:
                MeetingAttendee.update(contact=existing).where(
                    MeetingAttendee.contact.is_null(), fn.lower(MeetingAttendee.email) == email.lower()).execute()
    return new_ids


def contact_for_email(email: str) -> int | None:
    point = ContactPoint.get_or_none((ContactPoint.kind == "email") & (ContactPoint.normalised == email.lower()))
    return point.contact_id if point else None


def location_link(location: str) -> str:
    """Where a meeting's location leads: a web link as it is, a phone number as tel:, an address
    to a map search; "" for nothing."""
    text = location.strip()
    if not text:
        return ""
    if re.match(r"(?i)^(https?|zoommtg|msteams|sip|tel|mailto):", text):
        return text
    if re.fullmatch(r"\+?[\d\s().-]{7,}", text):
        return "tel:" + re.sub(r"[^\d+]", "", text)
    return _MAP_SEARCH + quote(text)


_MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def call_link(location: str) -> str:
    """The link that joins a call from its location (a web or app link, or a number as tel:);
    "" for an address, which leads to a map instead."""
    link = location_link(location)
    return "" if link.startswith((_MAP_SEARCH, "mailto:")) else link


def describe_reminder(occurrence: Occurrence, now: dt.datetime | None = None) -> str:
    """What a reminder says: the meeting, when, and the time where the person is: "Video call with
    Cathy Rogers starts in 15 minutes (16:00). It's 11:00 in the morning in Savannah, 5 h behind you." """
    now = now or history.now_utc()
    record = occurrence.meeting
    if record.all_day:  # on a date: no hour, and no time there to give
        local = clock.local(occurrence.starts_at)
        days = (local.date() - clock.local(now).date()).days
        return f"{record.title} is {({0: 'today', 1: 'tomorrow'}).get(days, f'on {local:%A %d %b}')}, all day."
    at = f"{clock.local(occurrence.starts_at):%H:%M}"
    minutes = round((occurrence.starts_at - now).total_seconds() / 60)
    local = clock.local(occurrence.starts_at)
    if minutes >= 120:
        days = (local.date() - clock.local(now).date()).days
        when = f"is {({0: 'today', 1: 'tomorrow'}).get(days, f'on {local:%A}')} at {at}"
    elif minutes > 60:  # "starts in 1 h 45 min", not "in 105 minutes"
        when = f"starts in {duration_text(minutes)} ({at})"
    elif minutes > 1:
        when = f"starts in {minutes} minutes ({at})"
    elif minutes >= -5:
        when = f"starts now ({at})"
    else:
        when = f"started at {at} on {local:%a %d %b}, while Rapport was closed"
    text = f"{record.title} {when}."
    for person in contacts.get_contacts(record.contact_ids[:1]):
        zone = places.resolve_contact(person).zone
        if zone:
            there = places.describe_local_time(zone, person.city, occurrence.starts_at)
            text += " " + (there.replace("It's", "It will be", 1) if minutes >= 120 else there) + "."
    return text
