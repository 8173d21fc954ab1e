"""Running model work off the UI thread.

`Worker` runs one job on a QThread and reports progress, a result or an error (the import
dialog drives it itself, with its own progress bar and cancel). `run_in_background` is for a
job a dialog waits for: the window keeps repainting and a busy indicator shows if it takes long.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from model import storage
from model.faults import FAULTS, ImportCancelled, explain


class Worker(QObject):
    """Runs one model function on a thread; reports progress, a result or an error."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job) -> None:
        super().__init__()
        self._job = job
        self.cancel_event = threading.Event()

    def run(self) -> None:
        try:
            result = self._job(lambda done, total: self.progress.emit(done, total), self.cancel_event.is_set)
        except ImportCancelled:
            self.failed.emit("")
        except FAULTS as error:  # a full disk, a damaged page: said as what it is
            self.failed.emit(str(explain(error, storage.current_path() or "the notebook")))
        except Exception as error:  # noqa: BLE001 - shown to the user; the notebook is untouched
            self.failed.emit(str(error))
        else:
            self.done.emit(result)


class Jobs(QObject):
    """A dialog's long work, one job at a time on a thread of its own: `progress` as it goes, then
    `on_done(result)` or `on_failed(message)` on the UI thread, once the thread has ended (so the
    dialog may close or start the next job)."""

    progress = Signal(int, int)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: Worker | None = None
        self._on_done: Callable[[object], None] = lambda _result: None
        self._on_failed: Callable[[str], None] = lambda _message: None

    def run(self, job, on_done: Callable[[object], None], on_failed: Callable[[str], None]) -> None:
        self._thread = QThread(self)
        self._worker = Worker(job)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._on_done, self._on_failed = on_done, on_failed
        # Bound to this object, which lives on the UI thread: Qt queues them there.
        self._worker.progress.connect(self.progress)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._thread.start()

    def busy(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def cancel(self, wait: bool = False) -> None:
        """Ask the running job to stop (it rolls back and reports a failure with no message)."""
        if self.busy() and self._worker is not None and self._thread is not None:
            self._worker.cancel_event.set()
            if wait:
                self._thread.wait()

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _done(self, result: object) -> None:
        self._join()
        self._on_done(result)

    def _failed(self, message: str) -> None:
        self._join()
        self._on_failed(message)


class BackgroundError(RuntimeError):
    """The background job failed; the message says why."""


class _Waiter(QObject):
    """Lives on the UI thread, so the worker's signals are queued to it (bound methods, not lambdas)."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.result: object = None
        self.error: str | None = None

    def done(self, result: object) -> None:
        self.result = result
        self.loop.quit()

    def failed(self, message: str) -> None:
        self.error = message or "cancelled"
        self.loop.quit()


def run_in_background(parent: QWidget | None, text: str, job: Callable[[], object]) -> object:
    """Run `job()` on a worker thread and return its result once done; the UI stays live, and a
    busy dialog saying `text` shows after a moment. Raises BackgroundError if the job failed."""
    loop = QEventLoop()
    waiter = _Waiter(loop)
    thread = QThread()
    worker = Worker(lambda _progress, _cancelled: job())
    worker.moveToThread(thread)
    worker.done.connect(waiter.done)
    worker.failed.connect(waiter.failed)
    thread.started.connect(worker.run)
    busy = QProgressDialog(text, "", 0, 0, parent)
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(400)
    busy.setValue(0)  # starts the wait: without a value, Qt never shows the dialog at all
    thread.start()
    loop.exec()
    busy.reset()
    busy.deleteLater()
    thread.quit()
    thread.wait()
    if waiter.error is not None:
        raise BackgroundError(waiter.error)
    return waiter.result
