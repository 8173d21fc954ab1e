"""The arithmetic walk of plain rules (daily, weekly, monthly with no BY part, model/recurrence.py
`_plain`) gives exactly the starts dateutil's rrule gives, across daylight-saving changes, for
all-day series, with UNTIL, and in windows far from the series' start."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import recurrence

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


def by_dateutil(rule, first, all_day, start, end):
    from dateutil.rrule import rrulestr

    origin = first.replace(tzinfo=None) if all_day else first
    found = []
    for moment in rrulestr(rule, dtstart=origin):
        if all_day:
            moment = moment.replace(tzinfo=dt.UTC)
        if moment >= end:
            break
        if moment >= start:
            found.append(moment)
    return found


@pytest.mark.timeout(120)
@settings(max_examples=300, deadline=None)
@given(freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]), interval=st.integers(1, 5),
       zone=st.sampled_from(ZONES), all_day=st.booleans(),
       first=st.datetimes(dt.datetime(2019, 1, 1), dt.datetime(2026, 12, 31)),
       offset_days=st.integers(-40, 2000), span_days=st.integers(1, 62), until_days=st.none() | st.integers(0, 1500),
       viewer=st.sampled_from([None, *ZONES]), offset_minutes=st.integers(0, 24 * 60))
def test_plain_rules_agree_with_dateutil(freq, interval, zone, all_day, first, offset_days, span_days, until_days,
                                         viewer, offset_minutes):
    """The window is in the series' zone, or (as the calendar asks) in another, its edges at any
    minute: _plain compares in UTC, dateutil's starts are compared here as they come."""
    tz = dt.UTC if all_day else ZoneInfo(zone)
    first = first.replace(second=0, microsecond=0, tzinfo=tz)
    if all_day:
        first = first.replace(hour=0, minute=0)
    rule = f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")
    if until_days is not None:
        until = first + dt.timedelta(days=until_days)
        rule += f";UNTIL={until:%Y%m%d}" if all_day else f";UNTIL={until.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    start = first + dt.timedelta(days=offset_days, minutes=offset_minutes if viewer else 0)
    end = start + dt.timedelta(days=span_days)
    if viewer and not all_day:
        start, end = start.astimezone(ZoneInfo(viewer)), end.astimezone(ZoneInfo(viewer))
    plain = recurrence._plain(recurrence._parts(rule), first, all_day,
                              *((m.replace(tzinfo=None) for m in (start, end)) if all_day else (start, end)))
    assert plain == by_dateutil(rule, first, all_day, start, end)
