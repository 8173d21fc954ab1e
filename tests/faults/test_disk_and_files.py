"""Faults on real files: a disk that fills up, read-only places, a damaged notebook, one from a
newer Rapport. Each asserts the one-line message and exit code of the command line, that the
notebook is byte-identical (or intact), and that nothing partial is left behind."""

import contextlib
import hashlib
import os
import sqlite3

import pytest

from model import contacts, migrations, storage
from model.contacts import ContactPointRecord, ContactRecord
from tests.faults.conftest import fill, one_line_message, rapport, remount_read_only


def make_notebook(path, people=30):
    notebook = storage.open_notebook(path)
    with notebook.transaction():
        for n in range(people):
            contacts.add_contact(ContactRecord(given_name=f"Person{n}", family_name="Tester",
                                               notes="x" * 200, points=[ContactPointRecord("email", f"p{n}@e.org")]))
    notebook.close()
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cards(path, count, photo_bytes=0):
    """A .vcf of `count` cards (with a photo of `photo_bytes` each)."""
    import base64

    photo = base64.b64encode(os.urandom(photo_bytes)).decode() if photo_bytes else ""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        for n in range(count):
            stream.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {n}\r\nN:{n};Card;;;\r\nEMAIL:c{n}@example.org\r\n"
                         f"NOTE:{'note ' * 40}\r\n")
            if photo:
                stream.write(f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\n")
            stream.write("END:VCARD\r\n")
    return path


def contact_count(path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        connection.close()


def test_an_import_on_a_full_disk_says_so_and_changes_nothing(small_disk, tmp_path):
    notebook = make_notebook(small_disk / "mine.rapport")
    before = digest(notebook)
    big = cards(tmp_path / "big.vcf", 400, photo_bytes=6000)  # some 3 MB of writes
    filler = fill(small_disk, leave=64 * 1024)
    result = rapport("--db", str(notebook), "--import", str(big), "--json")
    assert result.returncode == 1
    assert "the disk is full" in one_line_message(result)
    filler.unlink()
    assert digest(notebook) == before  # the failed transaction never reached the file
    assert contact_count(notebook) == 30
    assert rapport("--db", str(notebook), "--stats", "--json").returncode == 0


def test_a_call_sheet_on_a_full_disk_keeps_the_previous_pdf(small_disk):
    pdf = small_disk / "cathy.pdf"
    assert rapport("--demo", "--call-sheet", "Cathy Rogers", "--pdf", str(pdf)).returncode == 0
    good = pdf.read_bytes()
    fill(small_disk, leave=0)
    result = rapport("--demo", "--call-sheet", "Cathy Rogers", "--pdf", str(pdf))
    assert result.returncode == 1
    assert "the disk is full" in one_line_message(result)
    assert pdf.read_bytes() == good
    assert sorted(p.name for p in small_disk.iterdir()) == ["cathy.pdf", "filler"]  # no partial file


@pytest.mark.parametrize("flag, name", [("--export-vcard", "all.vcf"), ("--export-ics", "all.ics")])
def test_an_export_on_a_full_disk_keeps_the_previous_file(small_disk, tmp_path, flag, name):
    out = small_disk / name
    out.write_text("the export of last week\n")
    fill(small_disk, leave=0)
    result = rapport("--demo", flag, str(out))
    assert result.returncode == 1
    assert "the disk is full" in one_line_message(result)
    assert out.read_text() == "the export of last week\n"
    assert sorted(p.name for p in small_disk.iterdir()) == sorted(["filler", name])


def test_a_notebook_on_a_read_only_disk_is_read_but_never_written(small_disk, tmp_path):
    notebook = make_notebook(small_disk / "mine.rapport")
    before = digest(notebook)
    remount_read_only(small_disk)
    stats = rapport("--db", str(notebook), "--stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert '"contacts": 30' in stats.stdout
    exported = rapport("--db", str(notebook), "--export-vcard", str(tmp_path / "out.vcf"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "out.vcf").read_text().count("BEGIN:VCARD") == 30
    result = rapport("--db", str(notebook), "--import", str(cards(tmp_path / "one.vcf", 1)))
    assert result.returncode == 1
    assert "read-only disk" in one_line_message(result)
    assert digest(notebook) == before


def test_an_export_into_a_read_only_place_says_so(small_disk):
    remount_read_only(small_disk)
    result = rapport("--demo", "--export-vcard", str(small_disk / "all.vcf"))
    assert result.returncode == 1
    assert "read-only" in one_line_message(result)


def test_a_missing_folder_and_a_folder_as_notebook_are_told_apart(tmp_path):
    missing = rapport("--db", str(tmp_path / "no" / "such.rapport"), "--stats")
    assert missing.returncode == 1 and "does not exist" in one_line_message(missing)
    folder = rapport("--db", str(tmp_path), "--stats")
    assert folder.returncode == 1 and "is a folder" in one_line_message(folder)


def test_a_notebook_of_a_newer_rapport_is_refused_untouched(tmp_path):
    notebook = make_notebook(tmp_path / "new.rapport")
    connection = sqlite3.connect(notebook)
    connection.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    connection.close()
    before = digest(notebook)
    result = rapport("--db", str(notebook), "--stats")
    assert result.returncode == 1 and "newer Rapport" in one_line_message(result)
    assert digest(notebook) == before


def _damage(path, how, table=None):
    """Half the file cut off, or a page overwritten with noise, as a failing disk would leave it:
    the page in the middle of the file, or the middle one of `table`'s pages (a table the window
    does not read as it opens, for damage that only the background check finds)."""
    page = 4096
    number = None
    if table is not None:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            pages = [row[0] for row in connection.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno",
                                                          [table])]
        number = pages[len(pages) // 2]
    data = bytearray(path.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    else:
        start = (number - 1) * page if number else (len(data) // page // 2) * page
        data[start:start + page] = os.urandom(page)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "bit-flipped"])
def test_a_damaged_notebook_is_refused_and_salvaged(tmp_path, how):
    notebook = make_notebook(tmp_path / "mine.rapport", people=600)
    _damage(notebook, how)
    before = digest(notebook)
    for command in (["--stats"], ["--export-vcard", str(tmp_path / "out.vcf")],
                    ["--import", str(cards(tmp_path / "one.vcf", 1))]):
        result = rapport("--db", str(notebook), *command)
        assert result.returncode == 1, command
        assert "is damaged" in one_line_message(result), command
        assert digest(notebook) == before  # never written to
    assert not (tmp_path / "out.vcf").exists()
    salvaged = tmp_path / "salvaged.rapport"
    result = rapport("--db", str(notebook), "--salvage", str(salvaged))
    assert result.returncode == 0, result.stderr
    assert digest(notebook) == before
    kept = contact_count(salvaged)
    # Half a file cannot be read at all (SQLite checks the size first): its way back is a backup.
    assert kept == 0 if how == "truncated" else 500 <= kept <= 600
    stats = rapport("--db", str(salvaged), "--stats", "--json")
    assert stats.returncode == 0 and f'"contacts": {kept}' in stats.stdout
    assert storage.open_notebook(salvaged).check(thorough=True) == "ok"


def test_a_locked_notebook_is_said_to_be_open_elsewhere(tmp_path):
    notebook = make_notebook(tmp_path / "mine.rapport")
    holder = storage.open_notebook(notebook, exclusive=True)
    try:
        result = rapport("--db", str(notebook), "--import", str(cards(tmp_path / "one.vcf", 1)))
        assert result.returncode == 1 and "open in another Rapport" in one_line_message(result)
    finally:
        holder.close()


def as_another_user(*arguments, cwd):
    """main.py run by user nobody (permissions do not bind root): the system's Python of the same
    version, with the project's packages on its path. Skipped where that cannot be arranged."""
    import shutil
    import subprocess
    import sys
    import sysconfig

    from tests.conftest import ROOT

    system_python = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    if os.geteuid() != 0 or system_python is None:
        pytest.skip("needs root, to run main.py as user nobody")
    version = subprocess.run([system_python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                             text=True).stdout.strip()
    if version != str(sys.version_info[:2]):
        pytest.skip(f"the system's Python is {version}, the project's {sys.version_info[:2]}")
    environment = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"], HOME=str(cwd),
                       QT_QPA_PLATFORM="offscreen")
    probe = subprocess.run([system_python, "-c", f"open({str(ROOT / 'main.py')!r}); import peewee"],
                           capture_output=True, text=True, env=environment, cwd=cwd, user="nobody", group="nogroup",
                           extra_groups=[], timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"user nobody cannot read the project here ({probe.stderr.strip().splitlines()[-1]})")
    return subprocess.run([system_python, str(ROOT / "main.py"), *arguments], capture_output=True, text=True,
                          env=environment, cwd=cwd, user="nobody", group="nogroup", extra_groups=[], timeout=120)


def test_a_read_only_file_and_folder_are_read_and_said_to_be_read_only(tmp_path):
    place = tmp_path / "shared"
    place.mkdir()
    notebook = make_notebook(place / "theirs.rapport")
    before = digest(notebook)
    os.chmod(notebook, 0o444)
    os.chmod(place, 0o555)
    on_the_way = list(tmp_path.parents)[:-1] + [tmp_path]  # the test's folders, which nobody may enter yet
    modes = {folder: os.stat(folder).st_mode & 0o7777 for folder in on_the_way}
    for folder in on_the_way:
        os.chmod(folder, modes[folder] | 0o005)
    try:
        stats = as_another_user("--db", str(notebook), "--stats", "--json", cwd="/")
        assert stats.returncode == 0, stats.stderr
        assert '"contacts": 30' in stats.stdout
        result = as_another_user("--db", str(notebook), "--import", str(cards(tmp_path / "one.vcf", 1)), cwd="/")
        assert result.returncode == 1
        assert "read-only" in one_line_message(result)
        os.chmod(notebook, 0o000)
        denied = as_another_user("--db", str(notebook), "--stats", cwd="/")
        assert denied.returncode == 1 and "permission denied" in one_line_message(denied)
    finally:
        os.chmod(place, 0o755)
        os.chmod(notebook, 0o644)
        for folder, mode in modes.items():
            os.chmod(folder, mode)
    assert digest(notebook) == before
