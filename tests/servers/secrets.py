"""A Secret Service for one test: a private D-Bus session bus and GNOME Keyring's daemon on it,
with its login keyring made and unlocked by a password, all in the test's folder:
`with secret_service(folder) as environment:` gives the variables that point a process at it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.radicale import stop


def available() -> bool:
    return all(shutil.which(tool) for tool in ("dbus-daemon", "dbus-send", "gnome-keyring-daemon"))


@contextlib.contextmanager
def secret_service(folder: Path, timeout: float = 20) -> Iterator[dict[str, str]]:
    if not available():
        pytest.skip("needs dbus-daemon and gnome-keyring-daemon (Debian: dbus, gnome-keyring; `make test` and CI"
                    " install them)")
    runtime = folder / "run"
    runtime.mkdir(parents=True, mode=0o700)
    # An abstract socket: a path in the test's folder would be longer than a socket's 108 bytes.
    environment = {"HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"), "XDG_RUNTIME_DIR": str(runtime),
                   "XDG_CONFIG_HOME": str(folder / "config"),
                   "DBUS_SESSION_BUS_ADDRESS": f"unix:abstract=rapport-test-{uuid.uuid4().hex}"}
    merged = {**os.environ, **environment}
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                            f"--address={environment['DBUS_SESSION_BUS_ADDRESS']}"], env=merged,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keyring = None
    try:
        deadline = time.monotonic() + timeout
        _wait_for_name(merged, deadline, "org.freedesktop.DBus", bus)
        keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                   env=merged, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        assert keyring.stdin is not None
        keyring.stdin.write(b"the keyring's password")
        keyring.stdin.close()
        _wait_for_name(merged, deadline, "org.freedesktop.secrets", keyring)
        yield environment
    finally:
        for process in (keyring, bus):
            if process is not None:
                stop(process)


def _wait_for_name(environment: dict[str, str], deadline: float, name: str, process: subprocess.Popen) -> None:
    """Until `name` is on the bus (the bus itself: org.freedesktop.DBus)."""
    while True:
        listed = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                                 "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
                                env=environment, capture_output=True, text=True, timeout=10)
        if f'"{name}"' in listed.stdout:
            return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not come up: {listed.stderr}")
        time.sleep(0.05)
