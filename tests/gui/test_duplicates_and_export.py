"""Tools → Find duplicates and File → Export contacts, through the real dialogs."""

import threading

import pytest

from gui.duplicates_dialog import DuplicatesDialog
from gui.export_dialog import ExportContactsDialog
from gui.undo_commands import MergeContacts
from gui.widgets.worker import BackgroundError
from model import contacts, history, parallel_write, search, vcard
from model.contacts import ContactPointRecord, ContactRecord


def test_find_duplicates_merges_and_undo_splits_them_again(window, qtbot):
    cathy = search.search("Cathy Rogers")[0]
    entries = len(history.history(cathy))
    twin = contacts.add_contact(ContactRecord(given_name="Cathy", family_name="Rogers",
                                              points=[ContactPointRecord("phone", "+1 912 555 0199", "home")]))
    dialog = DuplicatesDialog(window)
    qtbot.addWidget(dialog)
    dialog.merge_requested.connect(lambda keep, other: window.undo_stack.push(
        MergeContacts(keep, other, window._changed)))
    pair = dialog.current_pair()
    assert (pair.first_id, pair.second_id, pair.reason) == (cathy, twin, "same name")
    assert "+1 912 555 0199" in dialog.view.toPlainText() and "+1 912 555 0143" in dialog.view.toPlainText()
    dialog.keep_first.click()
    assert contacts.get_contact(twin) is None
    assert {"+1 912 555 0143", "+1 912 555 0199"} <= {p.value for p in contacts.get_contact(cathy).points}
    assert len(history.history(cathy)) == entries
    assert dialog.pairs.count() == 0 and "No duplicates" in dialog.summary.text()
    window.undo_action.trigger()
    assert contacts.get_contact(twin).points[0].value == "+1 912 555 0199"
    assert "+1 912 555 0199" not in {p.value for p in contacts.get_contact(cathy).points}


def test_the_window_opens_find_duplicates_from_tools(window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(DuplicatesDialog, "exec", lambda self: opened.append(self.pairs.count()) or 0)
    window.duplicates_action.trigger()
    assert opened == [0]  # the sample notebook has no duplicates


def test_export_everyone_the_selection_or_a_tag(window, qtbot, tmp_path):
    ids = [search.search(name)[0] for name in ("Cathy Rogers", "太郎 山田")]
    dialog = ExportContactsDialog(ids, None, window)
    qtbot.addWidget(dialog)
    assert dialog.selected.isChecked()
    out = tmp_path / "two.vcf"
    assert dialog.export_to(out) == 2
    names = {card.record.display_name for card in vcard.read_cards(out)}
    assert names == {"Cathy Rogers", "太郎 山田"}
    dialog.tagged.setChecked(True)
    dialog.tag_box.setCurrentIndex(dialog.tag_box.findData("savannah"))
    assert dialog.export_to(tmp_path / "tag.vcf") == len(contacts.ids_with_tag("savannah")) >= 1
    dialog.everyone.setChecked(True)
    dialog.version.setCurrentIndex(1)
    assert dialog.export_to(tmp_path / "all.vcf") == contacts.count_contacts()
    assert "VERSION:4.0" in (tmp_path / "all.vcf").read_text(encoding="utf-8")


def test_the_export_is_written_off_the_ui_thread_and_says_why_not(window, qtbot, tmp_path, monkeypatch):
    threads = []
    export_vcards = parallel_write.export_vcards
    monkeypatch.setattr(parallel_write, "export_vcards", lambda *arguments: threads.append(
        threading.current_thread()) or export_vcards(*arguments))
    dialog = ExportContactsDialog([], None, window)
    qtbot.addWidget(dialog)
    assert dialog.export_to(tmp_path / "all.vcf") == contacts.count_contacts()
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.result_message == f"Exported {contacts.count_contacts()} contacts to {tmp_path / 'all.vcf'}."
    with pytest.raises(BackgroundError, match="No such file or directory"):
        dialog.export_to(tmp_path / "no such folder" / "all.vcf")


def test_a_long_background_job_shows_that_it_is_busy(window, qtbot):
    """run_in_background's busy note appears once a job has run 0.4 s (it never did: Qt shows a
    progress dialog only once it has been given a value), and goes when the job ends."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from gui.widgets.worker import run_in_background

    def busy_notes():
        return [(top.labelText(), top.isVisible()) for top in QApplication.topLevelWidgets()
                if isinstance(top, QProgressDialog)]

    seen = []
    QTimer.singleShot(1000, lambda: seen.extend(busy_notes()))
    assert run_in_background(window, "Working it out…", lambda: time.sleep(1.6) or 42) == 42
    assert ("Working it out…", True) in seen
    qtbot.waitUntil(lambda: not any(visible for _text, visible in busy_notes()), timeout=2000)
