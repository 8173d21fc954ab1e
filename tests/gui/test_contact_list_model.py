"""The contact list reads a page at a time; every row must still be the right person, in order."""

from gui.models.contact_list_model import PAGE_SIZE, ContactListModel
from model import contacts, search
from model.contacts import ContactRecord


def test_rows_across_many_pages_match_the_notebook_in_order(notebook, qapp):
    people = [ContactRecord(given_name=f"Ada{n:03d}", family_name=("Sailor" if n % 3 else "Baker"),
                            organisation=f"Firm {n % 7}") for n in range(PAGE_SIZE * 3 + 5)]
    contacts.add_contacts(people)
    model = ContactListModel()
    assert model.rowCount() == len(people)
    wanted = [row.id for row in contacts.list_contacts(limit=len(people))]
    assert [model.contact_row(r).id for r in reversed(range(len(people)))] == wanted[::-1]  # pages out of order
    assert model.contact_row(len(people)) is None

    model.set_query(text="sailor")
    found = search.search("sailor", limit=len(people))
    assert model.rowCount() == len(found) == search.count_matches("sailor") > PAGE_SIZE
    assert [model.contact_row(r).id for r in range(model.rowCount())] == found

    model.set_query(text="", sort="company")
    assert [model.contact_row(r).id for r in range(model.rowCount())] == [
        row.id for row in contacts.list_contacts("company", limit=len(people))]
