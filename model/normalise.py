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
from functools import lru_cache

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
    import phonenumbers

    text = value.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    try:
        number = phonenumbers.parse(text, region or default_region())
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"[^\d+]", "", text.split(";")[0])
    return digits


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
