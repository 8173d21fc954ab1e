"""Finding people by a few typed letters: SQLite FTS5 over names, organisations, places,
notes, tags, contact points and history.

The index (`contact_search`, rowid = contact id) is rebuilt for a contact whenever the
contact's data changes; the functions that write contacts or history call `reindex` inside
their own transaction, so the index never disagrees with the data.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence

from model.schema import database

# Relative weight of each indexed column when ranking (bm25): a name match beats a note match.
_WEIGHTS = "10.0, 5.0, 3.0, 1.0, 4.0, 1.0"
_WORD = re.compile(r"\w+", re.UNICODE)

# Ranking costs about a microsecond a match (bm25 looks up each document's length): a short
# prefix that everyone matches would take 100 ms a keystroke at 100,000 people. Past this many
# matches, only the people whose name matches are ranked (see `search`).
_RANK_ALL_UP_TO = 2_000

_DOCUMENT_SQL = """
SELECT c.id,
  c.display_name || ' ' || c.given_name || ' ' || c.family_name || ' ' || c.nickname
    || ' ' || c.additional_names,
  c.organisation || ' ' || c.department || ' ' || c.title,
  c.city || ' ' || c.region || ' ' || c.country || ' ' ||
    coalesce((SELECT group_concat(p.value, ' ') FROM contact_point p
              WHERE p.contact_id = c.id AND p.kind = 'address'), ''),
  c.notes || ' ' || c.how_met || ' ' ||
    coalesce((SELECT group_concat(t.name, ' ') FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
              WHERE ct.contact_id = c.id), ''),
  coalesce((SELECT group_concat(p.value || ' ' || p.normalised || ' ' || {digits}, ' ')
            FROM contact_point p WHERE p.contact_id = c.id AND p.kind != 'address'), ''),
  {history}
FROM contact c WHERE c.id IN ({marks})
"""

# A phone's digits run together, so that "9125" finds "(912) 555-0123"; and the E.164 number
# without its country code (one to three digits), so "912555" finds "+1 912 555 0143" too.
_PUNCTUATION = " -().+"
_DIGITS_SQL = (
    "CASE p.kind WHEN 'phone' THEN "
    + "replace(" * len(_PUNCTUATION) + "p.value" + "".join(f", '{char}', '')" for char in _PUNCTUATION)
    + " || ' ' || substr(p.normalised, 3) || ' ' || substr(p.normalised, 4) || ' ' || substr(p.normalised, 5)"
    + " ELSE '' END"
)

_HISTORY_SQL = """coalesce((SELECT group_concat(i.summary || ' ' || i.notes, ' ') FROM interaction i
            WHERE i.contact_id = c.id), '')"""


def _has_history_table() -> bool:
    cursor = database.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'interaction'")
    return cursor.fetchone() is not None


def reindex(contact_ids: Sequence[int]) -> None:
    """Bring the index in step with the data for these contacts (call inside a transaction)."""
    history = _HISTORY_SQL if _has_history_table() else "''"
    for start in range(0, len(contact_ids), 500):
        chunk = list(contact_ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        database.execute_sql(f"DELETE FROM contact_search WHERE rowid IN ({marks})", chunk)
        database.execute_sql(
            "INSERT INTO contact_search (rowid, name, organisation, place, notes, handles, history) "
            + _DOCUMENT_SQL.format(history=history, digits=_DIGITS_SQL, marks=marks), chunk)


def forget(contact_ids: Iterable[int]) -> None:
    """Drop deleted contacts from the index."""
    ids = list(contact_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        database.execute_sql(f"DELETE FROM contact_search WHERE rowid IN ({marks})", chunk)


# FTS5's defaults (sqlite.org/fts5.html#the_automerge_configuration_option), restored after a bulk write.
_MERGING = {"automerge": 4, "crisismerge": 16}


class BulkWrites:
    """Within the transaction of a write of many people (an import): once it says it writes
    1,000 or more, FTS5 stops merging the index's segments as each batch goes in (automerge off,
    crisis merges rarer) and merges them all once at the end ('optimize', which a bulk write
    needs anyway). Measured on 50,000 people's documents, inserts and optimize: 1.76-2.15 s so,
    1.27-1.61 s with merging put off. Made inside the transaction: no other connection ever
    sees the settings, and a rollback takes them back with the rest."""

    def __init__(self) -> None:
        self.put_off = False

    def expect(self, changes: int) -> None:
        """`changes` people are (or have been) written."""
        if changes >= 1000 and not self.put_off:
            self.put_off = True
            self._merging({"automerge": 0, "crisismerge": 64})

    def finish(self) -> None:
        if self.put_off:
            self.put_off = False
            self._merging(_MERGING)
            optimize()

    @staticmethod
    def _merging(settings: dict[str, int]) -> None:
        for name, value in settings.items():
            database.execute_sql(f"INSERT INTO contact_search (contact_search, rank) VALUES ('{name}', {value})")


@contextlib.contextmanager
def bulk_writes() -> Iterator[BulkWrites]:
    """A BulkWrites, finished when the block ends without an error."""
    bulk = BulkWrites()
    yield bulk
    bulk.finish()


def optimize() -> None:
    """Merge the index into one segment (a second or so for 100,000 people): a bulk import
    leaves it in many, and every search then reads them all."""
    database.execute_sql("INSERT INTO contact_search (contact_search) VALUES ('optimize')")


def rebuild() -> None:
    """Rebuild the whole index (after a bulk change that bypassed `reindex`)."""
    with database.atomic():
        database.execute_sql("DELETE FROM contact_search")
        ids = [row[0] for row in database.execute_sql("SELECT id FROM contact").fetchall()]
        reindex(ids)


def match_expression(text: str) -> str:
    """The FTS5 query for what a user typed: every word, as a prefix, must match."""
    words = _WORD.findall(text)
    return " ".join(f'"{word}"*' for word in words)


def _filter(tag: str | None, show: str) -> tuple[str, list]:
    from model.contacts import filter_sql  # contacts imports this module

    where, params = filter_sql(tag, show)
    if where == "1":
        return "", []
    return f" AND rowid IN (SELECT c.id FROM contact c WHERE {where})", params


def search(text: str, limit: int = 500, offset: int = 0, tag: str | None = None, show: str = "everyone",
           count: int | None = None) -> list[int]:
    """Ids of the contacts matching `text` (and carrying `tag`, if given), best match first;
    `count`: how many match, when the caller has counted them (count_matches) already.

    Up to `_RANK_ALL_UP_TO` matches are all ranked. A short, common prefix that more people
    match ("jo", "555") ranks those whose name matches, who come first, and lists the others
    after them, the most recently added first.
    """
    expression = match_expression(text)
    if not expression:
        return []
    condition, params = _filter(tag, show)
    many = (count > _RANK_ALL_UP_TO if count is not None
            else _matches_more_than(_RANK_ALL_UP_TO, expression, condition, params))
    if not many:
        return _ranked(expression, condition, params, limit, offset)
    by_name = f"{{name}} : ({expression})"
    named = _count(by_name, condition, params)
    ids = _ranked(by_name, condition, params, limit, offset) if offset < named else []
    if len(ids) < limit:
        cursor = database.execute_sql(
            "SELECT rowid FROM contact_search WHERE contact_search MATCH ?" + condition
            + " ORDER BY rowid DESC LIMIT ? OFFSET ?",
            [f"({expression}) NOT {by_name}", *params, limit - len(ids), max(0, offset - named)])
        ids += [row[0] for row in cursor.fetchall()]
    return ids


def _ranked(expression: str, condition: str, params: list, limit: int, offset: int) -> list[int]:
    cursor = database.execute_sql(
        "SELECT rowid FROM contact_search WHERE contact_search MATCH ?" + condition
        + f" ORDER BY bm25(contact_search, {_WEIGHTS}), rowid LIMIT ? OFFSET ?",  # rowid: pages never overlap
        [expression, *params, limit, offset])
    return [row[0] for row in cursor.fetchall()]


def _count(expression: str, condition: str, params: list) -> int:
    cursor = database.execute_sql(
        "SELECT count(*) FROM contact_search WHERE contact_search MATCH ?" + condition, [expression, *params])
    return cursor.fetchone()[0]


def _matches_more_than(limit: int, expression: str, condition: str, params: list) -> bool:
    cursor = database.execute_sql(
        "SELECT count(*) FROM (SELECT 1 FROM contact_search WHERE contact_search MATCH ?" + condition
        + " LIMIT ?)", [expression, *params, limit + 1])
    return cursor.fetchone()[0] > limit


def count_matches(text: str, tag: str | None = None, show: str = "everyone") -> int:
    """How many contacts `search` would find for `text`."""
    expression = match_expression(text)
    if not expression:
        return 0
    condition, params = _filter(tag, show)
    return _count(expression, condition, params)
