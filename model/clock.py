"""The one place Rapport asks what time it is, and in which zone the user lives.

Everything that depends on "now" (today's meetings, overdue people, reminders, the time
where a contact is, the sample notebook's dates) asks this module, so tests can freeze the
moment and the zone and pass at any hour, in any zone. The app never freezes it.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

_frozen_at: dt.datetime | None = None
_frozen_zone: dt.tzinfo | None = None
# Tests that run main.py in a subprocess freeze its clock too: RAPPORT_CLOCK=2026-06-10T10:00:00+02:00.
if os.environ.get("RAPPORT_CLOCK"):
    _frozen_at = dt.datetime.fromisoformat(os.environ["RAPPORT_CLOCK"]).astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current instant, in UTC, to the microsecond."""
    return _frozen_at if _frozen_at is not None else dt.datetime.now(dt.UTC)


def local_zone() -> dt.tzinfo:
    """The user's zone as a tzinfo that knows its daylight saving rules (an IANA zone where the
    system names one, so a date next summer gets next summer's offset), else the system's offset."""
    if _frozen_zone is not None:
        return _frozen_zone
    from model.places import my_zone

    name = my_zone()
    return ZoneInfo(name) if name else dt.datetime.now().astimezone().tzinfo or dt.UTC


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the user's own zone (the home zone of the preferences, else the computer's):
    the hour every time is shown at and the day it falls on, wherever it is shown. A naive
    moment is taken as a wall time there."""
    zone = local_zone()
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def local_now() -> dt.datetime:
    """The current instant in the user's own zone."""
    return local(now())


def today() -> dt.date:
    """The user's local date."""
    return local_now().date()


def freeze(at: dt.datetime, zone: dt.tzinfo | None = None) -> None:
    """Stop the clock at `at` (aware), optionally in `zone`: for tests only."""
    global _frozen_at, _frozen_zone
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen_at, _frozen_zone = at.astimezone(dt.UTC), zone


def thaw() -> None:
    global _frozen_at, _frozen_zone
    _frozen_at = _frozen_zone = None


@contextmanager
def frozen(at: dt.datetime, zone: dt.tzinfo | None = None):
    """`with clock.frozen(moment):` the clock reads `moment` inside the block."""
    global _frozen_at, _frozen_zone
    previous = _frozen_at, _frozen_zone
    freeze(at, zone)
    try:
        yield
    finally:
        _frozen_at, _frozen_zone = previous
