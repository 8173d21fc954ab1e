"""One Rapport per notebook: the lock, and a second start handing its files to the first."""

import os
import subprocess
import sys
import time

import pytest

from gui.single_instance import InstanceServer, hand_over, server_name
from model import storage
from tests.conftest import CORPUS, ROOT


def test_a_notebook_has_one_writer(tmp_path):
    path = tmp_path / "mine.rapport"
    first = storage.open_notebook(path, exclusive=True)
    with pytest.raises(storage.NotebookLocked, match="open in another Rapport"):
        storage.open_notebook(path, exclusive=True)
    reader = storage.open_notebook(path)  # reading (--stats, exports) is still allowed
    reader.close()
    first.close()
    storage.open_notebook(path, exclusive=True).close()  # free again once closed


def test_files_are_handed_to_the_running_window(qtbot, tmp_path):
    notebook = tmp_path / "mine.rapport"
    assert not hand_over(notebook, [])  # nobody runs yet
    server = InstanceServer(notebook)
    assert server.listen()
    card = CORPUS / "vcards" / "ezvcard-gmail-list.vcf"
    with qtbot.waitSignal(server.files_received, timeout=3000) as received:
        assert hand_over(notebook, [str(card)])
    assert received.args == [[str(card.resolve())]]
    assert server_name(notebook) != server_name(tmp_path / "other.rapport")  # one per notebook
    server.close()


def test_a_second_start_hands_over_and_exits(qapp, tmp_path):
    notebook = tmp_path / "mine.rapport"
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    first = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(notebook)], env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not hand_over(notebook, []):  # wait until the first one listens
            assert time.monotonic() < deadline and first.poll() is None, "the first Rapport did not start"
            time.sleep(0.2)
        card = CORPUS / "vcards" / "ezvcard-gmail-list.vcf"
        second = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(notebook), str(card)],
                                env=environment, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        # A window-less import is a second writer: refused with a clear message, the file untouched.
        third = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(notebook), "--import", str(card)],
                               env=environment, capture_output=True, text=True, timeout=60)
        assert third.returncode == 1 and "open in another Rapport" in third.stderr
    finally:
        first.terminate()
        first.wait(10)


def test_a_stranger_on_the_socket_is_ignored_and_closing_stops_listening(qtbot, tmp_path):
    import socket
    import struct

    from gui import single_instance

    notebook = tmp_path / "mine.rapport"
    server = InstanceServer(notebook)
    assert server.listen()
    path = single_instance._socket_path(server.name)
    for garbage in (struct.pack("!I", 40) + b"\x80\x04not json, and never unpickled",
                    struct.pack("!I", 1 << 30)):  # a length far over the limit
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stranger:
            stranger.connect(path)
            stranger.sendall(garbage)
    with qtbot.waitSignal(server.files_received, timeout=3000) as received:
        assert hand_over(notebook, [])  # still serving
    assert received.args == [[]]
    server.close()
    assert not hand_over(notebook, [])
