"""Mutated real cards: the reader reports what it cannot read and never raises.

Hypothesis takes corpus files and breaks them the ways files get broken: bytes cut out, bytes
inserted, a line repeated, the file truncated, line endings changed, a byte flipped. Whatever
comes out, reading it must give cards or reported errors (with a line inside the file), and
every card read must survive the rest of an import: normalising, the stored form, and export.
"""

import io

import pytest
import vobject.base
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import content_lines, importer, vcard
from tests.conftest import CORPUS

FILES = {path.name: path.read_bytes() for path in sorted((CORPUS / "vcards").glob("*.vcf"))
         if path.stat().st_size < 200_000}
NASTY = [b":", b";", b"=", b"\\", b"\r", b"\n", b"\r\n ", b"=\r\n", b"BEGIN:VCARD\r\n", b"END:VCARD\r\n",
         b"ENCODING=QUOTED-PRINTABLE:", b";CHARSET=SHIFT_JIS", b";ENCODING=b:", b"\xff\xfe", b"\xef\xbb\xbf",
         b"\x00", b"\xc3", b"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ", b"item1.X-ABLabel:", b"TZ:", b"\"", b","]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(FILES[draw(st.sampled_from(sorted(FILES)))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["cut", "insert", "repeat line", "truncate", "endings", "flip"]))
        at = draw(st.integers(0, len(data)))
        if kind == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=40)))
        elif kind == "repeat line":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            data[start:start] = data[start:end + 1 if end >= 0 else len(data)]
        elif kind == "truncate":
            del data[at:]
        elif kind == "endings":
            data = bytearray(bytes(data).replace(b"\r\n", draw(st.sampled_from([b"\n", b"\r", b"\r\r\n"]))))
        elif data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_card_is_read_or_reported_never_raises(data):
    lines = len(vcard._LINE_BREAK.findall(data)) + 1
    cards = list(vcard.read_stream(io.BytesIO(data), "fuzz.vcf"))
    assert cards, "an empty result would lose the file silently"
    for card in cards:
        assert (card.record is None) != (card.error == "")
        assert 1 <= card.line <= lines or card.line == 0
        if card.record is not None:
            read = importer.read_card(card)
            assert read.record.display_name
            for version in ("3.0", "4.0"):
                assert "BEGIN:VCARD" in vcard.serialize(read.record, version)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_truncation_of_a_corpus_file_is_reported(name):
    """A download cut off anywhere: the cards before the cut come in, the cut one is reported."""
    data = FILES[name]
    complete = [c for c in vcard.read_stream(io.BytesIO(data), name) if c.record]
    for cut in range(0, len(data), max(1, len(data) // 25)):
        cards = list(vcard.read_stream(io.BytesIO(data[:cut]), name))
        read = [c for c in cards if c.record]
        assert len(read) <= len(complete)
        assert all(c.error for c in cards if not c.record)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=list("Ab1-_.;=,:\" xé\t\n"), max_size=16), st.booleans())
def test_the_one_pass_line_check_agrees_with_vobjects_grammar(text, named):
    """Short lines only: on long broken ones, vobject's own pattern is what takes minutes."""
    line = "TEL" + text if named else text
    assert content_lines.well_formed(line) == (vobject.base.line_re.match(line) is not None)


def test_a_long_parameter_line_without_its_colon_is_reported_at_once():
    """Found by the fuzzer: vobject's pattern backtracked for minutes over this line."""
    broken = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jo\r\nNOTE;CHARSET=UTF-8;ENC3" + "=91=20=C3" * 60
              + "\r\nEND:VCARD\r\n").encode()
    [card] = vcard.read_stream(io.BytesIO(broken), "broken.vcf")
    assert card.record is None and card.line == 4 and "cannot read this line" in card.error
