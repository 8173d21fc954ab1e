"""Bad calendar input costs bounded time and memory, is reported per event, and loses nothing:
a rule that never ends with FREQ=SECONDLY, 10,000 EXDATEs, starts in year 1 and 9999, an UNTIL
before DTSTART, a broken alarm, among 2,000 good events."""

import datetime as dt

from model import ical, meetings, recurrence


def event(uid, lines):
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{uid}\r\n{lines}END:VEVENT\r\n"


def test_bad_events_among_good_ones(notebook, tmp_path):
    exdates = "".join(f"EXDATE:{dt.datetime(2020, 1, 1, 10) + dt.timedelta(days=n):%Y%m%dT%H%M%SZ}\r\n"
                      for n in range(1, 10_001))
    bad = [
        event("far", "DTSTART:99991231T230000Z\r\n"),  # no end, in the last hour there is
        event("year one", "DTSTART:00010101T100000Z\r\nDTEND:00010101T110000Z\r\n"),
        event("every second", "DTSTART:20200101T000000Z\r\nDTEND:20200101T000001Z\r\nRRULE:FREQ=SECONDLY\r\n"),
        event("until before", "DTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"
                              "RRULE:FREQ=DAILY;UNTIL=20190101T000000Z\r\n"),
        event("many exdates", "DTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\nRRULE:FREQ=DAILY\r\n" + exdates),
        event("bad alarm", "DTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"
                           "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:not a duration\r\nEND:VALARM\r\n"),
    ]
    good = [event(f"good {n}", "DTSTART:20240101T100000Z\r\n") for n in range(2000)]
    path = tmp_path / "bad.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + "".join(bad + good) + "END:VCALENDAR\r\n",
                    encoding="utf-8")
    summary = ical.import_files([path]).summary()
    assert summary["new"] == 2006 and summary["rejected"] == []
    (warning,) = summary["warnings"]
    assert "alarm could not be read" in warning["warning"] and warning["line"] > 10_000

    week = meetings.occurrences(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 8, tzinfo=dt.UTC))
    assert {o.meeting.title for o in week} == {"every second"}  # every day of "many exdates" is excluded
    assert len(week) <= recurrence.MAX_PER_WINDOW  # a window holds at most that many of one series
    until = [o for o in meetings.occurrences(dt.datetime(2019, 1, 1, tzinfo=dt.UTC), dt.datetime(2021, 1, 1,
                                                                                                  tzinfo=dt.UTC))
             if o.meeting.title == "until before"]
    assert len(until) == 1  # DTSTART is the series' first meeting (RFC 5545 3.8.5.3), the rule adds none
    far = meetings.by_uid("far")
    assert far.starts_at == dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC) and far.ends_at > far.starts_at
