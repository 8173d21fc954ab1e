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

Reading pyuca's table takes 0.17-0.2 s, in every process that makes keys: the window, the
import and each fork server of parse workers (a tenth of an import of 10,000 cards in CPU). So
the table pyuca read is kept, the first time, in Rapport's cache folder as `marshal` data
behind its SHA-256, which loads in 7-12 ms; pyuca's own algorithm then runs over it unchanged
(`_CachedTrie` answers its one question, find_prefix, as pyuca's Trie does). A cache file that
is damaged, from another version, or cannot be written is read again from the table. The table
is loaded on first use (`warm_up` does it early, off the UI thread); a key then costs about 18 µs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import threading
import unicodedata
from pathlib import Path

from model import normalise

log = logging.getLogger(__name__)
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
                _collator = load(table, _cache_file(table))
    return _collator


def _cache_file(table: Path) -> Path:
    import platformdirs

    version = f"{table.stem}-{table.stat().st_size}-py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}"
    return Path(platformdirs.user_cache_dir("Rapport", appauthor=False)) / "collation" / f"{version}.uca"


_MAGIC = b"Rapport collation table\n"


def load(table: Path, cache: Path):
    """pyuca's collator for `table`, from `cache` where it holds that table whole, else read
    from the table (and `cache` written for the next time)."""
    from pyuca import collator

    try:
        data = cache.read_bytes()
        digest, payload = data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
        if data.startswith(_MAGIC) and hashlib.sha256(payload).digest() == digest:
            root, implicit_weights = marshal.loads(payload)
            made = collator.Collator_10_0_0.__new__(collator.Collator_10_0_0)
            made.table, made.implicit_weights = _CachedTrie(root), implicit_weights
            return made
        log.info("The cached collation table %s is damaged; reading the table again", cache)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError) as error:
        log.info("The cached collation table %s cannot be read (%s); reading the table again", cache, error)
    made = collator.Collator_10_0_0(str(table))
    payload = marshal.dumps((_frozen(made.table.root), made.implicit_weights))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
        try:
            partial.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(partial, cache)  # another process reading it finds it whole or not at all
        finally:
            partial.unlink(missing_ok=True)
    except OSError as error:
        log.info("The collation table cannot be cached in %s: %s", cache.parent, error)
    return made


def _frozen(node) -> tuple:
    """A pyuca Trie node as (value, {code point: child}) of tuples, which marshal can keep."""
    value = tuple(tuple(element) for element in node.value) if node.value else None
    children = {part: _frozen(child) for part, child in node.children.items()} if node.children else None
    return value, children


class _CachedTrie:
    """pyuca's Trie over _frozen nodes: find_prefix is the only method its collator calls."""

    __slots__ = ("root",)

    def __init__(self, root: tuple) -> None:
        self.root = root

    def find_prefix(self, key: list[int]):
        node, success_index, success_value = self.root, 0, None
        for i, part in enumerate(key):
            children = node[1]
            if children is None or part not in children:
                break
            node = children[part]
            if node[0]:
                success_index, success_value = i + 1, node[0]
        return key[:success_index], success_value, key[success_index:]


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
