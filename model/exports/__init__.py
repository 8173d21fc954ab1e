"""Readers for the exports people download from the services they talk on.

Each reader takes one file's bytes and says what it found (`exchange_import.Found`): the
messages, calls and connections, with the other side's identity, the user's own side
recognised. `read_paths` finds the files (in folders, and inside the zips the services hand
out, opened as given), tells which reader each one needs from its name and first bytes, and
yields what they found; a file no reader knows is reported, never guessed at.

| reader             | files                                                                  |
|--------------------|------------------------------------------------------------------------|
| whatsapp           | "Export chat" .txt, Android and iOS, any locale                        |
| phone_backup       | SMS Backup & Restore sms-*.xml, calls-*.xml; Super Backup call logs     |
| mbox               | Thunderbird folders, Gmail Takeout .mbox (headers only, streamed)      |
| social             | Messenger/Instagram JSON, Telegram result.json, X archive .js, LinkedIn |
| contacts_csv       | Google, Outlook and Thunderbird address-book CSV                        |
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import typing
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from model.exchange_import import Found
from model.file_kinds import HISTORY_SUFFIXES, is_history_file

# What one file's bytes may be at most: a chat, an SMS backup or an archive member is read whole
# (an mbox is streamed from its file and has no limit).
MAX_BYTES = 1 << 30


class _Source:
    """A file to read: a path on disk, or a member of a zip (its bytes read when asked)."""

    def __init__(self, name: str, opener: Callable[[], BinaryIO], size: int) -> None:
        self.name, self.open, self.size = name, opener, size

    def read(self) -> bytes:
        with self.open() as stream:
            return stream.read(MAX_BYTES + 1)


def _sources(paths: Sequence[str], rejected: list[Found]) -> Iterator[_Source]:
    for path in map(Path, paths):
        if path.is_dir():
            for member in sorted(p for p in path.rglob("*") if p.is_file() and is_history_file(p)):
                yield from _sources([str(member)], rejected)
        elif path.suffix.lower() == ".zip":
            yield from _zip_members(path, rejected)
        elif path.is_file():
            yield _Source(str(path), functools.partial(_open, path), path.stat().st_size)
        else:
            rejected.append(Found(str(path), "", rejected=[(0, "no such file")]))


def _zip_members(path: Path, rejected: list[Found]) -> Iterator[_Source]:
    try:
        archive = zipfile.ZipFile(path)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        rejected.append(Found(str(path), "zip", rejected=[(0, f"not a readable zip archive ({error})")]))
        return
    for info in members:
        name = f"{path}!{info.filename}"
        if PurePosixPath(info.filename).suffix.lower() not in HISTORY_SUFFIXES or info.filename.startswith("__MACOSX/"):
            continue
        yield _Source(name, functools.partial(_member, archive, info), info.file_size)


def _open(path: Path) -> BinaryIO:
    return path.open("rb")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> BinaryIO:
    return typing.cast(BinaryIO, archive.open(info))


def kind_of(name: str, head: bytes) -> str:
    """Which reader a file needs, from its name and its first bytes ("" when none does)."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".mbox", ".mbx") or text.startswith(b"From "):
        return "mbox"
    if suffix == ".xml" or text.startswith(b"<?xml"):
        return "phone_backup"
    if suffix == ".js" and text.startswith(b"window.YTD."):
        return "x"
    if suffix == ".txt":
        return "whatsapp"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json" or text[:1] in (b"{", b"["):
        return "json"
    return ""


def read_paths(paths: Sequence[str], progress: Callable[[int, int], None] | None = None,
               day_first: dict[str, bool] | None = None, me: dict[str, str] | None = None,
               zone: dt.tzinfo | None = None) -> Iterator[Found]:
    """What every file among `paths` holds, file by file (`day_first` and `me` answer, per file,
    the questions a chat could not settle alone). Times an export gives without a zone (a
    WhatsApp chat's) are clock times in `zone`, by default the user's."""
    from model.exports import contacts_csv, mbox, phone_backup, social, whatsapp

    _ZONE.set(zone)

    rejected: list[Found] = []
    sources = list(_sources(paths, rejected))
    yield from rejected
    total = sum(source.size for source in sources) or 1
    done = 0
    chats: list[tuple[str, str]] = []  # read together: who the user is shows across them
    archive: list[tuple[str, bytes]] = []  # X's files, likewise
    jsons: list[tuple[str, bytes]] = []  # and Meta's threads
    for source in sources:
        try:
            if source.size > MAX_BYTES and not source.name.lower().endswith((".mbox", ".mbx")):
                yield Found(source.name, "", rejected=[(0, f"too big to read ({source.size:,} bytes)")])
                continue
            with source.open() as stream:
                head = stream.read(4096)
            kind = kind_of(source.name, head)
            if kind == "mbox":
                with source.open() as stream:
                    yield mbox.read(source.name, stream)
            elif kind == "whatsapp":
                chats.append((source.name, whatsapp.decode(source.read())))
            elif kind == "phone_backup":
                yield phone_backup.read(source.name, source.read())
            elif kind == "x":
                archive.append((source.name, source.read()))
            elif kind == "json":
                jsons.append((source.name, source.read()))
            elif kind == "csv":
                yield contacts_csv.read(source.name, source.read())
            else:
                yield Found(source.name, "", rejected=[(0, "not a file Rapport can read history from")])
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            yield Found(source.name, "", rejected=[(0, f"cannot be read ({error})")])
        done += source.size
        if progress:
            progress(done, total)
    if chats:
        yield from whatsapp.read_chats(chats, day_first or {}, me or {})
    if archive:
        yield from social.read_x(archive)
    if jsons:
        yield from social.read_jsons(jsons)


_ZONE: contextvars.ContextVar[dt.tzinfo | None] = contextvars.ContextVar("export_zone", default=None)


def same_name(a: str, b: str) -> bool:
    """Whether two names as exports write them are one person ("Dmitry S" and "Dmitry S RU")."""
    from model import normalise

    a, b = normalise.fold(a), normalise.fold(b)
    return bool(a and b) and (a == b or b.startswith(a + " ") or a.startswith(b + " "))


def local(moment: dt.datetime) -> dt.datetime:
    """A time the export gives without a zone, as a clock time in the zone of the reading
    (`read_paths`' zone, else the user's own)."""
    from model import clock

    return moment.replace(tzinfo=_ZONE.get() or clock.local_zone())
