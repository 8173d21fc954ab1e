"""Every script a name may be written in has real glyphs in the bundled fonts: laid out by Qt
as the call sheet lays it out, no glyph is the missing-glyph box (index 0), and each comes
from a bundled family, whatever the machine has installed."""

import pytest
from PySide6.QtGui import QFont, QTextLayout

from gui import fonts

NAMES = {
    "Latin": "Zoë Ångström, Łukasz Żółć, Nguyễn Thị Minh Khai",
    "Greek": "Αλέξανδρος Παπαδόπουλος",
    "Cyrillic": "Дмитрий Шостакович, Їжак Ґудзь",
    "Chinese": "王小明 张伟 陳大文",
    "Japanese": "安藤ロイド あんどう ｱﾝﾄﾞｳ",
    "Korean": "김민준 박서연 이똠 최쀍",  # 똠 and 쀍 are outside the 2,350 syllables of KS X 1001
    "Arabic": "محمد عبد الله",
    "Persian": "پرویز گلچین",
    "Hebrew": "דוד כהן",
    "Devanagari": "प्रिया शर्मा",
    "Thai": "สมชาย ใจดี",
}


@pytest.fixture(scope="module")
def bundled(qapp):
    fonts.register()


@pytest.mark.parametrize("script", NAMES)
def test_the_bundled_fonts_have_every_glyph(bundled, script):
    font = QFont()
    font.setFamilies(fonts.FAMILIES)
    font.setPointSize(12)
    layout = QTextLayout(NAMES[script], font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs
    for run in runs:
        family = run.rawFont().familyName()
        assert family in fonts.FAMILIES, (script, family)
        assert 0 not in run.glyphIndexes(), (script, family)


def test_the_fonts_unpack_once_into_the_cache(bundled):
    first = fonts.unpacked("NotoSansThai-Regular.ttf")
    mtime = first.stat().st_mtime_ns
    assert fonts.unpacked("NotoSansThai-Regular.ttf") == first and first.stat().st_mtime_ns == mtime
    assert first.read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
