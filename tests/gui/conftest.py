"""A main window over a real notebook, driven through qtbot."""

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gui.app import application
from gui.log_dialog import LogDialog
from gui.main_window import MainWindow
from model import search


@pytest.fixture(autouse=True)
def fresh_settings(qapp):
    """Each test starts as on a first run: no remembered geometry, sort or splitter."""
    application("test")
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture
def window(qtbot, sample_notebook):
    application("test")
    window = MainWindow(sample_notebook, "test")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.today_page.pending, timeout=5000)  # Today's lists, after the first paint
    return window


@pytest.fixture
def empty_window(qtbot, notebook):
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    window.show()
    return window


def shown_names(window) -> list[str]:
    model = window.contact_list.model
    return [model.index(row).data() for row in range(model.rowCount())]


def open_person(window, name):
    window.open_contact(search.search(name)[0])
    assert window.contact_page.name_label.full_text() == name
    return window.contact_list.current_id()


def drive_dialog(qtbot, steps, kind=None):
    """Run `steps(dialog)` on the next modal dialog (a Log dialog unless `kind` says), as the user would.
    Returns a list that holds what went wrong, if anything (the dialog is then closed)."""
    errors = []

    def act(tries=100):
        dialog = QApplication.activeModalWidget()
        if dialog is None and tries:  # not shown yet: look again in a moment
            QTimer.singleShot(20, lambda: act(tries - 1))
            return
        try:
            assert isinstance(dialog, kind or LogDialog), dialog
            steps(dialog)
        except BaseException as error:  # noqa: BLE001 - reported by the test after exec returns
            errors.append(error)
            dialog.reject()
    QTimer.singleShot(0, act)
    return errors
