"""At 1024×700, the smallest screen Rapport is made for, no label in any view is cut off: not at
the right, not at the bottom of a wrapped paragraph, and an elided name says all of itself in a
tooltip (issue 20: the welcome page's first sentence was cut mid-phrase)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from model import search
from tests.gui.clipping import clipped_labels

pytestmark = pytest.mark.timeout(120)


def settle():
    for _ in range(5):
        QApplication.processEvents()


def test_the_main_views_at_1024_by_700(window):
    window.resize(1024, 700)
    window.show_today()
    settle()
    problems = [f"today: {p}" for p in clipped_labels(window)]
    window.open_contact(search.search("Cathy Rogers")[0])
    for index in range(window.contact_page.tabs.count()):
        window.contact_page.tabs.setCurrentIndex(index)
        settle()
        problems += [f"{window.contact_page.tabs.tabText(index)}: {p}" for p in clipped_labels(window)]
    view = window.calendar_view
    window.show_view(view)
    for button in (view.week_button, view.month_button, view.agenda_button):
        button.click()
        settle()
        problems += [f"calendar {button.text()}: {p}" for p in clipped_labels(window)]
    window.show_view(window.offline_view)
    settle()
    problems += [f"take it offline: {p}" for p in clipped_labels(window)]
    assert problems == []


def test_the_welcome_page_of_an_empty_notebook(empty_window):
    empty_window.resize(1024, 700)
    empty_window.show_today()
    settle()
    assert clipped_labels(empty_window) == []


def test_the_dialogs(window, qtbot):
    from gui.meeting_editor import MeetingEditor
    from gui.preferences_dialog import PreferencesDialog
    from gui.sync_panel import AddAccountDialog, SyncAccountsDialog

    cathy = search.search("Cathy Rogers")[0]
    dialogs = [MeetingEditor(None, [cathy], parent=window), PreferencesDialog(window),
               SyncAccountsDialog(window.sync_controller(), window), AddAccountDialog(window)]
    problems = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        settle()
        problems += [f"{dialog.windowTitle()}: {p}" for p in clipped_labels(dialog)]
    assert problems == []


def test_text_reads_at_4_5_to_1_in_the_light_and_a_dark_palette(qtbot, sample_notebook):
    """Every label of the main views, as drawn, against what is behind it (WCAG AA for text),
    in Fusion's light palette and in a Breeze Dark-like one (each window made in its palette,
    as the desktop's theme gives it at start)."""
    from PySide6.QtGui import QPalette

    from gui.app import application
    from gui.main_window import MainWindow
    from tests.gui.clipping import dark_palette, low_contrast_labels

    app = application("test")
    before = QPalette(app.palette())
    problems = []
    try:
        for name, palette in (("light", app.style().standardPalette()), ("dark", dark_palette())):
            app.setPalette(palette)
            window = MainWindow(sample_notebook, "test")
            qtbot.addWidget(window)
            window.show()
            window.resize(1024, 700)
            window.show_today()
            settle()
            problems += [f"{name} today: {p}" for p in low_contrast_labels(window)]
            window.open_contact(search.search("Cathy Rogers")[0])
            for index in range(window.contact_page.tabs.count()):
                window.contact_page.tabs.setCurrentIndex(index)
                settle()
                tab = window.contact_page.tabs.tabText(index)
                problems += [f"{name} {tab}: {p}" for p in low_contrast_labels(window)]
            window.show_view(window.calendar_view)
            settle()
            problems += [f"{name} calendar: {p}" for p in low_contrast_labels(window)]
            window.close()
    finally:
        app.setPalette(before)
    assert list(dict.fromkeys(problems)) == []
