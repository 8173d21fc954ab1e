"""Mail folders in mbox form (Thunderbird, Gmail Takeout), read for their headers only.

A message is an email exchange with each correspondent: what someone sent the user is "in" from
its sender; what the user sent is "out" to each of its To and Cc. Only headers are read, line by
line from the file, so a 2 GB mailbox costs the memory of one message's headers.

Why not the standard library's `mailbox.mbox`: it splits at every line that starts with "From ",
and old Thunderbird leaves such lines unquoted inside bodies (`thunderbird-unquoted-from-in-body.mbox`
is cut in three); and it reads whole messages. Here a "From " line starts a message only at the
start of the file or after a blank line, and only when a header follows it.

Who the user is: the address the mail was delivered to (`Delivered-To`, `X-Original-To`), else the
address found in more than half of the messages. Mailing-list posts and automatic mail
(`List-Id`, `List-Unsubscribe`, `Precedence: bulk`, `Auto-Submitted`, no-reply senders) are
not exchanges with a person: they are left out and counted in a warning.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections import Counter
from collections.abc import Iterator
from email.header import decode_header, make_header
from typing import BinaryIO

from model.exchange_import import Found, Identity, Message

_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
_WANTED = ("from", "to", "cc", "date", "message-id", "subject", "delivered-to", "x-original-to", "list-id",
           "list-unsubscribe", "precedence", "auto-submitted", "x-from", "x-to")
_NO_REPLY = re.compile(r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounce)", re.IGNORECASE)


def _messages(stream: BinaryIO) -> Iterator[tuple[int, str, dict[str, list[str]]]]:
    """(line, envelope, headers) of each message, the body skipped."""
    line_number = 0
    previous_blank = True
    headers: dict[str, list[str]] | None = None
    envelope, start = "", 0
    in_headers = False
    pending_from: tuple[int, bytes] | None = None
    name = ""
    for raw in stream:
        line_number += 1
        line = raw.rstrip(b"\r\n")
        if pending_from is not None:  # a "From " line after a blank: a message only if a header follows
            if _HEADER.match(line):
                if headers is not None:
                    yield start, envelope, headers
                start, envelope = pending_from[0], pending_from[1][5:].decode("latin-1").strip()
                headers, in_headers, name = {}, True, ""
            pending_from = None
        if line.startswith(b"From ") and previous_blank and not in_headers:
            pending_from = (line_number, line)
            previous_blank = False
            continue
        previous_blank = not line.strip()
        if not in_headers or headers is None:
            continue
        if not line.strip():
            in_headers = False
            continue
        if line[:1] in (b" ", b"\t") and name:
            headers[name][-1] += " " + _text(line.strip())
            continue
        key, _, value = line.partition(b":")
        name = key.decode("latin-1").strip().lower()
        if name in _WANTED:
            headers.setdefault(name, []).append(_text(value.strip()))
        else:
            name = ""
    if headers is not None:
        yield start, envelope, headers


def _text(value: bytes) -> str:
    """A header's text: UTF-8 where it is, else Latin-1 (raw 8-bit headers), encoded words decoded."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeDecodeError):
            pass
    return text


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    found = []
    for name, address in email.utils.getaddresses(values):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            found.append((" ".join(name.strip().strip('"').split()), address))
    return found


def _automatic(headers: dict[str, list[str]], sender: str) -> bool:
    if "list-id" in headers or "list-unsubscribe" in headers:
        return True
    if any(value.lower() in ("bulk", "list", "junk") for value in headers.get("precedence", [])):
        return True
    if any(value.lower() != "no" for value in headers.get("auto-submitted", [])):
        return True
    return bool(_NO_REPLY.match(sender))


def _date(headers: dict[str, list[str]], envelope: str) -> dt.datetime:
    for value in headers.get("date", []):
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            continue
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    parts = envelope.split()
    for start in range(len(parts)):  # "sender Mon Sep 16 14:55:07 2013"
        try:
            return dt.datetime.strptime(" ".join(parts[start:start + 5]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise ValueError("no date it can read")


def read(name: str, stream: BinaryIO) -> Found:
    found = Found(name, "mbox mail folder")
    messages = list(_messages(stream))  # headers only: a few hundred bytes each
    if not messages:
        found.rejected.append((1, "no mail messages found (not an mbox file?)"))
        return found
    me = _me(messages)
    found.me = ", ".join(sorted(me))
    automatic = 0
    seen: set[str] = set()
    for line, envelope, headers in messages:
        senders = _addresses(headers.get("from", []))
        if not senders:
            found.rejected.append((line, "a message without a From address"))
            continue
        sender_name, sender = senders[0]
        if _automatic(headers, sender):
            automatic += 1
            continue
        identity = (headers.get("message-id") or [""])[0].strip()
        if identity and identity in seen:
            continue  # the same message stored twice
        seen.add(identity)
        try:
            when = _date(headers, envelope)
        except ValueError as error:
            found.rejected.append((line, f"a message with {error}"))
            continue
        subject = (headers.get("subject") or [""])[0]
        key = identity or f"{when.isoformat()}|{sender}|{subject}"
        if sender in me:
            recipients = _addresses(headers.get("to", []) + headers.get("cc", []))
            for person_name, address in dict.fromkeys(recipients):
                if address not in me:
                    found.messages.append(Message("email", when, "out", Identity(person_name, emails=(address,)),
                                                  f"mail|{key}|{address}", text=subject, line=line))
        else:
            found.messages.append(Message("email", when, "in", Identity(sender_name, emails=(sender,)),
                                          f"mail|{key}|{sender}", text=subject, line=line))
    if automatic:
        found.warnings.append((0, f"{automatic} mailing-list or automatic message(s) left out"))
    return found


def _me(messages: list[tuple[int, str, dict[str, list[str]]]]) -> set[str]:
    delivered = Counter(address for _line, _envelope, headers in messages for _name, address
                        in _addresses(headers.get("delivered-to", []) + headers.get("x-original-to", [])))
    if delivered:
        return {delivered.most_common(1)[0][0]}
    seen: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for _line, _envelope, headers in messages:
        recipients = {address for _name, address in _addresses(headers.get("to", []) + headers.get("cc", []))}
        seen.update({address for _name, address in _addresses(headers.get("from", []))} | recipients)
        received.update(recipients)
    if len(messages) >= 2 and seen:
        # The most frequent address; of equals, the one mail was sent to (this is a mailbox), then by name.
        address = min(seen, key=lambda a: (-seen[a], -received[a], a))
        if seen[address] > len(messages) / 2:
            return {address}
    return set()
