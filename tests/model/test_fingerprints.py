"""A second import of an unchanged card costs a hash, not a parse (model/fingerprints.py): and the
fingerprint never lets a card through that the reader would read differently."""

import io

import pytest

from model import contacts, fingerprints, importer, parallel_read, vcard
from model.schema import database
from tests.conftest import CORPUS
from tests.model.test_parallel_read import card

VCARDS = CORPUS / "vcards"
pytestmark = pytest.mark.timeout(120)


def everyone():
    """The whole notebook, as comparable values."""
    return [(r.id, r.display_name, r.notes, r.uid, [(p.kind, p.value, p.label) for p in r.points], r.tags,
             r.photo, r.vcard_properties, r.birthday, r.city, r.time_zone) for r in contacts.iter_contacts()]


def parsed(data: bytes, first_line: int = 1):
    return [(c.line, c.error, c.record) for c in vcard.read_stream(io.BytesIO(data), "x", first_line=first_line)]


@pytest.mark.parametrize("path", sorted(VCARDS.glob("*.vcf")), ids=lambda p: p.name)
def test_each_fingerprinted_card_is_exactly_a_card_the_reader_reads(path):
    """Every region the fingerprinter cuts from a real file, read alone, is the card the reader
    reads there from the whole file; and unfolded as the digest sees it, it still reads the same
    (so two cards with one fingerprint always mean one person)."""
    data = path.read_bytes()
    whole = {line: record for line, error, record in parsed(data) if not error}
    for start, end, line, _after in fingerprints.regions(data):
        alone = parsed(data[start:end], first_line=line)
        assert [(line, "", whole.get(line))] == alone, f"{path.name}, line {line}"
        text = data[start:end].replace(b"\r\n", b"\n")
        if not fingerprints.unsafe_to_unfold(text):
            assert parsed(fingerprints._FOLD.sub(b"", text), line) == alone


def test_a_second_import_reads_no_card_it_has_and_changes_nothing(notebook):
    first = importer.read_plan([VCARDS])
    importer.apply_plan(first)
    before = everyone()
    second = importer.read_plan([VCARDS])
    # Cards with a fingerprint (not UTF-16, no lines left out, no soft break at their ends) are not read.
    skipped = [item for item in second.items if item.same]
    assert len(skipped) >= 50 and all(item.outcome == importer.UNCHANGED and item.name for item in skipped)
    assert second.summary()["new"] == second.summary()["updated"] == 0
    assert len(second.summary()["rejected"]) == len(first.summary()["rejected"]) == 1
    importer.apply_plan(second)
    assert everyone() == before


def test_one_card_changed_in_a_thousand_is_the_one_read(notebook, tmp_path, monkeypatch):
    path = tmp_path / "phone.vcf"
    cards = [card(n) for n in range(1000)]
    path.write_text("".join(cards), newline="")
    importer.import_files([path])
    cards[500] = cards[500].replace("EMAIL:p500@example.com", "EMAIL:p500@example.com\r\nTITLE:Captain")
    path.write_text("".join(cards), newline="")
    read = []
    real = vcard.card_to_record
    monkeypatch.setattr(vcard, "card_to_record", lambda properties, line: read.append(line) or real(properties, line))
    plan, _result = importer.import_files([path])
    assert read == [500 * 9 + 1]  # the changed card's BEGIN line (nine lines a card); the rest cost a hash each
    assert [item.line for item in plan.items if item.outcome == importer.UPDATE] == [4501]
    assert contacts.get_contact(plan.items[500].existing_id).title == "Captain"
    plan = importer.read_plan([path])  # and now it too is known
    assert all(item.same for item in plan.items)


def test_folded_again_or_with_other_line_endings_it_is_the_same_card(notebook, tmp_path):
    one = card(7)
    importer.import_files([_write(tmp_path / "a.vcf", one)])
    refolded = one.replace("NOTE:a long note folded over\r\n two lines",
                           "NOTE:a long note\r\n  folded over\r\n two lines")
    for variant in (one.replace("\r\n", "\n"), refolded):
        items = importer.read_plan([_write(tmp_path / "b.vcf", variant)]).items
        assert [(item.outcome, item.same) for item in items] == [(importer.UNCHANGED, True)]


def test_a_quoted_printable_soft_break_is_never_unfolded(tmp_path):
    """In a quoted-printable value a fold after a soft break keeps its space ("come to"): the two
    cards differ, and so do their fingerprints."""
    head = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Cometo;Ann\r\nNOTE;ENCODING=QUOTED-PRINTABLE:come="
    spaced = f"{head}\r\n to\r\nEND:VCARD\r\n".encode()
    glued = f"{head}\r\nto\r\nEND:VCARD\r\n".encode()
    assert parsed(spaced)[0][2].notes != parsed(glued)[0][2].notes
    assert fingerprints.normalised(spaced) != fingerprints.normalised(glued)


def test_a_card_whose_end_may_belong_to_a_soft_broken_value_is_not_fingerprinted():
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:A;B\r\nNOTE;QUOTED-PRINTABLE:x=\r\nEND:VCARD\r\nEND:VCARD\r\n"
    assert list(fingerprints.regions(data)) == []
    lone_cr = card(1, "\r").encode()
    assert list(fingerprints.regions(lone_cr)) == []  # lone CRs: the reader counts lines otherwise


def test_a_deleted_person_takes_their_fingerprints_and_comes_back_as_new(notebook, tmp_path):
    path = _write(tmp_path / "a.vcf", card(1) + card(2))
    _plan, result = importer.import_files([path])
    contacts.delete_contacts([result.contact_ids[0]])
    assert database.execute_sql("SELECT count(*) FROM card_fingerprint").fetchone()[0] == 2  # exact, normalised
    plan = importer.read_plan([path])
    assert [(item.outcome, item.same) for item in plan.items] == [(importer.NEW, False), (importer.UNCHANGED, True)]


def test_a_skipped_duplicate_is_asked_about_again(notebook, tmp_path):
    contacts.add_contact(contacts.ContactRecord(given_name="Anna", family_name="Kowalski",
                                                points=[contacts.ContactPointRecord("email", "anna@nordlys.no")]))
    path = _write(tmp_path / "anna.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalski;Anna;;;\r\nFN:Anna Kowalski\r\n"
                                         "EMAIL:anna.k@gmail.com\r\nEND:VCARD\r\n")
    plan = importer.read_plan([path])
    plan.items[0].choice = importer.SKIP
    importer.apply_plan(plan)
    assert importer.read_plan([path]).items[0].outcome == importer.DUPLICATE


def test_workers_skip_known_cards_too(notebook, tmp_path, monkeypatch):
    """A big file read by worker processes: known pieces are not sent to them at all."""
    path = _write(tmp_path / "big.vcf", "".join(card(n) for n in range(3000)))
    monkeypatch.setattr(parallel_read, "PIECE_BYTES", 16384)
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)
    first, _ = importer.import_files([path])
    sent = []
    real = parallel_read._submit
    monkeypatch.setattr(parallel_read, "_submit", lambda pool, job: sent.append(job) or real(pool, job))
    cards = list(parallel_read.read_files([path], importer.read_card, workers=2, known=fingerprints.known()))
    assert sent == [] and len(cards) == 3000 and all(c.same_as for c in cards)
    assert [c.line for c in cards] == [item.line for item in first.items]


@pytest.mark.parametrize("changed", [10, 1500], ids=["a few changed: read here", "many changed: by the workers"])
def test_a_reimport_starts_the_workers_only_for_enough_to_parse(notebook, tmp_path, monkeypatch, changed):
    """Starting the workers costs more than parsing a few changed cards: they start once the cards
    to parse add up to what a first import would start them for (PARALLEL_FROM_BYTES)."""
    path = _write(tmp_path / "big.vcf", "".join(card(n) for n in range(3000)))
    monkeypatch.setattr(parallel_read, "PIECE_BYTES", 16384)
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 64 * 1024)
    importer.import_files([path])
    _write(path, "".join(card(n).replace("FN:", "NOTE:changed\r\nFN:") if n % (3000 // changed) == 0 else card(n)
                         for n in range(3000)))
    started = []
    real_ready = parallel_read.Workers.ready
    # Once asked for, the workers are waited for (on a fast machine the file would be read before they run).
    monkeypatch.setattr(parallel_read.Workers, "ready", lambda self: started.append(1) or real_ready(self, wait=True))
    sent = []
    real = parallel_read._submit
    monkeypatch.setattr(parallel_read, "_submit", lambda pool, job: sent.append(job) or real(pool, job))
    cards = list(parallel_read.read_files([path], importer.read_card, workers=2, known=fingerprints.known()))
    read = [c for c in cards if c.same_as is None]
    assert len(cards) == 3000 and len(read) == changed and all(c.record.notes.startswith("changed") for c in read)
    if changed == 10:
        assert started == [] and sent == []
    else:  # the first 64 KB of cards to parse are read here
        assert started and sent and sum(len(job[1]) for job in sent) < len(path.read_bytes()) - 64 * 1024


def _write(path, text: str):
    path.write_bytes(text.encode())
    return path
