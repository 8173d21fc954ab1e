"""Meetings in and out of iCalendar (.ics), through vobject.

Export writes one VEVENT per meeting with a stable UID, its zone as a VTIMEZONE, attendees as
ATTENDEE with their email, the reminder as a VALARM and a recurrence as its RRULE. Import reads
what Google, Outlook/Exchange, Apple and Thunderbird write, event by event: an event that
cannot be read is reported with its file and line and the others still come in. Attendees are
matched to contacts by email; importing the same file again changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import vobject

from model import clock, content_lines, meetings, places, recurrence, storage
from model.content_lines import well_formed
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


# Events are written as content lines here rather than built as vobject components: building
# and serialising 10,000 events through vobject takes over five seconds, these lines a fraction of
# one. vobject still writes the VTIMEZONEs and reads everything back (the tests round-trip).


def _text(value: str) -> str:
    """An iCalendar TEXT value, escaped (RFC 5545, 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _param(value: str) -> str:
    """A parameter value, quoted when it holds separators (quotes cannot be escaped: dropped)."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(ch in value for ch in ":;,") else value


def _date_time(name: str, moment: dt.datetime, zone: str, all_day: bool = False) -> str:
    return _date_times(name, [moment], zone, all_day)


def _date_times(name: str, moments: list[dt.datetime], zone: str, all_day: bool) -> str:
    """DTSTART, EXDATE and their kind: dates for an all-day meeting (VALUE=DATE), local times
    with the TZID of a zoned one, UTC otherwise."""
    if all_day:
        return f"{name};VALUE=DATE:{','.join(f'{m.astimezone(dt.UTC):%Y%m%d}' for m in moments)}"
    if zone == meetings.FLOATING:  # a clock time in no zone (RFC 5545 3.3.5, form #1)
        return f"{name}:{','.join(f'{m.astimezone(dt.UTC):%Y%m%dT%H%M%S}' for m in moments)}"
    if places.valid_zone(zone) and zone != "UTC":
        local = [moment.astimezone(ZoneInfo(zone)) for moment in moments]
        return f"{name};TZID={zone}:{','.join(f'{m:%Y%m%dT%H%M%S}' for m in local)}"
    return f"{name}:{','.join(f'{m.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}' for m in moments)}"


def event_lines(record: MeetingRecord, stamp: str) -> list[str]:
    """The VEVENT of one meeting, as unfolded content lines."""
    lines = ["BEGIN:VEVENT", f"UID:{_text(record.uid)}", f"DTSTAMP:{stamp}",
             _date_time("DTSTART", record.starts_at, record.time_zone, record.all_day),
             _date_time("DTEND", record.ends_at, record.time_zone, record.all_day),
             f"SUMMARY:{_text(record.title)}"]
    if record.recurrence_id is not None:
        lines.append(_date_time("RECURRENCE-ID", record.recurrence_id, record.time_zone, record.all_day))
    if record.location:
        lines.append(f"LOCATION:{_text(record.location)}")
    if record.agenda:
        lines.append(f"DESCRIPTION:{_text(record.agenda)}")
    lines.append(f"STATUS:{'CANCELLED' if record.status == 'cancelled' else 'CONFIRMED'}")
    lines.append(f"{_KIND_KEY}:{_text(record.kind)}")
    if record.status == "done":
        lines.append(f"{_STATUS_KEY}:done")
    if record.recurrence:
        rule = record.recurrence.removeprefix("RRULE:")
        if record.floating:  # UNTIL is floating when DTSTART is (RFC 5545 3.3.10)
            rule = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", rule)
        lines.append(f"RRULE:{rule}")
        if record.rdates:
            lines.append(_date_times("RDATE", record.rdates, record.time_zone, record.all_day))
        if record.exdates:
            lines.append(_date_times("EXDATE", record.exdates, record.time_zone, record.all_day))
    for attendee in record.attendees:
        name = f";CN={_param(attendee.name)}" if attendee.name else ""
        lines.append(f"ATTENDEE{name}:mailto:{attendee.email or 'invalid:nomail'}")
    if record.reminder_minutes is not None:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(record.title)}",
                  _trigger(record.reminder_minutes), "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def _vtimezone(zone: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE of an IANA zone, made from zoneinfo's own transitions over the years the
    calendar spans (one observance per change, with its exact onset): vobject's writer, with
    python-dateutil, put every daylight-saving change of 2020-2027 an hour late."""
    info = ZoneInfo(zone)
    # Years outside 1900-2100 take the nearest observance: readers use it for what lies beyond.
    first_year, last_year = min(max(first_year, 1900), 2100), max(min(last_year, 2100), 1900)
    start = dt.datetime(first_year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 12, 31, tzinfo=dt.UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    offset = start.astimezone(info).utcoffset() or dt.timedelta(0)
    observances = [("STANDARD" if not start.astimezone(info).dst() else "DAYLIGHT", start, offset, offset,
                    start.astimezone(info).tzname() or "")]
    for moment in _transitions(info, start, end):
        after = moment.astimezone(info)
        new = after.utcoffset() or dt.timedelta(0)
        observances.append(("DAYLIGHT" if after.dst() else "STANDARD", moment, offset, new, after.tzname() or ""))
        offset = new
    for kind, moment, before, after, name in observances:
        lines += [f"BEGIN:{kind}", f"DTSTART:{(moment.replace(tzinfo=None) + before):%Y%m%dT%H%M%S}",
                  f"TZOFFSETFROM:{_utc_offset(before)}", f"TZOFFSETTO:{_utc_offset(after)}"]
        if name:
            lines.append(f"TZNAME:{_text(name)}")
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return "".join(content_lines.fold(line) for line in lines)


def _transitions(info: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The instants (UTC, to the second) at which `info`'s offset or name changes in [start, end)."""
    def state(moment: dt.datetime):
        local = moment.astimezone(info)
        return local.utcoffset(), local.dst(), local.tzname()

    found = []
    step = dt.timedelta(days=1)
    moment, current = start, state(start)
    while moment < end:
        following = moment + step
        if state(following) != current:
            low, high = moment, following  # the change is in (low, high]: halve to the second
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            found.append(high)
            current = state(high)
        moment = following
    return found


def _utc_offset(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def write_ics(records: Iterable[MeetingRecord], stream: TextIO) -> int:
    """Write `records` as one calendar (VTIMEZONEs for their zones); returns how many."""
    records = list(records)
    emails = _first_emails({a.contact_id for r in records for a in r.attendees if a.contact_id and not a.email})
    years: dict[str, list[int]] = {}
    for r in records:
        if places.valid_zone(r.time_zone) and r.time_zone != "UTC" and not r.all_day:
            span = years.setdefault(r.time_zone, [r.starts_at.year, r.starts_at.year])
            last = r.starts_at.year + (20 if r.recurrence else 0)  # a series: its next twenty years
            span[0], span[1] = min(span[0], r.starts_at.year), max(span[1], last)
    timezones = "".join(_vtimezone(zone, *years[zone]) for zone in sorted(years))
    stamp = f"{clock.now():%Y%m%dT%H%M%SZ}"
    out = ["BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", content_lines.fold(f"PRODID:{_PRODID}"), timezones]
    for record in records:
        # A contact attending without an email on the meeting is written with their first address.
        record.attendees = [a if a.email or not a.contact_id else Attendee(a.contact_id, a.name,
                                                                             emails.get(a.contact_id, ""))
                            for a in record.attendees]
        out += [content_lines.fold(line) for line in event_lines(record, stamp)]
    out.append("END:VCALENDAR\r\n")
    stream.write("".join(out))
    return len(records)


def calendar_objects(records: Iterable[MeetingRecord]) -> dict[str, str]:
    """Each UID's calendar object, as a CalDAV server stores it (RFC 4791 4.1): a series with
    its changed occurrences and the VTIMEZONEs they use, one VCALENDAR each."""
    by_uid: dict[str, list[MeetingRecord]] = {}
    for record in records:
        by_uid.setdefault(record.uid, []).append(record)
    objects = {}
    for uid, group in by_uid.items():
        stream = io.StringIO()
        write_ics(sorted(group, key=lambda r: r.recurrence_id is not None), stream)
        objects[uid] = stream.getvalue()
    return objects


def export_file(records: Iterable[MeetingRecord], path: str | Path) -> int:
    """Write `records` to the .ics file at `path`, all or nothing: a full disk or a failure half
    way leaves any file already there untouched. Raises OSError or IcsError."""
    return storage.write_whole(path, lambda stream: write_ics(records, stream))


def _first_emails(contact_ids: set[int]) -> dict[int, str]:
    """Each contact's first email address (in their order), read in batches."""
    found: dict[int, str] = {}
    ids = sorted(contact_ids)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows = (ContactPoint.select(ContactPoint.contact, ContactPoint.value)
                .where(ContactPoint.contact.in_(part), ContactPoint.kind == "email")
                .order_by(ContactPoint.contact, ContactPoint.position).tuples())
        for contact_id, value in rows:
            found.setdefault(contact_id, value)
    return found


# -- Import -----------------------------------------------------------------------------------


@dataclass
class ParsedEvent:
    file: str
    line: int
    record: MeetingRecord | None = None
    error: str = ""
    unknown_attendees: list[Attendee] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was left out of an event that was read
    # A changed occurrence with RECURRENCE-ID;RANGE=THISANDFUTURE: it changes the series from there on.
    this_and_future: bool = False


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
                "rejected": [{"file": e.file, "line": e.line, "reason": e.error} for e in self.events if e.error],
                "warnings": [{"file": e.file, "line": e.line, "warning": warning} for e in self.events
                             for warning in e.warnings]}


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        else:
            lines.append((number, raw))
    return lines


_DATE_WITH_Z = re.compile(r"(?<=[:,])(\d{8})Z(?=,|$)")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID", "DUE")


def _dates_without_z(line: str) -> str:
    """A date written with a Z ("RDATE:20131210Z", Google's birthdays): the date it is."""
    if line[:14].upper().startswith(_DATE_PROPERTIES) and "Z" in line:
        fixed = _DATE_WITH_Z.sub(lambda match: match.group(1), line)
        head, _, values = fixed.partition(":")
        if fixed != line and "VALUE=" not in head.upper() and re.fullmatch(r"\d{8}(,\d{8})*", values):
            return f"{head};VALUE=DATE:{values}"
        return fixed
    return line


_TZID_PARAM = re.compile(r'(;TZID=)("[^"]*"|[^;:]*)', re.IGNORECASE)


def _clean_tzid(name: str) -> str:
    quoted = name.startswith('"')
    name = name.strip('"').replace("\\,", ",").replace("\\;", ";")
    name = name.lstrip("/") if places.zone_named(name.lstrip("/")) == places.zone_named(name) else name
    return f'"{name}"' if quoted or any(c in name for c in ",;:") else name


def _clean_tzids(line: str) -> str:
    """A TZID as the file's own VTIMEZONE and the zone database spell it: without the escapes
    Outlook puts before a comma ("Kuala Lumpur\\, Singapore") or a leading slash."""
    if "TZID" not in line.upper():
        return line
    if line[:5].upper() == "TZID:":
        return "TZID:" + _clean_tzid(line[5:]).strip('"')
    return _TZID_PARAM.sub(lambda match: match.group(1) + _clean_tzid(match.group(2)), line)


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
    return read_text(_decode(data), name)


def read_text(text: str, name: str) -> list[ParsedEvent]:
    """Every event of a calendar's text (a file, or one calendar object from a CalDAV server)."""
    if "BEGIN:VCALENDAR" not in text.upper():
        return [ParsedEvent(name, 1, error="not an iCalendar file (no BEGIN:VCALENDAR)")]
    lines = [(number, _dates_without_z(_clean_tzids(line))) for number, line in _unfold(text)]
    # A line vobject cannot read is left out, as its ignoreUnreadable would, but without
    # letting its pattern spend minutes on it first (model/content_lines.py).
    zones: dict[str, list[str]] = {}
    for _, block in _blocks(lines, "VTIMEZONE"):
        tzid = next((line[5:].strip() for line in block if line[:5].upper() == "TZID:"), "")
        zones.setdefault(tzid, []).append("\n".join(line for line in block if well_formed(line)))
    events = _blocks(lines, "VEVENT")
    if not events:
        return [ParsedEvent(name, 1, error="no events (VEVENT) in this calendar")]
    return [_read_event(name, start, block, _zones_used(block, zones)) for start, block in events]


def _zones_used(block: list[str], zones: dict[str, list[str]]) -> list[str]:
    """The file's VTIMEZONEs that the event's TZIDs name. vobject reads every VTIMEZONE it is
    given, so handing each event all of them made a calendar of n events in m zones cost n×m zone
    reads (Rapport's own export of the corpus, 180 events in 40 zones: 120 s to read back, 3 s now)."""
    used = {match.group(2).strip('"') for line in block if "TZID" in line.upper()
            for match in _TZID_PARAM.finditer(line)}
    return [text for tzid in used for text in zones.get(tzid, [])]


def _decode(data: bytes) -> str:
    """The file's text: UTF-8 (RFC 5545 3.1.4), line by line, so that one broken byte costs only
    its own character; a file with no UTF-8 beyond ASCII at all but other bytes is cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    utf8 = False
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8 = True
                break
            except UnicodeDecodeError:
                continue
    if utf8:
        return data.decode("utf-8-sig", errors="replace")
    return data.decode("cp1252", errors="replace")


def _read_event(name: str, start: int, block: list[str], zones: list[str]) -> ParsedEvent:
    if block[-1].strip().upper() != "END:VEVENT":
        return ParsedEvent(name, start, error="the event is not closed (no END:VEVENT)")
    body = "\n".join(line for line in block if well_formed(line))  # as in read_ics
    without_alarms = "\n".join(_without_alarms([line for line in block if well_formed(line)]))
    event, warnings = None, []
    failure: Exception = IcsError("unreadable")
    # A broken VTIMEZONE should not cost the event, nor a broken alarm (it is left out, with a word).
    for timezones, text in ((zones, body), ([], body), (zones, without_alarms), ([], without_alarms)):
        try:
            calendar = vobject.readOne("BEGIN:VCALENDAR\nVERSION:2.0\n" + "\n".join(timezones) + "\n" + text
                                       + "\nEND:VCALENDAR\n", ignoreUnreadable=True)
            event = calendar.vevent
            parsed = _to_record(name, start, event, block)
            if text is without_alarms and text != body:
                parsed.warnings.append(f"its alarm could not be read ({_reason(failure)}) and was left out")
            parsed.warnings += warnings
            return parsed
        except (IcsError, ValueError, TypeError, AttributeError, OverflowError, KeyError) as error:
            failure = error
            if event is not None and not isinstance(error, (AttributeError, KeyError)):
                break  # the event was read; what it says is wrong
        except Exception as error:  # noqa: BLE001 - vobject raises many kinds; all mean "unreadable"
            failure = error
    if event is None:
        return ParsedEvent(name, start, error=f"cannot read the event: {_reason(failure)}")
    return ParsedEvent(name, start, error=_reason(failure))


def _without_alarms(lines: list[str]) -> list[str]:
    kept, depth = [], 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VALARM":
            depth += 1
        elif upper == "END:VALARM" and depth:
            depth -= 1
            continue
        if not depth:
            kept.append(line)
    return kept


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return re.sub(r"\s+", " ", text)[:200]


def _moment(prop) -> tuple[dt.datetime, str, bool]:
    """(aware instant, IANA zone or "", all day) of a DTSTART, DTEND or RECURRENCE-ID; a date
    is that date at 00:00 UTC (all-day meetings are on dates, in no zone)."""
    value = prop.value
    tzid = (prop.params.get("TZID") or prop.params.get("X-VOBJ-ORIGINAL-TZID") or [""])[0]
    if isinstance(value, dt.datetime):
        return _instant(value, tzid)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), dt.UTC), "", True
    raise IcsError(f"unreadable date {value!r}")


def _instant(value: dt.datetime, tzid: str = "") -> tuple[dt.datetime, str, bool]:
    tzid = "" if tzid == meetings.FLOATING else tzid
    zone = places.zone_named(tzid)
    written_in_utc = value.tzinfo is dt.UTC or type(value.tzinfo).__name__ in ("tzutc", "UTC")
    if zone and value.tzinfo is not None and not isinstance(value.tzinfo, ZoneInfo) and not written_in_utc:
        # A TZID that names a zone of the database: its rules, not the file's copy of them (macOS
        # wrote Moscow as +02:30:17; Zimbra an empty VTIMEZONE), as RFC 7808 practice has it.
        value = value.replace(tzinfo=None)
    if value.tzinfo is None:
        if zone:
            value = value.replace(tzinfo=places.ZoneInfo(zone))
        elif tzid and _OFFSET.match(tzid):  # "UTC+11", as some programs name a fixed offset
            sign, hours, minutes = _OFFSET.match(tzid).groups()
            offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0)) * (-1 if sign == "-" else 1)
            value = value.replace(tzinfo=dt.timezone(offset))
        elif tzid:
            raise IcsError(f"the time zone {tzid!r} is neither defined in the file nor known")
        else:  # a floating time (RFC 5545 3.3.5): this clock time wherever the user is, in the frame
            return value.replace(tzinfo=dt.UTC), meetings.FLOATING, False
    if not zone:
        key = getattr(value.tzinfo, "key", "") or ""
        zone = key if places.valid_zone(key) else ""
    if not zone and written_in_utc:
        zone = "UTC"  # a series in UTC repeats in UTC, not in the user's zone
    if not zone and tzid and value.tzinfo is not None and value.utcoffset() is not None:
        # A zone only the file's VTIMEZONE defines (Outlook's "Canberra, Melbourne, Sydney", a
        # custom_... one): the IANA zone whose offsets agree with it, so that a series is expanded
        # in a zone that knows daylight saving.
        zone = places.zone_matching(tzid, value.tzinfo, value.year) if value.year < 9000 else ""
    if not zone:
        # A fixed offset, or a VTIMEZONE no IANA zone agrees with: its instant is right, and a
        # series repeats in UTC (Etc/GMT-11 for a whole-hour offset, so that its days stay its own).
        offset = value.utcoffset() or dt.timedelta(0)
        hours, rest = divmod(int(offset.total_seconds()), 3600)
        zone = f"Etc/GMT{-hours:+d}" if not rest and hours and abs(hours) <= 12 else "UTC"
    return value.astimezone(dt.UTC), zone, False


def _moments(event, name: str, all_day: bool, zone: str, rule: str = "",
             first: dt.datetime | None = None) -> list[dt.datetime]:
    """The starts an RDATE or EXDATE list names, in the series' frame (dates at 00:00 UTC). A
    date in the list of a timed series names every occurrence on that day, in its zone (KOrganizer
    writes EXDATE;VALUE=DATE so)."""
    found = []
    for prop in event.contents.get(name, []):
        tzid = (prop.params.get("TZID") or prop.params.get("X-VOBJ-ORIGINAL-TZID") or [""])[0]
        values = prop.value if isinstance(prop.value, list) else [prop.value]
        for value in values:
            if isinstance(value, tuple):  # a PERIOD: its start
                value = value[0]
            if isinstance(value, dt.datetime):
                if all_day:
                    found.append(dt.datetime.combine(value.date(), dt.time(0), dt.UTC))
                else:
                    # a floating time in the list of a zoned series: in its zone
                    found.append(_instant(value, tzid or (zone if value.tzinfo is None else ""))[0])
            elif isinstance(value, dt.date) and (all_day or first is None):
                found.append(dt.datetime.combine(value, dt.time(0), dt.UTC))
            elif isinstance(value, dt.date):
                frame = dt.UTC if zone == meetings.FLOATING else places.zone_or_local(zone)
                day = dt.datetime.combine(value, dt.time(0), frame)
                try:
                    found += recurrence.expand(rule, first.astimezone(frame), False, day, day + dt.timedelta(days=1))
                except recurrence.RuleError:
                    pass
    return sorted({moment.astimezone(dt.UTC) for moment in found})


# The TEXT properties read from the line itself: vobject keeps only the first of several
# comma-separated values ("LOCATION:aka bild, wien" became "aka bild"), where a person means one.
_RAW_TEXT = ("SUMMARY", "LOCATION", "DESCRIPTION")


def _raw_texts(block: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    depth = 0
    for line in block:
        upper = line[:12].upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            continue
        if upper.startswith("END:"):
            depth -= 1
            continue
        if depth != 1 or not well_formed(line):
            continue
        name, _params, value, _group = vobject.base.parseLine(line)
        if name.upper() in _RAW_TEXT and name.upper() not in found:
            found[name.upper()] = content_lines.unescape(value)
    return found


def _to_record(name: str, line: int, event, block: list[str] | None = None) -> ParsedEvent:
    if not hasattr(event, "dtstart"):
        raise IcsError("the event has no start (DTSTART)")
    starts, zone, all_day = _moment(event.dtstart)
    if hasattr(event, "dtend"):
        ends, end_zone, end_all_day = _moment(event.dtend)
        if (end_zone == meetings.FLOATING) != (zone == meetings.FLOATING) and not (all_day or end_all_day):
            # One floating end of a zoned start (khal), or the other way round: its clock time
            # in the start's frame.
            if end_zone == meetings.FLOATING:
                ends = ends.replace(tzinfo=places.zone_or_local(zone)).astimezone(dt.UTC)
            else:
                ends = ends.astimezone(places.zone_or_local(end_zone)).replace(tzinfo=dt.UTC)
        if all_day and not end_all_day:  # a timed end for a date: the day it falls on, whole
            ends = dt.datetime.combine(ends.date() + dt.timedelta(days=1), dt.time(0), dt.UTC)
    elif hasattr(event, "duration"):
        ends = starts + event.duration.value
    else:  # RFC 5545 3.6.1: a day for a date, a moment for a time
        ends = starts + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
    if ends <= starts:
        if ends < starts:
            raise IcsError("the event ends before it starts")
        ends = starts + (dt.timedelta(days=1) if all_day else dt.timedelta(minutes=1))
    texts = _raw_texts(block or [])
    title = texts.get("SUMMARY", event.summary.value if hasattr(event, "summary") else "").strip() or \
        "(untitled event)"
    status = getattr(event, "status", None)
    rapport_status = getattr(event, _STATUS_KEY.lower().replace("-", "_"), None)
    if rapport_status is not None and rapport_status.value == "done":
        state = "done"
    else:
        state = "cancelled" if status is not None and str(status.value).upper() == "CANCELLED" else "planned"
    kind_prop = getattr(event, _KIND_KEY.lower().replace("-", "_"), None)
    location = texts.get("LOCATION", event.location.value if hasattr(event, "location") else "")
    kind = kind_prop.value if kind_prop is not None and kind_prop.value in meetings.KINDS else _guess_kind(location)
    warnings: list[str] = []
    reminder = _alarm(event, starts, ends, all_day or zone == meetings.FLOATING)
    if reminder is None:
        reminder = _vcalendar_alarm(event, starts)
    rule = ""
    if "rrule" in event.contents:
        raw_rule = str(event.contents["rrule"][0].value)
        if "FREQ=" not in raw_rule.upper():  # vCalendar 1.0's syntax ("W2 MO WE FR 20050630T000000")
            try:
                raw_rule = recurrence.from_vcalendar(raw_rule)
            except recurrence.RuleError as error:
                warnings.append(str(error))
        frame = dt.UTC if all_day or zone == meetings.FLOATING else places.zone_or_local(zone)
        try:
            rule = recurrence.normalise(raw_rule, starts.astimezone(frame), all_day)
        except recurrence.RuleError as error:
            rule = raw_rule  # kept as it came: expansion shows the first meeting, export writes it back
            warnings.append(f"{error}; only its first meeting is shown")
    attendees, unknown = _attendees(event)
    uid = event.uid.value.strip() if hasattr(event, "uid") and event.uid.value.strip() else \
        f"{name}-{line}-{starts.isoformat()}@import"
    recurrence_id = None
    this_and_future = False
    if hasattr(event, "recurrence_id"):  # one changed occurrence of a series: the start it replaces
        recurrence_id = _moment(event.recurrence_id)[0]
        rule = ""
        this_and_future = any(value.upper() == "THISANDFUTURE" for value in event.recurrence_id.params.get("RANGE", []))
    agenda = texts.get("DESCRIPTION", event.description.value if hasattr(event, "description") else "")
    record = MeetingRecord(title, starts, ends, kind, "" if all_day else zone, str(location or ""),
                           str(agenda or ""), state, "", reminder, rule, attendees, uid, all_day=all_day,
                           rdates=_moments(event, "rdate", all_day, zone) if rule else [],
                           exdates=_moments(event, "exdate", all_day, zone, rule, starts) if rule else [],
                           recurrence_id=recurrence_id)
    errors = record.problems()
    if errors:
        raise IcsError(" ".join(errors))
    return ParsedEvent(name, line, record, unknown_attendees=unknown, warnings=warnings,
                       this_and_future=this_and_future)


def _alarm(event, starts: dt.datetime, ends: dt.datetime, framed: bool) -> int | None:
    """The reminder of an event's VALARMs, as minutes before its start (negative: after it): the
    first one shown to the user (DISPLAY or AUDIO) or else the first of any other; a TRIGGER
    related to the end, or at a moment, is counted from the start (RFC 5545 3.8.6.3). An alarm
    that does nothing (Apple's ACTION:NONE placeholder, 1976) is no reminder. An all-day start
    is 00:00 of its date, so "-PT15H" is the day before at 09:00 wherever the user is.
    Rapport keeps one reminder per meeting; the others are not kept."""
    found: list[tuple[int, int]] = []
    for alarm in event.contents.get("valarm", []):
        action = str(alarm.action.value).strip().upper() if hasattr(alarm, "action") else "DISPLAY"
        trigger = getattr(alarm, "trigger", None)
        if trigger is None or action == "NONE":
            continue
        if isinstance(trigger.value, dt.timedelta):
            related = str(trigger.params.get("RELATED", ["START"])[0]).upper()
            before = -trigger.value - (ends - starts if related == "END" else dt.timedelta(0))
        elif isinstance(trigger.value, dt.datetime):
            at = trigger.value if trigger.value.tzinfo else trigger.value.replace(tzinfo=clock.local_zone())
            if framed:  # a date or clock time stored at UTC: the moment as the clock here reads it
                at = at.astimezone(clock.local_zone()).replace(tzinfo=dt.UTC)
            before = starts - at
        else:
            continue
        found.append((0 if action in ("DISPLAY", "AUDIO") else 1, round(before.total_seconds() / 60)))
    return min(found, key=lambda rank_minutes: rank_minutes[0])[1] if found else None


def _trigger(minutes: int) -> str:
    """A reminder as a TRIGGER's duration, in RFC 5545 3.3.6's largest units: -PT15M, -P6DT15H, PT9H."""
    days, rest = divmod(abs(minutes), 1440)
    hours, mins = divmod(rest, 60)
    time = f"{hours}H" * bool(hours) + f"{mins}M" * bool(mins)
    value = f"{days}D" * bool(days) + f"T{time}" * bool(time) or "T0S"
    return f"TRIGGER:{'-' * (minutes > 0)}P{value}"


def _vcalendar_alarm(event, starts: dt.datetime) -> int | None:
    """vCalendar 1.0's DALARM or AALARM ("19960415T235000;PT5M;2;Your Taxes Are Due"): the minutes
    between its first run time and the start, as a reminder."""
    for name in ("dalarm", "aalarm"):
        for prop in event.contents.get(name, []):
            first = str(prop.value).split(";", 1)[0].strip()
            match = re.fullmatch(r"(\d{8}T\d{6})(Z?)", first)
            if not match:
                continue
            moment = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
            at = moment.replace(tzinfo=dt.UTC) if match.group(2) else moment.replace(tzinfo=clock.local_zone())
            minutes = round((starts - at).total_seconds() / 60)
            if minutes >= 0:
                return minutes
    return None


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
        first = seen.setdefault(f"{parsed.record.uid}\0{parsed.record.recurrence_id}", parsed)
        if first is not parsed:
            parsed.error = f"same UID as the event at {first.file}, line {first.line}; kept that one"
            parsed.record = None
    _apply_this_and_future(plan.events)
    masters = {parsed.record.uid for parsed in plan.events if parsed.record and parsed.record.recurrence_id is None}
    with database.atomic():
        for parsed in plan.events:
            record = parsed.record
            if record is not None and record.recurrence_id is not None and record.uid not in masters \
                    and meetings.by_uid(record.uid) is None:
                # A changed occurrence of a series neither the file nor the notebook has (Google sends
                # them so): a meeting of its own, so that it is shown, and written as a whole event.
                record.uid = f"{record.uid}#{record.recurrence_id.isoformat()}"
                record.recurrence_id = None
                parsed.warnings.append("a changed occurrence of a series that is not here: kept as a meeting"
                                       " of its own")
        for parsed in plan.events:
            if parsed.record is None:
                continue
            existing = meetings.by_uid(parsed.record.uid, parsed.record.recurrence_id)
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


def _apply_this_and_future(events: list[ParsedEvent]) -> None:
    """A changed occurrence with RANGE=THISANDFUTURE changes that occurrence and every later one
    (RFC 5545 3.8.4.4): its series is split there (as "this and following" does in the window),
    and the part that goes on takes the change, its start shifted by as much as this one's, with
    the later changed occurrences. The new part's UID is made from the series' and the split, so
    that importing the file again finds it. Readers that ignore RANGE (most do) then see the same
    meetings as those that honour it."""
    series = {p.record.uid: p for p in events if p.record and p.record.recurrence_id is None and p.record.recurrence}
    for parsed in sorted((p for p in events if p.this_and_future and p.record and p.record.uid in series),
                         key=lambda p: p.record.recurrence_id):
        change, master = parsed.record, series[parsed.record.uid]
        split_at = change.recurrence_id
        delta = change.starts_at - split_at
        ended, following = meetings.split_series(master.record, split_at)
        uid = f"{master.record.uid}-from-{split_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        master.record = ended
        parsed.record = dataclasses.replace(
            change, uid=uid, recurrence_id=None, recurrence=following.recurrence,
            rdates=[moment + delta for moment in following.rdates],
            exdates=[moment + delta for moment in following.exdates])
        series[uid] = parsed
        for later in events:  # the changed occurrences after the split belong to the new part
            record = later.record
            if record and record.uid == change.uid and record.recurrence_id and record.recurrence_id > split_at:
                later.record = dataclasses.replace(record, uid=uid, recurrence_id=record.recurrence_id + delta)
        parsed.warnings.append("changes the series from here on (RANGE=THISANDFUTURE): kept as a series of its own")


def _same(a: MeetingRecord, b: MeetingRecord) -> bool:
    def key(r: MeetingRecord):
        # compared as stored: meetings.save strips the text fields
        return (r.title.strip(), r.starts_at, r.ends_at, r.kind, r.time_zone, r.location.strip(), r.agenda.strip(),
                r.status,
                r.reminder_minutes, r.recurrence, r.all_day, r.rdates, r.exdates, r.recurrence_id,
                # a contact is the same attendee whether or not the meeting kept the email they were invited at
                [x.contact_id or x.email.lower() for x in r.attendees])
    return key(a) == key(b)
