"""The desktop integration files: valid for the desktop tools, and naming what Rapport opens."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import resources
from tests.conftest import ROOT

LINUX = ROOT / "packaging" / "linux"


def test_the_desktop_file_opens_vcards_and_calendars():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(LINUX / "rapport.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert {"text/vcard", "text/x-vcard", "text/calendar"} <= set(filter(None, desktop["MimeType"].split(";")))
    assert desktop["Exec"].endswith("%F") and desktop["Icon"] == "rapport"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(LINUX / "rapport.desktop")], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="needs appstream")
def test_the_appstream_metadata_validates():
    metainfo = LINUX / "io.github.rapport.Rapport.metainfo.xml"
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_icon_size_the_installers_use_is_there():
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert resources.path("icons", f"rapport-{size}.png").stat().st_size > 300
    for name in ("rapport.svg", "rapport.ico", "rapport.icns"):
        assert resources.path("icons", name).exists()
    assert resources.path("gazetteer.json.xz").stat().st_size > 1_000_000


def test_the_icu_data_keeps_english_and_the_root_data_only():
    sys.path.insert(0, str(ROOT / "packaging"))
    import trim_icu

    kept = ["root.res", "en.res", "en_GB.res", "pool.res", "res_index.res", "zoneinfo64.res", "metaZones.res",
            "coll/root.res", "coll/ucadata.icu", "curr/en.res", "curr/pool.res", "brkitr/line.brk", "uts46.nrm",
            "cnvalias.icu", "supplementalData.res"]
    removed = ["de.res", "zh_Hant_TW.res", "coll/de.res", "coll/de_.res", "lang/fr.res", "unit/ja.res",
               "ibm-943_P15A-2003.cnv", "brkitr/cjdict.dict", "translit/el_Latn.res"]
    assert [item for item in kept if trim_icu._removed(item)] == []
    assert [item for item in removed if not trim_icu._removed(item)] == []


def test_the_trimmed_icu_library_is_small_and_has_its_data(tmp_path):
    sys.path.insert(0, str(ROOT / "packaging"))
    import PySide6
    import trim_icu

    library = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"), None)
    if library is None or not trim_icu.tools_available():
        pytest.skip("needs Linux's PySide6 wheel, and icupkg and genccode (icu-devtools)")
    trimmed = trim_icu.trim(library, tmp_path)
    assert trimmed.stat().st_size < library.stat().st_size / 5
    symbol, _offset, size = trim_icu._data_symbol(trimmed)
    assert symbol == trim_icu._data_symbol(library)[0] and size > 1_000_000
