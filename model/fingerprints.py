"""Fingerprints of imported cards, so that importing an unchanged file again costs a hash per
card, not a parse (a phone's export re-imported every week was parsed and merged in full, card
by card, to find that nothing had changed: 22-42 s at 50,000 cards).

Each card an import puts into the notebook (new, merged into someone, or found unchanged) leaves
the digest of its bytes in `card_fingerprint`, with the person it went to. The next import cuts
the file into cards as bytes (`regions`), and a card whose digest is there is that person,
unchanged, without being read. The digest is of what the reader would see:

- line endings normalised (CRLF, LF): the reader treats them alike;
- folding undone (a line break followed by a space or tab) where that cannot change the card:
  not in a card with quoted-printable soft breaks (there, the space after a fold is text), comment
  lines or blank lines (the reader joins a fold to the line before those differently);
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
from collections.abc import Iterable, Iterator
from pathlib import Path

from model.schema import database

_BOUNDARY = re.compile(rb"^(?:\xef\xbb\xbf)?(BEGIN|END):VCARD", re.IGNORECASE | re.MULTILINE)
_FOLD = re.compile(rb"\n[ \t]")
_UNSAFE_TO_UNFOLD = re.compile(rb"=\n|\n#|\n[ \t]*\n")


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


def digest(card: bytes) -> bytes:
    """The fingerprint of one card's bytes, BEGIN:VCARD to END:VCARD and its line ending."""
    text = card.replace(b"\r\n", b"\n")
    if not _UNSAFE_TO_UNFOLD.search(text):
        text = _FOLD.sub(b"", text)
    return hashlib.blake2b(text, digest_size=16, key=reader_stamp()).digest()


def regions(data: bytes, first_line: int = 1) -> Iterator[tuple[int, int, int, bytes]]:
    """(start, end, line, digest) of each card in `data` that can be fingerprinted: its bytes are
    data[start:end] and it begins on line `line` (the first line of `data` being `first_line`)."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return  # lone CRs end lines too: the reader numbers lines as this count would not
    line, counted = first_line, 0
    opened: tuple[int, int] | None = None  # (start, line) of the BEGIN:VCARD waiting for its END
    for match in _BOUNDARY.finditer(data):
        start = match.start()
        line += data.count(b"\n", counted, start)
        counted = start
        before = start
        while before > 0 and data[before - 1] in b"\r\n":
            before -= 1
        soft_break = data[before - 1:before] == b"="  # the line may be joined to the one before
        if match.group(1).upper() == b"BEGIN":
            opened = None if soft_break else (start, line)
            continue
        if opened is None:
            continue
        if not soft_break:
            end = data.find(b"\n", match.end())
            end = len(data) if end < 0 else end + 1
            yield opened[0], end, opened[1], digest(data[opened[0]:end])
        opened = None


def known() -> dict[bytes, int]:
    """Every fingerprint in the notebook, with the person its card went to."""
    return dict(database.execute_sql("SELECT f.digest, f.contact_id FROM card_fingerprint f"
                                     " JOIN contact c ON c.id = f.contact_id").fetchall())


def remember(pairs: Iterable[tuple[bytes, int]]) -> None:
    """Keep these (fingerprint, person) pairs; a fingerprint already there moves to its new person."""
    rows = list(pairs)
    for start in range(0, len(rows), 5000):
        database.execute_sql(
            "INSERT OR REPLACE INTO card_fingerprint (digest, contact_id) VALUES "
            + ", ".join(["(?, ?)"] * len(rows[start:start + 5000])),
            [value for row in rows[start:start + 5000] for value in row])
