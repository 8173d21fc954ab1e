"""A main window over a real notebook, driven through qtbot."""

import pytest
from PySide6.QtCore import QSettings

from gui.app import application
from gui.main_window import MainWindow


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
