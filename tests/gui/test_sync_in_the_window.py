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

        # The phone deletes her: she goes here too, and Edit → Undo brings her back, to go out again.
        assert server.request("DELETE", f"{account.address_book}phone-card-1.vcf")[0] in (200, 204)
        with qtbot.waitSignal(controller.finished, timeout=30000) as done:
            window.sync_action.trigger()
        assert done.args[0].deleted_here == 1 and "Priya Natarajan" not in shown_names(window)
        assert window.undo_stack.undoText() == "Deletion of 1 item(s) by another device"
        window.undo_stack.undo()
        assert "Priya Natarajan" in shown_names(window)
        with qtbot.waitSignal(controller.finished, timeout=30000) as done:
            window.sync_action.trigger()
        assert done.args[0].pushed == 1

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


def test_a_field_changed_on_both_sides_is_settled_in_the_conflicts_view(empty_window, qtbot, tmp_path, monkeypatch):
    import dataclasses

    from gui.sync_panel import ConflictsDialog

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    window = empty_window
    controller = window.sync_controller()
    grace_id = contacts.add_contact(ContactRecord(given_name="Grace", family_name="Hopper", title="Captain"))
    with radicale(tmp_path / "radicale") as server:
        account = sync.add_account(server.url, server.user, server.password)
        controller.passwords[account.id] = server.password
        with qtbot.waitSignal(controller.finished, timeout=30000):
            controller.sync_now()
        # Here the title becomes Rear Admiral; on the phone, Commodore.
        contacts.update_contact(dataclasses.replace(contacts.get_contact(grace_id), title="Rear Admiral"))
        [item] = sync._items(account, sync.CARD).values()
        status, card = server.request("GET", item.href)
        assert status == 200 and b"TITLE:Captain" in card
        assert server.request("PUT", item.href, card.replace(b"TITLE:Captain", b"TITLE:Commodore"),
                              {"Content-Type": "text/vcard"})[0] in (201, 204)
        with qtbot.waitSignal(controller.finished, timeout=30000) as done:
            window.sync_action.trigger()
        assert done.args[0].conflicts == 1
        assert "Sync conflicts" in window.statusBar().currentMessage()
        assert contacts.get_contact(grace_id).title == "Rear Admiral"  # ours kept, theirs beside it

        dialog = ConflictsDialog(window)
        assert dialog.list.count() == 1 and dialog.list.item(0).text() == "Grace Hopper: title"
        text = dialog.detail.toPlainText()
        assert "In this notebook" in text and "On the server" in text
        assert "Rear Admiral" in text and "Commodore" in text
        dialog.take_button.click()
        assert dialog.list.count() == 0 and dialog.empty.isVisibleTo(dialog)
        assert contacts.get_contact(grace_id).title == "Commodore" and sync.conflicts() == []


def test_a_server_that_sends_rapport_elsewhere_is_followed_only_once_the_user_allows_it(empty_window, qtbot,
                                                                                        tmp_path, monkeypatch):
    """The domain's redirect to its provider's server (RFC 6764 6): the add dialog asks, names
    both hosts, and Cancel (the default) adds nothing; Allow finds the address book there."""
    from PySide6.QtWidgets import QMessageBox

    from tests.servers.faults import fault_proxy

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    asked: list[str] = []

    def answer(allow: bool):
        def exec_(box: QMessageBox) -> int:
            asked.append(f"{box.text()} {box.informativeText()}")
            assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
            chosen = next(b for b in box.buttons() if b.text().startswith("Allow")) if allow else box.defaultButton()
            chosen.click()
            return 0
        return exec_

    with radicale(tmp_path / "radicale") as server, fault_proxy(server) as proxy:
        proxy.add(method="PROPFIND", location=f"http://localhost:{server.port}/", times=1000)
        accounts = SyncAccountsDialog(empty_window.sync_controller(), empty_window)
        add = AddAccountDialog(accounts)
        add.url.setText(proxy.url)
        add.user.setText(server.user)
        add.password.setText(server.password)
        monkeypatch.setattr(QMessageBox, "exec", answer(False))
        add.add()
        assert add.account is None and sync.accounts() == []
        assert "127.0.0.1 sends Rapport to localhost" in asked[0] and "localhost" in add.problem.text()
        monkeypatch.setattr(QMessageBox, "exec", answer(True))
        add.add()
        assert add.account is not None and add.account.trusted == [f"localhost:{server.port}"]
        assert add.account.address_book.startswith(f"http://localhost:{server.port}/")
