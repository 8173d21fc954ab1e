"""Xandikos (pinned in pyproject.toml), the second server the sync tests run against: another
implementation of CardDAV and CalDAV (Git-backed, by another author), so that no one server's
quirks become Rapport's assumptions. `with xandikos(folder) as server:` gives a Server (see
radicale.py) whose address book and calendar exist already (--defaults).

Xandikos asks for no password on plain http (its --htpasswd needs its own TLS certificate):
Rapport sends its Basic credentials all the same, and they are ignored."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.servers.radicale import Server, _wait_for, free_port


@contextlib.contextmanager
def xandikos(folder: Path, timeout: float = 30) -> Iterator[Server]:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with open(folder / "xandikos.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "xandikos", "serve", "--defaults", "-d", str(folder / "data"),
             "--state-dir", str(folder / "state"), "-l", "127.0.0.1", "-p", str(port),
             "--current-user-principal", "/tester/"], stdout=log, stderr=log)
        try:
            _wait_for(process, port, folder, timeout)
            yield Server(port)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
