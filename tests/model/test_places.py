"""Place and time-zone resolution, local time and call hours, with real gazetteer and zone data."""

import datetime as dt

import pytest

from model import places
from model.places import PlaceError

SUMMER = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)  # a Wednesday
WINTER = dt.datetime(2026, 1, 14, 12, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.mark.parametrize("city, region, country, zone", [
    ("Savannah", "GA", "United States", "America/New_York"),
    ("Kraków", "", "Poland", "Europe/Warsaw"),
    ("Krakow", "", "", "Europe/Warsaw"),
    ("Mumbai", "", "India", "Asia/Kolkata"),
    ("St. John's", "", "Canada", "America/St_Johns"),
    ("Tokyo", "", "Japan", "Asia/Tokyo"),
    ("São Paulo", "", "Brazil", "America/Sao_Paulo"),
    ("Portland", "OR", "USA", "America/Los_Angeles"),
    ("Portland", "Maine", "United States", "America/New_York"),
    ("Cambridge", "", "UK", "Europe/London"),
])
def test_cities_in_several_countries(city, region, country, zone):
    found = places.zone_for_city(city, region, country)
    assert (found.zone, found.source) == (zone, "from the city")


@pytest.mark.parametrize("city", ["Portland", "Cambridge"])
def test_ambiguous_cities_ask_rather_than_guess(city):
    found = places.resolve(city=city)
    assert found.zone == "" and found.ambiguous
    assert len({c.zone for c in found.candidates}) > 1
    assert "which one" in found.note


def test_an_unknown_city_says_so_and_falls_back_to_the_phone():
    found = places.resolve(city="Xyzzyville", phones=["+44 20 7946 0958"])
    assert (found.zone, found.source) == ("Europe/London", "from the phone number")
    nothing = places.resolve(city="Xyzzyville")
    assert nothing.zone == "" and "Time zone unknown — set it" in nothing.note


@pytest.mark.parametrize("number, zone", [
    ("+1 912 555 0143", "America/New_York"),  # Savannah's area code
    ("+1 503 555 0100", "America/Los_Angeles"),  # Portland, Oregon
    ("+91 22 2345 6789", "Asia/Kolkata"),
    ("+49 30 1234567", "Europe/Berlin"),
    ("+81 3 1234 5678", "Asia/Tokyo"),
])
def test_zone_from_phone_numbers(number, zone):
    assert places.zone_for_phone(number).zone == zone


def test_numbers_without_a_country_or_with_many_zones_are_not_guessed():
    assert places.zone_for_phone("555 0143").note == "The phone number has no country code"
    assert places.zone_for_phone("555 0143", default_region="US").zone == ""
    russia = places.zone_for_phone("+7 912 345 67 89")  # a mobile: the whole country
    assert russia.zone == "" and "several time zones" in russia.note
    # 709 is Newfoundland and Labrador: half an hour apart, so the number cannot say which.
    assert places.zone_for_phone("+1 709 555 0199").zone == ""


def test_a_set_zone_wins_and_an_invalid_one_is_reported():
    assert places.resolve(zone="Asia/Kolkata", city="Boston").zone == "Asia/Kolkata"
    bad = places.resolve(zone="Mars/Olympus", city="Boston", country="United States")
    assert (bad.zone, bad.source) == ("America/New_York", "from the city")
    nothing = places.resolve(zone="Mars/Olympus")
    assert nothing.zone == "" and "Mars/Olympus is not a time zone" in nothing.note


def test_country_with_one_zone_and_geo_position():
    assert places.resolve(city="", country="Germany").zone == "Europe/Berlin"
    assert places.resolve(country="United States").zone == ""  # many zones: ask
    near_quebec = places.resolve(geo=(46.772673, -71.282945))
    assert near_quebec.zone == "America/Toronto" and near_quebec.source.startswith("from the vCard")


def test_local_time_with_half_hour_zones_and_daylight_saving():
    mine = places.ZoneInfo("Europe/London")
    assert places.describe_local_time("Asia/Kolkata", "Mumbai", WINTER, mine) == \
        "It's 5:30 in the afternoon in Mumbai, 5 h 30 min ahead of you"
    assert places.describe_local_time("Asia/Kolkata", "Mumbai", SUMMER, mine) == \
        "It's 5:30 in the afternoon in Mumbai, 4 h 30 min ahead of you"
    assert places.describe_local_time("America/St_Johns", "St. John's", WINTER, mine) == \
        "It's 8:30 in the morning in St. John's, 3 h 30 min behind you"
    assert places.describe_local_time("America/New_York", "Savannah", SUMMER, mine) == \
        "It's 8:00 in the morning in Savannah, 5 h behind you"
    assert places.describe_local_time("Europe/London", "", SUMMER, mine) == \
        "It's 1:00 in the afternoon, the same time as you"


def test_reasonable_hours():
    assert places.reasonable_hour("Europe/Berlin", "", WINTER).good  # 13:00 on a Wednesday
    early = places.reasonable_hour("America/Los_Angeles", "09:00-18:00", WINTER)  # 04:00 there
    assert not early.good and "Too early" in early.reason
    late = places.reasonable_hour("Asia/Tokyo", "", WINTER)  # 21:00
    assert not late.good and "Too late" in late.reason
    saturday = dt.datetime(2026, 1, 17, 12, 0, tzinfo=dt.UTC)
    assert "Saturday" in places.reasonable_hour("Europe/Berlin", "", saturday).reason
    assert places.reasonable_hour("Asia/Tokyo", "20:00-22:00", WINTER).good
    with pytest.raises(PlaceError):
        places.parse_call_hours("after lunch")


def test_seasons_flip_south_of_the_equator():
    july = dt.date(2026, 7, 1)
    assert places.season("Europe/Berlin", today=july) == "summer"
    assert places.season("Australia/Sydney", today=july) == "winter"
    assert places.season("America/Sao_Paulo", latitude=-23.5, today=dt.date(2026, 1, 10)) == "summer"


def test_zones_are_named_by_city_and_offset_now():
    winter, summer = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), dt.datetime(2027, 7, 15, 12, tzinfo=dt.UTC)
    assert places.zone_label("America/New_York", "Savannah", winter) == "Savannah — New York, UTC−5"
    assert places.zone_label("America/New_York", "Savannah", summer) == "Savannah — New York, UTC−4"
    assert places.zone_label("Europe/Berlin", "berlin", winter) == "Berlin, UTC+1"  # the same city once
    assert places.zone_label("Asia/Kolkata", now=winter) == "Kolkata, UTC+5:30"
    assert places.zone_label("Asia/Kathmandu", now=winter) == "Kathmandu, UTC+5:45"
    assert places.zone_label("America/Argentina/Buenos_Aires", now=winter) == "Buenos Aires, UTC−3"
    assert places.zone_label("Australia/Lord_Howe", now=winter) == "Lord Howe, UTC+11"
    assert places.zone_label("Etc/UTC", now=winter) == places.zone_label("UTC", now=winter) == "UTC"
    assert places.zone_label("Etc/GMT+5", now=winter) == "UTC−5"  # POSIX's sign, turned as people read it
    assert places.zone_label("Mars/Olympus") == "Mars/Olympus"


def test_a_zone_by_an_old_name_is_known_by_its_current_one():
    """tzdata's links (its `backward` file) share their target's data: Asia/Calcutta is
    Asia/Kolkata, US/Eastern and GB name zones of zone1970.tab. UTC and Etc/ zones stay as
    they are, without reading every zone."""
    assert places.canonical_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert places.canonical_zone("US/Eastern") == "America/New_York"
    assert places.canonical_zone("GB") == "Europe/London"
    assert places.canonical_zone("Europe/Paris") == "Europe/Paris"
    for zone in ("UTC", "Etc/UTC", "Etc/GMT+5", "Zulu"):
        assert places.canonical_zone(zone) == zone
