"""Xandikos (pinned in pyproject.toml), the second server the sync tests run against: another
implementation of CardDAV and CalDAV (Git-backed, by another author), so that no one server's
quirks become Rapport's assumptions. `with xandikos(folder) as server:` gives a Server (see
radicale.py) whose address book and calendar exist already (--defaults).

Xandikos asks for no password on plain http (its --htpasswd needs its own TLS certificate):
Rapport sends its Basic credentials all the same, and they are ignored."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.servers.radicale import Server, free_port, serving


@contextlib.contextmanager
def xandikos(folder: Path, timeout: float = 30) -> Iterator[Server]:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "xandikos", "serve", "--defaults", "-d", str(folder / "data"),
               "--state-dir", str(folder / "state"), "-l", "127.0.0.1", "-p", str(port),
               "--current-user-principal", "/tester/"]
    with serving(command, folder / "xandikos.log", port, timeout) as server:
        yield server
