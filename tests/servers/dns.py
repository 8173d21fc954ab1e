"""A DNS server for one test, on 127.0.0.1 (UDP), answering from a table of records:
`with dns_server({("_carddavs._tcp.example.test", "SRV"): ["0 1 8443 dav.example.test."]}) as port:`.
Messages are read and written by dnspython, the library Rapport resolves with, so the test
speaks real DNS on the wire (RFC 1035) and Rapport's resolver is the one that ships."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


@contextlib.contextmanager
def dns_server(records: dict[tuple[str, str], list[str]]) -> Iterator[int]:
    """Answers each query for a (name, type) in `records` with its rdata texts, and NXDOMAIN for
    any other name; yields the port."""
    names = {name.rstrip(".").lower() for name, _type in records}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, client = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            answer = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            kind = dns.rdatatype.to_text(question.rdtype)
            found = records.get((name, kind)) or records.get((name + ".", kind))
            if found:
                answer.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", kind, found))
            elif name not in names:
                answer.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(answer.to_wire(), client)

    thread = threading.Thread(target=serve, name="test-dns", daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        sock.close()
