"""A domain alone, or an email address, finds its server through DNS (RFC 6764 3 and 4): SRV
records in order of priority and weight, TLS first, the TXT record's path, "." as no service;
and the host DNS names gets the password only once the user allows it, as a redirect's does.
Against a real DNS server on 127.0.0.1 (tests/servers/dns.py) and a real Radicale."""

from __future__ import annotations

import dns.resolver
import pytest

from model import contacts, dav, storage, sync
from model.contacts import ContactRecord
from tests.servers.dns import dns_server
from tests.servers.radicale import radicale

pytestmark = pytest.mark.timeout(120)


def resolver_at(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], port
    return resolver


def test_srv_records_in_order_with_the_txt_path():
    records = {
        ("_carddavs._tcp.example.test", "SRV"): ["20 1 443 backup.example.test.", "10 5 8443 dav.example.test.",
                                                 "10 50 443 big.example.test."],
        ("_carddavs._tcp.example.test", "TXT"): ['"path=/dav/"'],
        ("_carddav._tcp.example.test", "SRV"): ["0 0 80 plain.example.test."],
        ("_caldavs._tcp.example.test", "SRV"): ["0 0 0 ."],  # decidedly no CalDAV here
    }
    with dns_server(records) as port:
        found = dav.service_urls("example.test", "carddav", resolver=resolver_at(port))
        assert found == ["https://big.example.test/dav/", "https://dav.example.test:8443/dav/",
                         "https://backup.example.test/dav/"]  # plain http only when asked for
        with_http = dav.service_urls("example.test", "carddav", allow_http=True, resolver=resolver_at(port))
        assert with_http[-1] == "http://plain.example.test/.well-known/carddav"  # no TXT: the well-known path
        assert dav.service_urls("example.test", "caldav", resolver=resolver_at(port)) == []
        assert dav.service_urls("nothing.test", "carddav", resolver=resolver_at(port)) == []


def test_no_dns_answer_is_no_srv_record():
    with dns_server({}) as port:
        pass  # the server has stopped: nobody answers on that port
    resolver = resolver_at(port)
    resolver.lifetime = 0.5
    assert dav.service_urls("example.test", "carddav", resolver=resolver) == []


def test_an_email_address_alone_finds_the_server_dns_names_once_its_host_is_allowed(tmp_path):
    notebook = storage.open_notebook(tmp_path / "a.rapport")
    try:
        contacts.add_contact(ContactRecord(given_name="Ada", family_name="Lovelace"))
        with radicale(tmp_path / "radicale") as server:
            host = f"localhost:{server.port}"
            records = {(f"_{kind}._tcp.example.test", "SRV"): [f"0 0 {server.port} localhost."]
                       for kind in ("carddav", "caldav")}
            records[("_carddav._tcp.example.test", "TXT")] = [f'"path=/{server.user}/"']
            with dns_server(records) as port:
                with pytest.raises(dav.OtherHost) as asked:
                    sync.add_account("ada@example.test", server.user, server.password, resolver=resolver_at(port))
                assert asked.value.host == host and sync.accounts() == []
                account = sync.add_account("ada@example.test", server.user, server.password, trusted=[host],
                                           resolver=resolver_at(port))
            assert account.url == "https://example.test/"  # never asked: DNS named the server
            assert account.address_book.startswith(f"http://{host}/{server.user}/")
            report = sync.sync_all(password=lambda _account: server.password)
            assert (report.pushed, report.errors) == (1, [])
    finally:
        notebook.close()


def test_a_host_within_the_domain_needs_no_consent():
    client = dav.Client("https://example.org/", "u", "p")
    assert client.allowed("dav.example.org") and client.allowed("example.org:8443")
    assert not client.allowed("example.org.evil.test") and not client.allowed("badexample.org")
    assert not dav.Client("http://127.0.0.1:5232/", "u", "p").allowed("0.0.1")
