"""Address books and connection lists as CSV: Google Contacts, Outlook, Thunderbird, LinkedIn.

**Encodings and delimiters.** A BOM says UTF-8 or UTF-16; otherwise the bytes are tried as
UTF-8, then Shift_JIS (Japanese Outlook and Thunderbird write it), then Windows-1252, which
reads anything. The delimiter is whichever of `,` `;` and tab splits the header row into the most
columns.

**Columns.** Each export names its columns in the language of the program that wrote it. A column
is known by its header: Google's (`Given Name`, `E-mail 1 - Value`, `Phone 1 - Value`,
`Organization 1 - Name`), Outlook's (`First Name`, `E-mail Address`, `Mobile Phone`, `Company`)
in English, German, French, Spanish and Japanese, Thunderbird's (`Primary Email`, `Mobile Number`).
A column no header names is still read for what its values are: addresses with an `@` are emails.
Google joins several values in one cell with ` ::: `.

**LinkedIn** ("Get a copy of your data"): `Connections.csv` begins with a `Notes:` preamble
before its header (`First Name,Last Name,URL,Email Address,Company,Position,Connected On`);
each connection is a person, and the day it was made an exchange on LinkedIn.
`Invitations.csv` (`From,To,Sent At,Message,Direction`) and `messages.csv` (`FROM,TO,DATE,CONTENT`
and profile URLs) are exchanges.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter

from model.contacts import ContactPointRecord, ContactRecord
from model.exchange_import import CONNECTION, INVITATION, Found, Identity, Message

csv.field_size_limit(16 * 1024 * 1024)

# Header (case-folded, spaces squeezed) -> field. Phones and emails may repeat.
_FIELDS = {
    "given": ["first name", "given name", "vorname", "prénom", "nombre", "名", "first"],
    "family": ["last name", "family name", "nachname", "nom", "apellidos", "姓", "surname", "last"],
    "additional": ["middle name", "additional name", "weitere vornamen", "deuxième prénom", "ミドル ネーム"],
    "prefix": ["title", "name prefix", "anrede", "敬称"],
    "suffix": ["suffix", "name suffix", "namenszusatz", "suffixe"],
    "formatted": ["name", "display name", "anzeigename", "nom complet"],
    "nickname": ["nickname", "spitzname", "surnom", "ニックネーム"],
    "organisation": ["company", "organization", "organization 1 - name", "organization name", "firma",
                     "société", "organización", "会社名", "会社"],
    "department": ["department", "organization 1 - department", "abteilung", "service", "部署"],
    "title": ["job title", "position", "organization 1 - title", "organization title", "fonction",
              "puesto", "役職"],
    "birthday": ["birthday", "geburtstag", "anniversaire", "cumpleaños", "誕生日"],
    "notes": ["notes", "notizen", "remarques", "メモ"],
    "phonetic_given": ["given name yomi", "phonetic first name", "名 (読み)"],
    "phonetic_family": ["family name yomi", "phonetic last name", "姓 (読み)"],
}
_EMAIL = re.compile(r"e-?mail|courriel|電子メール|mail address|primary email|secondary email", re.IGNORECASE)
_PHONE = re.compile(r"phone|mobile|tel|fax|pager|handy|portable|móvil|電話", re.IGNORECASE)
_VALUE_COLUMN = re.compile(r"^(?:e-mail|phone|website|im|relation)\s*\d+\s*-\s*value$", re.IGNORECASE)
_AN_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_HEADER_FIELD = {header: name for name, headers in _FIELDS.items() for header in headers}


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "shift_jis", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _rows(text: str, start: int = 0) -> tuple[list[list[str]], int]:
    lines = text.splitlines()
    header = lines[start] if start < len(lines) else ""
    delimiter = max([",", ";", "\t"], key=header.count)
    body = "\n".join(lines[start:])
    return list(csv.reader(io.StringIO(body), delimiter=delimiter)), start


def read(name: str, data: bytes) -> Found:
    text = decode(data)
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip().rstrip(",") == "Notes:":  # LinkedIn's preamble
        start = next((n for n, line in enumerate(lines) if "First Name" in line and "Last Name" in line), 0)
    rows, start = _rows(text, start)
    if not rows:
        return Found(name, "CSV", rejected=[(1, "an empty file")])
    header = [column.strip().lstrip("\ufeff") for column in rows[0]]
    folded = [" ".join(column.casefold().split()) for column in header]
    if {"first name", "last name", "connected on"} <= set(folded):
        return _linkedin_connections(name, header, rows[1:], start)
    if {"from", "to", "sent at", "direction"} <= set(folded):
        return _linkedin_invitations(name, header, rows[1:], start)
    if {"from", "to", "date", "content"} <= set(folded):
        return _linkedin_messages(name, header, rows[1:], start)
    return _address_book(name, folded, rows[1:], start)


def _cells(header: list[str], row: list[str]) -> dict[str, str]:
    return {column.strip().casefold(): value.strip() for column, value in zip(header, row, strict=False)}


def _address_book(name: str, header: list[str], rows: list[list[str]], start: int) -> Found:
    found = Found(name, "address book CSV")
    fields = {n: _HEADER_FIELD.get(column) for n, column in enumerate(header)}
    emails = {n for n, column in enumerate(header) if _EMAIL.search(column) and not column.endswith("type")}
    phones = {n for n, column in enumerate(header) if _PHONE.search(column) and not column.endswith("type")
              and fields.get(n) is None}
    emails |= {n for n, column in enumerate(header) if _VALUE_COLUMN.match(column) and column.startswith("e")}
    phones |= {n for n, column in enumerate(header) if _VALUE_COLUMN.match(column) and column.startswith("phone")}
    for number, row in enumerate(rows, start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            found.warnings.append((number,
                                   f"{len(row)} values for {len(header)} columns; the extra ones were left out"))
        values: dict[str, str] = {}
        points: list[ContactPointRecord] = []
        for n, cell in enumerate(row[:len(header)]):
            cell = cell.strip()
            if not cell:
                continue
            for part in (p.strip() for p in cell.split(" ::: ")):
                if (n in emails and "@" in part) or (fields.get(n) is None and _AN_EMAIL.fullmatch(part)):
                    points.append(ContactPointRecord("email", part, label=header[n]))
                elif n in phones:
                    points.append(ContactPointRecord("phone", part, label=header[n]))
            field = fields.get(n)
            if field and field not in values:
                values[field] = cell
        birthday = _birthday(values.pop("birthday", ""))
        formatted = values.pop("formatted", "")
        record = ContactRecord(
            formatted_name=formatted if formatted and "," not in formatted else "",
            given_name=values.get("given", ""), family_name=values.get("family", ""),
            additional_names=values.get("additional", ""), prefix=values.get("prefix", ""),
            suffix=values.get("suffix", ""), nickname=values.get("nickname", ""),
            organisation=values.get("organisation", ""), department=values.get("department", ""),
            title=values.get("title", ""), birthday=birthday, notes=values.get("notes", ""),
            phonetic_given=values.get("phonetic_given", ""), phonetic_family=values.get("phonetic_family", ""),
            points=list({(p.kind, p.value): p for p in points}.values()))
        if record.display_name == "(no name)":
            found.rejected.append((number, "a row with no name, email or phone"))
            continue
        identity = Identity(record.display_name, tuple(p.value for p in record.points_of("phone")),
                            tuple(p.value for p in record.points_of("email")))
        found.people.append((identity, record))
    return found


def _birthday(value: str) -> str:
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, form).date().isoformat()
        except ValueError:
            continue
    if re.fullmatch(r"--\d{2}-\d{2}", value):
        return value
    return ""


def _linkedin_person(first: str, last: str, url: str, email: str = "", company: str = "",
                     position: str = "") -> tuple[Identity, ContactRecord]:
    handles = (("linkedin", url),) if url else ()
    record = ContactRecord(given_name=first, family_name=last, organisation=company, title=position,
                           points=([ContactPointRecord("email", email)] if email else [])
                           + ([ContactPointRecord("handle", url, service="linkedin")] if url else []))
    return Identity(f"{first} {last}".strip(), emails=(email,) if email else (), handles=handles), record


def _linkedin_connections(name: str, header: list[str], rows: list[list[str]], start: int) -> Found:
    from model.exports import local

    found = Found(name, "LinkedIn connections")
    for number, row in enumerate(rows, start=start + 2):
        cells = _cells(header, row)
        if not any(cells.values()):
            continue
        identity, record = _linkedin_person(cells.get("first name", ""), cells.get("last name", ""),
                                            cells.get("url", ""), cells.get("email address", ""),
                                            cells.get("company", ""), cells.get("position", ""))
        if not identity.name and not identity.keys():
            found.rejected.append((number, "a connection with no name"))
            continue
        found.people.append((identity, record))
        connected = cells.get("connected on", "")
        if connected:
            try:
                day = dt.datetime.strptime(connected, "%d %b %Y")
            except ValueError:
                found.warnings.append((number, f"cannot read the date {connected!r}; the person is kept without it"))
                continue
            found.messages.append(Message("linkedin", local(day.replace(hour=12)), "in", identity,
                                          f"linkedin|connected|{cells.get('url') or identity.name}", CONNECTION,
                                          line=number))
    return found


def _linkedin_date(value: str) -> dt.datetime:
    value = value.strip().replace(" UTC", "+00:00")
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _linkedin_invitations(name: str, header: list[str], rows: list[list[str]], start: int) -> Found:
    found = Found(name, "LinkedIn invitations")
    for number, row in enumerate(rows, start=start + 2):
        cells = _cells(header, row)
        if not any(cells.values()):
            continue
        outgoing = cells.get("direction", "").upper() == "OUTGOING"
        who = cells.get("to" if outgoing else "from", "")
        url = cells.get("inviteeprofileurl" if outgoing else "inviterprofileurl", "")
        first, _, last = who.partition(" ")
        identity, _record = _linkedin_person(first, last, url)
        try:
            when = _linkedin_date(cells.get("sent at", ""))
        except ValueError:
            found.rejected.append((number, f"cannot read the date {cells.get('sent at', '')!r}"))
            continue
        label = "Invited them on LinkedIn" if outgoing else "Invited me on LinkedIn"
        found.messages.append(Message("linkedin", when, "out" if outgoing else "in", identity,
                                      f"linkedin|invitation|{when.isoformat()}|{who}", INVITATION,
                                      text=cells.get("message", ""), label=label, line=number))
    return found


def _linkedin_messages(name: str, header: list[str], rows: list[list[str]], start: int) -> Found:
    found = Found(name, "LinkedIn messages")
    cells_of = [(number, _cells(header, row)) for number, row in enumerate(rows, start=start + 2)]
    senders = Counter(cells.get("from", "") for _n, cells in cells_of if cells.get("from"))
    conversations: dict[str, set[str]] = {}
    for _n, cells in cells_of:
        conversations.setdefault(cells.get("conversation id", ""), set()).add(cells.get("from", ""))
    common = set.intersection(*conversations.values()) if len(conversations) > 1 else set()
    me = next(iter(common)) if len(common) == 1 else (senders.most_common(1)[0][0] if senders else "")
    found.me = me
    for number, cells in cells_of:
        sender = cells.get("from", "")
        if not sender:
            continue
        mine = sender == me
        who = cells.get("to", "") if mine else sender
        url = cells.get("recipient profile urls", "") if mine else cells.get("sender profile url", "")
        if not who or "," in who:
            continue  # a message to several people
        try:
            when = _linkedin_date(cells.get("date", ""))
        except ValueError:
            found.rejected.append((number, f"cannot read the date {cells.get('date', '')!r}"))
            continue
        first, _, last = who.partition(" ")
        identity, _record = _linkedin_person(first, last, url.split(",")[0].strip())
        found.messages.append(Message("linkedin", when, "out" if mine else "in", identity,
                                      f"linkedin|message|{when.isoformat()}|{sender}|{cells.get('content', '')[:200]}",
                                      text=cells.get("subject") or cells.get("content", ""), line=number))
    return found
