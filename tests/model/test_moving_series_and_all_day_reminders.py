"""A series keeps its skipped days and changed occurrences when it moves, is given another zone,
or is made all-day or timed; reminders of all-day meetings are told from 00:00 of their day where
the user is (RFC 5545 3.8.6.3), and alarms come in and go out as their TRIGGER says."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from model import clock, ical, meetings
from model.meetings import MeetingRecord

BERLIN = ZoneInfo("Europe/Berlin")
FIRST = dt.datetime(2027, 1, 4, 10, 0, tzinfo=BERLIN)  # a Monday


def weekly_with_exceptions() -> tuple[MeetingRecord, MeetingRecord]:
    """A weekly 10:00 Berlin stand-up that skips its second Monday and has its third moved to 14:00."""
    series = meetings.get(meetings.save(MeetingRecord(
        "Stand-up", FIRST, FIRST + dt.timedelta(minutes=30), time_zone="Europe/Berlin",
        recurrence="FREQ=WEEKLY;COUNT=6",
        exdates=[(FIRST + dt.timedelta(days=7)).astimezone(dt.UTC)])))
    third = (FIRST + dt.timedelta(days=14)).astimezone(dt.UTC)
    changed = meetings.change_occurrence(series, third)
    changed.title, changed.starts_at, changed.ends_at = ("Stand-up (late)", changed.starts_at + dt.timedelta(hours=4),
                                                         changed.ends_at + dt.timedelta(hours=4))
    meetings.save(changed)
    return series, changed


def shown(zone=BERLIN) -> list[tuple[str, str]]:
    found = meetings.occurrences(FIRST - dt.timedelta(days=2), FIRST + dt.timedelta(days=60))
    return [(o.meeting.title, f"{o.starts_at.astimezone(zone):%a %d %b %H:%M}") for o in found]


def save(before: MeetingRecord, after: MeetingRecord) -> None:
    after, moved = meetings.moved_series(before, after)
    meetings.save(after)
    for _stored, changed in moved:
        meetings.save(changed)


def test_a_series_moved_an_hour_keeps_its_skipped_day_and_its_changed_occurrence(notebook):
    series, _changed = weekly_with_exceptions()
    assert shown() == [("Stand-up", "Mon 04 Jan 10:00"), ("Stand-up (late)", "Mon 18 Jan 14:00"),
                       ("Stand-up", "Mon 25 Jan 10:00"), ("Stand-up", "Mon 01 Feb 10:00"),
                       ("Stand-up", "Mon 08 Feb 10:00")]
    hour = dt.timedelta(hours=1)
    save(series, MeetingRecord(**{**vars(series), "starts_at": series.starts_at + hour,
                                  "ends_at": series.ends_at + hour}))
    # Left as they were, the EXDATE at 10:00 would no longer match (11 Jan back) and the changed
    # occurrence would show beside the 18 Jan 11:00 it replaced (RFC 5545 3.8.5.1, 3.8.4.4).
    assert shown() == [("Stand-up", "Mon 04 Jan 11:00"), ("Stand-up (late)", "Mon 18 Jan 14:00"),
                       ("Stand-up", "Mon 25 Jan 11:00"), ("Stand-up", "Mon 01 Feb 11:00"),
                       ("Stand-up", "Mon 08 Feb 11:00")]


def test_a_series_moved_a_day_and_given_another_zone_takes_its_exceptions_along(notebook):
    series, _changed = weekly_with_exceptions()
    tokyo = ZoneInfo("Asia/Tokyo")
    tuesday = dt.datetime(2027, 1, 5, 9, 0, tzinfo=tokyo)
    save(series, MeetingRecord(**{**vars(series), "time_zone": "Asia/Tokyo", "starts_at": tuesday.astimezone(dt.UTC),
                                  "ends_at": (tuesday + dt.timedelta(minutes=30)).astimezone(dt.UTC)}))
    assert [when for _title, when in shown(tokyo)] == ["Tue 05 Jan 09:00", "Mon 18 Jan 22:00", "Tue 26 Jan 09:00",
                                                       "Tue 02 Feb 09:00", "Tue 09 Feb 09:00"]


def test_made_all_day_and_back_the_series_skips_the_same_day(notebook):
    series, changed = weekly_with_exceptions()
    day = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    all_day = MeetingRecord(**{**vars(series), "all_day": True, "time_zone": "", "starts_at": day,
                               "ends_at": day + dt.timedelta(days=1)})
    moved, pairs = meetings.moved_series(series, all_day)
    assert moved.exdates == [dt.datetime(2027, 1, 11, tzinfo=dt.UTC)]  # a date, as VALUE=DATE has it
    assert [new.recurrence_id for _old, new in pairs] == [dt.datetime(2027, 1, 18, tzinfo=dt.UTC)]
    save(series, all_day)
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):  # on those dates wherever the user is
        with clock.frozen(clock.now(), ZoneInfo(zone)):
            seen = shown(ZoneInfo(zone))
            assert [when[:10] for title, when in seen if title == "Stand-up"] == [
                "Mon 04 Jan", "Mon 25 Jan", "Mon 01 Feb", "Mon 08 Feb"]  # 11 Jan skipped, 18 Jan changed
            assert [title for title, _when in seen].count("Stand-up (late)") == 1
    stored = meetings.get(series.id)
    timed = MeetingRecord(**{**vars(stored), "all_day": False, "time_zone": "Europe/Berlin",
                             "starts_at": series.starts_at, "ends_at": series.ends_at})
    save(stored, timed)
    assert shown()[0] == ("Stand-up", "Mon 04 Jan 10:00") and len(shown()) == 5
    assert meetings.get(series.id).exdates == series.exdates
    assert meetings.changed_occurrences(series.uid)[0].recurrence_id == changed.recurrence_id


def test_a_change_that_does_not_move_the_series_leaves_its_exceptions_alone(notebook):
    series, _changed = weekly_with_exceptions()
    renamed = MeetingRecord(**{**vars(series), "title": "Daily"})
    assert meetings.moved_series(series, renamed) == (renamed, [])


def all_day_on(day: dt.date, reminder: int | None) -> int:
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    return meetings.save(MeetingRecord("Ana's birthday", start, start + dt.timedelta(days=1), kind="in_person",
                                       all_day=True, reminder_minutes=reminder))


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York", "UTC"])
def test_an_all_day_reminder_fires_at_its_hour_where_the_user_is(notebook, zone):
    here = ZoneInfo(zone)
    day = dt.date(2027, 3, 10)
    on_the_day = all_day_on(day, -9 * 60)  # "On the day at 09:00"
    day_before = all_day_on(day, 15 * 60)  # "The day before at 09:00"
    with clock.frozen(clock.now(), here):
        def due(hour, on=day):
            return {o.meeting.id for o in meetings.due_reminders(dt.datetime.combine(on, dt.time(hour), here))}
        before = day - dt.timedelta(days=1)
        assert due(8, before) == set() and due(9, before) == {day_before}
        assert due(8) == {day_before} and due(9) == {on_the_day, day_before}
        meetings.mark_reminded(day_before, dt.datetime.combine(before, dt.time(9), here))
        assert due(10) == {on_the_day}


def test_a_reminder_a_week_ahead_is_not_missed(notebook):
    day = dt.date(2027, 3, 10)
    week = all_day_on(day, 7 * 1440 - 9 * 60)
    week_before = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(9, 1), clock.local_zone())
    assert [o.meeting.id for o in meetings.due_reminders(week_before)] == [week]


def test_reminders_are_told_as_the_editor_lists_them():
    assert [meetings.reminder_text(m) for m in meetings.REMINDERS] == [
        "None", "At the time", "5 minutes before", "15 minutes before", "30 minutes before", "1 hour before",
        "1 day before"]
    assert meetings.reminder_text(90) == "1 h 30 min before"
    assert meetings.reminder_text(-10) == "10 minutes after the start"
    assert [meetings.reminder_text(m, all_day=True) for m in meetings.ALL_DAY_REMINDERS] == [
        "None", "On the day at 09:00", "The day before at 09:00", "2 days before at 09:00", "7 days before at 09:00"]


def event(trigger: str, action="DISPLAY", all_day=False) -> str:
    when = "DTSTART;VALUE=DATE:20270310\r\nDTEND;VALUE=DATE:20270311" if all_day else \
        "DTSTART;TZID=Europe/Berlin:20270310T100000\r\nDTEND;TZID=Europe/Berlin:20270310T110000"
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
            f"DTSTAMP:20270101T000000Z\r\n{when}\r\nSUMMARY:Review\r\nBEGIN:VALARM\r\nACTION:{action}\r\n"
            f"DESCRIPTION:Review\r\n{trigger}\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize(("trigger", "action", "all_day", "minutes"), [
    ("TRIGGER:-PT15M", "DISPLAY", False, 15),
    ("TRIGGER;RELATED=END:-PT75M", "DISPLAY", False, 15),  # 75 minutes before an end an hour after the start
    ("TRIGGER;VALUE=DATE-TIME:20270310T084500Z", "AUDIO", False, 15),  # 09:45 in Berlin
    ("TRIGGER:PT9H", "DISPLAY", True, -540),  # on the day at 09:00 (Apple's and Google's usual)
    ("TRIGGER:-P6DT15H", "DISPLAY", True, 6 * 1440 + 900),  # Nextcloud's "7 days before at 09:00"
    ("TRIGGER;VALUE=DATE-TIME:19760401T005545Z", "NONE", False, None),  # Apple's placeholder: no reminder
])
def test_alarms_come_in_and_go_out_as_their_trigger_says(notebook, trigger, action, all_day, minutes):
    parsed = ical.read_text(event(trigger, action, all_day), "alarm.ics")
    record = parsed[0].record
    assert record is not None and record.reminder_minutes == minutes
    written = ical.calendar_objects([record])[record.uid]
    # icalendar (a reader we did not write) puts the alarm at the same moment before the start.
    again = icalendar.Calendar.from_ical(written).walk("VEVENT")[0]
    alarms = again.walk("VALARM")
    if minutes is None:
        assert alarms == []
        return
    assert -alarms[0]["TRIGGER"].dt == dt.timedelta(minutes=minutes)
    assert ical.read_text(written, "again.ics")[0].record.reminder_minutes == minutes


def test_a_display_alarm_is_preferred_to_an_email_one(notebook):
    text = event("TRIGGER:-P1D", "EMAIL").replace(
        "END:VEVENT", "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT")
    assert ical.read_text(text, "two.ics")[0].record.reminder_minutes == 10


def test_only_a_link_or_a_number_joins_a_call():
    assert meetings.call_link("https://meet.jit.si/rapport") == "https://meet.jit.si/rapport"
    assert meetings.call_link("+1 912 555 0143") == "tel:+19125550143"
    assert meetings.call_link("Café Central, Wien") == ""  # an address leads to a map, not into a call
    assert meetings.location_link("Café Central, Wien").startswith("https://www.openstreetmap.org/search")
    assert meetings.call_link("") == ""
