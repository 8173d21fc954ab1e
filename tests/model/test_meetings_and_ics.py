"""Meetings, their link to history, and iCalendar in and out over the real corpus."""

import datetime as dt

import pytest

from model import contacts, history, ical, meetings, recurrence, search
from model.contacts import ContactPointRecord, ContactRecord
from model.meetings import Attendee, MeetingError, MeetingRecord
from model.storage import open_notebook
from tests.conftest import CORPUS

START = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
ICS = sorted((CORPUS / "ics").glob("*.ics"))


def meeting(title="Call with Cathy", start=START, minutes=30, **fields):
    return MeetingRecord(title, start, start + dt.timedelta(minutes=minutes), **fields)


def test_bad_meetings_are_refused_with_reasons(notebook):
    with pytest.raises(MeetingError, match="ends before it starts"):
        meetings.save(meeting(minutes=-10))
    with pytest.raises(MeetingError, match="not a time zone"):
        meetings.save(meeting(time_zone="Mars/Olympus"))
    assert meetings.count() == 0


def test_mark_done_logs_history_for_every_attendee(sample_notebook):
    ids = [search.search(n)[0] for n in ("Cathy Rogers", "Cheryl Lopata")]
    saved = meetings.save(meeting("Coffee", kind="in_person", attendees=[Attendee(i) for i in ids],
                                  agenda="Plan the workshop"))
    logged = meetings.mark_done(saved, "Agreed on a March workshop", "She brings two speakers")
    assert meetings.get(saved).status == "done" and meetings.get(saved).outcome == "Agreed on a March workshop"
    for contact_id in ids:
        entry = history.history(contact_id, limit=1)[0]
        assert (entry.channel_key, entry.meeting_id) == ("in_person", saved)
        assert entry.summary == "Agreed on a March workshop"
        assert "She brings two speakers" in entry.notes and entry.duration_minutes == 30
    assert len(logged.ids) == 2


def test_overlaps_reminders_and_recurrence_caps(notebook):
    first = meetings.save(meeting("A"))
    second = meeting("B", start=START + dt.timedelta(minutes=15))
    assert [m.id for m in meetings.overlapping(second)] == [first]
    due = meetings.due_reminders(START - dt.timedelta(minutes=10))
    assert [o.meeting.id for o in due] == [first]  # 15 minutes before
    meetings.mark_reminded(first, START - dt.timedelta(minutes=10))
    assert meetings.due_reminders(START - dt.timedelta(minutes=5)) == []
    forever = meetings.save(meeting("Check-in", recurrence="FREQ=WEEKLY", time_zone="Europe/Berlin"))
    span = meetings.occurrences(START, START + dt.timedelta(days=365 * 30))
    # 30 years of weeks: 1,565 occurrences, one window gives at most MAX_PER_WINDOW
    assert len([o for o in span if o.meeting.id == forever]) == recurrence.MAX_PER_WINDOW
    # Across the change to summer time the wall-clock time in Berlin stays 16:00.
    spring = [o for o in meetings.occurrences(dt.datetime(2027, 3, 20, tzinfo=dt.UTC),
                                              dt.datetime(2027, 4, 5, tzinfo=dt.UTC)) if o.meeting.id == forever]
    assert [o.starts_at.astimezone(meetings.places.ZoneInfo("Europe/Berlin")).hour for o in spring] == [16, 16]


@pytest.mark.parametrize("path", ICS, ids=[p.name for p in ICS])
def test_every_corpus_calendar_imports_without_a_crash(notebook, path):
    events = ical.read_ics(path)
    assert events
    for event in events:
        assert (event.record is None) != (event.error == "")
        if event.error:
            assert event.line >= 1 and event.file == path.name


def test_corpus_content_and_reimport_changes_nothing(notebook):
    first = ical.import_files(ICS)
    # (178: ical4j-outlook2007-kuala-lumpur-weekly.ics's "Kuala Lumpur\, Singapore" is the zone its file
    # defines; icaljs-google-contacts-birthdays.ics's "RDATE:20131210Z" is a date; khal's event that
    # starts at 12:00Z and ends at a floating 16:00 ends at 16:00 in Berlin, its TZID, in any zone.)
    assert first.added == 178 and first.updated == 0
    vienna = next(m for m in meetings.all_meetings() if m.title == "artsprint 2012")
    assert vienna.time_zone == "Europe/Vienna"
    assert vienna.starts_at == dt.datetime(2012, 2, 13, 9, 0, tzinfo=dt.UTC)  # 10:00 in Vienna
    sync = next(m for m in meetings.all_meetings() if m.title == "Daily Sync")
    assert sync.recurrence == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" and sync.time_zone == "Europe/Zurich"
    alarm = next(m for m in meetings.all_meetings() if m.title == "event with alarms")
    assert alarm.reminder_minutes is not None
    rejected = {(r["file"], r["reason"]) for r in first.summary()["rejected"]}
    assert ("icalendar-time.ics", "no events (VEVENT) in this calendar") in rejected
    assert any(file == "icalendar-big_bad_calendar.ics" and "DTSTART" in reason for file, reason in rejected)


def test_reimporting_the_corpus_changes_nothing(notebook):
    first = ical.import_files(ICS)
    again = ical.import_files(ICS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)


def test_round_trip_keeps_instants_zones_and_attendees(notebook, tmp_path):
    cathy = contacts.add_contact(ContactRecord(given_name="Cathy", family_name="Rogers",
                                               points=[ContactPointRecord("email", "cathy@example.com")]))
    meetings.save(meeting("Call with Cathy", time_zone="America/St_Johns", kind="phone", location="+1 709 555 0199",
                          attendees=[Attendee(cathy), Attendee(None, "Guest Person", "guest@example.org")],
                          reminder_minutes=60, recurrence="FREQ=MONTHLY;COUNT=6"))
    meetings.save(meeting("Cancelled lunch", start=START + dt.timedelta(days=1), status="cancelled",
                          kind="in_person", time_zone="Asia/Kolkata"))
    out = tmp_path / "out.ics"
    with open(out, "w", encoding="utf-8") as stream:
        assert ical.write_ics(meetings.all_meetings(), stream) == 2
    text = out.read_text()
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/St_Johns" in text
    assert "mailto:cathy@example.com" in text and "CN=Guest Person" in text
    before = meetings.all_meetings()
    notebook.close()
    other = open_notebook(tmp_path / "other.rapport")
    contacts.add_contact(ContactRecord(given_name="Cathy", family_name="Rogers",
                                       points=[ContactPointRecord("email", "CATHY@example.com")]))
    plan = ical.import_files([out])
    assert plan.added == 2 and not plan.summary()["rejected"]
    after = meetings.all_meetings()
    for a, b in zip(before, after, strict=True):
        assert (a.uid, a.title, a.starts_at, a.ends_at, a.time_zone, a.kind, a.status, a.reminder_minutes,
                a.recurrence) == (b.uid, b.title, b.starts_at, b.ends_at, b.time_zone, b.kind, b.status,
                                  b.reminder_minutes, b.recurrence)
    call = after[0]
    assert [a.email for a in call.attendees] == ["cathy@example.com", "guest@example.org"]
    assert call.attendees[0].contact_id is not None and call.attendees[1].contact_id is None
    other.close()


def test_bad_calendars_are_reported_not_crashed(notebook, tmp_path):
    cases = {
        "not.ics": b"BEGIN:VCARD\nFN:Nope\nEND:VCARD\n",
        "backwards.ics": b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nDTSTART:20260101T100000Z\n"
                         b"DTEND:20260101T090000Z\nSUMMARY:Backwards\nEND:VEVENT\nEND:VCALENDAR\n",
        "nozone.ics": b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:z\nDTSTART;TZID=Atlantis/Lost:20260101T100000\n"
                      b"SUMMARY:Lost\nEND:VEVENT\nEND:VCALENDAR\n",
        "open.ics": b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:o\nDTSTART:20260101T100000Z\n",
    }
    reasons = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        [event] = ical.read_ics(tmp_path / name)
        reasons[name] = event.error
    assert "not an iCalendar file" in reasons["not.ics"]
    assert "ends before it starts" in reasons["backwards.ics"]
    assert "Atlantis/Lost" in reasons["nozone.ics"]
    assert "not closed" in reasons["open.ics"]


def test_a_broken_parameter_line_does_not_stall_the_event(notebook, tmp_path):
    """Found by fuzzing the vCard reader: vobject's pattern backtracked for minutes over a line of
    parameters without its colon. The line is left out (vobject would skip it too), the event comes in."""
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1@x\nDTSTART:20261201T100000Z\n"
                      "DTEND:20261201T110000Z\nSUMMARY:Call\nDESCRIPTION;CHARSET=UTF-8;ENC3" + "=91=20=C3" * 60
                      + "\nEND:VEVENT\nEND:VCALENDAR\n")
    [event] = ical.read_ics(broken)
    assert not event.error and event.record.title == "Call" and event.record.agenda == ""


def test_recurrence_rules_and_cadence_check_ins():
    assert meetings.recurrence(1, "WEEKLY") == "FREQ=WEEKLY"
    assert meetings.recurrence(3, "MONTHLY") == "FREQ=MONTHLY;INTERVAL=3"
    assert meetings.recurrence(0, "WEEKLY") == "" and meetings.recurrence(2, "") == ""
    assert meetings.recurrence_parts("FREQ=MONTHLY;INTERVAL=3") == (3, "MONTHLY")
    assert meetings.recurrence_parts("FREQ=YEARLY;BYMONTH=3") == (0, "")
    assert meetings.describe_recurrence("FREQ=WEEKLY;INTERVAL=2") == "Every 2 weeks"
    assert meetings.describe_recurrence("FREQ=DAILY") == "Repeats (custom rule)"
    # Keep-in-touch cadences become check-ins: monthly, quarterly, twice a year, fortnightly.
    assert [meetings.recurrence_for_cadence(d) for d in (30, 91, 182, 14, 0)] == [
        "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;INTERVAL=6", "FREQ=WEEKLY;INTERVAL=2", ""]


def test_day_counts_day_lists_and_ranges(notebook):
    berlin = meetings.places.ZoneInfo("Europe/Berlin")
    meetings.save(meeting("A"))
    meetings.save(meeting("B", start=START + dt.timedelta(hours=2)))
    meetings.save(meeting("Gone", start=START + dt.timedelta(days=1), status="cancelled"))
    meetings.save(meeting("Weekly", start=START + dt.timedelta(days=2), recurrence="FREQ=WEEKLY"))
    counts = meetings.day_counts(dt.date(2026, 12, 1), dt.date(2026, 12, 31), berlin)
    assert counts[dt.date(2026, 12, 2)] == 2
    assert dt.date(2026, 12, 3) not in counts  # only a cancelled one
    assert [counts[dt.date(2026, 12, d)] for d in (4, 11, 18, 25)] == [1, 1, 1, 1]
    assert [o.meeting.title for o in meetings.on_days(dt.date(2026, 12, 3), zone=berlin)] == ["Gone"]
    exported = meetings.in_range(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert sorted(m.title for m in exported) == ["A", "B", "Gone", "Weekly"]  # a series once


def test_warnings_for_overlaps_and_hours_outside_the_call_window(notebook):
    cathy = contacts.add_contact(ContactRecord(given_name="Cathy", family_name="Rogers", city="Savannah",
                                               region="GA", country="United States", time_zone="America/New_York"))
    meetings.save(meeting("Coffee with Tom"))
    # 15:00 UTC is 10:00 in Savannah: fine for her, but it overlaps the coffee.
    at_ten = meeting(attendees=[Attendee(cathy)])
    assert meetings.warnings(at_ten) == ["Overlaps “Coffee with Tom” at " + f"{START.astimezone():%H:%M}."]
    # 08:00 UTC is 03:00 there.
    too_early = meeting(start=START.replace(hour=8), attendees=[Attendee(cathy)])
    assert meetings.warnings(too_early) == ["03:00 on Wednesday for Cathy Rogers: too early there; "
                                            "their day starts at 09:00."]
    assert meetings.both_times(START, "Europe/Berlin", "America/New_York", "Savannah") == \
        "16:00 here, 10:00 in Savannah"
    assert meetings.both_times(START, "Europe/Berlin", "Europe/Paris") == "16:00 here"


def test_reminder_text_says_when_and_the_time_there(notebook):
    cathy = contacts.add_contact(ContactRecord(given_name="Cathy", family_name="Rogers", city="Savannah",
                                               time_zone="America/New_York"))
    saved = meetings.get(meetings.save(meeting(attendees=[Attendee(cathy)])))
    occurrence = meetings.Occurrence(saved, saved.starts_at, saved.ends_at)
    text = meetings.describe_reminder(occurrence, START - dt.timedelta(minutes=15))
    assert text.startswith("Call with Cathy starts in 15 minutes")
    assert "10:00 in the morning in Savannah" in text
    assert meetings.describe_reminder(occurrence, START - dt.timedelta(minutes=105)).startswith(
        "Call with Cathy starts in 1 h 45 min")
    assert meetings.describe_reminder(occurrence, START - dt.timedelta(minutes=60)).startswith(
        "Call with Cathy starts in 60 minutes")
    later = meetings.describe_reminder(occurrence, START + dt.timedelta(hours=3))
    assert "while Rapport was closed" in later


def test_invited_strangers_become_contacts_linked_to_their_meetings(notebook):
    guest = Attendee(None, "Dana Fox", "Dana.Fox@example.org")
    saved = meetings.save(meeting(attendees=[guest]))
    new = meetings.add_attendees_as_contacts([guest])
    assert len(new) == 1
    person = contacts.get_contact(new[0])
    assert person.display_name == "Dana Fox" and person.points[0].value == "Dana.Fox@example.org"
    assert meetings.get(saved).contact_ids == new
    assert meetings.add_attendees_as_contacts([guest]) == []  # known now: no second contact


def test_export_escapes_and_folds_what_vobject_reads_back(notebook, tmp_path):
    tricky = meeting("Lunch; then a walk, maybe \\ rain", time_zone="Asia/Tokyo", location="東京都渋谷区" * 12,
                     agenda="First line, with commas\nSecond; with semicolons\n\nAfter a blank line",
                     attendees=[Attendee(None, 'Dana "DJ" Fox, PhD', "dana@example.org")])
    meetings.save(tricky)
    out = tmp_path / "tricky.ics"
    assert ical.export_file([meetings.get(tricky.id)], out) == 1
    raw = out.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "every line folded at 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    (parsed,) = ical.read_ics(out)
    back = parsed.record
    assert (back.title, back.location, back.agenda) == (tricky.title, tricky.location, tricky.agenda.replace(
        "\n\n", "\n\n"))
    assert back.time_zone == "Asia/Tokyo" and back.starts_at == tricky.starts_at
    assert back.attendees[0].email == "dana@example.org" and "Fox" in back.attendees[0].name
    # A failed export leaves the file that was there.
    out.write_text("precious")
    with pytest.raises(OSError):
        ical.export_file([meetings.get(tricky.id)], tmp_path / "no-such-folder" / "x.ics")
    assert out.read_text() == "precious"


def test_outlook_windows_zone_names_are_understood(notebook, tmp_path):
    invite = tmp_path / "outlook.ics"
    invite.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:abc\r\nSUMMARY:Planning\r\n"
                      "DTSTART;TZID=W. Europe Standard Time:20270112T150000\r\n"
                      "DTEND;TZID=W. Europe Standard Time:20270112T160000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    (event,) = ical.read_ics(invite)
    assert event.error == ""
    assert event.record.time_zone == "Europe/Berlin"
    assert event.record.starts_at == dt.datetime(2027, 1, 12, 14, 0, tzinfo=dt.UTC)
    assert meetings.places.zone_named("Tokyo Standard Time") == "Asia/Tokyo"
    assert meetings.places.zone_named("Nowhere Standard Time") == ""


def test_locations_become_links():
    assert meetings.location_link("https://meet.jit.si/x") == "https://meet.jit.si/x"
    assert meetings.location_link("+49 30 5550 1234") == "tel:+493055501234"
    assert meetings.location_link("Blue Bottle, Market Street").startswith("https://www.openstreetmap.org/search?")
    assert meetings.location_link("  ") == ""


def test_a_vcalendar_1_file_imports_with_its_rule_and_alarm(notebook, tmp_path):
    """kcalcore-korganizer-vcalendar10.vcs: "RRULE:W2 MO WE FR 20050630T000000" is every other week
    on Monday, Wednesday and Friday until 30 June (vCalendar 1.0, 3.9); a DALARM is a reminder."""
    plan = ical.import_files([CORPUS / "ics" / "kcalcore-korganizer-vcalendar10.vcs"])
    assert plan.added == 1 and plan.summary()["rejected"] == []
    (record,) = meetings.all_meetings()
    assert record.recurrence.startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;UNTIL=20050630T")
    span = meetings.occurrences(dt.datetime(2005, 5, 1, tzinfo=dt.UTC), dt.datetime(2005, 8, 1, tzinfo=dt.UTC))
    days = [o.starts_at.astimezone(dt.UTC).date().isoformat() for o in span]
    assert days == ["2005-05-20", "2005-05-30", "2005-06-01", "2005-06-03", "2005-06-13", "2005-06-15",
                    "2005-06-17", "2005-06-27", "2005-06-29"]
    path = tmp_path / "alarm.vcs"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nUID:tax\r\nSUMMARY:Taxes\r\n"
                    "DTSTART:19960416T000000Z\r\nDTEND:19960416T010000Z\r\n"
                    "DALARM:19960415T235000Z;PT5M;2;Your Taxes Are Due !!!\r\nRRULE:MD1 16\r\nEND:VEVENT\r\n"
                    "END:VCALENDAR\r\n", encoding="utf-8")
    ical.import_files([path])
    taxes = meetings.by_uid("tax")
    assert taxes.reminder_minutes == 10
    assert taxes.recurrence == "FREQ=MONTHLY;BYMONTHDAY=16;COUNT=2"  # no end: two (vCalendar 1.0, 3.9.1)
