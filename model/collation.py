"""Sort keys that put a name where a reader of its script looks for it.

The keys come from the Unicode Collation Algorithm with its default table (DUCET, Unicode
10.0), through pyuca: "Łukasz" sorts with the L's, "Østergaard" with the O's, "Ærø" after
"Adams", and kana by their reading order (あ, い, う ... with katakana and half-width katakana
beside the hiragana of the same sound). Before, names were folded to ASCII where they could be
and compared by code point, which put Ł, Ø and Æ after Z.

Why pyuca and not ICU or the C library: PyICU has no wheels (pyicu-wheels is 18 MB, a fifth of
the bundle's limit); `locale.strxfrm` depends on which locales the machine has generated (the
C locale, what CI and many containers run in, is code-point order) and gives keys that change
when the user's locale does; Qt's QCollator is not for model/. DUCET is the order CLDR's root
locale and most languages use. What it does not do is a language's own tailoring: a Swede
expects Å after Z, a Pole Ł after L as a letter of its own (DUCET puts it among the L's as
a variant). The stored key is the primary weights (letters, not accents or case) followed by
the folded name, so "Muller" and "Müller" sit together and a longer name follows its prefix.

Loading the table takes about 0.2 s, so it is loaded on first use (`warm_up` does it early,
off the UI thread); a key then costs about 18 µs.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from pathlib import Path

from model import normalise

_collator = None
_lock = threading.Lock()


def _table():
    global _collator
    if _collator is None:
        with _lock:
            if _collator is None:
                from pyuca import collator  # type: ignore[import-untyped]

                # The newest table pyuca has, named: its default follows the Python version (9.0.0
                # here). The bundle carries only this one, xz-compressed (1.8 MB in 0.2 MB), and
                # unpacks it into the cache folder the first time.
                table = Path(collator.__file__).with_name("allkeys-10.0.0.txt")
                if not table.exists():
                    import resources

                    table = resources.unpacked(table.with_name(table.name + ".xz"), "collation")
                _collator = collator.Collator_10_0_0(str(table))
    return _collator


def warm_up() -> None:
    """Load the collation table now (e.g. on a background thread), not at the first save."""
    _table()


def sort_key(text: str) -> str:
    """A text key whose plain (binary) order is the collation order of `text`: four hex digits
    per primary weight, a space (below every digit, so a prefix sorts first), then the folded
    text to order names that differ only in accents or case the same way every time."""
    if text.isascii():  # no decomposition to do; and the key of a name seen before is reused
        return _key(text)
    return _key(unicodedata.normalize("NFD", text))


@functools.lru_cache(maxsize=65536)
def _key(decomposed: str) -> str:
    # Only the primary level is needed, so pyuca's four-level sort_key is not built.
    elements = _table().collation_elements(decomposed)
    primary = "".join(f"{element[0]:04x}" for element in elements if element[0])
    return primary + " " + normalise.fold(decomposed)
