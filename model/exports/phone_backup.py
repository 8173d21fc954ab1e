"""Android's message and call backups: SMS Backup & Restore's sms-*.xml and calls-*.xml (the
app also called Call Logs Backup & Restore), and Super Backup's `<alllogs>` call log.

The XML is read with defusedxml, which refuses entity expansion (an "XML bomb" is an error, not
a full memory), and streamed element by element, so a backup of 100,000 messages is not held
as a tree. What the app writes and what it means:

- `<sms address date type body contact_name>`: `date` in epoch milliseconds; `type` 1 received,
  2 sent (3 draft, 4 outbox, 5 failed, 6 queued are not exchanges); absent values are often the
  text "null"; a group's `address` joins numbers with `~`.
- `<mms date msg_box address>` with `<parts>` (text/plain parts hold the text; SMIL and base64
  media are skipped) and `<addrs>`: type 137 is the sender, 151 the recipients. The sender of a
  sent MMS is the phone's owner: that number is the user, never a contact.
- `<call number duration type date contact_name>`: duration in seconds; type 1 incoming,
  2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked. `number="-1"` (or -2, -3) is a
  private or unknown number.
- The root's `count` is not trusted (files say 56 and hold 12).
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from model.exchange_import import CALL, MISSED_CALL, Found, Identity, Message

_NULL = ("", "null", "-1", "-2", "-3", "unknown")
_CALL_TYPES = {"1": ("in", CALL), "2": ("out", CALL), "3": ("in", MISSED_CALL), "4": ("in", MISSED_CALL),
               "5": ("in", MISSED_CALL), "6": ("in", MISSED_CALL)}


def _value(element: ET.Element, name: str) -> str:
    value = (element.get(name) or "").strip()
    return "" if value.lower() in _NULL else value


def _moment(element: ET.Element) -> dt.datetime:
    stamp = int(_value(element, "date") or "x")
    if stamp < 10_000_000_000:  # seconds (MMS as Android stores it), not milliseconds
        stamp *= 1000
    return dt.datetime.fromtimestamp(stamp / 1000, dt.UTC)


def read(name: str, data: bytes) -> Found:
    found = Found(name, "Android backup")
    owner: set[str] = set()
    records = 0
    try:
        for _event, element in iterparse(io.BytesIO(data), events=("end",), forbid_dtd=True):
            tag = element.tag
            if tag in ("sms", "mms", "call", "log"):
                records += 1
                if tag == "mms":
                    _owner_of(element, owner)
                try:
                    found.messages += _messages(element, owner, records)
                except (ValueError, OverflowError) as error:
                    found.rejected.append((records, f"record {records} ({tag}): cannot read its date ({error})"))
                element.clear()  # streamed: what is read is let go
            elif tag in ("smses", "calls", "alllogs"):
                found.format = {"smses": "SMS Backup & Restore messages", "calls": "Call Logs Backup & Restore calls",
                                "alllogs": "Super Backup call log"}[tag]
    except (ET.ParseError, DefusedXmlException) as error:
        found.rejected.append((getattr(error, "position", (0, 0))[0], f"not readable XML ({error})"))
    if owner:  # the owner's number, learnt from a sent MMS, is never someone else
        found.messages = [m for m in found.messages if not set(m.other.phones) & owner]
    if not records and not found.rejected:
        found.rejected.append((1, "no messages or calls in this file (not an Android backup?)"))
    found.me = ", ".join(sorted(owner))
    return found


def _owner_of(mms: ET.Element, owner: set[str]) -> None:
    if _value(mms, "msg_box") == "2":
        for address in mms.iter("addr"):
            if address.get("type") == "137" and _value(address, "address"):
                owner.add(_value(address, "address"))


def _identity(number: str, name: str) -> Identity:
    if "@" in number:
        return Identity(name=name, emails=(number,))
    return Identity(name=name, phones=(number,))


def _messages(element: ET.Element, owner: set[str], record: int) -> list[Message]:
    tag = element.tag
    when = _moment(element)
    name = _value(element, "contact_name") or _value(element, "name")
    if name == "(Unknown)" or "~" in _value(element, "address"):
        name = ""  # the app's word for no name, or the names of a whole group
    if tag in ("call", "log"):
        number = _value(element, "number")
        if not number:
            return []
        direction, kind = _CALL_TYPES.get(_value(element, "type"), ("in", CALL))
        seconds = int(_value(element, "duration") or _value(element, "dur") or 0)
        if kind == CALL and seconds == 0:
            kind = MISSED_CALL  # rang, nobody spoke
        minutes = max(1, round(seconds / 60)) if kind == CALL else None
        label = ("Call" if kind == CALL else ("Missed call" if direction == "in" else "Unanswered call"))
        if kind == CALL:
            label = f"{'Incoming' if direction == 'in' else 'Outgoing'} call"
        key = f"call|{number}|{_value(element, 'date')}|{_value(element, 'type')}"
        return [Message("phone", when, direction, _identity(number, name), key, kind,
                        duration_minutes=minutes, label=label, line=record)]
    if tag == "sms":
        kind_of = _value(element, "type")
        if kind_of not in ("1", "2"):
            return []
        direction = "in" if kind_of == "1" else "out"
        text = _value(element, "body")
        numbers = [n for n in _value(element, "address").split("~") if n.strip() and n not in owner]
    else:
        box = _value(element, "msg_box")
        if box not in ("1", "2"):
            return []
        direction = "in" if box == "1" else "out"
        text = " ".join(_value(part, "text") for part in element.iter("part")
                        if (part.get("ct") or "").startswith("text/plain") and _value(part, "text"))
        if direction == "in":
            senders = [_value(a, "address") for a in element.iter("addr") if a.get("type") == "137"]
            numbers = [n for n in senders if n and n not in owner][:1]
        else:
            numbers = [_value(a, "address") for a in element.iter("addr") if a.get("type") in ("151", "130", "129")]
        numbers = numbers or [n for n in _value(element, "address").split("~") if n.strip() and n not in owner]
        if direction == "out" and len(numbers) > 1:
            return []  # a group message: to everyone and to no one in particular
    key = f"sms|{_value(element, 'address')}|{_value(element, 'date')}|{direction}|{text[:200]}"
    return [Message("sms", when, direction, _identity(number, name if len(numbers) == 1 else ""), key,
                    text=text, line=record) for number in dict.fromkeys(numbers)]
