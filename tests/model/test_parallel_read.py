"""Big files are read in pieces by worker processes: the same cards, lines and errors as one read."""

import functools
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest

from model import contacts, importer, parallel_read, storage, vcard
from tests.conftest import CORPUS

VCARDS = CORPUS / "vcards"


def card(number: int, ending: str = "\r\n") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:Person {number}", f"N:{number};Person;;;",
             f"TEL;TYPE=CELL:+1 912 555 {number % 10000:04d}", f"EMAIL:p{number}@example.com",
             "NOTE:a long note folded over", " two lines", "END:VCARD"]
    return ending.join(lines) + ending


@pytest.fixture
def messy_file(tmp_path):
    """Every line ending, a lower-case BEGIN, a broken card, a card without END, and corpus
    cards from real phones (quoted-printable, photos), in a file of many small pieces."""
    parts = []
    for number in range(600):
        ending = ("\r\n", "\n", "\r")[number % 3]
        text = card(number, ending)
        if number == 100:
            text = text.replace("BEGIN:VCARD", "begin:vcard")
        if number == 200:
            text = text.replace("TEL;TYPE=CELL:", "TEL;TYPE=CELL")  # no colon: an unreadable line
        if number == 300:
            text = text.replace("END:VCARD", "")
        parts.append(text.encode())
        if number % 150 == 0:
            parts += [path.read_bytes() + b"\r\n" for path in sorted(VCARDS.glob("*.vcf"))[:12]]
    path = tmp_path / "messy.vcf"
    path.write_bytes(b"".join(parts))
    return path


def comparable(read: importer.ReadCard):
    return (read.file, read.line, read.error, read.name, read.uid, read.match_keys,
            read.record if read.packed else None)


def test_pieces_cut_before_a_card_and_count_lines(messy_file):
    with open(messy_file, "rb") as stream:
        pieces = list(parallel_read.pieces(stream, size=4096))
    assert len(pieces) > 20
    data = messy_file.read_bytes()
    assert b"".join(piece for piece, *_ in pieces) == data
    for (piece, offset, _first_line, next_line), following in zip(pieces, pieces[1:] + [None], strict=True):
        assert data[offset:offset + len(piece)] == piece
        assert piece[:11].upper() == b"BEGIN:VCARD" or offset == 0
        if following is None:
            assert next_line is None
        else:
            assert next_line == following[2]
            # The first line number of the next piece counts every kind of line break before it.
            assert next_line == 1 + len(vcard._LINE_BREAK.findall(data[:following[1]]))


@pytest.mark.parametrize("waiting", [True, False], ids=["workers started first", "first pieces parsed here"])
def test_workers_read_what_one_process_reads(messy_file, monkeypatch, waiting):
    """Whether the workers run from the first piece or this process parses the pieces that come
    while they start (as it does for an import), the cards are the same."""
    expected = [comparable(importer.read_card(c)) for c in vcard.read_cards(messy_file)]
    monkeypatch.setattr(parallel_read, "PIECE_BYTES", 8192)
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)
    if waiting:
        monkeypatch.setattr(parallel_read.Workers, "ready", functools.partialmethod(parallel_read.Workers.ready,
                                                                                     wait=True))
    with open(messy_file, "rb") as stream:
        all_pieces = list(parallel_read.pieces(stream, size=8192))
    pieces = []
    monkeypatch.setattr(parallel_read, "_submit", lambda pool, job: pieces.append(job) or pool.submit(
        parallel_read.parse_piece, *job))
    got = [comparable(c) for c in parallel_read.read_files([messy_file], importer.read_card, workers=2)]
    if waiting:
        assert len(pieces) == len(all_pieces) > 10
    else:  # the first piece comes before any worker can run (and maybe all do, on a fast machine)
        assert all(job[3] != all_pieces[0][1] for job in pieces) and len(pieces) < len(all_pieces)
    assert got == expected
    errors = [(line, error) for _file, line, error, *_rest in got if error]
    assert any("cannot read this line" in error for _line, error in errors)
    assert any("no END:VCARD before line" in error for _line, error in errors)
    # 600 cards less the one with a broken line and the one without END (both reported)
    assert sum(1 for c in got if c[3].startswith("Person ")) == 598


def test_a_piece_whose_worker_died_is_read_here(messy_file):
    with open(messy_file, "rb") as stream:
        piece, offset, first_line, next_line = next(parallel_read.pieces(stream, size=4096))
    dead: Future = Future()
    dead.set_exception(BrokenProcessPool("a worker was killed"))
    job = (importer.read_card, str(messy_file), piece, offset, first_line, next_line)
    cards = parallel_read._result(dead, job)
    assert cards and [c.line for c in cards] == [c.line for c in parallel_read.parse_piece(*job)]


def test_the_command_line_import_ends_as_plan_then_apply(tmp_path, messy_file, monkeypatch):
    """import_files writes while it plans; the notebook must end exactly as the two steps leave it,
    including cards that a later card of the file joins (the same UID again, further down)."""
    later = messy_file.read_bytes() + card(5).replace("FN:Person 5", "FN:Person 5\r\nUID:p5").encode()
    later += card(5).replace("EMAIL:p5@", "EMAIL:other5@").replace("FN:Person 5", "FN:Person 5\r\nUID:p5").encode()
    messy_file.write_bytes(later)
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)

    def people_in(name, action):
        notebook = storage.open_notebook(tmp_path / name)
        outcome = action()
        # A card without a UID gets a fresh one in each notebook: compared as "has one" (and the same
        # wherever the card carried its own).
        people = [(r.id, r.display_name, r.notes, r.uid if not r.uid.startswith("urn:uuid:") else "made here",
                   [(p.kind, p.value, p.label) for p in r.points], r.tags, r.photo, r.vcard_properties)
                  for r in contacts.iter_contacts()]
        assert all(r.uid for r in contacts.iter_contacts())
        notebook.close()
        return outcome, people

    def two_steps():
        plan = importer.read_plan([messy_file])
        importer.apply_plan(plan)
        return plan

    plan, planned_then_applied = people_in("a.rapport", two_steps)
    (streamed_plan, result), streamed = people_in("b.rapport", lambda: importer.import_files([messy_file]))
    assert streamed == planned_then_applied
    assert streamed_plan.summary() == plan.summary()
    assert result.added == plan.count("new") + plan.count("duplicate")
    assert any(item.merged_into is not None and item.outcome == "update" for item in streamed_plan.items)
