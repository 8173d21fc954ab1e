"""WhatsApp's "Export chat" text files, from Android and iOS, in any locale.

WhatsApp writes no fixed grammar. A message starts a line with its time, in the phone's
locale: `12/9/20, 23:55 - Name: text` on Android, `[8/15/23, 9:12:33 AM] Name: text` on iOS,
with dots, dashes or slashes between the date's parts, 2- or 4-digit years (or Buddhist-era
`2565 BE`), 12 or 24 hours (`AM`, `am`, `a. m.`, after a space, U+202F or `_`), seconds or not,
the time before the date (Vietnamese), and direction marks (U+200E, U+200F) anywhere. Every
other line continues the message before it.

A line says `3/4/22`, not which of 3 and 4 is the day. The whole chat decides: a first part over
12 means day first, a second part over 12 month first; where no part is over 12, the order that
keeps the messages in time order wins, then what the separators suggest (dots and dashes are
written day first). Only a chat that none of that settles is a question (`Found.question`),
read day first until the user answers.

The user is recognised as the sender who appears in every chat of the import, else as the one
who is not the chat's other side (the file's name "WhatsApp Chat with Anna.txt", or iOS's
first line, which names the chat), else, in a chat of two, as the more frequent sender, said in
a question. In a group, the others' messages are exchanges with each of them; the user's own go
to no one in particular and are not counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import NamedTuple

from model.exchange_import import CALL, MISSED_CALL, Found, Identity, Message
from model.exports import same_name

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_DATE = r"(?P<a>\d{1,4})(?P<sep>[./\-])(?P<b>\d{1,2})[./\-](?P<c>\d{1,4})(?P<be>\s*BE)?"
_TIME = (r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
         r"(?:[\s_\u202f\u00a0]*(?P<ampm>[AaPp])\.?[\s\u202f\u00a0]?[Mm]\.?|[\s\u202f\u00a0]*(?P<ar>[صم]))?")
_STAMP = re.compile(rf"^(?:{_DATE}[\s,\u060c]*{_TIME}|{_TIME.replace('?P<', '?P<t_')}[\s,\u060c]+"
                    rf"{_DATE.replace('?P<', '?P<d_')})$")
_IOS = re.compile(r"^\[([^\]]{6,40})\][\s\u202f\u00a0]?(.*)$")
_ANDROID = re.compile(r"^(\d[\d./\-,\s\u060c:\u202f\u00a0\u200e\u200f_APMapm.]{5,38}?) - (.*)$")
_SENDER = re.compile(r"^(?P<sender>[^:]{1,80}?):(?:\s|$)(?P<text>.*)$", re.DOTALL)
_FILE_NAME = re.compile(
    r"^(?:WhatsApp Chat (?:with|mit|con|avec|met|com) |WhatsApp Chat - |Чат WhatsApp с (?:контактом )?|"
    r"Conversa do WhatsApp com |Chat de WhatsApp con |_chat)(?P<name>.*)$", re.IGNORECASE)
_CALLS = re.compile(r"^(?:(?P<missed>Missed|Silenced) (?P<kind>voice|video) call|(?P<kind2>Voice|Video) call)"
                    r"(?:,\s*(?P<minutes>\d+)\s*min|,\s*(?P<seconds>\d+)\s*sec)?", re.IGNORECASE)
_SYSTEM = ("end-to-end", "changed their phone number", "changed the subject", "created group", "security code")


class _Stamp(NamedTuple):
    """A line's time as written: the date's three parts (which is the day is decided later)."""

    a: int
    b: int
    c: int
    year_first: bool  # 2023/5/4
    short_year: bool  # 23
    buddhist: bool  # 2565 BE
    separator: str
    hour: int
    minute: int
    second: int
    marker: str  # "a", "p" or "" (24 hours)


@dataclass(slots=True)
class _Line:
    stamp: _Stamp
    sender: str  # "" for a system line
    text: str
    line: int
    media: bool  # iOS marks media and events with a mark before the line


def decode(data: bytes) -> str:
    """A chat's text: UTF-8 (with or without BOM; a damaged byte loses only its character), else UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _stamp(found: re.Match) -> _Stamp:
    group = found.groupdict()
    date = "" if group.get("a") is not None else "d_"
    time = "" if group.get("h") is not None else "t_"
    a, b, c = group[date + "a"], group[date + "b"], group[date + "c"]
    marker = (group[time + "ampm"] or "").lower()
    if group[time + "ar"]:
        marker = "a" if group[time + "ar"] == "ص" else "p"
    return _Stamp(int(a), int(b), int(c), len(a) == 4, len(c) <= 2, bool(group[date + "be"]), group[date + "sep"],
                  int(group[time + "h"]), int(group[time + "m"]), int(group[time + "s"] or 0), marker)


def _parse_line(line: str) -> tuple[_Stamp, str] | None:
    """(the time, the rest with its direction marks) of a line that starts a message."""
    if not line[:1].isdigit() and line[:1] not in "[\u200e\u200f\ufeff":
        return None  # a continuation line: most of a long chat
    line = line.lstrip("\u200e\u200f\ufeff")
    for form in (_IOS, _ANDROID):
        found = form.match(line)
        if found:
            stamp = _STAMP.match(found.group(1).translate(_MARKS).strip().rstrip(","))
            if stamp:
                return _stamp(stamp), found.group(2)
    return None


def _lines(text: str) -> tuple[list[_Line], list[tuple[int, str]]]:
    lines: list[_Line] = []
    warnings: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        parsed = _parse_line(raw)
        if parsed is None:
            clean = raw.translate(_MARKS)
            if lines:
                lines[-1].text += "\n" + clean
            elif clean.strip():
                warnings.append((number, "a line before the first message was left out"))
            continue
        stamp, rest = parsed
        media = raw[:1] in ("\u200e", "\u200f")
        found = _SENDER.match(rest)
        sender, body = (found.group("sender"), found.group("text")) if found else ("", rest)
        sender = sender.translate(_MARKS).strip().lstrip("~").strip("\u202f\u00a0 ")
        if sender and ('"' in sender or "\u201c" in sender):  # 'Alice changed the subject to "x: y"'
            sender, body = "", rest
        lines.append(_Line(stamp, sender, body, number, media))
    return lines, warnings


def _moment(stamp: _Stamp, day_first: bool) -> dt.datetime:
    if stamp.year_first:
        year, month, day = stamp.a, stamp.b, stamp.c
    else:
        year = stamp.c + (2000 if stamp.short_year else 0)
        day, month = (stamp.a, stamp.b) if day_first else (stamp.b, stamp.a)
    if stamp.buddhist:
        year -= 543
    hour = stamp.hour
    if stamp.marker:
        hour = hour % 12 + (12 if stamp.marker == "p" else 0)
    return dt.datetime(year, month, day, hour, stamp.minute, stamp.second)


def _date_order(lines: list[_Line]) -> tuple[bool, str]:
    """(day first, a question when the chat does not say)."""
    stamps = [line.stamp for line in lines if not line.stamp.year_first]
    if not stamps:
        return True, ""
    firsts, seconds = [stamp.a for stamp in stamps], [stamp.b for stamp in stamps]
    if max(firsts) > 12 and max(seconds) <= 12:
        return True, ""
    if max(seconds) > 12 and max(firsts) <= 12:
        return False, ""
    if max(firsts) > 12 and max(seconds) > 12:
        return True, ""  # lines of several phones: each line that can say, says (see _moment_of)
    ordered = {}
    for day_first in (True, False):
        try:
            moments = [_moment(stamp, day_first) for stamp in stamps]
        except ValueError:
            ordered[day_first] = -1
            continue
        ordered[day_first] = sum(1 for x, y in zip(moments, moments[1:], strict=False) if y >= x)
    if ordered[True] != ordered[False]:
        return ordered[True] > ordered[False], ""
    separator = Counter(stamp.separator for stamp in stamps).most_common(1)[0][0]
    if separator in ".-":
        return True, ""
    if all(a == b for a, b in zip(firsts, seconds, strict=True)):
        return True, ""  # every date reads the same either way
    if any(stamp.marker for stamp in stamps):
        return False, "the dates could be month/day or day/month; read as month/day (12-hour times)"
    return True, "the dates could be day/month or month/day; read as day/month"


def _moment_of(line: _Line, day_first: bool) -> dt.datetime:
    stamp = line.stamp
    if not stamp.year_first and stamp.a > 12:
        day_first = True
    elif not stamp.year_first and stamp.b > 12:
        day_first = False
    return _moment(stamp, day_first)


def _chat_name(file: str) -> str:
    stem = PurePosixPath(file.replace("\\", "/").split("!")[-1]).stem
    found = _FILE_NAME.match(stem.replace("\u00a0", " "))
    return found.group("name").strip() if found else ""


def _is_system(line: _Line, first: bool) -> bool:
    if not line.sender:
        return True
    text = line.text.translate(_MARKS).lower()
    if first and not line.media and line.text[:1] in ("\u200e", "\u200f"):
        return True  # iOS's first line: the encryption notice, in the phone's language
    if first and ("whatsapp" in text or "واتساب" in text):
        return True  # Android's, given as sent by the group
    return not line.media and line.text[:1] in ("\u200e", "\u200f") and any(s in text for s in _SYSTEM)


@dataclass(slots=True)
class _Chat:
    file: str
    lines: list[_Line]
    warnings: list[tuple[int, str]]
    name: str  # the chat's other side or group, as far as the file says
    senders: Counter


def _chat(file: str, text: str) -> _Chat:
    lines, warnings = _lines(text)
    name = _chat_name(file)
    if lines and lines[0].sender and lines[0].text[:1] in ("\u200e", "\u200f") and not lines[0].media:
        name = name or lines[0].sender  # iOS names the chat as the sender of its first line
    kept = [line for n, line in enumerate(lines) if not _is_system(line, n == 0)]
    return _Chat(file, kept, warnings, name, Counter(line.sender for line in kept))


def read_chats(chats: list[tuple[str, str]], day_first: dict[str, bool], me: dict[str, str]) -> Iterator[Found]:
    """What each chat holds; who the user is decided across all of them."""
    parsed = [_chat(file, text) for file, text in chats]
    everywhere = set.intersection(*(set(chat.senders) for chat in parsed)) if len(parsed) > 1 else set()
    for chat in parsed:
        yield _found(chat, everywhere, day_first.get(chat.file), me.get(chat.file))


def _found(chat: _Chat, everywhere: set[str], day_first: bool | None, me: str | None) -> Found:
    found = Found(chat.file, "WhatsApp chat", warnings=chat.warnings)
    if not chat.lines:
        found.rejected.append((1, "no WhatsApp messages found (not an exported chat?)"))
        return found
    order, question = _date_order(chat.lines)
    dates_unsure = bool(question)
    if day_first is not None:
        order, question = day_first, ""
    senders = chat.senders
    group = len(senders) > 2
    other = next((s for s in senders if chat.name and same_name(s, chat.name)), "") if not group else ""
    if me is None:
        common = [s for s in everywhere if s != other]
        if len(common) == 1:
            me = common[0]
        elif other and len(senders) == 2:
            me = next(s for s in senders if s != other)
        elif len(senders) == 2:
            me = senders.most_common(1)[0][0]
            question = "; ".join(filter(None, [question, f"took {me} to be you (the more frequent sender)"]))
    if me and not group:
        other = other if other and other != me else next((s for s in senders if s != me), "")
    found.me, found.question = me or "", question
    found.senders = sorted(senders) if not group else []  # for the user to say which one they are
    found.day_first = order if dates_unsure or day_first is not None else None
    identities: dict[str, Identity] = {}
    for line in chat.lines:
        try:
            moment = _moment_of(line, order)
        except ValueError as error:
            found.rejected.append((line.line, f"cannot read the date ({error})"))
            continue
        mine = bool(me) and line.sender == me
        who = other if mine else line.sender
        if not who or (mine and group):
            continue
        if who not in identities:
            identities[who] = _identity(who)
        found.messages.append(_message(line, moment, identities[who], "out" if mine else "in"))
    return found


def _identity(sender: str) -> Identity:
    digits = re.sub(r"[\s\-()\u00a0\u202f]", "", sender)
    if re.fullmatch(r"\+\d{6,15}", digits):
        return Identity(phones=(sender,))
    return Identity(name=sender)


def _message(line: _Line, moment: dt.datetime, who: Identity, direction: str) -> Message:
    from model.exports import local

    text = line.text.translate(_MARKS).strip()
    key = f"whatsapp|{moment.isoformat()}|{line.sender}|{text[:200]}"
    call = _CALLS.match(text) if line.text[:1] in ("\u200e", "\u200f") else None
    if call:
        video = (call.group("kind") or call.group("kind2") or "").lower() == "video"
        minutes = int(call.group("minutes")) if call.group("minutes") else (
            max(1, round(int(call.group("seconds")) / 60)) if call.group("seconds") else None)
        if call.group("missed"):
            return Message("whatsapp", local(moment), "in" if direction == "in" else "out", who, key,
                           MISSED_CALL, label=f"Missed WhatsApp {'video' if video else 'voice'} call", line=line.line)
        return Message("video" if video else "phone", local(moment), direction, who, key, CALL,
                       duration_minutes=minutes, label=f"WhatsApp {'video' if video else 'voice'} call", line=line.line)
    return Message("whatsapp", local(moment), direction, who, key, text=text, line=line.line)
