"""One Rapport per notebook: a second start hands its files to the running window and exits.

The running window listens on a local socket named after the notebook; opening a .vcf or .ics
from the file manager while Rapport runs sends the paths there instead of starting a second copy
on the same notebook.

Only the same user can talk to it, and nobody can make a start hang:
- On Linux and macOS the socket is a file in a folder only the user can enter (the runtime
  folder, `$XDG_RUNTIME_DIR/rapport`, mode 0700; the socket itself 0600). On Linux the server
  also checks the peer's user id (SO_PEERCRED). On Windows it is a named pipe guarded by a
  random key kept in a file in the user's own data folder (multiprocessing.connection).
- Connecting, sending and waiting for the answer each have a timeout (HAND_OVER_TIMEOUT), and
  the server answers each client on a thread of its own with the same timeout, so a frozen
  window or a silent client costs a later start at most a few seconds.
- Messages are length-prefixed JSON (a list of paths), never pickles, at most 1 MiB.

This uses the standard library, not Qt's QLocalServer: that would bring QtNetwork (3.4 MB) into
the bundle for this alone. The signal carries the files over to the UI thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import socket
import stat
import struct
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from multiprocessing.connection import Listener

logger = logging.getLogger(__name__)

HAND_OVER_TIMEOUT = 3.0  # seconds for each step: connect, send, answer
_MAX_MESSAGE = 1 << 20
_WINDOWS = sys.platform == "win32"


def server_name(notebook: Path) -> str:
    """A name per notebook (short enough for every platform's socket paths)."""
    key = str(Path(notebook).expanduser().resolve())
    return "rapport-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def _private_folder() -> Path:
    """A folder only this user can enter: `rapport` in the runtime folder, or, where the session
    has none, `rapport-UID` in the temporary folder (refused if another user made it first)."""
    candidates = [Path(tempfile.gettempdir()) / f"rapport-{os.getuid()}"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        candidates.insert(0, Path(os.environ["XDG_RUNTIME_DIR"]) / "rapport")
    elif sys.platform == "darwin":
        candidates.insert(0, Path(platformdirs.user_runtime_dir("Rapport", appauthor=False)))
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = folder.lstat()
            if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
                continue
            if stat.S_IMODE(info.st_mode) != 0o700:
                folder.chmod(0o700)
            return folder
        except OSError:
            continue
    raise OSError("no private folder for the hand-over socket")


def _socket_path(name: str) -> str:
    return str(_private_folder() / f"{name}.socket")


def _send(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(struct.pack("!I", len(payload)) + payload)


def _receive(connection: socket.socket) -> bytes:
    header = _receive_exactly(connection, 4)
    (length,) = struct.unpack("!I", header)
    if length > _MAX_MESSAGE:
        raise ValueError("message too long")
    return _receive_exactly(connection, length)


def _receive_exactly(connection: socket.socket, count: int) -> bytes:
    chunks, left = [], count
    while left:
        chunk = connection.recv(left)
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _peer_is_me(connection: socket.socket) -> bool:
    """On Linux, the connecting process's user must be ours (the folder already keeps others out
    elsewhere)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def hand_over(notebook: Path, files: list[str], timeout: float = HAND_OVER_TIMEOUT) -> bool:
    """Give `files` to a Rapport already running on `notebook` (it comes to the front);
    False when none runs or it does not answer within `timeout` seconds."""
    message = json.dumps([str(Path(f).expanduser().resolve()) for f in files]).encode()
    if _WINDOWS:
        return _windows_hand_over(server_name(notebook), message)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(_socket_path(server_name(notebook)))
            _send(connection, message)
            return _receive(connection) == b"ok"
    except (OSError, EOFError, ValueError, struct.error):  # nobody listens, a stale socket, or no answer in time
        return False


class InstanceServer(QObject):
    """Listens for later starts; `files_received` carries their paths (possibly none: show the window)."""

    files_received = Signal(list)

    def __init__(self, notebook: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(notebook)
        self._socket: socket.socket | None = None
        self._path = ""
        self._closing = threading.Event()
        self._windows_listener: Listener | None = None

    def listen(self) -> bool:
        if _WINDOWS:
            return self._windows_listen()
        try:
            self._path = _socket_path(self.name)
            if os.path.exists(self._path):
                os.unlink(self._path)  # left behind by a crash: nobody answered hand_over
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(self._path)
            os.chmod(self._path, 0o600)  # inside a 0700 folder already; the socket itself too
            server.listen(8)
            server.settimeout(0.5)  # wake now and then to see whether we are closing
        except OSError as error:
            logger.warning("Cannot listen for later starts: %s", error)
            return False
        self._socket = server
        threading.Thread(target=self._serve, name="single-instance", daemon=True).start()
        return True

    def close(self) -> None:
        self._closing.set()
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            if self._path:
                Path(self._path).unlink(missing_ok=True)
        if self._windows_listener is not None:
            self._windows_listener.close()
            self._windows_listener = None

    def _serve(self) -> None:
        server = self._socket
        while not self._closing.is_set() and server is not None:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            threading.Thread(target=self._answer, args=(connection,), name="single-instance-client",
                             daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        """One client, on its own thread, with a timeout: a silent client holds up nobody."""
        with connection:
            try:
                connection.settimeout(HAND_OVER_TIMEOUT)
                if not _peer_is_me(connection):
                    logger.warning("Refused a hand-over from another user")
                    return
                files = json.loads(_receive(connection))
                _send(connection, b"ok")
            except (OSError, EOFError, ValueError, struct.error):  # timed out, gone, or not JSON
                return
        self._deliver(files)

    def _deliver(self, files: object) -> None:
        if not self._closing.is_set() and isinstance(files, list):
            self.files_received.emit([str(f) for f in files])

    # -- Windows: a named pipe with a per-user key (no AF_UNIX sockets in CPython there) ----------

    def _windows_listen(self) -> bool:
        from multiprocessing.connection import Listener

        try:
            self._windows_listener = Listener(rf"\\.\pipe\{self.name}", authkey=_windows_key())
        except OSError:
            return False
        threading.Thread(target=self._windows_serve, name="single-instance", daemon=True).start()
        return True

    def _windows_serve(self) -> None:
        from multiprocessing import AuthenticationError

        while not self._closing.is_set() and self._windows_listener is not None:
            try:
                connection = self._windows_listener.accept()
            except (OSError, EOFError, AuthenticationError):
                continue
            with connection:
                try:
                    if not connection.poll(HAND_OVER_TIMEOUT):
                        continue
                    files = json.loads(connection.recv_bytes(_MAX_MESSAGE))
                    connection.send_bytes(b"ok")
                except (OSError, EOFError, ValueError):
                    continue
            self._deliver(files)


def _windows_key() -> bytes:
    """A random key in the user's own data folder, which other users cannot read."""
    path = Path(platformdirs.user_data_dir("Rapport", appauthor=False)) / "instance.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(secrets.token_bytes(32))
    return path.read_bytes()


def _windows_hand_over(name: str, message: bytes) -> bool:
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    try:
        with Client(rf"\\.\pipe\{name}", authkey=_windows_key()) as connection:
            connection.send_bytes(message)
            return connection.poll(HAND_OVER_TIMEOUT) and connection.recv_bytes(_MAX_MESSAGE) == b"ok"
    except (OSError, EOFError, ValueError, AuthenticationError):
        return False
