"""Importing vCards in two steps: read the files into a plan, then apply the plan.

The plan says, card by card, what would happen: a new person; the same person as one already
in the notebook (same UID, or a shared phone or email and a similar name) and what would
change; a possible duplicate (a similar name, other details) for the user to decide; or a
card that cannot be read, with its file, line and reason. Nothing is written until
`apply_plan`, which makes every change in one transaction: an import stopped halfway leaves
the notebook as it was.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from model import contacts, normalise, vcard
from model.contacts import ContactRecord
from model.schema import Contact, ContactPoint, database

NEW, UPDATE, UNCHANGED, DUPLICATE, REJECTED = "new", "update", "unchanged", "duplicate", "rejected"
KEEP_BOTH, MERGE, SKIP = "keep both", "merge", "skip"

Progress = Callable[[int, int], None]  # (done, total), in bytes read or changes written
Cancelled = Callable[[], bool]


class ImportCancelled(Exception):
    """The user stopped the import; nothing was written."""


@dataclass
class PlanItem:
    """What importing one card would do."""

    outcome: str
    file: str
    line: int
    record: ContactRecord | None = None  # the card as read
    reason: str = ""  # why a card was rejected
    existing_id: int | None = None  # the person it updates, or may duplicate
    merged: ContactRecord | None = None  # for an update: the person after the import
    changes: list[str] = field(default_factory=list)  # for an update: what would change
    choice: str = KEEP_BOTH  # for a possible duplicate: keep both, merge, or skip
    merged_into: int | None = None  # index of an earlier card of this import it joins

    @property
    def name(self) -> str:
        return self.record.display_name if self.record else ""


@dataclass
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
        }


@dataclass
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
    name = f"{record.given_name} {record.family_name}".strip()
    if not name:
        name = record.formatted_name or (record.organisation if not record.points else "")
    words = sorted(normalise.fold(name).replace(",", " ").replace(".", " ").split())
    return " ".join(words)


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


class _Index:
    """Who is who: UIDs, phones, emails and names of the people seen so far."""

    def __init__(self) -> None:
        self.uid: dict[str, object] = {}
        self.points: dict[str, set] = defaultdict(set)
        self.names: dict[str, set] = defaultdict(set)
        self.name_of: dict[object, str] = {}

    def add(self, key: object, uid: str, name: str, match_keys: Iterable[str]) -> None:
        if uid:
            self.uid.setdefault(uid, key)
        for match in match_keys:
            self.points[match].add(key)
        if name:
            self.names[name].add(key)
        self.name_of[key] = name

    def same_person(self, record: ContactRecord, name: str) -> object | None:
        if record.uid and record.uid in self.uid:
            return self.uid[record.uid]
        for match in _match_keys(record):
            for key in sorted(self.points.get(match, ()), key=str):
                if _similar_names(name, self.name_of.get(key, "")):
                    return key
        return None

    def similar_name(self, name: str) -> object | None:
        if not name or " " not in name:  # a single word is too common to suggest a duplicate
            return None
        keys = self.names.get(name)
        return min(keys, key=str) if keys else None


def _notebook_index() -> _Index:
    index = _Index()
    for contact_id, uid, given, family, formatted, organisation in (
            Contact.select(Contact.id, Contact.uid, Contact.given_name, Contact.family_name, Contact.formatted_name,
                           Contact.organisation).tuples()):
        record = ContactRecord(given_name=given, family_name=family, formatted_name=formatted,
                               organisation=organisation)
        index.add(contact_id, uid, name_key(record), ())
    for contact_id, kind, value in ContactPoint.select(ContactPoint.contact, ContactPoint.kind,
                                                       ContactPoint.normalised).tuples():
        if kind in ("phone", "email") and value and len(value) >= 5:
            index.points[f"{kind}:{value}"].add(contact_id)
    return index


# -- Merging --------------------------------------------------------------------------------

_SCALARS = ["formatted_name", "prefix", "given_name", "additional_names", "family_name", "suffix", "nickname",
            "organisation", "department", "title", "birthday", "anniversary", "gender", "uid"]
_CAPTIONS = {"formatted_name": "name", "additional_names": "middle names", "uid": "UID"}


def merge(existing: ContactRecord, incoming: ContactRecord) -> tuple[ContactRecord, list[str]]:
    """`existing` with what `incoming` adds, never dropping a value; and a line per change.

    Empty fields are filled in; a field that differs keeps the notebook's value (the user may
    have edited it) and the incoming one is added to the notes, so nothing is lost. Phones,
    emails and the rest are united; the longer note is kept and the other appended; the
    larger photo wins.
    """
    merged = dataclasses.replace(existing, tags=list(existing.tags), points=list(existing.points),
                                 vcard_properties=list(existing.vcard_properties))
    changes: list[str] = []
    also: list[str] = []
    for name in _SCALARS:
        old, new = getattr(existing, name), getattr(incoming, name)
        caption = _CAPTIONS.get(name, name.replace("_", " "))
        if new and not old:
            setattr(merged, name, new)
            changes.append(f"{caption}: {new}")
        elif new and normalise.fold(new) != normalise.fold(old) and name not in ("uid", "formatted_name"):
            also.append(f"{caption}: {new}")
    known = {(p.kind, p.normalised or p.value.strip().lower()) for p in merged.points}
    for point in incoming.points:
        key = (point.kind, point.normalised or point.value.strip().lower())
        if key not in known:
            known.add(key)
            merged.points.append(point)
            changes.append(f"{point.kind}: {point.value}")
    for tag in incoming.tags:
        if tag not in merged.tags:
            merged.tags.append(tag)
            changes.append(f"tag: {tag}")
    for line in incoming.vcard_properties:
        if line not in merged.vcard_properties:
            merged.vcard_properties.append(line)
            changes.append(f"kept property {line.split(':', 1)[0]}")
    notes = _merge_notes(existing.notes, incoming.notes)
    if also:
        extra = "Also imported: " + "; ".join(also)
        if extra not in notes:
            notes = f"{notes}\n\n{extra}" if notes else extra
    if notes != existing.notes:
        merged.notes = notes
        changes.append("notes")
    if incoming.photo and len(incoming.photo) > len(existing.photo or b""):
        merged.photo, merged.photo_type = incoming.photo, incoming.photo_type
        changes.append("photo")
    return merged, changes


def _merge_notes(old: str, new: str) -> str:
    if not new.strip() or new.strip() in old:
        return old
    if not old.strip() or old.strip() in new:
        return new
    longer, shorter = (old, new) if len(old) >= len(new) else (new, old)
    return f"{longer}\n\n{shorter}"


# -- Planning -------------------------------------------------------------------------------


def read_plan(paths: Sequence[str | Path], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ImportPlan:
    """Read the files and decide, card by card, what importing them would do."""
    files = vcard_files(paths)
    plan = ImportPlan([str(path) for path in files])
    index = _notebook_index()
    total = sum(path.stat().st_size for path in files if path.is_file()) or 1
    done = 0
    existing_cache: dict[int, ContactRecord] = {}
    for path in files:
        for chunk in _chunks(_cards_of(path), 500):
            if cancelled and cancelled():
                raise ImportCancelled()
            _prefetch(chunk, index, existing_cache)
            for card in chunk:
                if card.record is None:
                    plan.items.append(PlanItem(REJECTED, card.file, card.line, reason=card.error))
                    continue
                _plan_card(plan, index, card, existing_cache)
            if progress:
                progress(done + chunk[-1].offset, total)
        done += path.stat().st_size if path.is_file() else 0
    if progress:
        progress(total, total)
    return plan


def _chunks(cards: Iterable[vcard.ParsedCard], size: int) -> Iterator[list[vcard.ParsedCard]]:
    chunk: list[vcard.ParsedCard] = []
    for card in cards:
        chunk.append(card)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prefetch(chunk: list[vcard.ParsedCard], index: _Index, cache: dict[int, ContactRecord]) -> None:
    """Read, in a few queries, the people in the notebook that a chunk of cards probably matches
    (a second import of the same file matches every card; one query each was most of its time)."""
    wanted = set()
    for card in chunk:
        if card.record is None:
            continue
        contacts.normalise_points(card.record)
        name = name_key(card.record)
        match = index.same_person(card.record, name)
        wanted.update(k for k in ([match] if match is not None else []) + list(index.names.get(name, ()))
                      if isinstance(k, int) and k not in cache)
    for record in contacts.get_contacts(sorted(wanted)):
        cache[record.id] = record


def _cards_of(path: Path) -> Iterable[vcard.ParsedCard]:
    try:
        yield from vcard.read_cards(path)
    except OSError as error:
        yield vcard.ParsedCard(str(path), 0, error=f"cannot read the file: {error.strerror or error}")


def _plan_card(plan: ImportPlan, index: _Index, card: vcard.ParsedCard,
               existing_cache: dict[int, ContactRecord]) -> None:
    record = card.record
    contacts.normalise_points(record)
    name = name_key(record)
    match = index.same_person(record, name)
    if isinstance(match, str):  # an earlier card of this import ("card:<n>")
        earlier = plan.items[int(match[5:])]
        target = earlier.merged if earlier.merged is not None else earlier.record
        merged, changes = merge(target, record)
        if earlier.outcome == UNCHANGED and changes:
            earlier.outcome, earlier.merged = UPDATE, merged
            earlier.changes += changes
        elif earlier.merged is not None:
            earlier.merged = merged
            earlier.changes += changes
        else:
            earlier.record = merged
        outcome = UPDATE if changes else UNCHANGED
        plan.items.append(PlanItem(outcome, card.file, card.line, record, changes=changes,
                                   existing_id=earlier.existing_id, merged_into=int(match[5:])))
        index.add(match, record.uid, name, _match_keys(merged))
        return
    key = f"card:{len(plan.items)}"
    if match is not None:
        existing = existing_cache.get(match) or contacts.get_contact(match)
        merged, changes = merge(existing, record)
        existing_cache[match] = merged
        item = PlanItem(UPDATE if changes else UNCHANGED, card.file, card.line, record, existing_id=match,
                        merged=merged, changes=changes)
        plan.items.append(item)
        index.add(match, record.uid, name_key(existing), _match_keys(merged))
        return
    for candidate in sorted(k for k in index.names.get(name, ()) if not isinstance(k, str)):
        existing = existing_cache.get(candidate) or contacts.get_contact(candidate)
        if not merge(existing, record)[1]:  # nothing new: this person is already here
            plan.items.append(PlanItem(UNCHANGED, card.file, card.line, record, existing_id=candidate,
                                       merged=existing))
            return
    similar = index.similar_name(name)
    if similar is not None and not isinstance(similar, str):
        plan.items.append(PlanItem(DUPLICATE, card.file, card.line, record, existing_id=similar))
    else:
        plan.items.append(PlanItem(NEW, card.file, card.line, record))
    index.add(key, record.uid, name, _match_keys(record))


# -- Applying -------------------------------------------------------------------------------


def apply_plan(plan: ImportPlan, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportResult:
    """Make the plan's changes in one transaction; a cancel or error leaves the notebook as it was."""
    result = ImportResult()
    new_records: list[ContactRecord] = []
    updates: dict[int, ContactRecord] = {}
    for item in plan.items:
        if item.merged_into is not None or item.outcome == REJECTED:
            continue
        if item.outcome == NEW or (item.outcome == DUPLICATE and item.choice == KEEP_BOTH):
            new_records.append(item.merged or item.record)
        elif item.outcome == UPDATE and item.existing_id is not None:
            updates[item.existing_id] = item.merged
        elif item.outcome == DUPLICATE and item.choice == MERGE:
            base = updates.get(item.existing_id) or contacts.get_contact(item.existing_id)
            updates[item.existing_id] = merge(base, item.record)[0]
        elif item.outcome == DUPLICATE:
            result.skipped += 1
    total = len(new_records) + len(updates) or 1
    with database.atomic():
        for start in range(0, len(new_records), 1000):
            if cancelled and cancelled():
                raise ImportCancelled()
            batch = [dataclasses.replace(record, id=None) for record in new_records[start:start + 1000]]
            result.contact_ids += contacts.add_contacts(batch)
            if progress:
                progress(start + len(batch), total)
        for done, record in enumerate(updates.values(), len(new_records)):
            if cancelled and cancelled():
                raise ImportCancelled()
            contacts.update_contact(record)
            result.contact_ids.append(record.id)
            if progress and done % 200 == 0:
                progress(done, total)
    result.added, result.updated = len(new_records), len(updates)
    return result
