"""A server that sends Rapport to another host (a domain whose /.well-known/carddav redirects to
its provider's server, RFC 6764 6) gets the password there only once the user has agreed; an
href naming a host nobody agreed to is never asked for. Against a real Radicale: "the domain" is
a proxy on 127.0.0.1 that redirects every request to the server under another name, localhost."""

from __future__ import annotations

import json

import pytest

from model import contacts, dav, storage, sync
from model.contacts import ContactRecord
from tests.cli.test_command_line import rapport
from tests.servers.faults import fault_proxy
from tests.servers.radicale import radicale

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def domain(tmp_path):
    """(server, proxy, the other host): every request to the proxy is redirected to the server as localhost."""
    with radicale(tmp_path / "radicale") as server, fault_proxy(server) as proxy:
        other = f"localhost:{server.port}"
        proxy.add(method="PROPFIND", location=f"http://{other}/", times=1000)
        yield server, proxy, other


def test_a_redirect_to_another_host_waits_for_consent_then_syncs_there(tmp_path, domain):
    server, proxy, other = domain
    notebook = storage.open_notebook(tmp_path / "a.rapport")
    try:
        contacts.add_contact(ContactRecord(given_name="Ada", family_name="Lovelace"))
        with pytest.raises(dav.OtherHost) as refused:
            sync.add_account(proxy.url, server.user, server.password)
        assert refused.value.host == other and "only if you allow it" in str(refused.value)
        assert sync.accounts() == []
        account = sync.add_account(proxy.url, server.user, server.password, trusted=[other])
        assert account.address_book.startswith(f"http://{other}/{server.user}/")  # found on the other host
        assert sync.accounts()[0].trusted == [other]
        report = sync.sync_all(password=lambda _account: server.password)
        assert (report.pushed, report.errors, report.other_hosts) == (1, [], [])
        status, listing = server.request("PROPFIND", account.address_book.removeprefix(f"http://{other}"),
                                         headers={"Depth": "1"})
        assert status == 207 and listing.count(b".vcf</") == 1
    finally:
        notebook.close()


def test_an_href_on_a_host_nobody_agreed_to_is_never_asked_for(domain):
    server, _proxy, other = domain
    client = dav.Client(server.url, server.user, server.password)
    with pytest.raises(dav.OtherHost) as refused:
        client.request("PROPFIND", f"http://{other}/{server.user}/", headers={"Depth": "0"})
    assert refused.value.host == other and client.requests == 0


def test_the_command_line_says_how_to_allow_it(tmp_path, domain):
    server, proxy, other = domain
    book = str(tmp_path / "b.rapport")
    secret = {"RAPPORT_PASSWORD": server.password}
    refused = rapport("--db", book, "--sync-add", proxy.url, "--user", server.user, env=secret)
    assert refused.returncode == 1 and f"--trust-host {other}" in refused.stderr
    added = rapport("--db", book, "--sync-add", proxy.url, "--user", server.user, "--trust-host", other, "--json",
                    env=secret)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["address_book"].startswith(f"http://{other}/")
    assert rapport("--db", book, "--sync", env=secret).returncode == 0
    assert rapport("--db", book, "--sync-trust", "7", other).returncode == 1
    assert rapport("--db", book, "--sync-trust", "1", "dav.example.net").returncode == 0
