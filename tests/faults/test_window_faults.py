"""Faults through the real window: a damaged notebook found by the background check and
salvaged, a newer notebook refused with what to do, an import on a full disk said as such."""

import pytest
from PySide6.QtWidgets import QMessageBox

from gui.main_window import MainWindow
from gui.notebook_trouble import NotebookCheck
from model import backups, contacts, migrations, storage
from tests.faults.conftest import fill
from tests.faults.test_disk_and_files import _damage, cards, make_notebook
from tests.gui.conftest import drive_dialog


@pytest.fixture
def fresh_settings(qapp):
    from PySide6.QtCore import QSettings

    from gui.app import application

    application("test")
    QSettings().clear()
    yield
    QSettings().clear()


def press(text, then=None):
    """A step for drive_dialog: press the message box's button whose label starts with `text`;
    `then` is a list that the next message box's text is added to (and that box closed)."""
    def steps(box):
        (button,) = [b for b in box.buttons() if b.text().startswith(text)]
        if then is not None:
            close_next_message_box(then)
        button.click()
    return steps


def close_next_message_box(seen, tries=500):
    """Close the next message box that shows (a busy dialog may come first), noting its text."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def look(tries=tries):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.text() not in ("",) and "good again" in box.text():
            seen.append(box.text())
            box.accept()
        elif tries:
            QTimer.singleShot(20, lambda: look(tries - 1))
    QTimer.singleShot(20, look)


def test_damage_found_after_opening_is_salvaged_from_the_window(qtbot, tmp_path, fresh_settings):
    path = make_notebook(tmp_path / "mine.rapport", people=600)
    _damage(path, "bit-flipped", table="contact_search_content")
    notebook = storage.open_notebook(path, exclusive=True, check=False)  # as the window opens it
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    window.show()
    check = NotebookCheck(path, window)
    check.damaged.connect(window.notebook_damaged)
    told = []
    choice = drive_dialog(qtbot, press("Salvage", then=told), QMessageBox)
    with qtbot.waitSignal(check.damaged, timeout=10000):
        check.start()
    qtbot.waitUntil(lambda: bool(told), timeout=20000)
    assert not choice and "The damaged file is kept as mine.damaged-" in told[0]
    assert len(list(tmp_path.glob("mine.damaged-*.rapport"))) == 1
    assert backups.check(path) == "ok"
    assert window.notebook.path == path and not window.notebook.read_only
    assert contacts.count_contacts() >= 500
    for box in window.findChildren(QMessageBox):
        box.close()


def test_until_the_user_decides_a_damaged_notebook_takes_no_writes(qtbot, tmp_path, fresh_settings):
    path = make_notebook(tmp_path / "mine.rapport", people=600)
    _damage(path, "bit-flipped", table="contact_search_content")
    notebook = storage.open_notebook(path, exclusive=True, check=False)
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    choice = drive_dialog(qtbot, lambda box: box.reject(), QMessageBox)
    window.notebook_damaged("page 12: btreeInitPage() returns error code 11")
    assert not choice
    before = path.read_bytes()
    with pytest.raises(Exception, match="readonly|read-only"):
        contacts.add_contact(contacts.ContactRecord(given_name="New"))
    assert path.read_bytes() == before
    assert "damaged" in window.statusBar().currentMessage()


def test_a_newer_notebook_is_refused_with_what_to_do(qtbot, tmp_path, notebook, fresh_settings):
    empty_window = MainWindow(notebook, "test")
    qtbot.addWidget(empty_window)
    import sqlite3

    path = make_notebook(tmp_path / "newer.rapport", people=1)
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    connection.close()
    seen = []
    errors = drive_dialog(qtbot, lambda box: (seen.append((box.text(), box.informativeText())), box.accept()),
                          QMessageBox)
    assert not empty_window.open_notebook_file(path)
    assert not errors
    ((text, advice),) = seen
    assert "newer Rapport" in text and "Update Rapport" in advice


def test_an_import_on_a_full_disk_says_the_disk_is_full(qtbot, small_disk, tmp_path, fresh_settings):
    path = make_notebook(small_disk / "mine.rapport")
    notebook = storage.open_notebook(path, exclusive=True)
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    window.show()
    dialog = window.import_files([str(cards(tmp_path / "big.vcf", 400, photo_bytes=6000))])
    qtbot.waitUntil(dialog.planned, timeout=20000)
    filler = fill(small_disk, leave=64 * 1024)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "stopped" in dialog.status.text(), timeout=20000)
    assert "the disk is full" in dialog.status.text() and "Nothing was changed" in dialog.status.text()
    filler.unlink()
    assert contacts.count_contacts() == 30
    dialog.reject()


def test_tools_check_notebook_says_a_sound_notebook_is_sound(qtbot, tmp_path, fresh_settings):
    path = make_notebook(tmp_path / "mine.rapport")
    window = MainWindow(storage.open_notebook(path, exclusive=True), "test")
    qtbot.addWidget(window)
    seen = []
    errors = drive_dialog(qtbot, lambda box: (seen.append(box.text()), box.accept()), QMessageBox)
    window.check_action.trigger()
    assert not errors and seen == ["mine.rapport is sound: every page reads back."]
