"""Sync through the window, against a real Radicale started by the test: an account added in
Tools → Sync accounts, a phone's card coming in on F5, a change going out by itself after the
debounce, and a server that stops answering said in the status bar, without a dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from gui import sync_panel
from gui.sync_panel import AddAccountDialog, SyncAccountsDialog
from model import contacts, sync
from model.contacts import ContactPointRecord, ContactRecord
from tests.gui.conftest import shown_names
from tests.servers.radicale import radicale

pytestmark = pytest.mark.timeout(120)

CARD = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-card-1\r\nFN:Priya Natarajan\r\nN:Natarajan;Priya;;;\r\n"
        b"TEL;TYPE=CELL:+44 20 7946 0958\r\nEND:VCARD\r\n")


def test_an_account_is_added_synced_by_f5_and_after_a_change_and_offline_is_said(empty_window, qtbot, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # a bare session: no keyring
    monkeypatch.setattr(sync_panel, "DEBOUNCE_MS", 200)
    window = empty_window
    controller = window.sync_controller()
    with radicale(tmp_path / "radicale") as server:
        accounts = SyncAccountsDialog(controller, window)
        assert not accounts.accounts and not accounts.sync_button.isEnabled()
        add = AddAccountDialog(accounts)
        add.url.setText(server.url)
        add.user.setText(server.user)
        add.password.setText(server.password)
        add.add()
        assert add.account is not None and add.result() == AddAccountDialog.DialogCode.Accepted
        # What the accounts dialog does after Add: no keyring, so the password stays in memory; a first sync.
        assert not sync.remember_password(add.account, add.secret)
        controller.passwords[add.account.id] = add.secret
        with qtbot.waitSignal(controller.finished, timeout=30000):
            controller.sync_now()
        accounts.refresh()
        assert accounts.table.rowCount() == 1 and accounts.table.item(0, 1).text() == server.user
        assert accounts.table.item(0, 3).text() != "not yet"

        # The phone adds a card on the server; F5 brings it in.
        account = sync.accounts()[0]
        status, _body = server.put(f"{account.address_book}phone-card-1.vcf", CARD, "text/vcard")
        assert status in (201, 204)
        with qtbot.waitSignal(controller.finished, timeout=30000) as done:
            window.sync_action.trigger()
        assert done.args[0].pulled == 1
        assert "Priya Natarajan" in shown_names(window)
        assert "Synced: 1 in" in window.statusBar().currentMessage()

        # A change here goes out by itself, a moment later.
        contacts.add_contact(ContactRecord(given_name="Tomás", family_name="Ruiz",
                                           points=[ContactPointRecord("email", "tomas@example.org")]))
        with qtbot.waitSignal(controller.finished, timeout=30000) as done:
            window._changed(None)
        assert done.args[0].pushed == 1

    # The server has stopped: the status bar says so, nothing modal, the notebook unchanged.
    before = contacts.count_contacts()
    with qtbot.waitSignal(controller.finished, timeout=60000) as done:
        window.sync_action.trigger()
    assert done.args[0].unreachable
    assert window.statusBar().currentMessage().startswith("Offline:")
    assert QApplication.activeModalWidget() is None
    assert contacts.count_contacts() == before
