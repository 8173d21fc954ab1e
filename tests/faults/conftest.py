"""Fixtures for the fault suite: a small disk that fills up, read-only places, damaged files,
and main.py run as a script would run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def rapport(*arguments, env=None, timeout=120):
    """main.py in a subprocess, as scripts call it."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *arguments], capture_output=True, text=True,
                          env=environment, timeout=timeout)


def one_line_message(result) -> str:
    """What main.py said on stderr, checked to be the one `rapport: ...` line a fault gets."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("rapport: "), result.stderr
    return lines[0]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs), so that a test can fill it. Skipped, saying why,
    where this process may not mount one (it needs root, or a user namespace)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill `disk` until fewer than `leave` bytes are left."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as stream:
        try:
            stream.write(b"\0" * max(0, free - leave))
        except OSError:
            pass
    return filler


def remount_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True)


@pytest.fixture
def as_root_only():
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root (permissions do not bind root, so the tests drop them otherwise)")
