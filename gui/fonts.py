"""The bundled fonts, so that every script a name may be written in shows and prints with real
glyphs on any machine, whatever fonts the system has.

They are stored xz-compressed (resources/fonts, made by packaging/make_fonts.py: 7.7 MB of
TrueType in 2.9 MB, which keeps the bundle under its 100 MB) and unpacked once into the user's
cache folder, from where Qt maps them as it would any font file: after the first start,
registering them costs a few file checks, not a decompression (0.1 s for the CJK font).
"""

from __future__ import annotations

import logging
import lzma
from pathlib import Path

from PySide6.QtGui import QFontDatabase

import resources

logger = logging.getLogger(__name__)

# In the order a fallback looks: each covers scripts the ones before it lack.
FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf", "RapportHangul-Regular.ttf",
              "NotoSansDevanagari-Regular.ttf", "NotoSansThai-Regular.ttf", "NotoSansArabic-Regular.ttf",
              "NotoSansHebrew-Regular.ttf"]
# The families a printed call sheet asks for, first to last.
FAMILIES = ["DejaVu Sans", "Droid Sans Fallback", "Rapport Hangul", "Noto Sans Devanagari", "Noto Sans Thai",
            "Noto Sans Arabic", "Noto Sans Hebrew"]

_registered: set[str] = set()


def unpacked(name: str) -> Path:
    """The font file `name`, unpacked into the cache folder if it is not there yet."""
    return resources.unpacked(resources.path("fonts", f"{name}.xz"), "fonts")


def register(names: list[str] | None = None) -> None:
    """Register the bundled fonts with Qt (once each). A font that cannot be unpacked (a full
    disk, a read-only cache) is loaded from memory instead; one that cannot load at all is
    logged, and the text falls back to the system's fonts."""
    for name in names or FONT_FILES:
        if name in _registered:
            continue
        _registered.add(name)
        try:
            font_id = QFontDatabase.addApplicationFont(str(unpacked(name)))
        except OSError as error:
            logger.warning("Cannot unpack the font %s into the cache (%s); loading it from memory", name, error)
            font_id = QFontDatabase.addApplicationFontFromData(
                lzma.decompress(resources.path("fonts", f"{name}.xz").read_bytes()))
        if font_id < 0:
            logger.warning("Qt could not load the bundled font %s", name)
