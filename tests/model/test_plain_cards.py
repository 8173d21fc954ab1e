"""The plain-card reader (vcard.read_plain, through parallel_read.read_piece) reads every card
exactly as the general reader (vcard.read_stream) does, or leaves it to that reader: checked
on every corpus file, on the bench's generated cards, and on generated content lines that
mix what the plain reader takes with what it must leave alone."""

import io
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import parallel_read, vcard
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.timeout(120)


def cards_of(reader):
    """What a reader gives, as comparable values (the progress offset, "about how far", aside)."""
    return [(c.line, c.error, c.version, c.record, c.warnings) for c in reader]


def both(data: bytes, first_line: int = 1, next_line: int | None = None):
    general = cards_of(vcard.read_stream(io.BytesIO(data), "x.vcf", first_line=first_line, next_line=next_line))
    plain = cards_of(parallel_read.read_piece(data, "x.vcf", first_line, next_line))
    return general, plain


@pytest.mark.parametrize("path", sorted((CORPUS / "vcards").glob("*.vcf")), ids=lambda p: p.name)
def test_every_corpus_file_reads_the_same(path):
    general, plain = both(path.read_bytes())
    assert plain == general


def test_the_benchmark_cards_read_the_same_and_mostly_plainly(tmp_path):
    out = tmp_path / "cards.vcf"
    subprocess.run([sys.executable, str(ROOT / "tests/benchmarks/gen_vcards.py"), "--count", "400", "--seed", "3",
                    "--photos-fraction", "0.2", "--duplicates-fraction", "0.05", "--versions", "2.1,3.0,4.0",
                    "--out", str(out)], check=True, timeout=60)
    data = out.read_bytes()
    general, plain = both(data)
    assert plain == general and len(general) == 400
    # The 2.1 cards are quoted-printable: the general reader's. The rest are plain.
    regions = list(parallel_read.fingerprints.regions(data))
    read_plainly = sum(vcard.read_plain(data[start:end], "x", line) is not None for start, end, line, _ in regions)
    assert 300 < read_plainly < 400


def test_a_plain_card_keeps_its_folds_parameters_and_big_photo():
    photo = b"/9j/" + b"A" * 8000
    folded = b"\r\n ".join(photo[i:i + 74] for i in range(0, len(photo), 74))
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\n e Lee\r\nN:Lee;Anne;;;\r\nTEL;CELL;PREF:+1 555 0100\r\n"
            b"EMAIL;TYPE=HOME,,:ann@example.com\r\nitem1.X-ABRELATEDNAMES;TYPE=a,,b:Bob\r\nitem1.X-ABLabel:friend\r\n"
            b"X-LOGO;ENCODING=b;TYPE=PNG:" + folded + b"\r\nEND:VCARD\r\n")
    card = vcard.read_plain(data, "x", 7)
    assert card is not None and card.record is not None
    assert card.record.formatted_name == "Anne Lee"
    assert [(p.value, p.label, p.preferred) for p in card.record.points] == [
        ("+1 555 0100", "mobile", True), ("ann@example.com", "home", False)]
    logo = next(line for line in card.record.vcard_properties if line.startswith("X-LOGO"))
    assert logo.endswith(":" + photo.decode())  # whole, however big
    assert both(data, 7) == (cards_of([card]), cards_of([card]))


@pytest.mark.parametrize("line", [
    b"NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9", b"NOTE;CHARSET=ISO-8859-1:caf\xe9", b"# a comment",
    b"", b"X_LOTUS:underscore", b"X-messaging/xmpp-All:ann@example.com", b'TEL;TYPE="cell":1', b"run-on text",
    b"NOTE:caf\xe9", b"TEL;:1"])
def test_what_is_not_plain_is_left_to_the_general_reader(line):
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\n" + line + b"\r\nEND:VCARD\r\n"
    assert vcard.read_plain(data, "x", 1) is None
    general, plain = both(data)
    assert plain == general


names = st.sampled_from(["FN", "NOTE", "TEL", "EMAIL", "X-FOO", "N", "ORG", "ADR", "X_BAR", "X/BAZ", "CATEGORIES"])
params = st.lists(st.sampled_from([";TYPE=work", ";CELL", ";TYPE=", ";TYPE=a,,b", ';TYPE="x"', ";PREF",
                                   ";ENCODING=b", ";CHARSET=UTF-8", ";X-A=1=2", ";", ";value=uri"]), max_size=3)
values = st.lists(st.sampled_from(list("ab ;,:\\\"=é漢\t") + ["\\n", "\\,"]), max_size=30).map("".join)
content_lines = st.tuples(st.sampled_from(["", "item1."]), names, params.map("".join), values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(content_lines, min_size=1, max_size=6), st.integers(1, 40), st.booleans())
def test_generated_cards_read_the_same(content, fold_at, lf_only):
    text = "".join(f"{group}{name}{param}:{value}\r\n" for group, name, param, value in content)
    data = ("BEGIN:VCARD\r\nVERSION:3.0\r\n" + text + "END:VCARD\r\n").encode()
    # Fold one line somewhere (never inside a UTF-8 sequence), as writers do.
    lines = data.split(b"\r\n")
    target = lines[2]
    cut = min(fold_at, len(target))
    while 0 < cut < len(target) and target[cut] & 0xC0 == 0x80:
        cut -= 1
    if 0 < cut < len(target):
        lines[2] = target[:cut] + b"\r\n " + target[cut:]
    data = b"\r\n".join(lines)
    if lf_only:
        data = data.replace(b"\r\n", b"\n")
    general, plain = both(data)
    assert plain == general


def test_a_parameter_with_no_value_says_nothing_in_either_reader():
    """`EMAIL;TYPE=:` is a TYPE parameter whose value is empty (RFC 6350 3.3: param-value =
    *SAFE-CHAR, zero characters allowed), not the vCard 2.1 bare value "TYPE": it gives no label.
    vobject, the reference, reads it the same way (no TYPE at all)."""
    import vobject

    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\nEMAIL;TYPE=:ann@example.com\r\n"
            b"TEL;TYPE=;TYPE=CELL:+1 202 555 0143\r\nTEL;X-NOTHING=;WORK:+1 202 555 0144\r\nEND:VCARD\r\n")
    general, plain = both(data)
    assert plain == general
    [(_line, error, _version, record, _warnings)] = general
    assert not error
    assert [(p.kind, p.label) for p in record.points] == [("email", ""), ("phone", "mobile"), ("phone", "work")]
    card = vobject.readOne(data.decode())
    assert "TYPE" not in card.email.params and card.tel.params["TYPE"] == ["CELL"]


def test_parameters_spelt_alike_are_parsed_once_and_their_store_stays_bounded():
    def card(n: int) -> bytes:
        return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P{n}\r\nTEL;TYPE=CELL;X-N{n}=1:+1 555 0100\r\n"
                f"EMAIL;TYPE=WORK:p{n}@example.com\r\nEND:VCARD\r\n").encode()

    first, second = vcard.read_plain(card(1), "x", 1), vcard.read_plain(card(2), "x", 1)
    assert first and second and first.record and second.record
    assert first.record.points[1].label == second.record.points[1].label == "work"
    for n in range(3 * 4096):  # every card spells its phone's parameters its own way
        read = vcard.read_plain(card(n), "x", 1)
        assert read and read.record and read.record.points[0].label == "mobile"
    assert len(vcard._PARAMETERS) <= 4096 + 2
    assert vcard._PARAMETERS[""] == {}
