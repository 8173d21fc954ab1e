"""A person in a card: a stable UID from the moment they exist (made here, imported without one,
or already in a notebook of an earlier version, migrated after a backup), a REV that says when
they last changed, and what Rapport knows of them carried in X-RAPPORT-* properties."""

import re

import pytest

from model import contacts, importer, migrations, prep, vcard
from model.contacts import ContactRecord, same_uid
from model.storage import open_notebook
from tests.conftest import CORPUS

UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_a_person_made_here_has_a_uuid_that_stays(notebook):
    record = ContactRecord(given_name="Ana", family_name="Silva")
    contact_id = contacts.add_contact(record)
    assert UUID_URN.fullmatch(record.uid)
    stored = contacts.get_contact(contact_id)
    assert stored.uid == record.uid
    stored.notes = "met at the conference"
    contacts.update_contact(stored)
    assert contacts.get_contact(contact_id).uid == record.uid  # an edit keeps it


def test_the_sample_people_have_distinct_uids(sample_notebook):
    uids = [record.uid for record in contacts.iter_contacts()]
    assert len(uids) == 40 and len(set(uids)) == 40 and all(UUID_URN.fullmatch(uid) for uid in uids)


def test_an_imported_card_keeps_its_uid_and_one_without_gets_one(notebook, tmp_path):
    card = tmp_path / "two.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:With Uid\r\nUID:phone-export-17\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Without Uid\r\nEND:VCARD\r\n", encoding="utf-8")
    importer.apply_plan(importer.read_plan([card]))
    uids = {record.display_name: record.uid for record in contacts.iter_contacts()}
    assert uids["With Uid"] == "phone-export-17"
    assert UUID_URN.fullmatch(uids["Without Uid"])
    again = importer.read_plan([card]).summary()
    assert again["unchanged"] == 2  # the card without a UID is still the same person
    assert {record.uid for record in contacts.iter_contacts()} == set(uids.values())


def test_a_uuid_is_the_same_person_with_or_without_its_urn_prefix(notebook, tmp_path):
    uuid = "0e7a2c4d-1b2f-4c3d-8e9f-a1b2c3d4e5f6"
    assert same_uid(f"urn:uuid:{uuid}", uuid.upper()) and not same_uid("", "")
    assert not same_uid("Phone-Export-17", "phone-export-17")  # other UIDs are compared exactly
    record = ContactRecord(given_name="Kim", family_name="Lee")
    contacts.add_contact(record)
    bare = record.uid.removeprefix("urn:uuid:").upper()
    card = tmp_path / "kim.vcf"
    card.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim Lee (work)\r\nUID:{bare}\r\nEND:VCARD\r\n", encoding="utf-8")
    plan = importer.read_plan([card])
    assert [item.existing_id for item in plan.items] == [record.id]  # matched by UID, not by name


def test_every_exported_card_carries_its_uid(sample_notebook, tmp_path):
    out = tmp_path / "all.vcf"
    vcard.export_file(contacts.iter_contacts(), out)
    text = out.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 40 and len(re.findall(r"^UID:urn:uuid:", text, re.MULTILINE)) == 40


def test_a_notebook_of_version_6_gives_everyone_a_uid_after_a_backup(tmp_path):
    path = tmp_path / "old.rapport"
    old = open_notebook(path, target_version=6)
    for name, uid in (("Cathy", ""), ("Bob", "kept-from-the-phone")):
        old.database.execute_sql("INSERT INTO contact (given_name, display_name, sort_key, uid, created_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, '', '')", (name, name, name.lower(), uid))
    old.close()
    notebook = open_notebook(path)
    try:
        assert notebook.schema_version == migrations.CURRENT_VERSION and notebook.backup_path.exists()
        uids = {record.display_name: record.uid for record in contacts.iter_contacts()}
        assert uids["Bob"] == "kept-from-the-phone" and UUID_URN.fullmatch(uids["Cathy"])
    finally:
        notebook.close()


def test_corpus_cards_without_a_uid_get_distinct_ones(notebook):
    importer.apply_plan(importer.read_plan([CORPUS / "vcards"]))
    uids = [record.uid for record in contacts.iter_contacts()]
    assert all(uids) and len(set(uids)) == len(uids)


def test_rev_says_when_the_person_last_changed(notebook, frozen_clock):
    import datetime as dt

    record = ContactRecord(given_name="Ana", family_name="Silva", revision="19990101T000000Z")
    contact_id = contacts.add_contact(record)
    first = vcard.serialize(contacts.get_contact(contact_id))
    with frozen_clock.frozen(dt.datetime(2026, 7, 1, 12, 30, 5, tzinfo=dt.UTC)):
        edited = contacts.get_contact(contact_id)
        edited.notes = "changed"
        contacts.update_contact(edited)
    assert "REV:19990101" not in first and re.search(r"^REV:\d{8}T\d{6}Z\r?$", first, re.MULTILINE)
    assert "REV:20260701T123005Z" in vcard.serialize(contacts.get_contact(contact_id))


def round_tripped(version, tmp_path):
    """Every sample person written as `version` and read into a fresh notebook, by name."""
    out = tmp_path / f"sample-{version}.vcf"
    vcard.export_file(contacts.iter_contacts(), out, version)
    fresh = open_notebook(tmp_path / f"fresh-{version}.rapport")
    try:
        plan = importer.read_plan([out])
        assert plan.summary()["rejected"] == []
        importer.apply_plan(plan)
        return {record.display_name: record for record in contacts.iter_contacts()}
    finally:
        fresh.close()


RAPPORT_FIELDS = ("uid", "city", "region", "country", "time_zone", "time_zone_source", "call_hours", "how_met",
                  "met_on", "cadence_days", "tags", "anniversary", "gender", "birthday", "notes", "photo",
                  "prep", "introduced_by_uid", "phonetic_family", "phonetic_given")


def test_what_rapport_knows_travels_in_the_card(sample_notebook, tmp_path):
    before = {record.display_name: record for record in contacts.iter_contacts()}
    assert sum(bool(r.city and r.time_zone) for r in before.values()) >= 30  # the sample knows places
    assert sum(bool(r.how_met) for r in before.values()) >= 4 and any(r.cadence_days for r in before.values())
    assert sum(bool(r.prep) for r in before.values()) >= 3  # prep lines, of every section
    assert {section for r in before.values() for section, _text, _done in r.prep} == set(prep.SECTIONS)
    assert any(r.introduced_by_uid for r in before.values())
    sample_notebook.close()
    for version in ("3.0", "4.0"):
        after = round_tripped(version, tmp_path)
        assert after.keys() == before.keys()
        for name, record in before.items():
            for field_name in RAPPORT_FIELDS:
                assert getattr(after[name], field_name) == getattr(record, field_name), (version, name, field_name)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_import_export_gives_the_same_file(sample_notebook, tmp_path, version):
    """The sample and every corpus card, exported, imported into a fresh notebook and exported
    again: byte for byte the same file (the clock is frozen, so REV, when each person last
    changed, is the same instant in both notebooks)."""
    importer.apply_plan(importer.read_plan([CORPUS / "vcards"]))
    first = tmp_path / "first.vcf"
    count = vcard.export_file(contacts.iter_contacts(), first, version)
    sample_notebook.close()
    fresh = open_notebook(tmp_path / "fresh.rapport")
    try:
        plan = importer.read_plan([first])
        assert plan.summary()["rejected"] == [] and plan.summary()["new"] == count
        importer.apply_plan(plan)
        second = tmp_path / "second.vcf"
        vcard.export_file(contacts.iter_contacts(), second, version)
    finally:
        fresh.close()
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
