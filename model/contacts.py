"""People in the notebook: the records the GUI and the command line read and write.

A `ContactRecord` is a plain dataclass holding everything about one person, contact points,
tags and kept vCard properties included. The functions here are the only way contacts are
written, so that the search index and derived columns stay in step; every one of them runs
in a single transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from model import clock, collation, normalise, search
from model.prep import SECTIONS as PREP_SECTIONS
from model.schema import Contact, ContactTag, Tag, database, utc_now

POINT_KINDS = ("phone", "email", "address", "url", "handle")
SORT_ORDERS = ("name", "company", "changed", "last_contact", "step")
# Who the list shows, besides search and tag: the history decides (see model/history.py).
SHOW_CHOICES = [
    ("everyone", "Everyone"), ("met", "Met in person"), ("never_spoken", "Never spoken (no call or meeting)"),
    ("overdue", "Overdue to get in touch"), ("no_history", "No history yet"),
]
_SHOW_SQL = {
    "everyone": "",
    "met": "c.step = 3",
    "never_spoken": "c.step < 2",
    "overdue": "c.cadence_days > 0 AND (c.last_contact_at = ''"
               " OR julianday(c.last_contact_at) + c.cadence_days < julianday(?))",
    "no_history": "c.step = -1",
}

# Display names of the services a handle can belong to (channel keys and IMPP schemes).
SERVICE_NAMES = {
    "linkedin": "LinkedIn", "x": "X/Twitter", "facebook": "Facebook", "instagram": "Instagram",
    "mastodon": "Mastodon", "whatsapp": "WhatsApp", "signal": "Signal", "telegram": "Telegram",
    "skype": "Skype", "xmpp": "Jabber", "aim": "AIM", "github": "GitHub", "icq": "ICQ",
    "msn": "MSN", "yahoo": "Yahoo", "qq": "QQ", "sip": "SIP", "gadugadu": "Gadu-Gadu",
}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def service_name(key: str) -> str:
    return SERVICE_NAMES.get(key.lower(), key.capitalize() if key else "Handle")


def describe_date(value: str, today: dt.date | None = None) -> str:
    """A birthday or anniversary as people say it: "12 April 1979 (47)", or "30 June"."""
    today = today or clock.today()
    text = value.strip()
    if text.startswith("--"):
        match = re.match(r"^--(\d{2})-?(\d{2})", text)
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return f"{day} {_MONTHS[month - 1]}"
        return text
    match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", text)
    if not match:
        return text
    year, month, day = (int(group) for group in match.groups())
    if not 1 <= month <= 12:
        return text
    age = today.year - year - ((today.month, today.day) < (month, day))
    suffix = f" ({age})" if 0 <= age < 130 else ""
    return f"{day} {_MONTHS[month - 1]} {year}{suffix}"


@dataclass(slots=True)
class ContactPointRecord:
    """One phone, email, address, web page or handle, with its label."""

    kind: str
    value: str
    label: str = ""
    service: str = ""  # for handles: the channel key ("linkedin", "x", "skype" ...)
    preferred: bool = False
    normalised: str = ""  # filled in when saved
    parts: list[str] = field(default_factory=list)  # for addresses: the seven vCard ADR parts

    def href(self) -> str:
        """A URL that opens this point in the system's program for it, or ""."""
        value = self.value.strip()
        if self.kind == "phone":
            return "tel:" + (self.normalised or "".join(value.split()))
        if self.kind == "email":
            return "mailto:" + value
        if self.kind in ("url", "handle") and value.lower().startswith(("http://", "https://")):
            return value
        if self.kind == "url" and "." in value and " " not in value:
            return "https://" + value
        return ""


@dataclass(slots=True)
class ContactRecord:
    """Everything the notebook knows about one person."""

    id: int | None = None
    formatted_name: str = ""
    prefix: str = ""
    given_name: str = ""
    additional_names: str = ""
    family_name: str = ""
    suffix: str = ""
    # How the names are read, for sorting: Japanese 安藤 as あんどう (vCard SORT-AS, X-PHONETIC-*).
    phonetic_family: str = ""
    phonetic_given: str = ""
    nickname: str = ""
    organisation: str = ""
    department: str = ""
    title: str = ""
    birthday: str = ""
    anniversary: str = ""
    gender: str = ""
    notes: str = ""
    photo: bytes | None = None
    photo_type: str = ""
    uid: str = ""
    revision: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    time_zone: str = ""
    time_zone_source: str = ""
    call_hours: str = ""
    how_met: str = ""
    met_on: str = ""
    introduced_by: int | None = None
    cadence_days: int = 0
    tags: list[str] = field(default_factory=list)
    points: list[ContactPointRecord] = field(default_factory=list)
    vcard_properties: list[str] = field(default_factory=list)
    # The prep lines, (section, text, done), and the introducer's UID: read with the person
    # and written into their card, so that another Rapport gets them. The prep itself is kept
    # by model/prep.py; saving a record does not write these (an import adds what is new).
    prep: list[tuple[str, str, bool]] = field(default_factory=list)
    introduced_by_uid: str = ""
    created_at: str = ""
    updated_at: str = ""
    # Set by delete_contacts: the person's history, prep, links and meeting places, so that an
    # undone delete brings all of it back. Never compared or shown.
    attached: list[tuple[str, list[str], list[tuple]]] = field(default_factory=list, compare=False, repr=False)

    @property
    def display_name(self) -> str:
        """The name to show: FN, else the structured name, else what else identifies them."""
        if self.formatted_name.strip():
            return self.formatted_name.strip()
        parts = [self.prefix, self.given_name, self.additional_names, self.family_name, self.suffix]
        name = " ".join(part.strip() for part in parts if part.strip())
        if name:
            return name
        for fallback in (self.nickname, self.organisation):
            if fallback.strip():
                return fallback.strip()
        for point in self.points:
            if point.kind in ("email", "phone") and point.value.strip():
                return point.value.strip()
        return "(no name)"

    @property
    def sort_key(self) -> str:
        return sort_key_for(self.family_name, self.given_name, self.display_name,
                            self.phonetic_family, self.phonetic_given)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)

    def points_of(self, kind: str) -> list[ContactPointRecord]:
        return [point for point in self.points if point.kind == kind]


def sort_key_for(family: str, given: str, display_name: str, phonetic_family: str = "",
                 phonetic_given: str = "") -> str:
    """Where a person goes in the list: by family name, then given name, as they are read (the
    phonetic names where there are some), in collation order (model/collation.py), so that
    "Zoë Ångström" sorts among the A's, "Łukasz Lewandowski" among the L's and 安藤 (あんどう)
    among the あ's."""
    family = (phonetic_family or family).strip()
    given = (phonetic_given or given).strip()
    if family:
        return collation.sort_key(f"{family} {given}")
    return collation.sort_key(given if phonetic_given.strip() else display_name)


# The columns a ContactRecord shares with the contact table, by name.
_COLUMNS = [
    f.name for f in dataclasses.fields(ContactRecord)
    if f.name not in ("id", "tags", "points", "vcard_properties", "introduced_by", "created_at", "updated_at",
                      "attached", "prep", "introduced_by_uid")
]
# The contact table's columns in the order of Stored.contact.
_STORED_COLUMNS = [*_COLUMNS, "introduced_by_id", "display_name", "sort_key", "created_at", "updated_at"]
_UID = _STORED_COLUMNS.index("uid")
_POINT_COLUMNS = ["kind", "label", "value", "normalised", "service", "preferred", "position", "parts"]


@dataclass(slots=True)
class ContactRow:
    """What the contact list shows for one person."""

    id: int
    display_name: str
    organisation: str
    title: str
    has_photo: bool
    last_contact_at: str = ""
    step: int = -1
    given_name: str = ""
    family_name: str = ""


def normalise_points(record: ContactRecord) -> None:
    """Fill in each point's normalised form (and a handle's service, when its URL names one)."""
    for point in record.points:
        if point.kind == "handle":
            point.normalised, point.service = normalise.handle(point.value, point.service)
        elif not point.normalised:
            point.normalised = normalise.contact_point(point.kind, point.value, point.service)


@dataclass(slots=True)
class Stored:
    """A contact in the form it is stored in: the values of its contact row (_STORED_COLUMNS),
    its point rows (_POINT_COLUMNS), its kept vCard lines and its tag names.

    Importing a big file makes this form in the worker processes that parse it, so that the
    notebook writes rows instead of building them (see model/importer.py)."""

    contact: list
    points: list[tuple]
    properties: list[str]
    tags: list[str]
    prep: list[tuple[str, str, bool]] = field(default_factory=list)
    introduced_by_uid: str = ""


def stored_form(record: ContactRecord) -> Stored:
    """How `record` is stored (its points normalised on the way)."""
    normalise_points(record)
    contact = [getattr(record, name) for name in _COLUMNS]
    contact += [record.introduced_by, record.display_name, record.sort_key, record.created_at, record.updated_at]
    points = [(p.kind, p.label, p.value, p.normalised, p.service, int(p.preferred), position,
               json.dumps(p.parts, ensure_ascii=False) if p.parts else "") for position, p in enumerate(record.points)]
    tags = [name for name in dict.fromkeys(tag.strip() for tag in record.tags) if name]
    return Stored(contact, points, list(record.vcard_properties), tags, list(record.prep), record.introduced_by_uid)


def record_from(stored: Stored, contact_id: int | None = None) -> ContactRecord:
    """The ContactRecord that `stored` describes."""
    fields = dict(zip(_STORED_COLUMNS, stored.contact, strict=True))
    if isinstance(fields["photo"], memoryview):
        fields["photo"] = bytes(fields["photo"])
    del fields["display_name"], fields["sort_key"]
    fields["introduced_by"] = fields.pop("introduced_by_id")
    points = [ContactPointRecord(kind, value, label, service, bool(preferred), normalised,
                                 json.loads(parts) if parts else [])
              for kind, label, value, normalised, service, preferred, _position, parts in stored.points]
    return ContactRecord(id=contact_id, tags=list(stored.tags), points=points,
                         vcard_properties=list(stored.properties), prep=list(stored.prep),
                         introduced_by_uid=stored.introduced_by_uid, **fields)


def _write_children(items: list[tuple[int, Stored]]) -> None:
    """Insert the points, kept properties and tags of saved contacts, in batches.

    Plain executemany with prepared statements: building a Peewee query per row costs more
    than the insert itself when an import writes 50,000 people.
    """
    connection = database.connection()
    points, properties, tag_links = [], [], []
    tag_ids = dict(connection.execute("SELECT name, id FROM tag").fetchall())
    for contact_id, stored in items:
        points += [(contact_id, *point) for point in stored.points]
        properties += [(contact_id, position, line) for position, line in enumerate(stored.properties)]
        for name in stored.tags:
            if name not in tag_ids:
                tag_ids[name] = connection.execute("INSERT INTO tag (name) VALUES (?)", (name,)).lastrowid
            tag_links.append((contact_id, tag_ids[name]))
    connection.executemany(
        f"INSERT INTO contact_point (contact_id, {', '.join(_POINT_COLUMNS)}) VALUES (?, {', '.join('?' * 8)})", points)
    connection.executemany("INSERT INTO vcard_property (contact_id, position, line) VALUES (?, ?, ?)", properties)
    connection.executemany("INSERT OR IGNORE INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", tag_links)


def new_uid() -> str:
    """A person's UID: how they are matched on re-import and on sync, from the moment they exist."""
    return f"urn:uuid:{uuid.uuid4()}"


def same_uid(a: str, b: str) -> bool:
    """Whether two UIDs name the same person: vCard 4.0 writes a UUID as urn:uuid:..., 3.0 often bare."""
    return bool(a) and uid_key(a) == uid_key(b)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def change_stamps(contact_ids: Sequence[int] | None = None) -> list[tuple[int, str, str]]:
    """(id, UID, how often their card has changed) of everyone with a UID, or of these people: what a
    sync compares to find who changed (counted by the notebook's triggers, schema version 13)."""
    sql = ("SELECT c.id, c.uid, coalesce(cc.version, 0) FROM contact c"
           " LEFT JOIN contact_change cc ON cc.contact_id = c.id WHERE c.uid != ''")
    if contact_ids is None:
        rows = database.connection().execute(sql).fetchall()
    else:
        ids = list(contact_ids)
        rows = database.connection().execute(f"{sql} AND c.id IN ({','.join('?' * len(ids))})", ids).fetchall()
    return [(contact_id, uid, str(version)) for contact_id, uid, version in rows]


def uid_map() -> dict[int, str]:
    """Every person's UID, by id."""
    return dict(database.connection().execute("SELECT id, uid FROM contact WHERE uid != ''").fetchall())


@lru_cache(maxsize=1 << 17)
def uid_key(uid: str) -> str:
    """What identifies a UID: a UUID without its urn:uuid: prefix and in lower case (RFC 4122
    UUIDs are case-insensitive), any other UID as it is. (Kept for the UIDs seen: a sync asks
    it of every person several times, 50,000 calls and 70 ms at 10,000 people.)"""
    uid = uid.strip()
    bare = uid[9:] if uid[:9].lower() == "urn:uuid:" else uid
    return bare.lower() if _UUID.fullmatch(bare) else uid


def add_contact(record: ContactRecord) -> int:
    """Save a new person and return their id (kept if `record.id` is set, as undo does)."""
    return add_contacts([record])[0]


def add_contacts(records: Sequence[ContactRecord]) -> list[int]:
    """Save new people in one transaction; sets and returns their ids (a record's own id is
    kept, as undo needs)."""
    people = [stored_form(record) for record in records]
    ids = add_stored(people, [record.id for record in records])
    for record, contact_id, stored in zip(records, ids, people, strict=True):
        record.id, record.uid = contact_id, stored.contact[_UID]
    return ids


def add_stored(people: Sequence[Stored], ids: Sequence[int | None] | None = None) -> list[int]:
    """Save new people given in their stored form; returns their ids: `ids[n]` where given,
    else the ids SQLite would choose (the highest so far, plus one, on)."""
    ids = list(ids) if ids is not None else [None] * len(people)
    now = utc_now()
    insert = f"INSERT INTO contact (id, {', '.join(_STORED_COLUMNS)}) VALUES (?{', ?' * len(_STORED_COLUMNS)})"
    with _all_or_nothing():
        connection = database.connection()
        next_id = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM contact").fetchone()[0]
        taken = {contact_id for contact_id in ids if contact_id is not None}
        for n, contact_id in enumerate(ids):
            if contact_id is None:
                while next_id in taken:
                    next_id += 1
                ids[n] = next_id
                next_id += 1
        pairs = list(zip(ids, people, strict=True))
        for _contact_id, stored in pairs:  # everyone has a UID from the moment they exist
            stored.contact[_UID] = stored.contact[_UID] or new_uid()
        connection.executemany(insert, [[contact_id, *stored.contact[:-2], stored.contact[-2] or now,
                                         stored.contact[-1] or now] for contact_id, stored in pairs])
        with _changes_counted_once(connection, ids):
            _write_children(pairs)
        search.reindex(ids)
    return ids


def _all_or_nothing() -> contextlib.AbstractContextManager:
    """A transaction for a write of many people, or, inside the caller's, none: the caller's
    makes it all or nothing already (its errors propagate and roll it back), and a savepoint
    there made SQLite copy every page the write changed to a temporary file first, in case it
    rolled back to that savepoint alone. An import of 50,000 cards wrote 273,000 pages so, of
    790,000 writes in all."""
    return contextlib.nullcontext() if database.connection().in_transaction else database.atomic()


# The triggers that count a change of a person's card with each phone, tag or kept property
# written (schema version 13), and how many people a save must have for them to be paused.
_CHILD_INSERT_TRIGGERS = ("contact_point_insert_changes_card", "contact_tag_insert_changes_card",
                          "vcard_property_insert_changes_card")
# ... and those a replace also sets off: the person's own row, and the rows it deletes.
_REPLACE_TRIGGERS = (*_CHILD_INSERT_TRIGGERS, "contact_card_changed", "contact_point_delete_changes_card",
                     "contact_tag_delete_changes_card", "vcard_property_delete_changes_card")
_BULK = 100


@contextlib.contextmanager
def _changes_counted_once(connection, contact_ids: Sequence[int],
                          triggers: Sequence[str] = _CHILD_INSERT_TRIGGERS) -> Iterator[None]:
    """Within a transaction that writes many people: count one change per person, not one per row
    written. At 50,000 people the triggers' 300,000 upserts were 1.2-1.5 s of the import's
    writes (and 0.25 s of rewriting the 2,400 that later cards joined); they are dropped for the
    writing and made again from their own SQL, in the same transaction, so no other connection
    ever sees the notebook without them."""
    if len(contact_ids) < _BULK:
        yield
        return
    marks = ",".join("?" * len(triggers))
    paused = connection.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                                list(triggers)).fetchall()
    for name, _sql in paused:
        connection.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in paused:
            connection.execute(sql)
    if paused:
        connection.executemany('INSERT INTO contact_change (contact_id, version) VALUES (?, 1)'
                               ' ON CONFLICT (contact_id) DO UPDATE SET version = version + 1',
                               [(contact_id,) for contact_id in contact_ids])


def add_prep_and_introducers(people: Sequence[tuple[int, Stored]]) -> None:
    """What cards said of saved people beyond their own fields: the prep lines they carried that
    the person does not have yet (added after theirs), and who introduced them, where the
    notebook knows nobody for that yet and has someone with that UID (read after the whole
    import is written, so the introducer may come later in the file)."""
    connection = database.connection()
    now = utc_now()
    with_prep = [(contact_id, stored.prep) for contact_id, stored in people if stored.prep]
    for start in range(0, len(with_prep), 500):
        chunk = with_prep[start:start + 500]
        marks = ",".join("?" * len(chunk))
        have: set[tuple[int, str, str]] = set()
        last: dict[tuple[int, str], int] = {}
        for contact_id, section, text, position in connection.execute(
                f"SELECT contact_id, section, text, position FROM prep_item WHERE contact_id IN ({marks})",
                [contact_id for contact_id, _prep in chunk]):
            have.add((contact_id, section, text))
            last[contact_id, section] = max(position, last.get((contact_id, section), -1))
        rows = []
        for contact_id, prep in chunk:
            for section, text, done in prep:
                if section in PREP_SECTIONS and text.strip() and (contact_id, section, text) not in have:
                    have.add((contact_id, section, text))
                    position = last[contact_id, section] = last.get((contact_id, section), -1) + 1
                    rows.append((contact_id, section, text, int(done), position, now))
        connection.executemany("INSERT INTO prep_item (contact_id, section, text, done, position, created_at)"
                               " VALUES (?, ?, ?, ?, ?, ?)", rows)
    wanted = [(contact_id, stored.introduced_by_uid) for contact_id, stored in people if stored.introduced_by_uid]
    if not wanted:
        return
    by_uid = {uid_key(uid): contact_id for contact_id, uid in connection.execute("SELECT id, uid FROM contact")}
    links = [(by_uid[uid_key(uid)], contact_id) for contact_id, uid in wanted
             if by_uid.get(uid_key(uid)) not in (None, contact_id)]
    connection.executemany("UPDATE contact SET introduced_by_id = ? WHERE id = ? AND introduced_by_id IS NULL", links)


def update_contact(record: ContactRecord) -> None:
    """Replace what the notebook knows of `record.id` with `record`."""
    if record.id is None:
        raise ValueError("update_contact needs a saved contact")
    replace_stored([(record.id, stored_form(record))])


def replace_stored(people: Sequence[tuple[int, Stored]]) -> None:
    """Replace saved people with these stored forms, in one transaction (their creation time stays)."""
    columns = [name for name in _STORED_COLUMNS if name != "created_at"]
    now = utc_now()
    rows = [[*(value for name, value in zip(_STORED_COLUMNS, stored.contact, strict=True) if name != "created_at"),
             contact_id] for contact_id, stored in people]
    for row in rows:
        row[columns.index("updated_at")] = now
    ids = [contact_id for contact_id, _stored in people]
    with _all_or_nothing():
        connection = database.connection()
        with _changes_counted_once(connection, ids, _REPLACE_TRIGGERS):
            connection.executemany(f"UPDATE contact SET {', '.join(f'{name} = ?' for name in columns)} WHERE id = ?",
                                   rows)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for table in ("contact_point", "vcard_property", "contact_tag"):
                    connection.execute(f"DELETE FROM {table} WHERE contact_id IN ({marks})", chunk)
            _write_children(list(people))
        search.reindex(ids)
    _delete_unused_tags()


def get_contact(contact_id: int) -> ContactRecord | None:
    """Everything about one person, or None when there is no such contact."""
    records = get_contacts([contact_id])
    return records[0] if records else None


def display_names(contact_ids: Sequence[int]) -> dict[int, str]:
    """The names the list shows for these people, by id (missing ones left out)."""
    names: dict[int, str] = {}
    wanted = list(dict.fromkeys(contact_ids))
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        names.update(database.execute_sql(
            f"SELECT id, display_name FROM contact WHERE id IN ({', '.join('?' * len(batch))})", batch).fetchall())
    return names


def get_contacts(contact_ids: Sequence[int]) -> list[ContactRecord]:
    """Several people at once, in the order of `contact_ids` (missing ones left out)."""
    wanted = list(dict.fromkeys(contact_ids))
    by_id: dict[int, ContactRecord] = {}
    for start in range(0, len(wanted), 500):
        by_id.update(_records_for(wanted[start:start + 500]))
    return [by_id[i] for i in contact_ids if i in by_id]


def _records_for(ids: list[int]) -> dict[int, ContactRecord]:
    """The people with these ids (at most a few hundred), read with plain SQL: building a
    Peewee model object per row took most of the time of a second import."""
    marks = f"({','.join('?' * len(ids))})"
    found: dict[int, Stored] = {}
    for contact_id, *values in database.connection().execute(
            f"SELECT id, {', '.join(_STORED_COLUMNS)} FROM contact WHERE id IN {marks}", ids):
        found[contact_id] = Stored(values, [], [], [])
    _add_children(found, f"IN {marks}", ids)
    return {contact_id: record_from(stored, contact_id) for contact_id, stored in found.items()}


def _iter_everyone() -> Iterator[ContactRecord]:
    """Every person in name order, for an export of the whole notebook: each table read once
    (what hangs off the people, without photos, first; then the people one row at a time), where
    batches of a few hundred ids took twice as long (6.3 s for 50,000 people). The file is read
    through a memory map meanwhile: in name order, the people's rows (photos and all) came page
    by page, 109,000 reads for 50,000 people, 0.45 s of a 4.3 s export."""
    connection = database.connection()
    connection.execute(f"PRAGMA mmap_size = {1 << 30}")
    try:
        children: dict[int, Stored] = defaultdict(lambda: Stored([], [], [], []))
        _add_children(children, "IS NOT NULL", [])
        for contact_id, *values in connection.execute(
                f"SELECT id, {', '.join(_STORED_COLUMNS)} FROM contact ORDER BY sort_key, id"):
            stored = children.pop(contact_id, None) or Stored([], [], [], [])
            stored.contact = values
            yield record_from(stored, contact_id)
    finally:
        connection.execute("PRAGMA mmap_size = 0")


def _add_children(found: dict[int, Stored], which: str, params: list[int]) -> None:
    """Fill in the points, kept lines, tags, prep and introducer of the people in `found`: those
    whose id is `which` ("IN (?, ...)" with `params`, or "IS NOT NULL" for everyone)."""
    connection = database.connection()
    for contact_id, *point in connection.execute(
            f"SELECT contact_id, {', '.join(_POINT_COLUMNS)} FROM contact_point WHERE contact_id {which}"
            " ORDER BY position, id", params):
        found[contact_id].points.append(point)
    for contact_id, line in connection.execute(
            f"SELECT contact_id, line FROM vcard_property WHERE contact_id {which} ORDER BY position, id", params):
        found[contact_id].properties.append(line)
    for contact_id, name in connection.execute(
            "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id {which} ORDER BY t.name", params):
        found[contact_id].tags.append(name)
    order = {section: n for n, section in enumerate(PREP_SECTIONS)}
    prep_rows = connection.execute(
        f"SELECT contact_id, section, text, done FROM prep_item WHERE contact_id {which} ORDER BY position, id",
        params)
    for contact_id, section, text, done in sorted(prep_rows, key=lambda row: order.get(row[1], len(order))):
        found[contact_id].prep.append((section, text, bool(done)))
    introducers = ("SELECT c.id, i.uid FROM contact c JOIN contact i ON i.id = c.introduced_by_id"
                   f" WHERE c.id {which}")
    for contact_id, uid in connection.execute(introducers, params):
        found[contact_id].introduced_by_uid = uid


# Rows that hang off a contact and go with it on delete: (table, the columns naming the contact).
_ATTACHED = [
    ("interaction", ("contact_id",)), ("prep_item", ("contact_id",)),
    ("relationship", ("contact_id", "other_id")), ("meeting_attendee", ("contact_id",)),
]


def _attached_rows(contact_id: int) -> list[tuple[str, list[str], list[tuple]]]:
    found = []
    for table, columns in _ATTACHED:
        cursor = database.execute_sql(
            f"SELECT * FROM {table} WHERE " + " OR ".join(f"{column} = ?" for column in columns),
            [contact_id] * len(columns))
        rows = cursor.fetchall()
        if rows:
            found.append((table, [d[0] for d in cursor.description], rows))
    introduced = database.execute_sql("SELECT id FROM contact WHERE introduced_by_id = ?", (contact_id,)).fetchall()
    if introduced:
        found.append(("contact.introduced_by_id", ["id"], introduced))
    return found


def delete_contacts(contact_ids: Iterable[int]) -> list[ContactRecord]:
    """Delete people; returns what they were, so that `restore_contacts` can undo it."""
    ids = list(contact_ids)
    with database.atomic():
        records = get_contacts(ids)
        for record in records:
            record.attached = _attached_rows(record.id)
        Contact.delete().where(Contact.id.in_(ids)).execute()
        search.forget(ids)
    _delete_unused_tags()
    return records


def restore_contacts(records: Iterable[ContactRecord]) -> None:
    """Put deleted people back, with their ids, as they were, history and all."""
    records = list(records)
    copies = [dataclasses.replace(r, tags=list(r.tags),
                                  points=[dataclasses.replace(p, parts=list(p.parts)) for p in r.points])
              for r in records]
    with database.atomic():
        add_contacts(copies)
        for record in records:
            _restore_attached(record)
        from model import history  # history imports this module

        history.refresh_contacts([r.id for r in records if r.id is not None])


def _restore_attached(record: ContactRecord) -> None:
    existing = {"contact": "SELECT 1 FROM contact WHERE id = ?", "meeting": "SELECT 1 FROM meeting WHERE id = ?",
                "channel": "SELECT 1 FROM channel WHERE id = ?"}
    for table, columns, rows in record.attached:
        if table == "contact.introduced_by_id":
            database.execute_sql(f"UPDATE contact SET introduced_by_id = ? WHERE id IN ({','.join('?' * len(rows))})",
                                 [record.id, *(row[0] for row in rows)])
            continue
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            # A row whose other end has gone since (another deleted person, a deleted meeting) stays gone.
            links = [(name[:-3] if name != "other_id" else "contact", value) for name, value in values.items()
                     if name.endswith("_id") and value is not None]
            if all(database.execute_sql(existing[target], (value,)).fetchone() for target, value in links
                   if target in existing):
                database.execute_sql(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(row))})", row)


def _delete_unused_tags() -> None:
    Tag.delete().where(Tag.id.not_in(ContactTag.select(ContactTag.tag))).execute()


def count_contacts(tag: str | None = None, show: str = "everyone") -> int:
    where, params = filter_sql(tag, show)
    # Without a WHERE, SQLite counts from the table's b-tree pages (its count optimisation):
    # 0.02 ms at 100,000 people, against 1.8-5 ms scanning an index for "WHERE 1".
    sql = "SELECT count(*) FROM contact" if where == "1" else f"SELECT count(*) FROM contact c WHERE {where}"
    return database.execute_sql(sql, params).fetchone()[0]


def has_contacts() -> bool:
    """Whether the notebook holds anyone (without counting a big one)."""
    return bool(database.execute_sql("SELECT EXISTS (SELECT 1 FROM contact)").fetchone()[0])


def tags_in_use() -> list[tuple[str, int]]:
    """Every tag with how many people carry it, by name."""
    from peewee import fn

    query = (Tag.select(Tag.name, fn.COUNT(ContactTag.contact).alias("n"))
             .join(ContactTag).group_by(Tag.id).order_by(Tag.name))
    return [(row.name, row.n) for row in query.objects()]


_ORDER_SQL = {
    "name": "c.sort_key, c.id",
    "company": "c.organisation = '', c.organisation COLLATE NOCASE, c.sort_key, c.id",
    "changed": "c.updated_at DESC, c.id DESC",
    "last_contact": "c.last_contact_at DESC, c.sort_key, c.id",
    "step": "c.step DESC, c.last_contact_at DESC, c.sort_key, c.id",
}
_ROW_COLUMNS = ("c.id, c.display_name, c.organisation, c.title, c.photo IS NOT NULL, c.last_contact_at, c.step,"
                " c.given_name, c.family_name")


def filter_sql(tag: str | None, show: str = "everyone", alias: str = "c") -> tuple[str, list]:
    """A condition on the contact table (as `alias`) for a tag and a SHOW_CHOICES key."""
    conditions, params = [], []
    if tag:
        conditions.append(f"{alias}.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
                          " WHERE t.name = ?)")
        params.append(tag)
    if _SHOW_SQL.get(show or "everyone"):
        conditions.append(_SHOW_SQL[show].replace("c.", f"{alias}."))
        if show == "overdue":
            params.append(clock.now().isoformat())
    return " AND ".join(conditions) or "1", params


def list_contacts(sort: str = "name", tag: str | None = None, offset: int = 0, limit: int = 200,
                  show: str = "everyone") -> list[ContactRow]:
    """A page of the contact list in the given order, optionally only people with `tag`."""
    where, params = filter_sql(tag, show)
    sql = f"SELECT {_ROW_COLUMNS} FROM contact c WHERE {where} ORDER BY {_ORDER_SQL[sort]} LIMIT ? OFFSET ?"
    cursor = database.execute_sql(sql, (*params, limit, offset))
    return [ContactRow(*row) for row in cursor.fetchall()]


def position_of(contact_id: int, sort: str = "name", tag: str | None = None, show: str = "everyone") -> int | None:
    """Where `contact_id` stands in `list_contacts(sort, tag, show=show)`, counting from 0; None if absent."""
    where, params = filter_sql(tag, show)
    cursor = database.execute_sql(
        f"SELECT n FROM (SELECT c.id, row_number() OVER (ORDER BY {_ORDER_SQL[sort]}) - 1 AS n "
        f"FROM contact c WHERE {where}) WHERE id = ?", (*params, contact_id))
    row = cursor.fetchone()
    return row[0] if row else None


def iter_contacts(contact_ids: Sequence[int] | None = None, batch: int = 500) -> Iterator[ContactRecord]:
    """Every contact in name order, or the given ones in their order, read a batch at a time."""
    if contact_ids is None:
        yield from _iter_everyone()
        return
    for start in range(0, len(contact_ids), batch):
        yield from get_contacts(contact_ids[start:start + batch])


def ids_in_name_order() -> list[int]:
    """Everyone's id, in name order (as an export of everyone writes them)."""
    return [row[0] for row in database.execute_sql("SELECT id FROM contact ORDER BY sort_key, id")]


def ids_with_tag(tag: str) -> list[int]:
    """The people carrying `tag`, in name order."""
    where, params = filter_sql(tag)
    sql = f"SELECT c.id FROM contact c WHERE {where} ORDER BY c.sort_key, c.id"
    return [row[0] for row in database.execute_sql(sql, params)]


def rows_for(contact_ids: Sequence[int]) -> list[ContactRow]:
    """List rows for the given people, in the given order."""
    if not contact_ids:
        return []
    marks = ",".join("?" * len(contact_ids))
    cursor = database.execute_sql(f"SELECT {_ROW_COLUMNS} FROM contact c WHERE c.id IN ({marks})", list(contact_ids))
    rows = {row[0]: ContactRow(*row) for row in cursor.fetchall()}
    return [rows[i] for i in contact_ids if i in rows]


def photo(contact_id: int) -> bytes | None:
    """A person's stored photo (for the list's avatars, read when a row with one is painted)."""
    row = database.execute_sql("SELECT photo FROM contact WHERE id = ?", (contact_id,)).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None
