"""Starting the window: the QApplication, the main window, and the --screenshot mode."""

from __future__ import annotations

import gc
import html
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import resources
from gui import fonts
from gui.main_window import MainWindow
from gui.notebook_trouble import NotebookCheck, offer_recovery, show_fault
from model import storage
from model.faults import FAULTS, Damaged, explain
from model.storage import Notebook, NotebookError, NotebookLocked

logger = logging.getLogger(__name__)
_prepared = False  # the icon and fonts are set up once per process


def _qt_fatal(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own fatal errors (a platform plugin whose system libraries are missing, above all)
    go to the log with what to do, before Qt ends the process: the log was empty."""
    if kind == QtMsgType.QtFatalMsg:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            hint = "Qt could not start: there is no display to open a window on (DISPLAY is not set)."
        else:
            hint = ("Qt could not start. On Linux this is usually a missing system library: run "
                    "`python packaging/system_libraries.py` (or `make run`) to see which, and the command that "
                    "installs it.")
        logger.critical("%s\n%s", message, hint)
        for handler in logging.getLogger().handlers:
            handler.flush()
        print(f"rapport: {hint}", file=sys.stderr)
    elif kind == QtMsgType.QtCriticalMsg:
        logger.error("Qt: %s", message)
    if kind in (QtMsgType.QtFatalMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtWarningMsg):
        print(message, file=sys.stderr)


def application(version: str = "") -> QApplication:
    """The one QApplication, named so QSettings and the desktop know it, with its icon and fonts."""
    global _prepared
    if QApplication.instance() is None:
        qInstallMessageHandler(_qt_fatal)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Rapport")
    app.setOrganizationName("Rapport")
    app.setApplicationVersion(version)
    app.setDesktopFileName("rapport")
    if not _prepared:
        _prepared = True
        icon = QIcon()
        for size in (16, 24, 32, 48, 64, 128, 256):
            icon.addFile(str(resources.path("icons", f"rapport-{size}.png")))
        app.setWindowIcon(icon)
        # Names in any script show with real glyphs, even where the system has no font for it.
        fonts.register()
        _keep_links_readable(app)
    return app


def _keep_links_readable(app: QApplication) -> None:
    """Links readable in whatever palette the desktop gives, now and after a change of theme."""
    from gui.widgets.palette import readable_links

    def check() -> None:
        better = readable_links(app.palette())
        if better is not None:
            app.setPalette(better)

    check()
    app.paletteChanged.connect(lambda _palette: check())


def save_screenshot(window: MainWindow, path: str) -> bool:
    """Render the window, with its data, to a PNG (grab lays it out and paints it; what the first
    paint leaves to come after it, Today's lists if they are not there yet, is waited for). With
    RAPPORT_FIRST_PAINT set to a path, the first paint itself is saved there too: `make bench`
    times start-up to it."""
    first = window.grab()
    if os.environ.get("RAPPORT_FIRST_PAINT"):
        first.save(os.environ["RAPPORT_FIRST_PAINT"], "PNG")
    final = first
    if window.today_page.pending:
        deadline = time.monotonic() + 10
        while window.today_page.pending and window.today_page.isVisible() and time.monotonic() < deadline:
            QApplication.processEvents()
        QApplication.processEvents()  # their layout, and the placeholders' deletion
        final = window.grab()
    ok = final.save(path, "PNG")
    if not ok:
        print(f"rapport: cannot write the screenshot to {path}", file=sys.stderr)
    return ok


def start(open_notebook: Callable[[Path], Notebook], path: Path, files: list[str], screenshot: str | None,
          version: str, single_instance: bool = True, log_path: Path | None = None) -> int:
    """Start the app on the notebook at `path`: hand the files over to a Rapport already running
    on it, or open it (locked) and show the window. Returns the exit status."""
    application(version)
    _report_fatal_errors(log_path)
    if single_instance and _hand_over(path, files):
        return 0
    try:
        notebook = open_notebook(path)
    except NotebookLocked as error:
        # Another Rapport holds the notebook: it may still be starting, and listen in a moment.
        if single_instance and _hand_over(path, files, wait=10):
            return 0
        # It holds the notebook but does not take the hand-over: frozen, or stuck.
        silent = NotebookLocked(f"{path} is open in another Rapport, which does not answer. Close that one "
                                "(or end it), then start again.")
        return _cannot_open(silent if single_instance else error, screenshot)
    except Damaged as error:
        if _someone_is_there(screenshot) and offer_recovery(None, path, error):
            try:
                notebook = open_notebook(path)
            except NotebookError as again:
                return _cannot_open(again, screenshot)
        else:
            return _cannot_open(error, screenshot)
    except NotebookError as error:
        return _cannot_open(error, screenshot)
    return run(notebook, files, screenshot, version, listen=single_instance)


def _someone_is_there(screenshot: str | None) -> bool:
    """Whether a person can answer a dialog (not a --screenshot run, not offscreen)."""
    return not screenshot and os.environ.get("QT_QPA_PLATFORM") != "offscreen"


def _hand_over(path: Path, files: list[str], wait: float = 0) -> bool:
    """Give the files to a Rapport running on `path`, trying for up to `wait` seconds."""
    from gui.single_instance import hand_over

    deadline = time.monotonic() + wait
    while not hand_over(path, files):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    print("rapport: Rapport is already running on this notebook; it has been brought to the front"
          + (" with the files to import." if files else "."), file=sys.stderr)
    return True


def _cannot_open(error: NotebookError, screenshot: str | None) -> int:
    print(f"rapport: {error}", file=sys.stderr)
    if _someone_is_there(screenshot):
        show_fault(None, "Rapport", error)
    return 1


def run(notebook: Notebook, files: list[str], screenshot: str | None, version: str, listen: bool = False) -> int:
    app = application(version)
    window = MainWindow(notebook, version)
    window.show()
    QTimer.singleShot(0, _collect_again)
    if files:
        window.import_files(files)
    server = None
    if listen:
        from gui.single_instance import InstanceServer

        server = InstanceServer(notebook.path, window)
        server.files_received.connect(lambda paths: _handed_over(window, paths))
        if not server.listen():
            logger.warning("Cannot listen for later starts on %s", server.name)
    if screenshot:
        QTimer.singleShot(0, lambda: app.exit(0 if save_screenshot(window, screenshot) else 1))
    else:
        check = NotebookCheck(notebook.path, window)
        check.damaged.connect(window.notebook_damaged)
        QTimer.singleShot(0, check.start)
        window.start_reminders()
        QTimer.singleShot(1000, window.start_sync)  # after the first paint: it loads the DAV client
        # The city gazetteer and the phone geocoder take about a second to load, the collation
        # table a fifth of one: do it off the UI thread, before the first Prep tab or save needs them.
        from model import collation, places

        threading.Thread(target=places.warm_up, name="places", daemon=True).start()
        threading.Thread(target=collation.warm_up, name="collation", daemon=True).start()
    status = app.exec()
    if server is not None:
        server.close()
    window.notebook.close()
    return status


def _collect_again() -> None:
    """Once the window is up, where main.py turned collection off for start-up: what start-up
    made is kept out of later collections for good (it lives as long as the window does), and
    collection is on again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _handed_over(window: MainWindow, paths: list[str]) -> None:
    """A later start sent its files: show the window, and the import plan if there are files."""
    window.bring_to_front()
    if paths:
        window.import_files(paths)


def _report_fatal_errors(log_path: Path | None) -> None:
    """An error nobody caught is logged, and shown in a dialog that says where the log is."""
    def hook(kind, error, trace) -> None:
        if isinstance(error, FAULTS) and QApplication.instance() is not None:
            # A full disk or a damaged page met while working: said as what it is, not as a crash.
            logger.warning("%s", error, exc_info=(kind, error, trace))
            fault = explain(error, storage.current_path() or "the notebook")
            print(f"rapport: {fault}", file=sys.stderr)
            if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
                show_fault(QApplication.activeWindow(), "Rapport", fault)
            return
        logger.critical("Unexpected error", exc_info=(kind, error, trace))
        traceback.print_exception(kind, error, trace)
        where = f"<p>The details are in {html.escape(str(log_path))}.</p>" if log_path else ""
        if QApplication.instance() is not None and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.critical(None, "Rapport",
                                 f"<p>Something went wrong: {html.escape(str(error) or kind.__name__)}.</p>"
                                 f"<p>Your notebook is saved; the last change may not be.</p>{where}")
    sys.excepthook = hook
