"""main.py as scripts call it: flags, JSON keys, exit codes, and no tracebacks."""

import json
import os
import subprocess
import sys

from PySide6.QtGui import QImage

from model import migrations
from tests.conftest import CORPUS, ROOT


def rapport(*arguments, env=None, tmp_path=None):
    """main.py in a subprocess (with the tests' frozen clock: RAPPORT_CLOCK, set by conftest)."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *arguments], capture_output=True, text=True,
                          env=environment, timeout=120)


def test_stats_json_of_the_sample(tmp_path):
    result = rapport("--demo", "--stats", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"contacts": 40, "interactions": 89, "meetings": 9,
                                          "schema_version": migrations.CURRENT_VERSION}


def test_db_flag_and_environment_variable_create_the_notebook(tmp_path):
    path = tmp_path / "mine.rapport"
    assert rapport("--db", str(path), "--stats", "--json").returncode == 0
    assert path.exists()
    other = tmp_path / "env.rapport"
    result = rapport("--stats", "--json", env={"RAPPORT_DB": str(other)})
    assert json.loads(result.stdout)["contacts"] == 0 and other.exists()


def test_the_default_notebook_lives_in_the_user_data_folder(tmp_path):
    result = rapport("--stats", "--json", env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "Rapport" / "notebook.rapport").exists()


def test_demo_never_touches_the_users_notebook(tmp_path):
    rapport("--demo", "--stats", env={"XDG_DATA_HOME": str(tmp_path)})
    assert not (tmp_path / "Rapport").exists()


def test_bad_notebooks_give_one_line_and_exit_1(tmp_path):
    garbage = tmp_path / "garbage.rapport"
    garbage.write_bytes(os.urandom(4096))
    before = garbage.read_bytes()
    for path in (garbage, tmp_path / "missing-folder" / "n.rapport", tmp_path):
        result = rapport("--db", str(path), "--stats", "--json")
        assert result.returncode == 1
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("rapport: ") and result.stderr.count("\n") == 1
    assert garbage.read_bytes() == before


def test_version():
    result = rapport("--version")
    assert result.returncode == 0 and result.stdout.startswith("Rapport ")


def test_screenshot_is_a_picture_of_the_window_with_data(tmp_path):
    out = tmp_path / "window.png"
    result = rapport("--demo", "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 800 and image.height() >= 500
    # Not a blank grab: the list and the page paint many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50


def test_call_sheet_to_pdf_and_ambiguous_names(tmp_path):
    out = tmp_path / "cathy.pdf"
    result = rapport("--demo", "--call-sheet", "Cathy Rogers", "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    ambiguous = rapport("--demo", "--call-sheet", "Ro", "--pdf", str(tmp_path / "x.pdf"))
    assert ambiguous.returncode == 2 and "Cathy Rogers" in ambiguous.stderr and "Faye Rossi" in ambiguous.stderr
    assert not (tmp_path / "x.pdf").exists()
    nobody = rapport("--demo", "--call-sheet", "meeting:999", "--pdf", str(tmp_path / "y.pdf"))
    assert nobody.returncode == 2 and "no meeting" in nobody.stderr
    unwritable = rapport("--demo", "--call-sheet", "Cathy Rogers", "--pdf", str(tmp_path / "no" / "such.pdf"))
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr.lower()
    assert "Traceback" not in unwritable.stderr


def test_import_and_export_calendars(tmp_path):
    db = str(tmp_path / "cal.rapport")
    ics = sorted(str(p) for p in (CORPUS / "ics").glob("*.ics"))
    # In UTC: khal-owncloud-0.7.3-mixed-tz-awareness.ics ends at a floating 16:00 an event that starts at
    # 12:00Z, which is before its start east of UTC+4 (and rejected there); the count is the zone's.
    first = rapport("--db", db, "--import", *ics, "--json", env={"TZ": "UTC"})
    assert first.returncode == 2, first.stderr  # some files hold no readable events: reported
    summary = json.loads(first.stdout)
    assert summary["new"] == 178 and all({"file", "line", "reason"} <= set(r) for r in summary["rejected"])
    again = json.loads(rapport("--db", db, "--import", *ics, "--json", env={"TZ": "UTC"}).stdout)
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 178)
    out = tmp_path / "all.ics"
    exported = rapport("--db", db, "--export-ics", str(out))
    assert exported.returncode == 0 and out.read_text().count("BEGIN:VEVENT") == 178
    assert rapport("--db", db, "--stats", "--json").stdout.count('"meetings": 178') == 1


def test_agenda_lists_occurrences_with_exactly_the_documented_keys(tmp_path):
    db = str(tmp_path / "agenda.rapport")
    ics = [str(CORPUS / "ics" / name) for name in ("radicale-davx5-exdate-lists.ics",
                                                  "ical4j-nextcloud-yearly-allday-4-alarms.ics")]
    assert rapport("--db", db, "--import", *ics, "--json").returncode == 0
    result = rapport("--db", db, "--agenda", "2023-12-20", "2023-12-28", "--json", env={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    keys = {"uid", "recurrence_id", "title", "start", "end", "all_day", "zone", "status"}
    assert entries and all(set(entry) == keys for entry in entries)
    tv = [entry for entry in entries if entry["title"] == "TV Room"]
    days = [entry["start"][:10] for entry in tv]
    assert "2023-12-22" not in days  # an EXDATE
    assert days.count("2023-12-25") == 1 and days.count("2023-12-27") == 1  # moved, shown once
    moved = next(entry for entry in tv if entry["start"].startswith("2023-12-27"))
    assert moved["start"] == "2023-12-27T20:30:00+00:00" and moved["recurrence_id"] == "2023-12-27T18:00:00+00:00"
    assert moved["zone"] == "Europe/London" and moved["all_day"] is False
    bad = rapport("--db", db, "--agenda", "2023-12-28", "yesterday")
    assert bad.returncode == 1 and bad.stderr.startswith("rapport: ")


def test_import_of_history_exports_prints_its_summary_and_is_idempotent(tmp_path):
    notebook = tmp_path / "mine.rapport"
    folder = CORPUS / "history" / "whatsapp"
    result = rapport("--db", str(notebook), "--import", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"files", "cards", "new", "updated", "unchanged", "possible_duplicates", "rejected", "warnings",
            "exchanges_new", "exchanges_unchanged", "people_matched", "people_new"} <= set(summary)
    assert summary["files"] == 18 and summary["exchanges_new"] == 387 and summary["rejected"] == []
    again = json.loads(rapport("--db", str(notebook), "--import", str(folder), "--json").stdout)
    assert (again["exchanges_new"], again["exchanges_unchanged"]) == (0, summary["exchanges_new"])
    assert again["people_new"] == 0 and again["people_matched"] == summary["people_new"]
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    result = rapport("--db", str(notebook), "--import", str(broken), "--json")
    assert result.returncode == 1
    assert "not a readable zip archive" in json.loads(result.stdout)["rejected"][0]["reason"]


def test_import_of_a_folder_reads_its_calendars_too(tmp_path):
    import shutil

    folder = tmp_path / "exports"
    (folder / "calendars").mkdir(parents=True)
    source = sorted((CORPUS / "ics").glob("*.ics"))[0]
    shutil.copy(source, folder / "calendars" / source.name)
    shutil.copy(CORPUS / "vcards" / "ezvcard-gmail-list.vcf", folder / "people.vcf")
    result = rapport("--db", str(tmp_path / "mine.rapport"), "--import", str(folder), "--json")
    cards, calendar = (json.loads(line) for line in result.stdout.splitlines())
    assert cards["cards"] > 0 and calendar["files"] == 1 and calendar["events"] > 0
