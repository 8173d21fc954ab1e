"""When a notebook or a file cannot be used: a dialog that says what is wrong and what to do,
and, for a damaged notebook, the way back (the latest good backup, or a salvage of what can
still be read). The damaged file itself is never written to; it is kept beside the good copy.

The background check (`NotebookCheck`) runs PRAGMA quick_check on a connection of its own after
the window is shown, so a big notebook opens at once and is still checked before long.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from gui.widgets.worker import BackgroundError, run_in_background
from model import backups, clock
from model.faults import Damaged, NotebookError


def show_fault(parent: QWidget | None, title: str, error: NotebookError) -> None:
    """A warning that says what happened and, below it, what the user can do."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(error), QMessageBox.StandardButton.Ok, parent)
    if error.advice:
        box.setInformativeText(error.advice)
    box.exec()


def offer_recovery(parent: QWidget | None, path: Path, error: Damaged,
                   release: Callable[[], None] = lambda: None) -> bool:
    """Ask how to get a good notebook back at `path`; True once there is one there to open.
    `release` closes the damaged notebook where it is open, just before it is moved aside."""
    backup = backups.latest_good_backup(path)
    box = QMessageBox(QMessageBox.Icon.Critical, "Damaged notebook", str(error), parent=parent)
    box.setInformativeText(
        "Rapport will not write to it. You can put the latest good backup in its place, or a copy of "
        "everything that can still be read. Either way the damaged file is kept beside it, unchanged.")
    restore = None
    if backup is not None:
        when = f"{clock.local(dt.datetime.fromtimestamp(backup.stat().st_mtime, dt.UTC)):%d %b %Y, %H:%M}".lstrip("0")
        restore = box.addButton(f"Restore the backup of {when}", QMessageBox.ButtonRole.AcceptRole)
    salvage = box.addButton("Salvage what can be read", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(restore or salvage)
    box.exec()
    chosen = box.clickedButton()
    if chosen is None or chosen not in (restore, salvage):
        return False
    try:
        if chosen is restore and backup is not None:
            release()
            aside = backups.replace_damaged(path, backup)
        else:
            salvaged = path.with_name(f"{path.stem}.salvage{path.suffix}")
            salvaged.unlink(missing_ok=True)
            run_in_background(parent, "Salvaging what can be read…", lambda: backups.salvage(path, salvaged))
            release()
            aside = backups.replace_damaged(path, salvaged)
    except (BackgroundError, OSError, sqlite3.Error) as failure:
        QMessageBox.critical(parent, "Damaged notebook", f"That did not work: {failure}")
        return False
    QMessageBox.information(parent, "Damaged notebook",
                            f"{path.name} is good again. The damaged file is kept as {aside.name}.")
    return True


class NotebookCheck(QObject):
    """PRAGMA quick_check of the open notebook on a thread; `damaged` says what is wrong."""

    damaged = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path

    def start(self) -> None:
        threading.Thread(target=self._run, name="notebook-check", daemon=True).start()

    def _run(self) -> None:
        verdict = backups.check(self.path)
        if verdict != "ok":
            self.damaged.emit(verdict)
