"""Call prep lines: small talk, family, interests, topics to avoid, and questions to ask next time.

Each line belongs to one person and one section, in the user's order. Questions to ask next
time can be checked off; the ones checked off during a call move into that call's history
entry (see `move_answered_to`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from model.schema import Interaction, PrepItem, database

SECTIONS = {
    "small_talk": "Small talk", "family": "Family", "interests": "Interests",
    "avoid": "Topics to avoid", "ask_next": "Ask next time",
}


class PrepError(ValueError):
    pass


@dataclass
class PrepLine:
    contact_id: int
    section: str
    text: str
    done: bool = False
    position: int = 0
    id: int | None = None


def lines(contact_id: int, section: str | None = None) -> list[PrepLine]:
    """A person's prep lines in order (of one section, or all, section by section)."""
    query = PrepItem.select().where(PrepItem.contact == contact_id)
    if section:
        query = query.where(PrepItem.section == section)
    order = list(SECTIONS)
    rows = sorted(query, key=lambda item: (order.index(item.section) if item.section in order else 99,
                                           item.position, item.id))
    return [PrepLine(item.contact_id, item.section, item.text, item.done, item.position, item.id) for item in rows]


def add_lines(contact_id: int, section: str, texts: Iterable[str]) -> list[int]:
    """Append lines to a section (blank ones skipped); returns their ids."""
    if section not in SECTIONS:
        raise PrepError(f"Unknown prep section {section!r}.")
    texts = [text.strip() for text in texts if text.strip()]
    last = (PrepItem.select(PrepItem.position).where(PrepItem.contact == contact_id, PrepItem.section == section)
            .order_by(PrepItem.position.desc()).first())
    start = last.position + 1 if last else 0
    with database.atomic():
        return [PrepItem.insert(contact=contact_id, section=section, text=text, position=start + n).execute()
                for n, text in enumerate(texts)]


def update_line(line_id: int, text: str | None = None, done: bool | None = None) -> None:
    values = {}
    if text is not None:
        if not text.strip():
            raise PrepError("A prep line cannot be empty; delete it instead.")
        values["text"] = text.strip()
    if done is not None:
        values["done"] = done
    if values:
        PrepItem.update(values).where(PrepItem.id == line_id).execute()


def delete_lines(line_ids: Iterable[int]) -> list[PrepLine]:
    """Delete lines; returns them so that `restore_lines` can undo it."""
    ids = list(line_ids)
    found = _by_ids(ids)
    PrepItem.delete().where(PrepItem.id.in_(ids)).execute()
    return found


def restore_lines(found: Iterable[PrepLine]) -> None:
    with database.atomic():
        for line in found:
            PrepItem.insert(id=line.id, contact=line.contact_id, section=line.section, text=line.text,
                            done=line.done, position=line.position).on_conflict_ignore().execute()


def reorder(line_ids: Sequence[int]) -> None:
    with database.atomic():
        for position, line_id in enumerate(line_ids):
            PrepItem.update(position=position).where(PrepItem.id == line_id).execute()


def _by_ids(ids: Sequence[int]) -> list[PrepLine]:
    rows = PrepItem.select().where(PrepItem.id.in_(list(ids))).order_by(PrepItem.position, PrepItem.id)
    return [PrepLine(item.contact_id, item.section, item.text, item.done, item.position, item.id) for item in rows]


def move_answered_to(contact_id: int, interaction_id: int) -> list[PrepLine]:
    """Move the checked-off questions into the notes of a history entry; returns the lines moved."""
    answered = [line for line in lines(contact_id, "ask_next") if line.done]
    if not answered:
        return []
    with database.atomic():
        entry = Interaction.get_by_id(interaction_id)
        asked = "\n".join(f"✓ {line.text}" for line in answered)
        entry.notes = f"{entry.notes}\n\n{asked}".strip() if entry.notes else asked
        entry.save()
        delete_lines(line.id for line in answered)
    return answered


_RELATED = re.compile(r"^(?:(?P<group>[\w-]+)\.)?(?P<name>RELATED|X-ABRELATEDNAMES)(?P<params>[^:]*):(?P<value>.*)$",
                      re.IGNORECASE)
_LABEL = re.compile(r"^(?P<group>[\w-]+)\.X-ABLABEL[^:]*:(?P<value>.*)$", re.IGNORECASE)
_APPLE = re.compile(r"^_\$!<(.*)>!\$_$")


def from_vcard(vcard_lines: Sequence[str]) -> list[str]:
    """Family and other related people a vCard names (RELATED, Apple's X-ABRELATEDNAMES),
    as "Spouse: Mark", for the prep to show as coming from the vCard."""
    labels = {}
    for line in vcard_lines:
        match = _LABEL.match(line)
        if match:
            value = match.group("value").strip()
            apple = _APPLE.match(value)
            labels[match.group("group").upper()] = (apple.group(1) if apple else value).replace("_", " ")
    found = []
    for line in vcard_lines:
        match = _RELATED.match(line)
        if not match:
            continue
        value = match.group("value").strip()
        if value.lower().startswith(("urn:", "http", "mailto:")) or not value:
            continue
        types = re.findall(r"TYPE=([^;:]+)", match.group("params"), re.IGNORECASE)
        label = labels.get((match.group("group") or "").upper()) or (types[0] if types else "related")
        found.append(f"{label[:1].upper()}{label[1:].lower()}: {value.replace(chr(92) + ',', ',')}")
    return found
