"""Importing vCards in two steps: read the files into a plan, then apply the plan.

The plan says, card by card, what would happen: a new person; the same person as one already
in the notebook (same UID, or a shared phone or email and a similar name) and what would
change; a possible duplicate (a similar name, other details) for the user to decide; or a
card that cannot be read, with its file, line and reason. Nothing is written until
`apply_plan`, which makes every change in one transaction: an import stopped halfway leaves
the notebook as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from model import contacts, fingerprints, normalise, search, storage
from model.contacts import ContactRecord, uid_key
from model.faults import ImportCancelled
from model.schema import database

if TYPE_CHECKING:
    from model import vcard

NEW, UPDATE, UNCHANGED, DUPLICATE, REJECTED = "new", "update", "unchanged", "duplicate", "rejected"
KEEP_BOTH, MERGE, SKIP = "keep both", "merge", "skip"

Progress = Callable[[int, int], None]  # (done, total), in bytes read or changes written
Cancelled = Callable[[], bool]


@dataclass(slots=True)
class PlanItem:
    """What importing one card would do.

    The card itself is kept pickled, in the form the notebook stores it (`packed`), and
    unpacked when it is needed: a plan of 50,000 cards would otherwise hold 50,000 records
    of Python objects, and new people are written without being built again.
    """

    outcome: str
    file: str
    line: int
    packed: bytes = b""  # the card as read: its contacts.Stored form, pickled
    name: str = ""  # the card's display name
    reason: str = ""  # why a card was rejected
    existing_id: int | None = None  # the person it updates, or may duplicate
    merged: ContactRecord | None = None  # for an update: the person after the import
    changes: list[str] = field(default_factory=list)  # for an update: what would change
    choice: str = KEEP_BOTH  # for a possible duplicate: keep both, merge, or skip
    merged_into: int | None = None  # index of an earlier card of this import it joins
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, what was left out of the card)
    digest: bytes = b""  # the card's fingerprint: kept with the person it goes to (model/fingerprints.py)

    @property
    def same(self) -> bool:
        """Found unchanged by its fingerprint, without being read (so there is no card to show)."""
        return self.outcome == UNCHANGED and not self.packed

    @property
    def record(self) -> ContactRecord | None:
        """The card as read: a fresh copy at each call."""
        return _unpack(self.packed) if self.packed else None

    @record.setter
    def record(self, record: ContactRecord) -> None:
        self.packed, self.name = _pack(record), record.display_name

    def stored(self) -> contacts.Stored:
        """What applying the item writes: the person after the import, in stored form."""
        return contacts.stored_form(self.merged) if self.merged else pickle.loads(self.packed)


@dataclass(slots=True)
class ImportPlan:
    files: list[str]
    items: list[PlanItem] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def cards(self) -> int:
        return len(self.items)

    def summary(self) -> dict:
        """The `--import --json` summary."""
        return {
            "files": len(self.files),
            "cards": self.cards,
            "new": self.count(NEW),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "possible_duplicates": self.count(DUPLICATE),
            "rejected": [{"file": item.file, "line": item.line, "reason": item.reason}
                         for item in self.items if item.outcome == REJECTED],
            # Lines left out of cards that were read (comments, unreadable property names).
            "warnings": [{"file": item.file, "line": line, "warning": warning}
                         for item in self.items for line, warning in item.warnings],
        }


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    contact_ids: list[int] = field(default_factory=list)


# -- Finding the files ----------------------------------------------------------------------


def vcard_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file given, and the .vcf/.vcard files inside each folder given."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in (".vcf", ".vcard") and p.is_file())
        else:
            found.append(path)
    return found


# -- Matching -------------------------------------------------------------------------------


def name_key(record: ContactRecord) -> str:
    """A person's name reduced for comparison: folded words, in order of appearance, sorted."""
    return _name_key(record.given_name, record.family_name, record.formatted_name,
                     record.organisation if not record.points else "")


def _name_key(given: str, family: str, formatted: str, organisation: str) -> str:
    name = f"{given} {family}".strip() or formatted or organisation
    return " ".join(sorted(normalise.fold(name).replace(",", " ").replace(".", " ").split()))


def _similar_names(a: str, b: str) -> bool:
    if not a or not b:
        return True  # a card without a name does not contradict a shared phone or email
    if a == b:
        return True
    words_a, words_b = set(a.split()), set(b.split())
    return words_a <= words_b or words_b <= words_a


def _match_keys(record: ContactRecord) -> list[str]:
    keys = []
    for point in record.points:
        if point.kind in ("phone", "email") and point.normalised and len(point.normalised) >= 5:
            keys.append(f"{point.kind}:{point.normalised}")
    return keys


class _Several(set):
    """Two or more keys under one entry of a `_Keys` table."""


class _Keys(dict):
    """A table from an entry (a phone, an email, a name) to the keys seen with it. Nearly every
    entry has one key, kept bare: a set for each of the 111,000 phones and emails of a
    50,000-card import was 24 MB of its peak."""

    def add(self, entry: str, key: object) -> None:
        present = self.get(entry)
        if present is None:
            self[entry] = key
        elif type(present) is _Several:
            present.add(key)
        elif present != key:
            self[entry] = _Several((present, key))

    def of(self, entry: str) -> Collection:
        """The keys seen with `entry` (none, one or several)."""
        present = self.get(entry)
        return () if present is None else present if type(present) is _Several else (present,)

    def groups(self) -> Iterator[tuple[str, Collection]]:
        """(entry, its keys) for every entry."""
        for entry in self:
            yield entry, self.of(entry)


class _Index:
    """Who is who: UIDs, phones, emails and names of the people seen so far."""

    def __init__(self) -> None:
        self.uid: dict[str, object] = {}
        self.points = _Keys()
        # By name: the notebook's people (ids), and the cards of this import ("card:<n>") apart,
        # since a common name has hundreds of cards in a big file and only the people are looked at.
        self.people_named = _Keys()
        self.cards_named = _Keys()
        self.name_of: dict[object, str] = {}

    def add(self, key: object, uid: str, name: str, match_keys: Iterable[str]) -> None:
        if uid:
            self.uid.setdefault(uid_key(uid), key)
        for match in match_keys:
            self.points.add(match, key)
        if name:
            if isinstance(key, int):
                self.people_named.add(name, key)
            else:
                self.cards_named.add(name, str(key))
        self.name_of[key] = name

    def same_person(self, uid: str, match_keys: Iterable[str], name: str) -> object | None:
        if uid and uid_key(uid) in self.uid:
            return self.uid[uid_key(uid)]
        for match in match_keys:
            for key in sorted(self.points.of(match), key=str):
                if _similar_names(name, self.name_of.get(key, "")):
                    return key
        return None

    def similar_name(self, name: str) -> object | None:
        if not name or " " not in name:  # a single word is too common to suggest a duplicate
            return None
        people = self.people_named.of(name)
        if people:
            return min(people, key=str)
        cards = self.cards_named.of(name)
        return min(cards) if cards else None


def _notebook_index() -> _Index:
    index = _Index()
    connection = database.connection()
    for contact_id, uid, given, family, formatted, organisation in connection.execute(
            "SELECT id, uid, given_name, family_name, formatted_name, organisation FROM contact"):
        index.add(contact_id, uid, _name_key(given, family, formatted, organisation), ())
    for contact_id, kind, value in connection.execute(
            "SELECT contact_id, kind, normalised FROM contact_point WHERE kind IN ('phone', 'email')"):
        if value and len(value) >= 5:
            index.points.add(f"{kind}:{value}", contact_id)
    return index


# -- Merging --------------------------------------------------------------------------------

_SCALARS = ["formatted_name", "prefix", "given_name", "additional_names", "family_name", "suffix", "nickname",
            "organisation", "department", "title", "birthday", "anniversary", "gender", "uid",
            "phonetic_family", "phonetic_given",
            # What a Rapport wrote in the card (or the address says): filled in where empty.
            "city", "region", "country", "time_zone", "call_hours", "how_met", "met_on", "cadence_days"]
_CAPTIONS = {"formatted_name": "name", "additional_names": "middle names", "uid": "UID"}


def merge(existing: ContactRecord, incoming: ContactRecord) -> tuple[ContactRecord, list[str]]:
    """`existing` with what `incoming` adds, never dropping a value; and a line per change.

    Empty fields are filled in; a field that differs keeps the notebook's value (the user may
    have edited it) and the incoming one is added to the notes, so nothing is lost. Phones,
    emails and the rest are united; the longer note is kept and the other appended; the
    larger photo wins.
    """
    values: dict[str, object] = {}
    changes: list[str] = []
    also: list[str] = []
    for name in _SCALARS:
        old, new = getattr(existing, name), getattr(incoming, name)
        if not new or new == old:
            continue
        if name == "formatted_name" and not old and normalise.fold(str(new)) == normalise.fold(existing.display_name):
            continue  # the card's FN is the name the notebook shows already: nothing changes
        caption = _CAPTIONS.get(name, name.replace("_", " "))
        if not old:
            values[name] = new
            changes.append(f"{caption}: {new}")
        elif name not in ("uid", "formatted_name") and normalise.fold(str(new)) != normalise.fold(str(old)):
            also.append(f"{caption}: {new}")
    if "time_zone" in values:
        values["time_zone_source"] = incoming.time_zone_source
    known = {(p.kind, p.normalised or p.value.strip().lower()) for p in existing.points}
    points = []
    for point in incoming.points:
        key = (point.kind, point.normalised or point.value.strip().lower())
        if key not in known:
            known.add(key)
            points.append(point)
            changes.append(f"{point.kind}: {point.value}")
    tags = [tag for tag in dict.fromkeys(incoming.tags) if tag not in existing.tags]
    changes += [f"tag: {tag}" for tag in tags]
    kept = set(existing.vcard_properties)
    lines = [line for line in dict.fromkeys(incoming.vcard_properties) if line not in kept]
    changes += [f"kept property {line.split(':', 1)[0]}" for line in lines]
    have_prep = {(section, text) for section, text, _done in existing.prep}
    prep = [line for line in dict.fromkeys(incoming.prep) if (line[0], line[1]) not in have_prep]
    changes += [f"prep: {text}" for _section, text, _done in prep]
    if incoming.introduced_by_uid and not existing.introduced_by_uid and existing.introduced_by is None:
        values["introduced_by_uid"] = incoming.introduced_by_uid
        changes.append("introduced by")
    notes = _merge_notes(existing.notes, incoming.notes)
    if also:
        extra = "Also imported: " + "; ".join(also)
        if extra not in notes:
            notes = f"{notes}\n\n{extra}" if notes else extra
    if notes != existing.notes:
        values["notes"] = notes
        changes.append("notes")
    if incoming.photo and len(incoming.photo) > len(existing.photo or b""):
        values["photo"], values["photo_type"] = incoming.photo, incoming.photo_type
        changes.append("photo")
    if not changes:
        return existing, []
    merged = dataclasses.replace(existing, tags=existing.tags + tags, points=existing.points + points,
                                 prep=existing.prep + prep,
                                 vcard_properties=existing.vcard_properties + lines, **values)
    return merged, changes


def _merge_notes(old: str, new: str) -> str:
    if not new.strip() or new.strip() in old:
        return old
    if not old.strip() or old.strip() in new:
        return new
    longer, shorter = (old, new) if len(old) >= len(new) else (new, old)
    return f"{longer}\n\n{shorter}"


# -- Planning -------------------------------------------------------------------------------


@dataclass(slots=True)
class ReadCard:
    """A card as the planner needs it, made where the card was parsed (a worker process): the
    record pickled, and what matching looks at."""

    file: str
    line: int
    offset: int
    error: str = ""
    packed: bytes = b""
    name: str = ""
    name_key: str = ""
    uid: str = ""
    match_keys: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    digest: bytes = b""
    same_as: int | None = None  # the card was not read: its fingerprint names this person

    @property
    def record(self) -> ContactRecord:
        return _unpack(self.packed)


def read_card(card: vcard.ParsedCard) -> ReadCard:
    """A parsed card ready to plan (parallel_read calls this in its workers)."""
    if card.same_as is not None:
        return ReadCard(card.file, card.line, card.offset, digest=card.digest, same_as=card.same_as)
    record = card.record
    if record is None:
        return ReadCard(card.file, card.line, card.offset, error=card.error)
    packed = _pack(record)  # normalises the points, which matching needs
    return ReadCard(card.file, card.line, card.offset, packed=packed, name=record.display_name,
                    name_key=name_key(record), uid=record.uid, match_keys=_match_keys(record),
                    warnings=card.warnings, digest=card.digest)


def _pack(record: ContactRecord) -> bytes:
    return pickle.dumps(contacts.stored_form(record), pickle.HIGHEST_PROTOCOL)


def _unpack(packed: bytes) -> ContactRecord:
    return contacts.record_from(pickle.loads(packed))


def read_plan(paths: Sequence[str | Path], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ImportPlan:
    """Read the files and decide, card by card, what importing them would do."""
    planner = Planner(paths)
    for _first, _last in planner.run(progress, cancelled):
        pass
    return planner.plan


def import_files(paths: Sequence[str | Path]) -> tuple[ImportPlan, ImportResult]:
    """The command line's import: the plan with its safe default choices, applied as the
    cards are planned rather than after (the database writes while the workers parse), in one
    transaction all the same. The notebook ends as `apply_plan(read_plan(paths))` leaves it."""
    planner = Planner(paths)
    items = planner.plan.items
    result = ImportResult()
    written: dict[int, tuple[int, bytes]] = {}  # plan index: (contact id, the card as written)
    journal = contextlib.nullcontext() if contacts.has_contacts() else storage.rollback_journal(database)
    with journal, database.atomic(), search.bulk_writes() as bulk:
        for first, last in planner.run():
            batch = [n for n in range(first, last) if _adds_person(items[n])]
            ids = contacts.add_stored([items[n].stored() for n in batch])
            written.update((n, (contact_id, items[n].packed)) for n, contact_id in zip(batch, ids, strict=True))
            bulk.expect(len(written))
        # A card that a later card of the files joined is written as it ended.
        contacts.replace_stored([
            (contact_id, items[n].stored())
            for n, (contact_id, packed) in written.items()
            if items[n].merged is not None or items[n].packed is not packed])
        updates, result.skipped = _updates(planner.plan)
        _write_updates(updates, result)
        _remember_cards(planner.plan, {n: contact_id for n, (contact_id, _packed) in written.items()})
        bulk.expect(len(written) + len(updates))
    result.contact_ids[:0] = [contact_id for contact_id, _packed in written.values()]
    result.added = len(written)
    return planner.plan, result


class Planner:
    """Reads the files and plans their cards, a chunk at a time: `plan` grows as `run` goes
    (the import dialog shows its first rows while the rest of a big file is read)."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self.files = vcard_files(paths)
        self.plan = ImportPlan([str(path) for path in self.files])

    def run(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> Iterator[tuple[int, int]]:
        """Plan every card; yields the range of plan items each chunk of cards added."""
        plan, index = self.plan, None  # the notebook's index: made when a card needs matching
        # The people of the notebook this import touches, as the plan would leave them. Only those
        # the plan changes stay between chunks; the others are read again if a later card needs them.
        existing_cache: dict[int, ContactRecord] = {}
        updated: set[int] = set()
        sizes = {str(path): path.stat().st_size if path.is_file() else 0 for path in self.files}
        done_before = dict(zip(sizes, itertools.accumulate([0, *sizes.values()]), strict=False))  # for progress
        total = sum(sizes.values()) or 1
        from model import parallel_read  # with vobject: loaded when an import begins, not at start-up

        cards = parallel_read.read_files(self.files, read_card, known=fingerprints.known())
        names: dict[int, str] = {}  # of the people cards were found unchanged for
        try:
            for chunk in _chunks(cards, 500, first=50):
                if cancelled and cancelled():
                    raise ImportCancelled()
                first = len(plan.items)
                if index is None and any(card.same_as is None and not card.error for card in chunk):
                    index = _notebook_index()  # every card so far was known: the index was not needed
                if index is not None:
                    _prefetch(chunk, index, existing_cache)
                names.update(contacts.display_names([c.same_as for c in chunk if c.same_as and c.same_as not in names]))
                for card in chunk:
                    if card.error:
                        plan.items.append(PlanItem(REJECTED, card.file, card.line, reason=card.error))
                    elif card.same_as is not None:
                        plan.items.append(PlanItem(UNCHANGED, card.file, card.line, name=names.get(card.same_as, ""),
                                                   existing_id=card.same_as, digest=card.digest))
                    else:
                        assert index is not None
                        _plan_card(plan, index, card, existing_cache)
                updated.update(item.existing_id for item in plan.items[first:] if item.outcome == UPDATE)
                for contact_id in [i for i in existing_cache if i not in updated]:
                    del existing_cache[contact_id]
                if progress:
                    progress(done_before.get(chunk[-1].file, 0) + chunk[-1].offset, total)
                yield first, len(plan.items)
        finally:
            cards.close()
        if progress:
            progress(total, total)


def _chunks(cards: Iterable[ReadCard], size: int, first: int) -> Iterator[list[ReadCard]]:
    """Lists of `size` cards, the first of only `first`, so that the first are planned at once."""
    chunk: list[ReadCard] = []
    for card in cards:
        chunk.append(card)
        if len(chunk) == first:
            yield chunk
            chunk, first = [], size
    if chunk:
        yield chunk


def _prefetch(chunk: list[ReadCard], index: _Index, cache: dict[int, ContactRecord]) -> None:
    """Read, in a few queries, the people in the notebook that a chunk of cards probably matches
    (a second import of the same file matches every card; one query each was most of its time)."""
    wanted = set()
    for card in chunk:
        if card.error or card.same_as is not None:
            continue
        match = index.same_person(card.uid, card.match_keys, card.name_key)
        # As _plan_card decides: the person matched, or else everyone of the same name.
        if match is None:
            wanted.update(key for key in index.people_named.of(card.name_key) if key not in cache)
        elif isinstance(match, int) and match not in cache:
            wanted.add(match)
    for record in contacts.get_contacts(sorted(wanted)):
        cache[record.id] = record


def _plan_card(plan: ImportPlan, index: _Index, card: ReadCard, existing_cache: dict[int, ContactRecord]) -> None:
    name = card.name_key
    match = index.same_person(card.uid, card.match_keys, name)
    item = PlanItem(NEW, card.file, card.line, card.packed, card.name, warnings=card.warnings, digest=card.digest)
    if isinstance(match, str):  # an earlier card of this import ("card:<n>")
        earlier = plan.items[int(match[5:])]
        target = earlier.merged if earlier.merged is not None else earlier.record
        merged, changes = merge(target, card.record)
        if earlier.outcome == UNCHANGED and changes:
            earlier.outcome, earlier.merged = UPDATE, merged
            earlier.changes += changes
        elif earlier.merged is not None:
            earlier.merged = merged
            earlier.changes += changes
        elif changes:
            earlier.record = merged
        item.outcome, item.changes = UPDATE if changes else UNCHANGED, changes
        item.existing_id, item.merged_into = earlier.existing_id, int(match[5:])
        plan.items.append(item)
        index.add(match, card.uid, name, _match_keys(merged))
        return
    key = f"card:{len(plan.items)}"
    if match is not None:
        existing = existing_cache.get(match) or contacts.get_contact(match)
        merged, changes = merge(existing, card.record)
        existing_cache[match] = merged
        item.outcome, item.existing_id, item.changes = UPDATE if changes else UNCHANGED, match, changes
        item.merged = merged if changes else None
        plan.items.append(item)
        index.add(match, card.uid, name_key(existing), _match_keys(merged))
        return
    candidates = sorted(index.people_named.of(name))
    record = card.record if candidates else None
    for candidate in candidates:
        existing = existing_cache.get(candidate) or contacts.get_contact(candidate)
        if not merge(existing, record)[1]:  # nothing new: this person is already here
            item.outcome, item.existing_id = UNCHANGED, candidate
            plan.items.append(item)
            return
    similar = index.similar_name(name)
    if similar is not None and not isinstance(similar, str):
        item.outcome, item.existing_id = DUPLICATE, similar
    plan.items.append(item)
    index.add(key, card.uid, name, card.match_keys)


# -- Applying -------------------------------------------------------------------------------


def apply_plan(plan: ImportPlan, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportResult:
    """Make the plan's changes in one transaction; a cancel or error leaves the notebook as it was."""
    result = ImportResult()
    adding = [n for n, item in enumerate(plan.items) if _adds_person(item)]
    new_items = [plan.items[n] for n in adding]  # unpacked a batch at a time
    updates, result.skipped = _updates(plan)
    total = len(new_items) + len(updates) or 1
    written: list[tuple[int, contacts.Stored]] = []  # people whose cards carry prep or an introducer
    with database.atomic(), search.bulk_writes() as bulk:
        bulk.expect(len(new_items) + len(updates))
        for start in range(0, len(new_items), 1000):
            if cancelled and cancelled():
                raise ImportCancelled()
            batch = [item.stored() for item in new_items[start:start + 1000]]
            ids = contacts.add_stored(batch)
            result.contact_ids += ids
            written += [(contact_id, stored) for contact_id, stored in zip(ids, batch, strict=True)
                        if stored.prep or stored.introduced_by_uid]
            if progress:
                progress(start + len(batch), total)
        written += _write_updates(updates, result, progress and (lambda done: progress(len(new_items) + done, total)),
                       cancelled)
        contacts.add_prep_and_introducers(written)
        _remember_cards(plan, dict(zip(adding, result.contact_ids[:len(adding)], strict=True)))
    result.added = len(new_items)
    return result


def _remember_cards(plan: ImportPlan, added: dict[int, int]) -> None:
    """Keep each card's fingerprint with the person it went to (`added`: plan index to the id of
    the person it added), so that the next import of the same card need not read it."""
    went_to: list[int | None] = []
    for n, item in enumerate(plan.items):
        if n in added:
            went_to.append(added[n])
        elif item.merged_into is not None:
            went_to.append(went_to[item.merged_into])
        elif item.existing_id is not None and not (item.outcome == DUPLICATE and item.choice == SKIP):
            went_to.append(item.existing_id)
        else:
            went_to.append(None)
    fingerprints.remember((item.digest, person) for item, person in zip(plan.items, went_to, strict=True)
                          if item.digest and person is not None and not item.same)


def _adds_person(item: PlanItem) -> bool:
    """Whether applying the item adds someone to the notebook."""
    return item.merged_into is None and (
        item.outcome == NEW or (item.outcome == DUPLICATE and item.choice == KEEP_BOTH))


def _updates(plan: ImportPlan) -> tuple[dict[int, ContactRecord], int]:
    """The people of the notebook as the plan leaves them, and how many cards it skips."""
    updates: dict[int, ContactRecord] = {}
    skipped = 0
    for item in plan.items:
        if item.merged_into is not None or item.existing_id is None:
            continue
        if item.outcome == UPDATE:
            updates[item.existing_id] = item.merged
        elif item.outcome == DUPLICATE and item.choice == MERGE:
            base = updates.get(item.existing_id) or contacts.get_contact(item.existing_id)
            updates[item.existing_id] = merge(base, item.record)[0]
        elif item.outcome == DUPLICATE and item.choice == SKIP:
            skipped += 1
    return updates, skipped


def _write_updates(updates: dict[int, ContactRecord], result: ImportResult,
                   progress: Callable[[int], None] | None = None,
                   cancelled: Cancelled | None = None) -> list[tuple[int, contacts.Stored]]:
    records = list(updates.values())
    written = []
    for start in range(0, len(records), 500):
        if cancelled and cancelled():
            raise ImportCancelled()
        batch = records[start:start + 500]
        people = [(record.id, contacts.stored_form(record)) for record in batch]
        contacts.replace_stored(people)
        written += [(contact_id, stored) for contact_id, stored in people if stored.prep or stored.introduced_by_uid]
        result.contact_ids += [record.id for record in batch]
        if progress:
            progress(start + len(batch))
    result.updated = len(updates)
    return written
