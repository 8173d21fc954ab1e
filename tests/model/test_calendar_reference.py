"""Occurrence for occurrence, Rapport's calendar agrees with a reference implementation we did
not write: recurring-ical-events on icalendar (pinned, test-only), over 1990-2030, for every
corpus calendar the reference can read. Where the two differ, the test says why, with the RFC."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from model import clock, ical, meetings
from tests.conftest import CORPUS

FILES = sorted((CORPUS / "ics").glob("*.ics"))
START, END = dt.datetime(1990, 1, 1, tzinfo=dt.UTC), dt.datetime(2031, 1, 1, tzinfo=dt.UTC)

# Files the reference cannot read at all (Rapport reads what they hold that is readable, and
# reports the rest: test_meetings_and_ics.py).
REFERENCE_FAILS = {
    "ical4j-exchange2010-blank-tzid.ics", "ical4j-outlook2003-freebusy-bad-dates.ics",
    "icalendar-big_bad_calendar.ics", "icalendar-broken_ical.ics", "icalendar-multiple_timezones.ics",
    "icalendar-pacific_fiji.ics", "icalendar-rfc_7986_conferences.ics", "icaljs-google-contacts-birthdays.ics",
    "khal-invalid-tzoffset.ics", "radicale-thunderbird-missing-end-vevent.ics",
}
# Where Rapport and the reference read the file differently, and Rapport follows the RFC:
DIFFERENT = {
    # DTSTART;TZID=America/Los_Angeles:20041225 is a DATE written without VALUE=DATE (a DATE-TIME
    # needs its "T", RFC 5545 3.3.5): Rapport reads the holidays as the all-day dates they are,
    # the reference as midnight in Los Angeles.
    "ical4j-google-calendar-aus-holidays.ics",
    # DTSTART;TZID=Europe/Berlin:20150602T120000Z: "The TZID property parameter MUST NOT be applied
    # to DATE-TIME properties whose time values are specified in UTC" (3.3.5), so the Z decides:
    # 12:00 UTC, where the reference takes 12:00 in Berlin. Its other event starts at a floating
    # time, which is the user's local time (3.3.5, form #1); the reference takes Berlin's.
    "khal-owncloud-0.7.3-mixed-tz-awareness.ics",
}


def _key(uid, start, all_day):
    when = start.isoformat() if all_day else start.astimezone(dt.UTC).isoformat()
    return (uid if not uid.endswith("@import") else "", when)  # a file's event without a UID: by its start


def rapports(path):
    ical.import_files([path])
    found = set()
    for year in range(START.year, END.year):  # a year at a time: a window holds at most 1,000 of a series
        first, last = dt.datetime(year, 1, 1, tzinfo=dt.UTC), dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
        for occurrence in meetings.occurrences(first, last):
            if occurrence.starts_at >= first or occurrence.meeting.all_day:
                record = occurrence.meeting
                start = occurrence.starts_at.date() if record.all_day else occurrence.starts_at
                found.add(_key(record.uid, start, record.all_day))
    return found


def references(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    found = set()
    for event in recurring_ical_events.of(calendar).between(START, END):
        start = event["DTSTART"].dt
        all_day = not isinstance(start, dt.datetime)
        if not all_day and start.tzinfo is None:
            start = start.replace(tzinfo=clock.local_zone())  # floating: the user's time (RFC 5545 3.3.5)
        found.add(_key(str(event.get("UID", "")), start, all_day))
    return found


@pytest.mark.parametrize("path", [p for p in FILES if p.name not in REFERENCE_FAILS | DIFFERENT],
                         ids=lambda p: p.name)
def test_the_same_occurrences_as_the_reference(notebook, path):
    ours = {(uid, when) for uid, when in rapports(path) if when[:10] < END.date().isoformat()}
    theirs = references(path)
    assert ours == theirs, (sorted(ours - theirs)[:5], sorted(theirs - ours)[:5])


def test_a_date_written_with_a_tzid_is_an_all_day_date(notebook):
    path = CORPUS / "ics" / "ical4j-google-calendar-aus-holidays.ics"
    ours = {(uid, when) for uid, when in rapports(path) if when[:10] < END.date().isoformat()}
    theirs = references(path)
    assert {(uid, when[:10]) for uid, when in theirs} - ours == set(), sorted(ours)[:3]  # the same days, as dates
    assert ours - {(uid, when[:10]) for uid, when in theirs} == set(), sorted(ours - {(u, w[:10]) for u, w in theirs})


def test_a_utc_time_with_a_tzid_is_utc(notebook):
    events = ical.read_ics(CORPUS / "ics" / "khal-owncloud-0.7.3-mixed-tz-awareness.ics")
    (event,) = [e for e in events if e.line > 10]  # DTSTART;TZID=Europe/Berlin:20150602T120000Z
    assert event.record.starts_at == dt.datetime(2015, 6, 2, 12, tzinfo=dt.UTC)
    # Its end, a floating 16:00, is that clock time in the start's zone (Berlin, its TZID), wherever
    # the user is.
    assert event.record.time_zone == "Europe/Berlin"
    assert event.record.ends_at == dt.datetime(2015, 6, 2, 14, tzinfo=dt.UTC)


def test_a_floating_meeting_is_at_its_clock_time_wherever_the_user_is(notebook, tmp_path):
    path = tmp_path / "floating.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:f1\r\n"
                    "DTSTAMP:20240101T000000Z\r\nDTSTART:20240108T090000\r\nDTEND:20240108T093000\r\n"
                    "RRULE:FREQ=WEEKLY;UNTIL=20240129T090000\r\nEXDATE:20240115T090000\r\n"
                    "SUMMARY:Stretch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    ical.import_files([path])
    (record,) = meetings.all_meetings()
    assert record.floating and record.time_zone == meetings.FLOATING
    for zone in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
        viewer = ZoneInfo(zone)
        with clock.frozen(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), viewer):  # the user is there
            found = meetings.occurrences(dt.datetime(2024, 1, 1, tzinfo=viewer),
                                         dt.datetime(2024, 2, 1, tzinfo=viewer))
        # 09:00 on each Monday there (RFC 5545 3.3.5 form #1), the 15th skipped, to the 29th
        assert [(o.starts_at.astimezone(viewer).day, o.starts_at.astimezone(viewer).time()) for o in found] == \
            [(8, dt.time(9)), (22, dt.time(9)), (29, dt.time(9))]
    written = ical.calendar_objects([record])["f1"]
    # written back floating, as it came: no TZID, no Z, and UNTIL floating too (3.3.10)
    assert "DTSTART:20240108T090000\r\n" in written and "RRULE:FREQ=WEEKLY;UNTIL=20240129T090000\r\n" in written
    assert "EXDATE:20240115T090000\r\n" in written and "VTIMEZONE" not in written


def test_the_exported_corpus_is_read_by_two_other_readers_and_comes_back_the_same(tmp_path):
    """Every corpus calendar imported, exported as one file: icalendar and ical.js read it without
    an error, and imported into a fresh notebook it gives the same occurrences."""
    from model.storage import open_notebook
    from tests.readers import read_with_icaljs

    first = open_notebook(tmp_path / "first.rapport")
    try:
        ical.import_files(FILES)
        before = _all_occurrences()
        out = tmp_path / "all.ics"
        count = ical.export_file(meetings.all_meetings(), out)
    finally:
        first.close()
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert len(calendar.walk("VEVENT")) == count > 150
    (result,) = read_with_icaljs(out)
    assert "error" not in result, result
    second = open_notebook(tmp_path / "second.rapport")
    try:
        plan = ical.import_files([out])
        assert plan.summary()["rejected"] == [] and plan.added == count
        assert _all_occurrences() == before
        again = ical.import_files([out])
        assert (again.added, again.updated, again.unchanged) == (0, 0, count)  # idempotent
    finally:
        second.close()


def _all_occurrences():
    found = set()
    for year in range(START.year, END.year):
        first, last = dt.datetime(year, 1, 1, tzinfo=dt.UTC), dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
        found |= {(o.meeting.uid, o.meeting.title, o.starts_at, o.ends_at, o.meeting.all_day)
                  for o in meetings.occurrences(first, last) if o.starts_at >= first}
    return found


def test_a_caldav_server_accepts_every_exported_event(notebook, tmp_path):
    """Every corpus event, exported as the calendar object of its UID (a series with its changed
    occurrences), PUT one by one to a real CalDAV server (Radicale, pinned): every one 201."""
    import re

    from tests.servers.radicale import radicale

    ical.import_files(FILES)
    objects = ical.calendar_objects(meetings.all_meetings())
    refused = {}
    with radicale(tmp_path / "server") as server:
        calendar = server.make_calendar()
        for number, (uid, text) in enumerate(objects.items()):
            name = f"{number}-{re.sub(r'[^A-Za-z0-9-]', '', uid)[:40]}.ics"
            status, body = server.put(f"{calendar}{name}", text.encode("utf-8"), "text/calendar; charset=utf-8")
            if status != 201:
                refused[uid] = (status, body.decode("utf-8", "replace")[:200])
    assert len(objects) > 100 and not refused, refused


THIS_AND_FUTURE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:taf1\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Berlin:20240101T090000\r
DTEND;TZID=Europe/Berlin:20240101T093000\r
RRULE:FREQ=WEEKLY;COUNT=8\r
EXDATE;TZID=Europe/Berlin:20240129T090000\r
SUMMARY:Stand-up\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:taf1\r
DTSTAMP:20240101T000000Z\r
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20240115T090000\r
DTSTART;TZID=Europe/Berlin:20240115T100000\r
DTEND;TZID=Europe/Berlin:20240115T110000\r
SUMMARY:Stand-up, later\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:taf1\r
DTSTAMP:20240101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20240212T090000\r
DTSTART;TZID=Europe/Berlin:20240213T100000\r
DTEND;TZID=Europe/Berlin:20240213T110000\r
SUMMARY:Stand-up, on Tuesday\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_this_and_future_changes_the_series_from_there_as_the_reference_does(notebook, tmp_path):
    # RFC 5545 3.8.4.4: RANGE=THISANDFUTURE applies the change (here one hour later, an hour long,
    # a new title) to that occurrence and every later one; the EXDATE still skips its occurrence.
    path = tmp_path / "this-and-future.ics"
    path.write_text(THIS_AND_FUTURE, newline="")

    def seen():
        span = (dt.datetime(2023, 12, 1, tzinfo=dt.UTC), dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
        return {(o.starts_at.astimezone(dt.UTC), o.ends_at.astimezone(dt.UTC), o.meeting.title)
                for o in meetings.occurrences(*span)}

    plan = ical.import_files([path])
    theirs = {(e["DTSTART"].dt.astimezone(dt.UTC), e["DTEND"].dt.astimezone(dt.UTC), str(e["SUMMARY"]))
              for e in recurring_ical_events.of(icalendar.Calendar.from_ical(path.read_bytes())).between(
                  (2023, 1, 1), (2025, 1, 1))}
    assert seen() == theirs and len(theirs) == 7
    assert any("THISANDFUTURE" in w for e in plan.events for w in e.warnings)
    again = ical.import_files([path])
    assert (again.added, again.updated) == (0, 0)  # the split is found again, not made twice
    # written out, every reader sees the same meetings, with or without RANGE support
    exported = tmp_path / "out.ics"
    ical.export_file(meetings.all_meetings(), exported)
    assert "RANGE" not in exported.read_text()
    theirs_again = {(e["DTSTART"].dt.astimezone(dt.UTC), e["DTEND"].dt.astimezone(dt.UTC), str(e["SUMMARY"]))
                    for e in recurring_ical_events.of(icalendar.Calendar.from_ical(exported.read_bytes())).between(
                        (2023, 1, 1), (2025, 1, 1))}
    assert theirs_again == theirs
