"""Meetings in and out of iCalendar (.ics), through vobject.

Export writes one VEVENT per meeting with a stable UID, its zone as a VTIMEZONE, attendees as
ATTENDEE with their email, the reminder as a VALARM and a recurrence as its RRULE. Import reads
what Google, Outlook/Exchange, Apple and Thunderbird write, event by event: an event that
cannot be read is reported with its file and line and the others still come in. Attendees are
matched to contacts by email; importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import vobject
from dateutil import tz as dateutil_tz

from model import meetings, places
from model.meetings import Attendee, MeetingRecord
from model.schema import ContactPoint, database


def _not_from_vobject(record: logging.LogRecord) -> bool:
    """vobject logs a broken VTIMEZONE on the root logger; the import reports it per event instead."""
    return "vobject" not in record.pathname


logging.getLogger().addFilter(_not_from_vobject)

_PRODID = "-//Rapport//Rapport meetings//EN"
_KIND_KEY = "X-RAPPORT-KIND"
_OFFSET = re.compile(r"^(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_STATUS_KEY = "X-RAPPORT-STATUS"


class IcsError(ValueError):
    pass


# -- Export -----------------------------------------------------------------------------------


def _tzinfo(zone: str) -> dt.tzinfo:
    # dateutil's zones are the ones vobject knows how to write as VTIMEZONE.
    if not places.valid_zone(zone):
        return vobject.icalendar.utc
    found = dateutil_tz.gettz(zone)
    found.tzid = zone  # vobject names the VTIMEZONE after `tzid`; otherwise after the abbreviation ("GMT")
    return found


def meeting_to_event(calendar, record: MeetingRecord) -> None:
    event = calendar.add("vevent")
    event.add("uid").value = record.uid
    event.add("dtstamp").value = dt.datetime.now(vobject.icalendar.utc).replace(microsecond=0)
    zone = _tzinfo(record.time_zone)
    event.add("dtstart").value = record.starts_at.astimezone(zone)
    event.add("dtend").value = record.ends_at.astimezone(zone)
    event.add("summary").value = record.title
    if record.location:
        event.add("location").value = record.location
    if record.agenda:
        event.add("description").value = record.agenda
    event.add("status").value = "CANCELLED" if record.status == "cancelled" else "CONFIRMED"
    event.add(_KIND_KEY.lower()).value = record.kind
    if record.status == "done":
        event.add(_STATUS_KEY.lower()).value = "done"
    if record.recurrence:
        event.add("rrule").value = record.recurrence.removeprefix("RRULE:")
    for attendee in record.attendees:
        line = event.add("attendee")
        line.value = f"mailto:{attendee.email}" if attendee.email else "mailto:invalid:nomail"
        if attendee.name:
            line.params["CN"] = [attendee.name]
    if record.reminder_minutes is not None:
        alarm = event.add("valarm")
        alarm.add("action").value = "DISPLAY"
        alarm.add("description").value = record.title
        alarm.add("trigger").value = -dt.timedelta(minutes=record.reminder_minutes)


def write_ics(records: Iterable[MeetingRecord], stream: TextIO) -> int:
    calendar = vobject.iCalendar()
    calendar.add("prodid").value = _PRODID
    count = 0
    for record in records:
        record.attendees = [_with_email(a) for a in record.attendees]
        meeting_to_event(calendar, record)
        count += 1
    try:
        text = calendar.serialize()
    except vobject.base.VObjectError as error:
        raise IcsError(f"cannot write the calendar: {error}") from error
    stream.write(text)
    return count


def _with_email(attendee: Attendee) -> Attendee:
    """A contact attending without an email on the meeting gets their first email address."""
    if attendee.email or not attendee.contact_id:
        return attendee
    point = (ContactPoint.select().where(ContactPoint.contact == attendee.contact_id, ContactPoint.kind == "email")
             .order_by(ContactPoint.position).first())
    return Attendee(attendee.contact_id, attendee.name, point.value if point else "")


# -- Import -----------------------------------------------------------------------------------


@dataclass
class ParsedEvent:
    file: str
    line: int
    record: MeetingRecord | None = None
    error: str = ""
    unknown_attendees: list[Attendee] = field(default_factory=list)


@dataclass
class IcsPlan:
    files: list[str] = field(default_factory=list)
    events: list[ParsedEvent] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> dict:
        return {"files": len(self.files), "events": len(self.events), "new": self.added, "updated": self.updated,
                "unchanged": self.unchanged,
                "rejected": [{"file": e.file, "line": e.line, "reason": e.error} for e in self.events if e.error]}


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        else:
            lines.append((number, raw))
    return lines


def _blocks(lines: list[tuple[int, str]], name: str) -> list[tuple[int, list[str]]]:
    blocks, current, start, depth = [], None, 0, 0
    for number, line in lines:
        upper = line.strip().upper()
        if upper == f"BEGIN:{name}":
            if current is None:
                current, start, depth = [], number, 0
            depth += 1
        if current is not None:
            current.append(line)
            if upper == f"END:{name}":
                depth -= 1
                if depth == 0:
                    blocks.append((start, current))
                    current = None
    if current is not None:
        blocks.append((start, current))  # never closed: reported when parsed
    return blocks


def read_ics(path: str | Path) -> list[ParsedEvent]:
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        return [ParsedEvent(name, 0, error=f"cannot read the file: {error.strerror or error}")]
    text = _decode(data)
    if "BEGIN:VCALENDAR" not in text.upper():
        return [ParsedEvent(name, 1, error="not an iCalendar file (no BEGIN:VCALENDAR)")]
    lines = _unfold(text)
    zones = ["\n".join(block) for _, block in _blocks(lines, "VTIMEZONE")]
    events = _blocks(lines, "VEVENT")
    if not events:
        return [ParsedEvent(name, 1, error="no events (VEVENT) in this calendar")]
    return [_read_event(name, start, block, zones) for start, block in events]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_event(name: str, start: int, block: list[str], zones: list[str]) -> ParsedEvent:
    if block[-1].strip().upper() != "END:VEVENT":
        return ParsedEvent(name, start, error="the event is not closed (no END:VEVENT)")
    body = "\n".join(block)
    event = None
    for timezones in (zones, []):  # a broken VTIMEZONE should not cost the event
        try:
            calendar = vobject.readOne("BEGIN:VCALENDAR\nVERSION:2.0\n" + "\n".join(timezones) + "\n" + body
                                       + "\nEND:VCALENDAR\n", ignoreUnreadable=True)
            event = calendar.vevent
            break
        except Exception as error:  # noqa: BLE001 - vobject raises many kinds; all mean "unreadable"
            failure = error
    if event is None:
        return ParsedEvent(name, start, error=f"cannot read the event: {_reason(failure)}")
    try:
        return _to_record(name, start, event)
    except (IcsError, ValueError, TypeError, AttributeError) as error:
        return ParsedEvent(name, start, error=str(error) or type(error).__name__)


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return re.sub(r"\s+", " ", text)[:200]


def _moment(prop, all_day_end: bool = False) -> tuple[dt.datetime, str, bool]:
    """(aware instant, IANA zone or "", all day) of a DTSTART or DTEND."""
    value = prop.value
    tzid = (prop.params.get("TZID") or prop.params.get("X-VOBJ-ORIGINAL-TZID") or [""])[0]
    if isinstance(value, dt.datetime):
        zone = tzid if places.valid_zone(tzid) else ""
        if value.tzinfo is None:
            if zone:
                value = value.replace(tzinfo=places.ZoneInfo(zone))
            elif tzid and _OFFSET.match(tzid):  # "UTC+11", as some programs name a fixed offset
                sign, hours, minutes = _OFFSET.match(tzid).groups()
                offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0)) * (-1 if sign == "-" else 1)
                value = value.replace(tzinfo=dt.timezone(offset))
            elif tzid:
                raise IcsError(f"the time zone {tzid!r} is neither defined in the file nor known")
            else:  # floating time: the user's local time, as the standard says
                value = value.astimezone()
        if not zone:
            key = getattr(value.tzinfo, "key", "") or ""
            zone = key if places.valid_zone(key) else ""
        return value.astimezone(dt.UTC), zone, False
    if isinstance(value, dt.date):
        local = dt.datetime.combine(value, dt.time(0)).astimezone()
        return local.astimezone(dt.UTC), "", True
    raise IcsError(f"unreadable date {value!r}")


def _to_record(name: str, line: int, event) -> ParsedEvent:
    if not hasattr(event, "dtstart"):
        raise IcsError("the event has no start (DTSTART)")
    starts, zone, all_day = _moment(event.dtstart)
    if hasattr(event, "dtend"):
        ends = _moment(event.dtend)[0]
    elif hasattr(event, "duration"):
        ends = starts + event.duration.value
    else:
        ends = starts + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    if ends <= starts:
        if ends < starts:
            raise IcsError("the event ends before it starts")
        ends = starts + dt.timedelta(minutes=1)  # a zero-length event: a moment, kept as one minute
    title = (event.summary.value if hasattr(event, "summary") else "").strip() or "(untitled event)"
    status = getattr(event, "status", None)
    rapport_status = getattr(event, _STATUS_KEY.lower().replace("-", "_"), None)
    if rapport_status is not None and rapport_status.value == "done":
        state = "done"
    else:
        state = "cancelled" if status is not None and str(status.value).upper() == "CANCELLED" else "planned"
    kind_prop = getattr(event, _KIND_KEY.lower().replace("-", "_"), None)
    location = event.location.value if hasattr(event, "location") else ""
    kind = kind_prop.value if kind_prop is not None and kind_prop.value in meetings.KINDS else _guess_kind(location)
    reminder = None
    for alarm in event.contents.get("valarm", []):
        trigger = getattr(alarm, "trigger", None)
        if trigger is not None and isinstance(trigger.value, dt.timedelta):
            reminder = max(0, round(-trigger.value.total_seconds() / 60))
            break
    recurrence = ""
    if "rrule" in event.contents:
        recurrence = str(event.contents["rrule"][0].value)
    attendees, unknown = _attendees(event)
    uid = event.uid.value.strip() if hasattr(event, "uid") and event.uid.value.strip() else \
        f"{name}-{line}-{starts.isoformat()}@import"
    if hasattr(event, "recurrence_id"):  # one changed occurrence of a recurring meeting: its own meeting here
        uid = f"{uid}#{_moment(event.recurrence_id)[0].isoformat()}"
    agenda = event.description.value if hasattr(event, "description") else ""
    record = MeetingRecord(title, starts, ends, kind, zone, str(location or ""), str(agenda or ""), state, "",
                           reminder, recurrence, attendees, uid)
    errors = record.problems()
    if errors:
        raise IcsError(" ".join(errors))
    return ParsedEvent(name, line, record, unknown_attendees=unknown)


def _guess_kind(location: str) -> str:
    text = (location or "").lower()
    if any(word in text for word in ("zoom", "meet.google", "teams", "http", "webex", "jitsi")):
        return "video"
    if re.fullmatch(r"[+\d\s().-]{7,}", text.strip()):
        return "phone"
    return "in_person" if text.strip() else "video"


def _attendees(event) -> tuple[list[Attendee], list[Attendee]]:
    found, unknown = [], []
    for prop in event.contents.get("attendee", []):
        value = str(prop.value)
        email = value.split(":", 1)[1] if value.lower().startswith("mailto:") else ""
        email = "" if email.startswith("invalid:") else email.strip()
        cn = (prop.params.get("CN") or [""])[0].strip().strip('"')
        contact_id = meetings.contact_for_email(email) if email else None
        attendee = Attendee(contact_id, cn or email, email)
        found.append(attendee)
        if contact_id is None:
            unknown.append(attendee)
    return found, unknown


def import_files(paths: Iterable[str | Path]) -> IcsPlan:
    """Read every event and save it: new UIDs are added, known ones updated when they changed.
    Two events with one UID in the same import: the second is reported, the first kept."""
    plan = IcsPlan()
    for path in paths:
        plan.files.append(str(path))
        plan.events += read_ics(path)
    seen: dict[str, ParsedEvent] = {}
    for parsed in plan.events:
        if parsed.record is None:
            continue
        first = seen.setdefault(parsed.record.uid, parsed)
        if first is not parsed:
            parsed.error = f"same UID as the event at {first.file}, line {first.line}; kept that one"
            parsed.record = None
    with database.atomic():
        for parsed in plan.events:
            if parsed.record is None:
                continue
            existing = meetings.by_uid(parsed.record.uid)
            if existing is None:
                meetings.save(parsed.record)
                plan.added += 1
                continue
            parsed.record.id = existing.id
            parsed.record.outcome = existing.outcome
            if existing.status == "done" and parsed.record.status == "planned":
                parsed.record.status = "done"  # done here stays done
            if _same(existing, parsed.record):
                plan.unchanged += 1
            else:
                meetings.save(parsed.record)
                plan.updated += 1
    return plan


def _same(a: MeetingRecord, b: MeetingRecord) -> bool:
    def key(r: MeetingRecord):
        return (r.title, r.starts_at, r.ends_at, r.kind, r.time_zone, r.location, r.agenda, r.status,
                r.reminder_minutes, r.recurrence, [(x.contact_id, x.email) for x in r.attendees])
    return key(a) == key(b)
