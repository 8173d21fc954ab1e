"""Who knows whom: links between contacts, and the paths between people through the notebook.

A link joins two people with a line of how they know each other ("Cathy met Cheryl on
Twitter"); it shows on both. "Introduced by" on a contact is a link too. `connections` walks
the links breadth first, so "how do I know X" and "who does X know" come with their path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from model.schema import Relationship, database


class LinkError(ValueError):
    pass


@dataclass
class Link:
    id: int | None  # None for an "introduced by" link, which lives on the contact
    other_id: int
    other_name: str
    description: str


def link(contact_id: int, other_id: int, description: str = "") -> int:
    if contact_id == other_id:
        raise LinkError("A person cannot be linked to themselves.")
    existing = Relationship.get_or_none(
        ((Relationship.contact == contact_id) & (Relationship.other == other_id))
        | ((Relationship.contact == other_id) & (Relationship.other == contact_id)))
    if existing:
        existing.description = description.strip() or existing.description
        existing.save()
        return existing.id
    return Relationship.insert(contact=contact_id, other=other_id, description=description.strip()).execute()


def unlink(relationship_id: int) -> tuple[int, int, str] | None:
    """Remove a link; returns (contact, other, description) so it can be put back."""
    found = Relationship.get_or_none(Relationship.id == relationship_id)
    if found is None:
        return None
    found.delete_instance()
    return found.contact_id, found.other_id, found.description


def links_of(contact_id: int) -> list[Link]:
    """Everyone linked to a person, by either side, plus who introduced them and whom they introduced."""
    cursor = database.execute_sql(
        "SELECT r.id, CASE WHEN r.contact_id = ? THEN r.other_id ELSE r.contact_id END AS other, c.display_name,"
        " r.description FROM relationship r"
        " JOIN contact c ON c.id = CASE WHEN r.contact_id = ? THEN r.other_id ELSE r.contact_id END"
        " WHERE r.contact_id = ? OR r.other_id = ? ORDER BY c.sort_key",
        (contact_id,) * 4)
    links = [Link(*row) for row in cursor.fetchall()]
    introduced = database.execute_sql(
        "SELECT i.id, i.display_name FROM contact c JOIN contact i ON i.id = c.introduced_by_id WHERE c.id = ?",
        (contact_id,)).fetchone()
    if introduced:
        links.insert(0, Link(None, introduced[0], introduced[1], "introduced you"))
    for other_id, name in database.execute_sql(
            "SELECT id, display_name FROM contact WHERE introduced_by_id = ? ORDER BY sort_key", (contact_id,)):
        links.append(Link(None, other_id, name, "you met through this person"))
    return links


def _neighbours(contact_id: int) -> list[tuple[int, str]]:
    rows = database.execute_sql(
        "SELECT other_id, description FROM relationship WHERE contact_id = ?"
        " UNION ALL SELECT contact_id, description FROM relationship WHERE other_id = ?"
        " UNION ALL SELECT introduced_by_id, 'introduced' FROM contact WHERE id = ? AND introduced_by_id IS NOT NULL"
        " UNION ALL SELECT id, 'introduced' FROM contact WHERE introduced_by_id = ?",
        (contact_id,) * 4).fetchall()
    return [(row[0], row[1]) for row in rows]


@dataclass
class Path:
    """A person reachable from another, and the people in between (names, in order)."""

    contact_id: int
    names: list[str]

    @property
    def hops(self) -> int:
        return len(self.names) - 1

    def describe(self) -> str:
        return " → ".join(self.names)


def _names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(database.execute_sql(f"SELECT id, display_name FROM contact WHERE id IN ({marks})", ids).fetchall())


def connections(contact_id: int, depth: int = 3, limit: int = 200) -> list[Path]:
    """Everyone `contact_id` is connected to within `depth` links, nearest first, with the path."""
    parents: dict[int, int | None] = {contact_id: None}
    queue = deque([(contact_id, 0)])
    order: list[int] = []
    while queue and len(order) < limit:
        current, distance = queue.popleft()
        if distance == depth:
            continue
        for other, _ in _neighbours(current):
            if other not in parents:
                parents[other] = current
                order.append(other)
                queue.append((other, distance + 1))
    names = _names(list(parents))
    paths = []
    for other in order:
        chain, step = [], other
        while step is not None:
            chain.append(names.get(step, "?"))
            step = parents[step]
        paths.append(Path(other, chain[::-1]))
    return paths


def path_between(start: int, goal: int, depth: int = 4) -> Path | None:
    """How `start` is connected to `goal`, the shortest way, or None."""
    return next((path for path in connections(start, depth, limit=10_000) if path.contact_id == goal), None)
