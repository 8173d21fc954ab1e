"""Which files are which, by their names: what an import, a drop or a folder hands to the
calendar reader, the vCard reader and the history readers (without loading any of them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".vcs")  # .vcs: vCalendar 1.0 (KOrganizer, old phones)
CARD_SUFFIXES = (".vcf", ".vcard")
HISTORY_SUFFIXES = (".txt", ".xml", ".mbox", ".mbx", ".json", ".js", ".csv", ".zip")  # exports: model/exports/


def is_history_file(path: str | Path) -> bool:
    """Whether an import hands this file to the history readers (by its name, or an mbox's first bytes)."""
    path = Path(path)
    return path.suffix.lower() in HISTORY_SUFFIXES or (path.is_file() and not path.suffix and _looks_like_mbox(path))


def _looks_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(5) == b"From "
    except OSError:
        return False


def _holds(folder: Path, wanted) -> bool:
    return folder.is_dir() and any(p.is_file() and wanted(p) for p in folder.rglob("*"))


def sort_paths(paths: Sequence[str | Path]) -> tuple[list[str], list[str], list[str]]:
    """(vCard files and folders, calendar files, history exports and folders of them) of an import.

    A folder goes to each reader that has files in it (its calendars one by one); a folder with no
    cards is not handed to the vCard reader when another reader has work (it would report an
    empty import)."""
    names = [str(path) for path in paths]
    calendars = [name for name in names if Path(name).suffix.lower() in CALENDAR_SUFFIXES]
    for folder in (Path(name) for name in names if Path(name).is_dir()):
        calendars += sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in CALENDAR_SUFFIXES and p.is_file())
    exports = [name for name in names if name not in calendars and Path(name).suffix.lower() not in CARD_SUFFIXES
               and (is_history_file(name) or _holds(Path(name), is_history_file))]
    cards = [name for name in names if name not in calendars and (name not in exports or Path(name).is_dir())]
    if exports or calendars:
        cards = [name for name in cards if not Path(name).is_dir()
                 or _holds(Path(name), lambda p: p.suffix.lower() in CARD_SUFFIXES)]
    return cards, calendars, exports
