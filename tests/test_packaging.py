"""The desktop integration files: valid for the desktop tools, and naming what Rapport opens."""

import configparser
import shutil
import subprocess

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
    assert resources.path("gazetteer.json.gz").stat().st_size > 1_000_000
