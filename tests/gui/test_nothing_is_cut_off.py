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


def test_the_toolbar_icons_are_drawn_for_the_palette_in_use(qtbot, sample_notebook):
    """Each toolbar button has an icon that stands out from the toolbar at 3:1 (WCAG's figure for
    graphics) in the light and the dark palette, repainted when the palette changes while Rapport
    runs, and the whole toolbar fits the window's narrowest width (no button behind a » arrow)."""
    from collections import Counter

    from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap
    from PySide6.QtWidgets import QToolBar

    from gui.app import application
    from gui.main_window import MainWindow
    from gui.widgets.palette import contrast
    from tests.gui.clipping import dark_palette

    def ink(button, icon) -> tuple[float, QColor]:
        """The icon drawn on the button's own background: its most distinct colour, and how much."""
        image = button.grab().toImage()
        colours = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
        background = QColor.fromRgb(colours.most_common(1)[0][0])
        drawn = QPixmap(icon.size())
        drawn.fill(background)
        painter = QPainter(drawn)
        painter.drawPixmap(0, 0, icon)
        painter.end()
        image = drawn.toImage()
        colours = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
        return max((contrast(QColor.fromRgb(c), background), c) for c in colours)

    app = application("test")
    before = QPalette(app.palette())
    window = MainWindow(sample_notebook, "test")
    qtbot.addWidget(window)
    window.show()
    window.open_contact(search.search("Cathy Rogers")[0])
    toolbar = window.findChild(QToolBar, "main-toolbar")
    try:
        inks = {}
        for name, palette in (("light", app.style().standardPalette()), ("dark", dark_palette())):
            app.setPalette(palette)
            settle()
            for action in toolbar.actions():
                if action.isSeparator():
                    continue
                assert not action.icon().isNull(), action.text()
                button = toolbar.widgetForAction(action)
                assert button.isVisible(), f"{action.text()} is hidden at {window.width()} px"
                ratio, colour = ink(button, action.icon().pixmap(20, 20))
                if action.isEnabled():  # WCAG asks nothing of a disabled control
                    assert ratio >= 3, f"{name}: {action.text()}'s icon at {ratio:.1f}:1"
                inks[name, action.text()] = QColor.fromRgb(colour).lightness()
        assert all(inks["light", text] < 100 < inks["dark", text] for _, text in inks)
        window.resize(window.minimumSizeHint().width(), 700)
        settle()
        assert toolbar.sizeHint().width() <= max(window.width(), 900)
    finally:
        app.setPalette(before)


def test_the_contact_editor_fits_a_768_pixel_screen(window, qtbot):
    """A person with a photo, four numbers and handles, notes and every personal field: the editor
    opens at most 700 pixels high (768 less a panel and a title bar) with nothing to scroll and no
    label cut off; a person with far more numbers scrolls inside a dialog that still fits."""
    from PySide6.QtWidgets import QScrollArea

    from gui.contact_editor import ContactEditor
    from model import contacts
    from model.contacts import ContactPointRecord

    cathy = contacts.get_contact(search.search("Cathy Rogers")[0])
    editor = ContactEditor(cathy, window)
    qtbot.addWidget(editor)
    editor.show()
    settle()
    assert editor.height() <= 700
    assert editor.findChild(QScrollArea).verticalScrollBar().maximum() == 0
    assert clipped_labels(editor) == []
    cathy.points += [ContactPointRecord("phone", f"+1 912 555 01{n:02}", "work") for n in range(20)]
    crowded = ContactEditor(cathy, window)
    qtbot.addWidget(crowded)
    crowded.show()
    settle()
    assert crowded.height() <= window.screen().availableGeometry().height() - 40
    assert crowded.findChild(QScrollArea).verticalScrollBar().maximum() > 0
