"""The user's preferences (model/preferences.py): a JSON file in the configuration folder, read
by the window and the command line; a broken file or value gives the default, never a crash."""

from __future__ import annotations

import json

import pytest

from model import places, preferences
from model.preferences import Preferences


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    preferences.forget()
    yield tmp_path
    preferences.forget()


def test_defaults_until_saved_then_what_was_saved(config):
    assert preferences.current() == Preferences()
    assert places.default_call_hours() == "09:00-18:00"
    chosen = Preferences(home_zone="Europe/Lisbon", home_place="Lisbon", call_hours="10:00-19:30", first_day=6,
                         paper="letter", keep_text=True, reminder=30, all_day_reminder=-15 * 60)
    preferences.save(chosen)
    stored = json.loads((config / "Rapport" / "preferences.json").read_text(encoding="utf-8"))
    assert stored["home_zone"] == "Europe/Lisbon" and stored["first_day"] == 6
    preferences.forget()  # as another process reads it
    assert preferences.current() == chosen
    assert places.my_zone() == "Europe/Lisbon"  # home, whatever the computer says
    assert places.default_call_hours() == places.call_hours_or_default("") == "10:00-19:30"
    assert places.call_hours_or_default("nonsense") == "10:00-19:30"
    assert places.parse_call_hours("")[0].hour == 10
    preferences.save(Preferences())
    assert places.my_zone() == places.computer_zone()


def test_a_broken_file_or_value_gives_the_default(config, caplog):
    folder = config / "Rapport"
    folder.mkdir()
    (folder / "preferences.json").write_text("{not json", encoding="utf-8")
    assert preferences.current() == Preferences()
    assert "cannot be read" in caplog.text
    (folder / "preferences.json").write_text(json.dumps(
        {"home_zone": "Mars/Olympus", "call_hours": "all day", "first_day": 9, "paper": "legal", "reminder": "soon",
         "keep_text": True, "unknown": 1}), encoding="utf-8")
    preferences.forget()
    found = preferences.current()
    assert (found.home_zone, found.call_hours, found.first_day, found.paper, found.reminder) == (
        "", "09:00-18:00", 0, "", 15)
    assert found.keep_text  # what was valid is kept
