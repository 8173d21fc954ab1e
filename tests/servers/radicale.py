"""Radicale (pinned in pyproject.toml), as the tests run it: `with radicale(folder) as server:`
gives its base URL, user and password; `server.put(...)` and `server.make_address_book(...)`
speak plain WebDAV through the standard library, so the tests never go through the code they test."""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "tester", "a long test password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    user: str = USER
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                timeout: float = 30) -> tuple[int, bytes]:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers={"Authorization": f"Basic {token}", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def make_address_book(self, name: str = "contacts") -> str:
        return self._make(name, "MKCOL", b'<mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop>'
                          b'<resourcetype><collection/><CR:addressbook/></resourcetype></prop></set></mkcol>')

    def make_calendar(self, name: str = "calendar") -> str:
        return self._make(name, "MKCALENDAR", b'<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                          b'<D:set><D:prop><D:displayname>Meetings</D:displayname></D:prop></D:set></C:mkcalendar>')

    def _make(self, name: str, method: str, body: bytes) -> str:
        """A collection of the user's (RFC 6352 6.3.1 MKCOL, RFC 4791 5.3.1 MKCALENDAR); its path."""
        path = f"/{self.user}/{name}/"
        status, answer = self.request(method, path, b'<?xml version="1.0" encoding="utf-8"?>' + body,
                                      {"Content-Type": "application/xml"})
        assert status == 201, (status, answer)
        return path

    def put(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        return self.request("PUT", path, body, {"Content-Type": content_type, "If-None-Match": "*"})


@contextlib.contextmanager
def radicale(folder: Path, timeout: float = 30, port: int | None = None, tuned: bool = False) -> Iterator[Server]:
    """A Radicale server storing in `folder`, for one user with a password; on `port` (the one it
    had before, say), else a free one. `tuned`: its item cache checked by each file's mtime and
    size instead of a SHA-256 of its content, as Radicale's Performance tuning page advises for
    collections with many items (github.com/Kozea/Radicale/wiki/Performance-tuning)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = port or free_port()
    tuning = "use_mtime_and_size_for_item_cache = True\n" if tuned else ""
    config = folder / "config"
    config.write_text(f"""[server]
hosts = 127.0.0.1:{port}
timeout = 30
[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = {folder / "collections"}
{tuning}[logging]
level = warning
""", encoding="utf-8")
    with serving([sys.executable, "-m", "radicale", "--config", str(config)], folder / "radicale.log", port,
                 timeout) as server:
        yield server


@contextlib.contextmanager
def serving(command: list[str], log_path: Path, port: int, timeout: float) -> Iterator[Server]:
    """Run a server's command, logging beside its folder, until it listens on `port`; stop it after."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            _wait_for(process, port, log_path.parent, timeout)
            yield Server(port)
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a server the test started: politely, then not."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _wait_for(process: subprocess.Popen, port: int, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                logs = " ".join(path.read_text(errors="replace") for path in folder.glob("*.log"))
                raise RuntimeError("the server did not start: " + logs) from None
            time.sleep(0.05)
