"""One Rapport per notebook: a second start hands its files to the running window and exits.

The running window listens on a local socket named after the user and the notebook; opening a
.vcf or .ics from the file manager while Rapport runs sends the paths there (as JSON) instead
of starting a second copy on the same notebook.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 1000


def server_name(notebook: Path) -> str:
    """A name per user and notebook (short enough for every platform's socket paths)."""
    key = f"{getpass.getuser()}:{Path(notebook).expanduser().resolve()}"
    return "rapport-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def hand_over(notebook: Path, files: list[str]) -> bool:
    """Give `files` to a Rapport already running on `notebook` (it comes to the front);
    False when none runs. Needs a Q(Core)Application."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(notebook))
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    message = json.dumps({"files": [str(Path(f).expanduser().resolve()) for f in files]}).encode() + b"\n"
    socket.write(message)
    handed = socket.waitForBytesWritten(TIMEOUT_MS)
    socket.disconnectFromServer()
    return handed


class InstanceServer(QObject):
    """Listens for later starts; `files_received` carries their paths (possibly none: show the window)."""

    files_received = Signal(list)

    def __init__(self, notebook: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)
        self.name = server_name(notebook)

    def listen(self) -> bool:
        if not self.server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left behind by a crash: nobody answered hand_over
            return self.server.listen(self.name)
        return True

    def close(self) -> None:
        self.server.close()

    def _connection(self) -> None:
        socket = self.server.nextPendingConnection()
        if socket is None:
            return
        buffer = bytearray()

        def read() -> None:
            buffer.extend(bytes(socket.readAll().data()))
            if not buffer.endswith(b"\n"):
                return
            try:
                files = json.loads(buffer.decode())["files"]
            except (ValueError, KeyError, TypeError):
                files = []
            buffer.clear()
            self.files_received.emit([str(f) for f in files])

        socket.readyRead.connect(read)
        if socket.bytesAvailable():
            read()
