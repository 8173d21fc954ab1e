"""History from the exports people already have: read into a plan, show it, write it on confirmation.

The readers in `model/exports/` turn each file into what it found: messages, calls and
connections, each with the other side's identity (a phone, an email, a handle on the channel,
or only a name), the user's own side recognised and left out. This module gathers them:

- **per person**: the identities of one import that share a phone, an email or a handle (or, with
  none of those, a name) are one person, matched to someone in the notebook by the same keys, or
  new. The user can re-point a match, merge two people, or leave one out, before anything is written.
- **per day**: a conversation of many messages in a day is one history entry per person and
  channel, with its count ("23 WhatsApp messages, both ways"), so the timeline stays readable; a
  call is an entry of its own, with its duration.
- **idempotently**: every message has a stable identity from its source (a digest of the chat,
  the time, the sender and the text, and its rank among identical ones), remembered in the
  notebook's `exchange_key` table. Importing the same export again, or a newer one that overlaps
  an older one, adds only what is new; a day that grows adds to its entry.

`apply_plan` writes everything in one transaction and returns what `undo_import` needs to put
the notebook back as it was. Message text is not kept unless asked (`keep_text`): then each
message's first line, cut at 120 characters, goes into the entry's notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from model import contacts, history, normalise
from model.contacts import ContactPointRecord, ContactRecord
from model.importer import merge as merge_people
from model.importer import name_key
from model.schema import database

MESSAGE, CALL, MISSED_CALL, CONNECTION, INVITATION = "message", "call", "missed call", "connection", "invitation"
SUMMARY_CHARACTERS = 120

# How the timeline names a day's messages on each channel: (one, many).
_NOUNS = {
    "whatsapp": ("WhatsApp message", "WhatsApp messages"), "sms": ("SMS", "SMS"),
    "email": ("email", "emails"), "telegram": ("Telegram message", "Telegram messages"),
    "facebook": ("Messenger message", "Messenger messages"), "instagram": ("Instagram message", "Instagram messages"),
    "x": ("X message", "X messages"), "linkedin": ("LinkedIn message", "LinkedIn messages"),
    "signal": ("Signal message", "Signal messages"),
}
_SERVICE_NAMES = {"whatsapp": "WhatsApp", "telegram": "Telegram", "facebook": "Messenger", "sms": "the phone",
                  "phone": "the phone", "video": "video", "x": "X", "linkedin": "LinkedIn", "instagram": "Instagram"}
_DIRECTION_WORDS = {"in": "from them", "out": "from me", "both": "both ways"}

Progress = Callable[[int, int], None]


# -- What readers find ------------------------------------------------------------------------


@dataclass(slots=True)
class Identity:
    """Who the other side of an exchange is, as the export names them."""

    name: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[tuple[str, str], ...] = ()  # (channel key, handle or profile URL)

    def keys(self) -> list[str]:
        """The keys that make two identities one person: normalised phones, emails, handles."""
        phones = [normalise.phone(p) for p in self.phones]
        found = [f"phone:{phone}" for phone in phones if len(phone.lstrip("+")) >= 3]
        found += [f"email:{normalise.email(e)}" for e in self.emails if "@" in e]
        for service, value in self.handles:
            canonical, service = normalise.handle(value, service)
            if canonical:
                found.append(f"handle:{service}:{canonical}")
        return found

    def name_key(self) -> str:
        return name_key(ContactRecord(formatted_name=self.name)) if self.name.strip() else ""

    def record(self) -> ContactRecord:
        """The person this identity would add to the notebook."""
        points = [ContactPointRecord("phone", p) for p in self.phones]
        points += [ContactPointRecord("email", e) for e in self.emails]
        points += [ContactPointRecord("handle", value, service=service) for service, value in self.handles]
        return ContactRecord(formatted_name=self.name.strip(), points=points)


@dataclass(slots=True)
class Message:
    """One message, call or connection found in an export."""

    channel: str  # a channel key: whatsapp, sms, email, phone, video, telegram, facebook, x ...
    when: dt.datetime  # aware
    direction: str  # in (they wrote or called), out (I did)
    other: Identity
    key: str  # its identity in the source: the file's conversation, time, sender, text
    kind: str = MESSAGE
    text: str = ""
    duration_minutes: int | None = None
    label: str = ""  # for calls: "WhatsApp voice call"
    line: int = 0


@dataclass(slots=True)
class Found:
    """What a reader found in one file (or one member of a zip)."""

    file: str
    format: str  # "WhatsApp chat", "SMS Backup & Restore" ...
    messages: list[Message] = field(default_factory=list)
    people: list[tuple[Identity, ContactRecord]] = field(default_factory=list)  # connections, address books
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line or record, reason)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    me: str = ""  # who the user is in this file, as it names them
    question: str = ""  # something the reader could not decide alone (a chat's date order)
    optional_people: bool = False  # a follower list: its new people are left out unless the user includes them
    senders: list[str] = field(default_factory=list)  # a chat of two: who the user could be
    day_first: bool | None = None  # a chat whose date order is the user's to say: how it was read


# -- The plan ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Day:
    """One history entry to be: a person's messages on a channel on one day, or one call."""

    channel: str
    source: str  # "whatsapp:2026-03-01", or "phone:call:2026-03-01T09:30:00+00:00"
    kind: str
    first: dt.datetime
    label: str = ""
    directions: set[str] = field(default_factory=set)
    new: int = 0
    known: int = 0
    keys: list[str] = field(default_factory=list)  # the digests of its new messages
    texts: list[str] = field(default_factory=list)
    duration_minutes: int | None = None

    @property
    def direction(self) -> str:
        return "both" if len(self.directions) > 1 else next(iter(self.directions), "in")


@dataclass(slots=True)
class PlannedPerson:
    """Someone an import found: who they are, whom in the notebook they are, and their days."""

    identity: Identity
    record: ContactRecord  # what the import knows of them (a new person is written as this)
    match_id: int | None = None
    reason: str = "new"  # why they match: "same phone +1 912 555 0123", "same name" ...
    include: bool = True
    files: set[str] = field(default_factory=set)
    days: dict[str, Day] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)  # identity keys, for matching
    optional: bool = True  # found only in follower lists (new ones are left out by default)

    @property
    def name(self) -> str:
        return self.record.display_name

    @property
    def messages(self) -> int:
        return sum(day.new + day.known for day in self.days.values())

    @property
    def new_messages(self) -> int:
        return sum(day.new for day in self.days.values())

    @property
    def channels(self) -> list[str]:
        counts: Counter[str] = Counter()
        for day in self.days.values():
            counts[day.channel] += day.new + day.known
        return [key for key, _n in counts.most_common()]

    @property
    def first(self) -> dt.datetime | None:
        return min((day.first for day in self.days.values()), default=None)

    @property
    def last(self) -> dt.datetime | None:
        return max((day.first for day in self.days.values()), default=None)


@dataclass(slots=True)
class HistoryPlan:
    files: list[str]
    found: list[Found] = field(default_factory=list)  # per file, without its messages once planned
    people: list[PlannedPerson] = field(default_factory=list)
    rows: int = 0  # people read from address books and connection lists

    @property
    def rejected(self) -> list[tuple[str, int, str]]:
        return [(found.file, line, reason) for found in self.found for line, reason in found.rejected]

    @property
    def warnings(self) -> list[tuple[str, int, str]]:
        return [(found.file, line, warning) for found in self.found for line, warning in found.warnings]

    def included(self) -> list[PlannedPerson]:
        return [person for person in self.people if person.include]

    def summary(self) -> dict:
        """The `--import --json` summary of a history import (the vCard keys, and the history's own)."""
        people = self.included()
        matched = [person for person in people if person.match_id is not None]
        grows = sum(1 for person in matched if person.new_messages or _new_details(person))
        return {
            "files": len({found.file for found in self.found}),
            "cards": self.rows,
            "new": sum(1 for person in people if person.match_id is None),
            "updated": grows,
            "unchanged": len(matched) - grows,
            "possible_duplicates": 0,
            "exchanges_new": sum(person.new_messages for person in people),
            "exchanges_unchanged": sum(day.known for person in people for day in person.days.values()),
            "people_matched": len(matched),
            "people_new": len(people) - len(matched),
            "people_left_out": len(self.people) - len(people),
            "formats": {found.file: found.format for found in self.found},
            "me": {found.file: found.me for found in self.found if found.me},
            "questions": [{"file": found.file, "question": found.question} for found in self.found if found.question],
            "rejected": [{"file": file, "line": line, "reason": reason} for file, line, reason in self.rejected],
            "warnings": [{"file": file, "line": line, "warning": warning} for file, line, warning in self.warnings],
        }

    # -- What the user decides before anything is written

    def repoint(self, index: int, contact_id: int | None) -> None:
        """Match person `index` to `contact_id` instead (None: a new person)."""
        person = self.people[index]
        person.match_id = contact_id
        person.reason = "chosen by you" if contact_id is not None else "new"

    def merge(self, keep: int, other: int) -> None:
        """Person `other` is person `keep`: one person, their days together."""
        target, source = self.people[keep], self.people[other]
        for key, day in source.days.items():
            if key in target.days:
                mine = target.days[key]
                mine.new, mine.known = mine.new + day.new, mine.known + day.known
                mine.keys += day.keys
                mine.texts += day.texts
                mine.directions |= day.directions
                mine.first = min(mine.first, day.first)
            else:
                target.days[key] = day
        target.record, _changes = merge_people(target.record, source.record)
        target.keys |= source.keys
        target.files |= source.files
        del self.people[other]

    def leave_out(self, index: int, leave: bool = True) -> None:
        self.people[index].include = not leave


def _new_details(person: PlannedPerson) -> list[str]:
    if person.match_id is None:
        return []
    existing = contacts.get_contact(person.match_id)
    return merge_people(existing, person.record)[1] if existing else []


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


# -- Planning ---------------------------------------------------------------------------------


class _Notebook:
    """Who is who in the notebook: phones, emails, handles and names of its people."""

    def __init__(self) -> None:
        self.keys: dict[str, set[int]] = defaultdict(set)
        self.names: dict[str, set[int]] = defaultdict(set)
        connection = database.connection()
        for contact_id, kind, value, service in connection.execute(
                "SELECT contact_id, kind, normalised, service FROM contact_point"
                " WHERE kind IN ('phone', 'email', 'handle') AND normalised != ''"):
            key = f"handle:{service}:{value}" if kind == "handle" else f"{kind}:{value}"
            self.keys[key].add(contact_id)
        for contact_id, given, family, formatted, organisation in connection.execute(
                "SELECT id, given_name, family_name, formatted_name, organisation FROM contact"):
            record = ContactRecord(given_name=given, family_name=family, formatted_name=formatted,
                                   organisation=organisation)
            self.names[name_key(record)].add(contact_id)
            if formatted and formatted != record.display_name:
                self.names[name_key(ContactRecord(formatted_name=formatted))].add(contact_id)

    def match(self, keys: Iterable[str], name: str) -> tuple[int | None, str]:
        for key in keys:
            found = self.keys.get(key)
            if found:
                kind, _, value = key.partition(":")
                if kind == "handle":
                    service, _, value = value.partition(":")
                    kind = f"{_SERVICE_NAMES.get(service, service)} handle"
                return min(found), f"same {kind} {value}"
        people = self.names.get(name, set()) if name else set()
        if len(people) == 1:
            return next(iter(people)), "same name"
        return None, "new"


def known_keys(keys: Sequence[str]) -> set[str]:
    """Which of these message digests the notebook already has."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start:start + 500])
        marks = ",".join("?" * len(chunk))
        found.update(row[0] for row in database.execute_sql(
            f"SELECT key FROM exchange_key WHERE key IN ({marks})", chunk).fetchall())
    return found


def plan_found(files: Sequence[str], found: Iterable[Found], zone: dt.tzinfo | None = None,
               each: Callable[[HistoryPlan], None] | None = None) -> HistoryPlan:
    """Gather what the readers found into a plan (nothing is written); `each(plan)` is called
    after each file is planned (the dialog shows the rows so far)."""
    from model import clock

    zone = zone or clock.local_zone()
    plan = HistoryPlan(list(files))
    notebook = _Notebook()
    by_key: dict[str, PlannedPerson] = {}
    by_name: dict[str, list[PlannedPerson]] = defaultdict(list)

    seen: dict[tuple, PlannedPerson] = {}  # an identity met before: its person, without matching again

    def person_for(identity: Identity) -> PlannedPerson:
        known = seen.get((identity.name, identity.phones, identity.emails, identity.handles))
        if known is not None:
            return known
        person = _person_for(identity)
        seen[(identity.name, identity.phones, identity.emails, identity.handles)] = person
        return person

    def _person_for(identity: Identity) -> PlannedPerson:
        keys = identity.keys()
        name = identity.name_key()
        lookups = keys or ([f"name:{name}"] if name else [])
        named = by_name.get(name, []) if name and not keys else []
        for key in lookups:
            if key in by_key:
                person = by_key[key]
                break
        else:
            person = None
        if person is None and len(named) == 1:
            person = named[0]  # only a name, and one person of this import has it: the same one
        if person is None:
            record = identity.record()
            match_id, reason = notebook.match(keys, name)
            person = PlannedPerson(identity, record, match_id, reason)
            plan.people.append(person)
            if name:
                by_name[name].append(person)
        new_keys = [key for key in lookups if key not in person.keys]
        if new_keys and person.keys:
            person.record, _changes = merge_people(person.record, identity.record())
        for key in new_keys:
            person.keys.add(key)
            by_key[key] = person
        return person

    for result in found:
        plan.found.append(result)
        for identity, record in result.people:
            person = person_for(identity)
            person.optional = person.optional and result.optional_people
            person.record, _changes = merge_people(person.record, record)
            person.files.add(result.file)
            plan.rows += 1
        ranks: Counter[str] = Counter()
        for message in result.messages:
            if not (message.other.name.strip() or message.other.keys()):
                result.warnings.append((message.line, "a message with no one on the other side was left out"))
                continue
            person = person_for(message.other)
            person.optional = False
            person.files.add(result.file)
            ranks[message.key] += 1
            key = digest(f"{message.key}#{ranks[message.key]}")
            _add(person, message, key, zone)
        result.messages = []  # planned: the memory goes back
        if each:
            each(plan)
    for person in plan.people:
        _count_known(person)
        if person.optional and person.match_id is None:
            person.include = False
    plan.people.sort(key=lambda person: (-person.messages, person.name.casefold()))  # the deepest first
    return plan


def _add(person: PlannedPerson, message: Message, key: str, zone: dt.tzinfo) -> None:
    moment = message.when.astimezone(dt.UTC).replace(microsecond=0)
    if message.kind in (CALL, MISSED_CALL):
        source = f"{message.channel}:{message.kind}:{moment.isoformat()}"
    else:
        source = f"{message.channel}:{message.kind}:{message.when.astimezone(zone).date().isoformat()}"
    day = person.days.get(source)
    if day is None:
        day = person.days[source] = Day(message.channel, source, message.kind, moment, message.label,
                                        duration_minutes=message.duration_minutes)
    day.first = min(day.first, moment)
    day.directions.add(message.direction)
    day.keys.append(key)
    day.new += 1
    text = message.text.strip().splitlines()[0].strip() if message.text.strip() else ""
    day.texts.append(text[:SUMMARY_CHARACTERS])


def _count_known(person: PlannedPerson) -> None:
    """Split each day's messages into those the notebook has and those it does not."""
    every = [key for day in person.days.values() for key in day.keys]
    known = known_keys(every) if every else set()
    for day in person.days.values():
        if not known:
            break
        keep = [(key, text) for key, text in zip(day.keys, day.texts, strict=True) if key not in known]
        moved = len(day.keys) - len(keep)
        day.keys, day.texts = [key for key, _ in keep], [text for _, text in keep]
        day.new, day.known = len(keep), day.known + moved


def read_plan(paths: Sequence[str | Path], progress: Progress | None = None,
              day_first: dict[str, bool] | None = None, me: dict[str, str] | None = None,
              cancelled: Callable[[], bool] | None = None,
              each: Callable[[HistoryPlan], None] | None = None) -> HistoryPlan:
    """Read history exports (files, folders and zips) into a plan; `day_first` and `me` answer,
    per chat file, the questions the plan asked (the date order; which sender is the user)."""
    from model import clock, exports
    from model.faults import ImportCancelled

    files, zone = [str(path) for path in paths], clock.local_zone()

    def found() -> Iterator[Found]:
        for result in exports.read_paths(files, progress, day_first=day_first, me=me, zone=zone):
            if cancelled and cancelled():
                raise ImportCancelled()
            yield result

    return plan_found(files, found(), zone, each)


# -- Applying ---------------------------------------------------------------------------------


@dataclass
class Applied:
    """What an import wrote, so that it can be undone."""

    added: list[int] = field(default_factory=list)  # new people
    updated: list[ContactRecord] = field(default_factory=list)  # people before the import added to them
    interactions: list[int] = field(default_factory=list)  # entries written
    # The entries it added to: (id, messages, direction, summary, notes, occurred_at) before.
    grown: list[tuple[int, int, str, str, str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    exchanges: int = 0

    @property
    def contact_ids(self) -> list[int]:
        return self.added + [record.id for record in self.updated if record.id is not None]


def describe(day: Day, messages: int, direction: str) -> str:
    """The timeline's line for a day: "23 WhatsApp messages, both ways", "WhatsApp voice call"."""
    if day.kind == CALL:
        return day.label or "Call"
    if day.kind == MISSED_CALL:
        return day.label or "Missed call"
    if day.kind == CONNECTION:
        return day.label or f"Connected on {_SERVICE_NAMES.get(day.channel, day.channel)}"
    if day.kind == INVITATION:
        return day.label or "Invitation"
    one, many = _NOUNS.get(day.channel, ("message", "messages"))
    return f"{messages} {one if messages == 1 else many}, {_DIRECTION_WORDS[direction]}"


def apply_plan(plan: HistoryPlan, keep_text: bool = False, progress: Progress | None = None) -> Applied:
    """Write the plan's people and days in one transaction; an error leaves the notebook as it was."""
    applied = Applied()
    people = plan.included()
    channel_ids = {channel.key: channel.id for channel in history.channels(include_hidden=True)}
    touched: list[int] = []
    with database.atomic():
        new_people = [person for person in people if person.match_id is None]
        applied.added = contacts.add_stored([contacts.stored_form(dataclasses.replace(
            p.record, points=list(p.record.points))) for p in new_people])  # copies: the plan stays as read
        written = {id(person): contact_id for person, contact_id in zip(new_people, applied.added, strict=True)}
        for done, person in enumerate(people):
            contact_id = written.get(id(person)) or person.match_id or 0
            existing = contacts.get_contact(contact_id) if id(person) not in written else None
            merged, changes = merge_people(existing, person.record) if existing is not None else (None, [])
            if existing is not None and merged is not None and changes:  # what the import adds to them
                applied.updated.append(existing)
                contacts.replace_stored([(contact_id, contacts.stored_form(merged))])
            days = [day for day in person.days.values() if day.new]
            for day in days:
                _write_day(contact_id, day, channel_ids, keep_text, applied, id(person) in written)
            if days or changes or id(person) in written:
                touched.append(contact_id)
            if progress:
                progress(done + 1, len(people))
        if applied.keys:
            database.connection().executemany("INSERT OR IGNORE INTO exchange_key (key) VALUES (?)",
                                               [(key,) for key in applied.keys])
        history.refresh_contacts(list(dict.fromkeys(touched)))
    return applied


def _write_day(contact_id: int, day: Day, channel_ids: dict[str, int], keep_text: bool, applied: Applied,
               new_person: bool = False) -> None:
    connection = database.connection()
    channel_id = channel_ids.get(day.channel) or channel_ids["other"]
    texts = "\n".join(text for text in day.texts if text) if keep_text else ""
    row = None if new_person else connection.execute(
        "SELECT id, messages, direction, summary, notes, occurred_at FROM interaction"
        " WHERE contact_id = ? AND source = ?", (contact_id, day.source)).fetchone()
    if row:
        interaction_id, messages, direction, summary, notes, occurred_at = row
        applied.grown.append((interaction_id, messages, direction, summary, notes, occurred_at))
        total = messages + day.new
        both = direction if direction == day.direction else "both"
        connection.execute(
            "UPDATE interaction SET messages = ?, direction = ?, summary = ?, notes = ?, occurred_at = ? WHERE id = ?",
            (total, both, describe(day, total, both), "\n".join(filter(None, [notes, texts])),
             min(occurred_at, history.stamp(day.first)), interaction_id))
    else:
        cursor = connection.execute(
            "INSERT INTO interaction (contact_id, channel_id, occurred_at, direction, duration_minutes, summary,"
            " notes, messages, source, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (contact_id, channel_id, history.stamp(day.first), day.direction, day.duration_minutes,
             describe(day, day.new, day.direction), texts, day.new, day.source, history.new_uid()))
        applied.interactions.append(cursor.lastrowid)
    applied.keys += day.keys
    applied.exchanges += day.new


def undo_import(applied: Applied) -> None:
    """Put the notebook back as it was before `apply_plan` wrote `applied`."""
    connection = database.connection()
    with database.atomic():
        for start in range(0, len(applied.keys), 500):
            chunk = applied.keys[start:start + 500]
            connection.execute(f"DELETE FROM exchange_key WHERE key IN ({','.join('?' * len(chunk))})", chunk)
        for start in range(0, len(applied.interactions), 500):
            ids = applied.interactions[start:start + 500]
            connection.execute(f"DELETE FROM interaction WHERE id IN ({','.join('?' * len(ids))})", ids)
        connection.executemany(
            "UPDATE interaction SET messages = ?, direction = ?, summary = ?, notes = ?, occurred_at = ? WHERE id = ?",
            [(messages, direction, summary, notes, occurred_at, interaction_id)
             for interaction_id, messages, direction, summary, notes, occurred_at in applied.grown])
        if applied.updated:
            contacts.replace_stored([(record.id or 0, contacts.stored_form(record)) for record in applied.updated])
        if applied.added:
            contacts.delete_contacts(applied.added)
        history.refresh_contacts([record.id for record in applied.updated if record.id is not None]
                                 + _contacts_of_grown(applied))


def _contacts_of_grown(applied: Applied) -> list[int]:
    ids = [interaction_id for interaction_id, *_rest in applied.grown]
    found: list[int] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found += [row[0] for row in database.execute_sql(
            f"SELECT DISTINCT contact_id FROM interaction WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
    return found


def import_paths(paths: Sequence[str | Path], keep_text: bool = False) -> tuple[HistoryPlan, Applied]:
    """The command line's import: the plan with its default choices, applied."""
    plan = read_plan(paths)
    return plan, apply_plan(plan, keep_text)


def iter_summaries(plan: HistoryPlan) -> Iterator[str]:
    """A line per person, for the command line without --json."""
    for person in plan.people:
        first, last = person.first, person.last
        when = f", {first:%Y-%m-%d} to {last:%Y-%m-%d}" if first and last else ""
        state = "left out" if not person.include else person.reason
        yield (f"  {person.name}: {person.new_messages} new of {person.messages} on "
               f"{', '.join(person.channels) or 'no channel'}{when} ({state})")
