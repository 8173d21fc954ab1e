"""Canonical forms of what people type, so that the same phone, email or handle matches.

Phones become E.164 through the phonenumbers library ("+19125550123"); emails are lower-cased;
handles lose their "@" and any profile URL around them. Names get a folded form (case and
accents removed) for sorting and for comparing two cards.
"""

from __future__ import annotations

import locale
import os
import re
import unicodedata
from functools import cache, lru_cache

# Profile URLs whose path names the handle: host fragment -> channel key.
_SERVICE_HOSTS = {
    "linkedin.com": "linkedin",
    "twitter.com": "x",
    "x.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "t.me": "telegram",
    "wa.me": "whatsapp",
    "github.com": "github",
}
_URL = re.compile(r"^(?:https?://)?(?:www\.|m\.|mobile\.)?([^/]+)/(.*)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def default_region() -> str | None:
    """The user's country (ISO 3166 alpha-2) from the locale, for numbers typed without +."""
    for variable in ("RAPPORT_REGION", "LC_ALL", "LC_TELEPHONE", "LANG"):
        value = os.environ.get(variable, "")
        match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", value) or re.match(r"^([A-Z]{2})$", value)
        if match:
            return match.group(1)
    language, _ = locale.getlocale()
    match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", language or "")
    return match.group(1) if match else None


def phone(value: str, region: str | None = None) -> str:
    """E.164 form of a phone number, or its bare digits when it cannot be parsed."""
    text = value.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    region = region or default_region()
    quick = _quick_phone(text, region)
    return quick if quick is not None else _parsed_phone(text, region)


def _parsed_phone(text: str, region: str | None) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return _bare_digits(text)


def _bare_digits(text: str) -> str:
    return re.sub(r"[^\d+]", "", text.split(";")[0])


# What phonenumbers.parse + format_number(E164) give without running them (17 µs a number; the
# 13,278 numbers of the bench's 10,000 cards took 0.23 s of a parse worker's 2.3 s, 0.09-0.11 s
# so), for the two shapes most numbers in a phone's export have. Both are checked against the
# library itself (tests/model/test_phones.py).
#
# - "+", a country code, digits grouped by spaces, hyphens, dots or brackets: the library takes
#   the digits after "+", the country code off their front, and strips a national prefix from
#   the rest only when the country's national_prefix_for_parsing matches there ("+44 (0)20 ...").
#   Otherwise its E.164 form is "+" and the digits, and so is the fallback when the number is
#   not possible; so when no prefix matches, the answer is "+" and the digits.
# - Without a "+" and without a region to read it in, the library refuses the number
#   (INVALID_COUNTRY_CODE) and the answer is the bare digits.
_INTERNATIONAL = re.compile(r"\+[1-9][0-9 .()-]*[0-9]", re.ASCII)
_NOT_DIGITS = re.compile(r"[ .()-]+")


def _quick_phone(text: str, region: str | None) -> str | None:
    """phone()'s answer for `text` where it needs no parse, else None."""
    if _INTERNATIONAL.fullmatch(text):
        digits = _NOT_DIGITS.sub("", text[1:])
        # The country code as phonenumbers._extract_country_code finds it: the shortest of the
        # first one to three digits that is one.
        for length in range(1, min(len(digits), 3) + 1):
            code = int(digits[:length])
            if code in _country_codes():
                if _national_prefix(code).match(digits[length:]):
                    return None  # a national prefix after the code (or no metadata): ask the library
                return "+" + digits
        return None
    if region is None and "+" not in text and "\uff0b" not in text:
        return _bare_digits(text)
    return None


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[int]:
    import phonenumbers

    return frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@cache
def _national_prefix(country_code: int) -> re.Pattern:
    """The pattern of a national prefix in the country's numbers: one that never matches where
    they have none, and one that always does where the library has no metadata for the country
    (so that the library is asked)."""
    import phonenumbers
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, phonenumbers.region_code_for_country_code(country_code))
    if metadata is None:
        return re.compile("")
    return re.compile(metadata.national_prefix_for_parsing or "(?!)")


def email(value: str) -> str:
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower()


def handle(value: str, service: str = "") -> tuple[str, str]:
    """(canonical handle, service) of a social or messenger handle or profile URL."""
    text = value.strip()
    match = _URL.match(text)
    if match:
        host = match.group(1).lower()
        for fragment, key in _SERVICE_HOSTS.items():
            if host == fragment or host.endswith("." + fragment):
                path = [part for part in match.group(2).split("/") if part and part not in ("in", "pub")]
                if path:
                    return path[0].split("?")[0].lstrip("@").lower(), service or key
    if ":" in text and not text.startswith("@"):
        # An IMPP URI: "xmpp:alice@example.org", "skype:alice.b"
        scheme, _, rest = text.partition(":")
        return rest.lstrip("/").lower(), service or scheme.lower()
    return text.lstrip("@").lower(), service


def contact_point(kind: str, value: str, service: str = "") -> str:
    """The normalised value for a contact point of `kind`."""
    if kind == "phone":
        return phone(value)
    if kind == "email":
        return email(value)
    if kind == "handle":
        return handle(value, service)[0]
    if kind == "url":
        return value.strip().lower().rstrip("/")
    return " ".join(value.split()).lower()


def fold(text: str) -> str:
    """Case- and accent-free form of a name, for sorting and comparing ("Zoë" -> "zoe")."""
    if text.isascii():
        return text.lower().strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()
