"""The hand-over socket under faults: a silent client, a frozen window, another user."""

import os
import socket
import stat
import time

import pytest

from gui import single_instance
from gui.single_instance import InstanceServer, hand_over


def test_a_silent_client_holds_up_nobody(qtbot, tmp_path):
    notebook = tmp_path / "mine.rapport"
    server = InstanceServer(notebook)
    assert server.listen()
    try:
        path = single_instance._socket_path(server.name)
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        silent.connect(path)  # connects and says nothing
        try:
            with qtbot.waitSignal(server.files_received, timeout=3000) as received:
                assert hand_over(notebook, [])  # served beside the silent one, not after it
            assert received.args == [[]]
        finally:
            silent.close()
    finally:
        server.close()


def test_a_frozen_window_costs_a_later_start_seconds_not_forever(tmp_path):
    notebook = tmp_path / "mine.rapport"
    path = single_instance._socket_path(single_instance.server_name(notebook))
    frozen = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    frozen.bind(path)
    frozen.listen(1)  # accepts into the backlog, never answers
    try:
        started = time.monotonic()
        assert not hand_over(notebook, [], timeout=0.5)
        assert time.monotonic() - started < 5
    finally:
        frozen.close()
        os.unlink(path)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_only_the_same_user_can_reach_the_socket(tmp_path):
    server = InstanceServer(tmp_path / "mine.rapport")
    assert server.listen()
    try:
        path = single_instance._socket_path(server.name)
        folder = os.path.dirname(path)
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700  # nobody else can even look inside
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert os.stat(folder).st_uid == os.getuid()
    finally:
        server.close()
    assert not os.path.exists(path)  # nothing left behind


SYSTEM_PYTHON = "/usr/bin/python3"  # one that user nobody may run (the venv's may live in root's home)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0 or not os.path.exists(SYSTEM_PYTHON),
                    reason="needs root, and a Python that user nobody can run, to act as another user")
def test_another_user_is_refused(tmp_path):
    import subprocess

    notebook = tmp_path / "mine.rapport"
    server = InstanceServer(notebook)
    assert server.listen()
    path = single_instance._socket_path(server.name)
    opened = [os.path.dirname(path)]  # even where every folder on the way is open, the peer's user id is checked
    while opened[-1] != os.path.dirname(opened[-1]):
        opened.append(os.path.dirname(opened[-1]))
    modes = {folder: stat.S_IMODE(os.stat(folder).st_mode) for folder in opened}
    for folder in opened:
        os.chmod(folder, modes[folder] | 0o005)
    os.chmod(path, 0o777)
    try:
        script = ("import socket, struct, sys\n"
                  "s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(sys.argv[1])\n"
                  # the window may close on it before the message is even sent (a broken pipe)
                  "try:\n    s.sendall(struct.pack('!I', 2) + b'[]')\n    print(s.recv(10) or 'closed')\n"
                  "except (ConnectionResetError, BrokenPipeError):\n    print('closed')\n")
        nobody = subprocess.run([SYSTEM_PYTHON, "-c", script, path], user="nobody", group="nogroup", extra_groups=[],
                                capture_output=True, text=True, timeout=30, cwd="/")
        assert nobody.returncode == 0, nobody.stderr  # it did reach the socket...
        assert nobody.stdout.strip() == "closed"  # ...and was closed on without an answer
    finally:
        for folder, mode in modes.items():
            os.chmod(folder, mode)
        server.close()
