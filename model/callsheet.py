"""What a call sheet says: a plain object assembled from the notebook, for gui/ to lay out.

One `PersonSheet` per person (a meeting with three people gives three sections), each with
everything wanted in the minute before a call. Lists are cut to what fits on one page
(`limit` lets the printer shrink them further); what is cut is counted, never silently lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from model import clock, connections, contacts, history, meetings, places, prep, search
from model.contacts import ContactRecord


class SheetError(ValueError):
    pass


@dataclass
class Exchange:
    when: str
    channel: str
    channel_key: str
    summary: str


@dataclass
class PersonSheet:
    contact_id: int
    name: str
    photo: bytes | None
    work: str
    place: str = ""
    local_time: str = ""
    zone_note: str = ""
    season: str = ""
    how_met: list[str] = field(default_factory=list)
    mutual: list[str] = field(default_factory=list)
    small_talk: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    notes: str = ""
    standing: str = ""


@dataclass
class MeetingInfo:
    title: str
    kind: str
    when_here: str
    when_there: str
    location: str
    agenda: str


@dataclass
class CallSheet:
    title: str
    printed: str
    meeting: MeetingInfo | None
    people: list[PersonSheet]


def _trim(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit - 1] + [f"… and {len(lines) - limit + 1} more in Rapport"]


def trim_text(text: str, limit: int) -> str:
    """`text` cut at a word to about `limit` characters, with a mark; line breaks are kept."""
    text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip() + " … (continued in Rapport)"


def person_sheet(record: ContactRecord, now: dt.datetime, limit: int = 6, exchanges: int = 5,
                 meeting_at: dt.datetime | None = None) -> PersonSheet:
    """What the sheet says about one person; with `meeting_at`, their local time is the meeting's."""
    resolution = places.resolve_contact(record)
    sheet = PersonSheet(record.id, record.display_name, record.photo,
                        " · ".join(part for part in (record.title, record.department, record.organisation) if part),
                        record.place or resolution.place)
    if resolution.zone:
        sheet.local_time = places.describe_local_time(resolution.zone, record.city, meeting_at or now)
        if meeting_at:
            sheet.local_time = sheet.local_time.replace("It's ", "At the meeting it's ", 1)
        sheet.season = places.season(resolution.zone, today=places.local_time(resolution.zone, now).date())
        # (the city is on the line above: the zone by its own city and offset, then where it came from)
        sheet.zone_note = f"{places.zone_label(resolution.zone, now=meeting_at or now)}, {resolution.source}"
    else:
        sheet.zone_note = resolution.note or "Time zone unknown"
    summary = history.summary(record.id, now)
    sheet.standing = summary.step_name + (f", last contact {history.describe_ago(summary.last, now)}"
                                          if summary.last else "")
    met = []
    if record.how_met:
        met.append(record.how_met + (f" ({record.met_on})" if record.met_on else ""))
    links = connections.links_of(record.id)
    for link in links:
        if link.description == "introduced you":
            met.append(f"Introduced by {link.other_name}")
    if summary.first_channel:
        met.append(f"First exchange on {summary.first_channel}, {clock.local(summary.first):%B %Y}")
    sheet.how_met = met
    sheet.mutual = _trim([f"{link.other_name}: {link.description}" if link.description else link.other_name
                          for link in links if link.description != "introduced you"], limit)
    by_section: dict[str, list[str]] = {}
    for line in prep.lines(record.id):
        if not (line.section == "ask_next" and line.done):
            by_section.setdefault(line.section, []).append(line.text)
    sheet.small_talk = _trim(by_section.get("small_talk", []), limit)
    family = by_section.get("family", []) + prep.from_vcard(record.vcard_properties)
    if record.birthday:
        family.append(f"Birthday {contacts.describe_date(record.birthday)}")
    sheet.family = _trim(family, limit)
    sheet.interests = _trim(by_section.get("interests", []), limit)
    sheet.avoid = _trim(by_section.get("avoid", []), limit)
    sheet.questions = _trim(by_section.get("ask_next", []), limit)
    sheet.exchanges = [Exchange(f"{clock.local(entry.occurred_at):%d %b %Y}".lstrip("0"), entry.channel_name,
                                entry.channel_key, entry.summary or "(no summary)")
                       for entry in history.history(record.id, limit=exchanges)]
    sheet.phones = [f"{p.value}" + (f" ({p.label})" if p.label else "") for p in record.points_of("phone")][:4]
    sheet.emails = [p.value for p in record.points_of("email")][:3]
    sheet.notes = trim_text(record.notes, 60 * limit)
    return sheet


def for_contact(contact_id: int, now: dt.datetime | None = None, limit: int = 6) -> CallSheet:
    now = now or history.now_utc()
    record = contacts.get_contact(contact_id)
    if record is None:
        raise SheetError(f"No contact {contact_id}")
    upcoming = meetings.next_meeting(contact_id, now)
    if upcoming:
        return for_meeting(upcoming.meeting.id, now, limit, on=upcoming.starts_at.date())
    return CallSheet(f"Call sheet: {record.display_name}", _printed(now), None,
                     [person_sheet(record, now, limit, exchanges=max(3, limit - 1))])


def for_meeting(meeting_id: int, now: dt.datetime | None = None, limit: int = 6,
                on: dt.date | None = None) -> CallSheet:
    """The sheet of one meeting; of a series, its occurrence on the user's day `on`, else its
    next one."""
    now = now or history.now_utc()
    record = meetings.get(meeting_id)
    if record is None:
        raise SheetError(f"No meeting {meeting_id}")
    occurrence = meetings.occurrence_of(record, on=on, after=now)
    starts_at = occurrence.starts_at
    attending = contacts.get_contacts(record.contact_ids)
    people = [person_sheet(r, now, limit, exchanges=max(3, limit - 1), meeting_at=None if record.all_day else starts_at)
              for r in attending]
    here = clock.local(starts_at)
    if record.all_day:
        last = clock.local(occurrence.ends_at) - dt.timedelta(days=1)
        days = "" if last.date() == here.date() else f" to {last:%A} {last.day} {last:%B}"
        when_here = f"{here:%A} {here.day} {here:%B %Y}{days}, all day"
    else:
        when_here = f"{here:%A} {here.day} {here:%B %Y, %H:%M}–{clock.local(occurrence.ends_at):%H:%M} here"
    there = ""
    # The time in the meeting's own zone when it was planned in another one (lunch in Berlin),
    # else where the people are (the first whose zone is known).
    zones = [(record.time_zone, "")] + [(places.resolve_contact(r).zone, r.city) for r in attending]
    for zone, city in ([] if record.all_day else zones):
        if places.valid_zone(zone):
            local = places.local_time(zone, starts_at)
            if local.utcoffset() != here.utcoffset():
                there = f"{local:%H:%M} in {city or zone.split('/')[-1].replace('_', ' ')}"
                break
    others = [a.name or a.email for a in record.attendees if not a.contact_id]
    if others:
        people_note = "Also attending: " + ", ".join(others)
        record.agenda = f"{record.agenda}\n{people_note}".strip()
    info = MeetingInfo(record.title, meetings.KINDS.get(record.kind, record.kind), when_here, there, record.location,
                       trim_text(record.agenda, 400))
    return CallSheet(record.title, _printed(now), info, people)


def meetings_on(day: dt.date) -> list[int]:
    """The planned meetings of a local day, in time order: the day's sheets."""
    found = meetings.on_days(day)
    return list(dict.fromkeys(o.meeting.id for o in found if o.meeting.status == "planned"))


def for_day(day: dt.date, now: dt.datetime | None = None) -> list[CallSheet]:
    """One sheet per planned meeting on `day` (local time)."""
    return [for_meeting(meeting_id, now, on=day) for meeting_id in meetings_on(day)]


def _printed(now: dt.datetime) -> str:
    local = now.astimezone(clock.local_zone())
    return f"Printed {local.day} {local:%b %Y}, {local:%H:%M}"  # one short line in the corner


def find(who: str) -> tuple[str, int | None, list[tuple[int, str]]]:
    """Resolve the command line's WHO: ("meeting", id, []) or ("contact", id, []) for a unique
    match, else (kind, None, candidates)."""
    if who.lower().startswith("meeting:"):
        value = who.split(":", 1)[1].strip()
        if value.isdigit() and meetings.get(int(value)):
            return "meeting", int(value), []
        return "meeting", None, []
    ids = search.search(who, limit=50)
    rows = contacts.rows_for(ids)
    exact = [row for row in rows if row.display_name.casefold() == who.strip().casefold()]
    if len(exact) == 1:
        return "contact", exact[0].id, []
    if len(rows) == 1:
        return "contact", rows[0].id, []
    return "contact", None, [(row.id, row.display_name) for row in (exact or rows)]
