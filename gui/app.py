"""Starting the window: the QApplication, the main window, and the --screenshot mode."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

import resources
from gui.main_window import MainWindow
from model.storage import Notebook

logger = logging.getLogger(__name__)


def application(version: str = "") -> QApplication:
    """The one QApplication, named so QSettings and the desktop know it."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Rapport")
    app.setOrganizationName("Rapport")
    app.setApplicationVersion(version)
    app.setDesktopFileName("rapport")
    # Names in any script show with real glyphs, even where the system has no CJK font.
    QFontDatabase.addApplicationFont(str(resources.path("fonts", "DroidSansFallbackFull.ttf")))
    return app


def save_screenshot(window: MainWindow, path: str) -> bool:
    """Render the window, with its data, to a PNG."""
    QApplication.processEvents()
    ok = window.grab().save(path, "PNG")
    if not ok:
        print(f"rapport: cannot write the screenshot to {path}", file=sys.stderr)
    return ok


def run(notebook: Notebook, files: list[str], screenshot: str | None, version: str) -> int:
    app = application(version)
    window = MainWindow(notebook, version)
    window.show()
    if files:
        window.import_files(files)
    if screenshot:
        QTimer.singleShot(0, lambda: app.exit(0 if save_screenshot(window, screenshot) else 1))
    else:
        window.start_reminders()
        # The city gazetteer and the phone geocoder take about a second to load: do it off the UI
        # thread, before the first Prep tab needs them.
        from model import places

        threading.Thread(target=places.warm_up, name="places", daemon=True).start()
    status = app.exec()
    notebook.close()
    return status
