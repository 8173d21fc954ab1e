"""Sync when things go wrong, against a real Radicale behind a proxy that misbehaves on cue
(tests/servers/faults.py): a server error, a full disk there (507), a card changed by another
client between our read and our write (a genuine 412), answers slower than Rapport waits, an
expired sync token, redirects, and Rapport killed mid-sync. After the next good sync, both sides
hold every change exactly once: nothing lost, nothing doubled."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from model import contacts, dav, storage, sync
from model.contacts import ContactRecord
from tests.conftest import ROOT
from tests.servers.faults import fault_proxy
from tests.servers.radicale import radicale

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def servers(tmp_path):
    with radicale(tmp_path / "radicale") as server, fault_proxy(server) as proxy:
        yield server, proxy


@pytest.fixture
def notebook_on_proxy(tmp_path, servers):
    """A notebook with three people and an account whose every request goes through the proxy."""
    server, proxy = servers
    notebook = storage.open_notebook(tmp_path / "a.rapport")
    for given, family in (("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper")):
        contacts.add_contact(ContactRecord(given_name=given, family_name=family))
    account = sync.add_account(proxy.url, server.user, server.password)
    yield notebook, account, server, proxy
    notebook.close()


def run(server) -> sync.Report:
    return sync.sync_all(password=lambda _account: server.password)


def server_uids(server, account) -> list[str]:
    client = dav.Client(server.url, server.user, server.password)
    hrefs = [resource.href for resource in client.changes(account.address_book, "").changed]
    return [sync._card(resource.data, resource.href).uid
            for resource in client.fetch(account.address_book, hrefs, "carddav")]


def assert_in_step(server, account) -> None:
    """Every person once on the server, and the server's people all here."""
    there = server_uids(server, account)
    here = [record.uid for record in contacts.iter_contacts()]
    assert len(there) == len(set(there)), "a person doubled on the server"
    assert sorted(there) == sorted(here)
    again = run(server)
    assert (again.pulled, again.pushed, again.errors) == (0, 0, [])


@pytest.mark.parametrize("status", [500, 507])
def test_a_write_the_server_refuses_is_said_and_goes_at_the_next_sync(notebook_on_proxy, status):
    _notebook, account, server, proxy = notebook_on_proxy
    proxy.add(method="PUT", status=status)
    report = run(server)
    assert report.exit_code == 2 and report.pushed == 2
    assert f"answered {status}" in report.errors[0] and server.password not in " ".join(report.errors)
    assert run(server).pushed == 1
    assert_in_step(server, account)


def test_a_card_changed_by_another_client_meanwhile_is_not_overwritten(notebook_on_proxy):
    _notebook, account, server, proxy = notebook_on_proxy
    run(server)
    [ada] = [record for record in contacts.iter_contacts() if record.given_name == "Ada"]
    contacts.update_contact(dataclasses.replace(ada, title="Countess"))
    href = next(item for item in sync._items(account, sync.CARD).values() if item.uid == ada.uid).href

    def the_phone_writes_first() -> None:
        status, card = server.request("GET", href)
        assert status == 200
        changed = card.replace(b"END:VCARD", b"NOTE:Met at the Babbage salon\r\nEND:VCARD")
        assert server.request("PUT", href, changed, {"Content-Type": "text/vcard"})[0] in (201, 204)

    proxy.add(method="PUT", path=href, before=the_phone_writes_first)
    report = run(server)
    assert "changed on the server meanwhile" in report.errors[0]  # the server's 412 (If-Match), nothing lost
    report = run(server)
    assert report.pulled == 1 and report.pushed == 1 and report.errors == []
    ada = contacts.get_contact(ada.id or 0)
    assert (ada.title, ada.notes) == ("Countess", "Met at the Babbage salon")  # both changes kept
    assert_in_step(server, account)


def test_a_server_slower_than_rapport_waits_is_offline_and_nothing_is_lost(notebook_on_proxy, monkeypatch):
    _notebook, account, server, proxy = notebook_on_proxy
    monkeypatch.setattr(dav, "TIMEOUT", (5, 0.5))
    proxy.add(method="REPORT", delay=2)
    before = sorted(record.uid for record in contacts.iter_contacts())
    report = run(server)
    assert report.unreachable and report.exit_code == 1 and "no answer" in report.errors[0]
    assert sorted(record.uid for record in contacts.iter_contacts()) == before
    assert sync.accounts()[0].last_error  # said in the accounts dialog
    assert run(server).exit_code == 0
    assert_in_step(server, account)


def test_the_client_counts_the_time_spent_waiting_for_answers(notebook_on_proxy, monkeypatch):
    """`Client.waited` (the bench's split between the server's time and Rapport's) holds each
    answer's wait, and the wait for one that never came."""
    _notebook, account, server, proxy = notebook_on_proxy
    client = dav.Client(proxy.url, server.user, server.password)
    client.changes(account.address_book)
    assert 0 < client.waited < 0.4
    quick = client.waited
    proxy.add(method="REPORT", delay=0.6)
    client.changes(account.address_book)
    assert client.waited - quick >= 0.6
    monkeypatch.setattr(dav, "TIMEOUT", (5, 0.3))
    proxy.add(method="REPORT", delay=1)
    before = client.waited
    with pytest.raises(dav.Unreachable):
        client.changes(account.address_book)
    assert client.waited - before >= 0.3 and client.requests == 3


def test_an_expired_sync_token_falls_back_to_the_whole_listing_once(notebook_on_proxy):
    _notebook, account, server, proxy = notebook_on_proxy
    run(server)
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:from-the-phone\r\nFN:Katherine Johnson\r\nEND:VCARD\r\n"
    assert server.put(f"{account.address_book}from-the-phone.vcf", card, "text/vcard")[0] in (201, 204)
    proxy.add(method="REPORT", status=403, body=b'<?xml version="1.0"?><d:error xmlns:d="DAV:">'
                                                 b"<d:valid-sync-token/></d:error>")
    report = run(server)
    assert report.pulled == 1 and report.errors == []
    assert [r.display_name for r in contacts.iter_contacts()].count("Katherine Johnson") == 1
    assert_in_step(server, account)


def test_redirects_are_followed_on_the_same_server_only(notebook_on_proxy):
    _notebook, account, server, proxy = notebook_on_proxy
    other_host = f"http://localhost:{proxy.port}{account.address_book}"
    proxy.add(method="REPORT", location=other_host)
    report = run(server)
    assert "sends Rapport to another server" in report.errors[0] and report.exit_code == 2
    proxy.add(method="REPORT", location=f"{proxy.url.rstrip('/')}{account.address_book}")  # same host: followed
    report = run(server)
    assert report.errors == [] and report.pushed == 3
    assert_in_step(server, account)


def test_rapport_killed_mid_sync_leaves_nothing_lost_or_doubled(tmp_path, servers):
    server, proxy = servers
    path = tmp_path / "killed.rapport"
    with contextlib.closing(storage.open_notebook(path)):
        for number in range(6):
            contacts.add_contact(ContactRecord(given_name=f"Person{number}", family_name="Example"))
        account = sync.add_account(proxy.url, server.user, server.password)
    held = threading.Event()
    proxy.add(method="PUT", hold=held, after=3)  # the fourth write waits: Rapport is killed while it does
    environment = dict(os.environ, RAPPORT_PASSWORD=server.password, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(path), "--sync", "--json"],
                               env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while sum(1 for method, _path in proxy.seen if method == "PUT") < 4:
        assert time.monotonic() < deadline and process.poll() is None, "the sync never reached its fourth write"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    held.set()  # the write it was waiting for reaches the server after all: Rapport never heard back
    time.sleep(0.5)
    with contextlib.closing(storage.open_notebook(path)):
        report = run(server)
        assert report.errors == []
        assert_in_step(server, account)


def test_https_without_openssl_says_what_is_missing(monkeypatch):
    """The bundle takes OpenSSL from the system (packaging/rapport.spec); where the system has
    none, the ssl module does not load, and sync says so instead of blaming the certificate."""
    monkeypatch.setitem(sys.modules, "ssl", None)  # what `import ssl` meets without libssl3
    assert not dav.secure_connections()
    client = dav.Client("https://127.0.0.1:9/", "user", "password")
    with pytest.raises(dav.Unreachable, match=r"secure \(https\) connections.*OpenSSL 3"):
        client.request("PROPFIND", "")
    assert client.requests == 0
    monkeypatch.undo()
    assert dav.secure_connections()
