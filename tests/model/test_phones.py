"""Phone numbers in E.164, checked against the phonenumbers library they are defined by.

normalise.phone answers the commonest shapes of number without parsing them (see
model/normalise.py); here every answer is compared with what the library itself says."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import normalise


@pytest.fixture(autouse=True)
def no_region_from_the_locale(monkeypatch):
    """Region None means none here, whatever this machine's locale says."""
    monkeypatch.setattr(normalise, "default_region", lambda: None)


def by_the_library(value: str, region: str | None) -> str:
    """What normalise.phone gave before it had a quick path: phonenumbers' E.164 (or, where the
    library refuses the number, its bare digits), for every number."""
    text = value.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    return normalise._parsed_phone(text, region)


REGIONS = [None, "US", "GB", "DE", "IT", "JP", "AR", "MX", "BR", "RU", "IN", "FR", "AU"]
# Numbers from real exports and from the library's own tests: national prefixes after the country
# code ("(0)"), Italian leading zeros, carrier codes (Argentina, Brazil), non-geographic codes.
NUMBERS = ["+44 (0)20 7946 0958", "+44 020 7946 0958", "+39 06 698 1234", "+39 0236618300",
           "+54 9 11 1234 5678", "+54 0 11 1234 5678", "+55 0 21 2345 6789", "+52 1 55 1234 5678",
           "+7 8 495 123 45 67", "+1 (617) 555-0100", "+1.617.555.0100", "+49 30 226 8870",
           "+800 1234 5678", "+882 1234 5678", "+979 123456789", "+999 123 456", "+0 123 456",
           "+12", "+1", "+441", "+355", "+1 617 555 0100 ext. 12", "+1 617 555 0100 #12",
           "tel:+16175550100", "TEL:+44 1223 650 5252", "(912) 555-0123", "03 310 2682",
           "0044 20 7946 0958", "011 44 20 7946 0958", "＋44 20 7946 0958", "+44 20 7946 0958 ",
           "+61 (02) 9876 5432", "+81 03 1234 5678", "+33 0 1 23 45 67 89", "+91 022 4000 1069",
           "+1 000 000 0000", "+44 0000", "+39 000", "+1 617 555 0100;ext=12"]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("number", NUMBERS)
def test_known_numbers_are_as_the_library_says(number, region):
    assert normalise.phone(number, region) == by_the_library(number, region)


def test_the_numbers_of_the_bench_and_the_corpus_are_as_the_library_says():
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    numbers = set()
    for path in data.rglob("*.vcf"):
        for line in path.read_bytes().decode("utf-8", "replace").splitlines():
            if line.upper().startswith(("TEL", "ITEM1.TEL", "ITEM2.TEL")) and ":" in line:
                numbers.add(line.split(":", 1)[1].strip())
    assert len(numbers) > 20
    for number in sorted(numbers):
        for region in (None, "US", "GB"):
            assert normalise.phone(number, region) == by_the_library(number, region), (number, region)


# Digits of any country code and length, grouped by the separators of the quick path and by others.
numbers = st.builds(
    lambda plus, parts, seps: plus + "".join(part + sep for part, sep in zip(parts, seps, strict=False)),
    st.sampled_from(["+", "+", "+", "", "＋", "00", "tel:+"]),
    st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=6),
    st.lists(st.sampled_from(["", " ", "-", ".", "(", ")", ") ", " (", "--", "/", "x", ",", "#"]),
             min_size=6, max_size=6))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers, st.sampled_from(REGIONS))
def test_any_number_is_as_the_library_says(number, region):
    assert normalise.phone(number, region) == by_the_library(number, region)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.sampled_from("+0123456789 -.()"), max_size=20), st.sampled_from(REGIONS))
def test_any_string_of_phone_characters_is_as_the_library_says(number, region):
    assert normalise.phone(number, region) == by_the_library(number, region)
