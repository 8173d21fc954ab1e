"""Exported VTIMEZONEs agree with the zone database hour by hour, read back by a reader we did not
write (icalendar), in both hemispheres and for zones with 30- and 45-minute offsets."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from model import ical

ZONES = ["Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Sydney", "Australia/Adelaide",
         "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns",
         "Africa/Casablanca", "Asia/Tehran", "Europe/London", "Pacific/Auckland"]


@pytest.mark.parametrize("zone", ZONES)
def test_every_hour_of_2020_to_2030_has_the_zone_databases_offset(zone):
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + ical._vtimezone(zone, 2020, 2030) + "END:VCALENDAR\r\n"
    (component,) = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
    written, real = component.to_tz(), ZoneInfo(zone)
    moment, end = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    wrong = []
    while moment < end:
        if moment.astimezone(written).utcoffset() != moment.astimezone(real).utcoffset():
            wrong.append(moment)
        moment += dt.timedelta(hours=1)
    assert not wrong, f"{len(wrong)} hours wrong, first {wrong[:3]}"
