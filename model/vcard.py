"""vCard 2.1, 3.0 and 4.0 in and out.

Reading is lenient, because real phones and programs write broken vCards: the file is read
as bytes, a line at a time (so a huge file never sits in memory whole), and turned into
logical lines here, which handles what plain vobject cannot: quoted-printable soft line
breaks, base64 photos whose continuation lines are not folded, per-property CHARSET, BOMs,
CR, LF or CRLF. Each logical line is then parsed by vobject's content-line parser, and a card
that cannot be read is reported with its file and line while the others come in.

Most cards need none of that: `read_plain` reads a card that is UTF-8, folded the standard way
and made of standard content lines in one pass with one pattern a line, to the same ParsedCard
(10,000 bench cards: 1.25 s instead of 2.1 s, both with card_to_record), and gives every other
card to the reader above. Imports read through parallel_read.read_piece, which picks.

Cards are written as content lines here, escaped (RFC 6350 3.4) and folded by
content_lines.fold, rather than built and serialised as vobject components: vobject took
40 s to export 50,000 people (its component building and serialising were 70 % of it) and
its foldOneLine goes a character at a time (23 s for the 67 MB line of a kept 50 MB LOGO,
0.2 s here), leaving a line of fewer than 75 characters unfolded however many octets it has.
vobject, a second reader (ical.js) and Radicale read what is written (the tests).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import functools
import io
import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import vobject.base

from model import content_lines, photos, places, storage
from model.contacts import ContactPointRecord, ContactRecord
from model.content_lines import well_formed

MAX_PROPERTY_BYTES = 96 * 1024 * 1024  # a 50 MB photo is ~67 MB of base64
MAX_LINE_BYTES = MAX_PROPERTY_BYTES
# Stands in for a line or property over the limits above: the card is reported, never cut short.
LINE_TOO_LONG = b"\0line too long\0"
COMMENT_LINE = b"\0comment\0"  # logical_lines' mark for a line that begins with # (left out, with a warning)
# CRLF, LF, CR, and the CRCRLF that some iPhone exports write, each count as one line break.
_LINE_BREAK = re.compile(rb"\r*\n|\r")
# A property name as written in the wild: KAddressBook writes X-messaging/xmpp-All, Palm and
# Lotus a "+" or "/" now and then (RFC 6350 allows letters, digits and "-" only).
_CONTENT_LINE = re.compile(rb"^[A-Za-z0-9_.+/-]+[;:]")
# A line shaped like a property whose name has characters no vCard name has ("X-ééé:v"): a line
# of its own, left out with a warning, never glued onto the value before it.
_NAME_LIKE = re.compile(rb"^[^\s:;\"=,]{2,}[;:]")
_ODD_NAME = re.compile(rb"^([A-Za-z0-9_.+/-]*[+/][A-Za-z0-9_.+/-]*)(?=[;:])")
_KDE_MESSAGING = re.compile(r"X-MESSAGING-([A-Z0-9]+)-ALL")
_BASE64_LINE = re.compile(rb"^[A-Za-z0-9+/=]+$")
_QP = re.compile(rb"(?:^|;)\s*(?:ENCODING=)?QUOTED-PRINTABLE\s*(?:;|:|$)", re.IGNORECASE)
# ENCODING=b (3.0), ENCODING=BASE64 (2.1), and the bare BASE64 that macOS writes (PHOTO;BASE64:).
_B64 = re.compile(rb"(?:^|;)\s*(?:ENCODING=(?:B|BASE64)|BASE64)\s*(?:;|:|$)", re.IGNORECASE)
_CHARSET = re.compile(rb";\s*CHARSET=\"?([A-Za-z0-9_.-]+)", re.IGNORECASE)
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")

# Properties that hold a social or messenger handle, and the service they belong to.
HANDLE_PROPERTIES = {
    "X-TWITTER": "x", "X-SKYPE": "skype", "X-SKYPE-USERNAME": "skype", "X-AIM": "aim", "X-JABBER": "xmpp",
    "X-ICQ": "icq", "X-MSN": "msn", "X-YAHOO": "yahoo", "X-GOOGLE-TALK": "xmpp", "X-GTALK": "xmpp",
    "X-GADUGADU": "gadugadu", "X-QQ": "qq", "X-LINKEDIN": "linkedin", "X-FACEBOOK": "facebook",
    "X-INSTAGRAM": "instagram", "X-MASTODON": "mastodon", "X-TELEGRAM": "telegram", "X-WHATSAPP": "whatsapp",
    "X-SIGNAL": "signal",
}
_SERVICE_ALIASES = {"twitter": "x", "jabber": "xmpp", "gtalk": "xmpp", "googletalk": "xmpp", "ymsgr": "yahoo",
                    "fb": "facebook", "msnim": "msn", "gg": "gadugadu", "tg": "telegram"}
# Type parameters that say nothing a user would call a label.
_NOISE_TYPES = {"pref", "voice", "internet", "x400", "dom", "intl", "postal", "parcel", "text", "msg"}
_PHONE_LABELS = {"cell": "mobile", "mobile": "mobile", "iphone": "iPhone", "home": "home", "work": "work",
                 "main": "main", "pager": "pager", "fax": "fax", "car": "car", "video": "video", "isdn": "ISDN",
                 "bbs": "BBS", "modem": "modem", "textphone": "textphone", "other": "other", "assistant": "assistant"}


class VCardError(ValueError):
    """A card that cannot be read; `line` is where it starts in its file."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(slots=True)
class Property:
    """One logical content line of a card, decoded."""

    name: str  # upper case, without group
    # Upper-case keys; bare 2.1 parameters land under "TYPE". Read only: read_plain shares one
    # dict among every property whose parameters are spelt alike.
    params: dict[str, list[str]]
    value: str  # still vCard-escaped, except for quoted-printable values, which are decoded
    group: str
    line: int
    text: str  # the whole logical line, as kept for export when the property has no column
    raw_value: bytes = b""  # base64 payloads stay bytes; decoded lazily


@dataclass(slots=True)
class ParsedCard:
    """A card read from a file: the record it gives, or why it could not be read."""

    file: str
    line: int
    record: ContactRecord | None = None
    error: str = ""
    version: str = ""
    offset: int = 0  # about how far into the file the card ends, in bytes (for progress)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, what was left out)
    digest: bytes = b""  # the card's fingerprints, where it has them (model/fingerprints.py)
    same_as: int | None = None  # not read: the fingerprint says the notebook has it, as this person


# -- Logical lines --------------------------------------------------------------------------


def _physical_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The file's lines without their endings, whether CRLF, LF or CR; a UTF-16 file as UTF-8.

    Linear in the file's size whatever its lines' lengths: a chunk with no line break is only
    appended, never searched again. A line longer than MAX_LINE_BYTES is not kept: LINE_TOO_LONG
    stands in its place, so memory stays bounded."""
    head = stream.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding="utf-16", errors="replace",
                                newline="")
        for line in text:
            yield line.rstrip("\r\n").lstrip("\ufeff").encode("utf-8")
        return
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    parts, size, too_long = [head], len(head), False  # the line read so far
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        if b"\n" in chunk or b"\r" in chunk:
            data = chunk if too_long else b"".join(parts) + chunk
            # Trailing CRs may be the start of a CRLF split across chunks: keep them for later.
            cut = len(data.rstrip(b"\r"))
            lines = _split_lines(data[:cut])
            rest = lines.pop() + data[cut:]
            if lines:
                if too_long:
                    lines[0], too_long = LINE_TOO_LONG, False  # the end of the line that was too long
                yield from lines
                parts, size = [rest], len(rest)
            elif too_long:
                parts, size = [data[cut:]], 0
            else:
                parts, size = [rest], len(rest)
        elif not too_long:
            parts.append(chunk)
            size += len(chunk)
        if size > MAX_LINE_BYTES:
            parts, size, too_long = [], 0, True
    if too_long:
        yield LINE_TOO_LONG
    elif size or any(parts):
        yield from _split_lines(b"".join(parts))


def _split_lines(data: bytes) -> list[bytes]:
    return _LINE_BREAK.split(data) if b"\r" in data else data.split(b"\n")


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix, self._stream = prefix, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _params_part(line: bytes) -> bytes:
    """The name and parameters of a content line: everything before the first unquoted ':'."""
    colon = line.find(b":")
    if colon < 0:
        return line
    if line.find(b'"', 0, colon) < 0:
        return line[:colon]
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return line[:index]
    return line


def logical_lines(stream: BinaryIO, first_line: int = 1) -> Iterator[tuple[int, bytes]]:
    """(line number, logical line) pairs: folded, soft-broken and run-on lines joined. A logical
    line over MAX_PROPERTY_BYTES comes as LINE_TOO_LONG (its bytes are not kept)."""
    current: bytes | bytearray | None = None  # a bytearray once a continuation is added
    start = 0
    quoted_printable = base64_value = overflow = False
    for number, line in enumerate(_physical_lines(stream), first_line):
        if line is LINE_TOO_LONG:
            if current is not None:
                yield start, LINE_TOO_LONG if overflow else bytes(current)
            yield number, LINE_TOO_LONG
            current, overflow = None, False
            continue
        if current is not None:
            first = line[:1]
            joined = True
            if first == b" " or first == b"\t":
                if type(current) is bytes:
                    current = bytearray(current)
                # RFC folding; a quoted-printable value may also be folded after a soft break.
                if quoted_printable and current.endswith(b"="):
                    del current[-1]  # a soft break: the space that begins the next line is text
                    current += line
                else:
                    current += line[1:]
            elif quoted_printable and current.endswith(b"="):
                current = bytearray(current)
                del current[-1]  # a quoted-printable soft line break
                current += line
            elif first == b"#":  # a comment line (Android and Palm write them): not part of any value
                yield number, COMMENT_LINE
                continue
            else:
                is_content_line = bool(_CONTENT_LINE.match(line))
                if base64_value and line and not is_content_line and _BASE64_LINE.match(line):
                    current = bytearray(current) if type(current) is bytes else current
                    current += line.strip()  # a photo line that was not folded the standard way
                elif line and not is_content_line and not base64_value and not _NAME_LIKE.match(line):
                    current = bytearray(current) if type(current) is bytes else current
                    if current.endswith(b"\\") and not current.endswith(b"\\\\"):
                        del current[-1]  # Android's 2.1: a trailing backslash continues the value
                    current += b"\\n" + line  # a run-on line: the value had a raw line break
                else:
                    joined = False
            if joined:
                if len(current) > MAX_PROPERTY_BYTES:  # reported, not kept: memory stays bounded
                    current, overflow = bytearray(), True
                continue
            yield start, LINE_TOO_LONG if overflow else (bytes(current) if type(current) is bytearray else current)
            current, overflow = None, False
        if not line or line.isspace():
            continue
        if line[:1] == b"#":
            yield number, COMMENT_LINE
            continue
        current = line
        start = number
        head = _params_part(line)
        parameters = b";" in head
        quoted_printable = parameters and bool(_QP.search(head))
        base64_value = (parameters and bool(_B64.search(head))) or b":data:" in line[:len(head) + 7].lower() or (
            head[:5].upper() == b"PHOTO" and line.rstrip().endswith(b":"))
    if current is not None:
        yield start, LINE_TOO_LONG if overflow else (bytes(current) if type(current) is bytearray else current)


# -- Decoding -------------------------------------------------------------------------------


def _decode_text(data: bytes, charset: str | None, fallback: str) -> str:
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(fallback, errors="replace")


def _parse_property(number: int, line: bytes, fallback: str) -> Property:
    odd = _ODD_NAME.match(line)
    if odd:  # the name as the standard spells names, so that vobject reads the line (and we write it)
        line = re.sub(rb"[+/]", b"-", odd.group(1)) + line[odd.end():]
    head = _params_part(line)
    charset = None
    quoted_printable = base64_value = False
    if b";" in head:
        charset_match = _CHARSET.search(head)
        charset = charset_match.group(1).decode("ascii") if charset_match else None
        quoted_printable = bool(_QP.search(head))
        base64_value = bool(_B64.search(head))
    raw_value = b""
    if base64_value and len(line) > 4096:
        # Keep big payloads out of the text parser; vobject only needs the name and parameters.
        raw_value = line[len(head) + 1:]
        line = head + b":"
    text = _decode_text(line, None if quoted_printable else charset, fallback)
    if not well_formed(text):
        raise VCardError(f"cannot read this line: {text[:60]!r}", number)
    name, param_list, value, group = vobject.base.parseLine(text, number)
    params: dict[str, list[str]] = {}
    for item in param_list:
        key = item[0].upper()
        values = item[1:]
        if not values:
            if re.search(b";" + re.escape(item[0].encode("utf-8", "replace")) + b"=", head, re.IGNORECASE):
                continue  # "TYPE=": a parameter with no value (RFC 6350 3.3 allows one), which says nothing
            key, values = "TYPE", [item[0]]  # vCard 2.1: a bare TYPE value ("TEL;CELL;PREF")
        if key == "TYPE":
            values = [part for v in values for part in v.split(",")]
        params.setdefault(key, []).extend(values)
    if quoted_printable:
        decoded = quopri.decodestring(value.encode("latin-1", errors="replace"))
        value = _decode_text(decoded, charset, fallback)
        value = value.replace("\r\n", "\n").replace("\\", "\\\\").replace("\n", "\\n")
        params.pop("ENCODING", None)
        if "QUOTED-PRINTABLE" in [t.upper() for t in params.get("TYPE", [])]:
            params["TYPE"] = [t for t in params["TYPE"] if t.upper() != "QUOTED-PRINTABLE"]
        params.pop("CHARSET", None)
        kept_params = "".join(f";{k}={','.join(v)}" for k, v in params.items() if v)
        text = f"{group + '.' if group else ''}{name}{kept_params}:{value}"
    return Property(name.upper(), params, value, group or "", number, text, raw_value)


# -- Plain cards ----------------------------------------------------------------------------

# A content line with the name and parameters RFC 6350 3.3 spells (no quoted values, no "_").
_PLAIN_LINE = re.compile(r"(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+(?:=[^\";:,]*(?:,[^\";:,]*)*)?)*)"
                         r":(.*)", re.DOTALL)
_CONTENT_START = re.compile(_CONTENT_LINE.pattern.decode())
PLAIN_MAX_BYTES = 4 * 1024 * 1024


def read_plain(data: bytes, name: str, line: int) -> ParsedCard | None:
    """The card in `data` (BEGIN:VCARD to END:VCARD, beginning on line `line`, its line breaks
    CRLF or LF) when it is plain: UTF-8, folded the standard way, every line a content line of
    standard names and unquoted parameters, no quoted-printable or CHARSET. None for any other
    card: read_stream reads those, and reads a plain card to the same ParsedCard (the tests
    compare the two on every corpus card and the bench's).

    Most cards are plain, and this reads them in one pass over the card's text with one pattern
    a line: a fifth of read_stream's time for the bench's cards, whose logical_lines and
    _parse_property (vobject's parseLine with it) go through each line several times."""
    # Left to read_stream: quoted-printable, CHARSET, comment and empty lines. What else it
    # cannot read shows below, as a line that is not a plain content line.
    if len(data) > PLAIN_MAX_BYTES or b"\n#" in data or b"\n\n" in data or b"\n\r\n" in data:
        return None
    lower = data.lower()
    if b"-printable" in lower or b"charset" in lower:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    physical = text.split("\n")
    if not physical[-1]:
        physical.pop()
    if "\r" in text:
        physical = [piece.removesuffix("\r") for piece in physical]
    starts = [index for index, piece in enumerate(physical) if piece[:1] not in (" ", "\t")]
    if len(starts) == len(physical):  # nothing folded
        logical = list(enumerate(physical, line))
    else:
        if not starts or starts[0] != 0:
            return None
        ends = starts[1:] + [len(physical)]
        # The general reader decides where a property begins from its first physical line alone:
        # one that does not begin like a content line is glued to the value before it. (An
        # unfolded line that is a plain content line, below, begins like one.)
        spans = list(zip(starts, ends, strict=True))
        if not all(_CONTENT_START.match(physical[start]) for start, end in spans if end > start + 1):
            return None
        logical = [(line + start, physical[start] if end == start + 1 else
                    physical[start] + "".join([piece[1:] for piece in physical[start + 1:end]]))
                   for start, end in spans]
    if len(logical) < 2 or logical[0][1].upper() != "BEGIN:VCARD" or logical[-1][1].upper() != "END:VCARD":
        return None
    properties = []
    for number, content in logical[1:-1]:
        match = _PLAIN_LINE.fullmatch(content)
        if match is None:
            return None
        group, prop_name, param_text, value = match.groups()
        params = _PARAMETERS.get(param_text)
        if params is None:
            params = _plain_parameters(param_text)
        raw_value = b""
        if param_text:
            head = content[:len(content) - len(value) - 1]
            if len(content) > 1024 and len(content.encode("utf-8")) > 4096 and _B64.search(head.encode("ascii")):
                raw_value = value.encode("utf-8")  # as _parse_property keeps a big payload
                content, value = head + ":", ""
        properties.append(Property(prop_name.upper(), params, value, group or "", number, content, raw_value))
    return _finish(name, line, properties, None)


# The parameters of plain lines, by their text (";type=CELL;type=VOICE"): an export spells the
# same few dozen over and over, and parsing them was a sixth of read_plain's time (10,000 bench
# cards: 81 ms). Shared by every property read so, which is why a Property's params are read only.
_PARAMETERS: dict[str, dict[str, list[str]]] = {"": {}}


def _plain_parameters(text: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for param in text[1:].split(";"):
        key, equals, values_text = param.partition("=")
        values = [v for v in values_text.split(",") if v] if equals else []  # as vobject drops empty ones
        key = key.upper()
        if not values:
            if equals:
                continue  # "TYPE=": a parameter with no value, which says nothing
            key, values = "TYPE", [param]  # vCard 2.1: a bare TYPE value ("TEL;CELL;PREF")
        params.setdefault(key, []).extend(values)
    if len(_PARAMETERS) > 4096:  # a file that spells them all differently: memory stays bounded
        _PARAMETERS.clear()
        _PARAMETERS[""] = {}
    _PARAMETERS[text] = params
    return params


# -- Values ---------------------------------------------------------------------------------


unescape = content_lines.unescape


def split_escaped(value: str, separator: str) -> list[str]:
    """Split a structured value at unescaped separators (N, ADR, ORG; CATEGORIES)."""
    if "\\" not in value:
        return value.split(separator)
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _label(prop: Property, apple_labels: dict[str, str], kind: str) -> tuple[str, bool]:
    """(label, preferred) of a phone, email, address or web page from its TYPE and group."""
    types = [t.strip().strip('"').lower() for t in prop.params.get("TYPE", [])]
    preferred = "pref" in types or "PREF" in prop.params
    if prop.group and prop.group.upper() in apple_labels:
        return apple_labels[prop.group.upper()], preferred
    words = [t for t in types if t not in _NOISE_TYPES and t]
    if kind == "phone":
        words = [_PHONE_LABELS.get(t, t) for t in words]
    words = list(dict.fromkeys(words))
    return " ".join(words), preferred


def _apple_label(value: str) -> str:
    match = _APPLE_LABEL.match(value)
    if not match:
        return value
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", match.group(1))
    return words.lower()


def _photo(prop: Property) -> tuple[bytes, str] | None:
    """The bytes of an inline photo, or None when the property is a link to one."""
    value = prop.value.strip()
    payload = prop.raw_value
    if value.lower().startswith("data:") and "," in value:
        header, _, data = value.partition(",")
        payload = data.encode("ascii", errors="ignore") if ";base64" in header.lower() else b""
    elif not payload:
        encoding = [e.lower() for e in prop.params.get("ENCODING", []) + prop.params.get("TYPE", [])]
        if "b" not in encoding and "base64" not in encoding:  # a bare BASE64 lands among the types
            return None
        payload = value.encode("ascii", errors="ignore")
    letters = re.sub(rb"[^A-Za-z0-9+/]", b"", payload.split(b"=", 1)[0])
    if len(letters) % 4 == 1:
        letters = letters[:-1]  # a truncated export: one dangling character cannot be decoded
    try:
        data = base64.b64decode(letters + b"=" * (-len(letters) % 4))
    except (binascii.Error, ValueError):
        raise VCardError("the photo is not valid base64", prop.line) from None
    if not data:
        return None
    try:
        return photos.prepare(data)
    except photos.PhotoError:
        # A photo no program can show: keep a small one as it came (the app shows initials),
        # and leave out a large one rather than the whole card.
        return (data, photos.sniff_type(data)) if len(data) <= photos.KEEP_AS_IS_BYTES else None


# -- Cards ----------------------------------------------------------------------------------

_TEXT_FIELDS = {"FN": "formatted_name", "NICKNAME": "nickname", "TITLE": "title", "BDAY": "birthday",
                "ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary", "GENDER": "gender",
                "X-GENDER": "gender", "UID": "uid", "REV": "revision"}
# A second REV or UID means nothing next to the ones Rapport writes (REV: when it last changed).
_NOT_KEPT = {"VERSION", "PRODID", "X-ABLABEL", "REV", "UID"}
# Readings of the names, as Apple, Google and Android write them (the middle one is kept as it came).
_PHONETIC = {"X-PHONETIC-LAST-NAME": "phonetic_family", "X-PHONETIC-FIRST-NAME": "phonetic_given"}


def card_to_record(properties: list[Property], line: int) -> ContactRecord:
    """The ContactRecord a card describes; what has no column is kept in vcard_properties."""
    record = ContactRecord()
    apple_labels = {p.group.upper(): _apple_label(unescape(p.value)) for p in properties
                    if p.name == "X-ABLABEL" and p.group}
    used_groups: set[str] = set()
    kept: list[Property] = []
    notes: list[str] = []
    rapport: dict[str, object] = {}  # what another Rapport wrote in X-RAPPORT-* properties
    phonetic: dict[str, str] = {}
    for prop in properties:
        name = prop.name
        if name in _TEXT_FIELDS and not getattr(record, _TEXT_FIELDS[name]):
            setattr(record, _TEXT_FIELDS[name], unescape(prop.value).strip())
        elif name == "N":
            # Each part may be a comma list ("Richter,James"); people read it as words.
            # An escaped comma is the name's own ("\\,").
            value = prop.value
            if "\\" in value:
                parts = [" ".join(" ".join(unescape(word) for word in split_escaped(part, ",")).split())
                         for part in split_escaped(value, ";")]
            else:  # most names: the same words, without the escapes' detour
                parts = [" ".join(part.replace(",", " ").split()) for part in value.split(";")]
            parts += [""] * 5
            record.family_name, record.given_name, record.additional_names, record.prefix, record.suffix = parts[:5]
            sort_as = [unescape(part).strip() for v in prop.params.get("SORT-AS", []) for part in re.split(r"[,;]", v)]
            if any(sort_as):  # RFC 6350 5.9: family, given (Android separates them with ";")
                record.phonetic_family, record.phonetic_given = (sort_as + [""])[:2]
        elif name == "ORG" and not record.organisation:
            parts = [unescape(part).strip() for part in split_escaped(prop.value, ";")]
            record.organisation = parts[0]
            record.department = "; ".join(part for part in parts[1:] if part)
            used_groups.add(prop.group.upper())
        elif name == "NOTE":
            notes.append(unescape(prop.value))
        elif name == "CATEGORIES":
            record.tags += [unescape(tag).strip() for tag in split_escaped(prop.value, ",") if unescape(tag).strip()]
        elif name == "TEL":
            value = unescape(prop.value).strip()
            if value.lower().startswith("tel:"):
                value = value[4:]
            label, preferred = _label(prop, apple_labels, "phone")
            record.points.append(ContactPointRecord("phone", value, label, preferred=preferred))
            used_groups.add(prop.group.upper())
        elif name == "EMAIL":
            label, preferred = _label(prop, apple_labels, "email")
            record.points.append(ContactPointRecord("email", unescape(prop.value).strip(), label, preferred=preferred))
            used_groups.add(prop.group.upper())
        elif name == "ADR":
            value = prop.value
            parts = [unescape(part) for part in split_escaped(value, ";")] if "\\" in value else value.split(";")
            parts = (parts + [""] * 7)[:7] if len(parts) <= 7 else parts
            label, preferred = _label(prop, apple_labels, "address")
            record.points.append(ContactPointRecord("address", format_address(parts), label,
                                                    preferred=preferred, parts=parts))
            used_groups.add(prop.group.upper())
        elif name == "URL":
            label, preferred = _label(prop, apple_labels, "url")
            record.points.append(ContactPointRecord("url", unescape(prop.value).strip(), label, preferred=preferred))
            used_groups.add(prop.group.upper())
        elif name in ("IMPP", "X-SOCIALPROFILE") or name in HANDLE_PROPERTIES or (
                name.startswith("X-MESSAGING-") and _KDE_MESSAGING.fullmatch(name)):
            value = unescape(prop.value).strip()
            kde = _KDE_MESSAGING.fullmatch(name)
            service = HANDLE_PROPERTIES.get(name, "") or (
                _SERVICE_ALIASES.get(kde.group(1).lower(), kde.group(1).lower()) if kde else "")
            types = [t.lower() for t in prop.params.get("TYPE", []) + prop.params.get("X-SERVICE-TYPE", [])]
            for candidate in types:
                if candidate not in _NOISE_TYPES and candidate not in ("home", "work"):
                    service = _SERVICE_ALIASES.get(candidate, candidate)
                    break
            if name == "IMPP" and ":" in value and not service:
                scheme = value.split(":", 1)[0].lower()
                service = _SERVICE_ALIASES.get(scheme, scheme)
            if name == "IMPP" and ":" in value:
                value = value.split(":", 1)[1]
            if prop.params.get("X-USER") and not value.lower().startswith("http"):
                value = prop.params["X-USER"][0]
            record.points.append(ContactPointRecord("handle", value, service=service))
            used_groups.add(prop.group.upper())
        elif name in _PHONETIC:  # one reading per property: it says more exactly than N's SORT-AS
            phonetic[_PHONETIC[name]] = unescape(prop.value).strip()
        elif name == "SOUND" and "X-IRMC-N" in [t.upper() for t in prop.params.get("TYPE", [])]:
            # Japanese phones: the reading of N, as family;given;... (often half-width katakana)
            reading = [unescape(part).strip() for part in split_escaped(prop.value, ";")] + [""]
            record.phonetic_family = record.phonetic_family or reading[0]
            record.phonetic_given = record.phonetic_given or reading[1]
        elif name == "SORT-STRING" and not record.phonetic_family:
            record.phonetic_family = unescape(prop.value).strip()  # vCard 3.0: how the family name sorts
        elif name in PREP_PROPERTIES:
            text = unescape(prop.value).strip()
            if text:
                done = any(v.upper() in ("TRUE", "1", "YES") for v in prop.params.get("X-RAPPORT-DONE", []))
                record.prep.append((PREP_PROPERTIES[name], text, done))
        elif name == "X-RAPPORT-INTRODUCED-BY":
            record.introduced_by_uid = unescape(prop.value).strip()
        elif name in RAPPORT_PROPERTIES:
            rapport[name] = unescape(prop.value)
        elif name == "X-RAPPORT-PLACE":
            parts = split_escaped(prop.value, ";")
            if len(parts) == 1 and "\\;" in prop.value:
                # A server that rewrites cards with vobject (Radicale) escapes the separators of an
                # X- property, which it takes for one text: no city has a semicolon in its name.
                parts = prop.value.split("\\;")
            place = [unescape(part).strip() for part in parts] + ["", "", ""]
            rapport[name] = place[:3]
        elif name == "PHOTO" and record.photo is None:
            photo = _photo(prop)
            if photo is None:
                kept.append(prop)
            else:
                record.photo, record.photo_type = photo
        elif name not in _NOT_KEPT:
            kept.append(prop)
    for field_name, value in phonetic.items():
        setattr(record, field_name, value)
    record.notes = "\n\n".join(note for note in notes if note.strip())
    record.tags = list(dict.fromkeys(record.tags))
    kept = _place_from_card(record, kept, rapport)
    # Keep an X-ABLabel only with a kept property of its group (e.g. X-ABRELATEDNAMES).
    kept_groups = {p.group.upper() for p in kept if p.group}
    kept_ids = {id(p) for p in kept}
    # A big base64 payload was kept apart from the line's text while parsing (raw_value): kept
    # properties get it back whole, at any size (a LOGO or SOUND of 50 KB was written empty).
    record.vcard_properties = [p.text + b"".join(p.raw_value.split()).decode("ascii", "ignore") if p.raw_value
                               else p.text for p in properties
                               if id(p) in kept_ids or (p.name == "X-ABLABEL" and p.group.upper() in kept_groups
                                                  and p.group.upper() not in used_groups)]
    if record.display_name == "(no name)" and not record.notes and not record.vcard_properties and not record.photo:
        raise VCardError("the card is empty: no name, organisation, phone or email", line)
    return record


def _place_from_card(record: ContactRecord, kept: list[Property], rapport: dict[str, object]) -> list[Property]:
    """Where the person is and what Rapport knows of them: city, region and country from
    X-RAPPORT-PLACE or else the first address; the zone from TZ when it names one (an offset such
    as -05:00 names no place, so it stays a kept property); the X-RAPPORT-* fields. Returns the
    properties still to keep."""
    place = rapport.get("X-RAPPORT-PLACE")
    if isinstance(place, list):
        record.city, record.region, record.country = place
    else:
        for point in record.points_of("address"):
            if len(point.parts) >= 7 and any(point.parts[3:7]):
                record.city, record.region, record.country = point.parts[3], point.parts[4], point.parts[6]
                break
    for prop in kept:
        if prop.name == "TZ":
            zone = places.zone_from_vcard_tz(prop.value)
            if zone:
                record.time_zone, record.time_zone_source = zone, "from the vCard (TZ)"
                kept = [other for other in kept if other is not prop]  # written again from the zone
                break
    for name, field_name in RAPPORT_PROPERTIES.items():
        value = rapport.get(name)
        if isinstance(value, str):
            if field_name == "cadence_days":
                record.cadence_days = int(value) if value.strip().isdigit() else 0
            else:
                setattr(record, field_name, value)
    return kept


def format_address(parts: list[str]) -> str:
    """ADR parts as the lines of an envelope."""
    pobox, extended, street, locality, region, code, country = (parts + [""] * 7)[:7]
    town = " ".join(part for part in (locality, region, code) if part.strip())
    lines = [pobox, extended, street, town, country]
    return "\n".join(line.strip() for line in lines if line.strip())


def read_cards(path: str | Path, fallback_charset: str = "cp1252") -> Iterator[ParsedCard]:
    """Every card in a file, in order; unreadable ones carry an error and their line number."""
    path = Path(path)
    name = str(path)
    with open(path, "rb") as stream:
        yield from read_stream(stream, name, fallback_charset)


def read_stream(stream: BinaryIO, name: str, fallback_charset: str = "cp1252", first_line: int = 1,
                next_line: int | None = None) -> Iterator[ParsedCard]:
    """Every card in a stream. A piece of a file (see model/parallel_read.py) says the number of
    its first line, and `next_line`, the number of the line after it, when the file goes on."""
    seen_card = False
    properties: list[Property] | None = None
    start = 0
    failure: VCardError | None = None
    warnings: list[tuple[int, str]] = []
    stray_line = 0
    for number, line in logical_lines(stream, first_line):
        if line is COMMENT_LINE and properties is None:
            continue
        upper = line[:12].upper()
        if upper.startswith(b"BEGIN:VCARD"):
            if properties is not None:
                yield ParsedCard(name, start, error=f"the card has no END:VCARD before line {number}")
            seen_card = True
            properties, start, failure, warnings = [], number, None, []
            continue
        if properties is None:
            if not stray_line and line.strip():
                stray_line = number
            continue
        if upper.startswith(b"END:VCARD"):
            card = _finish(name, start, properties, failure)
            card.warnings = warnings
            card.offset = stream.tell() if stream.seekable() else 0
            yield card
            properties = None
            continue
        if failure is not None:
            continue
        if line is COMMENT_LINE:
            warnings.append((number, "a comment line (#) was left out"))
            continue
        if line is LINE_TOO_LONG:
            failure = VCardError(f"line {number} is longer than {MAX_PROPERTY_BYTES // (1024 * 1024)} MB; "
                                 "the card is left out", number)
            continue
        if not _CONTENT_LINE.match(line) and _NAME_LIKE.match(line):
            odd = line.split(b":", 1)[0].split(b";", 1)[0].decode("utf-8", "replace")
            shown = odd if len(odd) <= 40 else odd[:40] + "…"
            warnings.append((number, f"{shown!r} is not a property name (letters A-Z, digits and -); the line was"
                                     " left out"))
            continue
        try:
            properties.append(_parse_property(number, line, fallback_charset))
        except VCardError as error:
            failure = error
    if properties is not None:
        where = f"before line {next_line}" if next_line else "(the file ends first)"
        yield ParsedCard(name, start, error=f"the card has no END:VCARD {where}")
    if not seen_card and first_line == 1 and next_line is None:
        where = f" (line {stray_line})" if stray_line else ""
        yield ParsedCard(name, stray_line or 1, error=f"this is not a vCard file: no BEGIN:VCARD{where}")


def _finish(name: str, start: int, properties: list[Property], failure: VCardError | None) -> ParsedCard:
    if failure is not None:
        return ParsedCard(name, failure.line, error=failure.reason)
    version = next((p.value.strip() for p in properties if p.name == "VERSION"), "")
    try:
        return ParsedCard(name, start, record=card_to_record(properties, start), version=version)
    except VCardError as error:
        return ParsedCard(name, error.line, error=error.reason)


# -- Writing --------------------------------------------------------------------------------

PRODID = "-//Rapport//Rapport contact notebook//EN"
# Label words that are standard TYPE values; any other label goes in an Apple-style group.
_TYPE_OF_LABEL = {
    "phone": {"mobile": "CELL", "home": "HOME", "work": "WORK", "main": "MAIN", "pager": "PAGER", "fax": "FAX",
              "car": "CAR", "video": "VIDEO", "isdn": "ISDN", "bbs": "BBS", "modem": "MODEM",
              "textphone": "TEXTPHONE", "iphone": "IPHONE"},
    "email": {"home": "HOME", "work": "WORK"},
    "address": {"home": "HOME", "work": "WORK"},
    "url": {"home": "HOME", "work": "WORK"},
}
# Services written as IMPP URIs; other handles are written as X-SOCIALPROFILE.
_IMPP_SCHEMES = {"xmpp", "skype", "aim", "icq", "msn", "yahoo", "sip", "gadugadu", "qq", "irc"}


def _types_for(point: ContactPointRecord) -> list[str] | None:
    """TYPE values for a label made only of standard words, or None for a custom label."""
    table = _TYPE_OF_LABEL.get(point.kind, {})
    words = point.label.lower().split()
    if all(word in table for word in words):
        return [table[word] for word in words]
    return None


_PROPERTY_OF = {"phone": "tel", "email": "email", "address": "adr", "url": "url"}


def _card_lines(record: ContactRecord, version: str) -> list[str]:
    """The properties Rapport has columns for, as unfolded content lines in `version`'s syntax."""
    four = version == "4.0"
    lines = [f"VERSION:{version}", f"PRODID:{PRODID}"]
    if record.uid:
        lines.append(f"UID:{_uri(record.uid)}")
    revision = _revision(record)
    if revision:
        lines.append(f"REV:{_uri(revision)}")
    lines.append(f"FN:{_escape(record.display_name)}")
    names = (record.family_name, record.given_name, record.additional_names, record.prefix, record.suffix)
    # 4.0's own place for the readings (RFC 6350 5.9), for its readers; X-PHONETIC-* carry them exactly.
    sort_as = [part.strip() for part in (record.phonetic_family, record.phonetic_given)]
    sort_param = ""
    if four and sort_as[0] and not any(c in "".join(sort_as) for c in ',;:"'):
        sort_param = f";SORT-AS={','.join(part for part in sort_as if part)}"
    lines.append(f"N{sort_param}:{';'.join(_escape(part) for part in names)}")
    # ANNIVERSARY and GENDER are vCard 4.0's; 3.0 has them only as the X- properties readers know.
    for name, value in (("NICKNAME", record.nickname), ("TITLE", record.title), ("BDAY", record.birthday),
                        ("ANNIVERSARY" if four else "X-ANNIVERSARY", record.anniversary),
                        ("GENDER" if four else "X-GENDER", record.gender)):
        if value:
            lines.append(f"{name}:{_escape(value)}")
    if record.organisation or record.department:
        parts = [record.organisation] + ([record.department] if record.department else [])
        lines.append(f"ORG:{';'.join(_escape(part) for part in parts)}")
    # Groups for custom labels must not collide with the groups of kept properties.
    taken = {line.split(".", 1)[0].upper() for line in record.vcard_properties if "." in line.split(":", 1)[0]}
    group_number = 0
    for point in record.points:
        if point.kind == "handle":
            lines.append(_handle_line(point))
            continue
        name = _PROPERTY_OF[point.kind]
        if point.kind == "address":
            parts = (point.parts + [""] * 7)[:7] if point.parts else ["", "", point.value, "", "", "", ""]
            value = ";".join(_escape(part) for part in parts)
        elif point.kind == "url":
            value = _uri(point.value)
        else:
            value = _escape(point.value)
        types = _types_for(point)
        group = ""
        if types is None:  # a custom label: an Apple-style group with its X-ABLabel
            group_number += 1
            while f"ITEM{group_number}" in taken:
                group_number += 1
            group, types = f"item{group_number}.", []
        params = ""
        if point.preferred:
            if four:
                params += ";PREF=1"
            else:
                types.append("PREF")
        if types:
            params = f";TYPE={','.join(t.lower() if four else t for t in types)}" + params
        lines.append(f"{group}{name}{params}:{value}")
        if group:
            lines.append(f"{group}X-ABLabel:{_escape(point.label)}")
    if record.notes:
        lines.append(f"NOTE:{_escape(record.notes)}")
    if record.tags:
        lines.append(f"CATEGORIES:{','.join(_escape(tag) for tag in record.tags)}")
    if record.photo:
        photo = base64.b64encode(record.photo).decode("ascii")
        kind = record.photo_type or "image/jpeg"
        lines.append(f"PHOTO:data:{kind};base64,{photo}" if four
                     else f"PHOTO;ENCODING=b;TYPE={kind.split('/')[-1].upper()}:{photo}")
    return lines


def _uri(value: str) -> str:
    """A URI (or other unescaped) value on one line."""
    return value.replace("\r", "").replace("\n", "")


def _handle_line(point: ContactPointRecord) -> str:
    service = point.service.lower()
    if service in _IMPP_SCHEMES:
        return f"IMPP:{_uri(f'{service}:{point.value}')}"
    kind = f";TYPE={_param_value(service)}" if service else ""
    return f"X-SOCIALPROFILE{kind}:{_uri(point.value)}"


# What Rapport knows of a person beyond the vCard standard travels in these properties (the
# README lists them), so that a card written by one Rapport loses nothing in another; other
# programs keep or ignore them. X-RAPPORT-PLACE is city;region;country, escaped as N is.
RAPPORT_PROPERTIES = {
    "X-RAPPORT-TZ-SOURCE": "time_zone_source", "X-RAPPORT-CALL-HOURS": "call_hours",
    "X-RAPPORT-HOW-MET": "how_met", "X-RAPPORT-MET-ON": "met_on", "X-RAPPORT-CADENCE": "cadence_days",
}
# Prep lines, one property per line, named by section; an answered question has X-RAPPORT-DONE=TRUE.
# Who introduced the person is X-RAPPORT-INTRODUCED-BY, their UID.
PREP_PROPERTIES = {
    "X-RAPPORT-SMALL-TALK": "small_talk", "X-RAPPORT-FAMILY": "family", "X-RAPPORT-INTERESTS": "interests",
    "X-RAPPORT-AVOID": "avoid", "X-RAPPORT-ASK-NEXT": "ask_next",
}
_PREP_PROPERTY = {section: name for name, section in PREP_PROPERTIES.items()}


def _rapport_lines(record: ContactRecord, version: str) -> list[str]:
    lines = []
    place = (record.city, record.region, record.country)
    # Also when there is no place but an address: a reader takes the place from the address.
    if any(place) or any(len(p.parts) >= 7 and any(p.parts[3:7]) for p in record.points_of("address")):
        lines.append("X-RAPPORT-PLACE:" + ";".join(_escape(part) for part in place))
    if record.time_zone and not any(line[:3].upper() in ("TZ:", "TZ;") for line in record.vcard_properties):
        lines.append(("TZ:" if version == "4.0" else "TZ;VALUE=text:") + _escape(record.time_zone))
    for name, field_name in RAPPORT_PROPERTIES.items():
        value = getattr(record, field_name)
        if value and (field_name != "time_zone_source" or record.time_zone):
            lines.append(f"{name}:{_escape(str(value))}")
    for section, text, done in record.prep:
        if section in _PREP_PROPERTY and text.strip():
            lines.append(f"{_PREP_PROPERTY[section]}{';X-RAPPORT-DONE=TRUE' if done else ''}:{_escape(text)}")
    if record.introduced_by_uid:
        lines.append(f"X-RAPPORT-INTRODUCED-BY:{_escape(record.introduced_by_uid)}")
    # The readings of the names, as Apple, Google and Android write and read them (4.0 also
    # has them as N's SORT-AS, written by record_to_card).
    for name, value in (("X-PHONETIC-LAST-NAME", record.phonetic_family),
                        ("X-PHONETIC-FIRST-NAME", record.phonetic_given)):
        if value.strip():
            lines.append(f"{name}:{_escape(value.strip())}")
    return lines


_NEEDS_ESCAPE = re.compile(r"[\\;,\r\n]")


def _escape(text: str) -> str:
    """A text value escaped as vCard 3.0 and 4.0 write it (RFC 6350 3.4)."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\n")
            .replace("\r", "\n").replace("\n", "\\n"))


# Properties one version has and the other has not: written as X- properties there (RFC 6350
# appendix A lists what 4.0 added and removed), so that every reader of that version accepts them.
_ONLY_IN_4 = {"KIND", "GENDER", "LANG", "ANNIVERSARY", "MEMBER", "RELATED", "CLIENTPIDMAP", "XML", "SOURCE"}
_ONLY_IN_3 = {"LABEL", "MAILER", "NAME", "PROFILE", "CLASS", "SORT-STRING", "AGENT"}
_BINARY_TYPES = {"PHOTO": "image", "LOGO": "image", "SOUND": "audio", "KEY": "application"}


@functools.lru_cache(maxsize=8192)  # phones write the same lines on many cards ("X-ANDROID-CUSTOM:…")
def _kept_line(text: str, version: str) -> str:
    """A kept property rewritten in `version`'s syntax: 2.1's bare parameters become TYPE=, a
    CHARSET goes (the file is UTF-8), base64 is ENCODING=b in 3.0 and a data: URI in 4.0, a
    preference is TYPE=PREF in 3.0 and PREF=1 in 4.0, GEO and TZ values take the version's form,
    and a property or parameter the version lacks becomes its X- form. A line that cannot be
    parsed is left out of the file rather than written broken."""
    try:
        name, param_list, value, group = vobject.base.parseLine(text)
    except vobject.base.ParseError:
        return ""
    name = name.upper()
    params: dict[str, list[str]] = {}
    for item in param_list:
        key, values = item[0].upper(), list(item[1:])
        if not values:  # vCard 2.1: TEL;WORK;VOICE
            key, values = "TYPE", [item[0]]
        if key == "TYPE":
            values = [part for v in values for part in v.split(",")]
        params.setdefault(key, []).extend(values)
    params.pop("CHARSET", None)
    encoding = [v.upper() for v in params.pop("ENCODING", [])]
    types = params.pop("TYPE", [])
    binary = any(v in ("B", "BASE64") for v in encoding) or "BASE64" in [t.upper() for t in types]
    types = [t for t in types if t.upper() not in ("BASE64", "QUOTED-PRINTABLE")]
    if binary and version == "4.0":
        kind = next((t for t in types if "/" in t), "")
        if not kind and types:
            kind = f"{_BINARY_TYPES.get(name, 'application')}/{types[0].lower()}"
        if not kind:  # no TYPE: what the bytes say they are
            with contextlib.suppress(binascii.Error, ValueError):
                kind = photos.sniff_type(base64.b64decode("".join(value.split())[:64]))
        types = [t for t in types if t.lower() not in (kind.lower(), kind.split("/")[-1].lower())]
        value = f"data:{kind or 'application/octet-stream'};base64,{''.join(value.split())}"
    elif binary:
        params["ENCODING"] = ["b"]
    value = _in_4(name, params, types, value) if version == "4.0" else _in_3(name, params, types, value, binary)
    if types:
        params["TYPE"] = [t.lower() for t in types] if version == "4.0" else types
    if name in (_ONLY_IN_3 if version == "4.0" else _ONLY_IN_4) or name in _ONCE:
        name = f"X-{name}"
    written = "".join(f";{key}={','.join(_param_value(v) for v in values)}" for key, values in params.items())
    return f"{group + '.' if group else ''}{name}{written}:{value}"


# Properties a card has at most once (RFC 6350 6.2.2, 6.2.5-7): the first is a field of the
# person, so a kept one is a second, written as its X- form to keep the card valid.
_ONCE = {"N", "BDAY", "ANNIVERSARY", "GENDER"}
# Parameters vCard 4.0 added (RFC 6350 5; appendix A): X- parameters in 3.0.
_PARAMS_ONLY_IN_4 = {"MEDIATYPE", "ALTID", "PID", "CALSCALE", "SORT-AS", "GEO", "TZ", "LABEL", "INDEX", "LEVEL",
                     "CC"}
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_DATA_URI = re.compile(r"data:([^;,]*)(;base64)?,(.*)", re.IGNORECASE | re.DOTALL)


def _in_3(name: str, params: dict[str, list[str]], types: list[str], value: str, binary: bool) -> str:
    """A kept 4.0 property's parameters and value as vCard 3.0 has them (RFC 2426)."""
    if params.pop("PREF", None) and "PREF" not in (t.upper() for t in types):
        types.append("PREF")
    for key in [key for key in params if key in _PARAMS_ONLY_IN_4]:
        params[f"X-{key}"] = params.pop(key)
    if name in _BINARY_TYPES and not binary:
        inline = _DATA_URI.fullmatch(value)
        if inline and inline.group(2):  # a data: URI: 3.0 writes the bytes inline
            params["ENCODING"] = ["b"]
            if inline.group(1):
                types.append(inline.group(1).split("/")[-1].upper())
            return inline.group(3)
        if ":" in value and "VALUE" not in params:
            params["VALUE"] = ["uri"]
    if name == "GEO" and value.lower().startswith("geo:"):  # geo:lat,lon  ->  lat;lon
        where = value[4:].split(";")[0].split(",")
        if len(where) >= 2:
            return f"{where[0]};{where[1]}"
    if name == "TZ" and "VALUE" not in params and not _OFFSET.fullmatch(value.strip()):
        params["VALUE"] = ["text"]  # 3.0's TZ is an offset unless it says otherwise
    return value


def _in_4(name: str, params: dict[str, list[str]], types: list[str], value: str) -> str:
    """A kept 3.0 or 2.1 property's parameters and value as vCard 4.0 has them (RFC 6350)."""
    if any(t.upper() == "PREF" for t in types):
        types[:] = [t for t in types if t.upper() != "PREF"]
        params.setdefault("PREF", ["1"])
    if name == "GEO" and not value.lower().startswith("geo:") and ";" in value:
        latitude, longitude = value.split(";", 1)
        return f"geo:{latitude.strip()},{longitude.strip()}"
    if name == "TZ":
        offset = _OFFSET.fullmatch(value.strip())
        if offset:
            params["VALUE"] = ["utc-offset"]
            return "".join(offset.groups())
        if [v.lower() for v in params.get("VALUE", [])] == ["text"]:
            del params["VALUE"]  # text is 4.0's default
    return value


def _param_value(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ':;,') and not value.startswith('"') else value


def _revision(record: ContactRecord) -> str:
    """REV: when the person last changed in the notebook (RFC 6350 6.7.4, a UTC timestamp), or
    the card's own REV for one not stored yet."""
    import datetime as dt

    if not record.updated_at:
        return record.revision
    moment = dt.datetime.fromisoformat(record.updated_at)
    moment = moment.replace(tzinfo=moment.tzinfo or dt.UTC).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}"


def serialize(record: ContactRecord, version: str = "3.0") -> str:
    """One vCard as text, in `version`'s syntax throughout: the person's fields, then what Rapport
    knows of them (X-RAPPORT-*), then the kept properties rewritten for the version (see
    _kept_line); each line escaped and folded."""
    lines = _card_lines(record, version) + _rapport_lines(record, version)
    lines += [rewritten for rewritten in (_kept_line(line, version) for line in record.vcard_properties) if rewritten]
    fold = content_lines.fold  # its short-ASCII case inline: it is most lines of 50,000 cards
    return "BEGIN:VCARD\r\n" + "".join([line + "\r\n" if len(line) <= 75 and line.isascii() else fold(line)
                                        for line in lines]) + "END:VCARD\r\n"


def write_vcards(records: Iterable[ContactRecord], stream: TextIO, version: str = "3.0") -> int:
    """Write the records to a text stream as vCards; returns how many were written."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version {version} cannot be written; choose 3.0 or 4.0")
    count = 0
    for record in records:
        stream.write(serialize(record, version))
        count += 1
    return count


def export_file(records: Iterable[ContactRecord], path: str | Path, version: str = "3.0") -> int:
    """Write the records to the .vcf file at `path`, all or nothing: a failure half way (a full
    disk) leaves any file already there untouched. Raises OSError or ValueError."""
    return storage.write_whole(path, lambda stream: write_vcards(records, stream, version))
