"""Channel history: every exchange with a person, and what it says about the relationship.

An interaction is one exchange on one channel. From a person's interactions this module
derives the first and last contact, the count per channel, the furthest step reached on the
way from online to offline (online only → email → phone or video → in person), and whether
the keep-in-touch cadence is due. The lists the product is built around (overdue people,
birthdays this week, and the "take it offline" ranking) are computed here in SQL, so they
stay fast at 100,000 people and a million exchanges.

Times are stored as UTC ISO 8601 strings (`2026-11-23T09:30:00+00:00`), so they order and
compare as text and SQLite's date functions read them directly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from model import clock, prep, search
from model.migrations import BIRTHDAY_DAY_SQL
from model.schema import Channel, Interaction, database

STEP_NAMES = {-1: "No history yet", 0: "Online only", 1: "Emailed", 2: "Spoken", 3: "Met in person"}
STEP_CHOICES = [(0, "Online (messages, social media)"), (1, "Email"), (2, "Phone or video"), (3, "In person")]
DIRECTIONS = {"out": "I reached out", "in": "They did", "both": "Both"}
# Keep-in-touch cadences a user picks from; any other number of days is a custom cadence.
CADENCES = [(0, "None"), (30, "Monthly"), (91, "Quarterly"), (182, "Twice a year"), (365, "Yearly")]
# Exchanges within this many days count towards the "take it offline" ranking.
OFFLINE_WINDOW_DAYS = 183


class HistoryError(ValueError):
    """An exchange or a channel that cannot be saved as it is; the message says why."""


def utc(moment: dt.datetime) -> dt.datetime:
    """`moment` as an aware UTC datetime (a naive one is taken as local time)."""
    if moment.tzinfo is None:
        moment = clock.local(moment)
    return moment.astimezone(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """The stored form of a moment: UTC, to the second."""
    return utc(moment).replace(microsecond=0).isoformat()


def parse_stamp(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def now_utc() -> dt.datetime:
    return clock.now().replace(microsecond=0)


# -- Channels ---------------------------------------------------------------------------


@dataclass
class ChannelRecord:
    id: int
    key: str
    name: str
    step: int
    position: int
    hidden: bool
    built_in: bool
    uses: int = 0


def channels(include_hidden: bool = False, with_uses: bool = False) -> list[ChannelRecord]:
    """The channels in the user's order; `with_uses` also counts the exchanges each holds
    (a scan of the history: only for the Channels settings)."""
    uses = "(SELECT count(*) FROM interaction i WHERE i.channel_id = ch.id)" if with_uses else "0"
    cursor = database.execute_sql(
        f"SELECT ch.id, ch.key, ch.name, ch.step, ch.position, ch.hidden, ch.built_in, {uses}"
        " FROM channel ch" + ("" if include_hidden else " WHERE NOT ch.hidden")
        + " ORDER BY ch.position, ch.id")
    return [ChannelRecord(*row[:5], bool(row[5]), bool(row[6]), row[7]) for row in cursor.fetchall()]


def channel_by_key(key: str) -> ChannelRecord | None:
    return next((c for c in channels(include_hidden=True) if c.key == key), None)


def add_channel(name: str, step: int = 0) -> int:
    """A channel of the user's own, placed last."""
    name = name.strip()
    if not name:
        raise HistoryError("A channel needs a name.")
    if step not in STEP_NAMES or step < 0:
        raise HistoryError(f"Unknown step {step}.")
    existing = {c.name.casefold() for c in channels(include_hidden=True)}
    if name.casefold() in existing:
        raise HistoryError(f"There is already a channel called {name}.")
    key = "custom-" + "-".join(name.casefold().split())
    while Channel.select().where(Channel.key == key).exists():
        key += "+"
    last = Channel.select(Channel.position).order_by(Channel.position.desc()).first()
    return Channel.insert(key=key, name=name, step=step, position=(last.position + 1) if last else 0,
                          built_in=False).execute()


def rename_channel(channel_id: int, name: str) -> None:
    name = name.strip()
    if not name:
        raise HistoryError("A channel needs a name.")
    Channel.update(name=name).where(Channel.id == channel_id).execute()


def set_channel_hidden(channel_id: int, hidden: bool) -> None:
    """Hidden channels keep their history but are not offered when logging."""
    Channel.update(hidden=hidden).where(Channel.id == channel_id).execute()


def set_channel_step(channel_id: int, step: int) -> None:
    with database.atomic():
        Channel.update(step=step).where(Channel.id == channel_id).execute()
        refresh_contacts(_contacts_on_channel(channel_id))


def order_channels(channel_ids: Sequence[int]) -> None:
    with database.atomic():
        for position, channel_id in enumerate(channel_ids):
            Channel.update(position=position).where(Channel.id == channel_id).execute()


def delete_channel(channel_id: int, move_to: int | None = None) -> None:
    """Delete a channel. One that holds history needs `move_to`: its entries move there first."""
    with database.atomic():
        used = Interaction.select().where(Interaction.channel == channel_id).exists()
        if used and move_to is None:
            raise HistoryError("This channel has history; choose a channel to move its entries to.")
        if used and move_to == channel_id:
            raise HistoryError("Move the entries to a different channel.")
        affected = _contacts_on_channel(channel_id)
        if used:
            Interaction.update(channel=move_to).where(Interaction.channel == channel_id).execute()
        Channel.delete().where(Channel.id == channel_id).execute()
        refresh_contacts(affected)


def _contacts_on_channel(channel_id: int) -> list[int]:
    cursor = database.execute_sql("SELECT DISTINCT contact_id FROM interaction WHERE channel_id = ?", (channel_id,))
    return [row[0] for row in cursor.fetchall()]


# -- Exchanges --------------------------------------------------------------------------


@dataclass
class InteractionRecord:
    """One exchange, as the GUI and the command line read and write it."""

    contact_id: int
    channel_key: str
    occurred_at: dt.datetime
    direction: str = "out"
    duration_minutes: int | None = None
    summary: str = ""
    notes: str = ""
    meeting_id: int | None = None
    id: int | None = None
    messages: int = 1  # an imported day of conversation stands for this many messages
    source: str = ""  # and names the day it gathers (see model/exchange_import.py)
    uid: str = ""  # given when it is first saved; how a synced notebook knows it
    # Filled in when read back:
    channel_name: str = field(default="", compare=False)
    channel_step: int = field(default=0, compare=False)

    def problems(self, now: dt.datetime | None = None) -> tuple[list[str], list[str]]:
        """(errors that stop a save, warnings that do not)."""
        errors, warnings = [], []
        if not self.contact_id:
            errors.append("An exchange needs a person.")
        if not self.channel_key:
            errors.append("An exchange needs a channel.")
        if self.direction not in DIRECTIONS:
            errors.append(f"Unknown direction {self.direction!r}.")
        if self.duration_minutes is not None and self.duration_minutes <= 0:
            errors.append("A duration must be more than zero minutes.")
        if self.occurred_at is None:
            errors.append("An exchange needs a date.")
        elif utc(self.occurred_at) > (now or now_utc()) + dt.timedelta(minutes=5):
            warnings.append("This date is in the future.")
        return errors, warnings


def _channel_ids() -> dict[str, int]:
    return {key: id_ for id_, key in database.execute_sql("SELECT id, key FROM channel").fetchall()}


def _row(record: InteractionRecord, channel_ids: dict[str, int]) -> dict:
    errors, _ = record.problems()
    if record.channel_key and record.channel_key not in channel_ids:
        errors.append(f"Unknown channel {record.channel_key!r}.")
    if errors:
        raise HistoryError(" ".join(errors))
    return {"contact": record.contact_id, "channel": channel_ids[record.channel_key],
            "occurred_at": stamp(record.occurred_at), "direction": record.direction,
            "duration_minutes": record.duration_minutes, "summary": record.summary.strip(),
            "notes": record.notes.strip(), "meeting": record.meeting_id, "messages": record.messages,
            "source": record.source, "uid": record.uid or new_uid()}


@dataclass
class Logged:
    """What `log` wrote: the exchanges, and the questions added to prep."""

    ids: list[int]
    prep_ids: list[int]


def log(record: InteractionRecord, contact_ids: Sequence[int] = (), ask_next: Sequence[str] = ()) -> Logged:
    """Save one exchange for `record.contact_id` (or for each of `contact_ids`: an event where
    you met several people), and add the `ask_next` questions to each person's prep."""
    people = list(dict.fromkeys(contact_ids or [record.contact_id]))
    channel_ids = _channel_ids()
    logged = Logged([], [])
    with database.atomic():
        for contact_id in people:
            values = _row(dataclasses.replace(record, contact_id=contact_id), channel_ids)
            logged.ids.append(Interaction.insert(values).execute())
            logged.prep_ids += prep.add_lines(contact_id, "ask_next", ask_next)
        refresh_contacts(people)
    return logged


def update(record: InteractionRecord) -> None:
    if record.id is None:
        raise HistoryError("update needs a saved exchange")
    with database.atomic():
        before = Interaction.get_or_none(Interaction.id == record.id)
        if before is not None and not record.uid:
            record = dataclasses.replace(record, uid=before.uid)  # an edit keeps the entry's identity
        Interaction.update(_row(record, _channel_ids())).where(Interaction.id == record.id).execute()
        refresh_contacts({record.contact_id} | ({before.contact_id} if before else set()))


def delete(interaction_ids: Iterable[int]) -> list[InteractionRecord]:
    """Delete exchanges; returns them, so that `restore` can undo it."""
    ids = list(interaction_ids)
    with database.atomic():
        records = _read(f"i.id IN ({','.join('?' * len(ids))})", ids) if ids else []
        Interaction.delete().where(Interaction.id.in_(ids)).execute()
        refresh_contacts({r.contact_id for r in records})
    return records


def restore(records: Iterable[InteractionRecord]) -> None:
    """Put deleted exchanges back with their ids."""
    records = list(records)
    channel_ids = _channel_ids()
    with database.atomic():
        for record in records:
            Interaction.insert({"id": record.id, **_row(record, channel_ids)}).execute()
        refresh_contacts({r.contact_id for r in records})


_SELECT = (
    "SELECT i.contact_id, ch.key, i.occurred_at, i.direction, i.duration_minutes, i.summary, i.notes,"
    " i.meeting_id, i.id, i.messages, i.source, i.uid, ch.name, ch.step"
    " FROM interaction i JOIN channel ch ON ch.id = i.channel_id WHERE "
)


def _read(where: str, params: Sequence, suffix: str = "") -> list[InteractionRecord]:
    cursor = database.execute_sql(_SELECT + where + suffix, list(params))
    return [InteractionRecord(row[0], row[1], parse_stamp(row[2]), *row[3:]) for row in cursor.fetchall()]


def new_uid() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def by_uid(uid: str) -> InteractionRecord | None:
    found = _read("i.uid = ?", [uid])
    return found[0] if found else None


def save(record: InteractionRecord) -> int:
    """Save an exchange that came from elsewhere (a sync): added, or updated where its UID is known."""
    existing = by_uid(record.uid) if record.uid else None
    if existing is not None:
        update(dataclasses.replace(record, id=existing.id))
        return existing.id or 0
    return log(record).ids[0]


def all_exchanges() -> list[InteractionRecord]:
    """Every exchange, oldest first (what a sync writes to the server)."""
    return _read("1", [], " ORDER BY i.occurred_at, i.id")


def get(interaction_id: int) -> InteractionRecord | None:
    found = _read("i.id = ?", [interaction_id])
    return found[0] if found else None


def history(contact_id: int, channel_key: str | None = None, text: str = "", limit: int | None = None
            ) -> list[InteractionRecord]:
    """A person's exchanges, newest first; optionally on one channel, or containing `text`."""
    where, params = "i.contact_id = ?", [contact_id]
    if channel_key:
        where += " AND ch.key = ?"
        params.append(channel_key)
    for word in text.split():
        where += " AND (i.summary LIKE ? ESCAPE '\\' OR i.notes LIKE ? ESCAPE '\\' OR ch.name LIKE ? ESCAPE '\\')"
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern] * 3
    suffix = " ORDER BY i.occurred_at DESC, i.id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return _read(where, params, suffix)


_REFRESH_SQL = (
    "UPDATE contact SET"
    " first_contact_at = coalesce((SELECT min(occurred_at) FROM interaction i WHERE i.contact_id = contact.id), ''),"
    " last_contact_at = coalesce((SELECT max(occurred_at) FROM interaction i WHERE i.contact_id = contact.id), ''),"
    " step = coalesce((SELECT max(ch.step) FROM interaction i JOIN channel ch ON ch.id = i.channel_id"
    "                  WHERE i.contact_id = contact.id), -1),"
    " exchanges = coalesce((SELECT sum(messages) FROM interaction i WHERE i.contact_id = contact.id), 0)"
)


def refresh_contacts(contact_ids: Iterable[int]) -> None:
    """Recompute the history columns of these contacts and their search text (in a transaction)."""
    ids = list(contact_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        database.execute_sql(f"{_REFRESH_SQL} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    search.reindex(ids)


def refresh_all() -> None:
    """Recompute the history columns of everyone, after a bulk load of exchanges."""
    database.execute_sql(_REFRESH_SQL)


# -- What the history says ----------------------------------------------------------------


def describe_days(days: float) -> str:
    """A span as people say it: "today", "5 days", "3 weeks", "4 months", "2 years"."""
    days = abs(days)
    if days < 1:
        return "less than a day"
    if days < 14:
        n = int(days)
        return f"{n} day" + ("s" if n != 1 else "")
    if days < 60:
        n = round(days / 7)
        return f"{n} weeks"
    if days < 730:
        n = round(days / 30.44)
        return f"{n} months"
    n = int(days / 365.25)
    return f"{n} years"


def describe_ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """"today", "yesterday", "3 weeks ago", or "in 2 days" for the future."""
    now = now or now_utc()
    local_now, local = clock.local(now), clock.local(utc(moment))
    days = (local_now.date() - local.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    span = describe_days(days)
    return f"{span} ago" if days > 0 else f"in {span}"


def cadence_name(days: int) -> str:
    return dict(CADENCES).get(days) or f"Every {days} days"


@dataclass
class CadenceStatus:
    """Where a person stands against their keep-in-touch cadence."""

    cadence_days: int
    due_at: dt.datetime | None  # None: no cadence
    days_left: float = 0.0  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.days_left < 0

    def describe(self) -> str:
        if self.due_at is None:
            return "No keep-in-touch cadence"
        if self.days_left < 0:
            return f"Overdue by {describe_days(self.days_left)}"
        if self.days_left < 1:
            return "Due today"
        return f"Due in {describe_days(self.days_left)}"


def cadence_status(cadence_days: int, last_contact: dt.datetime | None, created: dt.datetime | None = None,
                   now: dt.datetime | None = None) -> CadenceStatus:
    """Due `cadence_days` after the last exchange; with no exchange yet, due right away."""
    if not cadence_days or cadence_days <= 0:
        return CadenceStatus(0, None)
    now = now or now_utc()
    due = (last_contact + dt.timedelta(days=cadence_days)) if last_contact else now
    return CadenceStatus(cadence_days, due, (due - now).total_seconds() / 86400)


@dataclass
class HistorySummary:
    """A person's history at a glance."""

    first: dt.datetime | None
    last: dt.datetime | None
    count: int
    per_channel: list[tuple[str, str, int]]  # (key, name, count), most used first
    step: int
    cadence: CadenceStatus
    future: int = 0  # entries dated in the future (flagged in the timeline)
    first_channel: str = ""  # the channel of the first exchange ("LinkedIn")

    @property
    def step_name(self) -> str:
        return STEP_NAMES[self.step]


def summary(contact_id: int, now: dt.datetime | None = None) -> HistorySummary:
    now = now or now_utc()
    row = database.execute_sql(
        "SELECT first_contact_at, last_contact_at, step, exchanges, cadence_days FROM contact WHERE id = ?",
        (contact_id,)).fetchone()
    if row is None:
        raise HistoryError(f"No contact {contact_id}")
    first, last, step, count, cadence_days = row
    per_channel = database.execute_sql(
        "SELECT ch.key, ch.name, count(*) AS n FROM interaction i JOIN channel ch ON ch.id = i.channel_id"
        " WHERE i.contact_id = ? GROUP BY ch.id ORDER BY n DESC, ch.position", (contact_id,)).fetchall()
    future = database.execute_sql(
        "SELECT count(*) FROM interaction WHERE contact_id = ? AND occurred_at > ?",
        (contact_id, stamp(now + dt.timedelta(minutes=5)))).fetchone()[0]
    first_channel = database.execute_sql(
        "SELECT ch.name FROM interaction i JOIN channel ch ON ch.id = i.channel_id WHERE i.contact_id = ?"
        " ORDER BY i.occurred_at, i.id LIMIT 1", (contact_id,)).fetchone()
    last_moment = parse_stamp(last) if last else None
    return HistorySummary(parse_stamp(first) if first else None, last_moment, count,
                          [tuple(r) for r in per_channel], step, cadence_status(cadence_days, last_moment, now=now),
                          future, first_channel[0] if first_channel else "")


# -- Lists across the notebook ----------------------------------------------------------------


@dataclass
class PersonLine:
    """A person in one of the notebook-wide lists, with the reason they are on it."""

    contact_id: int
    display_name: str
    reason: str
    score: float = 0.0


def _julian_day(moment: dt.datetime) -> float:
    """`moment` as SQLite's julianday() gives it, worked out once: SQLite works out julianday() of
    a bound value again on every row (it cannot tell the value is not 'now'), which was a third
    of the take-it-offline ranking at 1,000,000 exchanges (100 -> 68 ms)."""
    return database.execute_sql("SELECT julianday(?)", (stamp(moment),)).fetchone()[0]


def overdue(now: dt.datetime | None = None, limit: int = 100) -> list[PersonLine]:
    """People past their keep-in-touch cadence, the most overdue first."""
    now = now or now_utc()
    today = _julian_day(now)
    cursor = database.execute_sql(
        "SELECT id, display_name, cadence_days, last_contact_at,"
        " ? - coalesce(julianday(last_contact_at) + cadence_days, julianday(created_at)) AS late"
        " FROM contact WHERE cadence_days > 0"
        " AND (last_contact_at = '' OR julianday(last_contact_at) + cadence_days < ?)"
        " ORDER BY last_contact_at = '', late DESC LIMIT ?", (today, today, limit))
    lines = []
    for contact_id, name, cadence_days, last, late in cursor.fetchall():
        if last:
            reason = (f"{cadence_name(cadence_days)}: overdue by {describe_days(late)}, "
                      f"last contact {describe_ago(parse_stamp(last), now)}")
        else:
            reason = f"{cadence_name(cadence_days)}: no exchange logged yet"
        lines.append(PersonLine(contact_id, name, reason, late or 0.0))
    return lines


def birthdays(today: dt.date | None = None, days: int = 7) -> list[PersonLine]:
    """People whose birthday falls in the next `days` days (today included), soonest first."""
    today = today or clock.today()
    upcoming: dict[str, dt.date] = {}
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        upcoming[day.strftime("%m-%d")] = day
        if day.month == 2 and day.day == 28 and not _is_leap(day.year):
            upcoming["02-29"] = day  # leap-day birthdays are kept on the 28th in other years
    marks = ",".join("?" * len(upcoming))
    cursor = database.execute_sql(
        f"SELECT id, display_name, birthday FROM contact WHERE birthday != '' AND {BIRTHDAY_DAY_SQL} IN ({marks})",
        list(upcoming))
    lines = []
    for contact_id, name, birthday in cursor.fetchall():
        digits = birthday.replace("-", "")
        day = upcoming[f"{digits[-4:-2]}-{digits[-2:]}"]
        when = "today" if day == today else "tomorrow" if day == today + dt.timedelta(days=1) else day.strftime("%A")
        reason = f"Birthday {when}, {day.day} {day.strftime('%B')}"
        if len(digits) == 8 and digits[:4].isdigit() and 1900 < int(digits[:4]) <= day.year:
            reason += f" (turns {day.year - int(digits[:4])})"
        lines.append(PersonLine(contact_id, name, reason, (day - today).days))
    return sorted(lines, key=lambda line: (line.score, line.display_name))


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def take_it_offline(now: dt.datetime | None = None, limit: int = 50, window_days: int = OFFLINE_WINDOW_DAYS
                    ) -> list[PersonLine]:
    """People with online exchanges but never a call or a meeting, best candidates first.

    The score sums every online or email exchange in the window, each weighted by how recent it
    is (an exchange a month old counts half as much as one today), so frequent and recent
    exchanges both raise a person; an imported day of conversation counts as many exchanges as it
    has messages, up to 20 (one long chat should not outweigh months of steady contact). The
    reason says what the score is made of.
    """
    now = now or now_utc()
    since = stamp(now - dt.timedelta(days=window_days))
    # Scored from the contact_step index alone (ties by id): reading each candidate's row for
    # its name or sort key doubled the time at 100,000 people. The winners are read after.
    scores = database.execute_sql(
        "SELECT c.id, (SELECT sum(min(i.messages, 20)"
        "                  / (1.0 + max(:now - julianday(i.occurred_at), 0) / 30.0))"
        "              FROM interaction i WHERE i.contact_id = c.id AND i.occurred_at >= :since) AS score"
        " FROM contact c WHERE c.step IN (0, 1) AND c.last_contact_at >= :since"
        " ORDER BY score DESC, c.id LIMIT :limit", {"now": _julian_day(now), "since": since, "limit": limit}).fetchall()
    if not scores:
        return []
    ids = [contact_id for contact_id, _ in scores]
    marks = ",".join("?" * len(ids))
    details = {row[0]: row[1:] for row in database.execute_sql(
        "SELECT c.id, c.display_name, sum(i.messages), max(i.occurred_at), c.step,"
        " max(i.direction IN ('in', 'both')), max(i.direction IN ('out', 'both')), max(i.source != '') FROM contact c"
        f" JOIN interaction i ON i.contact_id = c.id WHERE c.id IN ({marks}) AND i.occurred_at >= ? GROUP BY c.id",
        [*ids, since]).fetchall()}
    channel_counts: dict[int, list[tuple[str, int]]] = {}
    for contact_id, name, n in database.execute_sql(
            "SELECT i.contact_id, ch.name, sum(i.messages) AS n"
            " FROM interaction i JOIN channel ch ON ch.id = i.channel_id"
            f" WHERE i.contact_id IN ({marks}) AND i.occurred_at >= ? GROUP BY i.contact_id, ch.id"
            " ORDER BY n DESC, ch.position", [*ids, since]).fetchall():
        channel_counts.setdefault(contact_id, []).append((name, n))
    lines = []
    for contact_id, score in scores:
        if contact_id not in details:  # nothing in the window after all
            continue
        name, count, last, step, came_in, went_out, imported = details[contact_id]
        names = [channel for channel, _ in channel_counts.get(contact_id, [])]
        where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        # Imported history counts messages, and a long two-way conversation is the best reason to call.
        noun = "message" if imported else "exchange"
        noun += "" if count == 1 else "s"
        ways = " both ways" if imported and came_in and went_out else ""
        reason = (f"{count} {where} {noun}{ways} in {describe_days(window_days)}, "
                  f"last {describe_ago(parse_stamp(last), now)}; {'emailed but ' if step == 1 else ''}never called")
        lines.append(PersonLine(contact_id, name, reason, score))
    return lines


@dataclass
class TodayLists:
    """What the Today page shows from the whole history, as of `now`."""

    now: dt.datetime
    overdue: list[PersonLine]
    birthdays: list[PersonLine]
    offline: list[PersonLine]


def today_lists(now: dt.datetime | None = None) -> TodayLists:
    """The Today page's lists: who is overdue (8), whose birthday is this week, who to take offline (5)."""
    now = now or now_utc()
    return TodayLists(now, overdue(now, limit=8), birthdays(clock.local(now).date()), take_it_offline(now, limit=5))


_early: tuple[object, Future[TodayLists]] | None = None  # (the notebook's database, its lists)


def today_lists_soon(now: dt.datetime | None = None) -> Future[TodayLists]:
    """`today_lists(now)` on a thread of its own, with a connection of its own. SQLite lets go of
    the interpreter while it reads, so at 1,000,000 exchanges the 0.1 s of these queries runs
    beside the window being built instead of after it. Without `now`: the lists `start_today_lists`
    began for this start-up, if it did."""
    global _early
    early, _early = _early, None
    if now is None and early is not None and early[0] is database.obj:
        return early[1]
    future: Future[TodayLists] = Future()
    future.set_running_or_notify_cancel()

    def run() -> None:
        try:
            with _quick_turns():
                future.set_result(today_lists(now))
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits for the lists
            future.set_exception(error)
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection (peewee keeps one a thread)

    threading.Thread(target=run, name="today-lists", daemon=True).start()
    return future


_turns_lock = threading.Lock()
_turns_taken = 0  # workers in _quick_turns
_usual_interval = 0.0


@contextlib.contextmanager
def _quick_turns() -> Iterator[None]:
    """A worker that mostly waits on SQLite still needs the interpreter for a moment between
    steps, and waits for the busy thread to hand it over: every 5 ms by default. Measured at
    1,000,000 exchanges beside a busy main thread, the lists took 0.24-0.26 s at 5 ms turns,
    0.12-0.14 s at 0.2-0.5 ms, 0.09 s alone; the busy thread lost nothing measurable."""
    global _turns_taken, _usual_interval
    with _turns_lock:
        if not _turns_taken:
            _usual_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_usual_interval, 0.0002))
        _turns_taken += 1
    try:
        yield
    finally:
        with _turns_lock:
            _turns_taken -= 1
            if not _turns_taken:
                sys.setswitchinterval(_usual_interval)


def start_today_lists() -> None:
    """Begin the Today page's lists as soon as the notebook is open, before the window is even
    imported (start-up): the first Today page takes them from `today_lists_soon()`; any later
    one (or one on another notebook) makes its own."""
    global _early
    _early = (database.obj, today_lists_soon(now_utc()))


def drop_start_lists() -> None:
    """Forget the lists `start_today_lists` began, when the first window did not show Today."""
    global _early
    _early = None
