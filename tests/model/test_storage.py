"""Opening, creating, refusing and migrating notebook files."""

import sqlite3

import pytest

from model import contacts, migrations, search
from model.storage import NotebookError, open_notebook


def test_a_new_notebook_is_marked_and_current(tmp_path):
    notebook = open_notebook(tmp_path / "new.rapport")
    notebook.close()
    connection = sqlite3.connect(tmp_path / "new.rapport")
    assert connection.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert connection.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    channels = [row[0] for row in connection.execute("SELECT key FROM channel ORDER BY position")]
    assert channels[:3] == ["phone", "video", "in_person"] and "linkedin" in channels and "mastodon" in channels


def test_foreign_keys_are_enforced(notebook):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        notebook.database.execute_sql("INSERT INTO contact_point (contact_id, kind, value) VALUES (999, 'phone', '1')")


def test_opening_a_version_1_notebook_migrates_it_after_a_backup(tmp_path):
    path = tmp_path / "old.rapport"
    old = open_notebook(path, target_version=1)
    assert old.schema_version == 1
    # Written as version 1 of Rapport wrote it.
    old.database.execute_sql(
        "INSERT INTO contact (id, given_name, family_name, notes, display_name, sort_key, created_at, updated_at)"
        " VALUES (1, 'Cathy', 'Rogers', 'sailing', 'Cathy Rogers', 'rogers cathy', '2026-01-01', '2026-01-01')")
    old.database.execute_sql(
        "INSERT INTO contact_point (contact_id, kind, value) VALUES (1, 'phone', '+1 912 555 0143')")
    old.database.execute_sql("INSERT INTO contact_search (rowid, name, notes) VALUES (1, 'Cathy Rogers', 'sailing')")
    old.close()

    notebook = open_notebook(path)
    assert notebook.schema_version == migrations.CURRENT_VERSION
    assert notebook.backup_path is not None and notebook.backup_path.exists()
    cathy = contacts.get_contact(1)
    assert cathy.display_name == "Cathy Rogers" and cathy.points[0].parts == []  # version 3 added parts
    assert search.search("sail") == [1]
    assert notebook.stats()["interactions"] == 0  # the version 2 tables exist now
    notebook.close()

    backup = sqlite3.connect(notebook.backup_path)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT given_name FROM contact").fetchall() == [("Cathy",)]


def test_a_current_notebook_is_not_backed_up_again(tmp_path):
    open_notebook(tmp_path / "n.rapport").close()
    notebook = open_notebook(tmp_path / "n.rapport")
    assert notebook.backup_path is None
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []
    notebook.close()


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "letter.rapport"
    path.write_bytes(b"Dear Cathy,\nthis is not a database.\n" * 100)
    before = path.read_bytes()
    with pytest.raises(NotebookError, match="not a Rapport notebook"):
        open_notebook(path)
    assert path.read_bytes() == before


def test_another_programs_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE songs (title TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NotebookError, match="not a Rapport notebook"):
        open_notebook(path)
    assert path.read_bytes() == before


def test_a_notebook_from_a_newer_rapport_is_refused(tmp_path):
    path = tmp_path / "future.rapport"
    open_notebook(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 5}")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NotebookError, match="newer Rapport"):
        open_notebook(path)
    assert path.read_bytes() == before


def test_a_missing_folder_is_an_error_unless_asked_to_create_it(tmp_path):
    with pytest.raises(NotebookError, match="does not exist"):
        open_notebook(tmp_path / "no" / "such" / "n.rapport")
    notebook = open_notebook(tmp_path / "data" / "n.rapport", create_folder=True)
    assert notebook.path.exists()
    notebook.close()


def test_a_folder_is_not_a_notebook(tmp_path):
    with pytest.raises(NotebookError, match="folder"):
        open_notebook(tmp_path)


def _import_watching_the_journal(paths):
    """importer.import_files, and the journal mode each batch of people was written in."""
    from model import importer
    from model.schema import database

    modes = []
    add_stored = contacts.add_stored

    def watched(people, ids=None):
        modes.append(database.execute_sql("PRAGMA journal_mode").fetchone()[0])
        return add_stored(people, ids)

    contacts.add_stored = watched
    try:
        return importer.import_files(paths)[1], modes
    finally:
        contacts.add_stored = add_stored


def _cards(path, count, first=0):
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {n}\r\nN:{n};Card;;;\r\nEND:VCARD\r\n"
                            for n in range(first, first + count)), encoding="utf-8")
    return path


def test_a_first_import_fills_the_notebook_through_the_rollback_journal_and_goes_back_to_wal(tmp_path):
    notebook = open_notebook(tmp_path / "mine.rapport")
    try:
        result, modes = _import_watching_the_journal([_cards(tmp_path / "a.vcf", 1200)])
        assert result.added == 1200 and set(modes) == {"delete"}
        assert notebook.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert notebook.database.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again
        # A notebook with people in it is written through its WAL, as every other write is.
        result, modes = _import_watching_the_journal([_cards(tmp_path / "b.vcf", 10, first=5000)])
        assert result.added == 10 and set(modes) == {"wal"}
        assert contacts.count_contacts() == 1210 and notebook.check(thorough=True) == "ok"
    finally:
        notebook.close()


def test_a_first_import_with_another_connection_open_stays_in_the_wal(tmp_path):
    notebook = open_notebook(tmp_path / "mine.rapport")
    reader = sqlite3.connect(tmp_path / "mine.rapport")
    try:
        assert reader.execute("SELECT count(*) FROM contact").fetchone() == (0,)
        result, modes = _import_watching_the_journal([_cards(tmp_path / "a.vcf", 50)])
        assert result.added == 50 and set(modes) == {"wal"}  # SQLite could not switch: nothing else changed
        assert reader.execute("SELECT count(*) FROM contact").fetchone() == (50,)
    finally:
        reader.close()
        notebook.close()
