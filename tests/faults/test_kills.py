"""kill -9 at several points: during a migration's backup, during a migration, during an export,
during an import read on every core. Afterwards the notebook is intact, nothing that looks like
a good backup is half written, and no process is left behind."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from model import backups, contacts, migrations, storage
from model.contacts import ContactRecord
from tests.conftest import ROOT


def old_notebook(path: Path, people: int = 50) -> Path:
    """A notebook at the version before the current one, with people in it."""
    notebook = storage.open_notebook(path, target_version=migrations.CURRENT_VERSION - 1)
    for n in range(people):
        notebook.database.execute_sql("INSERT INTO contact (given_name, family_name, display_name, sort_key, "
                                      "created_at, updated_at) VALUES (?, 'Tester', ?, ?, '', '')",
                                      (f"P{n}", f"P{n} Tester", f"tester p{n}"))
    notebook.close()
    return path


def killed_while(script: str) -> subprocess.CompletedProcess:
    """Run `script` (with model/ importable) in a process that kills itself where it says."""
    prelude = f"import os, sys\nsys.path.insert(0, {str(ROOT)!r})\n"
    result = subprocess.run([sys.executable, "-c", prelude + script], capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr
    return result


def test_a_migration_killed_while_backing_up_leaves_no_backup_that_looks_good(tmp_path):
    path = old_notebook(tmp_path / "mine.rapport")
    killed_while(f"""
from model import backups, storage
def killed(*args, **kwargs):
    os.kill(os.getpid(), 9)  # the backup is written, not yet checked and named
backups.check = killed
storage.open_notebook({str(path)!r})
""")
    assert backups.backups_of(path) == []  # a .partial at most, never a file named as a backup
    notebook = storage.open_notebook(path)  # the next start migrates, backing up again
    try:
        assert notebook.schema_version == migrations.CURRENT_VERSION
        assert contacts.count_contacts() == 50
    finally:
        notebook.close()
    assert [b.name.endswith(".rapport") for b in backups.backups_of(path)] == [True]
    assert list(tmp_path.glob("*.partial")) == []  # the stale one was cleared


def test_a_migration_killed_half_way_leaves_the_old_notebook_and_a_good_backup(tmp_path):
    path = old_notebook(tmp_path / "mine.rapport")
    step = migrations.CURRENT_VERSION - 1
    killed_while(f"""
from model import migrations, storage
def killed(connection):
    connection.execute("UPDATE contact SET given_name = 'changed'")
    os.kill(os.getpid(), 9)
migrations.MIGRATIONS[{step}] = killed
storage.open_notebook({str(path)!r})
""")
    (backup,) = backups.backups_of(path)
    assert backups.check(backup, migrations.CURRENT_VERSION - 1) == "ok"
    assert backups.check(path, migrations.CURRENT_VERSION - 1) == "ok"  # as it was: the transaction never landed
    notebook = storage.open_notebook(path)
    try:
        assert contacts.count_contacts() == 50
        assert {row.display_name for row in contacts.list_contacts(limit=1)} == {"P0 Tester"}
    finally:
        notebook.close()


def test_only_the_newest_backups_are_kept(tmp_path):
    path = old_notebook(tmp_path / "mine.rapport", people=1)
    notebook = storage.open_notebook(path, target_version=migrations.CURRENT_VERSION - 1)
    try:
        for n in range(backups.KEEP + 3):
            made = backups.write_backup(notebook.database.connection(), path, migrations.CURRENT_VERSION - 1)
            os.utime(made, (n, n))  # as if written a second apart
            made.rename(made.with_name(made.name.replace("backup-", f"backup-{n:02d}")))
    finally:
        notebook.close()
    backups._rotate(path)
    assert len(backups.backups_of(path)) == backups.KEEP


def test_an_export_killed_half_way_leaves_the_previous_file(tmp_path):
    out = tmp_path / "all.vcf"
    out.write_text("last week's export\n")
    path = tmp_path / "mine.rapport"
    notebook = storage.open_notebook(path)
    for n in range(200):
        contacts.add_contact(ContactRecord(given_name=f"P{n}", family_name="Tester"))
    notebook.close()
    killed_while(f"""
from model import contacts, storage, vcard
storage.open_notebook({str(path)!r})
def people():
    for n, record in enumerate(contacts.iter_contacts()):
        if n == 100:
            os.kill(os.getpid(), 9)
        yield record
vcard.export_file(people(), {str(out)!r})
""")
    assert out.read_text() == "last week's export\n"


def _processes_marked(mark: str) -> list[int]:
    """Processes whose environment carries `mark` (a killed import's workers inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_an_import_killed_while_reading_on_every_core_leaves_no_worker_behind(tmp_path):
    big = tmp_path / "big.vcf"
    with open(big, "w", encoding="utf-8", newline="") as stream:  # past the size read in parallel
        for n in range(60_000):
            stream.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {n}\r\nN:{n};Card;;;\r\nTEL:+1 912 555 {n % 10000:04d}"
                         f"\r\nNOTE:{'words ' * 10}\r\nEND:VCARD\r\n")
    mark = f"RAPPORT_TEST_MARK={uuid.uuid4().hex}"
    name, value = mark.split("=")
    environment = dict(os.environ, **{name: value}, QT_QPA_PLATFORM="offscreen")
    importer = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "mine.rapport"),
                                 "--import", str(big)], env=environment, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(_processes_marked(mark)) < 3:  # the import and its workers are running
            assert importer.poll() is None and time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
    deadline = time.monotonic() + 10
    while _processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_marked(mark) == []


def test_a_first_import_killed_while_writing_leaves_an_empty_healthy_notebook(tmp_path):
    """A first import writes through SQLite's rollback journal (storage.rollback_journal): killed
    after some batches are in the file, it leaves a hot journal, which the next open rolls back."""
    path, cards = tmp_path / "mine.rapport", tmp_path / "cards.vcf"
    cards.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {n}\r\nN:{n};Card;;;\r\nNOTE:{'words ' * 50}\r\n"
                             f"EMAIL:c{n}@example.org\r\nEND:VCARD\r\n" for n in range(3000)), encoding="utf-8")
    storage.open_notebook(path).close()
    killed_while(f"""
from model import contacts, importer, storage
from model.schema import database
calls = []
add_stored = contacts.add_stored
def killed(people, ids=None):
    calls.append(len(people))
    if len(calls) == 4:
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "delete"
        os.kill(os.getpid(), 9)  # three batches written, some pages already in the file
    return add_stored(people, ids)
contacts.add_stored = killed
notebook = storage.open_notebook({str(path)!r})
importer.import_files([{str(cards)!r}])
""")
    assert path.with_name(path.name + "-journal").exists()  # hot: the transaction never committed
    notebook = storage.open_notebook(path)
    try:
        assert notebook.check(thorough=True) == "ok"
        assert contacts.count_contacts() == 0
        assert notebook.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        notebook.close()
    assert not path.with_name(path.name + "-journal").exists()
