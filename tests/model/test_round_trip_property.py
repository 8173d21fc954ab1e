"""A generated person, with any field in any script, written as vCard 3.0 or 4.0 and read back,
is the same person field for field; and the written card is one that vobject reads."""

import io

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import content_lines, prep, vcard
from model.contacts import ContactPointRecord, ContactRecord

# Letters, marks, digits, punctuation and symbols of every script, and spaces inside; no control
# characters or surrogates (a vCard cannot carry them), no space at either end (a reader trims).
_CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))


def _text(max_size=40):
    return st.text(_CHARACTERS, max_size=max_size).map(lambda s: " ".join(s.split()))


def _words():
    return _text(30).filter(bool)


_notes = st.lists(_text(60).filter(bool), max_size=3).map("\n".join)
_phone = st.from_regex(r"\+?[0-9]{1,3}( [0-9]{2,4}){1,3}", fullmatch=True)
_email = st.builds(lambda user, host: f"{user}@{host}.example", st.from_regex(r"[a-z0-9._-]{1,12}", fullmatch=True),
                   st.from_regex(r"[a-zé]{1,10}", fullmatch=True))
_address = st.lists(_text(20), min_size=7, max_size=7).filter(any)
_points = st.lists(st.one_of(
    st.builds(lambda value, label: ContactPointRecord("phone", value, label), _phone,
              st.sampled_from(["mobile", "home", "work", "fax"])),
    st.builds(lambda value, label: ContactPointRecord("email", value, label), _email,
              st.sampled_from(["home", "work"])),
    st.builds(lambda parts: ContactPointRecord("address", vcard.format_address(parts), "home", parts=parts), _address),
), max_size=4)
_prep = st.lists(st.tuples(st.sampled_from(list(prep.SECTIONS)), _words(), st.booleans()), max_size=4,
                 unique_by=lambda p: p[:2])

people = st.builds(
    ContactRecord,
    given_name=_text(), family_name=_words(), additional_names=_text(), prefix=_text(10), suffix=_text(10),
    nickname=_text(), organisation=_text(), title=_text(), notes=_notes,
    phonetic_family=_text(), phonetic_given=_text(),
    tags=st.lists(_words(), max_size=3, unique=True),
    city=_text(), region=_text(), country=_text(), how_met=_text(), met_on=st.sampled_from(["", "2019-03-04"]),
    call_hours=st.sampled_from(["", "09:00-17:00"]), cadence_days=st.integers(0, 400), points=_points, prep=_prep,
    introduced_by_uid=st.sampled_from(["", "urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201"]),
    uid=st.sampled_from(["urn:uuid:11111111-2222-4333-8444-555555555555", "phone-uid-42"]),
)

FIELDS = ("given_name", "family_name", "additional_names", "prefix", "suffix", "nickname", "organisation", "title",
          "notes", "phonetic_family", "phonetic_given", "tags", "city", "region", "country", "how_met", "met_on",
          "call_hours", "cadence_days", "prep", "introduced_by_uid", "uid")


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=people)
def test_a_person_survives_a_round_trip(version, person):
    text = vcard.serialize(person, version)
    (parsed,) = vobject.readComponents(text)  # the reference library reads what we wrote
    assert parsed.version.value == version
    cards = list(vcard.read_stream(io.BytesIO(text.encode("utf-8")), "generated.vcf"))
    assert len(cards) == 1 and cards[0].record is not None, cards[0].error
    again = cards[0].record
    for name in FIELDS:
        assert getattr(again, name) == getattr(person, name), (name, text)
    key = lambda p: (p.kind, p.value, p.label, p.parts)  # noqa: E731
    assert sorted(map(key, again.points)) == sorted(map(key, person.points)), text


@settings(max_examples=300, deadline=None)
@given(line=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=400))
def test_folding_keeps_every_octet_and_no_line_is_longer_than_75(line):
    folded = content_lines.fold("X-TEST:" + line)
    assert folded.endswith("\r\n")
    physical = folded[:-2].split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert "".join([physical[0], *(part[1:] for part in physical[1:])]) == "X-TEST:" + line
