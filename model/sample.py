"""The sample notebook: forty varied people with history and call prep, for a first look.

Built from resources/sample/people.json into a fresh notebook file (never the user's own);
dates in the history are relative to today so the sample always looks current.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import resources
from model import clock, contacts, history, meetings, places, storage
from model.contacts import ContactPointRecord, ContactRecord
from model.schema import Channel, Contact, Interaction, PrepItem, database

_PREP_SECTIONS = ("small_talk", "family", "interests", "avoid", "ask_next")


def _birthday(person: dict, today: dt.date) -> str:
    """The birthday as written, or (with "birthday_in_days") moved to that many days from today in
    its own birth year, so that the sample always has a birthday this week."""
    birthday = person.get("birthday", "")
    if "birthday_in_days" not in person or not birthday[:4].isdigit():
        return birthday
    day = today + dt.timedelta(days=person["birthday_in_days"])
    if (day.month, day.day) == (2, 29):
        day -= dt.timedelta(days=1)
    return f"{birthday[:4]}-{day:%m-%d}"


def _record(person: dict, today: dt.date) -> ContactRecord:
    points = [ContactPointRecord("phone", number, label) for label, number in person.get("phones", [])]
    points += [ContactPointRecord("email", address, label) for label, address in person.get("emails", [])]
    points += [ContactPointRecord("handle", handle, service=service) for service, handle in person.get("handles", [])]
    photo = None
    if person.get("photo"):
        photo = resources.path("sample", f"{person['photo']}.jpg").read_bytes()
    return ContactRecord(
        given_name=person["given"], family_name=person["family"], organisation=person.get("org", ""),
        title=person.get("title", ""), city=person.get("city", ""), region=person.get("region", ""),
        country=person.get("country", ""), time_zone=person.get("tz", ""),
        time_zone_source="set by you" if person.get("tz") else "", birthday=_birthday(person, today),
        notes=person.get("notes", ""), how_met=person.get("how_met", ""),
        cadence_days=person.get("cadence", 0), tags=person.get("tags", []), points=points,
        photo=photo, photo_type="image/jpeg" if photo else "",
    )


def build_sample_notebook(path: str | Path) -> storage.Notebook:
    """Create a new notebook at `path` holding the sample people."""
    notebook = storage.open_notebook(path)
    people = json.loads(resources.path("sample", "people.json").read_text(encoding="utf-8"))
    channels = {channel.key: channel.id for channel in Channel.select()}
    today = clock.local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    with_history = []
    ids: dict[str, int] = {}
    with database.atomic():
        for person in people:
            contact_id = contacts.add_contact(_record(person, today.date()))
            ids[f"{person['given']} {person['family']}"] = contact_id
            if person.get("history"):
                with_history.append(contact_id)
            for days_ago, channel, direction, summary, *more in person.get("history", []):
                # During the working day, local time: 09:00 to 17:30.
                when = today - dt.timedelta(days=days_ago) + dt.timedelta(hours=9 + (days_ago * 7) % 9,
                                                                        minutes=30 * (days_ago % 2))
                duration, notes = [*more, None, ""][:2]
                notes = notes or ""
                Interaction.create(contact=contact_id, channel=channels[channel], direction=direction,
                                   occurred_at=history.stamp(when), summary=summary, duration_minutes=duration,
                                   notes=notes, uid=history.new_uid())
            for section in _PREP_SECTIONS:
                for position, text in enumerate(person.get("prep", {}).get(section, [])):
                    PrepItem.create(contact=contact_id, section=section, text=text, position=position)
        for person in people:
            if person.get("introduced_by"):
                Contact.update(introduced_by=ids[person["introduced_by"]]).where(
                    Contact.id == ids[f"{person['given']} {person['family']}"]).execute()
        history.refresh_contacts(with_history)  # derived columns and searchable history
        _add_meetings(today)
    return notebook


def _soon(today: dt.datetime) -> dt.datetime:
    """The sample's next call: in an hour and a half from now, on the half hour, so that whenever
    the sample is opened it has a call coming up and none missed (late in the evening: tomorrow
    morning)."""
    now = clock.local_now()
    later = (now + dt.timedelta(minutes=90)).replace(second=0, microsecond=0)
    later += dt.timedelta(minutes=(30 - later.minute % 30) % 30)
    if later.date() != now.date() or later.hour >= 21:
        return today + dt.timedelta(days=1, hours=9, minutes=30)
    return later


def _add_meetings(today: dt.datetime) -> None:
    """Planned (and one done, one cancelled) meetings around today, local time; the first of them
    soon after now."""
    ids = {row.display_name: row.id for row in Contact.select(Contact.id, Contact.display_name)}
    for plan in json.loads(resources.path("sample", "meetings.json").read_text(encoding="utf-8")):
        if plan.get("soon"):
            starts = _soon(today)
        else:
            hours, minutes = (int(part) for part in plan["time"].split(":"))
            starts = today + dt.timedelta(days=plan["day"], hours=hours, minutes=minutes)
        people = [meetings.Attendee(ids[name], name) for name in plan["with"]]
        title = plan.get("title") or meetings.suggested_title(plan["with"], plan["kind"])
        status = plan.get("status", "planned")
        meeting_id = meetings.save(meetings.MeetingRecord(
            title, starts.astimezone(dt.UTC), (starts + dt.timedelta(minutes=plan["minutes"])).astimezone(dt.UTC),
            plan["kind"], places.my_zone(), plan.get("location", ""), plan.get("agenda", ""),
            "cancelled" if status == "cancelled" else "planned", "", plan.get("reminder"), plan.get("recurrence", ""),
            people))
        if status == "done":  # as if marked done in the app: it is in their history too
            meetings.mark_done(meeting_id, plan.get("outcome", ""))
