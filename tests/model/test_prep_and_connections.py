"""Prep lines, questions checked off into a call's history, and who knows whom."""


import pytest

from model import clock, connections, contacts, history, prep
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
    call = history.log(InteractionRecord(ben, "phone", clock.now(), notes="Good call")).ids[0]
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


def test_imported_vcards_feed_the_prep(notebook):
    from model import vcard
    from tests.conftest import CORPUS

    by_file = {}
    for name in ("ezvcard-macos-addressbook-john-doe.vcf", "ezvcard-rfc6350-example.vcf", "ezvcard-gmail-single.vcf"):
        by_file[name] = [card.record for card in vcard.read_cards(CORPUS / "vcards" / name) if card.record]
    john = by_file["ezvcard-macos-addressbook-john-doe.vcf"][0]
    assert prep.from_vcard(john.vcard_properties) == ["Spouse: Jenny"]  # item5.X-ABRELATEDNAMES + its label
    assert (john.city, john.country) == ("New York", "United States of America")  # from the first ADR
    rfc = by_file["ezvcard-rfc6350-example.vcf"][0]
    assert (rfc.city, rfc.region, rfc.country) == ("Quebec", "QC", "Canada")
    assert rfc.time_zone == "" and "TZ:-0500" in rfc.vcard_properties  # an offset names no zone; kept for export
    for records in by_file.values():
        for record in records:
            if record.time_zone:
                assert record.time_zone_source == "from the vCard (TZ)"
