"""The home zone of the preferences is the zone every time is shown in (README, Preferences:
"the zone every time is shown in: this computer's, or another while you travel"), whatever
zone the computer is in: a call sheet, a reminder, the day a meeting falls on, the log
dialog's field. Tokyo (UTC+9, no daylight saving) is a day ahead of every zone CI runs in for
a meeting at 20:00 UTC, so a time shown in the computer's zone would show here."""

import dataclasses
import datetime as dt

import pytest

from model import callsheet, clock, contacts, history, meetings, preferences
from model.contacts import ContactRecord
from model.meetings import Attendee, MeetingRecord

pytestmark = pytest.mark.timeout(60)

AT = dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)  # 05:00 on Thursday 3 December in Tokyo


@pytest.fixture
def in_tokyo(notebook):
    preferences.save(dataclasses.replace(preferences.current(), home_zone="Asia/Tokyo"))
    return notebook


def test_a_moment_is_shown_in_the_home_zone(in_tokyo):
    shown = clock.local(AT)
    assert shown == AT and shown.utcoffset() == dt.timedelta(hours=9)
    assert (shown.date(), shown.hour) == (dt.date(2026, 12, 3), 5)
    assert clock.local(dt.datetime(2026, 12, 3, 5, 0)) == AT  # a naive wall time is taken as one there
    assert history.utc(dt.datetime(2026, 12, 3, 5, 0)) == AT


def test_a_meeting_falls_on_its_day_and_hour_in_the_home_zone(in_tokyo):
    london = contacts.add_contact(ContactRecord(given_name="Ann", family_name="Lee", city="London",
                                                country="United Kingdom"))
    meeting_id = meetings.save(MeetingRecord("Call with Ann", AT, AT + dt.timedelta(minutes=30), time_zone="Asia/Tokyo",
                                          attendees=[Attendee(london)]))
    assert [o.meeting.id for o in meetings.on_days(dt.date(2026, 12, 3))] == [meeting_id]
    assert meetings.on_days(dt.date(2026, 12, 2)) == []
    [occurrence] = meetings.on_days(dt.date(2026, 12, 3))
    sheet = callsheet.for_meeting(meeting_id, now=AT - dt.timedelta(days=1))
    assert sheet.meeting.when_here == "Thursday 3 December 2026, 05:00–05:30 here"
    assert sheet.meeting.when_there == "20:00 in London"
    reminder = meetings.describe_reminder(occurrence, now=AT - dt.timedelta(minutes=15))
    assert "(05:00)" in reminder


def test_the_log_dialogs_field_shows_and_reads_the_home_zones_wall_time(in_tokyo, qapp):
    from gui.log_dialog import from_qdatetime, to_qdatetime

    field = to_qdatetime(AT)
    assert (field.date().toPython(), field.time().toPython()) == (dt.date(2026, 12, 3), dt.time(5, 0))
    assert from_qdatetime(field) == AT


@pytest.fixture
def computer_in_new_york(monkeypatch):
    """The process's own zone (what Qt's local time follows) set to New York for one test."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_wall_time_the_computers_zone_skips_stays_as_typed(notebook, qapp, computer_in_new_york):
    """02:30 on 8 March 2026 does not exist in New York (its clocks go forward at 02:00); in
    London, home here, it does. The field keeps it, and it reads back as that instant."""
    from gui.log_dialog import DateTimeField, from_qdatetime, to_qdatetime

    preferences.save(dataclasses.replace(preferences.current(), home_zone="Europe/London"))
    moment = dt.datetime(2026, 3, 8, 2, 30, tzinfo=dt.UTC)  # 02:30 in London (GMT)
    field = DateTimeField(to_qdatetime(moment))
    assert field.time().toPython() == dt.time(2, 30)
    assert from_qdatetime(field.dateTime()) == moment


def test_the_meeting_editor_keeps_a_meeting_at_a_time_the_computers_zone_skips(notebook, qapp, computer_in_new_york):
    from gui.meeting_editor import MeetingEditor

    moment = dt.datetime(2026, 3, 8, 2, 30, tzinfo=dt.UTC)
    editor = MeetingEditor()
    editor.zone.setCurrentText("Europe/London")
    editor._set_start(moment)
    assert editor.start.time().toPython() == dt.time(2, 30)
    assert editor.starts_at() == moment
