"""Prep lines, questions checked off into a call's history, and who knows whom."""

import datetime as dt

import pytest

from model import connections, contacts, history, prep
from model.connections import LinkError
from model.contacts import ContactRecord
from model.history import InteractionRecord


def person(given, **fields):
    return contacts.add_contact(ContactRecord(given_name=given, family_name="Tester", **fields))


def test_prep_lines_keep_their_order_and_sections(notebook):
    ana = person("Ana")
    prep.add_lines(ana, "family", ["Partner Sam", " ", "Two kids"])
    prep.add_lines(ana, "small_talk", ["Sailing"])
    prep.add_lines(ana, "family", ["A dog called Pip"])
    assert [(line.section, line.text) for line in prep.lines(ana)] == [
        ("small_talk", "Sailing"), ("family", "Partner Sam"), ("family", "Two kids"), ("family", "A dog called Pip")]
    family = prep.lines(ana, "family")
    prep.reorder([family[2].id, family[0].id, family[1].id])
    assert [line.text for line in prep.lines(ana, "family")] == ["A dog called Pip", "Partner Sam", "Two kids"]
    with pytest.raises(prep.PrepError):
        prep.update_line(family[0].id, text="  ")
    with pytest.raises(prep.PrepError):
        prep.add_lines(ana, "gossip", ["no"])
    removed = prep.delete_lines([family[1].id])
    prep.restore_lines(removed)
    assert len(prep.lines(ana, "family")) == 3


def test_checked_questions_move_to_the_call(notebook):
    ben = person("Ben")
    ids = prep.add_lines(ben, "ask_next", ["How was Lisbon?", "Is the job move done?", "Kids' school?"])
    prep.update_line(ids[0], done=True)
    prep.update_line(ids[2], done=True)
    call = history.log(InteractionRecord(ben, "phone", dt.datetime.now(dt.UTC), notes="Good call")).ids[0]
    moved = prep.move_answered_to(ben, call)
    assert [line.text for line in moved] == ["How was Lisbon?", "Kids' school?"]
    assert history.get(call).notes == "Good call\n\n✓ How was Lisbon?\n✓ Kids' school?"
    assert [line.text for line in prep.lines(ben, "ask_next")] == ["Is the job move done?"]


def test_links_show_on_both_people_and_paths_go_through_the_notebook(notebook):
    cathy, cheryl, joe, faye, stranger = (person(n) for n in ("Cathy", "Cheryl", "Joe", "Faye", "Stranger"))
    connections.link(cathy, cheryl, "Cathy met Cheryl on Twitter")
    connections.link(cheryl, joe, "Work together at Doxbond")
    contacts.update_contact(_with(contacts.get_contact(faye), introduced_by=joe))
    assert [(link.other_name, link.description) for link in connections.links_of(cheryl)] == [
        ("Cathy Tester", "Cathy met Cheryl on Twitter"), ("Joe Tester", "Work together at Doxbond")]
    assert [link.description for link in connections.links_of(faye)] == ["introduced you"]
    paths = connections.connections(cathy)
    assert [path.describe() for path in paths] == [
        "Cathy Tester → Cheryl Tester", "Cathy Tester → Cheryl Tester → Joe Tester",
        "Cathy Tester → Cheryl Tester → Joe Tester → Faye Tester"]
    assert connections.path_between(faye, cathy).hops == 3
    assert connections.path_between(cathy, stranger) is None
    assert len(connections.connections(cathy, depth=1)) == 1
    with pytest.raises(LinkError):
        connections.link(cathy, cathy)
    # Linking again updates the description rather than adding a second link.
    connections.link(cheryl, cathy, "Met on Twitter in 2019")
    assert [link.description for link in connections.links_of(cathy)] == ["Met on Twitter in 2019"]


def _with(record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    return record
