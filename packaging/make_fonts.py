"""Make the call sheet's fonts in resources/fonts from Debian's font packages.

Every script a contact's name may be written in must print with real glyphs on any machine,
and the bundle must stay under 100 MB, so the fonts are stored xz-compressed (7.7 MB of TrueType
is 2.9 MB) and unpacked once into the user's cache folder (gui/fonts.py):

- DejaVu Sans and DejaVu Sans Bold (fonts-dejavu-core): Latin, Greek, Cyrillic, Hebrew, Arabic.
- Droid Sans Fallback Full (fonts-droid-fallback): Chinese and Japanese (it has no Hangul).
- Noto Sans Devanagari, Thai, Arabic and Hebrew (fonts-noto-core), as they are.
- Hangul: NanumGothic (fonts-nanum) cut down with fontTools to the Hangul syllables and jamo
  (11,172 syllables; the Hanja and Latin of the full font are covered by the fonts above),
  4.7 MB to 1.9 MB. A changed font may not keep a Reserved Font Name of the SIL Open Font
  Licence, so the cut-down font is renamed "Rapport Hangul".

    apt-get download fonts-dejavu-core fonts-droid-fallback fonts-noto-core fonts-nanum
    for deb in *.deb; do dpkg-deb -x "$deb" debs; done
    .venv/bin/pip install fonttools
    .venv/bin/python packaging/make_fonts.py debs/usr/share/fonts
"""

from __future__ import annotations

import io
import lzma
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "fonts"
AS_THEY_ARE = ["truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf",
               "truetype/droid/DroidSansFallbackFull.ttf", "truetype/noto/NotoSansDevanagari-Regular.ttf",
               "truetype/noto/NotoSansThai-Regular.ttf", "truetype/noto/NotoSansArabic-Regular.ttf",
               "truetype/noto/NotoSansHebrew-Regular.ttf"]
HANGUL = "truetype/nanum/NanumGothic.ttf"
HANGUL_RANGES = [(0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)]
HANGUL_NAME = "Rapport Hangul"


def packed(data: bytes) -> bytes:
    return lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)


def hangul(source: Path) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    options = subset.Options()
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # the hinting tool's sources
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in HANGUL_RANGES for code in range(first, last + 1)])
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16):
            names.setName(HANGUL_NAME, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(f"{HANGUL_NAME} Regular (from NanumGothic)", 3, record.platformID, record.platEncID,
                          record.langID)
        elif record.nameID == 6:
            names.setName("RapportHangul-Regular", 6, record.platformID, record.platEncID, record.langID)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main(fonts: Path) -> int:
    for name in AS_THEY_ARE:
        source = fonts / name
        (OUT / f"{source.name}.xz").write_bytes(packed(source.read_bytes()))
    (OUT / "RapportHangul-Regular.ttf.xz").write_bytes(packed(hangul(fonts / HANGUL)))
    for path in sorted(OUT.glob("*.xz")):
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
