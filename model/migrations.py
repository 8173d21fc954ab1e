"""The schema's history: one step per version, applied in order by `storage.open_notebook`.

Each step is frozen SQL, never generated from the current models, so that what version N
means never changes when the models in schema.py grow. A new version appends a step here and
adds its columns or tables to schema.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# "RAPT": marks a SQLite file as a Rapport notebook (PRAGMA application_id).
APPLICATION_ID = 0x52415054

_VERSION_1 = """
CREATE TABLE "contact" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "formatted_name" TEXT NOT NULL DEFAULT '', "prefix" TEXT NOT NULL DEFAULT '',
    "given_name" TEXT NOT NULL DEFAULT '', "additional_names" TEXT NOT NULL DEFAULT '',
    "family_name" TEXT NOT NULL DEFAULT '', "suffix" TEXT NOT NULL DEFAULT '',
    "nickname" TEXT NOT NULL DEFAULT '', "organisation" TEXT NOT NULL DEFAULT '',
    "department" TEXT NOT NULL DEFAULT '', "title" TEXT NOT NULL DEFAULT '',
    "birthday" TEXT NOT NULL DEFAULT '', "anniversary" TEXT NOT NULL DEFAULT '',
    "gender" TEXT NOT NULL DEFAULT '', "notes" TEXT NOT NULL DEFAULT '',
    "photo" BLOB, "photo_type" TEXT NOT NULL DEFAULT '',
    "uid" TEXT NOT NULL DEFAULT '', "revision" TEXT NOT NULL DEFAULT '',
    "city" TEXT NOT NULL DEFAULT '', "region" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '', "time_zone" TEXT NOT NULL DEFAULT '',
    "time_zone_source" TEXT NOT NULL DEFAULT '', "call_hours" TEXT NOT NULL DEFAULT '',
    "how_met" TEXT NOT NULL DEFAULT '', "met_on" TEXT NOT NULL DEFAULT '',
    "introduced_by_id" INTEGER REFERENCES "contact" ("id") ON DELETE SET NULL,
    "cadence_days" INTEGER NOT NULL DEFAULT 0,
    "display_name" TEXT NOT NULL DEFAULT '', "sort_key" TEXT NOT NULL DEFAULT '',
    "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL
);
CREATE INDEX "contact_uid" ON "contact" ("uid");
CREATE INDEX "contact_introduced_by_id" ON "contact" ("introduced_by_id");
CREATE INDEX "contact_sort_key" ON "contact" ("sort_key");
CREATE INDEX "contact_updated_at" ON "contact" ("updated_at");
CREATE INDEX "contact_organisation" ON "contact" ("organisation" COLLATE NOCASE, "sort_key");

CREATE TABLE "contact_point" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "kind" TEXT NOT NULL, "label" TEXT NOT NULL DEFAULT '', "value" TEXT NOT NULL,
    "normalised" TEXT NOT NULL DEFAULT '', "service" TEXT NOT NULL DEFAULT '',
    "preferred" INTEGER NOT NULL DEFAULT 0, "position" INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX "contact_point_contact_id" ON "contact_point" ("contact_id");
CREATE INDEX "contact_point_normalised" ON "contact_point" ("normalised");

CREATE TABLE "tag" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE UNIQUE INDEX "tag_name" ON "tag" ("name");

CREATE TABLE "contact_tag" (
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "tag_id" INTEGER NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    PRIMARY KEY ("contact_id", "tag_id")
);
CREATE INDEX "contact_tag_tag_id" ON "contact_tag" ("tag_id");

CREATE TABLE "vcard_property" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "position" INTEGER NOT NULL DEFAULT 0, "line" TEXT NOT NULL
);
CREATE INDEX "vcard_property_contact_id" ON "vcard_property" ("contact_id");

-- Full-text search; rowid is the contact's id. Kept in step by model/search.py.
CREATE VIRTUAL TABLE "contact_search" USING fts5(
    name, organisation, place, notes, handles, history,
    tokenize = "unicode61 remove_diacritics 2", prefix = '2 3'
);
"""

_VERSION_2 = """
CREATE TABLE "channel" (
    "id" INTEGER NOT NULL PRIMARY KEY, "key" TEXT NOT NULL, "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL DEFAULT 0, "position" INTEGER NOT NULL DEFAULT 0,
    "hidden" INTEGER NOT NULL DEFAULT 0, "built_in" INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX "channel_key" ON "channel" ("key");

CREATE TABLE "meeting" (
    "id" INTEGER NOT NULL PRIMARY KEY, "uid" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '', "kind" TEXT NOT NULL DEFAULT 'phone',
    "starts_at" TEXT NOT NULL, "ends_at" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT '', "location" TEXT NOT NULL DEFAULT '',
    "agenda" TEXT NOT NULL DEFAULT '', "status" TEXT NOT NULL DEFAULT 'planned',
    "outcome" TEXT NOT NULL DEFAULT '', "reminder_minutes" INTEGER,
    "recurrence" TEXT NOT NULL DEFAULT '',
    "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL
);
CREATE UNIQUE INDEX "meeting_uid" ON "meeting" ("uid");
CREATE INDEX "meeting_starts_at" ON "meeting" ("starts_at");

CREATE TABLE "meeting_attendee" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "meeting_id" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
    "contact_id" INTEGER REFERENCES "contact" ("id") ON DELETE CASCADE,
    "name" TEXT NOT NULL DEFAULT '', "email" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX "meeting_attendee_meeting_id" ON "meeting_attendee" ("meeting_id");
CREATE INDEX "meeting_attendee_contact_id" ON "meeting_attendee" ("contact_id");

CREATE TABLE "interaction" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "channel_id" INTEGER NOT NULL REFERENCES "channel" ("id") ON DELETE RESTRICT,
    "occurred_at" TEXT NOT NULL, "direction" TEXT NOT NULL DEFAULT 'out',
    "duration_minutes" INTEGER, "summary" TEXT NOT NULL DEFAULT '',
    "notes" TEXT NOT NULL DEFAULT '',
    "meeting_id" INTEGER REFERENCES "meeting" ("id") ON DELETE SET NULL
);
CREATE INDEX "interaction_channel_id" ON "interaction" ("channel_id");
CREATE INDEX "interaction_meeting_id" ON "interaction" ("meeting_id");
CREATE INDEX "interaction_contact_id_occurred_at" ON "interaction" ("contact_id", "occurred_at");
CREATE INDEX "interaction_occurred_at" ON "interaction" ("occurred_at");

CREATE TABLE "prep_item" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "section" TEXT NOT NULL, "text" TEXT NOT NULL, "done" INTEGER NOT NULL DEFAULT 0,
    "position" INTEGER NOT NULL DEFAULT 0, "created_at" TEXT NOT NULL
);
CREATE INDEX "prep_item_contact_id" ON "prep_item" ("contact_id");

CREATE TABLE "relationship" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "other_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "description" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX "relationship_contact_id" ON "relationship" ("contact_id");
CREATE INDEX "relationship_other_id" ON "relationship" ("other_id");
"""

# key, name, step (0 online, 1 email, 2 phone or video, 3 in person)
BUILT_IN_CHANNELS = [
    ("phone", "Phone", 2), ("video", "Video call", 2), ("in_person", "In person", 3),
    ("email", "Email", 1), ("sms", "SMS", 0), ("whatsapp", "WhatsApp", 0),
    ("signal", "Signal", 0), ("telegram", "Telegram", 0), ("linkedin", "LinkedIn", 0),
    ("x", "X/Twitter", 0), ("facebook", "Facebook", 0), ("instagram", "Instagram", 0),
    ("mastodon", "Mastodon", 0), ("other", "Other", 0),
]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def step(connection: sqlite3.Connection) -> None:
        for statement in sql.split(";\n"):
            if statement.strip():
                connection.execute(statement)
    return step


def _seed_channels(connection: sqlite3.Connection) -> None:
    connection.executemany(
        'INSERT INTO "channel" ("key", "name", "step", "position", "hidden", "built_in")'
        " VALUES (?, ?, ?, ?, 0, 1)",
        [(key, name, step, position) for position, (key, name, step) in enumerate(BUILT_IN_CHANNELS)],
    )


def _version_2(connection: sqlite3.Connection) -> None:
    _script(_VERSION_2)(connection)
    _seed_channels(connection)


# Version 3: an address keeps its vCard ADR parts (post box, extended, street, locality,
# region, postal code, country) as a JSON list, so an export writes back the same ADR.
_VERSION_3 = """
ALTER TABLE "contact_point" ADD COLUMN "parts" TEXT NOT NULL DEFAULT '';
"""

# Version 4: what the history says of a person, kept on the contact row so that the list can
# sort and filter by it at 100,000 people (model/history.py keeps it in step); and a meeting
# remembers when its reminder was shown, so reminders missed while Rapport was closed show later.
_VERSION_4 = """
ALTER TABLE "contact" ADD COLUMN "first_contact_at" TEXT NOT NULL DEFAULT '';
ALTER TABLE "contact" ADD COLUMN "last_contact_at" TEXT NOT NULL DEFAULT '';
ALTER TABLE "contact" ADD COLUMN "step" INTEGER NOT NULL DEFAULT -1;
ALTER TABLE "contact" ADD COLUMN "exchanges" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "contact_last_contact_at" ON "contact" ("last_contact_at");
CREATE INDEX "contact_step" ON "contact" ("step", "last_contact_at");
CREATE INDEX "contact_cadence_days" ON "contact" ("cadence_days") WHERE "cadence_days" > 0;
CREATE INDEX "interaction_contact_id_channel_id" ON "interaction" ("contact_id", "channel_id");
ALTER TABLE "meeting" ADD COLUMN "reminded_at" TEXT NOT NULL DEFAULT '';
UPDATE "contact" SET
  "first_contact_at" = coalesce((SELECT min("occurred_at") FROM "interaction" i
                                 WHERE i."contact_id" = "contact"."id"), ''),
  "last_contact_at" = coalesce((SELECT max("occurred_at") FROM "interaction" i
                                WHERE i."contact_id" = "contact"."id"), ''),
  "step" = coalesce((SELECT max(ch."step") FROM "interaction" i JOIN "channel" ch ON ch."id" = i."channel_id"
                     WHERE i."contact_id" = "contact"."id"), -1),
  "exchanges" = (SELECT count(*) FROM "interaction" i WHERE i."contact_id" = "contact"."id");
"""

# Version 5: birthdays are found through an index of their month and day ("04-12"), so that
# the Today page does not read every contact of a big notebook at start-up. model/history.py
# queries with this very expression, which is what lets SQLite use the index.
BIRTHDAY_DAY_SQL = "substr(replace(birthday, '-', ''), -4, 2) || '-' || substr(replace(birthday, '-', ''), -2)"
_VERSION_5 = f"""
CREATE INDEX "contact_birthday_day" ON "contact" ({BIRTHDAY_DAY_SQL}) WHERE birthday != '';
"""

# Version 6: a calendar range finds its meetings through two small indexes: the series by
# their start, and the single meetings by their length, whose longest bounds how early a
# meeting that overlaps the range can start (model/meetings.py queries with this expression).
MEETING_DAYS_SQL = "julianday(ends_at) - julianday(starts_at)"
_VERSION_6 = f"""
CREATE INDEX "meeting_series" ON "meeting" ("starts_at") WHERE recurrence != '';
CREATE INDEX "meeting_days" ON "meeting" ({MEETING_DAYS_SQL}) WHERE recurrence = '';
"""



def _version_7(connection: sqlite3.Connection) -> None:
    """Version 7: every person has a UID (people made in Rapport had none before), so that a
    re-import and a sync can tell them apart; the value is a fresh UUID, as for someone new."""
    import uuid

    ids = [row[0] for row in connection.execute("SELECT id FROM contact WHERE trim(uid) = ''")]
    connection.executemany("UPDATE contact SET uid = ? WHERE id = ?", [(f"urn:uuid:{uuid.uuid4()}", i) for i in ids])


def _version_8(connection: sqlite3.Connection) -> None:
    """Version 8: phonetic names have columns of their own (X-PHONETIC-* lines kept from
    earlier imports move into them), and the list is ordered by collation keys
    (model/collation.py), which put Ł with the L's rather than after Z: every key is made again."""
    from model import contacts, vcard

    connection.execute('ALTER TABLE "contact" ADD COLUMN "phonetic_family" TEXT NOT NULL DEFAULT \'\'')
    connection.execute('ALTER TABLE "contact" ADD COLUMN "phonetic_given" TEXT NOT NULL DEFAULT \'\'')
    columns = {"X-PHONETIC-LAST-NAME": "phonetic_family", "X-PHONETIC-FIRST-NAME": "phonetic_given"}
    moved = []
    for row_id, contact_id, line in connection.execute(
            "SELECT id, contact_id, line FROM vcard_property WHERE upper(line) LIKE 'X-PHONETIC-%'"
            " OR line LIKE '%.X-PHONETIC-%'"):
        name, _, value = line.partition(":")
        column = columns.get(name.split(";")[0].split(".")[-1].upper())
        if column:
            moved.append(row_id)
            connection.execute(f'UPDATE contact SET "{column}" = ? WHERE id = ? AND "{column}" = \'\'',
                               (vcard.unescape(value).strip(), contact_id))
    connection.executemany("DELETE FROM vcard_property WHERE id = ?", [(row_id,) for row_id in moved])
    keys = [(contacts.sort_key_for(family, given, display, phonetic_family, phonetic_given), contact_id)
            for contact_id, family, given, display, phonetic_family, phonetic_given in connection.execute(
                "SELECT id, family_name, given_name, display_name, phonetic_family, phonetic_given FROM contact")]
    connection.executemany("UPDATE contact SET sort_key = ? WHERE id = ?", keys)


def _version_9(connection: sqlite3.Connection) -> None:
    """Version 9: meetings mean what RFC 5545 says. An all-day meeting is on dates (all_day, its
    dates at 00:00 UTC); a series keeps its RDATE and EXDATE lists; a changed occurrence is a
    row of the series' UID with the start it replaces (RECURRENCE-ID), where earlier versions
    made it a meeting of its own, "UID#start". Stored data is repaired where it allows: such
    rows become changed occurrences, rules are written in their canonical form, and a meeting
    with no zone that runs from local midnight for whole days becomes all-day."""
    import datetime as dt

    from model import clock, recurrence
    from model.history import parse_stamp, stamp

    for statement in ('ALTER TABLE "meeting" ADD COLUMN "all_day" INTEGER NOT NULL DEFAULT 0',
                      'ALTER TABLE "meeting" ADD COLUMN "rdates" TEXT NOT NULL DEFAULT \'\'',
                      'ALTER TABLE "meeting" ADD COLUMN "exdates" TEXT NOT NULL DEFAULT \'\'',
                      'ALTER TABLE "meeting" ADD COLUMN "recurrence_id" TEXT NOT NULL DEFAULT \'\'',
                      'DROP INDEX "meeting_uid"',
                      'CREATE UNIQUE INDEX "meeting_uid" ON "meeting" ("uid", "recurrence_id")'):
        connection.execute(statement)
    local = clock.local_zone()
    rows = connection.execute("SELECT id, uid, starts_at, ends_at, time_zone, recurrence FROM meeting").fetchall()
    for meeting_id, uid, starts_at, ends_at, time_zone, rule in rows:
        start, end = parse_stamp(starts_at), parse_stamp(ends_at)
        changes: dict[str, object] = {}
        series_uid, mark, original = uid.rpartition("#")
        if mark and series_uid:
            try:
                changes.update(uid=series_uid, recurrence_id=stamp(dt.datetime.fromisoformat(original)))
            except ValueError:
                pass
        all_day = False
        whole_days = (end - start) % dt.timedelta(days=1) == dt.timedelta(0) and end > start
        if not time_zone and whole_days and start.astimezone(local).time() == dt.time(0):
            all_day = True
            first = dt.datetime.combine(start.astimezone(local).date(), dt.time(0), dt.UTC)
            changes.update(all_day=1, starts_at=stamp(first), ends_at=stamp(first + (end - start)))
            start = first
        if rule:
            zone = dt.UTC if all_day else _zone(time_zone, local)
            try:
                changes["recurrence"] = recurrence.normalise(rule, start.astimezone(zone), all_day)
            except recurrence.RuleError:
                pass
        if changes:
            assignments = ", ".join(f'"{name}" = ?' for name in changes)
            try:
                connection.execute(f"UPDATE meeting SET {assignments} WHERE id = ?", [*changes.values(), meeting_id])
            except sqlite3.IntegrityError:  # the same occurrence twice: keep the row as it was
                changes.pop("uid", None), changes.pop("recurrence_id", None)
                if changes:
                    assignments = ", ".join(f'"{name}" = ?' for name in changes)
                    connection.execute(f"UPDATE meeting SET {assignments} WHERE id = ?",
                                       [*changes.values(), meeting_id])


def _zone(name: str, fallback):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


# Version 10: sync with CardDAV and CalDAV servers (model/sync.py). An account is a server and a
# user (the password is in the system's keyring, never here), with the address book and the
# calendar Rapport's people and meetings live in and the last sync tokens; each resource synced
# is remembered by its href and ETag, with what it was at the last sync (its hash, and the card
# itself, the base a three-way merge starts from); a field both sides changed keeps the server's
# value as a conflict until the user decides.
_VERSION_10 = """
CREATE TABLE "sync_account" (
    "id" INTEGER NOT NULL PRIMARY KEY, "url" TEXT NOT NULL, "user" TEXT NOT NULL,
    "address_book" TEXT NOT NULL DEFAULT '', "calendar" TEXT NOT NULL DEFAULT '',
    "card_token" TEXT NOT NULL DEFAULT '', "event_token" TEXT NOT NULL DEFAULT '',
    "last_synced" TEXT NOT NULL DEFAULT '', "last_error" TEXT NOT NULL DEFAULT '',
    "created_at" TEXT NOT NULL
);
CREATE TABLE "sync_item" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "sync_account" ("id") ON DELETE CASCADE,
    "kind" TEXT NOT NULL, "href" TEXT NOT NULL, "etag" TEXT NOT NULL DEFAULT '',
    "uid" TEXT NOT NULL, "synced_hash" TEXT NOT NULL DEFAULT '', "base" TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX "sync_item_href" ON "sync_item" ("account_id", "kind", "href");
CREATE INDEX "sync_item_uid" ON "sync_item" ("account_id", "kind", "uid");
CREATE TABLE "sync_conflict" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE,
    "field" TEXT NOT NULL, "theirs" TEXT NOT NULL, "created_at" TEXT NOT NULL
);
CREATE INDEX "sync_conflict_contact_id" ON "sync_conflict" ("contact_id");
"""

# Version 11: history imported from what the services hand out (model/exchange_import.py). An
# imported exchange is a day's conversation with one person on one channel: `messages` counts
# the messages it stands for (1 for one logged by hand), `source` names the day it gathers
# ("whatsapp:2026-03-01") so a later import adds to it; `exchange_key` remembers each imported
# message by a digest of its identity in its export, so importing the same file twice, or a newer
# export that overlaps an older one, adds only what is new.
_VERSION_11 = """
ALTER TABLE "interaction" ADD COLUMN "messages" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "interaction" ADD COLUMN "source" TEXT NOT NULL DEFAULT '';
CREATE INDEX "interaction_source" ON "interaction" ("contact_id", "source") WHERE "source" != '';
CREATE TABLE "exchange_key" ("key" TEXT NOT NULL PRIMARY KEY);
"""

# Version 12: history travels with sync (model/sync.py). Each exchange has a UID from the moment it
# exists, as people and meetings do, so that another Rapport on the same account matches it; the
# account remembers the calendar collection of its history (VJOURNALs only, which calendar apps
# do not show) and that collection's sync token.
_VERSION_12 = """
ALTER TABLE "interaction" ADD COLUMN "uid" TEXT NOT NULL DEFAULT '';
UPDATE "interaction" SET "uid" = 'urn:uuid:' || lower(substr(hex(randomblob(4)), 1) || '-' || hex(randomblob(2))
    || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)
    || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE INDEX "interaction_uid" ON "interaction" ("uid");
ALTER TABLE "sync_account" ADD COLUMN "journal" TEXT NOT NULL DEFAULT '';
ALTER TABLE "sync_account" ADD COLUMN "journal_token" TEXT NOT NULL DEFAULT '';
"""

# Version 13: what each synced resource was here when it last went to the server, so that a sync
# writes out only what changed since (at 10,000 people, writing every card out again to compare
# was 3 s of each sync). A person's card changes with their row, their phones and addresses,
# tags, kept properties and prep: triggers count those changes per person in `contact_change`
# (a clock's time would miss two changes in one second); an exchange's stamp is a digest.
_CARD_COLUMNS = ("formatted_name, prefix, given_name, additional_names, family_name, suffix, nickname, "
                 "organisation, department, title, birthday, anniversary, gender, notes, phonetic_family, "
                 "phonetic_given, photo, photo_type, uid, revision, city, region, country, time_zone, "
                 "time_zone_source, call_hours, how_met, met_on, introduced_by_id, cadence_days")
_BUMP = """INSERT INTO "contact_change" ("contact_id", "version") VALUES ({who}, 1)
    ON CONFLICT ("contact_id") DO UPDATE SET "version" = "version" + 1"""
_VERSION_13 = f"""
ALTER TABLE "sync_item" ADD COLUMN "stamp" TEXT NOT NULL DEFAULT '';
CREATE TABLE "contact_change" ("contact_id" INTEGER NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL);
CREATE TRIGGER "contact_card_changed" AFTER UPDATE OF {_CARD_COLUMNS} ON "contact"
BEGIN {_BUMP.format(who="NEW.id")}; END;
""" + "".join(f"""CREATE TRIGGER "{table}_{event.lower()}_changes_card" AFTER {event} ON "{table}"
BEGIN {_BUMP.format(who=("OLD" if event == "DELETE" else "NEW") + ".contact_id")}; END;
""" for table in ("contact_point", "contact_tag", "vcard_property", "prep_item")
        for event in ("INSERT", "UPDATE", "DELETE"))

# Version 14: the other hosts an account's server may send Rapport to, that the user agreed to
# (a domain whose /.well-known/carddav redirects to its provider's server), space-separated; the
# collections Rapport wrote to since their sync token (see sync._sync_collection). And
# what a sync reads of every synced resource, in an index of its own: `stamp` is stored after
# `base` (the card as last synced, photo and all), so reading it from the table followed each
# row's overflow pages through the photo (at 10,000 people, 0.23 s of every sync's 0.48 s).
_VERSION_14 = """
ALTER TABLE "sync_account" ADD COLUMN "trusted_hosts" TEXT NOT NULL DEFAULT '';
ALTER TABLE "sync_account" ADD COLUMN "written" TEXT NOT NULL DEFAULT '';
CREATE INDEX "sync_item_state" ON "sync_item" ("account_id", "kind", "href", "etag", "uid", "synced_hash", "stamp");
"""

# Version 15: the fingerprint of each card imported, with the person it went to, so that the next
# import of an unchanged card costs a hash, not a parse (see model/fingerprints.py).
_VERSION_15 = """
CREATE TABLE "card_fingerprint" (
    "digest" BLOB NOT NULL PRIMARY KEY,
    "contact_id" INTEGER NOT NULL REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE INDEX "card_fingerprint_contact" ON "card_fingerprint" ("contact_id");
"""

# Version 16: a person's exchanges by time carry their message count, so that the take-it-offline
# score (a sum over the last six months of every candidate's exchanges) reads the index alone:
# 235 ms at 1,000,000 exchanges, 79 ms so, for Today and the Offline view alike.
_VERSION_16 = """
DROP INDEX "interaction_contact_id_occurred_at";
CREATE INDEX "interaction_contact_id_occurred_at" ON "interaction" ("contact_id", "occurred_at", "messages");
"""

# Version 17: the search index keeps one-letter prefixes too. A search such as "Berlin C" (the
# second word just begun) made FTS5 merge every term beginning with c: 13-20 ms a query at
# 100,000 people, two or three queries a keystroke; 1.7-3.9 ms so. It costs a fifth more index
# (41 -> 52 MB at 100,000 people) and 0.2 s more in an import of 50,000 cards.
_VERSION_17 = """
CREATE VIRTUAL TABLE "contact_search_new" USING fts5(
    name, organisation, place, notes, handles, history,
    tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3'
);
INSERT INTO "contact_search_new" (rowid, name, organisation, place, notes, handles, history)
    SELECT rowid, name, organisation, place, notes, handles, history FROM "contact_search";
DROP TABLE "contact_search";
ALTER TABLE "contact_search_new" RENAME TO "contact_search";
INSERT INTO "contact_search" ("contact_search") VALUES ('optimize')
"""

# MIGRATIONS[n] brings a notebook from version n to version n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_VERSION_1),
    _version_2,
    _script(_VERSION_3),
    _script(_VERSION_4),
    _script(_VERSION_5),
    _script(_VERSION_6),
    _version_7,
    _version_8,
    _version_9,
    _script(_VERSION_10),
    _script(_VERSION_11),
    _script(_VERSION_12),
    _script(_VERSION_13),
    _script(_VERSION_14),
    _script(_VERSION_15),
    _script(_VERSION_16),
    _script(_VERSION_17),
]
CURRENT_VERSION = len(MIGRATIONS)
