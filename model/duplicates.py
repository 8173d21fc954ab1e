"""Finding the same person twice in the notebook, and merging the two into one.

Tools → Find duplicates uses the import's matching across the whole notebook: two people who
share a phone number or an email address and have compatible names, or two with the same full
name. A merge keeps every value (the import's `merge`), moves the other person's history, prep,
links and meetings to the one kept, and can be undone exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from model import contacts, history
from model.contacts import ContactRecord
from model.importer import _notebook_index, _similar_names, merge
from model.schema import database


@dataclass
class DuplicatePair:
    first_id: int
    second_id: int
    reason: str  # "same email cathy@example.com", "same name"


def find_duplicates(limit: int = 500) -> list[DuplicatePair]:
    """Pairs of people who are probably one person, the surest first."""
    index = _notebook_index()
    found: dict[tuple[int, int], DuplicatePair] = {}
    for match, ids in sorted(index.points.groups()):
        if len(ids) < 2:
            continue
        kind, value = match.split(":", 1)
        ordered = sorted(ids)
        for position, first in enumerate(ordered):
            for second in ordered[position + 1:]:
                if _similar_names(index.name_of.get(first, ""), index.name_of.get(second, "")):
                    found.setdefault((first, second), DuplicatePair(first, second, f"same {kind} {value}"))
    for name, ids in sorted(index.people_named.groups()):
        if len(ids) < 2 or " " not in name:  # one word ("Anna") is too common to mean the same person
            continue
        ordered = sorted(ids)
        for position, first in enumerate(ordered):
            for second in ordered[position + 1:]:
                found.setdefault((first, second), DuplicatePair(first, second, "same name"))
    pairs = sorted(found.values(), key=lambda p: (p.reason == "same name", p.first_id, p.second_id))
    return pairs[:limit]


@dataclass
class Merged:
    """What `merge_contacts` did, for `unmerge`."""

    kept_before: ContactRecord
    removed: ContactRecord  # as deleted, with the rows that hung off them


def merge_contacts(keep_id: int, other_id: int) -> Merged:
    """Merge `other_id` into `keep_id`: no value is dropped, and the other's history, prep,
    links and meetings now belong to the one kept."""
    if keep_id == other_id:
        raise ValueError("A person cannot be merged with themselves")
    with database.atomic():
        kept_before = contacts.get_contact(keep_id)
        if kept_before is None:
            raise ValueError(f"No contact {keep_id}")
        (removed,) = contacts.delete_contacts([other_id])
        merged, _changes = merge(kept_before, removed)
        merged.attached = []
        contacts.update_contact(merged)
        _move_rows(removed, other_id, keep_id)
        history.refresh_contacts([keep_id])
    return Merged(kept_before, removed)


def unmerge(merged: Merged) -> None:
    """Undo `merge_contacts`: both people back as they were, each with their own rows."""
    with database.atomic():
        for table, _columns, rows in merged.removed.attached:
            if table != "contact.introduced_by_id":
                database.execute_sql(f"DELETE FROM {table} WHERE id IN ({','.join('?' * len(rows))})",
                                     [row[0] for row in rows])
        contacts.update_contact(merged.kept_before)
        contacts.restore_contacts([merged.removed])
        kept_id = merged.kept_before.id
        assert kept_id is not None  # a stored person
        history.refresh_contacts([kept_id])


def _move_rows(removed: ContactRecord, other_id: int, keep_id: int) -> None:
    """Put the removed person's rows back, naming the kept person instead."""
    for table, columns, rows in removed.attached:
        if table == "contact.introduced_by_id":
            database.execute_sql(f"UPDATE contact SET introduced_by_id = ? WHERE id IN ({','.join('?' * len(rows))})"
                                 " AND id != ?", [keep_id, *(row[0] for row in rows), keep_id])
            continue
        for row in rows:
            values = [keep_id if column in ("contact_id", "other_id") and value == other_id else value
                      for column, value in zip(columns, row, strict=True)]
            named = dict(zip(columns, values, strict=True))
            if table == "relationship" and named.get("contact_id") == named.get("other_id"):
                continue  # a link between the two becomes a link to oneself: dropped
            database.execute_sql(f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' * len(values))})", values)
