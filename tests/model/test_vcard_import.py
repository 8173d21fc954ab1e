"""vCard import over the real-world corpus: content, round trips, plans and bad input."""

import io
import json

import pytest

from model import contacts, importer, storage, vcard
from tests.conftest import CORPUS

VCARDS = CORPUS / "vcards"
ALL_FILES = sorted(VCARDS.glob("*.vcf"))


def read(name):
    return list(vcard.read_cards(VCARDS / name))


def only_record(name):
    cards = read(name)
    assert len(cards) == 1 and cards[0].record is not None, cards[0].error
    return cards[0].record


def points(record, kind):
    return [(p.label, p.value) for p in record.points if p.kind == kind]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_corpus_file_reads_without_a_crash(path):
    cards = list(vcard.read_cards(path))
    assert cards
    assert all(card.record is not None or card.error for card in cards)


def test_android_quoted_printable_utf8_with_soft_breaks():
    cards = read("ezvcard-android-john-doe.vcf")
    assert [c.record.display_name for c in cards[:2]] == ["john.doe@company.com", "jane.doe@company.com"]
    assert cards[3].record.given_name == "" and cards[3].record.family_name == "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"
    assert cards[3].record.notes.count("Ñ") == 42  # two NOTEs of 8 + 8 + 5 over soft line breaks
    bob = cards[4].record
    assert ("work fax", "123456") in points(bob, "phone")
    assert bob.photo.startswith(b"\xff\xd8") and bob.photo_type == "image/jpeg"
    assert all(card.record is not None for card in cards)


def test_iphone_photo_lines_that_are_not_folded_and_apple_labels():
    john = only_record("ezvcard-iphone-john-doe.vcf")
    assert john.photo[:2] == b"\xff\xd8" and john.photo[-2:] == b"\xff\xd9" and len(john.photo) > 30000
    assert (john.organisation, john.department, john.title) == ("IBM", "Accounting", "Money Counter")
    assert ("assistant phone", "905-222-1234") in points(john, "phone")
    assert ("mobile", "905-555-1234") in points(john, "phone")
    assert ("home page", "http://www.ibm.com") in points(john, "url")
    work = [p for p in john.points if p.kind == "address" and p.label == "work"][0]
    assert work.parts[2] == "Street4\nBuilding 6\nFloor 8" and work.parts[3] == "New York"


def test_outlook_quoted_printable_labels_and_kept_ms_properties():
    john = only_record("ezvcard-outlook-john-doe.vcf")
    assert john.birthday == "19800322"
    assert ("work", "(905) 555-1234") in points(john, "phone")
    assert "X-MS-ANNIVERSARY:20110113" in john.vcard_properties
    label = [line for line in john.vcard_properties if line.startswith("LABEL;TYPE=WORK")][0]
    assert "Cresent moon drive\\nAlbaney, New York  12345" in label
    assert john.photo[:2] == b"\xff\xd8"


def test_gmail_groups_escapes_and_related_names():
    john = only_record("ezvcard-gmail-john-doe.vcf")
    # "Richter\, James": an escaped comma is the text's own (RFC 6350 3.4), not a list separator
    assert john.additional_names == "Richter, James" and john.prefix == "Mr." and john.suffix == "Sr."
    assert john.notes.startswith('THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"')
    assert john.notes.endswith("\nFavotire Color: Blue")
    assert "item2.X-ABRELATEDNAMES:Jenny" in john.vcard_properties
    assert "item2.X-ABLabel:_$!<Spouse>!$_" in john.vcard_properties


def test_vcard_4_uri_phones_partial_birthday_and_hangul():
    simon = only_record("ezvcard-rfc6350-example.vcf")
    assert points(simon, "phone") == [("work", "+1-418-656-9254;ext=102"), ("work mobile video", "+1-418-262-6501")]
    assert [p.preferred for p in simon.points if p.kind == "phone"] == [True, False]  # PREF=1
    assert simon.birthday == "--0203" and simon.gender == "M"
    assert "GEO;TYPE=work:geo:46.772673,-71.282945" in simon.vcard_properties
    assert only_record("khard-korean-v4.vcf").display_name == "최유림"
    assert only_record("khard-tel-value-uri.vcf").points[0].value == "67545678"
    assert only_record("khard-apple-grouped-label.vcf").organisation == "Test Inc"


def test_social_profiles_and_messengers_become_handles():
    card = only_record("ezvcard-fullcontact-export.vcf")
    services = {p.service for p in card.points if p.kind == "handle"}
    assert {"xmpp", "skype", "aim", "yahoo"} <= services
    assert ("school", "school@example.com") in points(card, "email")


def clean_files():
    return [path for path in ALL_FILES if all(c.record for c in vcard.read_cards(path))]


def comparable(record, version="3.0"):
    """Every field of a person; points in their order within each kind (vCard groups them by kind);
    kept properties as `version` writes them (2.1's bare parameters as TYPE=, say)."""
    ordered_points = sorted(record.points, key=lambda p: p.kind)
    return (record.display_name, record.prefix, record.given_name, record.additional_names, record.family_name,
            record.suffix, record.nickname, record.organisation, record.department, record.title, record.birthday,
            record.anniversary, record.gender, record.notes, record.photo, record.uid, sorted(record.tags),
            record.phonetic_family, record.phonetic_given, record.prep, record.introduced_by_uid,
            [(p.kind, p.value, p.label, p.service, p.preferred, p.normalised, p.parts) for p in ordered_points],
            [vcard._kept_line(line, version) for line in record.vcard_properties])


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@pytest.mark.parametrize("path", clean_files(), ids=lambda p: p.name)
def test_round_trip_import_export_import_keeps_every_field(tmp_path, path, version):
    first = storage.open_notebook(tmp_path / "first.rapport")
    importer.apply_plan(importer.read_plan([path]))
    before = [comparable(r, version) for r in contacts.iter_contacts()]
    exported = tmp_path / "out.vcf"
    with open(exported, "w", encoding="utf-8", newline="") as stream:
        vcard.write_vcards(contacts.iter_contacts(), stream, version)
    first.close()
    second = storage.open_notebook(tmp_path / "second.rapport")
    plan = importer.read_plan([exported])
    assert plan.summary()["rejected"] == []
    importer.apply_plan(plan)
    after = [comparable(r, version) for r in contacts.iter_contacts()]
    second.close()
    assert after == before


def test_importing_the_same_files_twice_changes_nothing(notebook):
    first = importer.read_plan([VCARDS])
    importer.apply_plan(first)
    count = contacts.count_contacts()
    second = importer.read_plan([VCARDS])
    summary = second.summary()
    rejected = first.summary()["rejected"]
    assert rejected == summary["rejected"]  # reported again, the same way
    assert summary["unchanged"] == summary["cards"] - len(rejected) == first.cards - len(rejected)
    importer.apply_plan(second)
    assert contacts.count_contacts() == count


def test_the_same_person_from_three_phones_becomes_one_contact(notebook):
    files = [VCARDS / name for name in ("ezvcard-gmail-john-doe.vcf", "ezvcard-iphone-john-doe.vcf",
                                         "ezvcard-macos-addressbook-john-doe.vcf")]
    plan = importer.read_plan(files)
    assert [item.outcome for item in plan.items] == ["new", "update", "update"]
    importer.apply_plan(plan)
    assert contacts.count_contacts() == 1
    john = next(contacts.iter_contacts())
    numbers = {p.normalised for p in john.points if p.kind == "phone"}
    assert {"+19055551234", "+19056661234", "+19057771234"} <= numbers  # every number kept
    assert john.photo is not None and len(john.photo) > 30000  # the larger photo wins
    assert "THIS SOFTWARE IS PROVIDED" in john.notes


def test_merge_keeps_the_users_edit_and_adds_the_other_value_to_notes(notebook):
    cathy = contacts.ContactRecord(given_name="Cathy", family_name="Rogers", title="Community Lead",
                                   points=[contacts.ContactPointRecord("email", "cathy@example.com")])
    contacts.add_contact(cathy)
    incoming = contacts.ContactRecord(given_name="Cathy", family_name="rogers", title="Blogger",
                                      points=[contacts.ContactPointRecord("email", "CATHY@example.com"),
                                              contacts.ContactPointRecord("phone", "+1 912 555 0143")])
    contacts.normalise_points(incoming)
    merged, changes = importer.merge(contacts.get_contact(cathy.id), incoming)
    assert merged.title == "Community Lead"
    assert "Also imported: title: Blogger" in merged.notes
    assert [p.kind for p in merged.points] == ["email", "phone"]
    assert "phone: +1 912 555 0143" in changes


def test_similar_name_with_other_details_is_a_possible_duplicate(notebook, tmp_path):
    contacts.add_contact(contacts.ContactRecord(given_name="Anna", family_name="Kowalski",
                                                points=[contacts.ContactPointRecord("email", "anna@nordlys.no")]))
    card = tmp_path / "anna.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalski;Anna;;;\r\nFN:Anna Kowalski\r\n"
                    "EMAIL:anna.k@gmail.com\r\nEND:VCARD\r\n")
    plan = importer.read_plan([card])
    assert plan.items[0].outcome == importer.DUPLICATE
    importer.apply_plan(plan)  # the safe default keeps both
    assert contacts.count_contacts() == 2
    plan = importer.read_plan([card])
    plan.items[0].choice = importer.MERGE
    importer.apply_plan(plan)
    assert contacts.count_contacts() == 2  # merged into the first Anna this time


# -- Bad input ------------------------------------------------------------------------------

GOOD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Person\r\nN:Person;Good;;;\r\nTEL:+1 912 555 0100\r\nEND:VCARD\r\n"


def plan_of(tmp_path, data: bytes, name="input.vcf"):
    path = tmp_path / name
    path.write_bytes(data)
    return importer.read_plan([path])


def test_a_card_without_end_is_reported_and_the_next_comes_in(notebook, tmp_path):
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\n" + GOOD.encode()
    plan = plan_of(tmp_path, data)
    assert [item.outcome for item in plan.items] == ["rejected", "new"]
    assert plan.items[0].line == 1 and "END:VCARD" in plan.items[0].reason


def test_a_truncated_file_reports_the_last_card(notebook, tmp_path):
    plan = plan_of(tmp_path, (GOOD + GOOD.replace("Good", "Other")[:60]).encode())
    assert [item.outcome for item in plan.items] == ["new", "rejected"]
    assert plan.items[1].line == 7


def test_binary_garbage_and_empty_files_are_not_vcards(notebook, tmp_path):
    import random

    garbage = bytes(random.Random(3).randrange(256) for _ in range(20000))
    for data in (garbage, b"", b"Dear Cathy,\nthis is a letter.\n"):
        plan = plan_of(tmp_path, data)
        assert [item.outcome for item in plan.items] == ["rejected"]
        assert "not a vCard file" in plan.items[0].reason


def test_a_broken_line_rejects_only_its_card_with_the_line_number(notebook, tmp_path):
    broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad\r\nNOTE;TYPE=work\r\nEND:VCARD\r\n"
    plan = plan_of(tmp_path, (GOOD + broken + GOOD.replace("Good", "Third")).encode())
    assert [item.outcome for item in plan.items] == ["new", "rejected", "new"]
    assert plan.items[1].line == 10 and "cannot read this line" in plan.items[1].reason


def test_a_raw_line_break_inside_a_value_is_kept_as_part_of_it(notebook, tmp_path):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Run On\r\nNOTE:first line\r\nsecond line, unfolded\r\nEND:VCARD\r\n"
    assert plan_of(tmp_path, card.encode()).items[0].record.notes == "first line\nsecond line, unfolded"


def test_latin1_and_shift_jis_charsets(notebook, tmp_path):
    latin = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Müller;Jürgen\r\nEND:VCARD\r\n".encode("cp1252")
    assert plan_of(tmp_path, latin).items[0].record.family_name == "Müller"
    sjis = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS:山田;太郎\r\nEND:VCARD\r\n".encode("shift_jis")
    assert plan_of(tmp_path, sjis).items[0].record.display_name == "太郎 山田"
    utf16 = ("\ufeff" + GOOD).encode("utf-16")
    assert plan_of(tmp_path, utf16).items[0].record.display_name == "Good Person"
    bom = b"\xef\xbb\xbf" + GOOD.replace("\r\n", "\n").encode()
    assert plan_of(tmp_path, bom).items[0].record.display_name == "Good Person"


def test_a_huge_photo_is_scaled_down(notebook, tmp_path):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (6000, 4000), (200, 120, 40)).save(picture, "PNG")
    import base64

    data = base64.b64encode(picture.getvalue()).decode()
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=PNG:{data}\r\nEND:VCARD\r\n"
    record = plan_of(tmp_path, card.encode()).items[0].record
    assert max(Image.open(io.BytesIO(record.photo)).size) == 512


def test_a_million_line_file_is_read_as_a_stream(notebook, tmp_path):
    path = tmp_path / "big.vcf"
    with open(path, "wb") as stream:
        for number in range(100_000):
            stream.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P{number}\r\nNOTE:x\r\n"
                         f"EMAIL:p{number}@example.com\r\nTEL:+1 555 010 {number % 10000:04d}\r\n"
                         f"X-A:1\r\n X-B:2\r\nX-C:3\r\nEND:VCARD\r\n".encode())
    count = sum(1 for card in vcard.read_cards(path) if card.record)
    assert count == 100_000  # 1,000,000 lines


def test_cli_import_json_and_exit_codes(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    bad = tmp_path / "bad.vcf"
    bad.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\n" + GOOD.encode())
    db = tmp_path / "cli.rapport"

    def run(*files):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "--import", *map(str, files),
                                 "--json"], capture_output=True, text=True, env=dict(os.environ), timeout=120)
        return result.returncode, json.loads(result.stdout)

    code, summary = run(VCARDS / "ezvcard-gmail-list.vcf")
    assert code == 0 and summary["new"] == 3 and summary["files"] == 1 and summary["rejected"] == []
    code, summary = run(bad)
    assert code == 2 and summary["rejected"] == [{"file": str(bad), "line": 1,
                                                  "reason": "the card has no END:VCARD before line 4"}]
    garbage = tmp_path / "garbage.vcf"
    garbage.write_bytes(b"\x00\x01\x02 not at all")
    code, summary = run(garbage)
    assert code == 1 and summary["cards"] == 1 and len(summary["rejected"]) == 1


def test_a_process_killed_in_the_middle_of_an_import_leaves_the_notebook_as_it_was(tmp_path):
    """kill -9 half way through applying a 3,000-card import: the notebook opens, intact, unchanged."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    cards = tmp_path / "many.vcf"
    cards.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n"
                             f"TEL:+1 912 555 {n:04d}\r\nEND:VCARD\r\n" for n in range(3000)), encoding="utf-8")
    path = tmp_path / "mine.rapport"
    notebook = storage.open_notebook(path)
    contacts.add_contact(contacts.ContactRecord(given_name="Already", family_name="There"))
    notebook.close()
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from model import importer, storage
storage.open_notebook({str(path)!r})
plan = importer.read_plan([{str(cards)!r}])
def progress(done, total):
    if done >= total // 2:
        os.kill(os.getpid(), 9)  # no clean-up, no rollback: as a power cut or a kill would
importer.apply_plan(plan, progress)
"""
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    notebook = storage.open_notebook(path)
    try:
        assert notebook.database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [row.display_name for row in contacts.list_contacts()] == ["Already There"]
        assert contacts.count_contacts() == 1
    finally:
        notebook.close()


def test_comment_lines_are_skipped_and_a_soft_broken_hash_is_kept():
    """android-v21-hash-comment-lines.vcf: lines that begin with # are comments, except where a
    quoted-printable soft break carries the value on to a line that happens to begin with #."""
    (card,) = vcard.read_cards(VCARDS / "android-v21-hash-comment-lines.vcf")
    assert card.record.formatted_name == "Conference Call"
    assert card.record.notes == "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."


def test_a_file_of_comments_only_is_reported_not_read(tmp_path):
    path = tmp_path / "comments.vcf"
    path.write_text("# BEGIN:VCARD\r\n# FN:Nobody\r\n# END:VCARD\r\n", encoding="utf-8")
    (card,) = vcard.read_cards(path)
    assert card.record is None and card.error == "this is not a vCard file: no BEGIN:VCARD"


def test_macos_bare_base64_photo_is_decoded():
    """ezvcard-macos-addressbook-john-doe.vcf writes `PHOTO;BASE64:` (no ENCODING=): a real JPEG."""
    from PIL import Image

    (card,) = vcard.read_cards(VCARDS / "ezvcard-macos-addressbook-john-doe.vcf")
    assert card.record.photo_type == "image/jpeg"
    image = Image.open(io.BytesIO(card.record.photo))
    image.load()
    assert image.format == "JPEG" and min(image.size) > 10


def test_a_phone_photo_stored_sideways_is_turned_upright():
    """A JPEG whose EXIF says "rotate 90° clockwise" (orientation 6), as phones save portraits."""
    from PIL import Image

    from model import photos

    wide = Image.new("RGB", (60, 20), "white")
    wide.paste((200, 0, 0), (0, 0, 10, 20))  # a red band on the left edge as stored
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = io.BytesIO()
    wide.save(stored, "JPEG", exif=exif.tobytes())
    data, kind = photos.prepare(stored.getvalue())
    upright = Image.open(io.BytesIO(data))
    assert kind == "image/jpeg" and upright.size == (20, 60)
    assert upright.getexif().get(0x0112, 1) == 1  # no tag left to turn it twice
    red, _green, _blue = upright.convert("RGB").getpixel((10, 3))
    assert red > 150  # the left edge is now the top


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_kept_logo_and_sound_over_4_kb_survive_the_notebook_and_the_export(notebook, tmp_path, version):
    """kcontacts-kaddressbook-logo-photo-sound.vcf: LOGO (a PNG) and SOUND (a WAV) of several KB,
    kept with no column of their own, come back byte for byte in 3.0 (ENCODING=b) and 4.0 (data:)."""
    import base64

    import vobject

    path = VCARDS / "kcontacts-kaddressbook-logo-photo-sound.vcf"
    (source,) = vobject.readComponents(path.read_text(encoding="utf-8"))
    logo, sound = source.logo.value, source.sound.value  # vobject decodes them: the reference
    importer.apply_plan(importer.read_plan([path]))
    (record,) = contacts.iter_contacts()
    text = vcard.serialize(record, version)
    if version == "3.0":
        (written,) = vobject.readComponents(text)
        assert written.logo.value == logo and written.sound.value == sound
    else:  # vobject splits a 4.0 URI value at its comma, so the unfolded lines are read here
        lines = {line.split(":", 1)[0]: line.split(":", 1)[1] for line in text.replace("\r\n ", "").splitlines()}
        for name, data, kind in (("LOGO", logo, "data:image/png;base64,"), ("SOUND", sound, "data:audio/wav;base64,")):
            assert lines[name].startswith(kind), lines[name][:40]
            assert base64.b64decode(lines[name].partition(",")[2]) == data
    assert len(logo) > 3000 and len(sound) > 4000


def test_kaddressbook_messaging_names_with_a_slash_are_read_as_handles(tmp_path):
    """KAddressBook writes `X-messaging/xmpp-All:`: a name with "/" was taken for the previous
    line's continuation (the UID became "12345\\nX-messaging/…" and the handles were lost)."""
    path = tmp_path / "kde.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Heiko Mustermann\r\nN:Mustermann;Heiko;;;\r\nUID:12345\r\n"
                    "X-messaging/xmpp-All:heiko@jabber.example.org\r\nX-messaging/skype-All:heiko.m\r\n"
                    "X-KADDRESSBOOK+Odd:kept\r\nEND:VCARD\r\n", encoding="utf-8")
    (card,) = vcard.read_cards(path)
    assert card.error == "" and card.record.uid == "12345"
    handles = {(p.service, p.value) for p in card.record.points if p.kind == "handle"}
    assert handles == {("xmpp", "heiko@jabber.example.org"), ("skype", "heiko.m")}
    assert card.record.vcard_properties == ["X-KADDRESSBOOK-Odd:kept"]


def test_an_android_address_continued_by_trailing_backslashes_keeps_its_lines():
    """android-v21-adr-backslash-continuation.vcf: a Packstation address over three physical lines,
    each ended by a backslash (AOSP's own test reads the street as three lines), showed literal \\n."""
    (card,) = vcard.read_cards(VCARDS / "android-v21-adr-backslash-continuation.vcf")
    first, second = [p.parts for p in card.record.points if p.kind == "address"]
    assert first == ["", "", "Grindelberg 999", "Hamburg", "", "99999", "Deutschland"]
    assert second == ["", "", "Hermann v. Brevern\n9999999\nPackstation 999", "Hamburg", "", "99999", "Deutschland"]


def test_a_card_whose_fn_is_the_name_shown_already_changes_nothing(notebook, tmp_path):
    """The notebook's Cathy has no FN of her own (her name shows as given and family); her phone's
    card, with FN:Cathy Rogers and nothing new, is unchanged, not an update that "adds name"."""
    contacts.add_contact(contacts.ContactRecord(given_name="Cathy", family_name="Rogers",
                                                points=[contacts.ContactPointRecord("email", "cathy@example.com")]))
    card = tmp_path / "cathy.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rogers;Cathy;;;\r\nFN:Cathy Rogers\r\n"
                    "EMAIL:cathy@example.com\r\nEND:VCARD\r\n")
    assert importer.read_plan([card]).items[0].outcome == importer.UNCHANGED
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rogers;Cathy;;;\r\nFN:Cathy R. of Savannah\r\n"
                    "EMAIL:cathy@example.com\r\nEND:VCARD\r\n")
    item = importer.read_plan([card]).items[0]
    assert item.outcome == importer.UPDATE and item.changes == ["name: Cathy R. of Savannah"]
