"""Hostile text is only text: markup in a name shows as typed, an unbroken 10,000-character
name or note neither widens the window nor spills the call sheet onto a second page."""

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea

from gui.callsheet import makers_for, write_pdf
from gui.main_window import MainWindow
from model import clock, contacts, history
from model.contacts import ContactPointRecord, ContactRecord
from model.history import InteractionRecord

MARKUP = "<b>Bold</b> <script>alert(1)</script><img src=x>"
UNBROKEN = "W" * 10_000


def person(**fields):
    return contacts.add_contact(ContactRecord(**fields))


def shown_texts(window) -> list[str]:
    """What every visible label shows, as the user reads it (markup rendered)."""
    texts = []
    for label in window.findChildren(QLabel):
        if label.isVisible():
            from PySide6.QtGui import QTextDocument

            document = QTextDocument()
            if label.textFormat() == label.textFormat().PlainText:
                document.setPlainText(label.text())
            elif label.textFormat() == label.textFormat().RichText or "<" in label.text():
                document.setHtml(label.text())
            else:
                document.setPlainText(label.text())
            texts.append(document.toPlainText())
    return texts


@pytest.fixture
def window(qtbot, notebook):
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_markup_in_a_name_title_and_organisation_shows_as_typed(window, qtbot):
    contact_id = person(given_name=MARKUP, family_name="Smith", title=MARKUP, organisation=MARKUP,
                        notes=MARKUP, points=[ContactPointRecord("email", "a@example.com", label=MARKUP)])
    history.log(InteractionRecord(contact_id, "phone", clock.now(), summary=MARKUP))
    window.contact_list.refresh()
    window.open_contact(contact_id)
    window.contact_page.tabs.setCurrentIndex(0)  # Details
    header = window.contact_page.name_label
    assert header.full_text() == f"{MARKUP} Smith" and header.textFormat() == Qt.TextFormat.PlainText
    # the name, the work line, the notes and the email's label: each shown as typed, none as markup
    qtbot.waitUntil(lambda: " ".join(shown_texts(window)).count("<b>Bold</b>") >= 5)
    assert "<script>alert(1)</script><img src=x>" in " ".join(shown_texts(window))
    window.contact_page.tabs.setCurrentWidget(window.contact_page.prep_tab)
    assert "<b>Bold</b> <script>" in " ".join(shown_texts(window))  # the last exchange's summary


def test_an_unbroken_name_or_note_never_widens_the_window(window, qtbot):
    contact_id = person(given_name=UNBROKEN, family_name=UNBROKEN, organisation=UNBROKEN, title=UNBROKEN,
                        notes=UNBROKEN, how_met=UNBROKEN, city=UNBROKEN,
                        points=[ContactPointRecord("email", f"{UNBROKEN}@example.com", label=UNBROKEN)])
    history.log(InteractionRecord(contact_id, "phone", clock.now(), summary=UNBROKEN))
    window.contact_list.refresh()
    window.open_contact(contact_id)
    for tab in range(window.contact_page.tabs.count()):
        window.contact_page.tabs.setCurrentIndex(tab)
        qtbot.wait(10)
        assert window.minimumSizeHint().width() <= 1024, f"tab {tab}"
        assert window.width() <= 1024, f"tab {tab}"
        page = window.contact_page.tabs.currentWidget()
        if isinstance(page, QScrollArea):  # what it holds wraps to its width: no scrolling sideways
            assert page.widget().minimumSizeHint().width() <= page.viewport().width(), f"tab {tab}"
    header = window.contact_page.name_label
    assert header.toolTip().startswith(UNBROKEN)  # the whole name is a hover away


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils (pdfinfo)")
def test_the_call_sheet_stays_one_page_whatever_the_data(qapp, notebook, tmp_path):
    contact_id = person(given_name=UNBROKEN, family_name=MARKUP, notes=UNBROKEN * 3, how_met=UNBROKEN,
                        organisation=UNBROKEN, title=UNBROKEN, city=UNBROKEN,
                        points=[ContactPointRecord("phone", "+1 912 555 01" + f"{n:02d}") for n in range(40)])
    for n in range(60):
        history.log(InteractionRecord(contact_id, "email", clock.now(), summary=f"{UNBROKEN[:3000]} {n}"))
    out = tmp_path / "sheet.pdf"
    assert write_pdf(makers_for("contact", contact_id), out) == 1
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
