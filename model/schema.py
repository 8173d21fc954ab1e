"""The tables of a notebook, as Peewee models.

Every table DESIGN.md names lives here, so that later capabilities add behaviour rather than a
redesign. The models are bound to `database`, a proxy that `storage.open_notebook` points at
the open file; one notebook is open per process at a time.

Times are stored as ISO 8601 text in UTC ("2026-11-23T14:05:00+00:00"); dates a person gave
without a year (a birthday "--03-22") are kept as written.
"""

from __future__ import annotations

import peewee as pw

from model import clock

database = pw.DatabaseProxy()


def utc_now() -> str:
    """The current instant as stored in the notebook."""
    return clock.now().isoformat(timespec="seconds")


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Contact(BaseModel):
    """A person (or an organisation, when only `organisation` is set)."""

    formatted_name = pw.TextField(default="")  # vCard FN: the name as the person writes it
    prefix = pw.TextField(default="")
    given_name = pw.TextField(default="")
    additional_names = pw.TextField(default="")
    family_name = pw.TextField(default="")
    suffix = pw.TextField(default="")
    nickname = pw.TextField(default="")
    organisation = pw.TextField(default="")
    department = pw.TextField(default="")
    title = pw.TextField(default="")
    birthday = pw.TextField(default="")  # "1980-03-22" or "--03-22"
    anniversary = pw.TextField(default="")
    gender = pw.TextField(default="")
    notes = pw.TextField(default="")
    phonetic_family = pw.TextField(default="")  # how the names are read (SORT-AS, X-PHONETIC-*)
    phonetic_given = pw.TextField(default="")
    photo = pw.BlobField(null=True)
    photo_type = pw.TextField(default="")  # "image/jpeg" ...
    uid = pw.TextField(default="", index=True)  # vCard UID, kept for matching on re-import
    revision = pw.TextField(default="")  # vCard REV as it came
    # Call prep: where the person is and when to call them.
    city = pw.TextField(default="")
    region = pw.TextField(default="")
    country = pw.TextField(default="")
    time_zone = pw.TextField(default="")  # IANA name, "Europe/Berlin"
    time_zone_source = pw.TextField(default="")  # "set by you", "from the phone number" ...
    call_hours = pw.TextField(default="")  # "09:00-18:00" in their time; empty means the default
    how_met = pw.TextField(default="")
    met_on = pw.TextField(default="")
    introduced_by = pw.ForeignKeyField("self", null=True, on_delete="SET NULL", backref="introduced")
    cadence_days = pw.IntegerField(default=0)  # keep-in-touch cadence; 0 means none
    # Derived, stored for ordering (see contacts.sort_key_for).
    display_name = pw.TextField(default="")
    sort_key = pw.TextField(default="", index=True)
    created_at = pw.TextField(default=utc_now)
    updated_at = pw.TextField(default=utc_now, index=True)
    # Derived from the history by model/history.py, stored so the list can sort and filter.
    first_contact_at = pw.TextField(default="")
    last_contact_at = pw.TextField(default="", index=True)
    step = pw.IntegerField(default=-1)  # the furthest channel step reached; -1: no history
    exchanges = pw.IntegerField(default=0)


class ContactPoint(BaseModel):
    """One way to reach a contact: a phone, an email, an address, a web page or a handle."""

    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="points")
    kind = pw.TextField()  # phone, email, address, url, handle
    label = pw.TextField(default="")  # "mobile", "work", or a custom label
    value = pw.TextField()  # as typed or as it came
    normalised = pw.TextField(default="", index=True)  # E.164, lower-cased email, canonical handle
    service = pw.TextField(default="")  # for handles: the channel key ("linkedin", "x" ...)
    preferred = pw.BooleanField(default=False)
    position = pw.IntegerField(default=0)
    parts = pw.TextField(default="")  # for addresses: the vCard ADR components, as JSON


class Tag(BaseModel):
    name = pw.TextField(unique=True)


class ContactTag(BaseModel):
    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE")
    tag = pw.ForeignKeyField(Tag, on_delete="CASCADE")

    class Meta:
        primary_key = pw.CompositeKey("contact", "tag")


class VCardProperty(BaseModel):
    """A vCard property with no column of its own, kept so an export gives it back."""

    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="vcard_properties")
    position = pw.IntegerField(default=0)
    line = pw.TextField()  # the unfolded content line, as it came

    class Meta:
        table_name = "vcard_property"


class Channel(BaseModel):
    """A way to talk: phone, in person, LinkedIn ... Users can add their own."""

    key = pw.TextField(unique=True)
    name = pw.TextField()
    # How far off the screen this channel is: 0 online, 1 email, 2 phone or video, 3 in person.
    step = pw.IntegerField(default=0)
    position = pw.IntegerField(default=0)
    hidden = pw.BooleanField(default=False)
    built_in = pw.BooleanField(default=False)


class Meeting(BaseModel):
    uid = pw.TextField()  # unique with recurrence_id: a series and its changed occurrences share it
    title = pw.TextField(default="")
    kind = pw.TextField(default="phone")  # phone, video, in_person
    starts_at = pw.TextField(index=True)
    ends_at = pw.TextField()
    time_zone = pw.TextField(default="")
    location = pw.TextField(default="")
    agenda = pw.TextField(default="")
    status = pw.TextField(default="planned")  # planned, done, cancelled
    outcome = pw.TextField(default="")
    reminder_minutes = pw.IntegerField(null=True)
    recurrence = pw.TextField(default="")  # an iCalendar RRULE
    reminded_at = pw.TextField(default="")  # when the reminder was shown (or dismissed)
    all_day = pw.BooleanField(default=False)  # on dates, in no zone (starts_at, ends_at: 00:00 UTC)
    rdates = pw.TextField(default="")  # a series' extra starts, JSON list of stamps
    exdates = pw.TextField(default="")  # the starts it skips
    recurrence_id = pw.TextField(default="")  # a changed occurrence: the start it replaces
    created_at = pw.TextField(default=utc_now)
    updated_at = pw.TextField(default=utc_now)


class MeetingAttendee(BaseModel):
    meeting = pw.ForeignKeyField(Meeting, on_delete="CASCADE", backref="attendees")
    contact = pw.ForeignKeyField(Contact, null=True, on_delete="CASCADE", backref="meetings")
    name = pw.TextField(default="")  # for attendees who are not (yet) contacts
    email = pw.TextField(default="")


class Interaction(BaseModel):
    """One exchange with a contact on a channel."""

    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="interactions")
    channel = pw.ForeignKeyField(Channel, on_delete="RESTRICT")
    occurred_at = pw.TextField()
    direction = pw.TextField(default="out")  # out (I reached out), in (they did), both
    duration_minutes = pw.IntegerField(null=True)
    summary = pw.TextField(default="")
    notes = pw.TextField(default="")
    meeting = pw.ForeignKeyField(Meeting, null=True, on_delete="SET NULL", backref="interactions")
    messages = pw.IntegerField(default=1)  # an imported day of conversation: how many messages
    source = pw.TextField(default="")  # and which day it gathers ("whatsapp:2026-03-01")
    uid = pw.TextField(default="", index=True)  # how another Rapport on a sync account knows it

    class Meta:
        indexes = ((("contact", "occurred_at"), False), (("occurred_at",), False))


class ExchangeKey(BaseModel):
    """An imported message, remembered by a digest of its identity in its export."""

    key = pw.TextField(primary_key=True)

    class Meta:
        table_name = "exchange_key"


class PrepItem(BaseModel):
    """A line of call prep: a small-talk topic, family, an interest, a topic to avoid, a question."""

    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="prep_items")
    section = pw.TextField()  # small_talk, family, interests, avoid, ask_next
    text = pw.TextField()
    done = pw.BooleanField(default=False)
    position = pw.IntegerField(default=0)
    created_at = pw.TextField(default=utc_now)


class Relationship(BaseModel):
    """Two contacts who know each other, and how ("Cathy met Cheryl on Twitter")."""

    contact = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="relationships")
    other = pw.ForeignKeyField(Contact, on_delete="CASCADE", backref="relationships_in")
    description = pw.TextField(default="")


CONTACT_TABLES = [Contact, ContactPoint, Tag, ContactTag, VCardProperty]
HISTORY_TABLES = [Channel, Meeting, MeetingAttendee, Interaction, ExchangeKey, PrepItem, Relationship]
ALL_TABLES = CONTACT_TABLES + HISTORY_TABLES
