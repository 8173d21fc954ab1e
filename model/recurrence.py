"""Recurring meetings as RFC 5545 means them: the RRULE in its canonical form, the RDATE and
EXDATE lists, and expansion in the series' own frame, so that daylight saving never moves a
meeting and an all-day series falls on its dates wherever the user is.

A timed series is expanded in its IANA zone (10:00 in Sydney stays 10:00 in Sydney); an all-day
series on naive dates. Expansion is bounded whatever the rule says: at most MAX_PER_WINDOW
occurrences are returned for one window, and a rule finer than daily (SECONDLY, MINUTELY,
HOURLY) without COUNT is started from the window rather than from its first occurrence years
earlier, so a never-ending FREQ=SECONDLY costs what the window holds, not what came before.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Sequence

MAX_PER_WINDOW = 1000  # occurrences of one series in one window (a week of SECONDLY has 604,800)
MAX_STEPS = 200_000  # rule steps walked for one window, whatever it finds

_FINE = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}
_DAYS = {"DAILY": 1, "WEEKLY": 7}  # steps of the wall clock: a daylight-saving change moves no meeting


class RuleError(ValueError):
    pass


def normalise(rule: str, first: dt.datetime, all_day: bool) -> str:
    """An RRULE as Rapport stores and writes it: without "RRULE:" or the escapes some writers
    put before ; and , (``FREQ=DAILY\\;COUNT=10``), parts in upper case with FREQ first, and
    UNTIL in the form RFC 5545 3.3.10 asks: a date for an all-day series, a UTC time for a timed
    one (a date or a floating UNTIL is taken in the series' zone, to the end of that day).
    `first` is the series' first start, aware (all-day: its date at 00:00 UTC).
    Raises RuleError for a rule that names no frequency or cannot be read."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = text.replace("\\;", ";").replace("\\,", ",")
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        if not piece.strip():
            continue
        name, _, value = piece.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    if parts.get("FREQ") not in ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise RuleError(f"the rule names no frequency: {rule!r}")
    if "UNTIL" in parts:
        parts["UNTIL"] = _until(parts["UNTIL"], first, all_day)
    ordered = {"FREQ": parts.pop("FREQ"), **parts}
    normalised = ";".join(f"{name}={value}" for name, value in ordered.items())
    rule_for(normalised, first, all_day)  # raises RuleError when dateutil cannot read it
    return normalised


def _until(value: str, first: dt.datetime, all_day: bool) -> str:
    match = re.fullmatch(r"(\d{8})(?:T(\d{6})(Z?))?", value)
    if not match:
        raise RuleError(f"UNTIL={value} is not a date or a time")
    day, time, utc = match.groups()
    date = dt.datetime.strptime(day, "%Y%m%d").date()
    if all_day:
        return f"{date:%Y%m%d}"
    zone = first.tzinfo or dt.UTC
    if time is None:  # a date: the series goes on to the end of that day, in its zone
        local = dt.datetime.combine(date, dt.time(23, 59, 59), zone)
    elif utc:
        return value
    else:  # a floating time: in the series' zone
        local = dt.datetime.combine(date, dt.datetime.strptime(time, "%H%M%S").time(), zone)
    return f"{local.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


@functools.lru_cache(maxsize=16384)  # every series a busy calendar shows (2,000 in the bench) stays
def rule_for(rule: str, first: dt.datetime, all_day: bool):
    """dateutil's rrule for a normalised rule (cached: paging through months reuses it)."""
    from dateutil.rrule import rrulestr

    start = first.replace(tzinfo=None) if all_day else first
    try:
        return rrulestr(rule, dtstart=start, cache=True)
    except (ValueError, TypeError, OverflowError) as error:
        raise RuleError(f"the rule {rule!r} cannot be read: {error}") from error


def expand(rule: str, first: dt.datetime, all_day: bool, start: dt.datetime, end: dt.datetime,
           rdates: Sequence[dt.datetime] = (), exdates: Sequence[dt.datetime] = ()) -> list[dt.datetime]:
    """The starts of a series within [start, end), in its frame (aware in its zone; all-day:
    at 00:00 UTC of each date): the rule's occurrences and the RDATEs, less the EXDATEs.
    `first` counts as an occurrence (RFC 5545 3.8.5.3), whether or not the rule gives it."""
    moments = _from_rule(rule, first, all_day, start, end) if rule else []  # in order, each once
    extra = [moment for moment in (first, *rdates) if start <= moment < end]
    if extra:
        moments = sorted(set(moments).union(extra))
    if exdates:
        excluded = {_key(moment, all_day) for moment in exdates}
        moments = [moment for moment in moments if _key(moment, all_day) not in excluded]
    return moments[:MAX_PER_WINDOW]


def _key(moment: dt.datetime, all_day: bool):
    return moment.date() if all_day else moment.astimezone(dt.UTC)


@functools.lru_cache(maxsize=16384)
def _parts(rule: str) -> dict[str, str]:
    return dict(piece.split("=", 1) for piece in rule.split(";") if "=" in piece)


def _from_rule(rule: str, first: dt.datetime, all_day: bool, start: dt.datetime,
               end: dt.datetime) -> list[dt.datetime]:
    parts = _parts(rule)
    zone, origin = first.tzinfo, first  # rule_for makes an all-day origin naive itself
    if all_day:  # dates compare as naive times
        start, end, first = (moment.replace(tzinfo=None) for moment in (start, end, first))
    if parts.keys() <= _PLAIN_PARTS and (parts.get("FREQ") in _DAYS or parts.get("FREQ") == "MONTHLY"):
        return _plain(parts, first, all_day, start, end)
    fine = _FINE.get(parts.get("FREQ", ""))
    if fine and "COUNT" not in parts and "BYSETPOS" not in parts and start > first:
        # Start the walk at the window: the same grid of instants, as the rule's interval lays it.
        step = fine * max(1, int(parts.get("INTERVAL", "1") or 1))
        origin += dt.timedelta(seconds=int((start - first).total_seconds() // step) * step)
    days = _DAYS.get(parts.get("FREQ", ""))
    if days and "COUNT" not in parts and "BYSETPOS" not in parts and start > first:
        # The same, in whole periods of the wall clock: a series that began years ago is not walked
        # from its first week. One period less, so that a BYDAY before the origin's own day in its
        # week is still found.
        step = days * max(1, int(parts.get("INTERVAL", "1") or 1))
        wall = (start.astimezone(zone) if start.tzinfo else start).replace(tzinfo=None)
        periods = (wall - first.replace(tzinfo=None)).days // step - 1
        if periods > 0:
            origin += dt.timedelta(days=periods * step)  # aware arithmetic in one zone: wall-clock days
    iterator = iter(rule_for(rule, origin, all_day))
    found: list[dt.datetime] = []
    for steps, moment in enumerate(iterator):
        if moment >= end or steps >= MAX_STEPS or len(found) >= MAX_PER_WINDOW:
            break
        if moment >= start:
            found.append(moment)
    if all_day:
        return [moment.replace(tzinfo=dt.UTC) for moment in found]
    return [moment if moment.tzinfo else moment.replace(tzinfo=zone) for moment in found]


_PLAIN_PARTS = {"FREQ", "INTERVAL", "UNTIL", "WKST"}


def _plain(parts: dict[str, str], first: dt.datetime, all_day: bool, start: dt.datetime,
           end: dt.datetime) -> list[dt.datetime]:
    """A daily, weekly or monthly rule with no BY part and no COUNT (most series: "every week"),
    by arithmetic on the wall clock instead of dateutil's walk: the same starts (a test compares
    them), and the bench's month query of 2,000 series from 73 to 43 ms. A time that daylight
    saving skips keeps the offset before the change, as dateutil gives it.

    A timed series' starts are compared with the window as instants in UTC: comparing times in
    two zones asks both for their offsets each time, and `replace(tzinfo=...)` is slow (a weekly
    series in a 30-day window went from 19 to 8 µs)."""
    zone = None if all_day else first.tzinfo
    interval = max(1, int(parts.get("INTERVAL", "1") or 1))
    until = parts.get("UNTIL")
    last = None
    if until:
        last = (dt.datetime.strptime(until[:8], "%Y%m%d") if len(until) == 8
                else dt.datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC))
    if zone is not None:
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    window = start.astimezone(zone).replace(tzinfo=None) if zone is not None else start
    wall = first.replace(tzinfo=None)
    walls = (_months(wall, window, interval) if parts["FREQ"] == "MONTHLY"
             else _days(wall, window, _DAYS[parts["FREQ"]] * interval))
    found: list[dt.datetime] = []
    for moment in walls:
        if zone is None:
            instant = moment
        else:
            moment = first + (moment - wall)  # aware arithmetic in one zone: the wall clock, in `zone`
            instant = moment.astimezone(dt.UTC)
        if instant >= end or (last is not None and instant > last) or len(found) >= MAX_PER_WINDOW:
            break
        if instant >= start:
            found.append(moment)
    return [moment.replace(tzinfo=dt.UTC) for moment in found] if all_day else found


def _days(wall: dt.datetime, window: dt.datetime, days: int):
    """Every `days`-th day from `wall` at its time, from one step before `window` on."""
    step = dt.timedelta(days=days)
    moment = wall + max(0, (window - wall).days // days - 1) * step
    while moment.year < 9999:  # the end of the calendar (datetime's year 9999)
        yield moment
        moment += step


def _months(wall: dt.datetime, window: dt.datetime, interval: int):
    """The same day of every `interval`-th month; a month without that day (the 31st in April)
    has no occurrence (RFC 5545 3.3.10: an invalid date is ignored)."""
    index = wall.year * 12 + wall.month - 1
    ahead = (window.year * 12 + window.month - 1 - index) // interval - 1
    index += max(0, ahead) * interval
    while index < 12 * 10_000:
        year, month = divmod(index, 12)
        if wall.day <= calendar.monthrange(year, month + 1)[1]:
            yield wall.replace(year=year, month=month + 1)
        index += interval


_VCAL_FREQ = {"D": "DAILY", "W": "WEEKLY", "MP": "MONTHLY", "MD": "MONTHLY", "YM": "YEARLY", "YD": "YEARLY"}
_VCAL_RULE = re.compile(r"^(MP|MD|YM|YD|D|W)(\d*)\s*(.*)$", re.IGNORECASE)


def from_vcalendar(rule: str) -> str:
    """A vCalendar 1.0 rule (KOrganizer, old Nokia and Palm exports: "W2 MO WE FR 20050630T000000",
    "MD1 15 #10", "YM1 6 #0") in RFC 5545's syntax; raises RuleError for one it cannot read. Only
    the first rule of a nested one ("W1 MO #2 D1 #3") is taken."""
    match = _VCAL_RULE.match(rule.strip())
    if not match:
        raise RuleError(f"{rule!r} is not a vCalendar 1.0 rule")
    kind, interval, rest = match.group(1).upper(), match.group(2) or "1", match.group(3).split()
    parts = [f"FREQ={_VCAL_FREQ[kind]}"] + ([f"INTERVAL={interval}"] if interval != "1" else [])
    words, end = [], ""
    for word in rest:
        upper = word.upper()
        if upper.startswith("#"):
            end = "" if upper == "#0" else f"COUNT={upper[1:]}"
            break
        if re.fullmatch(r"\d{8}(T\d{6}Z?)?", upper):
            end = f"UNTIL={upper}"
            break
        if re.fullmatch(r"(MP|MD|YM|YD|D|W)\d+", upper):  # the start of a second, nested rule
            break
        words.append(upper)
    if kind == "W" and words:
        parts.append("BYDAY=" + ",".join(words))
    elif kind == "MD" and words:
        parts.append("BYMONTHDAY=" + ",".join(_vcal_number(word) for word in words))
    elif kind == "MP" and words:  # "1+ MO" the first Monday, "1- FR" the last Friday
        days, position = [], "1"
        for word in words:
            if re.fullmatch(r"\d[+-]", word):
                position = word[0] if word[1] == "+" else f"-{word[0]}"
            else:
                days.append(f"{position}{word}")
        parts.append("BYDAY=" + ",".join(days))
    elif kind == "YM" and words:
        parts.append("BYMONTH=" + ",".join(words))
    elif kind == "YD" and words:
        parts.append("BYYEARDAY=" + ",".join(words))
    # No end given: two occurrences, as vCalendar 1.0 (3.9.1, "#2 is the default") says.
    parts.append(end if end or "#0" in (w.upper() for w in rest) else "COUNT=2")
    return ";".join(part for part in parts if part)


def _vcal_number(word: str) -> str:
    """A vCalendar day number: "15", "1-" (the last day) as RFC 5545 writes them."""
    return f"-{word[:-1]}" if word.endswith("-") else word.rstrip("+")
