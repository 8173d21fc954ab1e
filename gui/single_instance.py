"""One Rapport per notebook: a second start hands its files to the running window and exits.

The running window listens on a local socket named after the user and the notebook (a named
pipe on Windows, an abstract socket on Linux, a socket file in the temporary folder on macOS);
opening a .vcf or .ics from the file manager while Rapport runs sends the paths there instead
of starting a second copy on the same notebook.

This uses the standard library's `multiprocessing.connection`, not Qt's QLocalServer: that
would bring QtNetwork (3.4 MB) into the bundle for this alone. A thread accepts the
connections, and the signal carries the files over to the UI thread.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
import tempfile
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

from PySide6.QtCore import QObject, Signal

_AUTHKEY = b"rapport"  # keeps stray connections out; messages are JSON, never pickles
_MAX_MESSAGE = 1 << 20


def server_name(notebook: Path) -> str:
    """A name per user and notebook (short enough for every platform's socket paths)."""
    key = f"{getpass.getuser()}:{Path(notebook).expanduser().resolve()}"
    return "rapport-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def _address(name: str) -> str:
    if sys.platform == "win32":
        return rf"\\.\pipe\{name}"
    if sys.platform.startswith("linux"):
        return "\0" + name  # the abstract namespace: nothing is left behind on disk
    return str(Path(tempfile.gettempdir()) / f"{name}.socket")


def hand_over(notebook: Path, files: list[str]) -> bool:
    """Give `files` to a Rapport already running on `notebook` (it comes to the front);
    False when none runs."""
    try:
        with Client(_address(server_name(notebook)), authkey=_AUTHKEY) as connection:
            connection.send_bytes(json.dumps([str(Path(f).expanduser().resolve()) for f in files]).encode())
            return connection.recv_bytes(_MAX_MESSAGE) == b"ok"
    except (OSError, EOFError, ValueError, AuthenticationError):  # nobody listens, or a stale socket file
        return False


class InstanceServer(QObject):
    """Listens for later starts; `files_received` carries their paths (possibly none: show the window)."""

    files_received = Signal(list)

    def __init__(self, notebook: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(notebook)
        self._address = _address(self.name)
        self._listener: Listener | None = None
        self._closing = False

    def listen(self) -> bool:
        try:
            self._listener = Listener(self._address, authkey=_AUTHKEY)
        except OSError:
            if not self._address.startswith(("\0", "\\")) and os.path.exists(self._address):
                os.unlink(self._address)  # left behind by a crash: nobody answered hand_over
                return self.listen()
            return False
        threading.Thread(target=self._serve, name="single-instance", daemon=True).start()
        return True

    def close(self) -> None:
        if self._listener is None:
            return
        self._closing = True
        try:  # wake the accepting thread so that it sees it is closing
            with Client(self._address, authkey=_AUTHKEY) as connection:
                connection.send_bytes(b"[]")
        except (OSError, EOFError, ValueError, AuthenticationError):
            pass
        self._listener.close()
        self._listener = None

    def _serve(self) -> None:
        listener = self._listener
        while not self._closing:
            try:
                connection = listener.accept()
            except (OSError, EOFError, ValueError, AuthenticationError):  # closed, or a stranger without the key
                if self._closing:
                    return
                continue
            with connection:
                try:
                    files = json.loads(connection.recv_bytes(_MAX_MESSAGE))
                    connection.send_bytes(b"ok")
                except (OSError, EOFError, ValueError):  # ValueError: not JSON
                    continue
            if not self._closing and isinstance(files, list):
                self.files_received.emit([str(f) for f in files])
