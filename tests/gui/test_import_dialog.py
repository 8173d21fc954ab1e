"""Importing through the window: the plan dialog, off the UI thread, with real corpus files."""

from model import contacts, importer
from tests.conftest import CORPUS
from tests.gui.conftest import shown_names

VCARDS = CORPUS / "vcards"


def test_import_shows_the_plan_then_applies_it(empty_window, qtbot, tmp_path):
    broken = tmp_path / "broken.vcf"
    broken.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\n")
    dialog = empty_window.import_files([str(VCARDS / "ezvcard-gmail-list.vcf"), str(VCARDS / "khard-korean-v4.vcf"),
                                        str(broken)])
    qtbot.waitUntil(dialog.planned, timeout=10000)
    assert "5 cards in 3 files" in dialog.counts.text() and "1 unreadable" in dialog.counts.text()
    assert dialog.model.rowCount() == 5
    dialog.filter.setCurrentIndex(dialog.filter.findData(importer.REJECTED))
    assert dialog.proxy.rowCount() == 1
    assert "broken.vcf, line 1" in dialog.proxy.index(0, 3).data()
    assert contacts.count_contacts() == 0  # nothing written before Import
    assert dialog.import_button.isDefault()  # Return imports; Cancel is not the default
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert contacts.count_contacts() == 4
    assert "최유림" in shown_names(empty_window)
    assert "Imported: 4 new" in empty_window.statusBar().currentMessage()


def test_a_possible_duplicate_shows_both_sides_and_can_be_merged(window, qtbot, tmp_path):
    card = tmp_path / "cathy.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rogers;Cathy;;;\r\nFN:Cathy Rogers\r\n"
                    "EMAIL:cathy.r@gmail.com\r\nEND:VCARD\r\n")
    dialog = window.import_files([str(card)])
    qtbot.waitUntil(dialog.planned, timeout=10000)
    assert dialog.plan.items[0].outcome == importer.DUPLICATE
    assert dialog.choice.isVisible()
    text = dialog.detail.toPlainText()
    assert "In your notebook" in text and "In the file" in text and "cathy.r@gmail.com" in text
    dialog.choice.setCurrentIndex(dialog.choice.findData(importer.MERGE))
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert contacts.count_contacts() == 40
    cathy = contacts.get_contact(window.contact_list.current_id())
    assert "cathy.r@gmail.com" in [p.value for p in cathy.points]


def test_cancel_while_reading_writes_nothing(empty_window, qtbot):
    dialog = empty_window.import_files([str(VCARDS)])
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        dialog.reject()
    assert contacts.count_contacts() == 0


def test_rows_appear_while_a_big_file_is_still_read(empty_window, qtbot, tmp_path, monkeypatch):
    import threading

    from model import parallel_read
    from tests.model.test_parallel_read import card

    big = tmp_path / "big.vcf"
    big.write_text("".join(card(number) for number in range(3000)), encoding="utf-8")
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)  # read by the worker processes
    monkeypatch.setattr(parallel_read, "PIECE_BYTES", 64 * 1024)
    rest_of_the_file = threading.Event()  # holds the reading back until the first rows are seen
    read_files = parallel_read.read_files

    def held_back(*args, **kwargs):
        for number, read in enumerate(read_files(*args, **kwargs)):
            if number == 100:
                rest_of_the_file.wait(20)
            yield read

    monkeypatch.setattr(parallel_read, "read_files", held_back)
    dialog = empty_window.import_files([str(big)])
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10000)
    assert not dialog.planned() and not dialog.import_button.isEnabled()
    assert dialog.pages.currentIndex() == 1 and "Reading…" in dialog.counts.text()
    assert dialog.proxy.index(0, 1).data() == "Person 0"
    rest_of_the_file.set()
    qtbot.waitUntil(dialog.planned, timeout=60000)
    assert dialog.model.rowCount() == 3000 and "3,000 cards in 1 file<" in dialog.counts.text()
    assert dialog.import_button.isEnabled() and dialog.reading_progress.isHidden()


def test_what_an_update_adds_is_shown_whole_and_its_column_has_the_room(window, qtbot, tmp_path):
    """The Details column is the widest (the file name gives way, cut in its middle so the line
    number stays), and the pane below lists every change and every line left out in full."""
    card = tmp_path / "a-phone-export-with-a-rather-long-file-name-2026-12-01.vcf"
    address = "14 Jones Street, the house with the blue door behind the square; Savannah"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rogers;Cathy;;;\r\nFN:Cathy Rogers\r\n"
                    "EMAIL:cathy@highcallingblogs.com\r\nTEL;TYPE=WORK:+1 912 555 0199\r\n"
                    f"ADR;TYPE=HOME:;;{address};;;;\r\n# a stray comment line\r\nEND:VCARD\r\n")
    dialog = window.import_files([str(card)])
    qtbot.waitUntil(dialog.planned, timeout=10000)
    dialog.resize(1000, 600)
    qtbot.wait(10)
    widths = [dialog.table.columnWidth(column) for column in range(4)]
    assert widths[2] == max(widths)
    assert dialog.plan.items[0].outcome == importer.UPDATE
    text = dialog.detail.toPlainText()
    assert "phone: +1 912 555 0199" in text and address.replace(";", "").split(",")[0] in text
    assert "line 8: a comment line (#) was left out" in text.replace("\n", " ")
