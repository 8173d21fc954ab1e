"""Fingerprints of imported cards, so that importing an unchanged file again costs a hash per
card, not a parse (a phone's export re-imported every week was parsed and merged in full, card
by card, to find that nothing had changed: 22-42 s at 50,000 cards).

Each card an import puts into the notebook (new, merged into someone, or found unchanged) leaves
two digests in `card_fingerprint`, with the person it went to. The next import cuts the file
into cards as bytes (`regions`), and a card whose digest is there is that person, unchanged,
without being read. The first digest is of the card's bytes as they are (`exact`: one pass over
them, for the usual case, the same export again); the second, looked for only when the first is
not there, of what the reader would see (`normalised`: 0.9 s more over the 117 MB of the 50,000-card
bench file, where the exact one is 0.16 s):

- line endings normalised (CRLF, LF): the reader treats them alike;
- folding undone (a line break followed by a space or tab) where that cannot change the card:
  not in a card with quoted-printable soft breaks (there, the space after a fold is text), comment
  lines or empty lines (see `unsafe_to_unfold`);
- the reader itself: the sources of the modules that turn bytes into a person, so that a Rapport
  that reads cards better reads every card again once.

A card is fingerprinted only when its bytes are beyond doubt the card the reader makes of them:
BEGIN:VCARD to the first END:VCARD with no other BEGIN between, neither line joined to the one
before by a soft break. Anything else (and files with CR-only line endings, or UTF-16 ones) is
simply read, as before. A person deleted takes their fingerprints along (ON DELETE CASCADE), so
their card is read, and offered, again.

Deliberately, a card found unchanged adds nothing even if the person lost a value since (the
user deleted a number the card still has): the file says nothing new, and re-importing it should
not undo the user's edits.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from model.schema import database

# A line that begins BEGIN:VCARD or END:VCARD, found by its line break (a search that begins
# with a literal runs at memchr's pace: 0.1 s over 117 MB, where ^ in MULTILINE mode took 0.56 s).
_BOUNDARY = re.compile(rb"\n(?i:(BEGIN|END)):VCARD")
_FIRST = re.compile(rb"(?:\xef\xbb\xbf)?(?i:(BEGIN)):VCARD")  # the same, on the first line
# Any card that may hold a quoted-printable value: base64 has no "-", so a photo is passed over at
# memchr's pace (searching it for (?i)quoted-printable took 0.5 s over 117 MB of photos).
_QUOTED_PRINTABLE = re.compile(rb"-(?i:printable)")
_FOLD = re.compile(rb"\n[ \t]")


def unsafe_to_unfold(text: bytes) -> bool:
    """Whether undoing the folds of a card (LF line endings) might change how it reads: a
    quoted-printable soft break (the space after its fold is text), a comment line (the reader
    joins a fold after it to the line before the comment), an empty line (after one, a line
    beginning with a space starts a property). A line of only spaces is a fold like any other."""
    return b"\n#" in text or b"\n\n" in text or (b"=\n" in text and bool(_QUOTED_PRINTABLE.search(text)))


@functools.cache
def reader_stamp() -> bytes:
    """What the reader is: its modules' sources where they are files, else (a bundle keeps only
    compiled code) their code objects."""
    from model import contacts, normalise, photos, places, vcard

    stamp = hashlib.blake2b(b"rapport card fingerprint 1", digest_size=16)
    for module in (vcard, normalise, photos, contacts, places):
        try:
            stamp.update(Path(module.__file__ or "").read_bytes())
        except OSError:
            code = module.__loader__.get_code(module.__name__)  # type: ignore[union-attr]
            stamp.update(marshal.dumps(code))
    return stamp.digest()


def exact(card: bytes) -> bytes:
    """The fingerprint of a card's bytes as they are: one pass, for a card exported again as it was."""
    return hashlib.blake2b(card, digest_size=16, key=reader_stamp()).digest()


def normalised(card: bytes) -> bytes:
    """The fingerprint of what the reader sees in a card's bytes, BEGIN:VCARD to END:VCARD and its
    line ending: with LF line endings, and unfolded where that cannot change how it reads."""
    text = card.replace(b"\r\n", b"\n") if b"\r" in card else card
    if not unsafe_to_unfold(text):
        text = _FOLD.sub(b"", text)
    return hashlib.blake2b(text, digest_size=16, key=reader_stamp(), person=b"normalised").digest()


def find(card: bytes, known: Mapping[bytes, int]) -> tuple[int | None, bytes]:
    """The person `known` has for a card's bytes (None: it is to be read), and the card's
    fingerprints as `remember` keeps them: the exact one alone when that was found, else both
    (32 bytes), the normalised one looked for only when the exact one is not known."""
    fingerprint = exact(card)
    person = known.get(fingerprint)
    if person is None:
        fingerprint += normalised(card)
        person = known.get(fingerprint[16:])
    return person, fingerprint


def regions(data: bytes, first_line: int = 1) -> Iterator[tuple[int, int, int, int]]:
    """(start, end, line, next line) of each card in `data` that can be fingerprinted: its
    bytes are data[start:end], it begins on line `line` (the first line of `data` being
    `first_line`) and the line after it is `next line`."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return  # lone CRs end lines too: the reader numbers lines as this count would not
    line, counted = first_line, 0
    opened: tuple[int, int] | None = None  # (start, line) of the BEGIN:VCARD waiting for its END
    if _FIRST.match(data):
        opened = (0, first_line)
    for match in _BOUNDARY.finditer(data):
        start = match.start() + 1  # where the line begins
        line += data.count(b"\n", counted, start)
        counted = start
        # The line before ends in what may be a quoted-printable soft break (a photo's base64 may
        # end in = too): the reader may join this line to it.
        soft_break = data[start - 2:start] == b"=\n" or data[start - 3:start] == b"=\r\n"
        if match.group(1).upper() == b"BEGIN":
            opened = None if soft_break else (start, line)
            continue
        if opened is None:
            continue
        if not (soft_break and _QUOTED_PRINTABLE.search(data, opened[0], start)):
            end = data.find(b"\n", match.end())
            end = len(data) if end < 0 else end + 1
            yield opened[0], end, opened[1], line + 1
        opened = None


def known() -> dict[bytes, int]:
    """Every fingerprint in the notebook, with the person its card went to."""
    return dict(database.execute_sql("SELECT f.digest, f.contact_id FROM card_fingerprint f"
                                     " JOIN contact c ON c.id = f.contact_id").fetchall())


def remember(pairs: Iterable[tuple[bytes, int]]) -> None:
    """Keep these (fingerprints, person) pairs (`find`'s 16 or 32 bytes); a fingerprint already
    there moves to its new person."""
    rows = [(fingerprint[start:start + 16], person) for fingerprint, person in pairs
            for start in range(0, len(fingerprint), 16)]
    for start in range(0, len(rows), 5000):
        batch = rows[start:start + 5000]
        database.execute_sql("INSERT OR REPLACE INTO card_fingerprint (digest, contact_id) VALUES "
                             + ", ".join(["(?, ?)"] * len(batch)), [value for row in batch for value in row])
