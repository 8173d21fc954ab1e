"""How names are read and sorted, and what else of a person a card carries between two Rapports:
phonetic names (SORT-AS, X-PHONETIC-*, SOUND;X-IRMC-N), collation order, prep lines and who
introduced whom; and the 2.1 line details (soft-break spaces, backslashes)."""

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import collation, contacts, importer, migrations, prep, vcard
from model.contacts import ContactRecord
from model.storage import open_notebook
from tests.conftest import CORPUS

VCARDS = CORPUS / "vcards"


def records(name):
    return [card.record for card in vcard.read_cards(VCARDS / name)]


def read_text(text):
    cards = list(vcard.read_stream(io.BytesIO(text.encode("utf-8")), "test.vcf"))
    assert cards and cards[0].record is not None, cards[0].error
    return cards[0].record


# -- Phonetic names ---------------------------------------------------------------------------


def test_sort_as_gives_the_reading_of_a_japanese_name():
    record, = records("android-v40-sort-as-japanese.vcf")
    assert (record.family_name, record.given_name) == ("安藤", "ロイド")
    assert (record.phonetic_family, record.phonetic_given) == ("あんどう", "ろいど")
    assert not any("SORT-AS" in line for line in record.vcard_properties)


def test_x_phonetic_names_are_read():
    record, = records("ezvcard-gmail-john-doe.vcf")
    assert (record.phonetic_family, record.phonetic_given) == ("Dow", "Jon")
    assert not any(line.upper().startswith("X-PHONETIC-") for line in record.vcard_properties)


def test_a_japanese_phone_gives_the_reading_as_sound_x_irmc_n():
    first = records("android-docomo-nec-shiftjis-3cards.vcf")[0]
    assert first.family_name == "安藤ロイド3" and first.phonetic_family == "ｱﾝﾄﾞｳﾛｲﾄﾞ3"


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_phonetic_names_are_written_where_other_programs_read_them(version):
    record = ContactRecord(family_name="安藤", given_name="ロイド", phonetic_family="あんどう", phonetic_given="ろいど")
    text = vcard.serialize(record, version)
    assert "X-PHONETIC-LAST-NAME:あんどう" in text and "X-PHONETIC-FIRST-NAME:ろいど" in text
    if version == "4.0":  # RFC 6350 5.9: SORT-AS on N, family then given
        assert "N;SORT-AS=あんどう,ろいど:安藤;ロイド;;;" in text
    again = read_text(text)
    assert (again.phonetic_family, again.phonetic_given) == ("あんどう", "ろいど") and not again.vcard_properties


# -- Collation --------------------------------------------------------------------------------


def test_names_sort_by_letter_not_by_code_point():
    names = ["Zimmer", "Łukasz", "Mazur", "Lewandowski", "Østergaard", "Olsen", "Ærø", "Adams", "Nowak"]
    ordered = sorted(names, key=collation.sort_key)
    assert ordered.index("Łukasz") < ordered.index("Mazur")  # with the L's, not after Z (UCA, DUCET)
    assert ordered.index("Olsen") < ordered.index("Østergaard") < ordered.index("Zimmer")
    assert ordered.index("Adams") < ordered.index("Ærø") < ordered.index("Lewandowski")
    assert ordered[-1] == "Zimmer"


def test_a_prefix_sorts_before_the_longer_name_and_accents_only_break_ties():
    assert collation.sort_key("Lee") < collation.sort_key("Leeds")
    assert collation.sort_key("Muller") < collation.sort_key("Mullins")
    assert collation.sort_key("Müller") < collation.sort_key("Mullins")


def test_the_list_orders_people_by_the_reading_of_their_names(notebook):
    people = [ContactRecord(family_name="安藤", given_name="ロイド", phonetic_family="あんどう"),
              ContactRecord(family_name="中村", given_name="花子", phonetic_family="なかむら"),
              ContactRecord(family_name="伊藤", given_name="健", phonetic_family="いとう"),
              ContactRecord(family_name="Łaski", given_name="Jan"),
              ContactRecord(family_name="Zimmer", given_name="Eva"),
              ContactRecord(family_name="Lopez", given_name="Ana")]
    contacts.add_contacts(people)
    order = [record.family_name for record in contacts.iter_contacts()]
    assert order == ["Łaski", "Lopez", "Zimmer", "安藤", "伊藤", "中村"]  # あ, い, な: by reading


def test_a_notebook_of_version_7_is_sorted_again_and_keeps_its_phonetic_lines(tmp_path):
    path = tmp_path / "old.rapport"
    old = open_notebook(path, target_version=7)
    for family, key in (("Zimmer", "zimmer"), ("Łaski", "łaski"), ("Lopez", "lopez")):
        contact_id = old.database.execute_sql(
            "INSERT INTO contact (family_name, display_name, sort_key, uid, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '', '')", (family, family, key, f"uid-{family}")).lastrowid
    old.database.execute_sql("INSERT INTO vcard_property (contact_id, position, line) VALUES (?, 0, ?)",
                             (contact_id, "X-PHONETIC-LAST-NAME:loh-pez"))
    old.close()
    notebook = open_notebook(path)
    try:
        assert notebook.schema_version == migrations.CURRENT_VERSION and notebook.backup_path.exists()
        people = list(contacts.iter_contacts())
        assert [r.family_name for r in people] == ["Łaski", "Lopez", "Zimmer"]
        lopez = people[1]
        assert lopez.phonetic_family == "loh-pez" and lopez.vcard_properties == []
    finally:
        notebook.close()



# The table from the cache folder against pyuca reading its own file: combining marks after a
# letter (pyuca's non-starter search), contractions, kana with voicing marks, Hangul, CJK
# ideographs (implicit weights), and what no table names.
SCRIPTS = ("AaZzŁłØøÆæßİı Ωωάέ Жжёй ЁЀ العربية עִבְרִית हिन्दी ไทย 한국어 ㄱㅏ 日本語 かがきぎカガｶﾞ 中文𠀀 "
           "\u0300\u0301\u0302\u0308\u0327\u0323\u05b0\u05bc\u093c\u0e48\u3099\u309a l·L· \U0001f600\ufffd")


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from pyuca import collator

    table = Path(collator.__file__).with_name("allkeys-10.0.0.txt")
    cache = tmp_path_factory.mktemp("collation") / "table.uca"
    read = collation.load(table, cache)  # reads the table and writes the cache
    assert cache.exists() and not list(cache.parent.glob("*.partial"))
    return table, cache, read, collation.load(table, cache)


def test_the_cached_table_is_the_one_pyuca_reads(tables):
    _table, _cache, read, cached = tables
    assert type(cached.table).__name__ == "_CachedTrie" and type(read.table).__name__ == "Trie"
    names = ["Łukasz", "Østergaard", "Ærø", "Zoë", "安藤ロイド", "あんどう", "ｱﾝﾄﾞｳ", "김민준", "Ἀθῆναι", "Nguyễn"]
    for name in names + list(SCRIPTS):
        text = unicodedata.normalize("NFD", name)
        assert [list(e) for e in cached.collation_elements(text)] == read.collation_elements(text), name
        assert cached.sort_key(text) == read.sort_key(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(SCRIPTS), max_size=12) | st.text(max_size=8))
def test_any_text_has_the_same_collation_elements_from_the_cache(tables, text):
    _table, _cache, read, cached = tables
    text = unicodedata.normalize("NFD", text)
    assert [list(e) for e in cached.collation_elements(text)] == read.collation_elements(text)


@pytest.mark.parametrize("damage", ["truncated", "a byte changed", "not a table", "empty", "a folder"])
def test_a_damaged_cached_table_is_read_again_from_the_table_and_mended(tables, tmp_path, damage):
    table, cache, read, _cached = tables
    good = cache.read_bytes()
    broken = tmp_path / "table.uca"
    if damage == "truncated":
        broken.write_bytes(good[:len(good) // 2])
    elif damage == "a byte changed":
        broken.write_bytes(good[:-100] + bytes([good[-100] ^ 0xFF]) + good[-99:])
    elif damage == "not a table":
        broken.write_bytes(b"\x00" * 64)
    elif damage == "empty":
        broken.write_bytes(b"")
    else:
        broken.mkdir()
    made = collation.load(table, broken)
    assert made.sort_key("Łukasz Østergaard") == read.sort_key("Łukasz Østergaard")
    if damage != "a folder":  # a folder in the way cannot be replaced by a file: it is left, and read past
        assert broken.read_bytes() == good
    assert not list(tmp_path.glob("*.partial"))


def test_a_cache_folder_that_cannot_be_written_still_sorts(tables, tmp_path):
    table, _cache, read, _cached = tables
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    made = collation.load(table, blocked / "collation" / "table.uca")
    assert made.sort_key("Ærø") == read.sort_key("Ærø")


# -- Prep and introductions in the card -----------------------------------------------------


def test_prep_and_the_introducer_travel_to_a_fresh_notebook_and_merge_without_doubling(tmp_path):
    first = open_notebook(tmp_path / "first.rapport")
    cathy_id, cheryl_id = contacts.add_contacts([ContactRecord(given_name="Cathy", family_name="Rogers"),
                                                 ContactRecord(given_name="Cheryl", family_name="Lopata")])
    cheryl = contacts.get_contact(cheryl_id)
    cheryl.introduced_by = cathy_id
    contacts.update_contact(cheryl)
    prep.add_lines(cheryl_id, "family", ["Husband Mark; daughter Emma, 12"])
    line_id, = prep.add_lines(cheryl_id, "ask_next", ["How did the launch go?"])
    prep.update_line(line_id, done=True)
    out = tmp_path / "people.vcf"
    vcard.export_file(contacts.iter_contacts(), out, "4.0")
    first.close()
    text = out.read_text(encoding="utf-8")
    assert "X-RAPPORT-FAMILY:Husband Mark\\; daughter Emma\\, 12" in text
    assert "X-RAPPORT-ASK-NEXT;X-RAPPORT-DONE=TRUE:How did the launch go?" in text
    assert "X-RAPPORT-INTRODUCED-BY:urn:uuid:" in text

    second = open_notebook(tmp_path / "second.rapport")
    try:
        importer.apply_plan(importer.read_plan([out]))
        people = {record.given_name: record for record in contacts.iter_contacts()}
        assert people["Cheryl"].introduced_by == people["Cathy"].id
        assert people["Cheryl"].prep == [("family", "Husband Mark; daughter Emma, 12", False),
                                         ("ask_next", "How did the launch go?", True)]
        again = importer.read_plan([out])
        assert again.summary()["unchanged"] == 2  # nothing new: the prep is already there
        prep.add_lines(people["Cheryl"].id, "small_talk", ["Red Sox"])
        importer.apply_plan(importer.read_plan([out]))
        assert len(contacts.get_contact(people["Cheryl"].id).prep) == 3
    finally:
        second.close()


def test_an_introducer_the_notebook_does_not_have_is_kept_for_later(notebook):
    text = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nN:;Ann;;;\r\n"
            "X-RAPPORT-INTRODUCED-BY:urn:uuid:00000000-0000-4000-8000-000000000001\r\nEND:VCARD\r\n")
    record = read_text(text)
    assert record.introduced_by_uid == "urn:uuid:00000000-0000-4000-8000-000000000001"
    contact_id, = importer.apply_plan(_plan(notebook, text)).contact_ids
    assert contacts.get_contact(contact_id).introduced_by is None  # nobody with that UID: nothing linked


def _plan(notebook, text):
    path = notebook.path.parent / "ann.vcf"
    path.write_text(text, encoding="utf-8")
    return importer.read_plan([path])


# -- Lines as 2.1 means them ------------------------------------------------------------------


def test_a_space_after_a_quoted_printable_soft_break_is_text():
    record = read_text("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\n"
                       "NOTE;ENCODING=QUOTED-PRINTABLE:Please come=\r\n to the party\r\nEND:VCARD\r\n")
    assert record.notes == "Please come to the party"


def test_a_backslash_before_a_letter_is_the_texts_own():
    record = read_text("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nNOTE:Files in C:\\Users\\Jane\r\nEND:VCARD\r\n")
    assert record.notes == "Files in C:\\Users\\Jane"
