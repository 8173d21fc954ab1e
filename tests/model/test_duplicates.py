"""Finding duplicates across the notebook and merging them, with undo."""

import datetime as dt

from model import connections, contacts, duplicates, history, meetings, prep
from model.contacts import ContactPointRecord, ContactRecord
from model.history import InteractionRecord


def person(given, family, *points, **fields):
    return contacts.add_contact(ContactRecord(given_name=given, family_name=family, points=list(points), **fields))


def test_pairs_by_shared_email_or_phone_and_by_full_name(notebook):
    a = person("Cathy", "Rogers", ContactPointRecord("email", "Cathy@Example.com"))
    b = person("Cathy", "", ContactPointRecord("email", "cathy@example.com"))
    c = person("Joe", "Smith")
    d = person("Joe", "Smith", ContactPointRecord("phone", "+1 912 555 0100"))
    person("Anna", "Kowalski", ContactPointRecord("email", "office@example.com"))
    person("Bob", "Groves", ContactPointRecord("email", "office@example.com"))  # a shared office address
    found = [(p.first_id, p.second_id, p.reason) for p in duplicates.find_duplicates()]
    assert found == [(a, b, "same email cathy@example.com"), (c, d, "same name")]


def test_merge_keeps_every_value_and_moves_everything_then_undoes(notebook):
    keep = person("Cathy", "Rogers", ContactPointRecord("email", "cathy@example.com"), notes="Sails")
    other = person("Cathy", "Rogers", ContactPointRecord("phone", "+1 912 555 0143"), title="Community Lead",
                   notes="Runs the meetup")
    friend = person("Mark", "Rogers")
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    history.log(InteractionRecord(other, "phone", now, summary="First call"))
    prep.add_lines(other, "small_talk", ["Sailing"])
    connections.link(other, friend, "husband")
    start = now + dt.timedelta(days=10)
    meeting = meetings.save(meetings.MeetingRecord("Coffee", start, start + dt.timedelta(minutes=30),
                                                   attendees=[meetings.Attendee(other)]))
    done = duplicates.merge_contacts(keep, other)
    merged = contacts.get_contact(keep)
    assert contacts.get_contact(other) is None
    assert {p.value for p in merged.points} == {"cathy@example.com", "+1 912 555 0143"}
    assert merged.title == "Community Lead" and "Sails" in merged.notes and "Runs the meetup" in merged.notes
    assert [e.summary for e in history.history(keep)] == ["First call"]
    assert [line.text for line in prep.lines(keep)] == ["Sailing"]
    assert [link.other_id for link in connections.links_of(keep)] == [friend]
    assert meetings.get(meeting).contact_ids == [keep]
    duplicates.unmerge(done)
    assert contacts.get_contact(keep).points[0].value == "cathy@example.com"
    assert len(contacts.get_contact(keep).points) == 1 and contacts.get_contact(keep).notes == "Sails"
    assert [e.summary for e in history.history(other)] == ["First call"] and history.history(keep) == []
    assert [line.text for line in prep.lines(other)] == ["Sailing"] and prep.lines(keep) == []
    assert meetings.get(meeting).contact_ids == [other]
    assert [link.other_id for link in connections.links_of(other)] == [friend]
