"""Writing, reading, listing, deleting and restoring people."""

import datetime as dt
import sqlite3

import pytest

from model import contacts, search
from model.contacts import ContactPointRecord as Point
from model.contacts import ContactRecord, describe_date


def person(**fields) -> ContactRecord:
    return ContactRecord(**fields)


def test_a_contact_comes_back_as_it_was_saved(notebook):
    record = person(
        prefix="Dr.", given_name="Zoë", family_name="Ångström", organisation="Müller & Söhne", title="Consultant",
        birthday="--06-30", notes="Line one\nLine two", photo=b"\x89PNG...", photo_type="image/png",
        uid="urn:uuid:1", city="Stockholm", country="Sweden", tags=["europe", "consulting"],
        vcard_properties=["X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Zo;1;;;;;;;;;;;;;"],
        points=[Point("phone", "(912) 555-0123", "mobile"), Point("email", "Zoe@Example.COM", "work"),
                Point("handle", "https://www.linkedin.com/in/zoe-a/"),
                Point("address", "1 Main St\nStockholm", "home")],
    )
    contact_id = contacts.add_contact(record)
    saved = contacts.get_contact(contact_id)
    assert saved.display_name == "Dr. Zoë Ångström"
    assert saved.notes == "Line one\nLine two" and saved.photo == b"\x89PNG..."
    assert saved.tags == ["consulting", "europe"]
    assert saved.vcard_properties == record.vcard_properties
    phone, email, handle, address = saved.points
    assert (phone.value, phone.normalised, phone.label) == ("(912) 555-0123", "+19125550123", "mobile")
    assert email.normalised == "zoe@example.com"
    assert (handle.normalised, handle.service) == ("zoe-a", "linkedin")
    assert address.value == "1 Main St\nStockholm"
    assert phone.href() == "tel:+19125550123" and email.href() == "mailto:Zoe@Example.COM"


def test_international_numbers_are_normalised_to_e164(notebook):
    contact_id = contacts.add_contact(person(given_name="Anna", points=[
        Point("phone", "+48 12 555 0101"), Point("phone", "+44 (0)1223 555012"),
        Point("phone", "tel:+1-418-656-9254")]))
    assert [p.normalised for p in contacts.get_contact(contact_id).points] == [
        "+48125550101", "+441223555012", "+14186569254"]


def test_update_replaces_points_and_tags_and_forgets_unused_tags(notebook):
    joe = person(given_name="Joe", tags=["old"], points=[Point("phone", "+1 416 555 0190")])
    contact_id = contacts.add_contact(joe)
    record = contacts.get_contact(contact_id)
    record.tags = ["new"]
    record.points = [Point("email", "joe@smithco.ca")]
    contacts.update_contact(record)
    saved = contacts.get_contact(contact_id)
    assert saved.tags == ["new"] and [p.kind for p in saved.points] == ["email"]
    assert contacts.tags_in_use() == [("new", 1)]


def test_delete_then_restore_gives_back_the_same_person(sample_notebook):
    cathy_id = search.search("Cathy Rogers")[0]
    before = contacts.get_contact(cathy_id)
    deleted = contacts.delete_contacts([cathy_id])
    assert contacts.get_contact(cathy_id) is None
    assert cathy_id not in search.search("Cathy")
    assert contacts.count_contacts() == 39
    contacts.restore_contacts(deleted)
    after = contacts.get_contact(cathy_id)
    assert after == before
    assert search.search("Cathy Rogers")[0] == cathy_id  # her name ranks above notes that mention her


def test_list_orders_by_folded_family_name_company_and_change(notebook):
    for given, family, org in [("Zoë", "Ångström", "Nordlys"), ("Tom", "Becker", ""), ("Anna", "zeta", "Acme")]:
        contacts.add_contact(person(given_name=given, family_name=family, organisation=org))
    by_name = [row.display_name for row in contacts.list_contacts("name")]
    assert by_name == ["Zoë Ångström", "Tom Becker", "Anna zeta"]
    by_company = [row.display_name for row in contacts.list_contacts("company")]
    assert by_company == ["Anna zeta", "Zoë Ångström", "Tom Becker"]  # people without one last
    tom = contacts.get_contact(2)
    tom.notes = "changed last"
    contacts.update_contact(tom)
    notebook.database.execute_sql("UPDATE contact SET updated_at = '2000-01-01' WHERE id != 2")
    assert contacts.list_contacts("changed")[0].display_name == "Tom Becker"
    assert contacts.position_of(3, "name") == 2


def test_paging_and_tag_filter(notebook):
    for number in range(30):
        contacts.add_contact(person(given_name=f"Person {number:02d}", tags=["even"] if number % 2 == 0 else []))
    page = contacts.list_contacts("name", offset=10, limit=5)
    assert [row.display_name for row in page] == [f"Person {n}" for n in range(10, 15)]
    assert contacts.count_contacts("even") == 15
    assert all(int(row.display_name[-2:]) % 2 == 0 for row in contacts.list_contacts("name", tag="even"))


def test_display_name_falls_back_to_what_identifies_the_person():
    assert person(organisation="Acme").display_name == "Acme"
    assert person(points=[Point("email", "x@y.z")]).display_name == "x@y.z"
    assert person().display_name == "(no name)"


def test_dates_read_as_people_say_them():
    today = dt.date(2026, 11, 23)
    assert describe_date("1980-03-22", today) == "22 March 1980 (46)"
    assert describe_date("1980-12-01", today) == "1 December 1980 (45)"
    assert describe_date("--0203", today) == "3 February"
    assert describe_date("not a date", today) == "not a date"


def test_a_bulk_save_counts_one_change_a_person_and_keeps_the_change_triggers(notebook):
    """A save of many new people pauses the triggers that count each phone and kept property
    written (contacts._changes_counted_once): afterwards each person has changed once, the
    triggers are back, and an edit still counts."""
    from model.schema import database

    def triggers():
        return sorted(name for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall())

    before = triggers()
    people = [person(given_name=f"P{n}", tags=["bulk"], vcard_properties=["X-A:1", "X-B:2"],
                     points=[Point("phone", f"+1 912 555 {n:04d}", "mobile"), Point("email", f"p{n}@example.com")])
              for n in range(150)]
    ids = contacts.add_contacts(people)
    assert triggers() == before
    stamps = {contact_id: version for contact_id, _uid, version in contacts.change_stamps(ids)}
    assert set(stamps.values()) == {"1"} and len(stamps) == 150
    edited = contacts.get_contact(ids[7])
    edited.points.append(Point("email", "second@example.com"))
    contacts.update_contact(edited)
    assert contacts.change_stamps([ids[7]])[0][2] != "1"
    # A few people at once (an editor's save) go through the triggers, one count a row.
    [few] = contacts.add_contacts([person(given_name="One", points=[Point("phone", "+1 912 555 0001")])])
    assert contacts.change_stamps([few])[0][2] == "1"
    # Many replaced at once (an import's people that later cards joined): one count more each.
    before_replace = {contact_id: int(version) for contact_id, _uid, version in contacts.change_stamps(ids)}
    replaced = contacts.get_contacts(ids[:120])
    for record in replaced:
        record.points.append(Point("email", f"again{record.id}@example.com"))
    contacts.replace_stored([(record.id, contacts.stored_form(record)) for record in replaced])
    assert triggers() == before
    after = {contact_id: int(version) for contact_id, _uid, version in contacts.change_stamps(ids)}
    assert all(after[i] == before_replace[i] + 1 for i in ids[:120])
    assert all(after[i] == before_replace[i] for i in ids[120:])
    assert all(any(p.value == f"again{r.id}@example.com" for p in r.points) for r in contacts.get_contacts(ids[:120]))


def test_a_failed_bulk_save_leaves_the_triggers_in_place(notebook):
    from model.schema import database

    count = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
    before = database.execute_sql(count).fetchone()[0]
    people = [person(given_name=f"P{n}", vcard_properties=["X-A:1"]) for n in range(150)]
    people[-1].vcard_properties = [None]  # vcard_property.line is NOT NULL: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        contacts.add_contacts(people)
    assert database.execute_sql(count).fetchone()[0] == before
    assert database.execute_sql("SELECT count(*) FROM contact").fetchone()[0] == 0


def test_a_failed_bulk_save_inside_a_callers_transaction_goes_with_it(notebook):
    """Inside a transaction of the caller's (an import's), a save makes no savepoint of its own:
    what it wrote before failing is rolled back with the caller's transaction."""
    from model.schema import database

    count = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
    triggers = database.execute_sql(count).fetchone()[0]
    contacts.add_contact(person(given_name="Kept"))
    people = [person(given_name=f"P{n}", vcard_properties=["X-A:1"]) for n in range(150)]
    people[-1].vcard_properties = [None]
    with pytest.raises(sqlite3.IntegrityError), database.atomic():
        contacts.add_contact(person(given_name="Before"))
        contacts.add_contacts(people)
    assert [record.given_name for record in contacts.iter_contacts()] == ["Kept"]
    assert database.execute_sql(count).fetchone()[0] == triggers
    assert search.search("P1") == [] and search.search("Before") == []
