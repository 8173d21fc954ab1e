"""The user's preferences: where home is, the hours people may be called by default, the first
day of the week, the paper the call sheet is printed on, whether imported messages keep their
text, and the reminder a new meeting gets.

They belong to the user, not to a notebook (the sample and one's own notebook share them), so
they live in a small JSON file in the user's configuration folder
(`~/.config/Rapport/preferences.json` on Linux), which the window and the command line both
read. A file that cannot be read gives the defaults, and says so in the log; a value that is not
valid is left at its default.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PAPERS = ("", "a4", "letter")  # "": as the computer's region has it
DEFAULT_CALL_HOURS = "09:00-18:00"


@dataclass
class Preferences:
    home_zone: str = ""  # "": the computer's own zone
    home_place: str = ""  # the city, as the user names it ("Lisbon")
    call_hours: str = DEFAULT_CALL_HOURS  # when a person without hours of their own may be called
    first_day: int = 0  # of the week: 0 Monday ... 6 Sunday
    paper: str = ""
    keep_text: bool = False  # of imported messages: a one-line summary of each
    reminder: int = 15  # minutes before a new timed meeting
    all_day_reminder: int = -9 * 60  # a new all-day meeting: at 09:00 on the day


_current: Preferences | None = None


def path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("Rapport", appauthor=False)) / "preferences.json"


def current() -> Preferences:
    """The preferences, read once (then kept until `save`)."""
    global _current
    if _current is None:
        _current = _read()
    return _current


def _read() -> Preferences:
    try:
        stored = json.loads(path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError) as error:
        logger.warning("The preferences in %s cannot be read (%s): the defaults are used", path(), error)
        return Preferences()
    found = Preferences()
    if not isinstance(stored, dict):
        return found
    for name, default in dataclasses.asdict(found).items():
        value = stored.get(name, default)
        if type(value) is type(default):
            setattr(found, name, value)
    return _valid(found)


def _valid(found: Preferences) -> Preferences:
    from model import places

    defaults = Preferences()
    if found.home_zone and not places.valid_zone(found.home_zone):
        found.home_zone = ""
    try:
        places.parse_call_hours(found.call_hours)
    except ValueError:
        found.call_hours = defaults.call_hours
    if not 0 <= found.first_day <= 6:
        found.first_day = defaults.first_day
    if found.paper not in PAPERS:
        found.paper = defaults.paper
    return found


def save(preferences: Preferences) -> None:
    """Write the preferences (whole, atomically: a crash leaves the old file or the new one)."""
    global _current
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".preferences-", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(dataclasses.asdict(preferences), stream, indent=2, ensure_ascii=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _current = dataclasses.replace(preferences)


def forget() -> None:
    """Read the file again at the next `current()` (another process may have written it)."""
    global _current
    _current = None
