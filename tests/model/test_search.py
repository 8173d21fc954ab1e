"""Typing two letters finds people by name, company, place, notes, tags, handles and numbers."""

from model import contacts, search
from model.contacts import ContactPointRecord as Point
from model.contacts import ContactRecord


def names(ids):
    return [c.display_name for c in contacts.get_contacts(ids)]


def test_two_letters_find_by_every_kind_of_field(sample_notebook):
    assert "Cathy Rogers" in names(search.search("ca"))
    assert names(search.search("doxb")) == ["Cheryl Lopata"]
    assert set(names(search.search("savannah"))) == {"Cathy Rogers", "Heather Townsend", "Betsy Groves"}
    assert names(search.search("sailing")) == ["Cathy Rogers"]
    assert "Kwame Mensah" in names(search.search("fintech"))  # a tag
    assert names(search.search("aprilob")) == ["April O'Brien"]  # an X handle
    assert names(search.search("9125550143")) == ["Cathy Rogers"]  # a phone's digits


def test_accents_and_case_do_not_matter(sample_notebook):
    assert names(search.search("zoe angs")) == ["Zoë Ångström"]
    assert names(search.search("LUKASZ")) == ["Łukasz Nowak"] or names(search.search("Łukasz")) == ["Łukasz Nowak"]
    assert names(search.search("мар")) == ["Мария Иванова"]


def test_a_name_match_ranks_above_a_note_match(notebook):
    contacts.add_contact(ContactRecord(given_name="Anna", notes="Met Sailor at the harbour"))
    contacts.add_contact(ContactRecord(given_name="Sailor", family_name="Moon"))
    assert names(search.search("sailor")) == ["Sailor Moon", "Anna"]


def test_every_word_must_match(sample_notebook):
    assert names(search.search("groves realty betsy")) == ["Betsy Groves"]
    assert search.count_matches("groves realty") == 2


def test_the_index_follows_edits_and_deletes(notebook):
    contact_id = contacts.add_contact(ContactRecord(given_name="Faye", points=[Point("email", "faye@rossi.it")]))
    record = contacts.get_contact(contact_id)
    record.organisation = "Rossi Vini"
    contacts.update_contact(record)
    assert search.search("vini") == [contact_id]
    contacts.delete_contacts([contact_id])
    assert search.search("faye") == []


def test_punctuation_alone_finds_nothing_and_quotes_are_safe(sample_notebook):
    assert search.search("  -- ") == []
    assert search.search('"cathy') == search.search("cathy")
    assert names(search.search("o'brien")) == ["April O'Brien"]


def test_search_within_a_tag(sample_notebook):
    everyone = set(names(search.search("sa")))
    investors = set(names(search.search("sa", tag="investors")))
    assert investors and investors < everyone


def test_a_broad_prefix_lists_name_matches_first_and_pages_through_every_match(notebook, monkeypatch):
    monkeypatch.setattr(search, "_RANK_ALL_UP_TO", 3)  # the broad path, without 2,000 people
    noted = [contacts.add_contact(ContactRecord(given_name=f"Person {n}", notes="sailing on Sundays"))
             for n in range(4)]
    named = [contacts.add_contact(ContactRecord(given_name="Sailor", family_name=family))
             for family in ("Moon", "Sailsbury Sails")]
    contacts.add_contact(ContactRecord(given_name="Nobody", notes="rowing"))
    found = search.search("sail")
    assert found[:2] == [named[1], named[0]]  # ranked: two name words beat one
    assert found[2:] == noted[::-1]  # then the others, the most recently added first
    pages = [search.search("sail", limit=2, offset=offset) for offset in range(0, 8, 2)]
    assert sum(pages, []) == found and search.count_matches("sail") == 6
    assert search.search("sail", tag="nobody-has-it") == []


def test_the_index_of_an_older_notebook_gains_one_letter_prefixes_and_finds_the_same(tmp_path):
    """Schema version 17 remakes the search index with one-letter prefixes (a search such as
    "Berlin C" no longer merges every term that begins with c): an older notebook's index is
    copied into it, and every search finds what it found before."""
    from model import migrations, storage

    path = tmp_path / "older.rapport"
    notebook = storage.open_notebook(path, target_version=16)
    contacts.add_contacts([ContactRecord(given_name=given, family_name=family, city=city)
                           for given, family, city in [("Carla", "Becker", "Berlin"), ("Ann", "Cole", "Berlin"),
                                                       ("Bo", "Diaz", "Boston"), ("Cy", "Ames", "Cairo")]])
    asked = ["Berlin C", "C", "b", "Berl", "Cairo", "zz"]
    before = {text: search.search(text) for text in asked}
    notebook.close()
    notebook = storage.open_notebook(path)
    assert notebook.schema_version == migrations.CURRENT_VERSION
    sql = notebook.database.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'contact_search'").fetchone()[0]
    assert "prefix = '1 2 3'" in sql
    assert {text: search.search(text) for text in asked} == before
    assert len(before["Berlin C"]) == 2 and before["zz"] == []
    notebook.close()


def _cards(count: int) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n} Bulkington\r\nN:Bulkington;Person {n};;;\r\n"
                   f"EMAIL:p{n}@bulk.example\r\nEND:VCARD\r\n" for n in range(count))


def _merging_settings() -> dict:
    from model.schema import database

    return dict(database.execute_sql("SELECT k, v FROM contact_search_config WHERE k != 'version'").fetchall())


def test_a_big_import_puts_off_merging_the_index_and_leaves_it_merged_with_fts5s_defaults(notebook, tmp_path):
    """An import of 1,000 or more people writes the index without merging as it goes, then
    optimizes once: afterwards FTS5 is as it was told by default, with one segment, and finds all."""
    from model import importer

    path = tmp_path / "bulk.vcf"
    path.write_text(_cards(1200), encoding="utf-8")
    importer.import_files([path])
    assert _merging_settings() == {"automerge": 4, "crisismerge": 16}
    assert search.count_matches("bulkington") == 1200 and names(search.search("p1199")) == ["Person 1199 Bulkington"]


def test_a_cancelled_big_import_leaves_the_index_settings_untouched(notebook, tmp_path):
    from model import importer
    from model.faults import ImportCancelled

    path = tmp_path / "bulk.vcf"
    path.write_text(_cards(2500), encoding="utf-8")
    plan = importer.read_plan([path])
    asked = []
    try:
        importer.apply_plan(plan, cancelled=lambda: asked.append(1) or len(asked) > 1)
    except ImportCancelled:
        pass
    else:
        raise AssertionError("the import was not cancelled")
    assert _merging_settings() == {} and search.count_matches("bulkington") == 0
